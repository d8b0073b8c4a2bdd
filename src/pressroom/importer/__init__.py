"""``pressroom import``: a DOCX that pressroom wrote, after a translator's work in Word or
LibreOffice, read back into a source (issue 18).

The importer is a reader: of the DOCX, as the source reader is of Markdown. It imports no
writer; what it shares with the DOCX writer (the names of the custom properties) is in
``pressroom.docprops``. What it writes is checked by the project's own reader before anything
is written, so an imported source always builds.

- ``package``: the zip opened defensively (sizes from the directory, no entities, no DTD, no
  network; external relationships refused);
- ``document``: paragraphs, runs, links, notes and lists by their named styles;
- ``interview``: the parts of the interview, and the front matter (text first, properties
  next);
- ``markdown``: the source text.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from .errors import DocxError
from .interview import Imported, Reader
from .markdown import source
from .package import Package

__all__ = ["DocxError", "Result", "import_docx"]


@dataclass
class Result:
    files: list[tuple[str, bytes]]  # (path, bytes) to write, the source first
    messages: list[str]  # notes for stderr (comments ignored, tracked changes accepted)


def import_docx(docx: str | os.PathLike, output: str | os.PathLike, styles, lang: str | None = None) -> Result:
    """The source (and its photo) that ``docx`` holds, to be written at ``output``; raises
    ``DocxError`` on bad input. Nothing is written here. ``styles``: the project's styles
    (``styles.open_styles``), for the title block's words in every language."""
    name = str(docx)
    with open(styles.path("strings.json"), encoding="utf-8") as f:
        strings_table = json.load(f)
    pkg = Package(docx)
    if not lang:  # source/x.fr.md is the French edition (reader/editions.py): its lang is fr
        from ..reader.editions import suffix_language

        lang = suffix_language(Path(output).name.removesuffix(".md")) or None
    try:
        imported = Reader(pkg, strings_table, styles.typography).read(lang)
    finally:
        pkg.zip.close()
    output = Path(output)
    files: list[tuple[str, bytes]] = []
    photo_file = None
    if imported.photo is not None:
        data, ext = imported.photo
        photo_file = _photo_name(imported, output, data, ext)
        if photo_file is None:
            photo_file = f"{output.name.removesuffix('.md')}.{ext}"
            files.append((str(output.parent / photo_file), data))
    if "image" in imported.front and photo_file:
        imported.front["image"] = {"file": photo_file, **imported.front["image"]}
    text = source(imported.front, imported.intro, imported.exchanges, imported.notes)
    _check(name, text, imported, photo_file, output)
    files.insert(0, (str(output), text.encode("utf-8")))
    return Result(files, imported.messages)


def _photo_name(imported: Imported, output: Path, data: bytes, ext: str) -> str | None:
    """The photo's file beside the new source: the original's (``image.file`` of the
    properties) when a file of that name there holds the same bytes, else None (a file of the
    new source's name is written)."""
    original = imported.photo_name
    if original and "/" not in original and "\\" not in original:
        candidate = output.parent / original
        try:
            if candidate.is_file() and candidate.read_bytes() == data:
                return original
        except OSError:
            pass
    return None


def _check(name: str, text: str, imported: Imported, photo_file: str | None, output: Path) -> None:
    """The project's reader must read the source back: a translator who deleted every answer to
    a question, or typed a character no output can hold, gets the reader's own message here,
    and nothing is written."""
    from .. import reader

    with tempfile.TemporaryDirectory(prefix="pressroom-import-") as tmp:
        if photo_file and imported.photo is not None:
            Path(tmp, photo_file).write_bytes(imported.photo[0])
        try:
            reader.parse(text, name=str(Path(tmp, Path(output).name)), base_dir=tmp)
        except SourceError as e:
            raise DocxError(name, f"the source made of it would be refused: line {e.line}: {e.message}",
                            e.hint or "correct the document and import again") from None
