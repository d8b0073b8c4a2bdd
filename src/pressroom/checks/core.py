"""The check framework: a registry of checks, the run loop, the report and the table.

A check reads one finished output file (and the model of its source) and says
pass or fail, with details. Checks never import a writer: they cannot agree with
one by accident.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import __version__
from .. import model as m

from ..outputs import LABEL, NAMES as KINDS, SUFFIX  # noqa: F401  (the table of outputs)


class ToolMissing(Exception):
    """A tool a check needs is not installed: the check fails (it could not vouch for the file)."""


@dataclass
class Outcome:
    ok: bool
    summary: str
    details: object = field(default_factory=dict)

    @classmethod
    def from_problems(cls, problems: list[str], passed: str, details: object) -> "Outcome":
        """Failed with the problems joined, or passed with ``passed`` when there are none."""
        if problems:
            return cls(False, "; ".join(problems), details)
        return cls(True, passed, details)


@dataclass(frozen=True)
class Check:
    kind: str
    name: str
    title: str
    fn: Callable[["Context", Path], Outcome]


REGISTRY: list[Check] = []

#: Reasons a printer would stop the job that are not defects of the file: an FPO box, a photo
#: under 300 ppi at its printed size. ``fn(ctx, path) -> list[dict]``, each with a "reason".
HOLDS: list[Check] = []

#: The outputs whose report carries a press-ready verdict.
PRESS = ("print",)


def hold(kind: str, name: str, title: str):
    """Register ``fn(ctx, path) -> list[dict]`` (each hold with a ``reason``) for output ``kind``."""

    def deco(fn):
        HOLDS.append(Check(kind, name, title, fn))
        return fn

    return deco


def check(kind: str, name: str, title: str):
    """Register ``fn(ctx, path) -> Outcome`` as the check ``name`` of output ``kind``."""

    def deco(fn):
        REGISTRY.append(Check(kind, name, title, fn))
        return fn

    return deco


@dataclass
class Context:
    source: Path
    build: Path
    interview: m.Interview
    tmp: Path
    cache: dict = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return self.source.stem

    def path(self, kind: str) -> Path:
        return self.build / (self.stem + SUFFIX[kind])

    def scratch(self, name: str) -> Path:
        """A fresh empty folder for one tool run (removed with the context)."""
        d = self.tmp / name
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        return d

    def memo(self, key, fn):
        if key not in self.cache:
            self.cache[key] = fn()
        return self.cache[key]


# -- small helpers shared by the checks -----------------------------------------


def run_tool(args: list[str], timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    """Run a tool; ``ToolMissing`` if it is not installed. Never raises on exit status."""
    exe = args[0]
    if shutil.which(exe) is None and not Path(exe).exists():
        from .tools import missing

        raise ToolMissing(missing(exe))
    return subprocess.run(args, capture_output=True, timeout=timeout, **kw)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def file_entry(path: Path) -> dict:
    return {"file": path.name, "sha256": sha256(path), "bytes": path.stat().st_size}


# -- running --------------------------------------------------------------------


class Progress:
    """``[n/m] what`` on one line of stderr, only when stderr is a terminal."""

    def __init__(self, total: int, stream=None):
        self.stream = stream or sys.stderr
        self.total = total
        self.n = 0
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())

    def step(self, text: str) -> None:
        self.n += 1
        if self.live:
            line = f"[{self.n}/{self.total}] {text}"
            width = shutil.get_terminal_size((80, 24)).columns - 1
            self.stream.write("\r\033[K" + line[:width])
            self.stream.flush()

    def done(self) -> None:
        if self.live and self.n:
            self.stream.write("\r\033[K")
            self.stream.flush()


def load_model(source: Path, build: Path | None = None) -> m.Interview:
    """The model of ``source``: the build's ``<stem>.model.json`` when it is there and not older
    than the source (as ``make`` keeps it), else the source read here."""
    from ..outputs import MODEL_SUFFIX

    source = Path(source)
    if build is not None:
        model_file = Path(build) / (source.stem + MODEL_SUFFIX)
        try:
            if model_file.stat().st_mtime_ns >= source.stat().st_mtime_ns:
                return m.from_json(model_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    from .. import reader, transforms

    return transforms.apply(reader.read(source))


def check_source(source: Path, build: Path, kinds=KINDS, progress: Progress | None = None) -> dict:
    """Run every registered check on the outputs of one source; the per-source report."""
    source = Path(source)
    interview = load_model(source, build)
    results = []
    outputs = {}
    holds: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="pressroom-check-") as tmp:
        ctx = Context(source.resolve(), Path(build).resolve(), interview, Path(tmp))
        for kind in kinds:
            path = ctx.path(kind)
            checks = [c for c in REGISTRY if c.kind == kind]
            if not path.is_file():
                outputs[kind] = None
                results.append(_result(kind, "exists", "output file", "fail", f"{path.name} is missing"))
                for c in checks:
                    if progress:
                        progress.step(f"{ctx.stem}: {LABEL[kind]}: {c.title}")
                    results.append(_result(kind, c.name, c.title, "skip", "no output to check"))
                continue
            outputs[kind] = file_entry(path)
            for c in checks:
                if progress:
                    progress.step(f"{ctx.stem}: {LABEL[kind]}: {c.title}")
                results.append(_run_one(ctx, c, path))
            for h in (h for h in HOLDS if h.kind == kind):
                holds.extend(_hold_one(ctx, h, path))
    head = {"source": source.name, "source_sha256": sha256(source), "stem": source.stem,
            "identifier": interview.meta.identifier, "title": interview.meta.title}
    return _verdict(head, kinds, outputs, results, holds)


def _verdict(head: dict, kinds, outputs: dict, results: list, holds: list) -> dict:
    failed = [r for r in results if r["status"] == "fail"]
    press = [k for k in PRESS if k in kinds]
    verdict = {}
    if press:
        verdict = {"press_ready": not holds and not any(r["output"] in press for r in failed), "holds": holds}
    return {**head, "ok": not failed, "outputs": outputs, "results": results, **verdict}


def merge(parts: list[dict]) -> dict:
    """One source's report from the reports of its outputs, each checked on its own
    (``check_source`` with one kind): the same report as checking them all at once."""
    head = {k: parts[0][k] for k in ("source", "source_sha256", "stem", "identifier", "title")}
    kinds, outputs, results, holds = [], {}, [], []
    for part in parts:
        if any(part[k] != head[k] for k in head):
            raise ValueError(f"the results of {head['stem']} come from different sources; check again")
        kinds += list(part["outputs"])
        outputs.update(part["outputs"])
        results += part["results"]
        holds += part.get("holds", [])
    order = {k: i for i, k in enumerate(KINDS)}
    kinds.sort(key=order.get)
    results.sort(key=lambda r: order[r["output"]])  # stable: each output's checks in their order
    return _verdict(head, kinds, {k: outputs[k] for k in kinds}, results, holds)


def _result(kind, name, title, status, summary, details=None) -> dict:
    return {"output": kind, "check": name, "title": title, "status": status, "summary": summary,
            "details": details if details is not None else {}}


def _run_one(ctx: Context, c: Check, path: Path) -> dict:
    try:
        out = c.fn(ctx, path)
    except ToolMissing as e:
        return _result(c.kind, c.name, c.title, "fail", f"cannot run: {e}")
    except subprocess.TimeoutExpired as e:
        return _result(c.kind, c.name, c.title, "fail", f"timed out: {Path(str(e.cmd[0])).name}")
    except Exception as e:  # a check that crashes has not vouched for the file
        tb = traceback.format_exception_only(type(e), e)[-1].strip()
        return _result(c.kind, c.name, c.title, "fail", f"check crashed: {tb}")
    return _result(c.kind, c.name, c.title, "pass" if out.ok else "fail", out.summary, out.details)


def _hold_one(ctx: Context, h: Check, path: Path) -> list[dict]:
    """The holds one test finds; one that cannot run holds the job too (nobody vouched)."""
    try:
        found = h.fn(ctx, path)
    except ToolMissing as e:
        found = [{"reason": f"{h.title}: cannot run: {e}"}]
    except Exception as e:
        tb = traceback.format_exception_only(type(e), e)[-1].strip()
        found = [{"reason": f"{h.title}: could not be assessed: {tb}"}]
    return [{"output": h.kind, "hold": h.name, **item} for item in found]


def run(sources: list[Path], build: Path, kinds=KINDS, progress_stream=None) -> dict:
    """Check every output of every source; the whole report (deterministic: no times, no paths)."""
    from . import tools

    count = sum(1 for c in REGISTRY if c.kind in kinds) * len(sources)
    progress = Progress(count, progress_stream)
    try:
        reports = [check_source(Path(s), build, kinds, progress) for s in sources]
    finally:
        progress.done()
    return whole(reports, tools.versions())


def whole(reports: list[dict], versions: dict) -> dict:
    return {
        "pressroom": __version__,
        "ok": all(r["ok"] for r in reports),
        "tools": versions,
        "sources": reports,
    }


# -- presenting -----------------------------------------------------------------


def table(report: dict) -> str:
    """One summary table: a row per check, failures with their reason."""
    rows = [("source", "output", "check", "result", "")]
    for src in report["sources"]:
        for r in src["results"]:
            rows.append((src["stem"], LABEL[r["output"]], r["title"], r["status"].upper(), r["summary"]))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for i, row in enumerate(rows):
        cells = [row[j].ljust(widths[j]) for j in range(4)]
        lines.append("  ".join(cells + [row[4]]).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    counts = {s: 0 for s in ("pass", "fail", "skip")}
    for src in report["sources"]:
        for r in src["results"]:
            counts[r["status"]] += 1
    for pub in report.get("editions", []):
        langs = ", ".join(pub["editions"])
        if pub["ok"]:
            lines.append(f"editions of {pub['publication']}: {langs}: they match (questions, answers, notes, list items, date, photo)")
        else:
            lines.append(f"editions of {pub['publication']}: {langs}: {len(pub['problems'])} mismatch(es) with "
                         f"{pub['original']} (listed on stderr)")
    verdict = "all checks passed" if report["ok"] else "CHECKS FAILED"
    differ = sum(1 for pub in report.get("editions", []) if not pub["ok"])
    editions = f"; the editions of {differ} publication(s) differ" if differ else ""
    lines.append(f"{verdict} ({counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped{editions})")
    lines.extend(hold_lines(report))
    return "\n".join(lines) + "\n"


def hold_lines(report: dict) -> list[str]:
    """One line per hold, then one verdict line per source whose print edition is not press-ready."""
    lines = []
    for src in report["sources"]:
        if "press_ready" not in src:
            continue
        for h in src["holds"]:
            lines.append(f"HOLD  {src['stem']}  {LABEL[h['output']]}: {h['reason']}")
        if not src["press_ready"]:
            why = f"{len(src['holds'])} hold(s)" if src["holds"] else "checks failed"
            lines.append(f"NOT PRESS-READY  {src['stem']}: the print PDF is a proof ({why}); "
                         f"make dist bundles it as {src['stem']}-print-proof")
    return lines
