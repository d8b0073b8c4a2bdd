"""PDF writer: the model's HTML laid out by WeasyPrint.

Two editions from the same HTML:
- ``print``: PDF/X-4 with a CMYK output intent (a profile in styles/icc/), trim + bleed +
  crop marks in registration colour, every colour in DeviceCMYK (styles/print.css);
- ``screen``: tagged PDF/UA-1 in RGB (styles/screen.css).

WeasyPrint does the layout. A ``finisher`` (run on the PDF objects just before the file is
written, so the MD5-based /ID still describes the final bytes) does what WeasyPrint cannot:
crop marks in registration colour instead of RGB black, BleedBox at trim + 3 mm, a
reproducible XMP DocumentID/InstanceID, an output intent named after the profile, and the
checks that keep a bad file from being written (RGB in print content, fonts not from
styles/fonts, glyphs missing from the fonts).

Modules: ``sheets`` (trim presets, ICC profiles, stylesheets), ``fetch`` (the closed URL fetcher),
``leadphoto`` (the photo for the edition), ``document`` (the edition's HTML), ``layout`` (layout
passes), ``finish`` (the finisher), ``rtl`` (/ActualText), ``footnotes`` (WeasyPrint's footnote
area), ``proof`` (contact sheets).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import unquote, urlparse


from ... import model as m
from ... import pagemap
from ...errors import BuildError
from ...package import checkpoint
from ...photo import photo_bytes
from ...styles import Styles
from . import footnotes
from .document import html_for  # noqa: F401  (used by the benchmark and tests)
from .fetch import _ErrorCollector, _fetcher_class, photo_url  # noqa: F401
from .finish import _Finisher
from .layout import laid_out
from .leadphoto import prepare_image  # noqa: F401
from .rtl import _actual_text
from .proof import contact_sheet  # noqa: F401
from .sheets import (DEFAULT_TRIM, EDITIONS, PAGE_TEMPLATE, Sheet, _declared_families, icc_profile,  # noqa: F401
                     output_condition, page_rules, stylesheets, trim_sheet)


# -- writing --------------------------------------------------------------------------------

def write(interview: m.Interview, styles: Styles, edition: str = "print", trim: str | None = None,
          icc: str | None = None, pages_out: list | None = None, layout_out: list | None = None,
          layout_only: bool = False) -> bytes:
    """The PDF of one edition as bytes.

    ``pages_out``: a list that gets the print edition's page map (``pagemap.starts``), which the
    CLI writes beside the PDF for the EPUB. ``layout_out``: a list that gets the laid-out
    (weasyprint.HTML, Document), for tests that look at the boxes. ``layout_only``: lay out,
    and write nothing (``page_map``).
    """
    if edition not in EDITIONS:
        raise BuildError(f"unknown edition {edition!r}")
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    profile = icc_profile(styles, icc, trim) if edition == "print" else None
    sheets = stylesheets(styles, edition, trim)

    roots = [styles.root]
    overrides = {}
    image = interview.image
    if image and image.path:
        roots.append(Path(image.path).parent)
        checked = photo_bytes(image)  # the bytes the reader checked, never the path again
        try:
            converted = prepare_image(checked, edition, profile)
        except Exception as e:  # noqa: BLE001 - Pillow raises many types for bad images
            raise BuildError(f"cannot prepare the lead photo {image.path}: {e}") from None
        overrides[unquote(urlparse(photo_url(image)).path)] = checked if converted is None else converted
    fetcher = _fetcher_class()(roots, overrides)
    font_config = FontConfiguration()
    color_profiles: dict = {}  # shared by every stylesheet and the document (@color-profile)
    base_url = str(styles.root) + os.sep
    try:
        css = [sheet.css(url_fetcher=fetcher, font_config=font_config, color_profiles=color_profiles)
               for sheet in sheets]
    except FatalURLFetchingError as e:
        raise BuildError(f"fetching refused: {e}") from None
    options = {"pdf_identifier": True}
    if edition == "print":
        css.append(weasyprint.CSS(
            string="@color-profile device-cmyk { src: url(%s); components: cyan, magenta, yellow, black; }"
            % profile.as_uri(), base_url=base_url, url_fetcher=fetcher, font_config=font_config,
            color_profiles=color_profiles))
        if "device-cmyk" not in color_profiles:
            raise BuildError(f"the ICC profile {profile} could not be loaded as the output intent")
        options.update(pdf_variant="pdf/x-4")
    else:
        options.update(pdf_variant="pdf/ua-1", pdf_tags=True)

    finisher = _Finisher(interview, edition, _declared_families(styles.path("fonts.css")),
                         output_condition(styles, profile) if profile else None,
                         (trim or DEFAULT_TRIM) if edition == "print" else "",
                         profile.name if profile else "")
    collector = _ErrorCollector()
    log = logging.getLogger("weasyprint")
    log.addHandler(collector)
    try:
        footnotes.install()  # WeasyPrint's footnote-area overflow test (footnotes.py)

        def render(string):
            # render + write_pdf is what HTML.write_pdf does; split to keep the print layout.
            checkpoint("layout")
            html = weasyprint.HTML(string=string, base_url=base_url, url_fetcher=fetcher)
            return html, html.render(stylesheets=css, font_config=font_config,
                                     color_profiles=color_profiles, **options)

        doc, document = laid_out(interview, styles, edition, render)
        # Every note starts on the page of its call, or nothing is written (footnotes.py).
        footnotes.check_notes_on_call_pages(document, edition)
        if pages_out is not None:
            pages_out.extend(pagemap.starts(doc, document))
        if layout_out is not None:
            layout_out.extend((doc, document))
        if layout_only:
            data = b""
        else:
            with _actual_text(interview.meta.script_direction == "rtl", finisher.logical):
                data = document.write_pdf(finisher=finisher, **options)
    except FatalURLFetchingError as e:
        raise BuildError(f"fetching refused: {e}") from None
    finally:
        log.removeHandler(collector)
    if collector.messages:
        raise BuildError("WeasyPrint reported errors: " + "; ".join(collector.messages[:5]))
    return data


def page_map(interview: m.Interview, styles: Styles, trim: str | None = None, **_ignored) -> list:
    """The print edition's page map, laid out exactly as ``write`` lays out the print PDF, without
    writing the PDF (so without the checks on the finished file, such as a glyph no font of
    styles/fonts has): for an EPUB made by hand from a source (``pressroom epub source.md``)."""
    pages: list = []
    write(interview, styles, "print", trim, pages_out=pages, layout_only=True)
    return pages


__all__ = ["write", "page_map", "html_for", "photo_url", "prepare_image", "laid_out", "contact_sheet",
           "DEFAULT_TRIM", "EDITIONS", "PAGE_TEMPLATE", "Sheet", "page_rules", "stylesheets", "trim_sheet"]
