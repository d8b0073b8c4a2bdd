"""Language-aware rewriting of the model, between the reader and the writers.

Format-independent typography has one home here, so no writer repeats it. Only text is
rewritten: link targets, inline code, and URLs or e-mail addresses written in the text are
left exactly as they are.

- French: a narrow no-break space (U+202F) before ; : ! ? and inside « » (replacing any
  space the author typed there), none inside times and ratios (10:30).
- Spanish: no space after the opening ¿ ¡ nor before the closing ? !, none inside « ».
- Russian: a no-break space before a dash between words and after one-letter words
  (prepositions and conjunctions), so neither starts or ends a line; and in "2023 г.".
Other languages (English, Arabic, Chinese) are left as written.
"""

from __future__ import annotations

import dataclasses
import re

from . import model as m

NBSP = "\u00a0"  # no-break space
NNBSP = "\u202f"  # narrow no-break space
_SPACES = " \u00a0\u202f\u2009"

#: Runs that no rule may touch: URLs, www. addresses and e-mail addresses in the text.
#: Trailing sentence punctuation is not part of the address.
_PROTECTED = re.compile(
    r"(?:https?://|mailto:|www\.)[^\s«»<>\"]*[^\s«»<>\".,;:!?)\]]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)


def _outside_protected(fn):
    """Apply ``fn`` to the parts of a text between protected runs."""

    def apply(text: str) -> str:
        out, last = [], 0
        for mo in _PROTECTED.finditer(text):
            out.append(fn(text[last:mo.start()]))
            out.append(mo.group())
            last = mo.end()
        out.append(fn(text[last:]))
        return "".join(out)

    return apply


def _french_part(text: str) -> str:
    def before_mark(mo):
        # One narrow no-break space before ; : ! ? (a run such as "?!" counts once), whatever
        # the author typed there; none right after an opening bracket.
        prev = text[mo.start() - 1] if mo.start() else ""
        return mo.group(1) if prev in "([{" and prev else NNBSP + mo.group(1)

    text = re.sub(rf"[{_SPACES}]*([;:!?]+)", before_mark, text)
    # No space in times and ratios: 10:30, 2:1.
    text = re.sub(rf"(\d){NNBSP}:(?=\d)", r"\1:", text)
    # Guillemets: a narrow no-break space inside.
    text = re.sub(rf"([«‹])[{_SPACES}]*", "\\1" + NNBSP, text)
    text = re.sub(rf"[{_SPACES}]*([»›])", NNBSP + "\\1", text)
    return text


def _spanish_part(text: str) -> str:
    text = re.sub(rf"([¿¡])[{_SPACES}]+", r"\1", text)
    text = re.sub(rf"(?<=\S)[{_SPACES}]+([?!])", r"\1", text)
    text = re.sub(rf"«[{_SPACES}]+", "«", text)
    text = re.sub(rf"[{_SPACES}]+»", "»", text)
    return text


_RU_ONE_LETTER = re.compile(r"(?<![\w\-])([авикосуяАВИКОСУЯ])[ ](?=\w)")


def _russian_part(text: str) -> str:
    text = re.sub(r"(?<=\w) ([—–]) ", NBSP + r"\1 ", text)
    text = _RU_ONE_LETTER.sub(r"\1" + NBSP, text)
    text = re.sub(r"(\d) (гг?\.)", r"\1" + NBSP + r"\2", text)
    return text


_french = _outside_protected(_french_part)
_spanish = _outside_protected(_spanish_part)
_russian = _outside_protected(_russian_part)

_RULES = {"fr": _french, "es": _spanish, "ru": _russian}


def rule_for(lang: str):
    """The text rule of a BCP 47 language tag, or None."""
    return _RULES.get(lang.split("-")[0].lower())


def _map_text(node, fn):
    if isinstance(node, m.Text):
        return m.Text(fn(node.text))
    if isinstance(node, (m.Code, m.LineBreak, m.NoteRef)):
        return node
    if isinstance(node, m.Link):
        return m.Link(node.href, tuple(_map_text(c, fn) for c in node.children))
    if dataclasses.is_dataclass(node):
        changes = {}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
                changes[f.name] = tuple(_map_text(c, fn) for c in value)
        return dataclasses.replace(node, **changes) if changes else node
    return node


def _strings(obj, fn, names):
    if obj is None:
        return None
    return dataclasses.replace(obj, **{n: fn(getattr(obj, n)) for n in names})


def apply(interview: m.Interview) -> m.Interview:
    """Apply the rules of the interview's language."""
    rule = rule_for(interview.meta.lang)
    if rule is None:
        return interview
    return dataclasses.replace(
        interview,
        meta=_strings(interview.meta, rule, ("title", "subtitle", "section")),
        interviewer=_strings(interview.interviewer, rule, ("bio",)),
        interviewee=_strings(interview.interviewee, rule, ("role",)),
        image=_strings(interview.image, rule, ("alt", "caption", "credit")),
        intro=tuple(_map_text(b, rule) for b in interview.intro),
        exchanges=tuple(_map_text(e, rule) for e in interview.exchanges),
        notes=tuple(_map_text(n, rule) for n in interview.notes),
    )
