"""Issue 7: the catalogue of bad sources, each refused through the real CLI.

Contract for every bad source: exit status 2, exactly one line on stderr of
the form ``file:line: problem (hint: …)``, no traceback, no output written
and an existing output left byte for byte as it was, no ``.part`` file left.

Every case runs the CLI's ``main()`` in this process (the function
``python -m pressroom`` calls), so the catalogue stays fast; a representative
case of every kind of check also runs as a real ``python -m pressroom``
subprocess (started together by one module fixture, a thread pool).
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import run_cli

from pressroom import reader

HEAD = "---\ntitle: T\ndate: 2023-12-01\nlang: en\n---\n\n"  # body starts on line 7
BODY = "## A question?\n\nAn answer.\n"  # question on line 7, answer on line 9
OK = HEAD + BODY
PREVIOUS = b"previous output, must survive\n"


def fm(extra: str) -> str:
    """A source whose front matter has ``extra`` after lang: (extra starts on line 5)."""
    return "---\ntitle: T\ndate: 2023-12-01\nlang: en\n" + extra + "---\n\n" + BODY


def png_bytes(fmt="PNG") -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, fmt)
    return buf.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims huge dimensions (a decompression bomb's header) with almost no data."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))


@dataclass
class Case:
    source: str | bytes
    line: int
    fragment: str
    files: dict = field(default_factory=dict)  # name -> bytes | "dir" | ("symlink", target)


IMG = "image:\n  file: {}\n  alt: A photo.\n"  # file: is on line 6

CASES: dict[str, Case] = {
    # -- the file itself
    "empty_file": Case("", 1, "the source is empty"),
    "only_blank_lines": Case("\n  \n\n", 1, "the source is empty"),
    "not_utf8_body": Case((OK.replace("An answer.", "An answ\xe9r.")).encode("latin-1"), 9, "not valid UTF-8 (byte 0xe9)"),
    "not_utf8_front_matter": Case(b"---\ntitle: T\xff\ndate: 2023-12-01\nlang: en\n---\n\n" + BODY.encode(), 2, "not valid UTF-8 (byte 0xff)"),
    "utf16_file": Case(OK.encode("utf-16"), 1, "not valid UTF-8"),
    "control_char_bell": Case(OK.replace("An answer.", "An \x07answer."), 9, "control character U+0007"),
    "control_char_nul": Case(OK.replace("An answer.", "An \x00answer."), 9, "control character U+0000"),
    "control_char_in_front_matter": Case("---\ntitle: T\x1b\ndate: 2023-12-01\nlang: en\n---\n\n" + BODY, 2, "control character U+001B"),
    "control_char_after_crlf": Case(OK.replace("\n", "\r\n").replace("An answer.", "An\x0banswer."), 9, "control character U+000B"),
    "yaml_escape_control_char": Case(fm('subtitle: "a\\x07b"\n'), 5, "'subtitle' contains the invalid character U+0007"),
    "yaml_escape_surrogate": Case(fm('subtitle: "a\\ud800b"\n'), 5, "'subtitle' contains the invalid character U+D800"),
    "output_is_the_source": Case(OK, 1, "the output file is the source itself"),
    # -- front matter
    "no_front_matter": Case(BODY, 1, "no YAML front matter"),
    "front_matter_not_at_top": Case("\n" + OK, 1, "no YAML front matter"),
    "front_matter_not_closed": Case("---\ntitle: T\ndate: 2023-12-01\nlang: en\n\n" + BODY, 1, "front matter is not closed"),
    "front_matter_closed_with_dots": Case("---\ntitle: T\ndate: 2023-12-01\nlang: en\n...\n\n" + BODY, 1, "front matter is not closed"),
    "front_matter_is_a_list": Case("---\n- title\n- date\n---\n\n" + BODY, 2, "front matter must be a mapping"),
    "front_matter_is_text": Case("---\njust some words\n---\n\n" + BODY, 2, "front matter must be a mapping"),
    "front_matter_empty": Case("---\n---\n\n" + BODY, 2, "front matter must be a mapping"),
    "yaml_colon_in_value": Case("---\ntitle: Migration: the future\ndate: 2023-12-01\nlang: en\n---\n\n" + BODY, 2, "YAML error in front matter: mapping values are not allowed here"),
    "yaml_unclosed_bracket": Case(fm("keywords: [migration, IOM\n"), 5, "YAML error in front matter: expected ',' or ']'"),
    "yaml_tab_indent": Case("---\ntitle: T\n\tdate: 2023-12-01\nlang: en\n---\n\n" + BODY, 3, "found character '\\t' that cannot start any token"),
    "yaml_bad_indent": Case(fm("interviewer:\n  name: A\n bio: B\n"), 7, "YAML error in front matter"),
    "yaml_python_tag": Case(fm("subtitle: !!python/object/apply:os.system [ls]\n"), 5, "could not determine a constructor"),
    "yaml_duplicate_key": Case("---\ntitle: T\ntitle: U\ndate: 2023-12-01\nlang: en\n---\n\n" + BODY, 3, "duplicate key 'title'"),
    "yaml_duplicate_nested_key": Case(fm("interviewer:\n  name: A\n  name: B\n"), 7, "duplicate key 'name'"),
    "yaml_alias": Case(fm("subtitle: &s Hello\nrights: *s\n"), 6, "YAML aliases (*name) are not allowed"),
    "yaml_alias_bomb": Case(fm('publisher: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
                               "rights: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                               "section: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"), 6, "YAML aliases (*name) are not allowed"),
    "yaml_merge_alias": Case(fm("interviewer: &p {name: A}\ninterviewee:\n  <<: *p\n"), 7, "YAML aliases (*name) are not allowed"),
    "yaml_deep_flow_3000": Case(fm("keywords: " + "[ " * 3000 + "] " * 3000 + "\n"), 5, "front matter is nested more than 8 levels deep"),
    "yaml_deep_block_3000": Case(fm("keywords:\n  " + "- " * 3000 + "x\n"), 6, "front matter is nested more than 8 levels deep"),
    "yaml_unhashable_key": Case(fm("? [a, b]\n: c\n"), 5, "found unhashable key"),
    # Keys, like values, are text as written: 2023 is an unknown key, on its own line.
    "yaml_number_key": Case(fm("2023: x\n"), 5, "unknown front matter key '2023'"),
    "yaml_merge_key": Case(fm("<<: {subtitle: Z}\n"), 5, "YAML merge keys (<<) are not allowed"),
    # -- keys and types
    "missing_title": Case("---\ndate: 2023-12-01\nlang: en\n---\n\n" + BODY, 2, "front matter has no 'title'"),
    "missing_date": Case("---\ntitle: T\nlang: en\n---\n\n" + BODY, 2, "front matter has no 'date'"),
    "missing_lang": Case("---\ntitle: T\ndate: 2023-12-01\n---\n\n" + BODY, 2, "front matter has no 'lang'"),
    "empty_title": Case('---\ntitle: ""\ndate: 2023-12-01\nlang: en\n---\n\n' + BODY, 2, "front matter has no 'title'"),
    "blank_title": Case('---\ntitle: "  "\ndate: 2023-12-01\nlang: en\n---\n\n' + BODY, 2, "'title' is empty"),
    "unknown_key_typo": Case(fm("subtitel: S\n"), 5, "unknown front matter key 'subtitel' (hint: did you mean 'subtitle'?"),
    "unknown_key": Case(fm("author: A\n"), 5, "unknown front matter key 'author'"),
    "unknown_person_key": Case(fm("interviewer:\n  name: A\n  email: a@b.c\n"), 7, "unknown key 'interviewer.email'"),
    "unknown_image_key": Case(fm("image:\n  alt: A photo.\n  url: x\n"), 7, "unknown key 'image.url'"),
    "title_is_a_list": Case("---\ntitle: [a, b]\ndate: 2023-12-01\nlang: en\n---\n\n" + BODY, 2, "'title' must be text, not a list"),
    "title_is_a_mapping": Case("---\ntitle: {a: b}\ndate: 2023-12-01\nlang: en\n---\n\n" + BODY, 2, "'title' must be text, not a mapping"),
    "title_is_a_list": Case("---\ntitle: [yes, no]\ndate: 2023-12-01\nlang: en\n---\n\n" + BODY, 2, "'title' must be text, not a list"),
    "subtitle_is_binary": Case(fm("subtitle: !!binary aGVsbG8=\n"), 5, "'subtitle' must be text, not bytes"),
    "keywords_are_mappings": Case(fm("keywords: [{a: b}]\n"), 5, "keywords must be a list of words"),
    "interviewer_is_text": Case(fm("interviewer: Prisca\n"), 5, "'interviewer' must be a mapping with name, bio"),
    "interviewer_without_name": Case(fm("interviewer:\n  bio: B\n"), 5, "'interviewer.name' is required"),
    "image_without_alt": Case(fm("image:\n  caption: C\n"), 5, "the lead image has no 'alt' text"),
    "invalid_int_tag": Case(fm("subtitle: !!int abc\n"), 5, "invalid value 'abc'"),
    # -- dates
    "date_month_13": Case("---\ntitle: T\ndate: 2023-13-01\nlang: en\n---\n\n" + BODY, 3, "'2023-13-01' is not a valid date (month must be in 1..12)"),
    "date_february_30": Case("---\ntitle: T\ndate: 2023-02-30\nlang: en\n---\n\n" + BODY, 3, "'2023-02-30' is not a valid date"),
    "date_year_zero": Case("---\ntitle: T\ndate: 0000-01-01\nlang: en\n---\n\n" + BODY, 3, "'0000-01-01' is not a valid date"),
    "date_as_words": Case("---\ntitle: T\ndate: 1 December 2023\nlang: en\n---\n\n" + BODY, 3, "date must be a calendar date YYYY-MM-DD, got '1 December 2023'"),
    "date_in_words": Case("---\ntitle: T\ndate: 1 December 2023\nlang: en\n---\n\n" + BODY, 3, "date must be a calendar date YYYY-MM-DD"),
    "date_before_1000": Case("---\ntitle: T\ndate: 0001-01-01\nlang: en\n---\n\n" + BODY, 3, "before the year 1000"),
    "date_european": Case("---\ntitle: T\ndate: 01/12/2023\nlang: en\n---\n\n" + BODY, 3, "date must be a calendar date YYYY-MM-DD"),
    "date_with_time": Case("---\ntitle: T\ndate: 2023-12-01 10:30:00\nlang: en\n---\n\n" + BODY, 3, "date must be a calendar date without a time, got '2023-12-01 10:30:00'"),
    "date_is_a_number": Case("---\ntitle: T\ndate: 20231201\nlang: en\n---\n\n" + BODY, 3, "date must be a calendar date YYYY-MM-DD, got '20231201'"),
    # -- language tags
    "lang_word": Case("---\ntitle: T\ndate: 2023-12-01\nlang: English\n---\n\n" + BODY, 4, "'English' is not a BCP 47 language tag"),
    "lang_underscore": Case("---\ntitle: T\ndate: 2023-12-01\nlang: en_GB\n---\n\n" + BODY, 4, "'en_GB' is not a BCP 47 language tag"),
    "lang_number": Case("---\ntitle: T\ndate: 2023-12-01\nlang: 12\n---\n\n" + BODY, 4, "'12' is not a BCP 47 language tag"),
    "lang_one_letter": Case("---\ntitle: T\ndate: 2023-12-01\nlang: e\n---\n\n" + BODY, 4, "'e' is not a BCP 47 language tag"),
    "lang_list": Case("---\ntitle: T\ndate: 2023-12-01\nlang: [en, fr]\n---\n\n" + BODY, 4, "'lang' must be text, not a list"),
    # -- body structure
    "no_questions": Case(HEAD + "Only an introduction.\n", 7, "the interview has no questions"),
    "question_without_answer": Case(HEAD + "## One?\n\n## Two?\n\nAnswer.\n", 7, "this question has no answer"),
    "h1_in_body": Case(HEAD + "# Title\n\n" + BODY, 7, "level-1 heading in the body"),
    "h3_in_body": Case(HEAD + BODY + "\n### Aside\n", 11, "h3 heading in the body"),
    "code_block": Case(HEAD + BODY + "\n```\ncode\n```\n", 11, "code blocks are not supported"),
    "thematic_break": Case(HEAD + BODY + "\n***\n", 11, "thematic breaks"),
    "footnote_undefined": Case(HEAD + "## Q?\n\nAnswer[^1].\n", 9, "footnote [^1] is used but never defined"),
    "footnote_unused": Case(HEAD + BODY + "\n[^n]: A note.\n", 11, "footnote [^n] is defined but never used"),
    "body_image_remote": Case(HEAD + "## Q?\n\n![x](http://127.0.0.1:9/x.png)\n", 9, "images in the body are not supported"),
    # -- raw HTML and links
    "raw_html_block": Case(HEAD + "## Q?\n\n<script>alert(1)</script>\n", 9, "raw HTML is not allowed in the source"),
    "raw_html_div": Case(HEAD + "## Q?\n\nText.\n\n<div class=x>\nhi\n</div>\n", 11, "raw HTML is not allowed in the source"),
    "raw_html_inline": Case(HEAD + "## Q?\n\nAn <b onclick=x>answer</b>.\n", 9, "raw HTML is not allowed in the source: <b onclick=x>"),
    "raw_html_comment": Case(HEAD + "## Q?\n\nA <!-- secret --> b.\n", 9, "raw HTML is not allowed in the source: <!-- secret -->"),
    "raw_html_in_question": Case(HEAD + "## Why <img src=x>?\n\nA.\n", 7, "raw HTML is not allowed in the source: <img src=x>"),
    "link_javascript": Case(HEAD + "## Q?\n\n[x](javascript:alert(1))\n", 9, "link target 'javascript:alert(1)' is not an http, https or mailto URL"),
    "link_javascript_mixed_case": Case(HEAD + "## Q?\n\n[x](JaVaScRiPt:alert(1))\n", 9, "is not an http, https or mailto URL"),
    "link_javascript_entity": Case(HEAD + "## Q?\n\n[x](java&#115;cript:alert(1))\n", 9, "link target 'javascript:alert(1)'"),
    "link_javascript_autolink": Case(HEAD + "## Q?\n\n<javascript:alert(1)>\n", 9, "link target 'javascript:alert(1)'"),
    "link_javascript_reference": Case(HEAD + "## Q?\n\n[x][r]\n\n[r]: javascript:alert(1)\n", 9, "link target 'javascript:alert(1)'"),
    "link_file": Case(HEAD + "## Q?\n\n[x](file:///etc/passwd)\n", 9, "link target 'file:///etc/passwd'"),
    "link_data": Case(HEAD + "## Q?\n\n[x](data:text/html,hi)\n", 9, "link target 'data:text/html,hi'"),
    "link_relative": Case(HEAD + "## Q?\n\n[x](../secret.txt)\n", 9, "link target '../secret.txt'"),
    "link_protocol_relative": Case(HEAD + "## Q?\n\n[x](//example.org/)\n", 9, "link target '//example.org/'"),
    "link_in_footnote": Case(HEAD + "## Q?\n\nA[^1].\n\n[^1]: [x](vbscript:msgbox)\n", 11, "link target 'vbscript:msgbox'"),
    # -- images
    "image_missing": Case(fm(IMG.format("missing.jpg")), 6, "image.file 'missing.jpg' does not exist"),
    "image_not_an_image": Case(fm(IMG.format("photo.jpg")), 6, "image.file 'photo.jpg' is not a readable image", {"photo.jpg": b"not a photo"}),
    "image_truncated": Case(fm(IMG.format("photo.png")), 6, "image.file 'photo.png' is not a readable image", {"photo.png": "truncated"}),
    "image_gif": Case(fm(IMG.format("photo.gif")), 6, "image.file 'photo.gif' is GIF, not JPEG or PNG", {"photo.gif": "gif"}),
    "image_huge_dimensions": Case(fm(IMG.format("huge.png")), 6, "image.file 'huge.png' has more than 50 megapixels", {"huge.png": "huge"}),
    "image_bomb_dimensions": Case(fm(IMG.format("bomb.png")), 6, "image.file 'bomb.png' has more than 50 megapixels", {"bomb.png": "bomb"}),
    "image_is_a_folder": Case(fm(IMG.format("photos")), 6, "image.file 'photos' is not a file", {"photos": "dir"}),
    "image_outside_folder": Case(fm(IMG.format("../outside.png")), 6, "image.file '../outside.png' is outside the source's folder", {"../outside.png": "png"}),
    "image_symlink_outside": Case(fm(IMG.format("link.png")), 6, "image.file 'link.png' is outside the source's folder", {"../outside.png": "png", "link.png": ("symlink", "../outside.png")}),
    "image_absolute": Case(fm(IMG.format("/etc/passwd")), 6, "image.file '/etc/passwd' is an absolute path"),
    "image_remote_http": Case(fm(IMG.format("http://127.0.0.1:9/x.jpg")), 6, "image.file 'http://127.0.0.1:9/x.jpg' is a URL; remote images are not fetched"),
    "image_remote_protocol_relative": Case(fm(IMG.format("//example.org/x.jpg")), 6, "is a URL; remote images are not fetched"),
    "image_file_url": Case(fm(IMG.format("file:///etc/passwd")), 6, "is a URL; remote images are not fetched"),
    # -- sizes and nesting
    "very_long_word": Case(HEAD + "## Q?\n\n" + "a" * 500 + "\n", 9, "a word of 500 characters cannot be set on a line"),
    "very_long_raw_word": Case(HEAD + "## Q?\n\n" + "x" * 100_000 + "\n", 9, "a word or address of 100000 characters"),
    "huge_paragraph": Case(HEAD + "## Q?\n\n" + "word " * 30_000 + "\n", 9, "paragraph longer than 20000 characters"),
    "source_over_2_mb": Case(HEAD + BODY + ("word " * 100 + "\n\n") * 4200, 1, "source is larger than 512 KiB"),
    "too_many_lines": Case(HEAD + BODY + "\n" * 30_000, 20001, "the source has more than 20000 lines"),
    "too_much_markup": Case(HEAD + "## Q?\n\n" + "![ " * 30_000 + "\n", 9, "more than 20000 Markdown markup characters"),
    "quotes_3000_deep": Case(HEAD + "## Q?\n\n" + "> " * 3000 + "x\n", 9, "quotes or lists are nested too deeply"),
    "lists_3000_deep": Case(HEAD + "## Q?\n\n" + "- " * 3000 + "x\n", 9, "quotes or lists are nested too deeply"),
    "ordered_lists_3000_deep": Case(HEAD + "## Q?\n\n" + "1. " * 3000 + "x\n", 9, "quotes or lists are nested too deeply"),
    "indented_lists_700_deep": Case(HEAD + "## Q?\n\n" + "".join(" " * (2 * i) + "- x\n" for i in range(700)), 21, "quotes or lists are nested too deeply"),
    "quotes_and_lists_3000_deep": Case(HEAD + "## Q?\n\n" + "> - " * 1500 + "x\n", 9, "quotes or lists are nested too deeply"),
    "lists_13_deep": Case(HEAD + "## Q?\n\n" + "- " * 13 + "x\n", 9, "quotes or lists are nested too deeply"),
    "nesting_in_footnote_3000": Case(HEAD + "## Q?\n\nA[^1].\n\n[^1]: " + "> " * 3000 + "x\n", 11, "quotes or lists are nested too deeply"),
    "emphasis_3000_deep": Case(HEAD + "## Q?\n\n" + " ".join(["*a"] * 3000) + " " + " ".join(["b*"] * 3000) + "\n", 9, "emphasis or links nested too deeply"),
    "brackets_3000_deep": Case(HEAD + "## Q?\n\n" + "[ " * 3000 + "x" + " ](https://a.org)" * 3000 + "\n", 9, "paragraph longer than 20000 characters"),
}


def _make_files(folder: Path, files: dict):
    for name, spec in files.items():
        target = folder / name
        if spec == "dir":
            target.mkdir()
        elif isinstance(spec, tuple):
            target.symlink_to(spec[1])
        elif spec == "png":
            target.write_bytes(png_bytes())
        elif spec == "gif":
            target.write_bytes(png_bytes("GIF"))
        elif spec in ("huge", "bomb"):
            target.write_bytes(png_header(10_000, 6_000) if spec == "huge" else png_header(60_000, 60_000))
        elif spec == "truncated":
            target.write_bytes(png_bytes()[:60])
        else:
            target.write_bytes(spec)


def _prepare(root: Path, name: str, case: Case):
    folder = root / name / "src"
    folder.mkdir(parents=True)
    _make_files(folder, case.files)
    source = folder / "interview.md"
    source.write_bytes(case.source if isinstance(case.source, bytes) else case.source.encode("utf-8"))
    out_dir = root / name / "out"
    out_dir.mkdir()
    out = out_dir / "interview.json"
    out.write_bytes(PREVIOUS)
    if name == "output_is_the_source":
        out = source
    return source, out_dir, out


def _run_case(root: Path, name: str, case: Case):
    source, out_dir, out = _prepare(root, name, case)
    proc = run_cli("model", source, "-o", out, check=False, timeout=60)
    return source, out_dir, out, proc


#: One case of every kind of check, run as a real subprocess.
SUBPROCESS_CASES = [
    "empty_file", "not_utf8_body", "control_char_nul", "yaml_escape_surrogate", "output_is_the_source",
    "front_matter_not_closed", "yaml_colon_in_value", "yaml_python_tag", "yaml_alias_bomb", "yaml_deep_flow_3000",
    "missing_date", "unknown_key_typo", "date_month_13", "lang_underscore", "raw_html_block", "link_javascript",
    "image_not_an_image", "image_symlink_outside", "image_remote_http", "huge_paragraph", "source_over_2_mb",
    "too_much_markup", "quotes_3000_deep", "lists_3000_deep", "emphasis_3000_deep",
]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {name: pool.submit(_run_case, root, name, CASES[name]) for name in SUBPROCESS_CASES}
        return {name: f.result() for name, f in futures.items()}


def run_main(capsys, monkeypatch, *args):
    """``pressroom.cli.main`` in this process; returns a CompletedProcess-like result."""
    from pressroom import cli

    monkeypatch.setattr(cli, "install_signal_handlers", lambda: None)  # keep pytest's own handlers
    capsys.readouterr()
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


def assert_one_line_error(proc, source: Path, line: int, fragment: str):
    err = proc.stderr
    assert proc.returncode == 2, (proc.returncode, err)
    assert "Traceback" not in err, err
    assert err.endswith("\n") and err.count("\n") == 1, f"stderr is not exactly one line: {err!r}"
    assert err.startswith(f"{source}:{line}: "), f"expected {source}:{line}:, got {err!r}"
    assert fragment in err, f"{fragment!r} not in {err!r}"
    assert "(hint: " in err and err.rstrip().endswith(")"), f"no hint in {err!r}"
    assert proc.stdout == ""


def check_case(name, source, out_dir, out, proc):
    case = CASES[name]
    assert_one_line_error(proc, source, case.line, case.fragment)
    if name == "output_is_the_source":
        assert source.read_bytes() == case.source.encode()
    else:
        assert out.read_bytes() == PREVIOUS, "an existing output was overwritten"
    assert sorted(p.name for p in out_dir.iterdir()) == ["interview.json"], "a temporary file was left behind"


@pytest.mark.parametrize("name", list(CASES))
def test_bad_source(tmp_path, capsys, monkeypatch, name):
    source, out_dir, out = _prepare(tmp_path, name, CASES[name])
    proc = run_main(capsys, monkeypatch, "model", source, "-o", out)
    check_case(name, source, out_dir, out, proc)


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_bad_source_subprocess(results, name):
    check_case(name, *results[name])


def test_catalogue_covers_the_issue():
    """Every item of issue 7's catalogue has at least one case above."""
    needed = ["front_matter", "yaml_", "title_is", "missing_", "date_", "lang_", "unknown_key", "not_utf8",
              "control_char", "empty_file", "image_missing", "image_truncated", "image_not_an_image",
              "image_outside", "image_remote", "raw_html", "link_javascript", "link_file", "huge_paragraph",
              "very_long_word", "_deep", "yaml_alias_bomb", "source_over_2_mb"]
    for prefix in needed:
        assert any(prefix in n for n in CASES), prefix


# -- the same refusal from every format ---------------------------------------------------------

@pytest.mark.parametrize("command", [("pdf", "--edition", "print"), ("pdf", "--edition", "screen"), ("epub",), ("docx",)])
def test_bad_source_leaves_every_format_untouched(tmp_path, command):
    source = tmp_path / "bad.md"
    source.write_text(HEAD + "## Q?\n\n<script>alert(1)</script>\n", encoding="utf-8")
    out = tmp_path / "out.bin"
    out.write_bytes(PREVIOUS)
    proc = run_cli(command[0], source, *command[1:], "-o", out, check=False, timeout=120)
    assert_one_line_error(proc, source, 9, "raw HTML is not allowed")
    assert out.read_bytes() == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.md", "out.bin"]


def test_bad_source_with_a_page_map_writes_nothing(tmp_path):
    """The print edition writes its PDF and its page map together: a bad source writes neither."""
    source = tmp_path / "bad.md"
    source.write_text(HEAD + "## Q?\n\n<script>alert(1)</script>\n", encoding="utf-8")
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / "bad.pdf").write_bytes(PREVIOUS)
    (outdir / "bad.pages.json").write_bytes(PREVIOUS)
    proc = run_cli("pdf", source, "-o", outdir / "bad.pdf", "--pages-out", outdir / "bad.pages.json",
                   "--deps", outdir / "bad.pdf.d", check=False, timeout=120)
    assert_one_line_error(proc, source, 9, "raw HTML is not allowed")
    assert sorted(p.name for p in outdir.iterdir()) == ["bad.pages.json", "bad.pdf"]
    assert (outdir / "bad.pdf").read_bytes() == PREVIOUS == (outdir / "bad.pages.json").read_bytes()


def test_missing_source_file(tmp_path):
    source = tmp_path / "nowhere.md"
    proc = run_cli("model", source, "-o", tmp_path / "x.json", check=False)
    assert_one_line_error(proc, source, 1, "cannot read the source")
    assert not (tmp_path / "x.json").exists()


def test_source_is_a_folder(tmp_path):
    proc = run_cli("model", tmp_path, "-o", tmp_path / "x.json", check=False)
    assert_one_line_error(proc, tmp_path, 1, "is a directory, not a source file")


def test_image_unreadable_permission(tmp_path, monkeypatch):
    """A photo that cannot be opened. Root reads any file, so PIL is made to refuse as the OS would."""
    (tmp_path / "photo.png").write_bytes(png_bytes())
    source = tmp_path / "s.md"
    source.write_text(fm(IMG.format("photo.png")), encoding="utf-8")
    if os.geteuid() != 0:
        (tmp_path / "photo.png").chmod(0)
        try:
            proc = run_cli("model", source, check=False)
            assert_one_line_error(proc, source, 6, "image.file 'photo.png' cannot be read (permission denied)")
        finally:
            (tmp_path / "photo.png").chmod(0o644)
    from PIL import Image

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Image, "open", refuse)
    with pytest.raises(reader.SourceError) as e:
        reader.read(source)
    assert e.value.line == 6 and "cannot be read (permission denied)" in e.value.message


def test_unwritable_output_is_one_line(tmp_path):
    source = tmp_path / "ok.md"
    source.write_text(OK, encoding="utf-8")
    (tmp_path / "out").mkdir()
    proc = run_cli("model", source, "-o", tmp_path / "out", check=False)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "cannot write" in proc.stderr and "Is a directory" in proc.stderr
    assert list((tmp_path / "out").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.md", "out"]


# -- what must work -------------------------------------------------------------------------------

GOOD = {
    "lf": OK.encode(),
    "bom": ("\ufeff" + OK).encode(),
    "crlf": OK.replace("\n", "\r\n").encode(),
    "bom_crlf": ("\ufeff" + OK).replace("\n", "\r\n").encode(),
    "cr": OK.replace("\n", "\r").encode(),
    "tabs_in_text": OK.replace("An answer.", "An\tanswer.").encode(),
    "escaped_html": OK.replace("An answer.", "An \\<b> answer &lt;i&gt;.").encode(),
    "nesting_at_the_limit": (HEAD + "## Q?\n\n" + "- " * 6 + "> " * 6 + "x\n").encode(),
    "inline_note_syntax_is_text": OK.replace("An answer.", "An answer ^[not a note] ^[].").encode(),
    "yaml_anchor_without_alias": OK.replace("title: T", "title: &t T").encode(),
}


@pytest.mark.parametrize("name", list(GOOD))
def test_good_encodings_and_line_endings_work(tmp_path, name):
    source = tmp_path / "interview.md"
    source.write_bytes(GOOD[name])
    out = tmp_path / "model.json"
    proc = run_cli("model", source, "-o", out, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    reference = reader.parse(OK.encode(), name=str(source))
    model = reader.read(source)
    if name in ("lf", "bom", "crlf", "bom_crlf", "cr"):
        assert model == reference
    assert out.read_text(encoding="utf-8").startswith("{")


def test_crlf_and_bom_keep_line_numbers(tmp_path):
    source = tmp_path / "interview.md"
    source.write_bytes(("\ufeff" + HEAD + "## Q?\n\n<b>x</b>\n").replace("\n", "\r\n").encode())
    proc = run_cli("model", source, check=False)
    assert_one_line_error(proc, source, 9, "raw HTML is not allowed")


def test_escaped_html_is_text_not_markup(tmp_path):
    iv = reader.parse(OK.replace("An answer.", "An \\<b>answer\\</b> &lt;i&gt;.").encode())
    from pressroom.model import plain_text

    assert plain_text(iv.exchanges[0].answer[0].children) == "An <b>answer</b> <i>."


# -- limits -------------------------------------------------------------------------------------------

def test_limits_are_refused_quickly_in_process():
    """The resource limits refuse before parsing: well under a second each, even on a slow machine."""
    import time

    for name in ("source_over_2_mb", "too_many_lines", "too_much_markup", "very_long_raw_word",
                 "quotes_3000_deep", "lists_3000_deep", "yaml_deep_flow_3000", "emphasis_3000_deep"):
        text = CASES[name].source
        start = time.perf_counter()
        with pytest.raises(reader.SourceError):
            reader.parse(text.encode() if isinstance(text, str) else text, name=name)
        assert time.perf_counter() - start < 5, name


WORST = {
    # Inline markup that markdown-it-py handles slowest, as much as the limits let through.
    "brackets": "![ " * 6000,
    "emphasis": "*_ " * 9000,
    "lines": "a\n" * 19_000,
}


@pytest.mark.parametrize("name", list(WORST))
def test_worst_case_markup_within_limits_finishes(tmp_path, name):
    """Just inside the limits, the reader still finishes (or refuses) within seconds, through the CLI."""
    filler = WORST[name]
    source = tmp_path / "s.md"
    source.write_text(HEAD + "## Q?\n\n" + (filler + "\n\n") * 3, encoding="utf-8")
    try:
        proc = run_cli("model", source, "-o", tmp_path / "m.json", check=False, timeout=30)
    except subprocess.TimeoutExpired:  # pragma: no cover - the failure this test is for
        pytest.fail(f"{name}: the reader took more than 30 s")
    assert proc.returncode in (0, 2), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") <= 1


def test_no_recursion_error_from_deep_python_structures():
    """Deep nesting never reaches Python's recursion limit, even with a low limit."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(400)
    try:
        for name in ("quotes_3000_deep", "lists_3000_deep", "yaml_deep_flow_3000", "yaml_deep_block_3000",
                     "nesting_in_footnote_3000", "emphasis_3000_deep"):
            with pytest.raises(reader.SourceError):
                reader.parse(CASES[name].source.encode(), name=name)
    finally:
        sys.setrecursionlimit(limit)


# -- interrupted builds ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Interrupt:
    """Interrupt a real PDF build with ``signal`` at ``stage`` (``package.checkpoint``: the CLI
    sends itself the signal there, so it arrives at that point of the build, not after a delay).
    ``pages``: the build also writes the page map (``--pages-out``), a two-file commit."""

    stage: str
    signal: str
    pages: bool = False

    @property
    def name(self) -> str:
        return f"{self.stage}-{self.signal}" + ("-pages" if self.pages else "")


#: Ctrl-C (SIGINT), kill (SIGTERM) and a closed terminal (SIGHUP), over every stage
#: where a build can be cut off: during the layout, inside WeasyPrint's write_pdf, with the bytes
#: made but nothing written, with a temporary file written but not renamed (alone, and between the
#: PDF and its page map), and during the renames (where signals are held back).
INTERRUPTS = (
    Interrupt("layout", "SIGINT"), Interrupt("layout", "SIGTERM"), Interrupt("layout", "SIGHUP"),
    Interrupt("finishing", "SIGTERM"),
    Interrupt("built", "SIGHUP", pages=True),
    Interrupt("part-written", "SIGINT"),
    Interrupt("part-written", "SIGTERM", pages=True),
    Interrupt("renaming", "SIGHUP"),
    Interrupt("renaming", "SIGINT", pages=True),
)


def _interrupted_build(tmp_path: Path, source: Path, case: Interrupt):
    from pressroom.package import TEST_SIGNAL

    out_dir = tmp_path / case.name
    out_dir.mkdir()
    outputs = [out_dir / "ok.pdf"] + ([out_dir / "ok.pages.json"] if case.pages else [])
    for out in outputs:
        out.write_bytes(PREVIOUS)
    args = ["pdf", source, "-o", outputs[0]] + (["--pages-out", outputs[1]] if case.pages else [])
    proc = run_cli(*args, check=False, timeout=120,
                   env={**os.environ, TEST_SIGNAL: f"{case.stage}:{case.signal}"})
    return proc, outputs, out_dir


def test_interrupted_build_leaves_no_output(tmp_path):
    """An interrupted build exits 130 with one line, leaves every earlier output byte for byte as it
    was and no temporary file; a signal during the renames waits for them (never a PDF beside an
    old page map)."""
    import signal

    from pressroom.package import STAGES

    assert {case.stage for case in INTERRUPTS} == set(STAGES), "a stage of the build is not interrupted"
    source = tmp_path / "ok.md"
    source.write_text(OK, encoding="utf-8")
    # A shell's background job (`make test &`) starts with SIGINT ignored, and so would every
    # build started here: the CLI then rightly ignores Ctrl-C. The builds get Python's own handling.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            results = {c: pool.submit(_interrupted_build, tmp_path, source, c) for c in INTERRUPTS}
            results = {c: future.result() for c, future in results.items()}
    finally:
        signal.signal(signal.SIGINT, previous)
    for case, (proc, outputs, out_dir) in results.items():
        assert proc.returncode == 130, (case.name, proc.returncode, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1, (case.name, proc.stderr)
        assert sorted(p.name for p in out_dir.iterdir()) == sorted(p.name for p in outputs), \
            f"{case.name}: a partial or .part file remains"
        if case.stage == "renaming":
            # Held back until every file is renamed: all the new outputs, whole, and the line says so.
            assert proc.stderr == ("pressroom: interrupted after the outputs were written; "
                                   "no dependency file written\n"), (case.name, proc.stderr)
            assert outputs[0].read_bytes().startswith(b"%PDF-"), case.name
            assert outputs[0].read_bytes().rstrip().endswith(b"%%EOF"), case.name
            assert all(out.read_bytes() != PREVIOUS for out in outputs), f"{case.name}: old and new mixed"
        else:
            assert proc.stderr == "pressroom: interrupted; no output written\n", (case.name, proc.stderr)
            for out in outputs:
                assert out.read_bytes() == PREVIOUS, f"{case.name}: the existing {out.name} was touched"


def test_the_interrupt_hook_is_off_by_default(monkeypatch):
    """Without PRESSROOM_TEST_SIGNAL, or at another stage, a checkpoint sends nothing."""
    from pressroom import package

    sent = []
    monkeypatch.setattr(package.os, "kill", lambda *a: sent.append(a))
    monkeypatch.setattr(package, "_checkpoint_fired", False)
    monkeypatch.delenv(package.TEST_SIGNAL, raising=False)
    for stage in package.STAGES:
        package.checkpoint(stage)
    monkeypatch.setenv(package.TEST_SIGNAL, "renaming:SIGTERM")
    package.checkpoint("built")
    assert sent == []
    package.checkpoint("renaming")
    package.checkpoint("renaming")  # once only
    assert sent == [(os.getpid(), package.signal.SIGTERM)]


def test_atomic_output_on_failure_keeps_the_old_file(tmp_path):
    from pressroom.package import atomic_output, write_atomic

    out = tmp_path / "out.pdf"
    out.write_bytes(PREVIOUS)
    for error in (KeyboardInterrupt, RuntimeError, SystemExit):
        with pytest.raises(error):
            with atomic_output(out) as tmp:
                tmp.write_bytes(b"half a PDF")
                raise error()
        assert out.read_bytes() == PREVIOUS
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]
    write_atomic(out, b"new")
    assert out.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


def test_atomic_output_holds_signals_back_while_renaming(tmp_path):
    """A signal that arrives while the file is renamed is delivered after the rename, not in the middle."""
    import signal

    from pressroom import package

    received = []
    previous = signal.signal(signal.SIGUSR1, lambda *a: received.append("usr1"))
    package._DEFERRED.add(signal.SIGUSR1)
    real_replace = os.replace

    def replace(src, dst):
        os.kill(os.getpid(), signal.SIGUSR1)  # arrives "during" the rename
        assert received == [], "the signal was not held back"
        real_replace(src, dst)

    try:
        package.os.replace = replace
        package.write_atomic(tmp_path / "out.bin", b"data")
    finally:
        package.os.replace = real_replace
        package._DEFERRED.discard(signal.SIGUSR1)
        signal.signal(signal.SIGUSR1, previous)
    assert received == ["usr1"]
    assert (tmp_path / "out.bin").read_bytes() == b"data"


def test_an_internal_error_is_still_one_line(tmp_path, capsys, monkeypatch):
    """A bug (any exception, even a BaseException like WeasyPrint's FatalURLFetchingError) is one line, exit 1."""
    from pressroom import reader as reader_module

    source = tmp_path / "ok.md"
    source.write_text(OK, encoding="utf-8")
    out = tmp_path / "out.json"
    out.write_bytes(PREVIOUS)

    class Fatal(BaseException):
        pass

    for error in (RuntimeError("boom\nsecond line"), RecursionError("deep"), Fatal("refused to fetch")):
        def broken(path, error=error):
            raise error

        monkeypatch.setattr(reader_module, "read", broken)
        proc = run_main(capsys, monkeypatch, "model", source, "-o", out)
        assert proc.returncode == 1
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.startswith(f"pressroom: internal error: {type(error).__name__}: ")
        assert out.read_bytes() == PREVIOUS
