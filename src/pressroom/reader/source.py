"""Reading one source: the file (``read``), its text (``parse``), and ``_Reader``, which
checks the limits, has markdown-it split the text into the front matter and the body, and puts
what their parts read together into the model.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from .. import model as m
from ..errors import SourceError
from .body import _MD, Body
from .editions import EditionChecks
from .front_matter import FrontMatter
from .limits import _MD_MAX_NESTING, MAX_FRONT_MATTER, MAX_NESTING, MAX_SOURCE_BYTES, LimitChecks, _decode


def read(path: str | os.PathLike, editions: bool = True) -> m.Interview:
    """Read one source file into the model, or raise ``SourceError``; with ``editions``, also
    the other language editions beside it (their languages, titles and identifiers)."""
    path = Path(path)
    name = str(path)
    try:
        # Never block on a FIFO or a device: open without waiting, and read only a regular file.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                if stat.S_ISDIR(os.fstat(f.fileno()).st_mode):
                    raise IsADirectoryError
                raise SourceError(name, 1, "is not a regular file (a pipe, socket or device)",
                                  "give a .md file saved on disk")
            raw = f.read(MAX_SOURCE_BYTES + 1)
    except IsADirectoryError:
        raise SourceError(name, 1, "is a directory, not a source file", "give a .md file") from None
    except OSError as e:
        raise SourceError(name, 1, f"cannot read the source: {e.strerror}", "check the path and its permissions") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceError(
            name, 1, f"source is larger than {MAX_SOURCE_BYTES // 1024} KiB",
            "split the interview into several sources",
        )
    return parse(raw, name=name, base_dir=path.resolve().parent, editions=editions)


def parse(data: bytes | str, name: str = "<source>", base_dir: str | os.PathLike | None = None,
          editions: bool = False) -> m.Interview:
    """Parse source text (bytes or str) into the model, or raise ``SourceError``. With
    ``editions``, the publication's other language editions are read from ``base_dir``
    (editions.py)."""
    text = _decode(data, name)
    try:
        return _Reader(text, name, Path(base_dir) if base_dir else None, editions).interview()
    except RecursionError:  # pragma: no cover - the limits (limits.py) should make this unreachable
        raise SourceError(name, 1, "the source is nested too deeply to read",
                          f"keep quotes and lists within {MAX_NESTING} levels") from None


def source_lines(path: str | os.PathLike) -> dict:
    """Where the parts of a source are, for checks that name a line of it: ``questions`` (the
    line of each question, in order), ``date``, ``image`` and ``lang`` (their keys' lines)."""
    path = Path(path)
    text = _decode(path.read_bytes(), str(path))
    r = _Reader(text, str(path), path.resolve().parent)
    r.interview()
    questions = [t.map[0] + 1 for t in _MD.parse(text, {}) if t.type == "heading_open" and t.tag == "h2" and t.map]
    return {"questions": questions, **{k: r.key_line(k) for k in ("date", "image", "lang", "title")}}


class _Reader(LimitChecks, FrontMatter, Body, EditionChecks):
    """One source's text read into the model: the limits (limits.py), then the front matter
    (front_matter.py) and the body (body.py) of what markdown-it makes of it."""

    def __init__(self, text: str, name: str, base_dir: Path | None, editions: bool = False):
        self.text = text
        self.find_editions = editions
        self.name = name
        self.base_dir = base_dir
        self.lines = text.split("\n")
        self.key_lines: dict[tuple, int] = {}
        self.fm_offset = 1  # line number of the first YAML line

    # -- errors -----------------------------------------------------------
    def error(self, line: int, message: str, hint: str = "") -> SourceError:
        return SourceError(self.name, line, message, hint)

    # -- entry --------------------------------------------------------------
    def interview(self) -> m.Interview:
        if not self.text.strip():
            raise self.error(1, "the source is empty", "start with a front matter block: ---, title:, date:, lang:, ---")
        self.check_limits()
        env: dict[str, Any] = {}
        try:
            tokens = _MD.parse(self.text, env)
        except RecursionError:
            raise self.error(1, "the Markdown is nested too deeply", f"keep quotes and lists within {MAX_NESTING} levels") from None
        # markdown-it drops what lies deeper than maxNesting; the body walk below
        # refuses such nesting where it starts, and this is the safety net.
        truncated = next((t for t in tokens if t.level >= _MD_MAX_NESTING - 1), None)
        if not tokens or tokens[0].type != "front_matter":
            if self.lines[0].rstrip() == "---":
                raise self.error(1, "front matter is not closed",
                                 "end the metadata with a line '---' before the first question")
            raise self.error(
                1, "no YAML front matter at the top of the file",
                "the file must start with a line '---', the metadata (title:, date:, lang:), and a closing '---'",
            )
        fm = tokens[0]
        if not self.lines[fm.map[1] - 1].rstrip() == "---":
            raise self.error(fm.map[0] + 1, "front matter is not closed", "end the metadata with a line '---'")
        self.fm_offset = fm.map[0] + 2
        if len(fm.content) > MAX_FRONT_MATTER:
            raise self.error(1, f"front matter is longer than {MAX_FRONT_MATTER // 1024} KiB",
                             "keep only the metadata between the '---' lines")
        meta, people, image = self.front_matter(fm.content)
        self.own_edition(meta)
        self.footnote_env = env.get("footnotes", {})
        self.note_numbers: dict[str, int] = {}
        intro, exchanges, notes = self.body(tokens[1:])
        if truncated is not None:  # pragma: no cover - the body walk refuses first
            raise self.error(truncated.map[0] + 1 if truncated.map else 1, "quotes or lists are nested too deeply",
                             f"keep them within {MAX_NESTING} levels")
        return m.Interview(
            meta=meta,
            interviewer=people.get("interviewer"),
            interviewee=people.get("interviewee"),
            image=image,
            intro=intro,
            exchanges=exchanges,
            notes=notes,
            source_name=Path(self.name).stem,
            editions=self.editions(meta, lambda p: read(p, editions=False)) if self.find_editions else (),
        )
