"""Unit tests of the reader and the model (issue 2)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from conftest import SOURCE, run_cli
from pressroom import model as m
from pressroom import reader
from pressroom.errors import SourceError

FRONT = """---
title: T
date: 2024-05-06
lang: en
---
"""


def parse(body: str, front: str = FRONT, **kw) -> m.Interview:
    return reader.parse(front + body, name="x.md", **kw)


# -- the interview source -----------------------------------------------------

def test_interview_metadata():
    iv = reader.read(SOURCE)
    meta = iv.meta
    assert meta.title == "The future of migration"
    assert meta.subtitle.startswith("Celebrating International Migrants Day on 18 December")
    assert meta.date == dt.date(2023, 12, 1)
    assert meta.lang == "en" and meta.script_direction == "ltr"
    assert meta.section == "Focus on"
    assert meta.publisher == "UN Today"
    assert iv.interviewer == m.Person("Prisca Chaoui", bio="Prisca Chaoui is the Editor-in-chief of UN Today.")
    assert iv.interviewee.name == "Amy Pope"
    assert iv.image.caption == "IOM Director General Amy Pope"
    assert iv.image.credit == "© IOM archives"
    assert iv.image.path is None and iv.image.alt


def test_interview_exchanges_keep_the_seed_text():
    iv = reader.read(SOURCE)
    assert iv.intro == ()
    assert [e.id for e in iv.exchanges] == [f"q{i}" for i in range(1, 7)]
    questions = [m.plain_text(e.question) for e in iv.exchanges]
    assert questions[0].startswith("You have started as Director General of IOM")
    assert questions[-1] == "Finally, if you were to describe Amy Pope, how would you do it?"
    assert [len(e.answer) for e in iv.exchanges] == [1, 2, 1, 1, 1, 1]
    text = m.plain_text([b for e in iv.exchanges for b in e.answer])
    assert "we’ve treated migration" in text  # curly apostrophe kept
    assert "‘Gender Equality Policy’" in text


def test_model_is_immutable():
    iv = reader.read(SOURCE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        iv.meta.title = "x"  # type: ignore[misc]
    assert isinstance(iv.exchanges, tuple)


# -- body mapping ---------------------------------------------------------------

def test_intro_questions_answers():
    iv = parse("Intro one.\n\nIntro two.\n\n## Q1?\n\nA1.\n\n## Q2?\n\nA2a.\n\nA2b.\n")
    assert [m.plain_text(b).strip() for b in iv.intro] == ["Intro one.", "Intro two."]
    assert [m.plain_text(e.question) for e in iv.exchanges] == ["Q1?", "Q2?"]
    assert len(iv.exchanges[1].answer) == 2


def test_inlines():
    iv = parse("## Q?\n\nA *em* **strong** `code` [link](https://example.org) end  \nnext\n")
    p = iv.exchanges[0].answer[0]
    kinds = [type(n).__name__ for n in p.children]
    assert kinds == ["Text", "Emphasis", "Text", "Strong", "Text", "Code", "Text", "Link", "Text", "LineBreak", "Text"]
    link = p.children[7]
    assert link.href == "https://example.org" and link.children == (m.Text("link"),)


def test_soft_breaks_become_spaces():
    iv = parse("## Q?\n\nline one\nline two\n")
    assert iv.exchanges[0].answer[0].children == (m.Text("line one line two"),)


def test_footnotes_numbered_in_order_of_first_call():
    iv = parse("## Q?\n\nA[^b] and B[^a] and again[^b].\n\n[^a]: Note a.\n[^b]: Note *b*.\n")
    calls = [n.number for n in iv.exchanges[0].answer[0].children if isinstance(n, m.NoteRef)]
    assert calls == [1, 2, 1]
    assert [(n.number, n.label) for n in iv.notes] == [(1, "b"), (2, "a")]
    assert m.plain_text(iv.notes[0].children).strip() == "Note b."


def test_blockquote_and_lists():
    iv = parse("## Q?\n\n> quoted\n\n1. one\n2. two\n\n- x\n")
    quote, ol, ul = iv.exchanges[0].answer
    assert isinstance(quote, m.BlockQuote)
    assert ol.ordered and ol.start == 1 and len(ol.items) == 2
    assert not ul.ordered


def test_crlf_and_bom_are_accepted():
    text = ("\ufeff" + FRONT + "## Q?\n\nA.\n").replace("\n", "\r\n")
    iv = reader.parse(text.encode("utf-8"), name="x.md")
    assert iv.meta.title == "T" and m.plain_text(iv.exchanges[0].answer) == "A.\n"


def test_language_tag_canonical_and_rtl():
    iv = parse("## Q?\n\nA.\n", front=FRONT.replace("lang: en", "lang: zh-hans"))
    assert iv.meta.lang == "zh-Hans"
    iv = parse("## Q?\n\nA.\n", front=FRONT.replace("lang: en", "lang: ar"))
    assert iv.meta.script_direction == "rtl"


# -- errors name file:line --------------------------------------------------------

@pytest.mark.parametrize(
    "text, line, needle",
    [
        (FRONT.replace("date: 2024-05-06", "date: 6 May 2024") + "## Q?\n\nA.\n", 3, "date"),
        (FRONT.replace("lang: en", "lang: english") + "## Q?\n\nA.\n", 4, "BCP 47"),
        (FRONT.replace("lang: en", "lang: en\ntitel: x") + "## Q?\n\nA.\n", 5, "did you mean 'title'"),
        (FRONT + "No questions here.\n", 6, "no questions"),
        (FRONT + "## Q?\n\n", 6, "no answer"),
        (FRONT + "# Title\n\n## Q?\n\nA.\n", 6, "level-1"),
        (FRONT + "## Q?\n\nA [x](javascript:alert(1)).\n", 8, "javascript"),
        ("no front matter\n", 1, "front matter"),
    ],
)
def test_errors_name_the_line(text, line, needle):
    with pytest.raises(SourceError) as e:
        reader.parse(text, name="x.md")
    assert e.value.line == line, e.value.format()
    assert needle in e.value.format()
    assert e.value.format().startswith(f"x.md:{line}: ")
    assert "\n" not in e.value.format()


# -- JSON ---------------------------------------------------------------------------

def test_model_json_round_trips_through_json():
    iv = reader.read(SOURCE)
    data = json.loads(m.to_json(iv))
    assert data["type"] == "Interview"
    assert data["meta"]["date"] == "2023-12-01"
    assert data["exchanges"][0]["question"][0]["type"] == "Text"


def test_cli_model_prints_json():
    proc = run_cli("model", SOURCE)
    data = json.loads(proc.stdout)
    assert data["meta"]["title"] == "The future of migration"
    assert len(data["exchanges"]) == 6


def test_cli_bad_input_exit_2(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: x\n---\n", encoding="utf-8")
    out = tmp_path / "out.pdf"
    proc = run_cli("pdf", bad, "-o", out, check=False)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(f"{bad}:")
    assert "Traceback" not in proc.stderr
    assert not out.exists()
