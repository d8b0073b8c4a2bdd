"""Text fidelity: every word of the seed interview, in order, in an output.

The expected words come from the source file's own text (front matter values
and body), not from the model or any writer, so a check cannot agree with a
writer by accident. Extraction uses real readers: pdftotext (poppler), python-docx,
and lxml on the EPUB's XHTML.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "the-future-of-migration.txt"
SOURCE = ROOT / "source" / "the-future-of-migration.md"


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    # Hyphenation inserted by the layout engine (U+2010 at a line end, or soft hyphens) is not text.
    text = re.sub("\u2010\\s*\n\\s*", "", text)
    text = text.replace("\u00ad", "")
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    return text.split()


def seed_words() -> list[str]:
    """The seed interview's words: everything but the last line (web navigation)."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert lines[-1].startswith("Read more articles about"), "seed layout changed"
    return words("\n".join(lines[:-1]))


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

def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def docx_text(path: Path) -> str:
    import docx

    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    # Footnotes live in their own part.
    with zipfile.ZipFile(path) as z:
        if "word/footnotes.xml" in z.namelist():
            from lxml import etree

            root = etree.fromstring(z.read("word/footnotes.xml"))
            ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
            for fn in root.findall("w:footnote", ns):
                parts.append("".join(fn.itertext()))
    return "\n".join(parts)


def epub_text(path: Path) -> str:
    """The text of the spine documents, in spine order, as a reading system shows it."""
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_path))
        base = opf_path.rpartition("/")[0]
        manifest = {i.get("id"): i.get("href") for i in opf.iter("{*}item")}
        out = []
        for ref in opf.iter("{*}itemref"):
            href = manifest[ref.get("idref")]
            name = f"{base}/{href}" if base else href
            doc = etree.fromstring(z.read(name))
            body = doc.find("{*}body")
            out.append(" ".join(body.itertext()))
        return "\n".join(out)
