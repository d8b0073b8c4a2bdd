"""Footnotes in WeasyPrint's layout: one engine fix and the check that every note starts on
the page of its call. Used by the PDF writer (and by the EPUB writer's page-list, which lays
out the print edition and must paginate it exactly as the PDF writer does).

The cause of "a footnote on the page after its call, its call's page half empty"
-------------------------------------------------------------------------------------
WeasyPrint 70.0, ``weasyprint/layout/__init__.py``, ``LayoutContext._update_footnote_area``
lays out the footnote area each time a note is added and reports an *overflow* when the
bottom of the area's last note is below the bottom of the area::

    last_child_bottom = (last_child.position_y + last_child.margin_height() -
                         last_child.margin_bottom)
    footnote_area_bottom = (footnote_area.position_y + footnote_area.margin_height() -
                            footnote_area.margin_bottom)
    overflow = last_child_bottom > footnote_area_bottom

The two sides add the same lengths (the area's margin, border and padding, then the notes'
heights) in a different order, in floating point, and ``>`` is exact. With the screen
edition's ``@footnote { padding-top: 2mm }`` (7.559055… px) the last note's bottom comes out
2.3e-13 px *below* the area's bottom, so every note "overflows" the moment it is added,
wherever its call is. ``weasyprint/layout/block.py``, ``_linebox_layout`` (the
``if context.footnotes:`` branch) then calls ``context.report_footnote(footnote)``: the note
is moved to the next page, and because ``context.reported_footnotes`` is then non-empty,
every later note on that page too. On the next page the note "overflows" again and stays
only because it is the first (``layout/page.py``, ``make_page``: ``if overflow and i != 0``).
The print edition's ``padding-top: 1.8mm`` happens to add up exactly: luck, not a margin.
(Issue #1564 is about a call in the last line of a page; this is not that.)

Every other overflow test in the engine goes through ``LayoutContext.overflows``, which
allows a relative error of 1e-9 ("to avoid floating numbers errors", PEP 485).
``install()`` replaces ``_update_footnote_area`` with the same code using that test. It is
installed only on the WeasyPrint version it was written against; whatever the engine does,
``check_notes_on_call_pages`` refuses a layout where a note is set away from its call.
"""

from __future__ import annotations

from ..errors import BuildError

#: The WeasyPrint version whose ``LayoutContext._update_footnote_area`` is replaced.
PATCHED_VERSION = "70.0"


def _update_footnote_area(self):
    """``LayoutContext._update_footnote_area`` of WeasyPrint 70.0 (BSD-3-Clause, © Simon Sapin
    and contributors), unchanged except for the overflow test (see the module docstring)."""
    from math import inf

    from weasyprint.formatting_structure import build
    from weasyprint.layout.block import block_level_layout

    if self.current_footnote_area.height != "auto" and not self.in_column:
        self.page_bottom += self.current_footnote_area.margin_height()
    self.current_footnote_area.children = self.current_page_footnotes
    if self.current_footnote_area.children:
        footnote_area = build.create_anonymous_boxes(self.current_footnote_area.deepcopy())
        footnote_area = block_level_layout(self, footnote_area, -inf, None, self.current_footnote_area.page)[0]
        self.current_footnote_area.height = footnote_area.height
        if not self.in_column:
            self.page_bottom -= footnote_area.margin_height()
        last_child = footnote_area.children[-1]
        last_child_bottom = last_child.position_y + last_child.margin_height() - last_child.margin_bottom
        footnote_area_bottom = (footnote_area.position_y + footnote_area.margin_height()
                                - footnote_area.margin_bottom)
        # pressroom: was ``last_child_bottom > footnote_area_bottom``.
        return self.overflows(footnote_area_bottom, last_child_bottom)
    self.current_footnote_area.height = 0
    if not self.in_column:
        self.page_bottom -= self.current_footnote_area.margin_height()
    return False


def install() -> bool:
    """Install the fix (idempotent); False when the installed WeasyPrint is not the version it
    was written for (then nothing is changed, and the page check still guards the output)."""
    import weasyprint
    from weasyprint.layout import LayoutContext

    if weasyprint.__version__ != PATCHED_VERSION:
        return False
    LayoutContext._update_footnote_area = _update_footnote_area
    return True


def note_pages(document) -> dict[int, tuple[int, int | None]]:
    """{note number: (page of its call, page where its text starts or None)}, 1-based, read
    from WeasyPrint's layout tree: the call is the ``::footnote-call`` box in the page's body,
    the text is the note's block box in the page's footnote area."""
    from weasyprint.formatting_structure import boxes

    calls: dict[str, int] = {}
    texts: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for box in page._page_box.descendants():
            if isinstance(box, boxes.FootnoteAreaBox):
                for note in box.descendants():
                    el = getattr(note, "element", None)
                    if (isinstance(note, boxes.BlockBox) and el is not None and el.get("id")
                            and "footnote" in (el.get("class") or "").split()):
                        texts.setdefault(el.get("id"), number)
            elif (box.element_tag or "").endswith("::footnote-call"):
                el = box.element
                if el is not None and el.get("id"):
                    calls.setdefault(el.get("id"), number)
    return {int(ident.removeprefix("fn")): (page, texts.get(ident))
            for ident, page in calls.items() if ident.removeprefix("fn").isdigit()}


def check_notes_on_call_pages(document, edition: str) -> None:
    """Raise BuildError naming the first note whose text does not start on its call's page."""
    for number, (call, text) in sorted(note_pages(document).items()):
        if text != call:
            where = f"on page {text}" if text else "nowhere"
            raise BuildError(
                f"footnote {number} would be set {where}, its call on page {call} ({edition} edition); "
                "a note must start on the page of its call (hint: shorten the note, or move its call "
                "earlier in the paragraph)")
