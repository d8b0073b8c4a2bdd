"""Note calls side by side (``[^1][^2]``) read "1,2", never "12", in every format (issue 14):
a raised comma sets the second call apart in both PDFs (WeasyPrint's call, base.css), the EPUB
and the web edition (inside the call's ``sup``) and the DOCX (a run in the Footnote Reference
style, which the importer drops again). On a French interview written for the test
(tests/fixtures/editorial/fr-calls.md: two calls, then three, then one alone)."""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from lxml import etree, html

from conftest import ROOT, build_all, run_cli

SOURCE = ROOT / "tests" / "fixtures" / "editorial" / "fr-calls.md"
CALLS = ["1", ",2", "3", "4", ",5", ",6"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_all(SOURCE, tmp_path_factory.mktemp("calls"))


@pytest.mark.parametrize("kind", ["print", "screen"])
def test_the_pdfs_set_calls_apart(built, kind):
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(built[kind]), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    # French sets a call before the sentence's point (the transforms: "chose.[^1]" -> "chose¹.").
    assert "chose1,2. Les" in flat and "répondent3." in flat and "précaution4,5,6 :" in flat, flat[:600]
    assert not re.search(r"chose\.?12|précaution456", flat)


def _sup_texts(root) -> list[str]:
    return ["".join(s.itertext()) for s in root.iter("{*}sup", "sup") if s.find("{*}a") is not None or s.find("a") is not None]


def test_the_epub_and_web_edition_set_calls_apart(built):
    with zipfile.ZipFile(built["epub"]) as z:
        chapter = etree.fromstring(z.read("EPUB/interview.xhtml"))
    assert _sup_texts(chapter) == CALLS
    # In the EPUB the comma is inside the call's link, so that it takes the reading system's
    # link colour with the number (epub.css sets none), and it is not read aloud.
    seps = list(chapter.iter("{*}span"))
    seps = [s for s in seps if s.get("class") == "call-sep"]
    assert len(seps) == 3 and all(etree.QName(s.getparent()).localname == "a" and s.get("aria-hidden") == "true"
                                  for s in seps)
    page = html.fromstring(built["html"].read_bytes())
    assert _sup_texts(page) == CALLS


def test_the_docx_sets_calls_apart_and_the_importer_drops_the_comma(built, tmp_path):
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(built["docx"]) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    calls = []
    for r in body.iter(w + "r"):
        style = r.find(f"{w}rPr/{w}rStyle")
        if style is None or style.get(w + "val") != "FootnoteReference":
            continue
        ref = r.find(w + "footnoteReference")
        calls.append(ref.get(w + "id") if ref is not None else "".join(t.text or "" for t in r.iter(w + "t")))
    assert calls == ["1", ",", "2", "3", "4", ",", "5", ",", "6"]
    out = tmp_path / "fr-calls.md"
    run_cli("import", built["docx"], "-o", out)
    body_text = out.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert "chose[^1][^2]. Les" in body_text and "précaution[^4][^5][^6]\u202f:" in body_text, body_text
