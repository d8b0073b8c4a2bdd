"""The language editions of one publication, compared (issue 18): ``make check`` fails when a
translation has lost or gained a question, an answer, a footnote or a list item, or differs in
date or photo from the original.

The editions are the sources that name each other in their models (``Interview.editions``,
found by the reader). The original is the edition whose file name has no language suffix
(``x.md``), else the first by language; every other edition is compared with it. Each mismatch
is one line, ``source/x.fr.md:LINE: what differs (hint: …)``, naming the edition and, for the
parts of a question, the question.
"""

from __future__ import annotations

from pathlib import Path

from .. import model as m
from ..reader.editions import edition_base


def publications(models: dict[Path, m.Interview]) -> list[list[Path]]:
    """The sources grouped by publication (only groups of two editions or more), the original
    first, then by language."""
    by_stem = {p.stem: p for p in models}
    seen: set[Path] = set()
    groups = []
    for path, iv in models.items():
        if path in seen or not iv.editions:
            continue
        group = [path] + [by_stem[e.source_name] for e in iv.editions if e.source_name in by_stem]
        seen.update(group)
        if len(group) > 1:
            base = _base(models, group)
            group.sort(key=lambda p: (p.stem != base, models[p].meta.lang.lower()))
            groups.append(group)
    return groups


def _base(models, group) -> str:
    """The publication's stem (``x`` for ``x.md``, ``x.fr.md``)."""
    return edition_base(group[0].stem, models[group[0]].meta.lang)[0]


def _counts(iv: m.Interview) -> dict:
    def items(blocks) -> int:
        n = 0
        for b in blocks:
            if isinstance(b, m.List):
                n += len(b.items) + sum(items(i.children) for i in b.items)
            elif isinstance(b, m.BlockQuote):
                n += items(b.children)
        return n

    def calls(nodes) -> int:
        n = 0

        def walk(x):
            nonlocal n
            if isinstance(x, (tuple, list)):
                for y in x:
                    walk(y)
            elif isinstance(x, m.NoteRef):
                n += 1
            elif hasattr(x, "children"):
                walk(x.children)
                if isinstance(x, m.BlockQuote):
                    walk(x.attribution)
            elif isinstance(x, m.List):
                walk(x.items)

        walk(nodes)
        return n

    return {
        "questions": len(iv.exchanges),
        "answers": sum(1 for ex in iv.exchanges if ex.answer),
        "notes": len(iv.notes),
        "intro items": items(iv.intro),
        "per question": [(items(ex.answer), calls((ex.question, ex.answer))) for ex in iv.exchanges],
        "photo": iv.image.sha256 if iv.image and iv.image.path else "",
    }


def compare(models: dict[Path, m.Interview], lines_of) -> list[dict]:
    """One entry per publication: its editions, ``ok`` and the problem lines. ``lines_of(path)``
    gives a source's lines (``reader.source_lines``)."""
    out = []
    for group in publications(models):
        original, others = group[0], group[1:]
        problems: list[str] = []
        ref, ref_iv = _counts(models[original]), models[original]
        ref_name = _edition_name(ref_iv, original)
        for path in others:
            iv = models[path]
            got = _counts(iv)
            lines = lines_of(path)
            questions = lines["questions"]

            def say(line, what, hint):
                problems.append(f"{path}:{line}: {what} (hint: {hint})")

            if iv.meta.date != ref_iv.meta.date:
                say(lines["date"], f"this edition is dated {iv.meta.date.isoformat()}, {ref_name} "
                    f"{ref_iv.meta.date.isoformat()}", "the editions of one interview share its date; "
                    "a corrected edition says when with modified:")
            if got["photo"] != ref["photo"]:
                what = (f"has no photo file, {ref_name} has one" if not got["photo"] else
                        f"has a photo file, {ref_name} has none" if not ref["photo"] else
                        f"has another photo than {ref_name}")
                say(lines["image"] if got["photo"] or ref["photo"] else 1, f"this edition {what}",
                    "give every edition the same photo file (image: file:), or none")
            if got["questions"] != ref["questions"]:
                more = got["questions"] > ref["questions"]
                line = (questions[ref["questions"]] if more else questions[-1]) if questions else 1
                say(line, f"this edition has {_n(got['questions'], 'question')}, {ref_name} has {ref['questions']}",
                    "translate every question as one '## ' heading, and no more")
                continue  # the questions' parts cannot be paired
            if got["answers"] != ref["answers"]:
                for i, ((ex, rex)) in enumerate(zip(iv.exchanges, ref_iv.exchanges)):
                    if bool(ex.answer) != bool(rex.answer):
                        say(questions[i], f"question {i + 1} {_quote(ex)} has {'an' if ex.answer else 'no'} answer, "
                            f"in {ref_name} it has {'one' if rex.answer else 'none'}",
                            "translate the answer below its question")
            call_lines = [questions[i] for i, (a, b) in enumerate(zip(got["per question"], ref["per question"]))
                          if a[1] != b[1]]
            if got["notes"] != ref["notes"]:
                say(call_lines[0] if call_lines else 1,
                    f"this edition has {_n(got['notes'], 'footnote')}, {ref_name} has {ref['notes']}",
                    "keep every footnote and its call ([^1]) where the original has it")
            if got["intro items"] != ref["intro items"]:
                say(questions[0] if questions else 1, f"the introduction has {_n(got['intro items'], 'list item')}, "
                    f"in {ref_name} {ref['intro items']}", "keep each list item as one item")
            for i, ((items, calls), (ref_items, ref_calls)) in enumerate(zip(got["per question"], ref["per question"])):
                ex = iv.exchanges[i]
                if items != ref_items:
                    say(questions[i], f"question {i + 1} {_quote(ex)} has {_n(items, 'list item')} in its answer, "
                        f"in {ref_name} {ref_items}", "keep each list item as one item ('1.' or '-')")
                if calls != ref_calls:
                    say(questions[i], f"question {i + 1} {_quote(ex)} calls {_n(calls, 'footnote')}, "
                        f"in {ref_name} {ref_calls}", "keep each note call ([^1]) in the question it belongs to")
        out.append({"publication": _base(models, group), "editions": [p.stem for p in group],
                    "original": original.stem, "ok": not problems, "problems": problems})
    return out


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _quote(ex: m.Exchange) -> str:
    text = " ".join(m.plain_text(ex.question).split())
    return f"“{text[:48]}{'…' if len(text) > 48 else ''}”"


def _edition_name(iv: m.Interview, path: Path) -> str:
    """``the en edition (rivers.md)``: the original as the lines name it."""
    return f"the {iv.meta.lang} edition ({path.name})"


def check(sources: list[Path], build: Path | None) -> list[dict]:
    """``compare`` on the sources' models (the build's, when fresh)."""
    from .. import reader
    from .core import load_model

    models = {Path(s): load_model(Path(s), build) for s in sources}
    return compare(models, reader.source_lines)

