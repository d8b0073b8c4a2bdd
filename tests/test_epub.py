"""The EPUB 3: validity (EPUBCheck 5.3, Ace by DAISY), accessibility, navigation,
page-list against the real print PDF, text fidelity and reproducibility.

Every check reads the output files (zip, OPF, XHTML, PNG, PDF) with independent
tools; none imports the writer.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT, SOURCE, build, run_cli, build_all
from system import need
from textcheck import assert_in_order, epub_text, seed_words, words

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ACE = ROOT / ".venv" / "ace" / "node_modules" / ".bin" / "ace-cli"
#: EPUBCheck messages accepted, by id, with the reason. None so far: every message fails.
ALLOWED_EPUBCHECK: dict[str, str] = {}
#: epub:type values and the DPUB-ARIA role each must carry.
ROLE_OF = {
    "chapter": "doc-chapter", "noteref": "doc-noteref", "footnote": "doc-footnote",
    "pagebreak": "doc-pagebreak", "toc": "doc-toc", "page-list": "doc-pagelist", "cover": "doc-cover",
}


# -- reading an EPUB -------------------------------------------------------------------

class Book:
    def __init__(self, path: Path):
        self.path = path
        self.zip = zipfile.ZipFile(path)
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_name = container.find(".//{*}rootfile").get("full-path")
        self.base = self.opf_name.rpartition("/")[0]
        self.opf = etree.fromstring(self.zip.read(self.opf_name))
        self.items = {i.get("id"): i for i in self.opf.iter("{%s}item" % NS["opf"])}

    def name(self, href: str) -> str:
        return f"{self.base}/{href}" if self.base else href

    def read(self, href: str) -> bytes:
        return self.zip.read(self.name(href))

    def doc(self, href: str):
        return etree.fromstring(self.read(href))

    def xhtml(self) -> dict[str, etree._Element]:
        return {i.get("href"): self.doc(i.get("href")) for i in self.items.values()
                if i.get("media-type") == "application/xhtml+xml"}

    def spine(self) -> list[str]:
        return [self.items[r.get("idref")].get("href") for r in self.opf.iter("{%s}itemref" % NS["opf"])]

    def nav(self):
        href = next(i.get("href") for i in self.items.values() if "nav" in (i.get("properties") or "").split())
        return href, self.doc(href)

    def meta(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.iter("{%s}meta" % NS["opf"]) if m.get("property") == prop]

    def dc(self, name: str) -> list[str]:
        return [e.text for e in self.opf.iter("{%s}%s" % (NS["dc"], name))]

    def page_list(self):
        href, nav = self.nav()
        pl = [n for n in nav.iter("{%s}nav" % NS["x"]) if n.get(EPUB_TYPE) == "page-list"]
        return href, (pl[0] if pl else None)

    def markers(self) -> list[tuple[str, etree._Element]]:
        out = []
        for href, doc in self.xhtml().items():
            for el in doc.iter():
                if "pagebreak" in (el.get(EPUB_TYPE) or "").split():
                    out.append((href, el))
        return out


# -- the real tools ----------------------------------------------------------------------

def epubcheck(path: Path, tmp: Path) -> list[dict]:
    """EPUBCheck 5.3 with --failonwarnings -u; returns the messages it reported."""
    import epubcheck.const

    need("java")
    report = tmp / f"{path.stem}.epubcheck.json"
    proc = subprocess.run(["java", "-jar", epubcheck.const.EPUBCHECK, str(path), "--failonwarnings", "-u",
                           "--json", str(report)], capture_output=True, text=True)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["checker"]["checkerVersion"].startswith("5.3"), data["checker"]
    messages = [m for m in data["messages"] if m["ID"] not in ALLOWED_EPUBCHECK]
    assert proc.returncode == 0 or messages, proc.stdout + proc.stderr
    return messages


def assert_epubcheck_clean(path: Path, tmp: Path):
    messages = epubcheck(path, tmp)
    assert not messages, "EPUBCheck: " + "; ".join(
        f"{m['severity']} {m['ID']} {m['message']} at {[l.get('path') for l in m.get('locations', [])]}"
        for m in messages)


def ace(path: Path, tmp: Path) -> dict:
    """Ace by DAISY on the system's chromium; returns report.json."""
    need("node", "chromium")
    if not ACE.exists():
        pytest.fail(f"Ace is not installed at {ACE}: run `make .venv/ace/.installed`", pytrace=False)
    chromium = shutil.which("chromium")
    out = tmp / f"{path.stem}.ace"
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium, PUPPETEER_SKIP_DOWNLOAD="1")
    proc = subprocess.run([str(ACE), "--silent", "--force", "--outdir", str(out), str(path)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, f"Ace crashed ({proc.returncode}): {proc.stdout}\n{proc.stderr}"
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def assert_ace_passes(path: Path, tmp: Path):
    report = ace(path, tmp)
    violations = [
        f"{b['earl:test']['dct:title']} ({b['earl:test']['earl:impact']}) in {a['earl:testSubject']['url']}: "
        f"{b['earl:result'].get('html', '')[:120]}"
        for a in report["assertions"] for b in a["assertions"] if b["earl:result"]["earl:outcome"] == "fail"
    ]
    assert report["earl:result"]["earl:outcome"] == "pass" and not violations, violations
    # Ace saw the whole book.
    assert report["a11y-metadata"]["present"], report["a11y-metadata"]


# -- fixtures -------------------------------------------------------------------------------

PHOTO_SOURCE = """---
title: Rivers and harbours
subtitle: A conversation about water, trade and the cities that grew beside them
date: 2024-03-05
lang: en
identifier: urn:isbn:9780306406157
publisher: Test Press
interviewer:
  name: Ada Writer
interviewee:
  name: Ben Speaker
image:
  file: photo.jpg
  alt: A river bend at dusk, with three moored boats.
  caption: The harbour at dusk
  credit: Photo by the author
---

## Where did the harbour begin?

It began with a single jetty.[^1] Everything else came later.

## And now?

Now it is a city.

[^1]: The jetty was built in 1820 and rebuilt in 1902.
"""

ARABIC_SOURCE = """---
title: مستقبل الهجرة
subtitle: حوار مع المديرة العامة للمنظمة الدولية للهجرة
date: 2023-12-01
lang: ar
publisher: أخبار الأمم المتحدة
interviewer:
  name: بريسكا شاوي
---

## كيف تنوين قيادة المنظمة في هذه المرحلة؟

لقد تعاملنا مع الهجرة طويلاً على أنها مشكلة يجب حلها، بينما هي فرصة يجب اغتنامها.

## ما رسالتك إلى العاملين في الميدان؟

إن قوة المنظمة الأساسية تكمن في فرقها الميدانية التي تعمل على إنقاذ الأرواح.
"""


def long_source() -> str:
    """Many long paragraphs, so that print pages begin inside paragraphs."""
    out = ["---", "title: A long conversation", "date: 2024-01-02", "lang: en", "publisher: Test Press",
           "interviewer:", "  name: Ada Writer", "---", ""]
    n = 0
    for q in range(1, 7):
        out += [f"## Question number {q}: what happened in chapter {q}?", ""]
        for _ in range(3):
            sentences = []
            for _ in range(9):
                n += 1
                sentences.append(f"In season {n} the committee counted {n * 7} boats, {n + 3} bridges "
                                 f"and {n * 11} lanterns along the northern embankment of the estuary.")
            out += [" ".join(sentences), ""]
    return "\n".join(out)


@pytest.fixture(scope="module")
def seed_epub(outputs) -> Path:
    return outputs["epub"]


@pytest.fixture(scope="module")
def photo_epub(tmp_path_factory) -> Path:
    from PIL import Image, ImageDraw

    d = tmp_path_factory.mktemp("photo")
    im = Image.new("RGB", (1200, 800), (40, 80, 120))
    ImageDraw.Draw(im).ellipse((300, 200, 900, 600), fill=(220, 180, 90))
    im.save(d / "photo.jpg", quality=85)
    src = d / "rivers.md"
    src.write_text(PHOTO_SOURCE, encoding="utf-8")
    return build("epub", src, d)


@pytest.fixture(scope="module")
def arabic_epub(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("arabic")
    src = d / "arabic.md"
    src.write_text(ARABIC_SOURCE, encoding="utf-8")
    return build("epub", src, d)


@pytest.fixture(scope="module")
def long_build(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("long")
    src = d / "long.md"
    src.write_text(long_source(), encoding="utf-8")
    return build("epub", src, d), build("print", src, d)


# -- validation -------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["seed_epub", "photo_epub", "arabic_epub"])
def test_epubcheck_clean(which, request, tmp_path):
    assert_epubcheck_clean(request.getfixturevalue(which), tmp_path)


@pytest.mark.parametrize("which", ["seed_epub", "photo_epub", "arabic_epub"])
def test_ace_passes(which, request, tmp_path):
    assert_ace_passes(request.getfixturevalue(which), tmp_path)


def edited_copy(src: Path, dst: Path, suffix: str, edit) -> Path:
    """A copy of an EPUB whose members ending in ``suffix`` are rewritten by ``edit(bytes)``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith(suffix):
                data = edit(data)
            zout.writestr(info, data, compress_type=info.compress_type)
    return dst


def test_epubcheck_can_fail(seed_epub, tmp_path):
    """The gate is real: a broken copy (a page-list link to a missing marker) is rejected."""
    bad = edited_copy(seed_epub, tmp_path / "bad.epub", "nav.xhtml",
                      lambda data: data.replace(b'#page-1"', b'#no-such-page"'))
    assert any(m["severity"] in ("ERROR", "FATAL") for m in epubcheck(bad, tmp_path))


def test_text_fidelity(seed_epub):
    assert_in_order(seed_words("epub"), epub_text(seed_epub), "EPUB")


# -- package metadata and reproducibility ------------------------------------------------

def _front_matter(path: Path) -> dict:
    import yaml

    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


def _expected_identifier(fm: dict, edition: str | None = None) -> str:
    # The documented derivation (src/pressroom/identifiers.py), recomputed independently.
    ns = uuid.uuid5(uuid.NAMESPACE_DNS, "pressroom")
    base = fm.get("identifier") or "urn:uuid:" + str(uuid.uuid5(ns, f"{fm['title']}\n{fm['date'].isoformat()}"))
    return base if edition is None else "urn:uuid:" + str(uuid.uuid5(ns, f"{base}\n{edition}"))


def test_identifier_dates_and_language(seed_epub):
    fm = _front_matter(SOURCE)
    b = Book(seed_epub)
    uid = b.opf.get("unique-identifier")
    ident = b.opf.find(f".//dc:identifier[@id='{uid}']", NS)
    assert ident.text == _expected_identifier(fm)
    assert b.meta("dcterms:modified") == [f"{fm['date'].isoformat()}T00:00:00Z"]
    assert b.dc("language") == [fm["lang"]]
    assert b.opf.get(XML_LANG) == fm["lang"]
    assert b.dc("title") == [fm["title"]]


def test_zip_layout_and_rebuild_identical(seed_epub, tmp_path):
    with zipfile.ZipFile(seed_epub) as z:
        infos = z.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/epub+zip"
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    # Another process, another clock and time zone: the same bytes.
    again = tmp_path / "again.epub"
    run_cli("epub", SOURCE, "-o", again, env=dict(os.environ, TZ="America/New_York"))
    assert again.read_bytes() == seed_epub.read_bytes()


def test_same_epub_from_the_model_file_and_page_map(seed_epub, tmp_path):
    """The stages (the model file, the print edition's page map file, then the EPUB writer in a
    process of its own) give the bytes that one `pressroom epub source.md` gives."""
    build_all(SOURCE, tmp_path)
    assert (tmp_path / seed_epub.name).read_bytes() == seed_epub.read_bytes()


def test_accessibility_metadata_from_content(seed_epub, photo_epub):
    # The seed has a lead image without a file: nothing visual in the EPUB but the cover,
    # which repeats text the book carries.
    seed = Book(seed_epub)
    assert seed.meta("schema:accessMode") == ["textual"]
    assert seed.meta("schema:accessModeSufficient") == ["textual"]
    feats = seed.meta("schema:accessibilityFeature")
    assert "alternativeText" not in feats
    assert {"tableOfContents", "readingOrder", "structuralNavigation"} <= set(feats)
    assert seed.meta("schema:accessibilityHazard") == ["none"]
    assert seed.meta("schema:accessibilitySummary") and seed.meta("schema:accessibilitySummary")[0].strip()
    strings = json.loads((ROOT / "styles" / "strings.json").read_text(encoding="utf-8"))
    assert seed.meta("schema:accessibilitySummary")[0] == strings["en"]["a11y_summary"]

    photo = Book(photo_epub)
    assert set(photo.meta("schema:accessMode")) == {"textual", "visual"}
    assert "alternativeText" in photo.meta("schema:accessibilityFeature")
    assert strings["en"]["a11y_summary_image"] in photo.meta("schema:accessibilitySummary")[0]
    # Every image of the content has a text alternative (what alternativeText claims).
    for href, doc in photo.xhtml().items():
        for img in doc.iter("{%s}img" % NS["x"]):
            assert (img.get("alt") or "").strip(), f"img without alt in {href}"


def test_conformance_claim_is_complete(seed_epub):
    b = Book(seed_epub)
    claims = [m for m in b.opf.iter("{%s}meta" % NS["opf"]) if m.get("property") == "dcterms:conformsTo"]
    assert len(claims) == 1
    assert re.fullmatch(r"EPUB Accessibility 1\.1 - WCAG 2\.[012] Level (A|AA|AAA)", claims[0].text)
    certifier = [m for m in b.opf.iter("{%s}meta" % NS["opf"]) if m.get("property") == "a11y:certifiedBy"]
    assert certifier and certifier[0].get("refines") == "#" + claims[0].get("id") and certifier[0].text.strip()


def test_page_navigation_metadata(seed_epub):
    fm = _front_matter(SOURCE)
    b = Book(seed_epub)
    _, pl = b.page_list()
    assert pl is not None
    assert {"pageNavigation", "pageBreakMarkers"} <= set(b.meta("schema:accessibilityFeature"))
    assert b.meta("pageBreakSource") == [_expected_identifier(fm, "print")]
    assert b.meta("pageBreakSource")[0] != _expected_identifier(fm)


# -- documents --------------------------------------------------------------------------

def test_every_document_has_language_and_direction(seed_epub, arabic_epub):
    for path, lang, direction in ((seed_epub, "en", None), (arabic_epub, "ar", "rtl")):
        b = Book(path)
        assert b.opf.get(XML_LANG) == lang
        docs = b.xhtml()
        assert len(docs) >= 3
        for href, doc in docs.items():
            assert doc.get("lang") == lang and doc.get(XML_LANG) == lang, href
            if direction:
                assert doc.get("dir") == direction, href
        spine = b.opf.find("opf:spine", NS)
        if direction:
            assert b.opf.get("dir") == "rtl"
            assert spine.get("page-progression-direction") == "rtl"
        else:
            assert spine.get("page-progression-direction") in (None, "ltr")


def test_semantics_types_have_matching_roles(seed_epub, photo_epub):
    for path in (seed_epub, photo_epub):
        for href, doc in Book(path).xhtml().items():
            for el in doc.iter():
                if not isinstance(el.tag, str):
                    continue
                if any(a.get(EPUB_TYPE) == "landmarks" for a in el.iterancestors()):
                    continue  # landmark links name the type of their target
                for t in (el.get(EPUB_TYPE) or "").split():
                    if t in ROLE_OF:
                        assert el.get("role") == ROLE_OF[t], f"{href}: <{etree.QName(el).localname} epub:type={t}>"


def test_footnotes_are_asides_with_backlinks(photo_epub):
    docs = Book(photo_epub).xhtml()
    notes = [(h, el) for h, d in docs.items() for el in d.iter("{%s}aside" % NS["x"])
             if el.get(EPUB_TYPE) == "footnote"]
    refs = [(h, el) for h, d in docs.items() for el in d.iter("{%s}a" % NS["x"]) if el.get(EPUB_TYPE) == "noteref"]
    assert len(notes) == 1 and len(refs) == 1
    (nh, note), (rh, ref) = notes[0], refs[0]
    assert ref.get("href") in (f"#{note.get('id')}", f"{nh}#{note.get('id')}")
    back = note.find(".//x:a[@href]", NS)
    assert back is not None and back.get("role") == "doc-backlink"
    assert back.get("href").split("#")[1] == ref.get("id")
    assert "1820" in "".join(note.itertext())


def test_photo_is_packaged_with_alt(photo_epub):
    b = Book(photo_epub)
    jpegs = [i for i in b.items.values() if i.get("media-type") == "image/jpeg"]
    assert len(jpegs) == 1
    imgs = [img for d in b.xhtml().values() for img in d.iter("{%s}img" % NS["x"])
            if img.get("src") == jpegs[0].get("href")]
    assert [i.get("alt") for i in imgs] == ["A river bend at dusk, with three moored boats."]


def test_cover(seed_epub, tmp_path):
    from PIL import Image

    b = Book(seed_epub)
    covers = [i for i in b.items.values() if "cover-image" in (i.get("properties") or "").split()]
    assert len(covers) == 1
    assert covers[0].get("media-type") in ("image/png", "image/jpeg")
    img_path = tmp_path / "cover"
    img_path.write_bytes(b.read(covers[0].get("href")))
    with Image.open(img_path) as im:
        assert im.width >= 1600 and im.height >= 2560
        assert im.format in ("PNG", "JPEG")
        # Typographic, not blank: many colours (anti-aliased text) and the light ink is present.
        assert len(im.convert("RGB").getcolors(1 << 20) or []) > 50
    # The first spine document is the cover page and shows that image, with a text alternative.
    first = b.spine()[0]
    page = b.doc(first)
    imgs = list(page.iter("{%s}img" % NS["x"]))
    assert [i.get("src") for i in imgs] == [covers[0].get("href")]
    alt = imgs[0].get("alt")
    fm = _front_matter(SOURCE)
    assert fm["title"] in alt and fm["publisher"] in alt
    # EPUB 2 reading systems find it too.
    assert any(m.get("name") == "cover" and m.get("content") == covers[0].get("id")
               for m in b.opf.iter("{%s}meta" % NS["opf"]))


def test_nav_lists_the_questions_and_hides_landmarks(seed_epub):
    questions = [" ".join(line[3:].split()) for line in SOURCE.read_text(encoding="utf-8").splitlines()
                 if line.startswith("## ")]
    b = Book(seed_epub)
    href, nav = b.nav()
    navs = {n.get(EPUB_TYPE): n for n in nav.iter("{%s}nav" % NS["x"])}
    toc = navs["toc"]
    labels = [" ".join("".join(a.itertext()).split()) for a in toc.iter("{%s}a" % NS["x"])]
    for q in questions:
        assert q in labels, q
    # Every toc link resolves to an element.
    docs = b.xhtml()
    for a in toc.iter("{%s}a" % NS["x"]):
        target, _, frag = a.get("href").partition("#")
        assert target in docs
        if frag:
            assert docs[target].find(f".//*[@id='{frag}']") is not None, a.get("href")
    assert navs["landmarks"].get("hidden") is not None
    kinds = {a.get(EPUB_TYPE) for a in navs["landmarks"].iter("{%s}a" % NS["x"])}
    assert {"cover", "toc", "bodymatter"} <= kinds
    assert navs["page-list"].get("hidden") is not None
    # The NCX, for EPUB 2 reading systems.
    ncx_items = [i for i in b.items.values() if i.get("media-type") == "application/x-dtbncx+xml"]
    assert len(ncx_items) == 1
    ncx = b.doc(ncx_items[0].get("href"))
    ncx_labels = [" ".join(t.text.split()) for t in ncx.iterfind(".//ncx:navPoint/ncx:navLabel/ncx:text", NS)]
    for q in questions:
        assert q in ncx_labels


# -- page-list against the print PDF -------------------------------------------------------

def _check_page_list(path: Path) -> list[int]:
    """Every page-list entry points at an existing marker, and every marker is listed."""
    b = Book(path)
    nav_href, pl = b.page_list()
    assert pl is not None, "no page-list"
    markers = {(h, el.get("id")): el for h, el in b.markers()}
    listed = []
    for a in pl.iter("{%s}a" % NS["x"]):
        target, _, frag = a.get("href").partition("#")
        assert (target, frag) in markers, f"page-list entry {a.get('href')} has no marker"
        el = markers[(target, frag)]
        assert el.get("role") == "doc-pagebreak" and el.get("aria-label") == a.text
        assert not "".join(el.itertext()).strip(), "a marker must be empty"
        listed.append((target, frag))
    assert sorted(listed) == sorted(markers), "markers missing from the page-list"
    return [int(a.text) for a in pl.iter("{%s}a" % NS["x"])]


def _text_around_markers(path: Path) -> dict[int, tuple[list[str], list[str]]]:
    """For each marker: the words before it and after it in the chapter (notes left out)."""
    b = Book(path)
    out = {}
    for href in b.spine():
        doc = b.doc(href)
        body = doc.find("x:body", NS)
        for aside in list(body.iter("{%s}aside" % NS["x"])):
            aside.getparent().remove(aside)
        for el in list(body.iter()):
            if "pagebreak" in (el.get(EPUB_TYPE) or "").split():
                el.text = f" @@PAGE{el.get('aria-label')}@@ "
        text = " ".join(body.itertext())
        parts = re.split("@@PAGE([0-9]+)@@", text)
        for i in range(1, len(parts), 2):
            before = words(" ".join(parts[:i:2]))
            after = words(" ".join(parts[i + 1::2]))
            out[int(parts[i])] = (before, after)
    return out


def _contiguous(haystack: list[str], needle: list[str]) -> bool:
    """Consecutive words, compared without spaces or case (letter-spaced capitals in the PDF
    come out of pdftotext as single letters)."""
    return "".join(needle).casefold() in "".join(haystack).casefold()


def _in_order(haystack: list[str], needle: list[str]) -> bool:
    """The words in this order, with gaps allowed (print-only text such as the FPO box)."""
    hay = "".join(haystack).casefold()
    pos = 0
    for w in needle:
        i = hay.find(w.casefold(), pos)
        if i < 0:
            return False
        pos = i + len(w)
    return True


def _pdf_pages(pdf: Path) -> list[list[str]]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    pages = []
    for n in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(n), "-l", str(n), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        pages.append(words(text))
    return pages


def _assert_markers_match_pdf(epub: Path, pdf: Path) -> dict:
    numbers = _check_page_list(epub)
    pages = _pdf_pages(pdf)
    assert numbers == list(range(1, len(pages) + 1)), f"page-list {numbers} for a {len(pages)}-page PDF"
    around = _text_around_markers(epub)
    for n in numbers:
        before, after = around[n]
        # The words after the marker are set on page n (the first may be a word hyphenated
        # across the break; the marker stands before it) ...
        probe = after[1:7] if len(after) > 7 else after[:6]
        assert _in_order(pages[n - 1], probe), f"page {n} does not contain {' '.join(probe)!r}"
        # ... nothing of the text before the marker of page 1 ...
        if n == 1:
            assert not before, f"text before the marker of page 1: {' '.join(before[-6:])!r}"
        # ... and not on page n - 1, where the words just before it are.
        if n > 1 and before:
            back = before[-6:]
            assert _in_order(pages[n - 2], back), f"page {n - 1} does not end with {' '.join(back)!r}"
            assert len(probe) < 6 or not _contiguous(pages[n - 2], probe), \
                f"{' '.join(probe)!r} is on page {n - 1}: the marker of page {n} is too early"
    return around


def test_page_list_matches_print_pdf_seed(seed_epub, outputs):
    _assert_markers_match_pdf(seed_epub, outputs["print"])


def test_page_list_matches_print_pdf_mid_paragraph(long_build):
    epub, pdf = long_build
    _assert_markers_match_pdf(epub, pdf)
    # This source has pages that begin inside paragraphs: their markers are inside the <p>.
    b = Book(epub)
    inside = [el for _, el in b.markers() if etree.QName(el.getparent()).localname == "p"
              and ((el.getparent().text or "").strip() or el.getprevious() is not None)]
    assert inside, "no marker inside a paragraph"
    for el in inside:
        assert etree.QName(el).localname == "span"


def test_page_list_matches_print_pdf_photo(photo_epub):
    """Print-only markup (the print kicker) does not shift the markers."""
    pdf = build("print", photo_epub.with_suffix(".md"), photo_epub.parent)
    _assert_markers_match_pdf(photo_epub, pdf)


def test_page_list_in_every_fixture(photo_epub, arabic_epub):
    for path in (photo_epub, arabic_epub):
        assert _check_page_list(path)[0] == 1


def test_identifier_from_front_matter(photo_epub):
    b = Book(photo_epub)
    uid = b.opf.get("unique-identifier")
    assert b.opf.find(f".//dc:identifier[@id='{uid}']", NS).text == "urn:isbn:9780306406157"
    assert b.meta("pageBreakSource") == [_expected_identifier({"identifier": "urn:isbn:9780306406157"}, "print")]


def test_checks_ace_cannot_make(seed_epub, photo_epub):
    """WCAG points behind the conformance claim that Ace does not test."""
    for path in (seed_epub, photo_epub):
        b = Book(path)
        for href, doc in b.xhtml().items():
            # 2.4.2 Page Titled
            title = doc.find("x:head/x:title", NS)
            assert title is not None and (title.text or "").strip(), href
            # 1.3.1: heading levels never skip
            levels = [int(etree.QName(e).localname[1]) for e in doc.iter()
                      if isinstance(e.tag, str) and re.fullmatch(r"h[1-6]", etree.QName(e).localname)]
            for a, c in zip(levels, levels[1:]):
                assert c <= a + 1, f"{href}: h{a} then h{c}"
        # 1.3.2 Meaningful Sequence: the cover, then the contents, then the text; all linear.
        refs = list(b.opf.iter("{%s}itemref" % NS["opf"]))
        assert all(r.get("linear") in (None, "yes") for r in refs)
    # 1.4.4 Resize text / 1.4.12 Text Spacing: the stylesheet has no absolute sizes, no !important,
    # and leaves the text's font to the reader (only code is set in the generic monospace).
    css = (ROOT / "styles" / "epub.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert not re.search(r"\d(px|pt|pc|cm|mm|in|q)\b", css, re.I), "absolute unit in epub.css"
    assert "!important" not in css
    assert re.findall(r"font-family\s*:\s*([^;}]+)", css) == ["monospace"]
    # 1.4.3 Contrast: no colours in the stylesheet, the reading system's theme applies.
    assert not re.search(r"(^|[;{\s])(color|background(-color)?)\s*:", css)


def test_ace_can_fail(seed_epub, tmp_path):
    """The Ace gate is real: without the accessibility metadata the same book fails."""
    bad = edited_copy(seed_epub, tmp_path / "no-a11y.epub", ".opf",
                      lambda data: re.sub(rb'<meta property="schema:accessMode">[^<]*</meta>', b"", data))
    report = ace(bad, tmp_path)
    assert report["earl:result"]["earl:outcome"] == "fail"


def test_accessibility_derivation_units():
    """Features follow the content: no page-list, no pageNavigation; a photo without a file is
    not an image of the EPUB."""
    import dataclasses

    from pressroom import reader
    from pressroom.styles import open_styles
    from pressroom.writers import epub

    iv = reader.read(SOURCE)
    strings = open_styles().strings("en")
    props = epub.accessibility(iv, strings, has_page_list=False)
    feats = [v for p, v in props if p == "schema:accessibilityFeature"]
    assert "pageNavigation" not in feats and "pageBreakMarkers" not in feats
    assert [v for p, v in props if p == "schema:accessMode"] == ["textual"]
    with_photo = dataclasses.replace(iv, image=dataclasses.replace(
        iv.image, path=str(SOURCE), media_type="image/jpeg", alt=""))
    props = epub.accessibility(with_photo, strings, has_page_list=True)
    feats = [v for p, v in props if p == "schema:accessibilityFeature"]
    assert "visual" in [v for p, v in props if p == "schema:accessMode"]
    assert "alternativeText" not in feats, "an image without alt text"
    assert "textual" not in [v for p, v in props if p == "schema:accessModeSufficient"]
    assert "pageNavigation" in feats
