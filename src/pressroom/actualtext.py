"""Right-to-left text that copies in logical order from the PDFs (issue 13).

WeasyPrint writes each glyph with a ToUnicode entry and draws right-to-left text in visual
order. poppler (pdftotext, Evince, Okular...) rebuilds logical order itself, line by line,
by reversing the right-to-left runs of what it reads left to right. That works letter by
letter, but not for a glyph that stands for several letters (a lam-alef ligature, "لا",
comes out "ال"), nor for vowel marks (set as glyphs of their own, which poppler cuts into
words of their own), nor for mirrored brackets, nor for the space between a left-to-right
run and the right-to-left word after it (poppler drops it: "DGACMعملها").

The writer therefore puts each word of such a line in a marked-content span with an
``/ActualText`` (``/Span <</ActualText …>> BDC … EMC`` inside the line's text object, and so
inside the text box's MCID span in the tagged screen edition; the spaces stay outside, so
that poppler still sees words). poppler feeds an ActualText to its text model as one glyph
spread over the span's width, left to right, and then reorders the line as for any glyphs: so
each word's string is its stretch of the line in visual order (``visual_text``, from the bidi
levels the layout engine resolved), with the neutral characters at direction changes held
in place by a directional mark (U+200F, U+200E: invisible, and not text: the checks drop
them). When the words cannot be matched, the line gets one span (``poppler_text``, built
from poppler's own sections, which reads back by construction). The per-word strings are
checked with ``poppler_reorder`` before they are used.

The ActualText of marked content is thus in the order poppler needs, not in logical order;
the screen edition also gives each text box's structure element its text in logical order
(``/ActualText`` on the /Span structure element), which is what screen readers read.

The reordering is poppler's ``reorderText`` (TextOutputDev.cc) with its character classes
(UnicodeTypeTable.cc): per page, a right-to-left page (more right-to-left letters than
left-to-right ones) is read from its right end, each run of characters that are not L or
number-like is reversed and each run of characters that are not R is kept. This module
is plain text processing, with no PDF code; ``writers/pdf/rtl.py`` applies it while WeasyPrint
draws. Checked against poppler 22.12 (Debian 12's); the classes and the reordering are those
of its TextOutputDev.cc and UnicodeTypeTable.cc.
"""

from __future__ import annotations

import unicodedata

RLM = "\u200f"
LRM = "\u200e"

#: poppler 22's UnicodeTypeTable differs from Unicode's bidi classes on these characters.
_POPPLER_TYPE = {
    **{c: "R" for c in (0x5C5, 0x5C7, 0x616, 0x617, 0x618, 0x619, 0x61A, 0x202B, 0x202E,
                        0x600, 0x601, 0x602, 0x603, 0x6DD)},
    **{c: "#" for c in (0x606, 0x607, 0x608, 0x60B, 0x659, 0x65A, 0x65B, 0x65C, 0x65D, 0x65E, 0x65F)},
    **{c: "L" for c in (0x202A, 0x202D)},
    0x202F: "N",
}
_NUMBERLIKE = frozenset(("EN", "AN", "ES", "ET", "CS"))


def char_type(ch: str) -> str:
    """poppler's class of a character: "L", "R", "#" (number-like) or "N" (neutral)."""
    cp = ord(ch)
    if cp in _POPPLER_TYPE:
        return _POPPLER_TYPE[cp]
    if cp > 0xFFFF:
        return "N"  # poppler's table has no entries beyond the BMP
    bidi = unicodedata.bidirectional(ch)
    if bidi in ("R", "AL"):
        return "R"
    if bidi == "L":
        return "L"
    return "#" if bidi in _NUMBERLIKE else "N"


def has_rtl(text: str) -> bool:
    return any(char_type(c) == "R" for c in text)


def _sections(text: str, rtl_page: bool) -> list[tuple[bool, str]]:
    """``text`` cut as poppler cuts a line it reorders: (is_rtl, run) in logical order.

    A right-to-left section is a run without L or number-like characters; a left-to-right
    one a run without R characters. A mark of the page's direction follows each run of the
    other direction, so that the neutrals after it stay after it (poppler ends a run of the
    other direction at its last strong or number-like character)."""
    mark = RLM if rtl_page else LRM

    def other_start(c):
        t = char_type(c)
        return t in ("L", "#") if rtl_page else t == "R"

    def own_strong(c):
        t = char_type(c)
        return t == "R" if rtl_page else t in ("L", "#")

    out: list[tuple[bool, str]] = []
    i, n = 0, len(text)
    own: list[str] = []
    while i < n:
        while i < n and not other_start(text[i]):
            own.append(text[i])
            i += 1
        if own:
            out.append((rtl_page, "".join(own)))
        if i == n:
            break
        j, last = i, i
        while j < n and not own_strong(text[j]):
            if other_start(text[j]):
                last = j + 1
            j += 1
        out.append((not rtl_page, text[i:last]))
        own = [mark]
        i = last
    if i == n and out and out[-1][0] != rtl_page:
        out.append((rtl_page, mark))
    return out


def poppler_text(text: str, rtl_page: bool) -> str:
    """The /ActualText for a span showing ``text`` (logical order): the string that
    poppler, laying it out left to right and reordering the line of a right-to-left
    (``rtl_page``) or left-to-right page, reads as ``text`` plus directional marks."""
    parts = [run[::-1] if is_rtl else run for is_rtl, run in _sections(text, rtl_page)]
    return "".join(reversed(parts)) if rtl_page else "".join(parts)


def poppler_reorder(visual: str, rtl_page: bool) -> str:
    """What poppler's ``reorderText`` makes of a line it has read left to right as ``visual``
    (the directional embeddings it adds left out): used to check a string before it is
    written."""
    out: list[str] = []
    n = len(visual)

    def strong_l(c):
        return char_type(c) in ("L", "#")

    if not rtl_page:
        i = 0
        while i < n:
            j = i
            while j < n and char_type(visual[j]) != "R":
                j += 1
            out.append(visual[i:j])
            i = j
            while j < n and not strong_l(visual[j]):
                j += 1
            out.append(visual[i:j][::-1])
            i = j
    else:
        i = n - 1
        while i >= 0:
            j = i
            while j >= 0 and not strong_l(visual[j]):
                j -= 1
            out.append(visual[j + 1:i + 1][::-1])
            i = j
            while j >= 0 and char_type(visual[j]) != "R":
                j -= 1
            out.append(visual[j + 1:i + 1])
            i = j
    return "".join(out)


def visual_text(text: str, levels: list[int], rtl_page: bool) -> str | None:
    """``text`` in the visual order its bidi ``levels`` (one per character, as the layout
    engine resolved them) give, with the directional marks that make poppler read it back
    as ``text``; None if poppler would not (then only ``poppler_text`` can be used).

    On a right-to-left page a mark follows each left-to-right run and each number-like
    character of a right-to-left run (poppler takes ":" or "،" for the start of a number);
    on a left-to-right page a mark follows each right-to-left run."""
    mark, mark_level = (RLM, 1) if rtl_page else (LRM, 0)
    chars: list[tuple[str, int]] = []
    for i, (c, level) in enumerate(zip(text, levels)):
        chars.append((c, level))
        odd = level % 2 == 1
        run_ends = i + 1 == len(text) or (levels[i + 1] % 2 == 1) != odd
        if rtl_page and ((not odd and run_ends) or (odd and char_type(c) == "#")):
            chars.append((mark, mark_level))
        elif not rtl_page and odd and run_ends:
            chars.append((mark, mark_level))
    # Unicode's rule L2: from the highest level down to the lowest odd one, reverse every run
    # at that level or higher.
    if chars:
        top = max(level for _, level in chars)
        lowest_odd = min((level for _, level in chars if level % 2), default=top + 1)
        for level in range(top, lowest_odd - 1, -1):
            i = 0
            while i < len(chars):
                if chars[i][1] >= level:
                    j = i
                    while j < len(chars) and chars[j][1] >= level:
                        j += 1
                    chars[i:j] = chars[i:j][::-1]
                    i = j
                else:
                    i += 1
    visual = "".join(c for c, _ in chars)
    back = poppler_reorder(visual, rtl_page).replace(RLM, "").replace(LRM, "")
    return visual if back == text else None


def word_spans(text: str, starts: list[int], levels: list[int], rtl_page: bool
               ) -> list[tuple[int, int, str]] | None:
    """The ActualText spans of a line of glyphs: (first glyph, last glyph, ActualText).

    ``starts`` gives, for each glyph in drawing (visual, left-to-right) order, the index in
    ``text`` of the first character of its cluster; ``levels`` the bidi level of each
    character. Glyphs are grouped into words: runs of glyphs between space glyphs (the
    spaces stay outside the spans, so that poppler still sees the words and the gaps between
    them). Each word gets its stretch of ``visual_text``, cut at the same spaces, but for
    left-to-right words of letters or digits alone, which need none. None when that cannot
    be done (the caller then gives the line one span of ``poppler_text``)."""
    if not starts:
        return []
    visual = visual_text(text, levels, rtl_page)
    if visual is None:
        return None
    bounds = sorted(set(starts)) + [len(text)]
    end_of = {s: bounds[i + 1] for i, s in enumerate(bounds[:-1])}
    words: list[list[int]] = []  # glyph indices, left to right
    previous_space = True
    for g, s in enumerate(starts):
        if text[s:end_of[s]] == " ":
            previous_space = True
            continue
        if previous_space:
            words.append([])
        words[-1].append(g)
        previous_space = False
    pieces = [p for p in visual.split(" ") if p]
    if len(pieces) != len(words):
        return None
    out = []
    for glyphs, piece in zip(words, pieces):
        shown = "".join(text[s:end_of[s]] for s in sorted({starts[g] for g in glyphs}))
        if not piece.strip(RLM + LRM) or _alnum(piece) != _alnum(shown):
            return None
        if piece == shown and piece.isalnum() and not has_rtl(piece):
            continue  # a left-to-right word or number: its glyphs already say it
        out.append((glyphs[0], glyphs[-1], piece))
    return out


def _alnum(text: str) -> list[str]:
    return sorted(c for c in text if c.isalnum())
