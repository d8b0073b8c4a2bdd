"""The closed URL fetcher: only files under the styles and source folders, the lead photo by its checked bytes; WeasyPrint's errors collected."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse


from ... import model as m


# -- fetching -------------------------------------------------------------------------------

def photo_url(image: m.Image) -> str:
    """The lead photo's URL in the edition's HTML: named by its content, not by where the source
    lies (WeasyPrint names the image in the PDF after the URL it was asked for, so a path would
    make the PDF depend on the folder). The fetcher serves the checked bytes for it."""
    return f"file:///pressroom-photo/{image.sha256}{Path(image.path).suffix.lower()}"


def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class ClosedFetcher(URLFetcher):
        """Serves only ``file:`` URLs under the allowed folders; nothing else, no redirects.

        ``overrides`` maps a resolved path to the bytes to serve instead of the file's own
        (the lead photo, converted for the edition); the path must still be allowed.
        """

        def __init__(self, roots, overrides=None):
            super().__init__(allow_redirects=False, fail_on_errors=True, allowed_protocols={"file"})
            self.roots = [Path(r).resolve() for r in roots]
            # By the path as given (the reader's resolved path): the file there may have been
            # swapped for a symlink since; its checked bytes are served, the link never followed.
            self.overrides = {Path(k): v for k, v in (overrides or {}).items()}

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
                raise FatalURLFetchingError(f"refused to fetch {url!r}: only local files are read")
            if Path(unquote(parsed.path)) in self.overrides:
                given = Path(unquote(parsed.path))
                return URLFetcherResponse(url=f"pressroom-converted:{given.name}", body=self.overrides[given],
                                          headers={}, status=200)
            path = Path(unquote(parsed.path)).resolve()
            if not any(path == r or r in path.parents for r in self.roots):
                raise FatalURLFetchingError(f"refused to read {path}: outside the source and styles folders")
            if path in self.overrides:
                # Not a file: URL, or WeasyPrint would read the original file again from disk.
                return URLFetcherResponse(url=f"pressroom-converted:{path.name}", body=self.overrides[path],
                                          headers={}, status=200)
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
