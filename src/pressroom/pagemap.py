"""The print edition's page map: where each print page begins in the document.

The print writer lays out its HTML with WeasyPrint; for each page, the first line (or image) is
traced back to its element and to the number of characters of that element already set on
earlier pages (``starts``). It writes the map beside its PDF as ``build/<stem>.pages.json``
(``dumps``), and the EPUB writer reads it back (``loads``) to put its page-break markers and its
page-list at the same places. Elements are named by their structural ``key``: the nearest
ancestor with an id and the path of steps from it, so that the markup only one edition has
(floated footnotes, the FPO box) does not shift the mapping.

Nothing here imports a writer; WeasyPrint is imported only by ``starts``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: The version of the file's layout; another is refused (the print edition is rebuilt).
SCHEMA = 1

#: Characters that layout may insert or that are not text (hyphenation).
NOT_COUNTED = {"\u2010", "\u00ad"}


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def key(el, parent_of) -> tuple:
    """(id of the nearest ancestor-or-self with an id, path of steps (tag, class, index among
    the siblings with the same tag and class)). The class keeps an element that only one edition
    has (a print-only kicker, say) from taking the place of its namesake in the other."""
    path = []
    node = el
    while node is not None:
        node_id = node.get("id")
        if node_id:
            return node_id, tuple(reversed(path))
        parent = parent_of(node)
        if parent is None:
            break
        tag, cls = _local(node.tag), node.get("class") or ""
        same = [c for c in parent if _local(c.tag) == tag and (c.get("class") or "") == cls]
        path.append((tag, cls, same.index(node)))
        node = parent
    return "", tuple(reversed(path))


@dataclass(frozen=True)
class PageStart:
    number: int   # the page number printed on the page (page index + 1)
    key: tuple    # structural key of the element the page's first line belongs to
    chars: int    # countable characters of that element set on earlier pages
    #: keys of the elements that follow in the print document, for an element only print has
    following: tuple = ()


def countable(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace() and ch not in NOT_COUNTED)


def starts(doc_html, document) -> list[PageStart]:
    """Where each page of a laid-out print edition (weasyprint.HTML, Document) begins."""
    from weasyprint.formatting_structure import boxes as B

    root = doc_html.etree_element
    parents = {c: p for p in root.iter() for c in p}
    in_order = [el for el in root.iter() if isinstance(el.tag, str)]
    order = {el: i for i, el in enumerate(in_order)}

    def following(el) -> tuple:
        i = order.get(el, len(in_order))
        return tuple(key(e, parents.get) for e in in_order[i + 1: i + 40])

    def text_of(line) -> int:
        n = 0
        for box in line.descendants():
            if isinstance(box, B.TextBox) and "::" not in (box.element_tag or ""):
                n += countable(box.text)
        return n

    def flow(box):
        """Line boxes and block images of a page, in order; not margins or footnotes."""
        if isinstance(box, (B.MarginBox, B.FootnoteAreaBox)):
            return
        if isinstance(box, B.LineBox) or isinstance(box, B.BlockReplacedBox):
            yield box
            return
        for child in getattr(box, "children", ()):
            yield from flow(child)

    seen: dict[int, int] = {}  # id(element) -> countable characters set so far
    result: list[PageStart] = []
    for index, page in enumerate(document.pages):
        first = None
        for box in flow(page._page_box):
            el = box.element
            if el is None:
                continue
            if isinstance(box, B.LineBox):
                n = text_of(box)
                has_image = any(isinstance(b, B.InlineReplacedBox) for b in box.descendants())
                if n == 0 and not has_image:
                    continue
            else:
                n = 0
            if first is None:
                first = PageStart(index + 1, key(el, parents.get), seen.get(id(el), 0), following(el))
            seen[id(el)] = seen.get(id(el), 0) + n
        if first is None:
            log.info("print page %d has no text in the flow; no page-break marker", index + 1)
            continue
        result.append(first)
    return result


# ---------------------------------------------------------------------------
# The file


def _key_json(k: tuple) -> list:
    return [k[0], [list(step) for step in k[1]]]


def _key_tuple(k) -> tuple:
    ident, steps = k
    if not isinstance(ident, str):
        raise ValueError("a key's id is not text")
    return ident, tuple((str(t), str(c), int(i)) for t, c, i in steps)


def dumps(pages: list[PageStart]) -> bytes:
    data = {"schema": SCHEMA, "pages": [
        {"number": p.number, "key": _key_json(p.key), "chars": p.chars,
         "following": [_key_json(k) for k in p.following]} for p in pages]}
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def loads(data: bytes | str) -> list[PageStart]:
    """The page map ``dumps`` wrote; ``ValueError`` for anything else."""
    try:
        obj = json.loads(data)
        if obj.get("schema") != SCHEMA:
            raise ValueError(f"page map schema {obj.get('schema')!r}, this pressroom reads schema {SCHEMA}")
        return [PageStart(int(p["number"]), _key_tuple(p["key"]), int(p["chars"]),
                          tuple(_key_tuple(k) for k in p["following"])) for p in obj["pages"]]
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as e:
        raise ValueError(f"not a page map ({e})") from None
