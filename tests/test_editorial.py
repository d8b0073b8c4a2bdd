"""Editorial completeness and the DOCX's typography (issue 14), on interviews written for these
tests (tests/fixtures/editorial/: English, French, Arabic and Chinese, with and without a photo
file, with attributed quotations):

- every edition names the interviewee with their role, in the words of styles/strings.json;
- without a photo file, the readers' editions (screen PDF, EPUB) carry no caption or credit, the
  print edition and the DOCX do (FPO box and frame, for the art desk);
- a quotation's attribution ("> -- name") is set on its own line, after the language's dash;
- the DOCX: the interviewer's note is never alone on the last page, the running head names the
  publication, text is hyphenated and ragged right (no gappy justified lines), Chinese titles are
  bold, and a Chinese question breaks only between phrases.

Everything is read from the built files with real tools: pdftotext, lxml on the EPUB's XHTML,
python-docx and the package XML, LibreOffice's PDF of the DOCX, pypdf for fonts.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from lxml import etree

from conftest import ROOT, build

FIXTURES = ROOT / "tests" / "fixtures" / "editorial"
STRINGS = json.loads((ROOT / "styles" / "strings.json").read_text(encoding="utf-8"))
NAMES = ("en-photo", "en-note", "fr-nophoto", "ar-nophoto", "zh-photo")
KINDS = ("print", "screen", "epub", "docx", "html")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XHTML = "{http://www.w3.org/1999/xhtml}"
WJ = "\u2060"


# -- what the sources say (read from the files, not from pressroom's model) -----------------

def front_matter(name: str) -> dict:
    text = (FIXTURES / f"{name}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1])


def strings(name: str) -> dict:
    return {**STRINGS["en"], **STRINGS[front_matter(name)["lang"].split("-")[0]]}


def interviewee_line(name: str) -> str:
    fm, s = front_matter(name), strings(name)
    person = fm["interviewee"]
    return s["interviewee"].format(name=person["name"] + s["interviewee_sep"] + person["role"])


def attributions(name: str) -> list[str]:
    """The attribution of each quotation: the text of its "> -- name" line."""
    lines = (FIXTURES / f"{name}.md").read_text(encoding="utf-8").splitlines()
    return [mo.group(1) for line in lines if (mo := re.match(r"^>\s*(?:--|[\u2014\u2015]+)\s*(.+)$", line))]


def has_photo(name: str) -> bool:
    return "file" in front_matter(name)["image"]


def squash(text: str) -> str:
    """NFKC, without any whitespace (line breaks, no-break spaces) or word joiners."""
    return re.sub(r"[\s\u2060]+", "", unicodedata.normalize("NFKC", text))


def norm_line(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


# -- the outputs ---------------------------------------------------------------------------------

def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def libreoffice(docxs: list[Path], outdir: Path) -> list[Path]:
    """LibreOffice's PDFs of the DOCX files (one headless run, its own profile)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([soffice, f"-env:UserInstallation={(outdir / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docxs)],
                   capture_output=True, timeout=300)
    pdfs = [outdir / (d.stem + ".pdf") for d in docxs]
    for pdf in pdfs:
        assert pdf.is_file() and pdf.stat().st_size, f"LibreOffice did not convert {pdf.stem}.docx"
    return pdfs


def edited_docx(src: Path, dst: Path, part: str, edit) -> Path:
    """A copy of a DOCX with one part's XML text rewritten by ``edit``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    return dst


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """The outputs of every fixture, and LibreOffice's PDF of each DOCX ("lo")."""
    tmp = tmp_path_factory.mktemp("editorial")
    jobs = [(name, kind) for name in NAMES for kind in KINDS if name != "en-note" or kind == "docx"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        paths = list(pool.map(lambda job: build(job[1], FIXTURES / f"{job[0]}.md", tmp / job[0]), jobs))
    out: dict[str, dict[str, Path]] = {}
    for (name, kind), path in zip(jobs, paths):
        out.setdefault(name, {})[kind] = path
    docxs = [out[name]["docx"] for name in NAMES]
    for name, pdf in zip(NAMES, libreoffice(docxs, tmp / "lo")):
        out[name]["lo"] = pdf
    return out


def epub_documents(path: Path) -> list[etree._Element]:
    with zipfile.ZipFile(path) as z:
        return [etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if n.endswith(".xhtml")]


def epub_interview(path: Path) -> etree._Element:
    docs = [d for d in epub_documents(path) if d.find(f".//{XHTML}header[@class='title-block']") is not None]
    assert len(docs) == 1
    return docs[0]


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style id, text) of the body's paragraphs, word joiners removed."""
    import docx

    body = docx.Document(str(path)).element.body
    out = []
    for p in body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        text = "".join(t.text or "" for t in p.iter(f"{W}t")).replace(WJ, "")
        out.append((style.get(f"{W}val") if style is not None else "", text))
    return out


def text_of(kind: str, path: Path) -> str:
    from pressroom.checks import text as T

    return T.EXTRACT[kind](path)


# -- the interviewee ------------------------------------------------------------------------------

def test_interviewee_lines_are_localised():
    assert interviewee_line("en-photo") == ("Interview with Grace Mwangi, Senior Hydrologist, "
                                            "World Meteorological Organization (WMO)")
    assert interviewee_line("fr-nophoto").startswith("Entretien avec Hélène Martin, cheffe")
    assert interviewee_line("ar-nophoto").startswith("حوار مع ليلى منصور، رئيسة")
    assert interviewee_line("zh-photo") == "受访者：李文，世界气象组织高级水文学家"
    # Russian: a form that needs no declension of the name.
    assert STRINGS["ru"]["interviewee"] == "Интервью: {name}"  # neither masculine nor feminine
    assert STRINGS["es"]["interviewee"] == "Entrevista con {name}"


def test_the_title_block_is_one_list_of_parts():
    """Kicker, figure, title, standfirst, interviewee, byline: one list (src/pressroom/titleblock.py)
    that the XHTML (PDF, EPUB) and the DOCX both walk, with the words and separators of
    styles/strings.json."""
    from pressroom import reader, titleblock, transforms
    from pressroom.styles import open_styles

    styles = open_styles(ROOT / "styles")
    iv = transforms.apply(reader.read(FIXTURES / "en-photo.md"), styles)
    s = styles.strings(iv.meta.lang)
    parts = {part.kind: part for part in titleblock.parts(iv, s)}
    assert tuple(parts) == titleblock.KINDS

    def text(pieces) -> str:
        return "".join(p.lead + p.text for p in pieces)

    assert text(parts["interviewee"].pieces) == interviewee_line("en-photo")
    assert text(parts["byline"].pieces) == ("Interview by Tomas Lindqvist" + s["note_mark"] + s["byline_sep"]
                                            + s.date(iv.meta.date))
    assert text(parts["figure"].pieces) == "A well near Garissa, Kenya" + s["caption_sep"] + "© WMO/test card"
    note = titleblock.interviewer_note(iv, s)
    assert text(note.pieces) == s["note_mark"] + " Tomas Lindqvist is a staff writer of UN Today."


def in_pdf_text(line: str, text: str, rtl: bool) -> bool:
    """Whether ``line`` is in pdftotext's ``text``: word for word, as the release check does
    (right-to-left text comes out of the PDFs in logical order)."""
    if not rtl:
        return squash(line) in squash(text)
    from pressroom.checks import text as T

    return T.first_miss(T.words(line), T.words(text)) is None


@pytest.mark.parametrize("name", [n for n in NAMES if n != "en-note"])
@pytest.mark.parametrize("kind", ["print", "screen"])
def test_pdf_names_the_interviewee(built, name, kind):
    text = pdftotext(built[name][kind])
    rtl = front_matter(name)["lang"] == "ar"
    # In the title block, on the first page.
    first = text.split("\f")[0]
    assert in_pdf_text(interviewee_line(name), first, rtl), f"{kind} PDF of {name}: no {interviewee_line(name)!r}"
    if rtl:
        assert in_pdf_text("حوار مع ليلى منصور", first, rtl)
        other = pdftotext(built["fr-nophoto"][kind])
        assert not in_pdf_text(interviewee_line(name), other, rtl), "the comparison cannot fail"


@pytest.mark.parametrize("name", [n for n in NAMES if n != "en-note"])
def test_epub_names_the_interviewee_in_the_title_block(built, name):
    doc = epub_interview(built[name]["epub"])
    found = doc.findall(f".//{XHTML}header[@class='title-block']/{XHTML}p[@class='interviewee']")
    assert len(found) == 1
    p = found[0]
    assert "".join(p.itertext()) == interviewee_line(name)
    assert p.find(f"{XHTML}span[@class='interviewee-name']").text == front_matter(name)["interviewee"]["name"]


@pytest.mark.parametrize("name", NAMES)
def test_docx_names_the_interviewee(built, name):
    paras = docx_paragraphs(built[name]["docx"])
    styles = [s for s, _ in paras]
    assert ("Interviewee", interviewee_line(name)) in paras
    assert styles.index("Interviewee") == styles.index("Subtitle") + 1 == styles.index("Byline") - 1
    # As LibreOffice sets it (a line may wrap: compared without whitespace).
    lo = pdftotext(built[name]["lo"])
    if front_matter(name)["lang"] != "ar":
        assert squash(interviewee_line(name)) in squash(lo)


# -- caption and credit only where the photo (or its placeholder) is ------------------------------

@pytest.mark.parametrize("name", [n for n in NAMES if n != "en-note"])
def test_caption_only_where_the_photo_or_its_placeholder_is(built, name):
    image = front_matter(name)["image"]
    rtl = front_matter(name)["lang"] == "ar"
    for kind in KINDS:
        text = text_of(kind, built[name][kind])
        expect = has_photo(name) or kind in ("print", "docx")
        for key in ("caption", "credit"):
            if expect:
                assert in_pdf_text(image[key], text, rtl and kind in ("print", "screen")), f"{name} {kind}: no {key}"
            else:
                assert squash(image[key]) not in squash(text), f"{name} {kind}: {key} shown without a photo"
    doc = epub_interview(built[name]["epub"])
    assert (doc.find(f".//{XHTML}figcaption") is not None) == has_photo(name)
    assert (doc.find(f".//{XHTML}figure") is not None) == has_photo(name)
    # The art desk's editions keep the placeholder with its caption.
    if not has_photo(name):
        assert "FPO" in text_of("print", built[name]["print"])
        assert "Caption" in [s for s, _ in docx_paragraphs(built[name]["docx"])]


def test_text_check_expects_the_caption_only_where_shown():
    from pressroom import reader, transforms
    from pressroom.checks import text as T

    no_file = transforms.apply(reader.read(FIXTURES / "fr-nophoto.md"))
    photo = transforms.apply(reader.read(FIXTURES / "en-photo.md"))
    for kind, expect in (("print", True), ("docx", True), ("screen", False), ("epub", False), (None, True)):
        names = [n for n, _ in T.passages(no_file, kind)]
        assert ("image caption" in names) == expect and ("image credit" in names) == expect, kind
        names = [n for n, _ in T.passages(photo, kind)]
        assert "image caption" in names and "image credit" in names
    assert ("interviewee", "Hélène Martin") in T.passages(no_file, "epub")
    assert any(n == "interviewee role" and t.startswith("cheffe") for n, t in T.passages(no_file, "screen"))


@pytest.mark.parametrize("name", [n for n in NAMES if n != "en-note"])
@pytest.mark.parametrize("kind", KINDS)
def test_release_text_check_passes_and_can_fail(built, name, kind):
    """The release check's text fidelity, per output kind; it fails when the interviewee is lost."""
    from pressroom import reader, transforms
    from pressroom.checks import text as T

    iv = transforms.apply(reader.read(FIXTURES / f"{name}.md"))
    text = text_of(kind, built[name][kind])
    result = T.fidelity(iv, text, kind=kind)
    assert result.ok, result.summary
    # Without the role (wherever a line wraps in it), the check fails and names the passage.
    role = re.compile(r"\s+".join(map(re.escape, iv.interviewee.role.split())))
    assert role.search(text), "the role is not in the text"
    lost = T.fidelity(iv, role.sub("", text), kind=kind)
    assert not lost.ok and any(m["passage"] == "interviewee role" for m in lost.details["missing"])


# -- attributed quotations ------------------------------------------------------------------------

def test_fixtures_have_attributed_quotes_in_both_forms():
    for name in ("en-photo", "fr-nophoto", "ar-nophoto", "zh-photo"):
        source = (FIXTURES / f"{name}.md").read_text(encoding="utf-8")
        assert len(attributions(name)) == 2, name
        # One after a blank quote line, one on the quote's last line.
        assert re.search(r"^>\n> *(?:--|[\u2014\u2015])", source, re.M), name
        assert re.search(r"^> [^\n\-\u2014\u2015][^\n]*\n> *(?:--|[\u2014\u2015])", source, re.M), name


@pytest.mark.parametrize("name", ["en-photo", "fr-nophoto", "ar-nophoto", "zh-photo"])
def test_epub_sets_the_attribution_on_its_own_line(built, name):
    doc = epub_interview(built[name]["epub"])
    quotes = doc.findall(f".//{XHTML}blockquote")
    dash = strings(name)["attribution_dash"]
    assert len(quotes) == 2
    for quote, who in zip(quotes, attributions(name)):
        att = quote.findall(f"{XHTML}footer/{XHTML}p[@class='attribution']")
        assert len(att) == 1 and "".join(att[0].itertext()) == dash + who
        # The quotation itself does not run into it.
        said = [p for p in quote.findall(f"{XHTML}p")]
        assert said and all(who not in "".join(p.itertext()) for p in said)
        assert quote[-1].tag == f"{XHTML}footer"


@pytest.mark.parametrize("name", ["en-photo", "fr-nophoto", "zh-photo"])
@pytest.mark.parametrize("kind", ["print", "screen", "lo"])
def test_pdf_sets_the_attribution_on_its_own_line(built, name, kind):
    """Both PDF editions, and LibreOffice's PDF of the DOCX: a line that is the dash and the name."""
    lines = [norm_line(line) for line in pdftotext(built[name][kind]).splitlines()]
    dash = norm_line(strings(name)["attribution_dash"] + "x")[:-1]
    for who in attributions(name):
        assert norm_line(dash + who) in lines, f"{name} {kind}: no line {dash + who!r}"
        assert not any(who in line and line != norm_line(dash + who) for line in lines), "run into the quote"


@pytest.mark.parametrize("name", ["en-photo", "fr-nophoto", "ar-nophoto", "zh-photo"])
def test_docx_sets_the_attribution_in_its_own_style(built, name):
    paras = docx_paragraphs(built[name]["docx"])
    dash = strings(name)["attribution_dash"]
    for who in attributions(name):
        i = paras.index(("Attribution", dash + who))
        assert paras[i - 1][0] == "BlockText" and who not in paras[i - 1][1]


@pytest.mark.parametrize("name", ["en-photo", "ar-nophoto"])
def test_epub_with_attributions_passes_epubcheck_and_ace(built, name, tmp_path):
    from test_epub import assert_ace_passes, assert_epubcheck_clean

    assert_epubcheck_clean(built[name]["epub"], tmp_path)
    assert_ace_passes(built[name]["epub"], tmp_path)


# -- the DOCX --------------------------------------------------------------------------------------

def pages_of(pdf: Path) -> list[list[str]]:
    """The non-empty lines of every page (pdftotext)."""
    return [[norm_line(line) for line in page.splitlines() if line.strip()]
            for page in pdftotext(pdf).split("\f") if page.strip()]


def test_docx_note_never_alone_on_the_last_page(built, tmp_path):
    """en-note is written so that, without the keep, LibreOffice sets the note alone on page 3."""
    bio = norm_line(front_matter("en-note")["interviewer"]["bio"])

    def body_lines_of_last_page(pdf):
        last = pages_of(pdf)[-1]
        body = [line for line in last if line.lstrip("* ") != bio and not re.fullmatch(r"\d+", line)]
        title = front_matter("en-note")["title"]
        return [line for line in body if not line.startswith("UN Today") and line != title]  # the running head

    assert bio in " ".join(pages_of(built["en-note"]["lo"])[-1])
    assert body_lines_of_last_page(built["en-note"]["lo"]), "the note is alone on the last page"
    # The same document without the writer's keep: the note alone (so the fixture tests the case).
    loose = edited_docx(built["en-note"]["docx"], tmp_path / "loose.docx", "word/document.xml",
                        lambda x: x.replace("<w:keepNext/>", ""))
    [pdf] = libreoffice([loose], tmp_path / "lo")
    assert body_lines_of_last_page(pdf) == [], "fixture en-note no longer puts the note alone: retune it"


def test_docx_keep_is_on_the_last_answers_paragraph_only(built):
    import docx

    body = docx.Document(str(built["en-note"]["docx"])).element.body
    paras = list(body.iter(f"{W}p"))
    kept = [p for p in paras if p.find(f"{W}pPr/{W}keepNext") is not None]
    note = [p for p in paras if p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "InterviewerNote"]
    assert len(note) == 1 and kept == [note[0].getprevious()]


@pytest.mark.parametrize("name", ["en-photo", "zh-photo", "ar-nophoto"])
def test_docx_running_head_names_publication_and_section(built, name):
    fm = front_matter(name)
    with zipfile.ZipFile(built[name]["docx"]) as z:
        heads = ["".join(etree.fromstring(z.read(n)).itertext()) for n in z.namelist()
                 if re.fullmatch(r"word/header\d+\.xml", n)]
    sep = strings(name)["header_sep"]
    assert any(h.startswith(fm["publisher"] + sep + fm["section"]) and h.endswith(fm["title"]) for h in heads), heads
    # As LibreOffice lays it out: page 2 starts with the publication (letter-spaced capitals may
    # come apart in pdftotext, hence no spaces).
    page2 = pages_of(built[name]["lo"])[1]
    if fm["lang"] != "ar":
        assert squash(page2[0]).startswith(squash(fm["publisher"])), page2[0]
    head = squash(" ".join(page2[:3])).casefold()  # a right-to-left head comes out in pieces
    assert squash(fm["publisher"]).casefold() in head and squash(fm["section"]).casefold() in head, page2[:3]


def word_gaps(pdf: Path) -> list[tuple[float, str]]:
    """(widest word gap in normal spaces, line) of every body line of four words or more.

    A normal space of Noto Serif is 0.26 em; the size is taken from the words' box height
    (ascent + descent = 1.362 em). Lines of the running head and folios are left out."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True).stdout
    res = []
    for page in etree.fromstring(out).iter("{*}page"):
        for line in page.iter("{*}line"):
            words = [(float(w.get("xMin")), float(w.get("xMax")), float(w.get("yMin")), float(w.get("yMax")), w.text)
                     for w in line.iter("{*}word")]
            if len(words) < 4 or words[0][2] < 80:  # the running head sits above 80 pt
                continue
            size = statistics.median(w[3] - w[2] for w in words) / 1.362
            gap = max(b[0] - a[1] for a, b in zip(words, words[1:])) / (0.26 * size)
            res.append((gap, " ".join(w[4] for w in words)))
    return res


@pytest.mark.parametrize("lang", ["ru", "fr", "en"])
def test_docx_no_gappy_lines_in_libreoffice(lang, tmp_path):
    """Ragged right and hyphenated: no word gap wider than twice a normal space. Justified, as the
    template once was, Russian comes out with gaps of nearly three spaces."""
    fixture = ROOT / "tests" / "fixtures" / "lang" / f"{lang}.md"
    docx = build("docx", fixture, tmp_path)
    with zipfile.ZipFile(docx) as z:
        settings = z.read("word/settings.xml").decode()
        styles = etree.fromstring(z.read("word/styles.xml"))
    assert "<w:autoHyphenation/>" in settings
    assert styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val") == lang
    for sid in ("Intro", "Answer", "AnswerContinued", "BlockText"):
        jc = styles.find(f"{W}style[@{W}styleId='{sid}']/{W}pPr/{W}jc")
        assert jc is None or jc.get(f"{W}val") not in ("both", "distribute"), sid
    # The same document justified (every paragraph, through the document defaults).
    justified = edited_docx(docx, tmp_path / f"justified-{lang}.docx", "word/styles.xml",
                            lambda x: x.replace("</w:pPr></w:pPrDefault>", '<w:jc w:val="both"/></w:pPr></w:pPrDefault>'))
    pdf, pdf_justified = libreoffice([docx, justified], tmp_path / "lo")
    gaps = word_gaps(pdf)
    assert len(gaps) > 10
    worst = max(gaps)
    assert worst[0] <= 2.0, f"{lang}: a word gap of {worst[0]:.2f} spaces in {worst[1]!r}"
    if lang == "ru":
        assert max(word_gaps(pdf_justified))[0] > 2.0, "the measurement cannot fail"


def test_docx_hyphenates_in_libreoffice(built):
    """Automatic hyphenation in the document's language: French words break at the line end."""
    text = pdftotext(built["fr-nophoto"]["lo"], "-layout")
    assert re.search(r"\w[-\u2010\u00ad] *\n", text), "no hyphenated line end"


def test_docx_chinese_title_is_bold(built):
    """The title style is bold for every script, and LibreOffice sets the Chinese title in the
    bold cut of the East Asian font (a bold face exists on the machine)."""
    from pypdf import PdfReader

    with zipfile.ZipFile(built["zh-photo"]["docx"]) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
    title = styles.find(f"{W}style[@{W}styleId='Title']/{W}rPr")
    assert title.find(f"{W}b") is not None and title.find(f"{W}bCs") is not None
    ea = title.find(f"{W}rFonts").get(f"{W}eastAsia")
    assert ea == "Noto Sans CJK SC"
    faces = subprocess.run(["fc-list", f"{ea}:style=Bold", "family"], capture_output=True, text=True).stdout
    assert ea in faces, f"no bold {ea} installed"
    fonts: dict[str, str] = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            fonts[text.strip()] = fonts.get(text.strip(), "") + " " + str(font.get("/BaseFont"))

    PdfReader(built["zh-photo"]["lo"]).pages[0].extract_text(visitor_text=visit)
    title_text = front_matter("zh-photo")["title"]
    used = " ".join(f for t, f in fonts.items() if title_text in t or t in title_text and len(t) > 1)
    assert "CJK" in used and "Bold" in used, used
    body_used = " ".join(f for t, f in fonts.items() if t.startswith("3月22日"))
    assert "Bold" not in body_used, body_used


def test_docx_chinese_question_breaks_between_phrases(built, tmp_path):
    question = "谁来维护这些水井，确保村民在旱季和雨季都能持续获得安全的饮用水，又由谁来支付水泵零件和机修工培训的费用？"

    def question_lines(pdf):
        lines = [line.strip() for line in pdftotext(pdf).splitlines()]
        start = next(i for i, line in enumerate(lines) if line.startswith("谁来"))
        out = []
        for line in lines[start:]:
            out.append(line)
            if line.endswith("？"):
                return out
        raise AssertionError(lines[start:start + 4])

    lines = question_lines(built["zh-photo"]["lo"])
    assert "".join(lines) == question and len(lines) == 2
    assert all(line[-1] in "，。？；：、！" for line in lines), lines
    # Without the writer's word joiners LibreOffice breaks inside a word ("支/付").
    loose = edited_docx(built["zh-photo"]["docx"], tmp_path / "loose.docx", "word/document.xml",
                        lambda x: x.replace(WJ, ""))
    [pdf] = libreoffice([loose], tmp_path / "lo")
    assert not all(line[-1] in "，。？；：、！" for line in question_lines(pdf)), "the test cannot fail"
    # The question's text is still the source's, word for word.
    assert ("Question", question) in docx_paragraphs(built["zh-photo"]["docx"])


# -- the reader and the model ----------------------------------------------------------------------

HEAD = "---\ntitle: T\ndate: 2024-01-01\nlang: en\n---\n\n## Q?\n\n"


def quote_of(body: str):
    from pressroom import model as m
    from pressroom import reader

    iv = reader.parse(HEAD + body, "t.md")
    [quote] = [b for b in iv.exchanges[0].answer if isinstance(b, m.BlockQuote)]
    return quote


@pytest.mark.parametrize("body, said, who", [
    ("> Quote text\n>\n> -- a colleague in the field\n", "Quote text\n", "a colleague in the field"),
    ("> Quote text\n> -- a colleague\n", "Quote text\n", "a colleague"),
    ("> One\n> two\n> \u2014 Amina, *mechanic*\n", "One two\n", "Amina, mechanic"),
    ("> Un\n>\n> \u2015 une d\u00e9l\u00e9gu\u00e9e\n", "Un\n", "une d\u00e9l\u00e9gu\u00e9e"),
    ("> \u4e00\u53e3\u4e95\n> \u2014\u2014 \u540c\u4e8b\n", "\u4e00\u53e3\u4e95\n", "\u540c\u4e8b"),
])
def test_reader_takes_the_last_dash_line_as_the_attribution(body, said, who):
    from pressroom import model as m

    quote = quote_of(body)
    assert m.plain_text(quote.children) == said
    assert m.plain_text(quote.attribution) == who
    # The model's JSON and plain text carry it.
    assert m.plain_text(quote) == said + who + "\n"
    assert '"attribution"' in m.to_json(reader_interview(body))


def reader_interview(body):
    from pressroom import reader

    return reader.parse(HEAD + body, "t.md")


@pytest.mark.parametrize("body", [
    "> -- only a dash line\n",                     # nothing but the attribution: a plain quote
    "> A quote -- with a dash inside\n",           # not at the start of a line
    "> -- first line\n> then the quote\n",         # not the last line
    "> A quote\n> \u2014 \n",                      # a dash without a name
])
def test_reader_leaves_other_quotes_alone(body):
    quote = quote_of(body)
    assert quote.attribution == ()


def test_attribution_keeps_its_emphasis_and_note_numbers():
    from pressroom import model as m

    iv = reader_interview("> Said[^a].\n> -- *Name*[^b]\n\n[^a]: A.\n[^b]: B.\n")
    quote = iv.exchanges[0].answer[0]
    assert isinstance(quote.attribution[0], m.Emphasis)
    assert quote.attribution[-1] == m.NoteRef(2) and [n.label for n in iv.notes] == ["a", "b"]


@pytest.mark.parametrize("name", NAMES)
def test_docx_of_the_fixtures_passes_openxml_audit(built, name):
    """The new paragraphs (interviewee, attribution, keep-with-next) keep the XML valid."""
    from test_docx import audit

    errors, _ = audit(built[name]["docx"])
    assert not errors, errors[:3]
