"""Right-to-left text: /ActualText spans in logical order, applied while WeasyPrint draws the text."""

from __future__ import annotations

import contextlib
import logging
import re
import sys


from ... import actualtext


_log = logging.getLogger(__name__)


# -- right-to-left text: /ActualText ---------------------------------------------------------

_TJ_ITEM = re.compile(rb"\[(.*)\] TJ", re.S)
_TJ_TOKEN = re.compile(rb"<([0-9a-fA-F]*)>|([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)")


def _drawn_glyphs(textbox):
    """What WeasyPrint's draw_first_line has just drawn, walking Pango's runs as it does:
    (glyph id, index in the text of its cluster's first character) of each glyph in drawing
    order, and the bidi level of each character of the text; None if a glyph is missing."""
    from weasyprint.text.ffi import ffi, pango

    layout = textbox.pango_layout
    text = layout.text
    char_at = {}
    pos = 0
    for i, ch in enumerate(text):
        char_at[pos] = i
        pos += len(ch.encode())
    char_at[pos] = len(text)
    levels: list[int | None] = [None] * len(text)
    first_line, _ = layout.get_first_line()
    glyphs = []
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        item = glyph_item.item
        if item.offset not in char_at or item.offset + item.length not in char_at:
            return None
        # WeasyPrint's cdef declares PangoAnalysis.level as a guint where Pango has four
        # guint8 (level, gravity, flags, script): the level is the first byte.
        level = item.analysis.level
        level = level & 0xFF if sys.byteorder == "little" else level >> 24
        for k in range(char_at[item.offset], char_at[item.offset + item.length]):
            levels[k] = level
        string = glyph_item.glyphs
        for i in range(string.num_glyphs):
            glyph = string.glyphs[i].glyph
            if glyph == pango.PANGO_GLYPH_EMPTY:
                continue
            if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG or item.offset + string.log_clusters[i] not in char_at:
                return None
            glyphs.append((glyph, char_at[item.offset + string.log_clusters[i]]))
    if None in levels:
        return None
    return glyphs, levels


def _split_tj(items, glyphs, spans):
    """The stream items of one drawn line with each span's glyphs inside ``/Span
    <</ActualText …>> BDC … EMC``, TJ arrays cut where a span starts or ends. None if the TJ
    operators do not show exactly ``glyphs``."""
    import pydyf

    first = {a: text for a, _, text in spans}
    last = {b for _, b, _ in spans}
    out: list = []
    g = 0
    for item in items:
        mo = _TJ_ITEM.fullmatch(item) if isinstance(item, bytes) else None
        if mo is None:
            out.append(item)
            continue
        piece: list[bytes] = []
        shown: list[bytes] = []

        def flush():
            if piece:
                out.append(b"[" + b"".join(piece) + b"] TJ")
                shown.extend(piece)
                piece.clear()

        for hex_ids, number in _TJ_TOKEN.findall(mo.group(1)):
            if number:
                piece.append(number)
                continue
            if not hex_ids:
                piece.append(b"<>")  # WeasyPrint's empty strings keep numbers apart: "0<>-11.4"
                continue
            if len(hex_ids) % 4:
                return None
            for k in range(0, len(hex_ids), 4):
                if g >= len(glyphs) or int(hex_ids[k:k + 4], 16) != glyphs[g][0]:
                    return None
                if g in first:
                    flush()
                    out.extend([b"/Span", pydyf.Dictionary({"ActualText": pydyf.String(first[g])}), b"BDC"])
                piece.append(b"<" + hex_ids[k:k + 4] + b">")
                if g in last:
                    flush()
                    out.append(b"EMC")
                g += 1
        flush()
        if b"".join(shown).replace(b"><", b"") != mo.group(1).replace(b"><", b""):
            return None  # the pieces must show what the TJ showed
    return out if g == len(glyphs) else None


@contextlib.contextmanager
def _actual_text(rtl: bool, logical: dict | None = None):
    """While WeasyPrint draws: give each word of the text boxes that hold right-to-left text
    (in a right-to-left publication: of every text box) an /ActualText that poppler reads as
    the word in logical order (pressroom.actualtext, issue 13).

    The spans are marked content inside the text object of the line WeasyPrint draws (in the
    tagged screen edition, inside the box's ``/Span <</MCID n>>``): ``/Span <</ActualText …>>
    BDC … EMC`` around each word's glyphs, the spaces left outside. If the drawn glyphs cannot
    be matched to words, the line gets one span. Text boxes without right-to-left text in a
    left-to-right publication are drawn exactly as before.

    ``logical`` collects, for the tagged edition, the text of each such box in logical order:
    {id of the page's tags: {MCID: text}}, for ``_Finisher.structure_actual_text``."""
    import pydyf
    from weasyprint.draw import text as draw_text

    original = draw_text.draw_first_line

    def draw_first_line(stream, textbox, *args, **kwargs):
        start = len(stream.stream)
        result = original(stream, textbox, *args, **kwargs)
        text = textbox.pango_layout.text
        if len(stream.stream) == start or not text.strip() or not (rtl or actualtext.has_rtl(text)):
            return result
        items = stream.stream[start:]
        tags = stream._tags
        if logical is not None and tags is not None and textbox in tags:
            logical.setdefault(id(tags), {})[tags[textbox]["mcid"]] = text
        drawn = _drawn_glyphs(textbox)
        glyphs, levels = drawn if drawn else ([], [])
        spans = actualtext.word_spans(text, [s for _, s in glyphs], levels, rtl) if glyphs else None
        if spans == []:
            return result  # left-to-right words only: drawn as they are
        rewritten = _split_tj(items, glyphs, spans) if spans is not None else None
        if rewritten is None:
            _log.debug("one ActualText for the line %r (its words could not be matched)", text)
            rewritten = [b"/Span", pydyf.Dictionary({"ActualText": pydyf.String(
                actualtext.poppler_text(text, rtl))}), b"BDC", *items, b"EMC"]
        stream.stream[start:] = rewritten
        return result

    draw_text.draw_first_line = draw_first_line
    try:
        yield
    finally:
        draw_text.draw_first_line = original
