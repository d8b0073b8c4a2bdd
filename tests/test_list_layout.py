"""Lists as a reader sees them in both PDF editions (issue 14): every marker stands inside the
text column, beside its item and clear of it, and an item's runover lines line up under its
first line, left to right and right to left.

Measured with pdftotext -bbox-layout on interviews written for this test (English, Russian,
Arabic), each with a list right after a paragraph: the case where the paragraph indent used to
be inherited by the items, which indented their first lines and pushed the Arabic markers
into the margin.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

SOURCES = {
    "en": ("Lists in the text", "What does a visit involve?", "The engineers explained what a visit involves, in order:",
           ["Reading the meters of every household on the street, one after the other, and writing down each reading "
            "in the notebook that stays with the district office for the whole of the year.", "Checking the valves."],
           "The answer continues after the list with a paragraph of its own, long enough to run over a line."),
    "ru": ("Списки в тексте", "Из чего состоит обход?", "Инженеры объяснили, из чего состоит обход, по порядку:",
           ["Снять показания счётчиков во всех домах улицы, один за другим, и записать каждое показание в журнал, "
            "который весь год хранится в районной конторе водоканала.", "Проверить задвижки."],
           "Ответ продолжается после списка отдельным абзацем, достаточно длинным, чтобы занять больше строки."),
    "ar": ("القوائم في النص", "مما تتكون الزيارة؟", "شرح المهندسون مما تتكون الزيارة، بالترتيب:",
           ["قراءة عدادات كل بيت في الشارع، واحدا بعد الآخر، وتدوين كل قراءة في الدفتر الذي يبقى في مكتب الحي طوال "
            "السنة كلها، ثم مقارنتها بقراءات الشهر الماضي.", "فحص الصمامات."],
           "ويستمر الجواب بعد القائمة بفقرة خاصة به، طويلة بما يكفي لتمتد على أكثر من سطر واحد في الصفحة."),
}


def source(lang: str, ordered: bool) -> str:
    title, question, lead, items, after = SOURCES[lang]
    marks = [f"{n}." for n in range(1, len(items) + 1)] if ordered else ["-"] * len(items)
    body = "\n".join(f"{mark} {item}" for mark, item in zip(marks, items))
    return (f"---\ntitle: {title}\ndate: 2024-06-01\nlang: {lang}\npublisher: UN Today\n---\n\n"
            f"## {question}\n\n{lead}\n\n{body}\n\n{after}\n")


_MARKER = re.compile(r"^(?:•|[\d\u0660-\u0669]+[.\u066b]?|\.[\d\u0660-\u0669]+)$")


def _bare(word: str) -> str:
    return re.sub("[\u200e\u200f]", "", word)


def lines(pdf: Path) -> list[list[list[tuple[float, float, str]]]]:
    """Per page, its lines as [(xMin, xMax, word)] in reading order of pdftotext's layout."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    pages = []
    for page in ET.fromstring(out).iter("page"):
        pages.append([[(float(w.get("xMin")), float(w.get("xMax")), w.text or "") for w in line.iter("word")]
                      for line in page.iter("line")])
    return pages


def _as_drawn(word: str, rtl: bool) -> str:
    """A word as pdftotext gives it: Arabic in visual order (reversed), without marks."""
    return word[::-1] if rtl else word


def list_lines(pdf: Path, lang: str):
    """(the page's column [left, right], the item lines as [(marker box, the line's other words)],
    the runover lines of the first item) of the page holding the list. An item's line is found
    by its first word; its marker is the word before it in reading order."""
    rtl = lang == "ar"
    firsts = [_as_drawn(item.split()[0], rtl) for item in SOURCES[lang][3]]
    for page in lines(pdf):
        words = [w for line in page for w in line]
        text = [w for w in words if not _MARKER.match(_bare(w[2]))]
        if not text:
            continue
        column = (min(w[0] for w in text), max(w[1] for w in text))
        items, runover = [], []
        for line in page:
            ordered = sorted(line, key=lambda w: -w[0] if rtl else w[0])
            texts = [_bare(w[2]) for w in ordered]
            n = len(items)
            if n < len(firsts) and firsts[n] in texts:
                at = texts.index(firsts[n])
                assert at == 1 and _MARKER.match(texts[0]), f"no marker before {firsts[n]!r}: {texts}"
                items.append((ordered[0], ordered[1:]))
            elif n == 1 and ordered:
                runover.append(ordered)
        if items:
            assert len(items) == len(firsts), f"items found: {items}"
            return column, items, runover
    raise AssertionError(f"no list found in {pdf}")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lists")
    cache = {}

    def build(lang: str, ordered: bool, edition: str) -> Path:
        key = (lang, ordered, edition)
        if key not in cache:
            src = folder / f"{lang}-{'ol' if ordered else 'ul'}.md"
            src.write_text(source(lang, ordered), encoding="utf-8")
            out = folder / f"{src.stem}.{edition}.pdf"
            proc = subprocess.run([sys.executable, "-m", "pressroom", "pdf", str(src), "--edition", edition,
                                   "-o", str(out)], capture_output=True, text=True, timeout=300)
            assert proc.returncode == 0, proc.stderr
            cache[key] = out
        return cache[key]

    return build


@pytest.mark.parametrize("edition", ["print", "screen"])
@pytest.mark.parametrize("ordered", [False, True], ids=["bullets", "numbers"])
@pytest.mark.parametrize("lang", list(SOURCES))
def test_list_markers_stand_in_the_column_beside_their_items(built, lang, ordered, edition):
    rtl = lang == "ar"
    column, items, runover = list_lines(built(lang, ordered, edition), lang)
    for (x0, x1, mark), words in items:
        assert column[0] - 0.5 <= x0 and x1 <= column[1] + 0.5, f"marker {mark!r} at {x0:.1f}-{x1:.1f} " \
            f"outside the column {column[0]:.1f}-{column[1]:.1f}"
        # Beside its item and clear of it: a gap of at least a hair, at most an em or so.
        gap = (x0 - max(w[1] for w in words)) if rtl else (min(w[0] for w in words) - x1)
        assert 1 <= gap <= 12, f"marker {mark!r}: {gap:.1f} pt from its text"
    # Items flush: both items' first lines start at the same place.
    starts = [max(w[1] for w in words) if rtl else min(w[0] for w in words) for _m, words in items]
    assert abs(starts[0] - starts[1]) < 0.5, starts
    # The first item runs over at least one line, each under its first line.
    assert runover, "the long item was expected to run over a line"
    for line in runover:
        start = max(w[1] for w in line) if rtl else min(w[0] for w in line)
        assert abs(start - starts[0]) < 0.5, f"runover line at {start:.1f}, first line at {starts[0]:.1f}"


def test_the_list_measure_sees_a_marker_in_the_margin(tmp_path):
    """The measure itself, on a PDF whose list is pushed into the margin (a negative indent)."""
    import weasyprint

    _t, _q, lead, items, after = SOURCES["ar"]
    html = (f"<html lang='ar' dir='rtl'><style>@page {{ size: A5; margin: 20mm }} p {{ text-align: justify }}"
            f"ul {{ margin: 0 -8mm 0 0; padding: 0 }}</style><p>{lead} {after}</p>"
            f"<ul>{''.join(f'<li>{i}</li>' for i in items)}</ul><p>{after}</p></html>")
    weasyprint.HTML(string=html).write_pdf(tmp_path / "off.pdf")
    column, items_found, _runover = list_lines(tmp_path / "off.pdf", "ar")
    assert any(x1 > column[1] + 0.5 for (_x0, x1, _m), _w in items_found)
