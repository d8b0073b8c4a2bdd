"""Hostile and odd sources, round two (issue 19), the remaining classes: one line on stderr,
always; footnotes in linear time; a photo that cannot be swapped during a build. The cases are
written for these tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import pdf_fidelity
from pressroom import reader
from pressroom.errors import SourceError

FM = "---\ntitle: A title\ndate: 2024-05-01\nlang: en\n{extra}---\n\n## A question?\n\n{body}\n"

#: Every output, as the command line that writes it.
OUTPUTS = (("pdf", "--edition", "print"), ("pdf", "--edition", "screen"), ("epub",), ("docx",))


def src(extra: str = "", body: str = "An answer.") -> str:
    return FM.format(extra=extra, body=body)


def run(args, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pressroom", args[0], *map(str, args[1:]), "-o", str(out)],
                          capture_output=True, text=True, timeout=300)


# -- one line, always ---------------------------------------------------------------------------

UNHELD = [
    # (where, text, code point named)
    ("body", src(body="A glyph \ue000 from an icon font."), "U+E000"),
    ("body, last private-use", src(body="Private \U0010fffd here."), "U+10FFFD"),
    ("body, non-character", src(body="Not a character: \ufdd0."), "U+FDD0"),
    ("body, non-character of plane 0", src(body="Byte-swapped mark \ufffe here."), "U+FFFE"),
    ("body, non-character of plane 1", src(body="Plane one \U0001ffff end."), "U+1FFFF"),
    ("question", src().replace("## A question?", "## A \uf8ff question?"), "U+F8FF"),
    ("title", src().replace("title: A title", "title: A \U000f0001 title"), "U+F0001"),
    ("front matter escape", src('subtitle: "An escaped \\uFDEF here"\n'), "U+FDEF"),
    ("alt text", src("image:\n  alt: A photo \ue123 of a person.\n"), "U+E123"),
    ("footnote", src(body="An answer.[^1]\n\n[^1]: A note \U000effff here."), "U+EFFFF"),
    ("entity", src(body="An entity &#xE000; here."), "U+E000"),
    ("decimal entity", src(body="An entity &#64976; here."), "U+FDD0"),
]


@pytest.mark.parametrize("where,text,code", UNHELD, ids=[u[0] for u in UNHELD])
def test_characters_no_output_can_hold_are_refused_with_their_line(where, text, code):
    with pytest.raises(SourceError) as e:
        reader.parse(text, name="s.md")
    message = str(e.value)
    assert code in message and ("private-use" in message or "non-character" in message)
    lines = text.splitlines()
    hit = next(i for i, ln in enumerate(lines, 1)
               if any(_bad(c) for c in ln) or "&#xE000;" in ln or "&#64976;" in ln or "\\uFDEF" in ln)
    assert e.value.line == hit


def _bad(c: str) -> bool:
    o = ord(c)
    return 0xE000 <= o <= 0xF8FF or o >= 0xF0000 or 0xFDD0 <= o <= 0xFDEF or (o & 0xFFFE) == 0xFFFE


def test_characters_next_to_the_refused_ranges_are_kept():
    for ch in ("\ufdcf", "\ufdf0", "\ufffd", "\U0001fffd", "\U000efffd", "\ud7ff", "\uf900"):
        iv = reader.parse(src(body=f"Kept {ch} here."), name="s.md")
        assert iv.exchanges[0].answer[0].children[0].text == f"Kept {ch} here."


@pytest.mark.parametrize("args", OUTPUTS, ids=lambda a: a[-1])
@pytest.mark.parametrize("case", [UNHELD[0], UNHELD[2], UNHELD[8], UNHELD[10]], ids=lambda c: c[0])
def test_refused_characters_give_exactly_one_line_for_every_output(tmp_path, args, case):
    _where, text, code = case
    s = tmp_path / "s.md"
    s.write_text(text, encoding="utf-8")
    out = tmp_path / "out.bin"
    proc = run((args[0], s, *args[1:]), out)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith(f"{s}:"), proc.stderr
    assert code in proc.stderr and not out.exists()


@pytest.mark.parametrize("args", OUTPUTS, ids=lambda a: a[-1])
def test_an_emoji_gives_one_line_or_none_for_every_output(tmp_path, args):
    """No shipped font has emoji: the PDFs refuse with pressroom's one line (exit 1), not with
    WeasyPrint's warnings before it; the EPUB and the DOCX hold it and print nothing."""
    s = tmp_path / "s.md"
    s.write_text(src(body="A smile \U0001f600 and a flag \U0001f1fa\U0001f1f3."), encoding="utf-8")
    out = tmp_path / "out.bin"
    proc = run((args[0], s, *args[1:]), out)
    if args[0] == "pdf":
        assert proc.returncode == 1 and len(proc.stderr.splitlines()) == 1, proc.stderr
        assert proc.stderr.startswith("pressroom: ") and "\U0001f600" in proc.stderr
        assert not out.exists()
    else:
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        assert out.stat().st_size > 0


def test_library_warnings_never_reach_stderr():
    """What WeasyPrint, fontTools and Pillow log, and Python warnings, go nowhere (the code path
    every command takes, with a library message that used to print)."""
    code = ("import logging, warnings, sys, weasyprint, fontTools.subset, PIL.PngImagePlugin; "
            "from pressroom import cli; cli._quiet_libraries(); "
            "logging.getLogger('weasyprint').warning('.notdef glyph rendered'); "
            "logging.getLogger('fontTools.subset').warning('glyph missing'); "
            "logging.getLogger('PIL.PngImagePlugin').error('broken chunk'); "
            "warnings.warn('DecompressionBombWarning'); print('done', file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == "done\n", proc.stderr
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**__import__("os").environ, "PRESSROOM_DEBUG": "1"})
    assert ".notdef glyph rendered" in proc.stderr  # the debug switch shows them


# -- the photo cannot be swapped during a build ---------------------------------------------------


def _photo_source(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A source beside its photo (a grey JPEG, 120 x 80) and, outside its folder, another image
    of another size and colour (the "secret")."""
    from PIL import Image

    folder = tmp_path / "src"
    folder.mkdir()
    photo = folder / "photo.jpg"
    Image.new("L", (120, 80), 90).save(photo, quality=90)
    secret = tmp_path / "secret.jpg"
    Image.new("RGB", (64, 200), (200, 30, 30)).save(secret, quality=90)
    s = folder / "s.md"
    s.write_text(src("image:\n  file: photo.jpg\n  alt: A grey square.\n",
                     body="An answer about the photo."), encoding="utf-8")
    return s, photo, secret


def _swap(photo: Path, secret: Path) -> None:
    """What an attacker does: the photo replaced by a symlink to a file outside the folder."""
    tmp = photo.with_name("photo.tmp")
    tmp.symlink_to(secret)
    tmp.replace(photo)


def _sizes_in_pdf(data: bytes) -> set[tuple[int, int]]:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {(int(o.Width), int(o.Height)) for o in pdf.objects
                if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"}


def test_a_photo_swapped_after_the_check_is_never_embedded(tmp_path):
    """The swap happens between the reader's check and the writers, in one process, as in
    in one process: every writer embeds the bytes the reader checked."""
    import io
    import zipfile

    from pressroom import transforms
    from pressroom.styles import open_styles
    from pressroom.writers import docx as docx_writer
    from pressroom.writers import epub as epub_writer
    from pressroom.writers import pdf as pdf_writer

    s, photo, secret = _photo_source(tmp_path)
    original = photo.read_bytes()
    styles = open_styles(None)
    interview = transforms.apply(reader.read(s), styles)
    _swap(photo, secret)
    assert photo.read_bytes() == secret.read_bytes()  # the path now leads outside

    from conftest import epub_bytes

    epub = epub_bytes(interview, styles)
    with zipfile.ZipFile(io.BytesIO(epub)) as z:
        photos = [n for n in z.namelist() if "/images/photo" in n]
        assert photos and z.read(photos[0]) == original
        assert all(secret.read_bytes() != z.read(n) for n in z.namelist())
    document = docx_writer.write(interview, styles)
    with zipfile.ZipFile(io.BytesIO(document)) as z:
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
        assert media == [original]
    for edition in ("print", "screen"):
        sizes = _sizes_in_pdf(pdf_writer.write(interview, styles, edition=edition))
        assert (120, 80) in sizes and (64, 200) not in sizes, (edition, sizes)


def test_a_photo_changed_since_the_check_is_refused_when_read_again(tmp_path):
    """A model whose photo bytes are not in this process (another process's model) is read
    from the path again and refused unless its SHA-256 is the one the reader recorded."""
    import dataclasses

    from pressroom import photo as photo_module
    from pressroom.errors import BuildError

    s, photo, secret = _photo_source(tmp_path)
    image = reader.read(s).image
    assert image.sha256 and len(image.sha256) == 64
    elsewhere = dataclasses.replace(image, sha256="0" * 64)  # bytes this process never checked
    photo_module._checked.pop(image.sha256)
    try:
        assert photo_module.photo_bytes(image) == photo.read_bytes()  # unchanged: read again, verified
        _swap(photo, secret)
        with pytest.raises(BuildError, match="changed after it was checked"):
            photo_module.photo_bytes(image)
        with pytest.raises(BuildError, match="changed after it was checked"):
            photo_module.photo_bytes(elsewhere)
    finally:
        photo_module._checked.pop(image.sha256, None)


def test_the_reader_checks_the_file_it_opened(tmp_path):
    """A photo that is a symlink to a file outside the folder is refused; the bytes the model
    carries are the bytes of the file that was opened and checked."""
    import hashlib

    s, photo, secret = _photo_source(tmp_path)
    assert reader.read(s).image.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    _swap(photo, secret)
    with pytest.raises(SourceError, match="outside the source's folder"):
        reader.read(s)


def test_the_opened_file_is_checked_where_it_really_is(tmp_path):
    """The place check is made on the descriptor (where the opened file really is), so a path
    swapped for a symlink between the path checks and the open is caught on what was opened."""
    import os

    from pressroom.reader import _opened_path

    s, photo, secret = _photo_source(tmp_path)
    fd = os.open(photo, os.O_RDONLY)
    try:
        assert _opened_path(fd) == photo.resolve()
    finally:
        os.close(fd)
    _swap(photo, secret)
    fd = os.open(photo, os.O_RDONLY)  # what the reader's open gets once the swap came first
    try:
        assert _opened_path(fd) == secret.resolve()
    finally:
        os.close(fd)


# -- footnotes: a documented limit, nothing on stderr -----------------------------------------------


def _notes_source(n: int) -> str:
    calls = " ".join(f"Point {i}.[^{i}]" for i in range(1, n + 1))
    notes = "\n\n".join(f"[^{i}]: Where point {i} comes from." for i in range(1, n + 1))
    return src(body=calls + "\n\n" + notes)


def test_the_footnote_limit_is_refused_at_the_first_note_over_it():
    text = _notes_source(reader.MAX_FOOTNOTES + 1)
    with pytest.raises(SourceError) as e:
        reader.parse(text, name="s.md")
    over = f"[^{reader.MAX_FOOTNOTES + 1}]: "
    assert e.value.line == next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith(over))
    assert f"more than {reader.MAX_FOOTNOTES:,} footnotes" in str(e.value)


def test_the_footnote_limit_itself_is_accepted():
    iv = reader.parse(_notes_source(reader.MAX_FOOTNOTES), name="s.md")
    assert len(iv.notes) == reader.MAX_FOOTNOTES


def test_a_note_defined_twice_counts_once_towards_the_limit():
    """Only distinct labels count; the duplicate is refused as such, not as one too many."""
    text = _notes_source(reader.MAX_FOOTNOTES).replace("An answer.", "")
    text += "\n[^1]: Again.\n"
    with pytest.raises(SourceError, match="defined twice"):
        reader.parse(text, name="s.md")


def test_a_hundred_notes_build_through_the_bench_with_nothing_on_stderr(tmp_path):
    """The bench's footnote row (tests/bench/bench.py --footnotes) at 100 notes, once: the print
    PDF builds, every note is on its call's page (the writer checks it), stderr stays empty; and
    a count over the limit is reported as refused."""
    sys.path.insert(0, str(Path(__file__).parent / "bench"))
    import bench

    source = tmp_path / "n.md"
    source.write_text(bench.footnote_source(100), encoding="utf-8")
    assert len(reader.read(source).notes) == 100
    proc = run(("pdf", source), tmp_path / "n.pdf")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    rows = bench.footnote_rows([100, reader.MAX_FOOTNOTES + 1], 1, tmp_path)
    assert rows[0]["notes"] == 100 and rows[0]["cpu_per_100"] > 0 and rows[0]["pages"] >= 2
    assert "more than" in rows[1]["refused"]
    assert "| 100 |" in bench.footnote_report(rows)



# -- accepted input gives files that pass: what the property test found -----------------------------


@pytest.mark.parametrize("title", ["'-'", "'- -'", "Why -", "'\u2010'", "A title \u2011"])
def test_a_title_ending_in_a_lone_hyphen_is_refused(title):
    """The print PDF's text loses it (pdftotext joins it to the date below as a broken word)."""
    with pytest.raises(SourceError, match="ends with a lone hyphen") as e:
        reader.parse(src().replace("title: A title", f"title: {title}"), name="s.md")
    assert e.value.line == 2


@pytest.mark.parametrize("title", ["Self-", "Well-being", "A – B", "'-1'", "Minus - one"])
def test_titles_with_hyphens_in_words_are_kept(title):
    iv = reader.parse(src().replace("title: A title", f"title: {title}"), name="s.md")
    assert iv.meta.title == title.strip("'")


def test_code_with_letters_the_monospace_lacks_is_set_in_the_sans(tmp_path):
    """Noto Sans Mono has no Latin ligature characters (U+FB00–U+FB06): the code falls back to
    the project's sans, not to a system font (which the PDF writer refuses, exit 1)."""
    s = tmp_path / "s.md"
    s.write_text(src(body="Code `\ufb06ep \ufb01le \ufb00` and **`b\ufb06`** here."), encoding="utf-8")
    for args in OUTPUTS[:2]:
        proc = run((args[0], s, *args[1:]), tmp_path / "out.pdf")
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr


# -- long words on the page (issue 19: accepted input gives files that pass) ---------------------


def _overflow(pdf: Path) -> list[str]:
    """Words whose box reaches past the page's TrimBox (pdftotext -bbox, every page)."""
    import re

    import pikepdf

    with pikepdf.open(pdf) as doc:
        trims = [([float(x) for x in p.TrimBox], [float(x) for x in p.MediaBox]) for p in doc.pages]
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    off = []
    for n, page in enumerate(out.split("<page ")[1:]):
        (x0, _y0, x1, _y1), media = trims[n]
        for xmin, xmax, word in re.findall(r'xMin="([\d.-]+)" yMin="[\d.-]+" xMax="([\d.-]+)" yMax="[\d.-]+">([^<]*)<', page):
            if float(xmin) < x0 - media[0] - 0.5 or float(xmax) > x1 - media[0] + 0.5:
                off.append(word[:30])
    return off


def _src_lang(lang: str, title: str, body: str, section: str = "") -> str:
    return src(extra=section, body=body).replace("title: A title", f"title: {title}").replace("lang: en", f"lang: {lang}")


#: Words with no break opportunity wider than a line, in the running text, the title and the
#: running heads, in several scripts (each accepted by the reader).
LONG = {
    "word of 120 letters": src(body="A " + "a" * reader.MAX_WORD + " b."),
    "hyphenated compound": src(body="A " + "-".join(["abcdefghij"] * 11)[:reader.MAX_WORD] + " b."),
    "compound of long parts": src(body="Das " + "-".join(["Wasserstraßenverkehrsverwaltungsbehörde"] * 3) + " ist zuständig."),
    "code span of 2,000": src(body="A `" + "x" * 2000 + "` b."),
    "title of one 200-letter word": src().replace("title: A title", "title: " + "t" * reader.MAX_TITLE),
    "long title in the running head": src(body="Text.\n\n" + "Long answer text that runs on. " * 200).replace(
        "title: A title", "title: " + " ".join(["Pathways"] * 22)),
    "long section in the running head": src(extra="section: " + " ".join(["Multilingualism"] * 12) + "\n",
                                            body="Text.\n\n" + "Long answer text that runs on. " * 200),
    "Russian word of 120 letters": _src_lang("ru", "Заголовок", "Слово " + "ш" * reader.MAX_WORD + " конец."),
    "Arabic word of 120 letters": _src_lang("ar", "عنوان", "كلمة " + "ب" * reader.MAX_WORD + " نهاية."),
    "Chinese title in the running head": _src_lang("zh", "移民" * 60, "正文。" * 900),
}


@pytest.mark.parametrize("trim", ["a4", "a5"])
@pytest.mark.parametrize("name", list(LONG))
def test_a_long_word_stays_on_the_page(tmp_path, name, trim):
    s = tmp_path / "s.md"
    s.write_text(LONG[name], encoding="utf-8")
    reader.read(s)  # accepted
    proc = run(("pdf", s, "--trim", trim), tmp_path / "s.pdf")
    assert proc.returncode == 0, proc.stderr
    assert _overflow(tmp_path / "s.pdf") == []
    assert _keeps_its_words(s, tmp_path / "s.pdf", "print")
    if trim == "a4":
        proc = run(("pdf", s, "--edition", "screen"), tmp_path / "s.screen.pdf")
        assert proc.returncode == 0, proc.stderr
        assert _overflow(tmp_path / "s.screen.pdf") == []
        assert _keeps_its_words(s, tmp_path / "s.screen.pdf", "screen")


def _keeps_its_words(source: Path, pdf: Path, kind: str) -> bool:
    """make check's text fidelity on the PDF: a word broken at the margin (no hyphen) is read
    as its pieces, which are found again in order (checks/text.py, first_miss)."""
    outcome = pdf_fidelity(source, pdf, kind)
    assert outcome.ok, outcome.summary
    return True


@pytest.mark.parametrize("title,ok", [("t" * 200, True), ("t" * 201, False), ("ب" * 201, False),
                                      ("移" * 200, True), (" ".join(["Pathways"] * 23), False)])
def test_a_title_over_200_characters_is_refused(title, ok):
    """A headline, not a paragraph: PDF/UA checkers (outloud DOC-040) fail a longer document title."""
    text = src().replace("title: A title", f"title: {title}")
    if ok:
        assert reader.parse(text, name="s.md").meta.title == title
    else:
        with pytest.raises(SourceError, match="a title may have up to 200") as e:
            reader.parse(text, name="s.md")
        assert e.value.line == 2


def test_a_running_head_too_long_for_its_line_is_shortened_with_an_ellipsis(tmp_path):
    """One line of running head: the title and the kicker (publication and section) are cut at
    a word and end in an ellipsis; a short title runs whole."""
    s = tmp_path / "s.md"
    s.write_text(LONG["long section in the running head"].replace(
        "title: A title", "title: " + " ".join(["Pathways"] * 22)), encoding="utf-8")

    def head(pdf):  # the first line of page 2's text: its running head
        text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        return next(line for line in text.splitlines() if line.strip()).split()

    for edition in ("print", "screen"):
        assert run(("pdf", s, "--edition", edition), tmp_path / "s.pdf").returncode == 0
        words = head(tmp_path / "s.pdf")
        assert "Pathways…" in words and words.count("Pathways") < 10, words
        assert "Multilingualism…" in words and words.count("Multilingualism") < 4, words
    s.write_text(src(extra="section: Multilingualism\n", body="Text.\n\n" + "Long answer text that runs on. " * 200),
                 encoding="utf-8")
    assert run(("pdf", s), tmp_path / "s.pdf").returncode == 0
    assert sorted(head(tmp_path / "s.pdf")) == ["A", "Multilingualism", "title"]


def test_the_overflow_measure_sees_a_line_past_the_margin(tmp_path):
    """The measure itself: a PDF with a word past the margin (WeasyPrint told not to wrap)
    fails it, and words joined by no-break spaces, which fit, pass."""
    import weasyprint

    weasyprint.HTML(string="<p style='white-space: nowrap'>A " + "a" * 200 + " b.</p>").write_pdf(tmp_path / "off.pdf")
    assert _overflow(tmp_path / "off.pdf")
    s = tmp_path / "s.md"
    s.write_text(src(body="A " + "\u00a0".join(["abcdefghij"] * 11) + " b."), encoding="utf-8")
    assert run(("pdf", s), tmp_path / "s.pdf").returncode == 0
    assert _overflow(tmp_path / "s.pdf") == []
