"""Language-aware rewriting of the model, between the reader and the writers.

Format-independent typography has one home here, so no writer repeats it.
"""

from __future__ import annotations

import dataclasses
import re

from . import model as m

NNBSP = "\u202f"  # narrow no-break space


def _french(text: str) -> str:
    # A narrow no-break space before ; : ! ? and inside « », replacing any
    # ordinary space an author typed there.
    text = re.sub(r"[ \u00a0\u202f]*([;:!?»])", lambda mo: NNBSP + mo.group(1), text)
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + NNBSP, text)
    # Keep URLs and times intact: no space inside "https://" or "10:30".
    text = re.sub(r"(\w)\u202f:(//|\d)", r"\1:\2", text)
    return text


_RULES = {"fr": _french}


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


def apply(interview: m.Interview) -> m.Interview:
    """Apply the rules of the interview's language."""
    rule = _RULES.get(interview.meta.lang.split("-")[0])
    if rule is None:
        return interview
    meta = interview.meta
    meta = dataclasses.replace(meta, title=rule(meta.title), subtitle=rule(meta.subtitle))
    return dataclasses.replace(
        interview,
        meta=meta,
        intro=tuple(_map_text(b, rule) for b in interview.intro),
        exchanges=tuple(_map_text(e, rule) for e in interview.exchanges),
        notes=tuple(_map_text(n, rule) for n in interview.notes),
    )
