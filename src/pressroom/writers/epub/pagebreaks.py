"""Page-break markers: where the print edition's pages begin (its page map), in the EPUB's chapter.

For each page, the print writer's page map gives the element its first line belongs to (by its
structural key) and the characters of it set on earlier pages; the marker goes at the same place
in the EPUB's element, moved back to the start of the word if the page begins inside a
hyphenated word.
"""

from __future__ import annotations

from lxml import etree

from ...pagemap import NOT_COUNTED as _NOT_COUNTED
from .parts import EPUB_TYPE, XHTML, _FLOW_PARENTS, _local


def _marker(tag: str, number: int):
    el = etree.Element(f"{{{XHTML}}}{tag}")
    el.set(EPUB_TYPE, "pagebreak")
    el.set("role", "doc-pagebreak")
    el.set("id", f"page-{number}")
    el.set("aria-label", str(number))
    return el


def _segments(el):
    """Text pieces of ``el`` in reading order as (owner, 'text'|'tail', string); note calls excluded."""
    out = []

    def walk(node):
        if node.text:
            out.append((node, "text", node.text))
        for child in node:
            if not (_local(child.tag) == "sup" and child.find(f"{{{XHTML}}}a[@class='noteref']") is not None) \
                    and not isinstance(child, etree._Comment):
                walk(child)
            if child.tail:
                out.append((child, "tail", child.tail))

    walk(el)
    return out


def _insert_at(el, chars: int, marker) -> bool:
    """Put ``marker`` inside ``el`` before its countable character number ``chars`` (0-based),
    moved back to the start of the word. False if ``el`` has fewer characters."""
    segs = _segments(el)
    flat = "".join(s for _, _, s in segs)
    count = 0
    pos = None
    for i, ch in enumerate(flat):
        if ch.isspace() or ch in _NOT_COUNTED:
            continue
        if count == chars:
            pos = i
            break
        count += 1
    if pos is None:
        return False
    while pos > 0 and not flat[pos - 1].isspace():
        pos -= 1
    # Find the segment holding flat[pos]; prefer the start of a segment over the end of the previous.
    offset = 0
    for owner, kind, s in segs:
        if offset <= pos < offset + len(s):
            k = pos - offset
            if kind == "text":
                owner.text = s[:k] or None
                marker.tail = s[k:]
                owner.insert(0, marker)
            else:
                owner.tail = s[:k] or None
                marker.tail = s[k:]
                parent = owner.getparent()
                parent.insert(parent.index(owner) + 1, marker)
            return True
        offset += len(s)
    return False


def _insert_before(el, number: int):
    parent = el.getparent()
    if parent is not None and _local(parent.tag) in _FLOW_PARENTS:
        marker = _marker("div", number)
        parent.insert(parent.index(el), marker)
    else:
        marker = _marker("span", number)
        marker.tail = el.text
        el.text = None
        el.insert(0, marker)
