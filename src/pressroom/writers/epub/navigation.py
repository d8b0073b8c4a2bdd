"""The navigation document: table of contents, landmarks and the page-list."""

from __future__ import annotations

from ... import html as H
from ... import model as m
from ...styles import Strings
from .parts import CHAPTER, COVER_PAGE, EPUB_TYPE, NAV
from .cover import _xhtml


def nav_document(interview: m.Interview, strings: Strings, markers: list[int]) -> bytes:
    meta = interview.meta
    root, body = _xhtml(meta, strings["contents"])
    body.set("class", "nav")

    toc = H.E("nav", {"id": "toc", "role": "doc-toc"})
    toc.set(EPUB_TYPE, "toc")
    toc.append(H.E("h1", {"class": "toc-title"}, text=strings["contents"]))
    ol = H.E("ol")
    top = H.E("li", {}, H.E("a", {"href": f"{CHAPTER}#title"}, text=meta.title))
    if interview.exchanges:
        sub = H.E("ol")
        for ex in interview.exchanges:
            sub.append(H.E("li", {}, H.E("a", {"href": f"{CHAPTER}#{ex.id}"}, text=_question_text(ex))))
        top.append(sub)
    ol.append(top)
    if interview.notes:
        ol.append(H.E("li", {}, H.E("a", {"href": f"{CHAPTER}#footnotes"}, text=strings["footnotes"])))
    toc.append(ol)
    body.append(toc)

    land = H.E("nav", {"id": "landmarks", "hidden": "hidden"})
    land.set(EPUB_TYPE, "landmarks")
    lol = H.E("ol")
    for href, kind, label in ((COVER_PAGE, "cover", strings["cover"]),
                              (f"{NAV}#toc", "toc", strings["contents"]),
                              (f"{CHAPTER}", "bodymatter", strings["start"])):
        a = H.E("a", {"href": href}, text=label)
        a.set(EPUB_TYPE, kind)
        lol.append(H.E("li", {}, a))
    land.append(lol)
    body.append(land)

    if markers:
        pl = H.E("nav", {"id": "page-list", "role": "doc-pagelist", "hidden": "hidden"})
        pl.set(EPUB_TYPE, "page-list")
        pl.append(H.E("h2", text=strings["pages"]))
        pol = H.E("ol")
        for n in markers:
            pol.append(H.E("li", {}, H.E("a", {"href": f"{CHAPTER}#page-{n}"}, text=str(n))))
        pl.append(pol)
        body.append(pl)
    return H.to_bytes(root)


def _question_text(ex: m.Exchange) -> str:
    return " ".join(m.plain_text(ex.question).split())
