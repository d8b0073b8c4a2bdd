"""The DOCX (issue 5): named styles from styles/reference.docx, real footnotes,
links, the lead figure or its FPO frame, header and footer, A4 print margins,
metadata and language, a clean and reproducible package.

Every check reads the output with a real tool: python-docx, lxml on the
package's XML, LibreOffice (converted to PDF, then pdftotext/pdfinfo) and
openxml-audit, a port of Microsoft's Open XML SDK validator.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT, SOURCE, build, run_cli
from system import need
from textcheck import assert_in_order, docx_text, pdf_text, seed_words, words

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R,
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
      "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
TEMPLATE = ROOT / "styles" / "reference.docx"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def xml(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def story_parts(path: Path) -> list[str]:
    """Every part that holds paragraphs: document, headers, footers, footnotes."""
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist()
                if re.fullmatch(r"word/(document|header\d+|footer\d+|footnotes|endnotes)\.xml", n)]


def style_ids(path: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for s in xml(path, "word/styles.xml").findall("w:style", NS):
        out.setdefault(s.get(w("type")), set()).add(s.get(w("styleId")))
    return out


def soffice_pdf(docx: Path, outdir: Path) -> Path:
    """Convert with LibreOffice headless; LibreOffice exits 0 even on failure, so check the PDF."""
    need("soffice")
    soffice = shutil.which("soffice")
    profile = outdir / "lo-profile"
    outdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
                          capture_output=True, text=True, timeout=300)
    pdf = outdir / (docx.stem + ".pdf")
    assert pdf.exists() and pdf.stat().st_size > 0, (
        f"LibreOffice did not convert {docx.name} (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return pdf


def audit(path: Path) -> list[dict]:
    """openxml-audit in strict mode; returns the findings (errors) it reports."""
    proc = subprocess.run([sys.executable, "-m", "openxml_audit", "--policy", "strict", "-o", "json",
                           "-m", "0", str(path)], capture_output=True, text=True, timeout=300)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"openxml-audit gave no JSON (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return [e for entry in report for e in entry.get("errors", [])], proc.returncode


# -- fixtures -------------------------------------------------------------------

FIXTURE = """---
title: Notes from the harbour
subtitle: A short interview about ships, tides and footnotes
date: 2024-03-05
lang: en
section: Dispatch
keywords: [harbour, tides]
interviewer:
  name: Ada Reporter
  bio: Ada Reporter writes about the sea.
interviewee:
  name: Sam Skipper
image:
  file: photo.png
  alt: A blue and orange test card standing in for a harbour photo.
  caption: The harbour at dawn
  credit: © Test Card Studio
---

Before the questions, an intro paragraph with *emphasis* and **strength**.

## What do the tides tell you?

They tell me everything.[^1] Read the [tide tables](https://example.org/tides?a=1&b=2) daily.

A second paragraph, with ***both*** and `code`.

- first point
- second point

1. one
2. two

> A quotation from the logbook.

## And the ships?

They come and go.[^1]

[^1]: Tides follow the moon; see [the almanac](https://example.org/almanac).
"""

ARABIC = """---
title: مستقبل الهجرة
subtitle: حوار مع المديرة العامة
date: 2023-12-01
lang: ar
section: في الواجهة
interviewer:
  name: بريسكا شاوي
  bio: بريسكا شاوي رئيسة التحرير.
---

## كيف تنوين قيادة المنظمة؟

لقد تعاملنا مع **الهجرة** لفترة طويلة على أنها *مشكلة* يجب حلها، مع IOM و UN Today.
"""

CHINESE = """---
title: 移民的未来
date: 2023-12-01
lang: zh
interviewer:
  name: 记者
---

## 您打算如何领导国际移民组织？

长期以来，我们一直把移民视为需要解决的问题。
"""


EDGE = """---
title: "Edge cases: lists, quotes and notes"
date: 2024-06-30
lang: en
interviewer:
  name: Ed Itor
image:
  alt: Nothing yet.
  credit: © Nobody
---

## A question with *emphasis* and a [link](https://example.org/q)?

An answer with a hard line break here  
and a [*linked emphasis*](https://example.org/e) and **bold with *nested* emphasis**.[^a]

3. third
4. fourth
   - nested bullet
   - another

     with a second paragraph
5. fifth

> A quote with a list:
>
> - quoted item
>
> And a second quoted paragraph.[^a]

After the quote, a paragraph.

Another paragraph.[^b]

[^a]: First note, first paragraph.

    Second paragraph of the first note.

[^b]: A note with a list:

    1. alpha
    2. beta
"""


def _make_source(folder: Path, text: str, photo: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if photo:
        from PIL import Image, ImageDraw

        img = Image.new("RGB", (1200, 800), (30, 90, 160))
        ImageDraw.Draw(img).rectangle((300, 200, 900, 600), fill=(240, 140, 40))
        img.save(folder / "photo.png")
    src = folder / "interview.md"
    src.write_text(text, encoding="utf-8")
    return src


@pytest.fixture(scope="module")
def fixture_docx(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("docx-fixture")
    return build("docx", _make_source(d / "src", FIXTURE, photo=True), d)


@pytest.fixture(scope="module")
def arabic_docx(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("docx-ar")
    return build("docx", _make_source(d / "src", ARABIC), d)


@pytest.fixture(scope="module")
def chinese_docx(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("docx-zh")
    return build("docx", _make_source(d / "src", CHINESE), d)


@pytest.fixture(scope="module")
def edge_docx(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("docx-edge")
    return build("docx", _make_source(d / "src", EDGE), d)


@pytest.fixture(scope="module")
def seed_pdf(outputs, tmp_path_factory) -> Path:
    return soffice_pdf(outputs["docx"], tmp_path_factory.mktemp("docx-lo"))


@pytest.fixture(scope="module")
def fixture_pdf(fixture_docx, tmp_path_factory) -> Path:
    return soffice_pdf(fixture_docx, tmp_path_factory.mktemp("docx-fixture-lo"))


ALL = ("seed", "fixture", "arabic", "chinese", "edge")


@pytest.fixture
def any_docx(request, outputs, fixture_docx, arabic_docx, chinese_docx, edge_docx) -> Path:
    return {"seed": outputs["docx"], "fixture": fixture_docx, "arabic": arabic_docx,
            "chinese": chinese_docx, "edge": edge_docx}[request.param]


# -- reading back ------------------------------------------------------------------

def test_python_docx_reads_it_and_every_seed_word_is_there(outputs):
    import docx

    d = docx.Document(str(outputs["docx"]))
    assert d.paragraphs, "no paragraphs"
    # The style names an editor sees, in order of first use.
    names = list(dict.fromkeys(p.style.name for p in d.paragraphs))
    assert names == ["Kicker", "Caption", "Title", "Subtitle", "Interviewee", "Byline", "Question", "Answer",
                     "Answer Continued", "Interviewer Note"], names
    assert_in_order(seed_words(), docx_text(outputs["docx"]), "DOCX read by python-docx")


def _dehyphenate(text: str) -> str:
    """Join words broken at a line end by a hyphen, and drop hyphens: LibreOffice may
    break "merit-based" (or, with hyphenation patterns installed, "migra-tion")."""
    return re.sub(r"-\s*\n\s*", "", text).replace("-", "")


def test_libreoffice_converts_it_with_every_seed_word(seed_pdf):
    text = pdf_text(seed_pdf)
    expected = words(_dehyphenate(" ".join(seed_words())))
    assert_in_order(expected, _dehyphenate(text), "DOCX converted by LibreOffice")
    assert "Interview by Prisca Chaoui" in text
    info = subprocess.run(["pdfinfo", str(seed_pdf)], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and abs(float(size.group(1)) - 595.3) < 1 and abs(float(size.group(2)) - 841.9) < 1, info


def test_header_has_the_title_and_footer_the_page_number(seed_pdf, outputs):
    # In the package: a running head with the title, a PAGE field in the footer.
    path = outputs["docx"]
    with zipfile.ZipFile(path) as z:
        headers = [n for n in z.namelist() if re.fullmatch(r"word/header\d+\.xml", n)]
        footers = [n for n in z.namelist() if re.fullmatch(r"word/footer\d+\.xml", n)]
    assert any("The future of migration" in "".join(xml(path, h).itertext()) for h in headers)
    for f in footers:
        instr = " ".join(xml(path, f).xpath("//w:instrText/text()", namespaces=NS))
        assert "PAGE" in instr.split(), f"{f}: no PAGE field"
    # As LibreOffice lays it out: page 2 starts with the running head and ends with "2".
    pages = pdf_text(seed_pdf).split("\f")
    assert len(pages) >= 2
    # (letter-spaced capitals may come out of pdftotext as "FO CUS")
    # The running head names the publication as well as the section.
    assert "".join(words(pages[1])).startswith("UNToday·FOCUSONThefutureofmigration"), pages[1][:80]
    assert words(pages[1])[-1] == "2"
    # No running head on the first page: it opens with the kicker and the FPO frame.
    assert "".join(words(pages[0])).startswith("FOCUSONFPO"), pages[0][:80]


# -- styles ------------------------------------------------------------------------

@pytest.mark.parametrize("any_docx", ALL, indirect=True)
def test_every_paragraph_and_run_has_an_existing_named_style(any_docx):
    ids = style_ids(any_docx)
    formatting = {w(t) for t in ("b", "i", "u", "color", "sz", "rFonts", "caps", "vertAlign", "highlight",
                                 "strike", "smallCaps", "spacing", "shd")}
    for name in story_parts(any_docx):
        root = xml(any_docx, name)
        for p in root.iter(w("p")):
            style = p.find("w:pPr/w:pStyle", NS)
            text = "".join(p.itertext())[:60]
            assert style is not None, f"{name}: paragraph without a style: {text!r}"
            sid = style.get(w("val"))
            assert sid != "Normal", f"{name}: paragraph on Normal: {text!r}"
            assert sid in ids["paragraph"], f"{name}: undefined paragraph style {sid}"
            assert p.find("w:pPr/w:rPr", NS) is None, f"{name}: direct paragraph-mark formatting"
        for r in root.iter(w("r")):
            rpr = r.find("w:rPr", NS)
            if rpr is None:
                continue
            rstyle = rpr.find("w:rStyle", NS)
            if rstyle is not None:
                assert rstyle.get(w("val")) in ids["character"], f"{name}: undefined run style"
            direct = [c.tag for c in rpr if c.tag in formatting]
            if direct:
                # Direct formatting only as emphasis inside a link (one run, one style).
                assert rstyle is not None and rstyle.get(w("val")) == "Hyperlink", \
                    f"{name}: run with direct formatting {direct}: {''.join(r.itertext())!r}"
        for t in root.iter(w("tblStyle")):
            assert t.get(w("val")) in ids["table"]


@pytest.mark.parametrize("any_docx", ALL, indirect=True)
def test_styles_come_from_the_template(any_docx):
    """The writer adds no style: the output's style ids are the template's."""
    assert style_ids(any_docx) == style_ids(TEMPLATE)


def test_styles_part_is_the_templates_apart_from_the_language(outputs):
    """No formatting is decided in Python: for English, the output's styles part
    is the template's with only the document language set."""
    out = xml(outputs["docx"], "word/styles.xml")
    tpl = xml(TEMPLATE, "word/styles.xml")
    for root in (out, tpl):
        lang = root.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
        del lang.attrib[w("val")]
        # The running head's right tab follows the text width of the print trim.
        for tab in root.findall("w:style[@w:styleId='Header']//w:tab", NS):
            del tab.attrib[w("pos")]
    assert etree.tostring(out, method="c14n") == etree.tostring(tpl, method="c14n")


def test_template_defines_every_style_the_writer_uses():
    from pressroom.writers import docx as writer

    ids = style_ids(TEMPLATE)
    assert set(writer.STYLE_IDS) <= ids["paragraph"]
    assert set(writer.CHAR_STYLE_IDS) <= ids["character"]
    assert set(writer.TABLE_STYLE_IDS) <= ids["table"]
    names = {s.find("w:name", NS).get(w("val")).lower()
             for s in xml(TEMPLATE, "word/styles.xml").findall("w:style", NS)}
    for name in ("title", "subtitle", "interviewee", "question", "answer", "byline", "caption", "credit",
                 "footnote text", "footnote reference", "hyperlink", "interviewer note", "fpo placeholder",
                 "attribution"):
        assert name in names, name
    # Fonts: the project's Noto families (Noto Sans Mono for Code, issue 14).
    fonts = {f.get(w("ascii")) for f in xml(TEMPLATE, "word/styles.xml").iter(w("rFonts"))}
    assert fonts == {"Noto Serif", "Noto Sans", "Noto Sans Mono"}


# -- content -----------------------------------------------------------------------

def test_fpo_frame_with_caption_and_credit(outputs):
    path = outputs["docx"]
    body = xml(path, "word/document.xml").find("w:body", NS)
    tbl = body.find("w:tbl", NS)
    assert tbl is not None, "no FPO frame"
    assert tbl.find("w:tblPr/w:tblStyle", NS).get(w("val")) == "FPOFrame"
    assert "FPO" in "".join(tbl.itertext())
    assert tbl.find("w:tblPr/w:tblDescription", NS).get(w("val")).startswith("Portrait of Amy Pope")
    assert not list(body.iter(w("drawing"))), "a picture without a file"
    cap = tbl.getnext()
    assert cap.find("w:pPr/w:pStyle", NS).get(w("val")) == "Caption"
    runs = [("".join(r.itertext()), r.find("w:rPr/w:rStyle", NS)) for r in cap.iter(w("r"))]
    assert runs[0][0] == "IOM Director General Amy Pope"
    assert runs[-1][0] == "© IOM archives" and runs[-1][1].get(w("val")) == "Credit"


def test_order_of_the_title_block(outputs):
    body = xml(outputs["docx"], "word/document.xml").find("w:body", NS)
    styles = []
    for el in body:
        if el.tag == w("p"):
            styles.append(el.find("w:pPr/w:pStyle", NS).get(w("val")))
        elif el.tag == w("tbl"):
            styles.append("FPOFrame")
    assert styles[:7] == ["Kicker", "FPOFrame", "Caption", "Title", "Subtitle", "Interviewee", "Byline"]
    assert styles[7] == "Question" and styles[8] == "Answer"
    assert styles[-1] == "InterviewerNote"
    assert styles.count("Question") == 6
    assert "AnswerContinued" in styles


def test_footnotes_are_real_footnotes(fixture_docx, fixture_pdf):
    path = fixture_docx
    notes = xml(path, "word/footnotes.xml")
    kinds = {n.get(w("id")): n.get(w("type")) for n in notes.findall("w:footnote", NS)}
    assert kinds.get("-1") == "separator" and kinds.get("0") == "continuationSeparator"
    assert notes.find("w:footnote[@w:id='-1']//w:separator", NS) is not None
    assert notes.find("w:footnote[@w:id='0']//w:continuationSeparator", NS) is not None
    note = notes.find("w:footnote[@w:id='1']", NS)
    assert note is not None and "Tides follow the moon" in "".join(note.itertext())
    assert note.find(".//w:footnoteRef", NS) is not None
    settings = xml(path, "word/settings.xml")
    assert [f.get(w("id")) for f in settings.findall("w:footnotePr/w:footnote", NS)] == ["-1", "0"]
    body = xml(path, "word/document.xml")
    refs = body.findall(".//w:footnoteReference", NS)
    assert [r.get(w("id")) for r in refs] == ["1"], "one reference per note"
    # The note's link is related from the footnotes part.
    rels = xml(path, "word/_rels/footnotes.xml.rels")
    assert "https://example.org/almanac" in [r.get("Target") for r in rels]
    # LibreOffice sets the note at the foot of the page.
    text = pdf_text(fixture_pdf)
    assert "Tides follow the moon" in text
    assert text.index("They tell me everything") < text.index("Tides follow the moon")


def test_external_hyperlinks(fixture_docx, fixture_pdf):
    path = fixture_docx
    rels = {r.get("Id"): r for r in xml(path, "word/_rels/document.xml.rels")}
    links = xml(path, "word/document.xml").findall(".//w:hyperlink", NS)
    external = [(rels[h.get(f"{{{R}}}id")], "".join(h.itertext())) for h in links if h.get(f"{{{R}}}id")]
    assert len(external) == 1
    rel, text = external[0]
    assert rel.get("Target") == "https://example.org/tides?a=1&b=2"
    assert rel.get("TargetMode") == "External"
    assert text == "tide tables"
    import docx

    d = docx.Document(str(path))
    found = [(hl.text, hl.address) for p in d.paragraphs for hl in p.hyperlinks]
    assert ("tide tables", "https://example.org/tides?a=1&b=2") in found
    # LibreOffice keeps the link as a URI annotation in the PDF.
    from pypdf import PdfReader

    uris = [a.get_object()["/A"].get("/URI") for page in PdfReader(str(fixture_pdf)).pages
            for a in page.get("/Annots", []) if a.get_object().get("/A")]
    assert "https://example.org/tides?a=1&b=2" in uris


def test_lead_image_with_alt_text_caption_and_credit(fixture_docx, fixture_pdf):
    path = fixture_docx
    body = xml(path, "word/document.xml").find("w:body", NS)
    doc_pr = body.find(".//wp:docPr", NS)
    assert doc_pr is not None, "no picture"
    assert doc_pr.get("descr") == "A blue and orange test card standing in for a harbour photo."
    extent = body.find(".//wp:extent", NS)
    cx, cy = int(extent.get("cx")), int(extent.get("cy"))
    assert abs(cx / cy - 1.5) < 0.01, "aspect ratio lost"
    trim = _print_trim()
    assert cx <= (trim["w"] - trim["inside"] - trim["outside"] + 1) * 36000, "wider than the text block"
    with zipfile.ZipFile(path) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(media) == 1
    fig = next(p for p in body.iter(w("p")) if p.find(".//wp:docPr", NS) is not None)
    assert fig.find("w:pPr/w:pStyle", NS).get(w("val")) == "Figure"
    cap = fig.getnext()
    assert cap.find("w:pPr/w:pStyle", NS).get(w("val")) == "Caption"
    assert "".join(cap.itertext()) == "The harbour at dawn © Test Card Studio"
    assert body.find("w:tbl", NS) is None, "FPO frame beside a real photo"
    # LibreOffice embeds the picture.
    out = subprocess.run(["pdfimages", "-list", str(fixture_pdf)], capture_output=True, text=True, check=True)
    assert len(out.stdout.strip().splitlines()) >= 3, out.stdout


def test_lists_quotes_and_inline_styles(fixture_docx):
    body = xml(fixture_docx, "word/document.xml").find("w:body", NS)
    by_style: dict[str, list[str]] = {}
    for p in body.iter(w("p")):
        by_style.setdefault(p.find("w:pPr/w:pStyle", NS).get(w("val")), []).append("".join(p.itertext()))
    assert by_style["Intro"][0].startswith("Before the questions")
    assert by_style["ListBullet"] == ["first point", "second point"]
    assert by_style["ListNumber"] == ["one", "two"]
    assert by_style["BlockText"] == ["A quotation from the logbook."]
    assert by_style["AnswerContinued"][0].startswith("A second paragraph")
    runs = {}
    for r in body.iter(w("r")):
        s = r.find("w:rPr/w:rStyle", NS)
        if s is not None:
            runs.setdefault(s.get(w("val")), []).append("".join(r.itertext()))
    assert "emphasis" in runs["Emphasis"] and "strength" in runs["Strong"]
    assert "both" in runs["StrongEmphasis"] and "code" in runs["Code"]
    assert "Ada Reporter" in runs["Interviewer"]


def test_edge_cases(edge_docx, tmp_path):
    path = edge_docx
    body = xml(path, "word/document.xml").find("w:body", NS)
    paras = [(p.find("w:pPr/w:pStyle", NS).get(w("val")), "".join(p.itertext()), p) for p in body.iter(w("p"))]
    styles = [s for s, _, _ in paras]
    # An ordered list that starts at 3 restarts numbering on its own w:num.
    third = next(p for s, t, p in paras if t == "third")
    num_id = third.find("w:pPr/w:numPr/w:numId", NS).get(w("val"))
    numbering = xml(path, "word/numbering.xml")
    num = numbering.find(f"w:num[@w:numId='{num_id}']", NS)
    assert num.find("w:lvlOverride[@w:ilvl='0']/w:startOverride", NS).get(w("val")) == "3"
    nested = next(p for s, t, p in paras if t == "nested bullet")
    assert nested.find("w:pPr/w:numPr/w:ilvl", NS).get(w("val")) == "1"
    assert ("ListContinue", "with a second paragraph") in [(s, t) for s, t, _ in paras]
    assert "BlockText" in styles and styles[styles.index("BlockText") + 1] == "ListBullet"
    # The paragraph after a quote is not indented; the one after it is.
    after = [s for s, t, _ in paras if t.startswith(("After the quote", "Another paragraph"))]
    assert after == ["Answer", "AnswerContinued"]
    assert body.find(".//w:br", NS) is not None
    # A note called twice: one footnote, one reference, the second call is its number.
    assert [r.get(w("id")) for r in body.iter(w("footnoteReference"))] == ["1", "2"]
    notes = xml(path, "word/footnotes.xml")
    first = notes.find("w:footnote[@w:id='1']", NS)
    assert len(first.findall("w:p", NS)) == 2
    assert "1. alpha" in "".join(notes.find("w:footnote[@w:id='2']", NS).itertext())
    # A link around emphasis: the Hyperlink style, italic on top.
    link_runs = [r for h in body.iter(w("hyperlink")) for r in h.iter(w("r"))
                 if "".join(r.itertext()) == "linked emphasis"]
    assert link_runs and link_runs[0].find("w:rPr/w:i", NS) is not None
    # Manual line breaks are not stretched in justified text (Word and LibreOffice).
    assert xml(path, "word/settings.xml").find("w:compat/w:doNotExpandShiftReturn", NS) is not None
    text = pdf_text(soffice_pdf(path, tmp_path))
    for phrase in ("An answer with a hard line break here", "Second paragraph of the first note", "beta"):
        assert phrase in text, phrase


# -- metadata and language ---------------------------------------------------------

def test_core_properties(outputs):
    import docx

    cp = docx.Document(str(outputs["docx"])).core_properties
    assert cp.title == "The future of migration"
    assert cp.author == "Prisca Chaoui"
    assert cp.subject.startswith("Celebrating International Migrants Day")
    assert cp.keywords == "migration, IOM, International Migrants Day, gender equality, United Nations"
    assert cp.language == "en"
    day = dt.datetime(2023, 12, 1, tzinfo=dt.timezone.utc)
    assert cp.created == day and cp.modified == day
    assert cp.comments == "" and cp.last_modified_by == "Prisca Chaoui"


def _print_trim() -> dict:
    """The print edition's A4 trim and recto margins (mm), read from styles/trim/a4.json."""
    data = json.loads((ROOT / "styles" / "trim" / "a4.json").read_text(encoding="utf-8"))
    assert data["unit"] == "mm"
    return {"w": data["width"], "h": data["height"], "top": data["top"], "outside": data["outside"],
            "bottom": data["bottom"], "inside": data["inside"]}


def test_page_size_and_print_margins(outputs):
    """A4 with the print edition's margins (styles/trim/a4.json, the data the print CSS's @page
    rules are made from), mirrored like facing pages."""
    trim = _print_trim()
    assert (trim["w"], trim["h"]) == (210, 297)
    sect = xml(outputs["docx"], "word/document.xml").find("w:body/w:sectPr", NS)
    mm = lambda v: round(v / 25.4 * 1440)  # noqa: E731
    size = sect.find("w:pgSz", NS)
    assert (int(size.get(w("w"))), int(size.get(w("h")))) == (mm(210), mm(297))
    mar = sect.find("w:pgMar", NS)
    # Mirrored margins: Word's left/right are inside/outside.
    got = {k: int(mar.get(w(k))) for k in ("top", "right", "bottom", "left")}
    assert got == {"top": mm(trim["top"]), "right": mm(trim["outside"]),
                   "bottom": mm(trim["bottom"]), "left": mm(trim["inside"])}
    assert xml(outputs["docx"], "word/settings.xml").find("w:mirrorMargins", NS) is not None
    assert sect.find("w:titlePg", NS) is not None
    tab = xml(outputs["docx"], "word/styles.xml").find("w:style[@w:styleId='Header']//w:tab", NS)
    assert int(tab.get(w("pos"))) == mm(trim["w"] - trim["inside"] - trim["outside"])


def test_document_language(outputs):
    lang = xml(outputs["docx"], "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang.get(w("val")) == "en"
    tfl = xml(outputs["docx"], "word/settings.xml").find("w:themeFontLang", NS)
    assert tfl.get(w("val")) == "en"


def test_arabic_is_right_to_left(arabic_docx, tmp_path):
    path = arabic_docx
    for name in story_parts(path):
        for p in xml(path, name).iter(w("p")):
            assert p.find("w:pPr/w:bidi", NS) is not None, f"{name}: paragraph without w:bidi"
    body = xml(path, "word/document.xml")
    assert body.find("w:body/w:sectPr/w:bidi", NS) is not None
    arabic_runs = ltr_runs = 0
    for r in body.iter(w("r")):
        text = "".join(t.text or "" for t in r.findall("w:t", NS))
        if re.search("[\u0600-\u06ff]", text):
            arabic_runs += 1
            assert r.find("w:rPr/w:rtl", NS) is not None, f"Arabic run without w:rtl: {text!r}"
        elif re.search("[A-Za-z]", text):
            ltr_runs += 1
            assert r.find("w:rPr/w:rtl", NS) is None, f"Latin run marked RTL: {text!r}"
    assert arabic_runs >= 5 and ltr_runs >= 1
    styles = xml(path, "word/styles.xml")
    assert styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS).get(w("bidi")) == "ar"
    assert xml(path, "word/settings.xml").find("w:themeFontLang", NS).get(w("bidi")) == "ar"
    # Complex-script bold and italic in the template; Arabic has no italic, so its
    # emphasis is weight (styles/docx.json, as styles/languages.css does).
    template = xml(TEMPLATE, "word/styles.xml")
    for sid, tags in (("Strong", ("b", "bCs")), ("Emphasis", ("i", "iCs")), ("Question", ("b", "bCs"))):
        s = template.find(f"w:style[@w:styleId='{sid}']", NS)
        for tag in tags:
            assert s.find(f"w:rPr/w:{tag}", NS) is not None, f"template {sid} lacks w:{tag}"
    for sid in ("Strong", "Emphasis", "StrongEmphasis", "Question"):
        s = styles.find(f"w:style[@w:styleId='{sid}']", NS)
        assert s.find("w:rPr/w:bCs", NS) is not None and s.find("w:rPr/w:b", NS) is not None, sid
    assert styles.find(".//w:rPr/w:iCs", NS) is None and styles.find(".//w:rPr/w:i", NS) is None
    # Set ragged: LibreOffice's kashida justification corrupts its PDF's text layer.
    assert not styles.xpath("//w:jc[@w:val='both']", namespaces=NS)
    cs = {f.get(w("cs")) for f in styles.iter(w("rFonts"))}
    assert cs == {"Noto Naskh Arabic", "Noto Sans Arabic"}
    # No letter-spacing: it would break the joins of the Arabic script (styles/docx.json).
    assert styles.find(".//w:rPr/w:spacing", NS) is None
    assert xml(TEMPLATE, "word/styles.xml").find(".//w:rPr/w:spacing", NS) is not None
    # LibreOffice keeps the Arabic text.
    text = pdf_text(soffice_pdf(path, tmp_path))
    assert "الهجرة" in text or "ةرجهلا" in text


def test_chinese_gets_east_asian_language_and_fonts(chinese_docx):
    styles = xml(chinese_docx, "word/styles.xml")
    assert styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS).get(w("eastAsia")) == "zh"
    assert xml(chinese_docx, "word/settings.xml").find("w:themeFontLang", NS).get(w("eastAsia")) == "zh"
    ea = {f.get(w("eastAsia")) for f in styles.iter(w("rFonts"))}
    assert ea == {"Noto Serif CJK SC", "Noto Sans CJK SC"}
    assert xml(chinese_docx, "word/document.xml").find(".//w:bidi", NS) is None
    assert "采访：记者" in docx_text(chinese_docx)


# -- a clean, valid, reproducible package -------------------------------------------

@pytest.mark.parametrize("any_docx", ALL, indirect=True)
def test_clean_package(any_docx):
    with zipfile.ZipFile(any_docx) as z:
        names = z.namelist()
        assert names[0] == "[Content_Types].xml"
        for bad in ("stylesWithEffects", "thumbnail", "customXml", "webSettings"):
            assert not any(bad in n for n in names), f"boilerplate part {bad}"
        for n in names:
            info = z.getinfo(n)
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            data = z.read(n)
            if n.endswith((".xml", ".rels")):
                assert b"python-docx" not in data, f"{n} mentions python-docx"
                assert b"w:rsid" not in data, f"{n} has rsids"
                text = data.decode("utf-8")
                assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text), f"{n}: control character"
                etree.fromstring(data)


def test_no_control_characters_reach_the_package(tmp_path):
    """The writer drops characters XML forbids, even if a model carries them."""
    import dataclasses

    from pressroom import model as m
    from pressroom.styles import open_styles
    from pressroom.writers import docx as writer

    iv = m.Interview(
        meta=m.Metadata(title="Bell\x07 and\x0b tab\there", date=dt.date(2024, 1, 2), lang="en"),
        interviewer=m.Person("A\x1bB"), interviewee=None, image=None, intro=(),
        exchanges=(m.Exchange("q1", (m.Text("Why\x0c?"),), (m.Paragraph((m.Text("Be\x00cause soft\u00adly"),)),)),),
    )
    out = tmp_path / "c.docx"
    out.write_bytes(writer.write(iv, open_styles()))
    text = docx_text(out)
    assert "Bell and tab" in text and "Why?" in text and "Because" in text
    body = xml(out, "word/document.xml")
    assert body.find(".//w:tab", NS) is not None and body.find(".//w:softHyphen", NS) is not None
    assert dataclasses.is_dataclass(iv)


@pytest.mark.parametrize("any_docx", ALL, indirect=True)
def test_openxml_audit_strict_finds_no_errors(any_docx):
    errors, rc = audit(any_docx)
    assert not errors, json.dumps(errors, indent=1, ensure_ascii=False)[:3000]
    assert rc == 0


MUTATIONS = {
    # Each breaks the package the way Word's "unreadable content" repairs do.
    "child order": ("word/document.xml", lambda s: s.replace(
        '<w:rPr><w:rStyle w:val="Emphasis"/></w:rPr>', '<w:rPr><w:i/><w:rStyle w:val="Emphasis"/></w:rPr>', 1)),
    "unknown element": ("word/document.xml", lambda s: s.replace(
        '<w:pStyle w:val="Title"/>', '<w:pStyle w:val="Title"/><w:bogus/>', 1)),
    "dangling footnote": ("word/document.xml", lambda s: s.replace(
        '<w:footnoteReference w:id="1"/>', '<w:footnoteReference w:id="7"/>', 1)),
    "missing separator": ("word/footnotes.xml", lambda s: re.sub(
        r'<w:footnote w:type="separator".*?</w:footnote>', "", s, count=1)),
    "undefined style": ("word/document.xml", lambda s: s.replace(
        '<w:pStyle w:val="Title"/>', '<w:pStyle w:val="NoSuchStyle"/>', 1)),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_openxml_audit_can_fail(fixture_docx, tmp_path, mutation):
    """The gate is not vacuous: a broken copy of a passing file fails it."""
    part, change = MUTATIONS[mutation]
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(fixture_docx) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                changed = change(data.decode("utf-8")).encode("utf-8")
                assert changed != data, "mutation did not apply"
                data = changed
            zout.writestr(info, data)
    errors, rc = audit(bad)
    assert errors and rc != 0


def test_two_builds_are_byte_identical(tmp_path):
    src = _make_source(tmp_path / "src", FIXTURE, photo=True)
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    run_cli("docx", src, "-o", a)
    run_cli("docx", src, "-o", b, env={**os.environ, "TZ": "Asia/Tokyo", "SOURCE_DATE_EPOCH": "1"})
    assert a.read_bytes() == b.read_bytes()
    seed_a, seed_b = tmp_path / "s1.docx", tmp_path / "s2.docx"
    run_cli("docx", ROOT / "source" / "the-future-of-migration.md", "-o", seed_a)
    run_cli("docx", ROOT / "source" / "the-future-of-migration.md", "-o", seed_b)
    assert seed_a.read_bytes() == seed_b.read_bytes()


def _dirty_template(src: Path, dst: Path) -> None:
    """The template as Word may save it: rsids, a thumbnail, customXml,
    stylesWithEffects, webSettings and the path of an attached template."""
    rels_ns = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    rt = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    extra = {
        "customXml/item1.xml": b"<b:Sources xmlns:b='urn:x'/>",
        "docProps/thumbnail.jpeg": b"\xff\xd8\xff\xd9",
        "word/webSettings.xml": f'<w:webSettings xmlns:w="{W}"/>'.encode(),
    }
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename).decode("utf-8")
            if info.filename == "word/styles.xml":
                extra["word/stylesWithEffects.xml"] = data.encode()
                data = data.replace('<w:uiPriority w:val="2"/><w:qFormat/>',
                                    '<w:uiPriority w:val="2"/><w:qFormat/><w:rsid w:val="00A1B2C3"/>', 1)
                assert 'w:rsid w:val' in data
            elif info.filename == "word/settings.xml":
                data = data.replace("<w:mirrorMargins/>", '<w:mirrorMargins/><w:attachedTemplate r:id="rIdTpl"/>')
                data = data.replace("</w:compat>", '</w:compat><w:rsids><w:rsidRoot w:val="00A1B2C3"/>'
                                    '<w:rsid w:val="00A1B2C3"/></w:rsids>')
                extra["word/_rels/settings.xml.rels"] = (
                    f'<Relationships {rels_ns}><Relationship Id="rIdTpl" Type="{rt}/attachedTemplate" '
                    'Target="file:///C:/Users/editor/Normal.dotm" TargetMode="External"/></Relationships>').encode()
            elif info.filename == "docProps/core.xml":
                data = data.replace("</cp:coreProperties>",
                                    "<dc:description>Editor's private draft notes</dc:description></cp:coreProperties>")
            elif info.filename == "docProps/app.xml":
                data = data.replace("<Application>pressroom</Application>",
                                    "<Template>Normal.dotm</Template><TotalTime>42</TotalTime><Pages>1</Pages>"
                                    "<Application>Microsoft Office Word</Application>")
            elif info.filename == "word/header1.xml":
                data = data.replace("<w:p>", '<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3">')
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace("</Relationships>",
                                    f'<Relationship Id="rIdX1" Type="{rt}/customXml" Target="../customXml/item1.xml"/>'
                                    '<Relationship Id="rIdX2" Type="http://schemas.microsoft.com/office/2007/'
                                    'relationships/stylesWithEffects" Target="stylesWithEffects.xml"/>'
                                    f'<Relationship Id="rIdX3" Type="{rt}/webSettings" Target="webSettings.xml"/>'
                                    "</Relationships>")
            elif info.filename == "_rels/.rels":
                data = data.replace("</Relationships>",
                                    '<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/package/2006/'
                                    'relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/>'
                                    "</Relationships>")
            elif info.filename == "[Content_Types].xml":
                data = data.replace("</Types>",
                                    '<Default Extension="jpeg" ContentType="image/jpeg"/>'
                                    '<Override PartName="/word/webSettings.xml" ContentType="application/'
                                    'vnd.openxmlformats-officedocument.wordprocessingml.webSettings+xml"/>'
                                    '<Override PartName="/word/stylesWithEffects.xml" ContentType="application/'
                                    'vnd.ms-word.stylesWithEffects+xml"/></Types>')
                data = data.replace('<Default Extension="jpeg" ContentType="image/jpeg"/>', "", 1)
            zout.writestr(info.filename, data.encode("utf-8"))
        for name, data in extra.items():
            zout.writestr(name, data)


def test_a_template_saved_by_word_gives_a_clean_output(tmp_path):
    """Editors restyle by saving the template in Word; its boilerplate must not reach the outputs."""
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles, ignore=shutil.ignore_patterns("fonts", "icc"))
    _dirty_template(TEMPLATE, styles / "reference.docx")
    with zipfile.ZipFile(styles / "reference.docx") as z:
        dirty = z.namelist()
        assert b"w:rsid" in z.read("word/header1.xml") and b"rsids" in z.read("word/settings.xml")
    assert "docProps/thumbnail.jpeg" in dirty and "word/stylesWithEffects.xml" in dirty
    out = tmp_path / "out.docx"
    run_cli("docx", ROOT / "source" / "the-future-of-migration.md", "-o", out, "--styles", styles)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        for bad in ("stylesWithEffects", "thumbnail", "customXml", "webSettings"):
            assert not any(bad in n for n in names), f"{bad} reached the output"
        for n in names:
            data = z.read(n)
            assert b"w:rsid" not in data, n
            assert b"attachedTemplate" not in data and b"Normal.dotm" not in data, n
            assert b"private draft notes" not in data and b"Microsoft Office Word" not in data, n
    errors, rc = audit(out)
    assert not errors and rc == 0, errors


def test_template_is_clean():
    with zipfile.ZipFile(TEMPLATE) as z:
        names = set(z.namelist())
        assert not any(n.startswith(("customXml", "docProps/thumbnail")) or "stylesWithEffects" in n
                       for n in names)
        for n in names:
            assert b"python-docx" not in z.read(n)
            assert b"w:rsid" not in z.read(n)
    errors, rc = audit(TEMPLATE)
    assert not errors and rc == 0


@pytest.mark.parametrize("source", [SOURCE, Path(__file__).parent / "fixtures" / "editorial" / "en-photo.md",
                                    Path(__file__).parent / "fixtures" / "stages" / "second.md"],
                         ids=["fpo", "photo", "es-photo"])
@pytest.mark.parametrize("trim", ["a4", "a5", "letter"])
def test_the_title_starts_on_the_first_page_beside_the_photo_on_every_trim(tmp_path, source, trim):
    """The DOCX follows the print trim: on every page size the photo (or its FPO box) leaves room
    for the title on page 1, as LibreOffice lays it out (an A5 page once held the FPO box alone)."""
    from pressroom import reader, transforms

    docx = tmp_path / f"{trim}.docx"
    run_cli("docx", source, "--trim", trim, "-o", docx)
    pdf = soffice_pdf(docx, tmp_path / "pdf")
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    title = transforms.apply(reader.read(source)).meta.title
    assert " ".join(title.split()[:2]) in " ".join(first.split()), f"{trim}: page 1 is\n{first}"
