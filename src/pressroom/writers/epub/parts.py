"""The package's part names and the claims the EPUB makes."""

from __future__ import annotations

from ... import html as H


XHTML = H.XHTML
EPUB_NS = H.EPUB_NS
XML_LANG = H.XML_LANG
EPUB_TYPE = f"{{{EPUB_NS}}}type"

CHAPTER = "interview.xhtml"
COVER_PAGE = "cover.xhtml"
NAV = "nav.xhtml"
CSS = "epub.css"
#: Per-language typography shared with the PDF (issue 6); it names no font.
LANG_CSS = "languages.css"
COVER_IMAGE = "images/cover.png"

#: The conformance claim, backed by tests/test_epub.py (EPUBCheck + Ace + the checks Ace cannot make).
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"

#: Parents in which a page-break marker may be a block (<div>) before a child.
_FLOW_PARENTS = {"body", "article", "section", "div", "header", "footer", "aside", "blockquote",
                 "figure", "li", "main", "nav", "dd"}


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
