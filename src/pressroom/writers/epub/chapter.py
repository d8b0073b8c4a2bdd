"""The chapter document: the shared XHTML of ``html.py`` with EPUB semantics and the page-break markers."""

from __future__ import annotations

import logging

from ... import html as H
from ... import model as m
from ...pagemap import PageStart, key as _key
from ...styles import Strings
from .parts import CSS, EPUB_TYPE, LANG_CSS, XHTML
from .pagebreaks import _insert_at, _insert_before, _marker

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# The chapter document


def html_options() -> H.HtmlOptions:
    return H.HtmlOptions(footnotes="aside", placeholder="caption", epub=True, stylesheets=(CSS, LANG_CSS))


def _image_name(image: m.Image | None) -> str | None:
    if image is None or not image.path:
        return None
    ext = ".png" if image.media_type == "image/png" else ".jpg"
    return "images/photo" + ext


def chapter_document(interview: m.Interview, strings: Strings, pages: list[PageStart]):
    """The chapter's XHTML bytes and the page numbers of the markers it carries, in order."""
    opts = html_options()
    image_name = _image_name(interview.image)
    if image_name:
        from dataclasses import replace

        opts = replace(opts, image_src=image_name)
    root = H.build(interview, strings, opts)
    _epub_semantics(root, strings)

    body = root.find(f"{{{XHTML}}}body")
    elements = list(body.iter())
    keyed = {}
    for el in elements:
        if isinstance(el.tag, str):
            keyed.setdefault(_key(el, lambda n: n.getparent()), el)

    # Resolve every target before inserting anything (insertion changes sibling indexes).
    targets = []
    for p in pages:
        el = keyed.get(p.key)
        chars = p.chars
        if el is None:
            # An element only the print edition has (an FPO box): the page starts at the next
            # element the EPUB has, at its beginning.
            el = next((keyed[k] for k in p.following if k in keyed), None)
            chars = 0
        if el is None:
            log.warning("print page %d: no matching element in the EPUB; no marker", p.number)
            continue
        targets.append((p.number, el, chars))

    numbers = []
    for number, el, chars in targets:
        if chars == 0 or not _insert_at(el, chars, _marker("span", number)):
            if chars:
                log.warning("print page %d: position not found; marker before the block", number)
            _insert_before(el, number)
        numbers.append(number)
    return H.to_bytes(root), numbers


def _epub_semantics(root, strings: Strings) -> None:
    """Adjustments of the shared XHTML for reading systems and checkers."""
    body = root.find(f"{{{XHTML}}}body")
    body.set(EPUB_TYPE, "bodymatter")
    for art in root.iter(f"{{{XHTML}}}article"):
        # ARIA in HTML does not allow role="doc-chapter" on <article>, and Ace wants the role
        # that matches epub:type="chapter": the EPUB's chapter is a <section>.
        if art.get(EPUB_TYPE) == "chapter":
            art.tag = f"{{{XHTML}}}section"
            art.set("role", "doc-chapter")
    for sec in root.iter(f"{{{XHTML}}}section"):
        if "footnotes" in (sec.get("class") or "").split() and not sec.get("id"):
            sec.set("id", "footnotes")
