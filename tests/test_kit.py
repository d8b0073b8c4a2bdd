"""make kit LANG=fr (issue 18): the translator's kit in build/kit/<LANG>/.

- In a scratch project with an English and a Russian interview (tests/fixtures/kit/) and one
  already in French: one DOCX per source not in the target language, and README.txt; the French
  source is skipped with one line.
- Each DOCX is the DOCX writer's, set in the target language: docDefaults and themeFontLang on
  the script's attribute, the core and custom properties; for Arabic the bidi language and the
  right-to-left paragraphs and section; no identifier or address of the original.
- LibreOffice opens it; importing it gives the original's source in the target language (model
  equal but for lang, identifier and url); importing it after a translation gives the
  translation.
- make-level behaviour: no LANG (or a malformed one) is one line and a failure; a second run
  does nothing; a changed source rebuilds its DOCX only; the same inputs give the same bytes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT, copy_project, make, model_of, run_cli
from makeenv import clean_make_env
from system import need

FIXTURES = ROOT / "tests" / "fixtures" / "kit"
SOURCES = ("en-wells", "ru-rivers")  # translated
ALREADY_FR = "fr-deja"  # skipped by make kit LANG=fr

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = {"w": W_NS}
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


#: The first `make kit LANG=fr` of each tree.
FIRST_RUN: dict[Path, subprocess.CompletedProcess] = {}


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of the project whose sources are the kit fixtures, after `make kit LANG=fr`."""
    dst = copy_project(tmp_path_factory.mktemp("kit"))
    shutil.rmtree(dst / "source")
    shutil.copytree(FIXTURES, dst / "source")
    proc = make(dst, "kit", "LANG=fr")
    assert proc.returncode == 0, proc.stderr
    FIRST_RUN[dst] = proc
    return dst


def kit_docx(tree: Path, stem: str, lang: str = "fr") -> Path:
    return tree / "build" / "kit" / lang / f"{stem}.{lang}.docx"


def xml(docx: Path, name: str):
    with zipfile.ZipFile(docx) as z:
        return etree.fromstring(z.read(name))


def custom_properties(docx: Path) -> dict[str, str]:
    return {p.get("name"): "".join(p.itertext()) for p in xml(docx, "docProps/custom.xml").iter(CUSTOM + "property")}


def doc_lang(docx: Path) -> dict[str, str]:
    el = xml(docx, "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    return {k.removeprefix(W): v for k, v in el.attrib.items()}


def theme_font_lang(docx: Path) -> dict[str, str]:
    el = xml(docx, "word/settings.xml").find("w:themeFontLang", NS)
    return {k.removeprefix(W): v for k, v in el.attrib.items()}


def core(docx: Path, tag: str) -> str | None:
    el = xml(docx, "docProps/core.xml").find(f"{{http://purl.org/dc/elements/1.1/}}{tag}")
    return None if el is None else el.text


def make_kit(tree: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "kit", *args], cwd=tree, capture_output=True,
                          text=True, env={**clean_make_env(), **(env or {})})


# -- what the kit holds ---------------------------------------------------------------------------

def test_a_docx_per_source_and_a_readme(tree):
    kit = tree / "build" / "kit" / "fr"
    assert sorted(p.name for p in kit.iterdir()) == ["README.txt", "en-wells.fr.docx", "ru-rivers.fr.docx"]


def test_a_source_already_in_the_language_is_skipped_with_one_line(tree):
    out = FIRST_RUN[tree].stdout.splitlines()
    lines = [line for line in out if line.startswith("kit:")]
    assert lines == [f"kit: source/{ALREADY_FR}.md is already in fr: skipped"], out
    assert not kit_docx(tree, ALREADY_FR).exists()


def test_the_kit_of_a_publication_with_editions_is_made_from_its_original(tmp_path):
    """x.md, x.ar.md, x.fr.md (tests/fixtures/editions/): the Spanish kit is made from x.md
    only; the French one from none, since the French edition is there."""
    dst = copy_project(tmp_path / "p")
    shutil.rmtree(dst / "source")
    (dst / "source").mkdir()
    for stem in ("rivers", "rivers.ar", "rivers.fr"):
        shutil.copy(ROOT / "tests" / "fixtures" / "editions" / f"{stem}.md", dst / "source")
    proc = make_kit(dst, "LANG=es")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (dst / "build" / "kit" / "es").iterdir()) == ["README.txt", "rivers.es.docx"]
    assert [line for line in proc.stdout.splitlines() if line.startswith("kit:")] == [
        "kit: source/rivers.ar.md is the ar edition of source/rivers.md, from which the kit is made: skipped",
        "kit: source/rivers.fr.md is the fr edition of source/rivers.md, from which the kit is made: skipped"]
    assert custom_properties(kit_docx(dst, "rivers", "es"))["pressroom-lang"] == "es"
    assert not [n for n in custom_properties(kit_docx(dst, "rivers", "es")) if n.startswith("pressroom-edition")]
    proc = make_kit(dst, "LANG=fr")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (dst / "build" / "kit" / "fr").iterdir()) == ["README.txt"]
    assert "kit: source/rivers.md has its fr edition already, source/rivers.fr.md: skipped" in proc.stdout


@pytest.mark.parametrize("stem", SOURCES)
def test_the_docx_is_set_in_the_target_language(tree, stem):
    docx = kit_docx(tree, stem)
    assert doc_lang(docx)["val"] == "fr"
    assert theme_font_lang(docx)["val"] == "fr"
    assert core(docx, "language") == "fr"
    props = custom_properties(docx)
    assert props["pressroom-lang"] == "fr"


@pytest.mark.parametrize("stem", SOURCES)
def test_no_identifier_nor_address_of_the_original(tree, stem, tmp_path):
    original = tmp_path / f"{stem}.docx"  # the original's own DOCX has them (the fixture sets both)
    run_cli("docx", tree / "source" / f"{stem}.md", "-o", original)
    assert {"pressroom-identifier", "pressroom-url"} <= set(custom_properties(original))
    assert core(original, "identifier")
    props = custom_properties(kit_docx(tree, stem))
    assert not {k for k in props if k.startswith(("pressroom-identifier", "pressroom-url"))}, props
    assert not core(kit_docx(tree, stem), "identifier")


def test_the_text_stays_the_original(tree):
    body = "".join(xml(kit_docx(tree, "ru-rivers"), "word/document.xml").itertext())
    assert "Реки без границ" in body and "Учить языки соседей." in body


def test_arabic_is_right_to_left(tree):
    proc = make_kit(tree, "LANG=ar")
    assert proc.returncode == 0, proc.stderr
    docx = kit_docx(tree, "en-wells", "ar")
    langs = doc_lang(docx)
    assert langs["bidi"] == "ar" and langs["val"] != "ar", langs
    assert theme_font_lang(docx)["bidi"] == "ar"
    assert custom_properties(docx)["pressroom-lang"] == "ar"
    document = xml(docx, "word/document.xml")
    body = document.find("w:body", NS)
    assert body.find("w:sectPr/w:bidi", NS) is not None
    ps = [p for p in body.iter(W + "p") if "".join(p.itertext()).strip()]
    assert ps and all(p.find("w:pPr/w:bidi", NS) is not None for p in ps)
    # The French kit is left to left.
    assert xml(kit_docx(tree, "en-wells"), "word/document.xml").find("w:body/w:sectPr/w:bidi", NS) is None
    # The README names the language; every source is in the Arabic kit (none is in Arabic).
    readme = (tree / "build" / "kit" / "ar" / "README.txt").read_text(encoding="utf-8")
    assert "Arabic (العربية, ar)" in readme and "fr-deja.ar.docx" in readme


def test_the_readme(tree):
    text = (tree / "build" / "kit" / "fr" / "README.txt").read_text(encoding="utf-8")
    assert text.startswith("Translating into French (français, fr)\n")
    assert "  en-wells.fr.docx\n  ru-rivers.fr.docx\n" in text
    assert ALREADY_FR not in text and "{" not in text
    assert len(text.splitlines()) <= 45  # one screen
    assert not re.search(r"\b20\d\d\b", text)  # no date: the same kit, the same bytes
    for words in ("Question", "Normal", "footnote", "properties", "tracked change", "comments", ".docx",
                  "identifier"):
        assert words in text, words


# -- the kit in LibreOffice and back --------------------------------------------------------------

def test_libreoffice_opens_the_kit(tree, tmp_path):
    need("soffice")
    docxs = [kit_docx(tree, s) for s in SOURCES]
    proc = subprocess.run([shutil.which("soffice"), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                           "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path / "out"),
                           *map(str, docxs)], capture_output=True, text=True, timeout=600)
    for docx in docxs:
        pdf = tmp_path / "out" / f"{docx.stem}.pdf"
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), proc.stderr[-500:]
    need("pdftotext")
    text = subprocess.run(["pdftotext", str(tmp_path / "out" / "ru-rivers.fr.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Реки без границ" in text


def unspaced(o):
    """The model with every no-break space a plain space."""
    if isinstance(o, dict):
        return {k: unspaced(v) for k, v in o.items()}
    if isinstance(o, list):
        return [unspaced(x) for x in o]
    return re.sub("[\u00a0\u202f]", " ", o) if isinstance(o, str) else o


def in_french(source: Path, out: Path) -> Path:
    """The original source as its French edition before translation: lang fr, and no identifier
    or address."""
    text = source.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    lines = [("lang: fr" if line.startswith("lang:") else line) for line in head.splitlines()
             if not line.startswith(("identifier:", "url:"))]
    out.write_text("\n".join(lines) + sep + body, encoding="utf-8")
    return out


@pytest.mark.parametrize("stem", SOURCES)
def test_import_gives_the_original_in_the_target_language(tree, stem, tmp_path):
    out = tmp_path / "source" / f"{stem}.fr.md"
    proc = run_cli("import", kit_docx(tree, stem), "-o", out)
    assert proc.stderr == ""
    text = out.read_text(encoding="utf-8")
    assert re.search(r"^lang: fr$", text, re.M) and not re.search(r"^(identifier|url):", text, re.M)
    expected = tmp_path / "expected"
    expected.mkdir()
    for photo in FIXTURES.glob("*.png"):
        shutil.copy(photo, expected / photo.name)
    got, want = model_of(out), model_of(in_french(tree / "source" / f"{stem}.md", expected / f"{stem}.md"))
    if stem == "ru-rivers":
        # The original's typesetting stays in the text the translator replaces: Russian ties a
        # short word to the next with a no-break space, which French does not.
        got, want = unspaced(got), unspaced(want)
    assert got == want
    original = model_of(tree / "source" / f"{stem}.md")
    assert model_of(out)["meta"]["lang"] == "fr" != original["meta"]["lang"]


def test_import_after_libreoffice_saved_the_kit(tree, tmp_path):
    """The translator's editor saves the kit again (LibreOffice, docx to docx): the language is
    kept, and the import gives the original in the target language."""
    need("soffice")
    stem = "en-wells"
    subprocess.run([shutil.which("soffice"), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "docx", "--outdir", str(tmp_path / "saved"),
                    str(kit_docx(tree, stem))], capture_output=True, text=True, timeout=600)
    saved = tmp_path / "saved" / f"{stem}.fr.docx"
    assert saved.is_file()
    # LibreOffice writes the region it assumes (fr-FR); the properties keep the tag.
    assert doc_lang(saved)["val"] in ("fr", "fr-FR") and custom_properties(saved)["pressroom-lang"] == "fr"
    out = tmp_path / "source" / f"{stem}.fr.md"
    run_cli("import", saved, "-o", out)
    expected = tmp_path / "expected"
    expected.mkdir()
    for photo in FIXTURES.glob("*.png"):
        shutil.copy(photo, expected / photo.name)
    assert model_of(out) == model_of(in_french(tree / "source" / f"{stem}.md", expected / f"{stem}.md"))


def test_import_after_a_translation_gives_the_translation(tree, tmp_path):
    """The translator's work as python-docx does it: a Question and an Answer retyped in French."""
    from docx import Document

    doc = Document(str(kit_docx(tree, "en-wells")))

    def retype(style_id: str, text: str):
        p = next(p for p in doc.paragraphs if p.style.style_id == style_id)
        for r in p.runs[1:]:
            r._r.getparent().remove(r._r)
        p.runs[0].text = text

    retype("Question", "Que change un nouveau puits ?")
    retype("Answer", "Tout, à commencer par la journée d’une fille qui ne marche plus quatre heures pour l’eau.")
    returned = tmp_path / "returned.docx"
    doc.save(str(returned))
    out = tmp_path / "source" / "en-wells.fr.md"
    run_cli("import", returned, "-o", out)
    text = out.read_text(encoding="utf-8")
    assert "## Que change un nouveau puits" in text
    assert "Tout, à commencer par la journée d’une fille" in text
    assert "What does a new well change" not in text and "first of all the day" not in text
    assert "## Who keeps the wells working?" in text  # what was not retyped stays
    assert re.search(r"^lang: fr$", text, re.M)


# -- make -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", [None, "", "f r", "fr;true", "1fr", "fr-", "'fr'", "fr/../x"])
def test_no_or_a_malformed_lang_is_one_line(tree, lang):
    # The environment's LANG is the locale, never a target.
    args = () if lang is None else (f"LANG={lang}",)
    proc = make_kit(tree, *args, env={"LANG": "fr_FR.UTF-8"})
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "make kit: give the target language, e.g. make kit LANG=fr" in lines[0], proc.stderr
    assert not (tree / "build" / "kit" / "x").exists()


def test_a_second_run_does_nothing(tree):
    kit = tree / "build" / "kit" / "fr"
    before = {p.name: p.stat().st_mtime_ns for p in kit.iterdir()}
    proc = make_kit(tree, "LANG=fr")
    assert proc.returncode == 0, proc.stderr
    assert "KIT" not in proc.stdout and "MODEL" not in proc.stdout, proc.stdout
    assert {p.name: p.stat().st_mtime_ns for p in kit.iterdir()} == before


def test_a_changed_source_rebuilds_its_docx_only(tree):
    src = tree / "source" / "ru-rivers.md"
    os.utime(src, None)
    proc = make_kit(tree, "LANG=fr")
    assert proc.returncode == 0, proc.stderr
    built = [line.split()[-1] for line in proc.stdout.splitlines() if line.strip().startswith("KIT")]
    assert "build/kit/fr/ru-rivers.fr.docx" in built and "build/kit/fr/en-wells.fr.docx" not in built, built


def test_the_same_inputs_give_the_same_bytes(tree, tmp_path):
    kit = tree / "build" / "kit" / "fr"
    before = {p.name: p.read_bytes() for p in kit.iterdir()}
    shutil.rmtree(kit)
    proc = make_kit(tree, "LANG=fr", env={"TZ": "Pacific/Kiritimati"})
    assert proc.returncode == 0, proc.stderr
    assert {p.name: p.read_bytes() for p in kit.iterdir()} == before
    # No temporary file left beside them (written as a temporary file, then renamed).
    assert not [p for p in (tree / "build" / "kit").rglob("*") if p.name.endswith(".part")]


def test_the_kit_is_not_a_published_output():
    from pressroom.outputs import NAMES

    assert "kit" not in NAMES
    help_text = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True,
                               text=True, env=clean_make_env()).stdout
    assert "make kit LANG=fr" in help_text
