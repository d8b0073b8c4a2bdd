"""EPUB 3 writer: the model's XHTML packaged with ebooklib.

What goes in the package (all of it derived from the model and ``styles/``):

- ``cover.xhtml`` + ``images/cover.png``: a typographic cover drawn with Pillow
  from the metadata (design in ``styles/cover.json``, fonts in ``styles/fonts``);
- ``nav.xhtml``: the table of contents (the questions), hidden landmarks and a
  hidden page-list; ``toc.ncx`` for EPUB 2 reading systems;
- ``interview.xhtml``: the shared XHTML of ``html.py`` with EPUB semantics
  (``epub:type`` + DPUB-ARIA roles, ``<aside>`` footnotes with back-links) and
  page-break markers where the pages of the print edition begin;
- ``epub.css``: the reflowable stylesheet from ``styles/``;
- the lead photo, if the source has one.

Page-break markers come from the print edition's page map (``build/<stem>.pages.json``, see
``pagemap.py``), which the print writer writes beside its PDF: this writer never lays out the
print edition and never imports the PDF writer.

Modules: ``parts`` (part names), ``chapter`` (the chapter document), ``pagebreaks`` (the markers
from the page map), ``cover`` (cover image and page), ``navigation`` (nav document, page-list),
``packaging`` (metadata, accessibility, the ebooklib package).

Reproducible: the identifier comes from ``identifiers.identifier``,
``dcterms:modified`` from the source (its ``modified``, else its date), and the zip is normalised.
"""

from __future__ import annotations

from ... import model as m
from ...pagemap import PageStart
from ...styles import Styles
from .chapter import chapter_document, html_options  # noqa: F401
from .cover import cover_alt, cover_document, cover_image  # noqa: F401
from .navigation import nav_document  # noqa: F401
from .packaging import _package, accessibility  # noqa: F401
from .parts import CONFORMS_TO, CHAPTER, COVER_IMAGE, COVER_PAGE, CSS, LANG_CSS, NAV  # noqa: F401

__all__ = ["write", "accessibility", "chapter_document", "cover_alt", "cover_document", "cover_image",
           "html_options", "nav_document", "CONFORMS_TO", "CHAPTER", "COVER_IMAGE", "COVER_PAGE", "CSS",
           "LANG_CSS", "NAV"]


def write(interview: m.Interview, styles: Styles, pages: list[PageStart]) -> bytes:
    """The EPUB 3 file as bytes.

    ``pages`` is the print edition's page map (``pagemap.load`` of the file that the print
    writer wrote beside its PDF): the page-list and the page-break markers follow it.
    """
    meta = interview.meta
    strings = styles.strings(meta.lang)
    chapter, markers = chapter_document(interview, strings, pages)
    cover_png = cover_image(interview, styles)
    return _package(interview, styles, strings, chapter, markers, cover_png)
