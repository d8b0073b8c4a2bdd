"""Issue 19, stated directly: for any source the reader accepts, the built files pass the checks
that run in a few seconds (no Java, no Chromium, no LibreOffice, no Ghostscript): the print
PDF's PDF/X markers, output intent, boxes, colour, fonts and note pages; the screen PDF's tags,
language and title, figures, outline and note pages; the EPUB's page-list; the DOCX's style
coverage; and text fidelity on all four. The sources come from the generator of
``test_properties.py`` (random text in every field, inline markup, notes, quotes and lists, many
languages and scripts, with and without a photo), derandomized so that ``make test`` runs the
same sources every time (hunt for new cases with a larger EXAMPLES and ``--hypothesis-seed``;
what was found is below, fixed or as a strict xfail). Each example builds the four files (WeasyPrint
lays out the print edition once for the PDF and the EPUB's page-list), so few examples run and a
failure is not shrunk; the failing source is printed as generated."""

from __future__ import annotations

import importlib

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings

from pressroom import checks  # noqa: F401  (registers every check)
from pressroom import reader, transforms
from pressroom.checks.core import REGISTRY, Context
from pressroom.errors import SourceError
from pressroom.styles import open_styles
from conftest import pdf_fidelity
from test_properties import PHOTOS, interview_source

#: (output, check name): the registered checks that need no external program but poppler.
QUICK = {
    "print": ("pdfx", "output-intent", "boxes", "safe-area", "colour", "fonts", "cid", "note-pages", "text"),
    "screen": ("tags", "lang-title", "figures", "outline", "safe-area", "note-pages", "text"),
    "epub": ("page-list", "text"),
    "docx": ("styles", "text"),
}


#: Found by this test: an Arabic source with Latin words and notes. Its print PDF crashed the
#: writer (a NameError on the line that logs a line of right-to-left words it could not match
#: glyph by glyph; fixed); it now builds, but the text of that line is not found word for word.
ARABIC_MIXED = ('---\ntitle: V®3\ndate: 2083-04-24\nlang: ar\nrights: Ó\nidentifier: ĹěG\nsection: ħõ\ninterviewee:\n  name: ē\nimage:\n  alt: ³.\n---\n\n**`gwĊ`** [3ļ¨ã¶ἁ?](https://example.org/61?q=a&b=c) \\\n **`k`** ʮħ *×\\½*\n\n## Ø§ĴᵏoÚĄٟ ***̥ڜ*** `C«Æ` ğğù͐ÂDGÉZꚔêḆ⸶Þĕĝ:ª `kÐ` * *\n\n**n** ﮛºèÕَ *[`ÐÎ؉Ģē`](https://example.org/5?q=a&b=c)* `·@Ĩ` **ʘ** \\\n\n\n- > > `O/|ħ¹` [^1] [<mailto:press@example.org>](https://example.org/90?q=a&b=c) \\\n  > >  **\\\n  > > ** **￼**\n\n- *<mailto:press@example.org>*\n\n- *`®>`*\n\n- [^n] **\\\n  **\n\n[^1]: +0.0\n\n[^n]: `&ꞟxᶹ`\n')


def test_the_arabic_source_it_found_builds(tmp_path):
    source = tmp_path / "src" / "generated.md"
    source.parent.mkdir()
    source.write_text(ARABIC_MIXED, encoding="utf-8")
    build_all(source, tmp_path)
    assert (tmp_path / "generated.pdf").read_bytes().startswith(b"%PDF-")


def _pdf_keeps_its_words(tmp_path, text: str, kind: str) -> bool:
    """Text fidelity of a generated source's print or screen PDF (built with the other files)."""
    source = tmp_path / "src" / "generated.md"
    source.parent.mkdir()
    source.write_text(text, encoding="utf-8")
    build_all(source, tmp_path)
    return pdf_fidelity(source, tmp_path / ("generated.pdf" if kind == "print" else "generated.screen.pdf"), kind).ok


@pytest.mark.xfail(strict=True, reason="a right-to-left line that falls back to one ActualText "
                                       "loses its words' order for pdftotext (found by the property test)")
def test_the_arabic_source_it_found_keeps_its_words(tmp_path):
    assert _pdf_keeps_its_words(tmp_path, ARABIC_MIXED, "print")


def test_the_right_to_left_line_it_found_is_left_out_of_the_property():
    assert _known(RTL_NEUTRAL)


@pytest.mark.xfail(strict=True, reason="a right-to-left display line with no Arabic letter falls back to one "
                                       "ActualText that pdftotext reads in drawing order (found by the property test)")
def test_a_right_to_left_display_line_without_arabic_keeps_its_order(tmp_path):
    assert _pdf_keeps_its_words(tmp_path, RTL_NEUTRAL, "screen")


def test_the_quick_checks_exist():
    """Every check named above is registered (a renamed check must not silently drop out)."""
    names = {(c.kind, c.name) for c in REGISTRY}
    missing = [(k, n) for k, ns in QUICK.items() for n in ns if (k, n) not in names]
    assert not missing


#: Found by this test and not fixed yet (the strict xfails below): a combining mark that NFC
#: cannot compose with its letter (the overlay U+0337 after ā, or a mark outside the basic block
#: U+0300–U+036F (U+0483–U+0489 Cyrillic, U+1AB0–, U+1DC0–, U+20D0–, U+2DE0–,
#: U+A66F–, U+FE20– ...) in the small-caps credit or a code span makes pdftotext split the word
#: around it, and text fidelity fails. Sources with one are left out of the property until then.
#: Also left out: a combining mark with no letter before it (at the start of a code span or a
#: word, after markup), which pdftotext moves to another word.
#: Also found (the same defect as ARABIC_MIXED): on a right-to-left page, a title or standfirst
#: with no Arabic letter and a neutral mark at its end ("~Ӗ×") falls back to one ActualText that
#: pdftotext reads in the order the line is drawn ("×Ӗ~"). Sources with one are left out too.
RTL_NEUTRAL = ('---\ntitle: ÚĹXu\ndate: 2061-06-25\nlang: ar\nsubtitle: ~Ӗ×\n---\n\n## ľÙÅ<\n\n'
               '> > > <mailto:press@example.org>\n')


def _rtl_display_line_without_arabic(text: str) -> bool:
    import unicodedata

    import yaml

    try:
        fm = yaml.safe_load(text.split("---", 2)[1]) or {}
    except Exception:
        return False
    if not isinstance(fm, dict) or str(fm.get("lang", "")).split("-")[0] != "ar":
        return False
    for key in ("title", "subtitle"):
        line = str(fm.get(key) or "").strip()
        if line and not any("\u0600" <= c <= "\u06ff" for c in line) and any(
                unicodedata.category(c)[0] in "PS" for c in line):
            return True
    return False


def _known(text: str) -> bool:
    import unicodedata

    if _rtl_display_line_without_arabic(text):
        return True

    def mark(c):
        return unicodedata.category(c) in ("Mn", "Me")

    # Any mark that NFC cannot compose with its letter (ā̷: a + macron composes, the overlay
    # U+0337 does not) is drawn as a glyph of its own, and pdftotext puts a space before it.
    # NFKC, as the text check compares: a spacing mark such as the macron ¯ (U+00AF) is a space
    # and a combining macron there, a mark with no letter before it.
    text = unicodedata.normalize("NFKC", text)
    return any(mark(c) and not 0x591 <= ord(c) <= 0x6FF for c in text)  # Arabic vowel marks apart


def build_all(source: Path, out: Path) -> None:
    """The four files of ``source`` in ``out``, in one process: the model, the print edition
    with its page map, the EPUB from that page map, the screen edition and the DOCX."""
    from pressroom.outputs import OUTPUTS

    from conftest import write_output

    styles = open_styles()
    interview = transforms.apply(reader.read(source), styles)
    for o in OUTPUTS:
        options = {"edition": o.name} if o.command == "pdf" else {}
        writer = importlib.import_module(o.writer)
        (Path(out) / (source.stem + o.suffix)).write_bytes(write_output(writer, interview, styles, **options))


EXAMPLES = 6
_built: list[int] = []


def test_every_accepted_source_builds_files_that_pass():
    """The property; and it held for EXAMPLES sources the reader accepted, not for none (the
    generator's sources are often refused: a link with no text, a call in a question)."""
    _built.clear()
    _accepted_sources_pass()
    assert len(_built) >= EXAMPLES


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(text=interview_source())
def _accepted_sources_pass(text):
    assume(not _known(text))
    with tempfile.TemporaryDirectory(prefix="pressroom-accepted-") as tmp:
        tmp = Path(tmp)
        folder = tmp / "src"
        folder.mkdir()
        for photo in PHOTOS.iterdir():
            (folder / photo.name).write_bytes(photo.read_bytes())
        source = folder / "generated.md"
        source.write_text(text, encoding="utf-8")
        try:
            reader.read(source)
        except SourceError:
            assume(False)  # refused with its one line: sound, but not an example of the property
            raise  # pragma: no cover
        build = tmp / "build"
        build.mkdir()
        build_all(source, build)
        interview = transforms.apply(reader.read(source), open_styles())
        (tmp / "scratch").mkdir()
        ctx = Context(source.resolve(), build.resolve(), interview, tmp / "scratch")
        failed, checked = [], []
        for c in REGISTRY:
            if c.name in QUICK.get(c.kind, ()):
                outcome = c.fn(ctx, ctx.path(c.kind))
                if not outcome.ok:
                    failed.append(f"{c.kind} {c.name}: {outcome.summary}")
                checked.append((c.kind, c.name))
        assert not failed, "\n".join(failed) + "\n--- source ---\n" + text
        assert len(checked) == sum(len(v) for v in QUICK.values())
        _built.append(1)


@pytest.mark.xfail(strict=True, reason="pdftotext splits the word around a combining mark that NFC "
                                       "cannot compose (found by the property test above)")
@pytest.mark.parametrize("credit,body", [("Sj\u0484IIhN", "A."), ("x", "`\u00d6\u04c2\u1dca\u0421\u0137L` [^1]\n\n[^1]: N."),
                                         ("x", "A `b\u00c0\u0101\u0337\u0114` b and plain b\u0101\u0337\u0114 too.")],
                         ids=["cyrillic-mark-in-credit", "supplement-mark-in-code", "overlay-mark-nfc-cannot-compose"])
def test_a_combining_mark_keeps_its_word(tmp_path, credit, body):
    """The cases the property test found: 'Sj҄IIhN' as the photo's credit comes out of the print
    PDF as 'Sj҄ I IhN' (in the body it is read whole), and a code span 'Öӂ᷊СķL' as 'Öӂ ᷊ СķL':
    text fidelity fails."""
    from pressroom.checks.text import fidelity, pdf_text

    source = tmp_path / "g.md"
    source.write_text("---\ntitle: T\ndate: 2023-11-18\nlang: de\nimage:\n  alt: x\n"
                      f"  credit: {credit}\n---\n\n## Q?\n\n{body}\n", encoding="utf-8")
    build_all(source, tmp_path)
    interview = transforms.apply(reader.read(source), open_styles())
    assert fidelity(interview, pdf_text(tmp_path / "g.pdf"), kind="print").ok
