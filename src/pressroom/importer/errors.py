"""The importer's one error: ``file: problem (hint: …)``, or ``file:N: …`` for a paragraph."""

from __future__ import annotations

from ..errors import SourceError


class DocxError(SourceError):
    """Bad input in a DOCX to import: one line, exit 2 (the CLI prints ``format()``). A DOCX has
    no lines: the message names the paragraph (its number and its first words) where it matters."""

    def __init__(self, file: str, message: str, hint: str = ""):
        super().__init__(file, 1, message, hint)

    def format(self) -> str:
        text = f"{self.file}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return " ".join(text.split())
