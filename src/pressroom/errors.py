"""The one error type that bad input raises."""

from __future__ import annotations


class SourceError(Exception):
    """A problem in a source file, reported as ``file:line: message; hint: …``."""

    def __init__(self, file: str, line: int, message: str, hint: str = ""):
        self.file = str(file)
        self.line = max(1, int(line))
        self.message = message
        self.hint = hint
        super().__init__(self.format())

    def format(self) -> str:
        text = f"{self.file}:{self.line}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return " ".join(text.split())  # always one line


class BuildError(Exception):
    """A failure while writing an output that is not the source's fault."""
