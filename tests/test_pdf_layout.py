"""Measured in the print layout itself: widows and orphans of at least two lines (issue 3).

The stylesheet declares `orphans: 2; widows: 2`; this test counts the lines WeasyPrint
actually set on each side of every page break inside a paragraph.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from conftest import SOURCE
from pressroom import reader, transforms
from pressroom.styles import open_styles
from pressroom.writers import pdf


def long_interview():
    """The interview's body five times over: many page breaks inside paragraphs."""
    text = SOURCE.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    return transforms.apply(reader.parse(head + "\n---\n" + body * 5, name=str(SOURCE),
                                         base_dir=SOURCE.parent))


def lines_per_page(document) -> dict[int, dict[int, int]]:
    """{id(paragraph element): {page index: number of lines set there}} for body paragraphs."""
    from weasyprint.formatting_structure import boxes

    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for i, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if not isinstance(box, boxes.LineBox):
                continue
            el = getattr(box, "element", None)
            if el is not None and el.tag == "p" and "footnote" not in (el.get("class") or ""):
                counts[id(el)][i] += 1
    return counts


@pytest.mark.parametrize("trim", ["a4", "a5"])
def test_no_widow_or_orphan_lines(trim):
    iv = long_interview()
    layout = []
    pdf.write(iv, open_styles(), edition="print", trim=trim, layout_out=layout)
    _html, document = layout
    split = 0
    for pages in lines_per_page(document).values():
        if len(pages) < 2:
            continue
        split += 1
        order = sorted(pages)
        assert pages[order[0]] >= 2, f"orphan: {pages[order[0]]} line at the foot of page {order[0] + 1}"
        assert pages[order[-1]] >= 2, f"widow: {pages[order[-1]]} line at the head of page {order[-1] + 1}"
    assert split >= 2, "the fixture should break paragraphs across pages"


def test_the_measure_can_fail():
    """A layout without widows/orphans control does produce single lines at breaks."""
    import weasyprint

    para = "<p>" + "word " * 400 + "</p>"
    html = "<style>@page{size:100mm 60mm;margin:5mm} p{orphans:1;widows:1;margin:0;line-height:10pt;font-size:9pt}</style>"
    found = False
    for n in range(1, 15):
        doc = weasyprint.HTML(string=html + "<p>x</p>" * n + para).render()
        pages = [p for p in lines_per_page(doc).values() if len(p) > 1]
        if any(min(v.values()) == 1 for v in pages):
            found = True
            break
    assert found
