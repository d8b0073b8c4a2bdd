"""The system packages of ``.ci/packages.txt`` for the tests: which package brings a tool, and a
failure that names both when the tool is absent (instead of an assertion the absence explains).

    need("pdftotext")          # a command
    need("NotoSerifCJK")       # a font, by the start of its file name
    need("libpango-1.0.so.0")  # a library

The checks are those of ``.ci/setup`` (which ``make test`` runs first): ``cmd:``, ``lib:``, ``file:``.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ROOT / ".ci" / "packages.txt"


@dataclass(frozen=True)
class Package:
    name: str
    group: str
    kind: str  # cmd, lib, file, py
    items: tuple[str, ...]  # what must be there (for file: each "P|Q" alternatives)
    comment: str
    line: int


def parse(text: str) -> list[Package]:
    """The packages of a list in the format of .ci/packages.txt; ValueError on a bad line."""
    out, group = [], ""
    for n, raw in enumerate(text.splitlines(), 1):
        body, _, comment = raw.partition("#")
        fields = body.split()
        if not fields:
            continue
        if m := re.fullmatch(r"\[([a-z]+)\]", fields[0]):
            group = m.group(1)
            continue
        if len(fields) != 2 or ":" not in fields[1] or not group:
            raise ValueError(f"packages.txt:{n}: expected '<package> <kind>:<what> # comment' under a [group]")
        kind, _, items = fields[1].partition(":")
        if kind not in ("cmd", "lib", "file", "py"):
            raise ValueError(f"packages.txt:{n}: unknown check '{kind}:'")
        out.append(Package(fields[0], group, kind, tuple(items.split(",")), comment.strip(), n))
    return out


@functools.lru_cache(maxsize=1)
def packages() -> tuple[Package, ...]:
    return tuple(parse(PACKAGES.read_text(encoding="utf-8")))


def _keys(pkg: Package, item: str) -> list[str]:
    if pkg.kind == "file":
        return [os.path.basename(alt) for alt in item.split("|")]
    return [item]


def package_of(tool: str) -> tuple[Package, str] | None:
    """(package, its item) for a command, library or file name (or the start of a file name)."""
    for pkg in packages():
        for item in pkg.items:
            for key in _keys(pkg, item):
                if key == tool or (pkg.kind == "file" and re.match(re.escape(tool) + r"[-._]", key)):
                    return pkg, item
    return None


@functools.lru_cache(maxsize=1)
def _ldconfig() -> str:
    exe = shutil.which("ldconfig") or "/sbin/ldconfig"
    try:
        return subprocess.run([exe, "-p"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return ""


def present(pkg: Package, item: str) -> bool:
    """Whether one item of a package is there, as .ci/setup checks it."""
    if pkg.kind == "cmd":
        return shutil.which(item) is not None
    if pkg.kind == "lib":
        if f"{item} " in _ldconfig():
            return True
        return any(glob.glob(p) for p in (f"/usr/lib/{item}", f"/usr/lib/*/{item}", f"/usr/lib64/{item}",
                                          f"/lib/*/{item}", f"/usr/local/lib/{item}"))
    if pkg.kind == "file":
        return any(glob.glob(alt, recursive=True) for alt in item.split("|"))
    python = os.environ.get("PYTHON", "python3")
    return subprocess.run([python, "-c", f"import {item}"], capture_output=True).returncode == 0


def missing_message(tool: str) -> str | None:
    """One line naming the tool and its package if the tool is absent, else None."""
    found = package_of(tool)
    if found is None:
        raise LookupError(f"{tool} is not in {PACKAGES.relative_to(ROOT)}: add the package that brings it")
    pkg, item = found
    if present(pkg, item):
        return None
    what = f"{tool} ({item.split('|')[0]})" if pkg.kind == "file" else tool
    return (f"{what} is missing: install the package {pkg.name} (apt-get install --no-install-recommends "
            f"{pkg.name}; make test installs it as root on Debian) [{pkg.comment}]")


def need(*tools: str) -> None:
    """Fail the test (or fixture) at once, first line naming the tool and its package, if one is absent."""
    import pytest

    for tool in tools:
        msg = missing_message(tool)
        if msg:
            pytest.fail(msg, pytrace=False)
