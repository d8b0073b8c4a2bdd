"""Dependency files, as compilers write them (``cc -MMD -MP``).

A build step that is given ``--deps FILE`` records what it actually used: the project's modules
it imported and every file it opened under the project (styles, fonts, profiles, the source's
photo). When it succeeds, ``FILE`` gets one Make rule, ``targets: those files``, plus an empty
rule per file so that a file deleted later does not stop the build. The Makefile includes these
files, so touching ``styles/print.css`` rebuilds the print PDFs and what reads their pages, and
nothing else; touching ``model.py`` rebuilds everything.

Files are recorded through Python's audit hook for ``open`` (every ``open()``, ``io.open_code``
and ``os.open`` raises it), and modules from ``sys.modules``. Files that a C library opens by
itself are named with ``note()`` by the code that hands it the path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_opened: set[str] = set()
_active = False


def _hook(event: str, args) -> None:
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = args[0]
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        _opened.add(os.path.abspath(os.fspath(path)))


def start() -> None:
    """Record from now on (an audit hook cannot be removed: it stays for the process)."""
    global _active
    if not _active:
        sys.addaudithook(_hook)
        _active = True


def note(path: str | os.PathLike) -> None:
    """A file that a C library opens (a font handed to FreeType, say)."""
    _opened.add(os.path.abspath(os.fspath(path)))


def _project_files(root: Path, exclude: set[Path]) -> list[str]:
    files = set(_opened)
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if name:
            files.add(os.path.abspath(name))
    out = set()
    for name in files:
        p = Path(name)
        try:
            rel = p.relative_to(root)
        except ValueError:
            continue
        top = rel.parts[0] if rel.parts else ""
        # The build folder's files are the rules' own prerequisites (the model, the page map).
        if top in (".venv", ".git", "build") or "__pycache__" in rel.parts or p in exclude:
            continue
        if p.is_file():
            out.add(rel.as_posix())
    return sorted(out)


def _escape(name: str) -> str:
    return name.replace("$", "$$").replace(" ", "\\ ").replace("#", "\\#")


def write(deps_file: str | os.PathLike, targets: list[str | os.PathLike]) -> None:
    """Write the rule for ``targets`` (paths as the Makefile names them) to ``deps_file``."""
    from .package import write_atomic

    root = Path.cwd().resolve()
    exclude = {Path(t).resolve() for t in targets} | {Path(deps_file).resolve()}
    files = _project_files(root, exclude)
    head = " ".join(_escape(os.fspath(t)) for t in targets)
    lines = [f"{head}: \\"] + [f"  {_escape(f)} \\" for f in files] + [""]
    lines += [f"{_escape(f)}:" for f in files]
    write_atomic(deps_file, ("\n".join(lines) + "\n").encode("utf-8"))
