"""Text fidelity: every word of the seed interview, in order, in an output.

The expected words come from the source file's own text (front matter values
and body), not from the model or any writer, so a check cannot agree with a
writer by accident. Extraction uses real readers: pdftotext (poppler), python-docx,
and lxml on the EPUB's XHTML.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The web copy the source was made from, kept verbatim so the suite needs nothing outside the repo.
SEED = ROOT / "tests" / "fixtures" / "seed" / "the-future-of-migration.txt"
SOURCE = ROOT / "source" / "the-future-of-migration.md"


#: A word hyphenated across a page: its first part ends the page's last line, then come the
#: folio, the page break and the next page's running head (lines that do not start in lower case).
_PAGE_HYPHEN = re.compile(r"\u2010[ \t]*\n(?:\s*\d+(?:\s*/\s*\d+)?\s*\n)?\s*\f(?:[^\n]*\n)*?\s*(?=[^\W\d_A-Z])"
                          r"(?<![^\n])")


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    text = _PAGE_HYPHEN.sub("", text)
    # Hyphenation inserted by the layout engine (U+2010 at a line end, or soft hyphens) is not text.
    text = re.sub("\u2010\\s*\n\\s*", "", text)
    text = text.replace("\u00ad", "")
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    return text.split()


def seed_words(kind: str = "print") -> list[str]:
    """The seed interview's words: everything but the last line (web navigation).

    The seed names no photo file, so the readers' editions (``kind`` "screen" or "epub") show no
    caption or credit: for them the first line (the photo's caption and credit) is left out too.
    """
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert lines[-1].startswith("Read more articles about"), "seed layout changed"
    assert lines[0] == "IOM Director General Amy Pope © IOM archives", "seed layout changed"
    first = 1 if kind in ("screen", "epub") else 0
    return words("\n".join(lines[first:-1]))


def missing_in_order(expected: list[str], actual: list[str]) -> tuple[int, str] | None:
    """None if ``expected`` is a subsequence of ``actual``; else (index, context) of the first miss."""
    j = 0
    for i, w in enumerate(expected):
        while j < len(actual) and actual[j] != w:
            j += 1
        if j == len(actual):
            return i, " ".join(expected[max(0, i - 5): i + 6])
        j += 1
    return None


def assert_in_order(expected: list[str], text: str, what: str) -> None:
    miss = missing_in_order(expected, words(text))
    assert miss is None, f"{what}: word {miss[0]} missing or out of order near: {miss[1]!r}"


# -- extraction ---------------------------------------------------------------
# One home for extraction with real readers (pdftotext, python-docx + lxml, lxml on the EPUB's
# spine XHTML): the release checks' own extractors, which read only output files.
from pressroom.checks.text import docx_text, epub_text, pdf_text  # noqa: E402,F401
