"""Hostile and odd sources, round two (issue 19): nothing is silently rewritten, nothing hangs,
errors name the right line. The cases are written for these tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pressroom import reader
from pressroom.errors import SourceError

FM = "---\ntitle: A title\ndate: 2024-05-01\nlang: en\n{extra}---\n\n## A question?\n\n{body}\n"


def src(extra: str = "", body: str = "An answer.") -> str:
    return FM.format(extra=extra, body=body)


def refused(text: str) -> SourceError:
    with pytest.raises(SourceError) as e:
        reader.parse(text, name="s.md")
    return e.value


# -- front matter values are text as written ----------------------------------------------------


@pytest.mark.parametrize("key,written", [
    ("publisher", "20:20"), ("publisher", "1:30:00"), ("section", "010"), ("section", "0o17"),
    ("subtitle", "1.50"), ("subtitle", "1_000"), ("rights", "+12"), ("section", "on"), ("section", "No"),
    ("identifier", "0x1F"), ("identifier", "1e3"), ("section", ".inf"), ("section", "-.NaN"),
    ("subtitle", "2023-12-01"), ("publisher", "true"),
])
def test_scalars_stay_as_written(key, written):
    iv = reader.parse(src(f"{key}: {written}\n"), name="s.md")
    assert getattr(iv.meta, "subtitle" if key == "subtitle" else key) == written


def test_keywords_stay_as_written():
    iv = reader.parse(src("keywords: [0x1F, .nan, 1e3, 010, yes, 12:30]\n"), name="s.md")
    assert iv.meta.keywords == ("0x1F", ".nan", "1e3", "010", "yes", "12:30")


def test_norwegian_is_a_language_not_false():
    assert reader.parse(src().replace("lang: en", "lang: no"), name="s.md").meta.lang == "no"
    assert reader.parse(src().replace("lang: en", "lang: nb-NO"), name="s.md").meta.lang == "nb-NO"


def test_dates_stay_dates_quoted_or_not():
    import datetime

    for written in ("2024-05-01", "'2024-05-01'", '"2024-05-01"'):
        iv = reader.parse(src().replace("date: 2024-05-01", f"date: {written}"), name="s.md")
        assert iv.meta.date == datetime.date(2024, 5, 1)
    assert "before the year 1000" in str(refused(src().replace("2024-05-01", "0999-12-31")))
    assert "not a valid date" in str(refused(src().replace("2024-05-01", "2023-02-29")))


def test_empty_and_null_values_are_empty():
    iv = reader.parse(src("subtitle:\nsection: ~\n"), name="s.md")
    assert iv.meta.subtitle == "" and iv.meta.section == ""


# -- footnotes ------------------------------------------------------------------------------


def test_a_footnote_defined_twice_names_both_lines():
    text = src(body="One[^n] and two.\n\n[^n]: First.\n\n[^n]: Second.")
    e = refused(text)
    first = text.splitlines().index("[^n]: First.") + 1
    second = text.splitlines().index("[^n]: Second.") + 1
    assert e.line == second and f"lines {first} and {second}" in str(e)


def test_a_footnote_defined_twice_inside_a_quote():
    text = src(body="One[^n].\n\n> [^n]: First.\n\n- [^n]: Second.")
    e = refused(text)
    assert "defined twice" in str(e) and e.line == len(text.splitlines())


@pytest.mark.parametrize("prefix", ["> ", ">> ", "   ", "- ", "1. "])
def test_an_unused_footnote_is_reported_at_its_line(prefix):
    text = src(body=f"An answer.\n\n{prefix}[^lost]: Never called.")
    e = refused(text)
    assert "never used" in str(e) and e.line == len(text.splitlines()), (e.line, str(e))


def test_an_escaped_call_is_literal_text():
    iv = reader.parse(src(body="Write \\[^1] to call a note."), name="s.md")
    from pressroom import model as m

    assert "[^1]" in m.plain_text(iv.exchanges[0].answer) and iv.notes == ()
    # Unescaped, it is a call to a note that does not exist.
    assert "never defined" in str(refused(src(body="Write [^1] to call a note.")))


@pytest.mark.parametrize("body", [
    "See [the report[^1]](https://example.org/r).\n\n[^1]: A note.",
    "See [the [^1] report](https://example.org/r).\n\n[^1]: A note.",
    "Line one\nand [a link[^a]](mailto:a@example.org).\n\n[^a]: A note.",
])
def test_a_call_inside_a_links_text_is_refused(body):
    e = refused(src(body=body))
    assert "footnote call inside a link's text" in str(e) and "after the link" in e.hint


def test_a_call_after_a_link_is_fine():
    iv = reader.parse(src(body="See [the report](https://example.org/r)[^1].\n\n[^1]: A note."), name="s.md")
    assert len(iv.notes) == 1


# -- characters: entities follow the rules of typed characters ----------------------------------


@pytest.mark.parametrize("entity,code", [("&#12;", "U+000C"), ("&#x0B;", "U+000B"), ("&#127;", "U+007F"),
                                         ("&#x85;", "U+0085"), ("&#x2028;", "U+2028")])
def test_control_characters_as_entities_are_refused(entity, code):
    e = refused(src(body=f"A {entity} B."))
    assert code in str(e) and "entity" in str(e)
    # In a code span an entity is not decoded: it is the text "&#12;", as written.
    iv = reader.parse(src(body=f"A `code {entity}` B."), name="s.md")
    assert iv.exchanges[0].answer[0].children[1].text == f"code {entity}"


@pytest.mark.parametrize("written", ["\u202e", "\u202d", "&#x202E;", "&#8237;"])
def test_bidi_overrides_are_refused_wherever_written(written):
    e = refused(src(body=f"An answer {written}reversed."))
    assert "bidi override" in str(e) and "isolate" in e.hint
    e = refused(src(body=f"See [the {written}site](https://example.org)."))
    assert "bidi override" in str(e)
    if not written.startswith("&"):
        e = refused(src().replace("title: A title", f"title: A {written}title"))
        assert "bidi override" in str(e) and e.line == 2
    escaped = {"\u202e": "\\u202E", "\u202d": "\\u202D"}.get(written)
    if escaped:
        e = refused(src().replace("title: A title", f'title: "A {escaped}title"'))
        assert "bidi override" in str(e)


@pytest.mark.parametrize("ch", ["\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"])
def test_isolates_and_marks_are_kept(ch):
    iv = reader.parse(src(body=f"قال {ch}UN Today\u2069 كذلك."), name="s.md")
    from pressroom import model as m

    assert ch in m.plain_text(iv.exchanges[0].answer)


# -- nothing hangs -------------------------------------------------------------------------


def test_a_fifo_as_the_source_is_refused_at_once(tmp_path):
    fifo = tmp_path / "interview.md"
    os.mkfifo(fifo)
    # Nobody writes to the FIFO: a reader that opened it for reading would block forever.
    proc = subprocess.run([sys.executable, "-m", "pressroom", "model", str(fifo)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1


def test_a_directory_and_a_device_are_refused():
    with pytest.raises(SourceError, match="directory"):
        reader.read(Path(__file__).parent)
    with pytest.raises(SourceError, match="not a regular file"):
        reader.read("/dev/null")


# -- Unicode normalisation ------------------------------------------------------------------


def test_cjk_compatibility_ideographs_are_kept_as_typed():
    from pressroom import model as m

    typed = "\uf900\ufa10\U0002f800"  # 豈 塚 丽: compatibility forms that NFC would replace
    iv = reader.parse(src(body=f"名字 {typed} 照旧。").replace("lang: en", "lang: zh"), name="s.md")
    assert typed in m.plain_text(iv.exchanges[0].answer)
    # Everything else is NFC: a decomposed é is composed.
    iv = reader.parse(src(body="Cafe\u0301 and \uf900."), name="s.md")
    assert "Café and \uf900." in m.plain_text(iv.exchanges[0].answer)


def test_a_photo_named_in_nfd_is_found(tmp_path):
    import unicodedata

    from PIL import Image

    name = "photo-été.png"
    Image.new("RGB", (40, 30), (10, 20, 30)).save(tmp_path / unicodedata.normalize("NFD", name))
    s = tmp_path / "s.md"
    s.write_text(src(f"image:\n  file: {name}\n  alt: A test photo.\n"), encoding="utf-8")
    iv = reader.read(s)
    assert iv.image.path and Path(iv.image.path).is_file() and iv.image.width == 40


# -- nothing crashes ----------------------------------------------------------------------------


def test_a_750_character_standfirst_builds_the_print_pdf_and_the_epub(tmp_path):
    """It moves the title block across a page break (WeasyPrint crashed in multi-column layout)."""
    from conftest import build

    text = (Path(__file__).parent / "fixtures" / "gate" / "ru-lo.md").read_text(encoding="utf-8")
    long = ("Климатолог рассказывает, почему открытые данные помогают странам подготовиться "
            "к засухам и наводнениям, и как это меняет работу метеорологических служб. " * 6)[:750].strip()
    lines = [f"subtitle: {long}" if ln.startswith("subtitle:") else ln for ln in text.splitlines()]
    s = tmp_path / "long.md"
    s.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pdf = build("print", s, tmp_path)
    epub = build("epub", s, tmp_path)
    assert pdf.stat().st_size and epub.stat().st_size


def test_long_standfirst_and_many_keywords_fit_the_docx_properties(tmp_path):
    import docx

    from conftest import build

    standfirst = ("A standfirst that runs on and on about the work of the organization in the field " * 4)[:262]
    keywords = ", ".join(f"keyword number {i}" for i in range(19))
    s = tmp_path / "props.md"
    s.write_text(src(f"subtitle: {standfirst}\nkeywords: [{keywords}]\n"), encoding="utf-8")
    out = build("docx", s, tmp_path)
    d = docx.Document(str(out))
    cp = d.core_properties
    assert len(cp.subject) <= 255 and cp.subject.endswith("…")
    assert len(cp.keywords) <= 255 and cp.keywords.startswith("keyword number 0, keyword number 1")
    assert all(k.strip().startswith("keyword number") for k in cp.keywords.split(","))
    # The document itself has the whole standfirst.
    assert standfirst.strip() in "\n".join(p.text for p in d.paragraphs)


# -- nothing runs: source names are data in the Makefile -----------------------------------------


def test_source_names_that_make_cannot_carry_are_refused_and_the_others_built(tmp_path):
    from conftest import SOURCE, copy_project, make

    tree = copy_project(tmp_path / "tree")
    bad = ["x$(id>PWNED).md", "a b.md", "it's.md", "100%.md", "hash#tag.md", "c:d.md", "semi;colon.md",
           "back`tick`.md"]
    for name in bad:
        shutil.copy2(SOURCE, tree / "source" / name)
    proc = make(tree, "docx")
    assert not (tree / "PWNED").exists() and not (tree / "tick").exists()
    assert (tree / "build" / f"{SOURCE.stem}.docx").is_file(), proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if "cannot be built by make" in ln]
    assert sorted(lines) == sorted(
        f"source/{n}:1: this file name cannot be built by make: it has a space, a quote or a sign make or the "
        "shell reads (hint: rename it with letters, digits and - _ . only)" for n in bad), proc.stderr
    # A whole build makes everything it can, then fails, so nobody misses the refused names.
    proc = make(tree)
    assert proc.returncode == 2 and f"{len(bad)} source(s) not built" in proc.stderr
    assert all((tree / "build" / f"{SOURCE.stem}{s}").is_file() for s in (".pdf", ".screen.pdf", ".epub"))


# -- accepted input must give files that pass: refused where the output would be wrong -----------


@pytest.mark.parametrize("body,fragment", [
    ("See [](https://example.org).", "a link with no text"),
    ("See [\u200b](https://example.org).", "a link with no text"),
    ("See [x](https://[).", "has no host name"),
    ("See [x](http:).", "has no host name"),
    ("See [x](https://).", "has no host name"),
    ("See [x](https://example.org:port/).", "not a valid address"),
    ("See [x](mailto:).", "has no e-mail address"),
    ("See [x](mailto:nobody).", "has no e-mail address"),
    ("A note[^a] in the answer.\n\n[^a]: It calls another.[^b]\n\n[^b]: Called only from a note.",
     "called only from another footnote"),
])
def test_inputs_whose_output_would_fail_are_refused(body, fragment):
    e = refused(src(body=body))
    assert fragment in str(e), str(e)


def test_a_question_of_invisible_characters_or_with_a_call_is_refused():
    assert "empty question heading" in str(refused(src().replace("## A question?", "## \u200b\u2060")))
    e = refused(src(body="An answer.\n\n[^q]: A note.").replace("## A question?", "## A question?[^q]"))
    assert "footnote call in a question" in str(e) and e.line == 7


@pytest.mark.parametrize("href", ["https://www.iom.int/", "http://[::1]:8080/x", "https://user@example.org:443/a?b=c#d",
                                  "mailto:press@un.org", "mailto:press@un.org?subject=Hi", "https://xn--80ak6aa92e.com/"])
def test_good_links_are_kept(href):
    iv = reader.parse(src(body=f"See [the page]({href})."), name="s.md")
    assert iv.exchanges[0].answer[0].children[1].href == href


# -- nothing is mixed: several outputs are written all or nothing ---------------------------------


def test_a_full_disk_while_writing_the_pdf_and_its_page_map_leaves_both_old_files(tmp_path):
    """The print edition writes its PDF and its page map all or nothing: on a disk that fills up
    midway, both earlier files are left byte for byte, and the one line says nothing was written."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    from conftest import SOURCE

    first = tmp_path / "first"
    first.mkdir()
    subprocess.run([sys.executable, "-m", "pressroom", "pdf", str(SOURCE), "-o", str(first / "x.pdf"),
                    "--pages-out", str(first / "x.pages.json")], check=True, capture_output=True, timeout=600)
    total = sum(p.stat().st_size for p in first.iterdir())
    disk = tmp_path / "disk"
    disk.mkdir()
    # Room for about half of the new files: the disk fills up midway through writing them.
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={total // 2 // 1024}k", "tmpfs", str(disk)], check=True)
    try:
        old = {"x.pdf": b"old pdf", "x.pages.json": b"old pages"}
        for name, data in old.items():
            (disk / name).write_bytes(data)
        proc = subprocess.run([sys.executable, "-m", "pressroom", "pdf", str(SOURCE), "-o", str(disk / "x.pdf"),
                               "--pages-out", str(disk / "x.pages.json")], capture_output=True, text=True, timeout=600)
        assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
        assert "no output written" in proc.stderr and "No space left" in proc.stderr, proc.stderr
        for name, data in old.items():
            assert (disk / name).read_bytes() == data, name
        assert not [p.name for p in disk.iterdir() if p.name.endswith(".part")]
    finally:
        subprocess.run(["umount", str(disk)], check=False)
