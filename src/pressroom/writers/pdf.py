"""PDF writer: the model's HTML laid out by WeasyPrint.

Two editions from the same HTML:
- ``print``: PDF/X-4, CMYK output intent, trim + bleed + crop marks (styles/print.css);
- ``screen``: tagged PDF/UA-1 in RGB (styles/screen.css).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from .. import html as H
from .. import model as m
from ..errors import BuildError
from ..styles import Styles

EDITIONS = ("print", "screen")


def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class ClosedFetcher(URLFetcher):
        """Serves only ``file:`` URLs under the allowed folders; nothing else, no redirects."""

        def __init__(self, roots):
            super().__init__(allow_redirects=False, fail_on_errors=True, allowed_protocols={"file"})
            self.roots = [Path(r).resolve() for r in roots]

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
                raise FatalURLFetchingError(f"refused to fetch {url!r}: only local files are read")
            path = Path(unquote(parsed.path)).resolve()
            if not any(path == r or r in path.parents for r in self.roots):
                raise FatalURLFetchingError(f"refused to read {path}: outside the source and styles folders")
            if not path.is_file():
                raise FatalURLFetchingError(f"missing file {path}")
            return URLFetcherResponse(url=path.as_uri(), body=path.read_bytes(), headers={}, status=200)

    return ClosedFetcher


class _ErrorCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def html_for(interview: m.Interview, styles: Styles, edition: str) -> bytes:
    """The HTML given to WeasyPrint for this edition (also used for benchmarks)."""
    meta = interview.meta
    strings = styles.strings(meta.lang)
    metas = [
        ("author", interview.interviewer.name if interview.interviewer else meta.publisher),
        ("description", meta.subtitle),
        ("keywords", ", ".join(meta.keywords)),
        ("generator", "pressroom"),
        ("dcterms.created", meta.date.isoformat()),
        ("dcterms.modified", meta.date.isoformat()),
    ]
    image_src = Path(interview.image.path).as_uri() if interview.image and interview.image.path else None
    opts = H.HtmlOptions(
        footnotes="float",
        placeholder="fpo" if edition == "print" else "caption",
        image_src=image_src,
        meta=tuple((k, v) for k, v in metas if v),
    )
    return H.to_bytes(H.build(interview, strings, opts))


def stylesheets(styles: Styles, edition: str, trim: str | None, icc: str | None) -> list[Path]:
    sheets = [styles.path("fonts.css"), styles.path("base.css"), styles.path(f"{edition}.css")]
    if edition == "print":
        sheets.append(styles.path("trim", f"{trim or 'a4'}.css"))
    return sheets


def write(interview: m.Interview, styles: Styles, edition: str = "print", trim: str | None = None,
          icc: str | None = None, base_dir: str | None = None) -> bytes:
    if edition not in EDITIONS:
        raise BuildError(f"unknown edition {edition!r}")
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    roots = [styles.root]
    image = interview.image
    if image and image.path:
        roots.append(Path(image.path).parent)
    fetcher = _fetcher_class()(roots)
    font_config = FontConfiguration()
    css = [weasyprint.CSS(filename=str(p), url_fetcher=fetcher, font_config=font_config)
           for p in stylesheets(styles, edition, trim, icc)]
    options = {"pdf_identifier": True}
    if edition == "print":
        profile = styles.path("icc", icc or "artifex-swop-cmyk.icc")
        css.append(weasyprint.CSS(
            string="@color-profile device-cmyk { src: url(%s); components: cyan, magenta, yellow, black; }"
            % profile.as_uri(), base_url=str(styles.root) + os.sep, url_fetcher=fetcher, font_config=font_config))
        options.update(pdf_variant="pdf/x-4")
    else:
        options.update(pdf_variant="pdf/ua-1", pdf_tags=True)

    collector = _ErrorCollector()
    log = logging.getLogger("weasyprint")
    log.addHandler(collector)
    try:
        doc = weasyprint.HTML(string=html_for(interview, styles, edition).decode("utf-8"),
                              base_url=str(styles.root) + os.sep, url_fetcher=fetcher)
        data = doc.write_pdf(stylesheets=css, font_config=font_config, **options)
    finally:
        log.removeHandler(collector)
    if collector.messages:
        raise BuildError("WeasyPrint reported errors: " + "; ".join(collector.messages[:5]))
    return data
