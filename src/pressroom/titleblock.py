"""The title block: which parts an interview opens with, in which order, with which text.

The kicker (section), the lead figure with its caption and credit, the headline (title), the
standfirst (subtitle), the interviewee ("Interview with NAME, ROLE") and the byline
("Interview by NAME*" and the date); and, at the other end of the byline's mark, the
interviewer's note. The words and separators come from ``styles/strings.json``.

This module only says *what* is set: pure functions of the model and the localised strings,
no markup. ``html.py`` (PDF and EPUB) and the DOCX writer walk the same parts and each emits
its own markup for them, so the editions cannot drift apart.

A part is a sequence of pieces. A piece is a stretch of text with a ``role`` (``None``: plain
text, no markup of its own) and, for a front-matter value, its inline nodes (superior letters
such as French "XXIe"); its ``lead`` is text set just before it, outside its markup, in the
same stretch (the DOCX writer sets lead and text as one run).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import model as m
from .styles import Strings

#: The kinds of part, in the order of the title block.
KINDS = ("kicker", "figure", "title", "standfirst", "interviewee", "byline")

#: Roles of pieces (None: plain text).
INTERVIEWER = "interviewer"
NOTE_MARK = "note-mark"
SEPARATOR = "sep"
DATE = "date"
INTERVIEWEE_NAME = "interviewee-name"
INTERVIEWEE_ROLE = "interviewee-role"
CAPTION = "caption"
CREDIT = "credit"


@dataclass(frozen=True)
class Piece:
    role: str | None
    text: str = ""
    #: The inline nodes of a front-matter value (Text and Superscript); None for other text.
    nodes: tuple[m.Inline, ...] | None = None
    #: Text set just before the piece, outside its markup.
    lead: str = ""
    #: A machine-readable value (the date's ISO form).
    value: str | None = None


@dataclass(frozen=True)
class Part:
    kind: str
    pieces: tuple[Piece, ...]
    #: The plain text of the part's value (the title: the PDF bookmark's label).
    plain: str = ""
    #: The lead image (the figure part).
    image: m.Image | None = None


def _value(iv: m.Interview, key: str, plain: str, role: str | None = None, lead: str = "") -> Piece:
    """The front-matter value ``key``, with its superior letters as nodes."""
    return Piece(role, plain, tuple(iv.inlines_of(key, plain)), lead)


def _around(strings: Strings, key: str) -> tuple[str, str]:
    """The words of the label ``key`` before and after its ``{name}``."""
    before, _, after = strings.get(key, name="\x00").partition("\x00")
    return before, after


def parts(iv: m.Interview, strings: Strings) -> tuple[Part, ...]:
    """The parts of the title block, in order (``KINDS``); a part without content is left out."""
    meta = iv.meta
    out: list[Part] = []
    if meta.section:
        out.append(Part("kicker", (_value(iv, "section", meta.section),), meta.section))
    if iv.image is not None:
        out.append(Part("figure", caption(iv, strings), image=iv.image))
    out.append(Part("title", (_value(iv, "title", meta.title),), meta.title))
    if meta.subtitle:
        out.append(Part("standfirst", (_value(iv, "subtitle", meta.subtitle),), meta.subtitle))
    if iv.interviewee and iv.interviewee.name:
        out.append(Part("interviewee", interviewee(iv.interviewee, strings)))
    out.append(Part("byline", byline(iv, strings)))
    return tuple(out)


def caption(iv: m.Interview, strings: Strings) -> tuple[Piece, ...]:
    """The lead image's caption and credit, joined by ``caption_sep``; empty without either."""
    image = iv.image
    pieces: list[Piece] = []
    if image is None:
        return ()
    if image.caption:
        pieces.append(_value(iv, "image.caption", image.caption, CAPTION))
    if image.caption and image.credit:
        pieces.append(Piece(None, strings["caption_sep"]))
    if image.credit:
        pieces.append(_value(iv, "image.credit", image.credit, CREDIT))
    return tuple(pieces)


def interviewee(person: m.Person, strings: Strings) -> tuple[Piece, ...]:
    """"Interview with NAME, ROLE": ``interviewee`` around the name, ``interviewee_sep`` before
    the role."""
    before, after = _around(strings, "interviewee")
    pieces = [Piece(None, before), Piece(INTERVIEWEE_NAME, person.name)]
    if person.role:
        pieces.append(Piece(INTERVIEWEE_ROLE, person.role, lead=strings["interviewee_sep"]))
    pieces.append(Piece(None, after))
    return tuple(pieces)


def byline(iv: m.Interview, strings: Strings) -> tuple[Piece, ...]:
    """"Interview by NAME*" (``interview_by``; the mark, ``note_mark``, when the interviewer has
    a note), ``byline_sep``, the date."""
    pieces: list[Piece] = []
    if iv.interviewer:
        before, after = _around(strings, "interview_by")
        pieces += [Piece(None, before), Piece(INTERVIEWER, iv.interviewer.name), Piece(None, after)]
        if iv.interviewer.bio:
            pieces.append(Piece(NOTE_MARK, strings["note_mark"]))
        pieces.append(Piece(SEPARATOR, strings["byline_sep"]))
    pieces.append(Piece(DATE, strings.date(iv.meta.date), value=iv.meta.date.isoformat()))
    return tuple(pieces)


def interviewer_note(iv: m.Interview, strings: Strings) -> Part | None:
    """The interviewer's note after the text ("* bio", ``note_lead`` with the byline's mark), the
    target of the byline's mark; None without a bio."""
    if not (iv.interviewer and iv.interviewer.bio):
        return None
    lead = strings.get("note_lead", mark=strings["note_mark"])
    return Part("interviewer-note", (_value(iv, "interviewer.bio", iv.interviewer.bio, lead=lead),))
