"""The web edition in the system's Chromium: one run of ``web.mjs`` (puppeteer-core, pinned in
.ci/web/package.json) per file, for the checks of ``html.py`` and for ``make proof``.

    python -m pressroom.checks.web shots build/x.html build/proof
        writes build/proof/x.html-375.png and x.html-1280.png (full page)

The browser never reaches the network: every request other than the file itself and ``data:``
URLs is recorded and aborted, and host names resolve to nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from . import tools
from .core import ToolMissing, run_tool

SCRIPT = Path(__file__).with_name("web.mjs")
#: The widths of ``make proof``'s screenshots (a phone, a desktop window).
SHOT_WIDTHS = (375, 1280)


def _command(path: Path, axe: bool, shots: list[tuple[int, Path]]) -> list[str]:
    import shutil

    node = shutil.which("node")
    if node is None:
        raise ToolMissing(tools.missing("node"))
    modules = tools.web_modules()
    if modules is None:
        raise ToolMissing("the web edition's checkers (make .venv/web/.installed)")
    browser = tools.need_chromium("the web edition is loaded in it")
    from .. import deps

    deps.note(SCRIPT)  # node reads it, not Python: the check's dependency file names it
    args = [node, str(SCRIPT), "--modules", str(modules), "--chromium", browser]
    if axe:
        args.append("--axe")
    for width, png in shots:
        args += ["--shot", f"{width}={Path(png).resolve()}"]
    return args + [str(Path(path).resolve())]


def browse(path: Path, axe: bool = False, shots: list[tuple[int, Path]] = (), timeout: float = 600) -> dict:
    """What the page did in Chromium (see web.mjs); ``{"error": ...}`` when the run failed."""
    proc = run_tool(_command(path, axe, list(shots)), timeout=timeout)
    out = proc.stdout.decode("utf-8", errors="replace").strip().splitlines()
    try:
        result = json.loads(out[-1]) if out else None
    except ValueError:
        result = None
    if not isinstance(result, dict):
        tail = " ".join(proc.stderr.decode(errors="replace").strip().splitlines()[-3:])
        return {"error": f"no result from the browser (exit {proc.returncode}): {tail[:300]}"}
    if proc.returncode != 0 and "error" not in result:
        result["error"] = f"exit status {proc.returncode}"
    return result


def shots(html: Path, outdir: Path) -> list[Path]:
    """Full-page screenshots of ``html`` at each of SHOT_WIDTHS: ``outdir/<name>-<width>.png``."""
    html, outdir = Path(html), Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    pngs = [(w, outdir / f"{html.name}-{w}.png") for w in SHOT_WIDTHS]
    result = browse(html, shots=pngs)
    if "error" in result:
        raise RuntimeError(result["error"])
    return [p for _, p in pngs]


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "shots":
        print("usage: python -m pressroom.checks.web shots FILE.html OUTDIR", file=sys.stderr)
        return 2
    try:
        for png in shots(Path(argv[1]), Path(argv[2])):
            print(png)
    except (ToolMissing, RuntimeError, subprocess.TimeoutExpired) as e:
        print(f"pressroom: screenshots of {argv[1]}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
