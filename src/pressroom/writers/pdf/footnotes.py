"""Footnotes in WeasyPrint's layout: two engine fixes and the check that every note starts on
the page of its call. Used by the PDF writer (and by the EPUB writer's page-list, which lays
out the print edition and must paginate it exactly as the PDF writer does).

Two causes of "a footnote on the page after its call, its call's page half empty"
--------------------------------------------------------------------------------
Both are in WeasyPrint 70.0 (the pinned version) and neither is issue #1564 (a call in the
last line of a page). Both showed in the screen edition only: the print edition was laid out
as a one-column multi-column box, which escapes them and loses notes its own way (below).

1. An exact floating-point comparison. ``weasyprint/layout/__init__.py``,
   ``LayoutContext._update_footnote_area``, lays out the footnote area each time a note is
   added and reports an overflow when the bottom of its last note is below the bottom of
   the area::

       overflow = last_child_bottom > footnote_area_bottom

   The two sides add the same lengths (the area's margin, border and padding, the notes'
   heights) in a different order, and ``>`` is exact. With the screen edition's
   ``@footnote { padding-top: 2mm }`` (7.559055… px) the last note's bottom comes out
   2.3e-13 px below the area's, so *every* note "overflows" the moment it is added,
   wherever its call is; ``weasyprint/layout/block.py``, ``_linebox_layout`` (the
   ``if context.footnotes:`` branch) then ``report_footnote``s it to the next page, and,
   since ``context.reported_footnotes`` is then non-empty, every later note of that page
   too. (The print edition's 1.8 mm happens to add up exactly: luck, not a margin.) Every
   other overflow test in the engine goes through ``LayoutContext.overflows``, which allows
   a relative error of 1e-9 "to avoid floating numbers errors"; the fix uses it here too.

2. Notes given away to make room for a paragraph's widows. In ``_linebox_layout``, when a
   line overflows the page and the paragraph may not break before it (orphans/widows), the
   engine reports the page's last note to the next page to make room for the line::

       report = not context.in_column and can_break_now and not could_break_before
       while report and context.current_page_footnotes:
           context.report_footnote(context.current_page_footnotes[-1])

   That note's call can be anywhere above, in another paragraph: it is moved away from its
   call to keep two lines of some other paragraph together. (Inside columns, ``in_column``,
   as in the print edition, the engine never does it.) The fix sets ``report = False``
   there: the paragraph breaks by its orphans and widows, as everywhere else, and the note
   stays with its call.

Two more things keep notes with their calls, in the stylesheets, not here:
``footnote-policy: line`` (styles/base.css) takes a call's line to the next page when its
note does not fit under it (with cause 1 fixed, the policy works; before, every note
"overflowed" and the policy pushed every call); and the print edition's single column is
normal flow (``--columns: auto`` in styles/trim/), because the multi-column layout
(``layout/column.py``, ``columns_layout``) reports notes to the next page when its trial
column heights do not settle (``_report_footnotes``).

``install()`` makes both one-line changes in the engine's own source (read from the
installed package, changed, compiled under the original file name, put in place of the
originals), only on the version they were written for and only if each line is found
exactly once. Whatever the engine does, ``check_notes_on_call_pages`` refuses a layout in
which a note does not start on the page of its call.
"""

from __future__ import annotations

import inspect
import textwrap

from ...errors import BuildError

#: The WeasyPrint version whose code ``install()`` changes.
PATCHED_VERSION = "70.0"

#: (module, function or Class.method, the line as WeasyPrint 70.0 has it, the line instead).
PATCHES = (
    ("weasyprint.layout", "LayoutContext._update_footnote_area",
     "overflow = last_child_bottom > footnote_area_bottom",
     "overflow = self.overflows(footnote_area_bottom, last_child_bottom)  # pressroom"),
    ("weasyprint.layout.block", "_linebox_layout",
     "report = not context.in_column and can_break_now and not could_break_before",
     "report = False  # pressroom: never move a note away from its call"),
)

_installed = False


def _patched(module, qualname: str, old: str, new: str):
    """The function ``qualname`` of ``module`` compiled with the line ``old`` replaced by ``new``."""
    owner, _, name = qualname.rpartition(".")
    target = getattr(module, owner) if owner else module
    func = getattr(target, name)
    lines, first = inspect.getsourcelines(func)
    source = "".join(lines)
    if source.count(old) != 1:
        raise BuildError(f"cannot fix WeasyPrint's footnote layout: {qualname} has changed")
    # Blank lines keep the line numbers of the original file in tracebacks.
    code = compile("\n" * (first - 1) + textwrap.dedent(source.replace(old, new)),
                   inspect.getsourcefile(func), "exec")
    namespace: dict = {}
    exec(code, vars(module), namespace)  # noqa: S102 - the installed engine's own source
    return target, name, namespace[name]


def install() -> bool:
    """Make the two changes (once per process); False when the installed WeasyPrint is not the
    version they were written for (then nothing is changed; the page check still guards)."""
    global _installed
    import importlib

    import weasyprint

    if _installed:
        return True
    if weasyprint.__version__ != PATCHED_VERSION:
        return False
    try:
        fixed = [_patched(importlib.import_module(mod), qualname, old, new) for mod, qualname, old, new in PATCHES]
    except (OSError, TypeError):  # the engine's source is not installed (only its bytecode)
        return False
    for target, name, func in fixed:
        setattr(target, name, func)
    _installed = True
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
                "a note must start on the page of its call (hint: shorten the note: it must fit at the "
                "foot of a page, under the line that calls it)")
