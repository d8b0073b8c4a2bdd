"""Benchmarks: pressroom against the pandoc reference, and the cost curve (issue 9).

Run with ``make bench`` (or ``.venv/bin/python tests/bench/bench.py``). This is
not a pytest test: nothing here is asserted, the targets are only reported.

What it measures, on the interview and on synthetic interviews of 10x and 50x
its length (the body of ``source/the-future-of-migration.md``, itself the seed
text, repeated; see ``synthetic()``):

* the stages of the build as cold processes (``python -m pressroom ...``, with
  ``PYTHONPATH`` on the code of this tree): the reader (``pressroom model``)
  and each writer from the model file, as the Makefile runs them (the print
  PDF also writes the page map; the EPUB reads a page map), their model file
  and page map prepared once per length before any timing; each writer also
  from the ``.md`` source (it then reads the source itself, and the EPUB lays
  out the print edition first); whole builds with ``make`` in a scratch copy
  of the project from a clean ``build/`` (the default, parallel with as many
  jobs as cores, and ``-j1``), and a no-op ``make``;
* the floor, at 1x only: a bare Python start-up and the import of each path's
  libraries, what they cost before pressroom does any work;
* in the same run, the reference: pandoc -> EPUB, pandoc -> DOCX, and pandoc ->
  standalone HTML -> the ``weasyprint`` command line; and bare WeasyPrint (the
  command line) on pressroom's own HTML (``pressroom.writers.pdf.html_for``)
  with the same stylesheets and PDF variant;
* wall time and CPU time (user + system, of the process and its children) and
  peak memory (maximum resident set size of the largest process in the
  command's tree, make's recipes included), each the median of several runs.
  The runs are interleaved across jobs and lengths: each round runs every job
  once at every length that still needs runs (the rounds beyond --runs-large
  run the 1x jobs only), so other work on the machine, or a drift of its
  speed, affects every job alike and every length nearly alike, and the cost
  curve compares lengths measured under similar conditions. Each command runs
  under GNU time (``/usr/bin/time -f %M``), which forks it from its own small
  process: the ``wait4`` figure of a child of this script would never read
  below this script's own peak, as Linux carries the memory high-water mark of
  a forked process across ``exec``. Without GNU time, a small Python launcher
  forks the command instead (``--memory``); the machine notes say which, and
  what the launcher adds;
* the growth of time and memory with length, also against the growth of the
  reference doing the same work; where the time goes: each stage's cold
  process, the critical path of a whole build computed from them (model +
  max(print PDF + EPUB, screen PDF, DOCX)) against the measured ``make``, and
  each stage in one fresh process split into import, read, layout and write.

Results are printed as Markdown tables and saved in ``build/bench/``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared helpers
from makeenv import clean_make_env  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "source" / "the-future-of-migration.md"
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
WEASYPRINT = VENV / "bin" / "weasyprint"
PANDOC = shutil.which("pandoc") or "/usr/bin/pandoc"

MiB = 1024 * 1024


# --------------------------------------------------------------------------
# Synthetic interviews


def synthetic(text: str, factor: int) -> str:
    """The interview with its body repeated ``factor`` times.

    The front matter is kept once; from the second copy on, every question gets
    a "(n)" prefix so the exchanges stay distinguishable. The text is the seed's,
    so hyphenation, line breaking and fonts see the same words as in real use.
    """
    if factor == 1:
        return text
    _, front, body = text.split("---\n", 2)
    body = body.strip("\n")
    copies = [body] + [re.sub(r"(?m)^## ", f"## ({i}) ", body) for i in range(2, factor + 1)]
    return "---\n" + front + "---\n\n" + "\n\n".join(copies) + "\n"


# --------------------------------------------------------------------------
# Running a job cold and measuring it


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds, children included
    rss: int  # peak resident set size of the largest process, bytes


# Peak memory is not taken from this script's own wait4 of the command: Linux
# carries a forked process's memory high-water mark across exec, so any child of
# this (large) process would read at least its resident size. The command is
# started instead by a small process, which reports the wait4 figure of its
# child (the largest of the child and the descendants it waited for).
GNU_TIME = "/usr/bin/time"

# The fallback without GNU time: fork and exec the command, write
# "max-RSS-KiB wall-seconds CPU-seconds" of it to argv[1] (its own start-up
# counted in neither time).
LAUNCHER = r"""
import os, sys, time
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    except OSError as e:
        os.write(2, ("launcher: %s: %s\n" % (sys.argv[2], e)).encode())
    os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
with open(sys.argv[1], "w") as f:
    f.write("%d %r %r\n" % (ru.ru_maxrss, wall, ru.ru_utime + ru.ru_stime))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""

_method: dict = {}


def _measure_raw(cmd: list[str], how: str, cwd: Path | None = None,
                 env: dict | None = None) -> tuple[float, float, int, int, bytes]:
    """Run ``cmd`` under GNU time (``how == "time"``) or the launcher; return wall seconds,
    CPU seconds, peak RSS in KiB, exit code and stderr."""
    fd, rss_file = tempfile.mkstemp(prefix="bench-rss-")
    os.close(fd)
    try:
        if how == "time":
            wrapped = [GNU_TIME, "-f", "%M", "-o", rss_file, *cmd]
        else:
            wrapped = [sys.executable, "-I", "-S", "-c", LAUNCHER, rss_file, *cmd]
        t0 = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Read stderr without deadlock, then reap with wait4: CPU times of GNU
        # time and its descendants (summed; GNU time's own share is negligible).
        err = proc.stderr.read()
        proc.stderr.close()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        cpu = ru.ru_utime + ru.ru_stime
        lines = Path(rss_file).read_text().split("\n") if code == 0 else []
    finally:
        os.unlink(rss_file)
    if code != 0:
        return wall, cpu, 0, code, err
    fields = [line for line in lines if line.strip()][-1].split()
    if how != "time":  # the launcher's figures leave out its own start-up
        wall, cpu = float(fields[1]), float(fields[2])
    return wall, cpu, int(fields[0]), 0, err


def memory_method(choice: str = "auto") -> dict:
    """How peak memory is measured: GNU time if it is there and reads right (``-o`` and
    ``%M`` in KiB; GNU time 1.7 read four times too much on Linux), else the launcher.
    Chosen once; returns {"how": "time" | "launcher", "note": machine note}."""
    if _method:
        return _method
    how = "launcher"
    if choice in ("auto", "time") and os.access(GNU_TIME, os.X_OK):
        try:
            v = subprocess.run([GNU_TIME, "--version"], capture_output=True, text=True, timeout=30)
            if "GNU" in v.stdout + v.stderr:
                # A process that touches 64 MiB must read 64 MiB and a few.
                _, _, kib, code, _ = _measure_raw([sys.executable, "-I", "-S", "-c", "b = b'x' * (64 << 20)"],
                                                  "time")
                if code == 0 and 64 <= kib / 1024 < 100:
                    how = "time"
        except (OSError, subprocess.SubprocessError, ValueError, IndexError):
            pass
    if choice == "time" and how != "time":
        raise SystemExit(f"--memory time: {GNU_TIME} is not GNU time, or its %M does not read right")
    if how == "time":
        note = (f"peak memory: each command runs under GNU time ({GNU_TIME} -f %M), the largest process of"
                " its tree (make's recipes included), not counting this script; wall and CPU time around it")
    else:
        _, _, kib, _, _ = _measure_raw(["true"], "launcher")
        note = ("peak memory: no GNU time" + (" used" if choice == "launcher" else "") + "; a small Python"
                " launcher (python -I -S) forks each command and reports the wait4 maximum RSS of its tree,"
                f" and its wall and CPU time; small figures include about the launcher's resident size"
                f" (`true` reads {kib / 1024:.1f} MiB this way)")
    _method.update(how=how, note=note)
    return _method


def run_measured(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> Sample:
    """Run one command to completion; wall time, CPU time and peak RSS of its largest process."""
    wall, cpu, kib, code, err = _measure_raw(cmd, memory_method()["how"], cwd,
                                             clean_make_env() if env is None else env)
    if code != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({code}):\n"
                           + err.decode("utf-8", "replace")[-2000:])
    return Sample(wall, cpu, kib * 1024)


def pressroom_env(src: Path) -> dict:
    """The environment of a pressroom process: as from a clean shell (``clean_make_env``), with
    ``PYTHONPATH`` on ``src``, as the Makefile runs it. The shared .venv's editable install
    points at one copy of the project; the code measured is the one given here."""
    return {**clean_make_env(), "PYTHONPATH": str(src)}


@dataclass
class Job:
    """One measured unit: a sequence of commands (a pipeline is several)."""

    name: str
    group: str  # "pressroom", "pandoc", "weasyprint", "make", "floor"
    steps: list[list[str]]
    cwd: Path | None = None
    env: dict | None = None  # None: clean_make_env()
    before: object = None  # callable run (unmeasured) before each run
    output: Path | None = None  # a PDF whose pages are counted
    samples: list[Sample] = field(default_factory=list)
    pages: int = 0  # pages of ``output`` after the runs
    failures: int = 0

    def run(self) -> Sample:
        if self.before:
            self.before()
        total = Sample(0.0, 0.0, 0)
        for cmd in self.steps:
            s = run_measured(cmd, cwd=self.cwd, env=self.env)
            total = Sample(total.wall + s.wall, total.cpu + s.cpu, max(total.rss, s.rss))
        self.samples.append(total)
        return total

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)


def pdf_pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


# --------------------------------------------------------------------------
# The jobs of one scale


#: Whole builds (the project's Makefile) from a clean build/: the default runs as many jobs as
#: the machine has cores (the stages, one process per file); ``-j1`` runs one job at a time.
MAKE_DEFAULT = "make (all formats; parallel, jobs = cores)"
MAKE_J1 = "make -j1 (all formats; one job at a time)"
MAKE_NOOP = "make (no-op)"

#: The stages of a build, each as the Makefile runs it (without --deps), from the model file and
#: page map that prepare_scale() made beforehand.
STAGE_MODEL = "pressroom model"
STAGE_PRINT = "pressroom pdf --edition print (model file)"
STAGE_SCREEN = "pressroom pdf --edition screen (model file)"
STAGE_EPUB = "pressroom epub (model file + page map)"
STAGE_DOCX = "pressroom docx (model file)"
STAGES = {STAGE_MODEL: "model", STAGE_PRINT: "print PDF (+ page map)", STAGE_SCREEN: "screen PDF",
          STAGE_EPUB: "EPUB (reads the page map)", STAGE_DOCX: "DOCX"}
#: Each writer given the .md source by hand: it reads the source itself (and the EPUB lays out
#: the print edition first, for its page-list).
MD_PRINT = "pressroom pdf --edition print (.md source)"
MD_SCREEN = "pressroom pdf --edition screen (.md source)"
MD_EPUB = "pressroom epub (.md source; lays out the print edition)"
MD_DOCX = "pressroom docx (.md source)"

#: The reference.
PANDOC_EPUB = "pandoc epub"
PANDOC_DOCX = "pandoc docx"
PANDOC_PDF = "pandoc html + weasyprint pdf"
BARE_PRINT = "weasyprint on pressroom HTML, print"
BARE_SCREEN = "weasyprint on pressroom HTML, screen"

#: The floor: what Python and each path's libraries cost before pressroom does any work.
FLOOR_DOCX = "python: import docx, markdown_it, yaml (the DOCX path's libraries)"
FLOOR_EPUB = "python: import ebooklib.epub, markdown_it, yaml (the EPUB path's libraries, without WeasyPrint)"
FLOOR_PDF = "python: import weasyprint"
FLOOR = {
    "python: start-up only": "pass",
    FLOOR_DOCX: "import docx, markdown_it, yaml",
    FLOOR_EPUB: "import ebooklib.epub, markdown_it, yaml",
    FLOOR_PDF: "import weasyprint",
}

#: The reference each job's growth is compared with in the cost curve: the same work done by
#: bare WeasyPrint (on pressroom's HTML) or by pandoc; whole builds against pandoc's three
#: outputs, whose CPU times are summed.
PANDOC_PATH = (PANDOC_EPUB, PANDOC_DOCX, PANDOC_PDF)
REFERENCE = {
    STAGE_PRINT: (BARE_PRINT,),
    STAGE_SCREEN: (BARE_SCREEN,),
    STAGE_EPUB: (PANDOC_EPUB,),
    STAGE_DOCX: (PANDOC_DOCX,),
    MD_PRINT: (BARE_PRINT,),
    MD_SCREEN: (BARE_SCREEN,),
    MD_EPUB: (PANDOC_EPUB,),
    MD_DOCX: (PANDOC_DOCX,),
    MAKE_DEFAULT: PANDOC_PATH,
    MAKE_J1: PANDOC_PATH,
}


#: The Makefile's stamps in .venv (the environment installed, the system packages checked).
VENV_STAMPS = (".installed", ".system-pdf", ".system-test", ".system-bench")


def make_tree(dst: Path, source_text: str, stem: str) -> Path:
    """A copy of the project whose source/ holds one interview, sharing the real environment;
    its src/ byte-compiled, so that no timed process compiles pressroom's modules.

    Its .venv holds a symlink to each entry of the real one (bin, lib, pyvenv.cfg, ...) and
    stamps of its own, all made now: make then neither reinstalls the shared environment nor
    checks the system packages again (its pyproject.toml and .ci/ are older than the stamps),
    and never touches the real stamps (the .venv the real tree's make and tests use)."""
    dst.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("src", "styles", ".ci"):  # .ci: the system packages the Makefile checks
        shutil.copytree(ROOT / name, dst / name, ignore=ignore)
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, dst / name)
    venv = dst / ".venv"
    venv.mkdir()
    for entry in VENV.iterdir():
        if entry.name not in VENV_STAMPS:
            os.symlink(entry, venv / entry.name)
    for stamp in VENV_STAMPS:  # the environment works: this script runs it
        (venv / stamp).touch()
    (dst / "source").mkdir()
    (dst / "source" / f"{stem}.md").write_text(source_text, encoding="utf-8")
    subprocess.run([str(PY), "-m", "compileall", "-q", str(dst / "src")], check=True)
    return dst


def prepare_scale(work: Path, factor: int, text: str, target: str = "all") -> tuple[list[Job], dict]:
    """The jobs of one length, and its figures. The writers' inputs (the model file and the print
    edition's page map) are made here, once, by the model and print commands; the timed writers
    read them and write elsewhere."""
    stem = "the-future-of-migration" if factor == 1 else f"the-future-of-migration-x{factor}"
    base = work / f"x{factor}"
    tree = make_tree(base / "tree", synthetic(text, factor), stem)
    src = tree / "source" / f"{stem}.md"
    out = base / "out"
    out.mkdir()
    prep = base / "prep"
    prep.mkdir()
    env = pressroom_env(tree / "src")
    pr = [str(PY), "-m", "pressroom"]
    trim = ["--trim", "a4"]  # as the Makefile passes it (TRIM's default) to the print PDF and the DOCX

    # The model file and the page map, as `make` makes them.
    model, pages = prep / f"{stem}.model.json", prep / f"{stem}.pages.json"
    for cmd in (pr + ["model", str(src), "-o", str(model)],
                pr + ["pdf", str(model), "--edition", "print", *trim, "--pages-out", str(pages),
                      "-o", str(prep / f"{stem}.pdf")]):
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")

    # Bare WeasyPrint on pressroom's own HTML of the same model, with the same stylesheets and variant.
    sys.path.insert(0, str(ROOT / "src"))
    from pressroom.model import from_json
    from pressroom.styles import open_styles
    from pressroom.writers import pdf as pdfw

    styles = open_styles()
    interview = from_json(model.read_text(encoding="utf-8"))
    bare = {}
    for edition in ("print", "screen"):
        html = out / f"pressroom-{edition}.html"
        html.write_bytes(pdfw.html_for(interview, styles, edition))
        cmd = [str(WEASYPRINT), "-q", "-u", str(styles.root) + os.sep]
        for i, sheet in enumerate(pdfw.stylesheets(styles, edition, "a4")):
            path = sheet.path
            if sheet.text is not None:  # made from styles/ data (the trim's page): a file for the CLI
                path = out / f"{edition}-{i}-{sheet.path.name.split('.')[0]}.css"
                path.write_text(sheet.text, encoding="utf-8")
            cmd += ["-s", str(path)]
        if edition == "print":
            cmyk = out / "cmyk.css"
            cmyk.write_text("@color-profile device-cmyk { src: url(%s); components: cyan, magenta, yellow, black; }"
                            % styles.path("icc", "artifex-swop-cmyk.icc").as_uri())
            cmd += ["-s", str(cmyk), "--pdf-variant", "pdf/x-4"]
        else:
            cmd += ["--pdf-variant", "pdf/ua-1", "--pdf-tags"]
        cmd += ["--pdf-identifier", "bench", str(html), str(out / f"bare-{edition}.pdf")]
        bare[edition] = cmd

    build = tree / "build"

    def clean():
        shutil.rmtree(build, ignore_errors=True)

    def ensure_built():
        if not build.exists():
            subprocess.run(["make", "-s", target], cwd=tree, check=True, capture_output=True, env=clean_make_env())

    def pressroom(name, args, output=None):
        return Job(name, "pressroom", [pr + args], env=env, output=output)

    p_html = out / "pandoc.html"
    jobs = [
        pressroom(STAGE_MODEL, ["model", str(src), "-o", str(out / "model.json")]),
        pressroom(STAGE_PRINT, ["pdf", str(model), "--edition", "print", *trim, "--pages-out",
                                str(out / "pages.json"), "-o", str(out / "print.pdf")], out / "print.pdf"),
        pressroom(STAGE_SCREEN, ["pdf", str(model), "--edition", "screen", "-o", str(out / "screen.pdf")],
                  out / "screen.pdf"),
        pressroom(STAGE_EPUB, ["epub", str(model), "--pages", str(pages), "-o", str(out / "book.epub")]),
        pressroom(STAGE_DOCX, ["docx", str(model), *trim, "-o", str(out / "doc.docx")]),
        pressroom(MD_PRINT, ["pdf", str(src), "--edition", "print", *trim, "-o", str(out / "md-print.pdf")],
                  out / "md-print.pdf"),
        pressroom(MD_SCREEN, ["pdf", str(src), "--edition", "screen", "-o", str(out / "md-screen.pdf")],
                  out / "md-screen.pdf"),
        pressroom(MD_EPUB, ["epub", str(src), *trim, "-o", str(out / "md-book.epub")]),
        pressroom(MD_DOCX, ["docx", str(src), *trim, "-o", str(out / "md-doc.docx")]),
        Job(MAKE_DEFAULT, "make", [["make", "-s", target]], cwd=tree, before=clean),
        Job(MAKE_J1, "make", [["make", "-s", "-j1", target]], cwd=tree, before=clean),
        Job(MAKE_NOOP, "make", [["make", "-s", target]], cwd=tree, before=ensure_built),
        Job(BARE_PRINT, "weasyprint", [bare["print"]], output=out / "bare-print.pdf"),
        Job(BARE_SCREEN, "weasyprint", [bare["screen"]], output=out / "bare-screen.pdf"),
        Job(PANDOC_EPUB, "pandoc", [[PANDOC, str(src), "-o", str(out / "pandoc.epub")]]),
        Job(PANDOC_DOCX, "pandoc", [[PANDOC, str(src), "-o", str(out / "pandoc.docx")]]),
        Job(PANDOC_PDF, "pandoc",
            [[PANDOC, "-s", str(src), "-o", str(p_html)],
             [str(WEASYPRINT), "-q", str(p_html), str(out / "pandoc.pdf")]],
            output=out / "pandoc.pdf"),
    ]
    if factor == 1:  # the floor does not depend on the length
        jobs += [Job(name, "floor", [[str(PY), "-c", code]]) for name, code in FLOOR.items()]
    info = {"factor": factor, "source": str(src), "model": str(model), "pages_file": str(pages),
            "src_dir": str(tree / "src"), "bytes": src.stat().st_size,
            "words": len(src.read_text(encoding="utf-8").split())}
    return jobs, info


def scale_results(work: Path, factor: int, jobs: list[Job], info: dict) -> dict:
    """One length's results as the report takes them: its jobs (with the pages of their PDFs), the
    source's figures, and the pages of pressroom's print PDF and of pandoc's PDF (0 if not made)."""
    out = work / f"x{factor}" / "out"
    for j in jobs:
        if j.output and j.output.exists():
            j.pages = pdf_pages(j.output)

    def pages(name: str) -> int:
        return pdf_pages(out / name) if (out / name).exists() else 0

    return {"jobs": jobs, "info": info, "pages": pages("print.pdf"), "pandoc_pages": pages("pandoc.pdf")}


# --------------------------------------------------------------------------
# Where the time goes: one stage in one fresh process, split into phases

PHASE_CHILD = r"""
import sys, time, json
import importlib._bootstrap as _bootstrap
# Every import, wherever it happens (writers import their libraries lazily), is
# timed by wrapping importlib's _find_and_load (outermost calls only), so its
# time is counted as import and not in the phase during which it happened.
_find_and_load = _bootstrap._find_and_load
imported = [0.0]
depth = [0]
def _timed_find_and_load(name, import_):
    depth[0] += 1
    s = time.perf_counter()
    try:
        return _find_and_load(name, import_)
    finally:
        depth[0] -= 1
        if depth[0] == 0:
            imported[0] += time.perf_counter() - s
_bootstrap._find_and_load = _timed_find_and_load

t0 = time.perf_counter()
# stage: model (source -> model file) or print, screen, epub, docx (model file -> output);
# the EPUB also reads the page map; the print PDF also writes one (OUT.pages.json).
stage, inp, pages_file, out, want_profile = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], len(sys.argv) > 5
import importlib, pathlib
import pressroom.cli
from pressroom.styles import open_styles
from pressroom import package
if stage == "model":
    from pressroom import reader, transforms
    import pressroom.model as model
else:
    from pressroom import pagemap
    from pressroom.model import from_json
    writer = importlib.import_module({"print": "pressroom.writers.pdf", "screen": "pressroom.writers.pdf",
                                      "epub": "pressroom.writers.epub", "docx": "pressroom.writers.docx"}[stage])
t1 = time.perf_counter()
i1 = imported[0]
styles = open_styles()
if stage == "model":
    interview = transforms.apply(reader.read(inp), styles)
else:
    interview = from_json(pathlib.Path(inp).read_text(encoding="utf-8"))
    pages = pagemap.loads(pathlib.Path(pages_file).read_bytes()) if stage == "epub" else None
t2 = time.perf_counter()
i2 = imported[0]

# Serialisation inside the writer is timed apart from building and layout.
serialise = [0.0]
def timed(owner, attr):
    orig = getattr(owner, attr)
    def wrapper(*a, **k):
        s, i = time.perf_counter(), imported[0]
        try:
            return orig(*a, **k)
        finally:
            serialise[0] += (time.perf_counter() - s) - (imported[0] - i)
    setattr(owner, attr, wrapper)
if stage == "model":
    timed(model, "to_json")
elif stage in ("print", "screen"):
    import weasyprint.document
    timed(weasyprint.document.Document, "write_pdf")
    timed(pagemap, "dumps")
elif stage == "epub":
    import ebooklib.epub
    timed(ebooklib.epub.EpubWriter, "write")
else:
    import docx.document
    timed(docx.document.Document, "save")
timed(package, "normalise_zip")
t2b = time.perf_counter()
i2b = imported[0]

profile = None
if want_profile:
    import cProfile
    profile = cProfile.Profile()
    profile.enable()
files = []
if stage == "model":
    files.append((out, model.to_json(interview).encode("utf-8")))
else:
    opts = {"print": {"edition": "print", "trim": "a4", "pages_out": []}, "screen": {"edition": "screen"},
            "epub": {"pages": pages}, "docx": {"trim": "a4"}}[stage]
    files.append((out, writer.write(interview, styles, **opts)))
    if stage == "print":
        files.append((out + ".pages.json", pagemap.dumps(opts["pages_out"])))
if profile:
    profile.disable()
t3 = time.perf_counter()
i3 = imported[0]
if len(files) == 1:
    package.write_atomic(*files[0])
else:
    package.write_all_atomic(files)
t4 = time.perf_counter()
i4 = imported[0]
print(json.dumps({
    "import": (t1 - t0) + (i2 - i1) + (i2b - i2) + (i3 - i2b) + (i4 - i3),
    "read": (t2 - t1) - (i2 - i1),
    "layout": (t3 - t2b) - (i3 - i2b) - serialise[0],
    "write": serialise[0] + (t4 - t3) - (i4 - i3),
}))
if profile:
    import pstats, io
    s = io.StringIO()
    pstats.Stats(profile, stream=s).sort_stats("cumulative").print_stats(30)
    sys.stderr.write(s.getvalue())
"""

#: The stages the phase split runs, in the order of the build.
PHASE_STAGES = ("model", "print", "screen", "epub", "docx")


def phases(stage: str, info: dict, out: Path, runs: int, cprofile: Path | None = None) -> dict:
    """One stage of one length (``info`` from prepare_scale: its source, model file, page map
    and code) in ``runs`` fresh processes; the median seconds of each phase. With ``cprofile``,
    one more run first, under cProfile (its listing written there; its times not counted)."""
    inp = info["source"] if stage == "model" else info["model"]
    results = []
    for i in range(runs + (1 if cprofile else 0)):
        profiled = cprofile is not None and i == 0
        cmd = [str(PY), "-c", PHASE_CHILD, stage, inp, info["pages_file"], str(out)]
        if profiled:
            cmd.append("profile")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=pressroom_env(Path(info["src_dir"])))
        if proc.returncode != 0:
            raise RuntimeError(f"phase run {stage} failed:\n{proc.stderr[-2000:]}")
        if profiled:
            cprofile.write_text(proc.stderr)
        else:
            results.append(json.loads(proc.stdout.splitlines()[-1]))
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


# --------------------------------------------------------------------------
# Reporting


def fmt_s(x: float) -> str:
    return f"{x:.2f}" if x >= 0.995 else f"{x:.3f}"


def fmt_mib(b: float) -> str:
    return f"{b / MiB:.0f}"


def machine_notes() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        mem = 0
    pandoc_v = subprocess.run([PANDOC, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    wp = subprocess.run([str(PY), "-c", "import weasyprint; print(weasyprint.__version__)"],
                        capture_output=True, text=True).stdout.strip()
    return [
        f"{os.cpu_count()} cores ({cpu}), {mem} MiB RAM, {platform.system()} {platform.release()}",
        f"Python {platform.python_version()}, WeasyPrint {wp}, {pandoc_v}",
    ]


def compile_src() -> str:
    """Byte-compile this tree's src/ (the code of the footnote runs; each scratch tree compiles its
    own copy), so that with PYTHONDONTWRITEBYTECODE set no timed process compiles pressroom's
    modules from source; return the machine note."""
    subprocess.run([str(PY), "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    value = os.environ.get("PYTHONDONTWRITEBYTECODE")
    setting = f"PYTHONDONTWRITEBYTECODE={value}" if value else "PYTHONDONTWRITEBYTECODE not set"
    return (f"{setting}; src/ was byte-compiled (compileall) before timing; every pressroom process runs"
            " with PYTHONPATH on this tree's code (a scratch copy of it), as the Makefile runs it")


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def growth(xs: list[float], ys: list[float]) -> dict:
    """Fixed cost, marginal cost per 1x, and how the slope changes with length."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    intercept = my - slope * mx
    out = {"fixed": intercept, "per_x": slope}
    if n >= 3:
        s1 = (ys[1] - ys[0]) / (xs[1] - xs[0])
        s2 = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
        out["slope_ratio"] = s2 / s1 if s1 > 0 else math.nan
    return out


def report(scales: dict, phase_results: dict, notes: list[str], load: tuple[str, str]) -> str:
    lines: list[str] = []
    w = lines.append
    factors = sorted(scales)
    w("### Cold runs (median wall seconds / CPU seconds / peak MiB)")
    w("")
    w("| job | " + " | ".join(f"{f}× ({scales[f]['info']['words']} words; print PDF {scales[f]['pages']} pp.,"
                              f" pandoc PDF {scales[f]['pandoc_pages']} pp.)"
                              for f in factors) + " |")
    w("|---|" + "---|" * len(factors))
    names = [j.name for j in scales[factors[0]]["jobs"]]
    for name in names:
        cells = []
        for f in factors:
            j = next((j for j in scales[f]["jobs"] if j.name == name), None)
            cells.append("–" if j is None or not j.samples else
                         f"{fmt_s(j.median('wall'))} / {fmt_s(j.median('cpu'))} / {fmt_mib(j.median('rss'))}")
        w(f"| {name} | " + " | ".join(cells) + " |")
    w("")

    w("### Targets (ratios measured in the same run; wall time, CPU time in brackets)")
    w("")
    w("| target | " + " | ".join(f"{f}×" for f in factors) + " | goal |")
    w("|---|" + "---|" * len(factors) + "---|")

    def job(f, name):
        return next((j for j in scales[f]["jobs"] if j.name == name and j.samples), None)

    def ratio_row(label, a, b, goal, per_page=False):
        """Job ``a`` over the sum of the jobs ``b`` (a name or a tuple of names), median wall
        and CPU; ``per_page``: each per page of its PDF (pressroom's print PDF, pandoc's PDF)."""
        bs = (b,) if isinstance(b, str) else b
        cells = []
        for f in factors:
            ja, jbs = job(f, a), [job(f, x) for x in bs]
            pages = (scales[f]["pages"], scales[f]["pandoc_pages"]) if per_page else (1, 1)
            if ja is None or not all(jbs) or not all(pages):
                cells.append("–")
                continue
            rw = (ja.median("wall") / pages[0]) / (sum(j.median("wall") for j in jbs) / pages[1])
            rc = (ja.median("cpu") / pages[0]) / (sum(j.median("cpu") for j in jbs) / pages[1])
            cells.append(f"{rw:.2f} ({rc:.2f})")
        if any(c != "–" for c in cells):  # a row of jobs not run (--only) is left out
            w(f"| {label} | " + " | ".join(cells) + f" | {goal} |")

    ratio_row("whole `make` (parallel, from a clean build/) / pandoc's three outputs one after the other"
              " (EPUB + DOCX + HTML → WeasyPrint PDF, summed)", MAKE_DEFAULT, PANDOC_PATH,
              "≤ 1.5 at 1×, ≤ 1.0 at 50×")
    ratio_row("whole `make -j1` / pandoc's three outputs (summed)", MAKE_J1, PANDOC_PATH, "(information)")
    ratio_row("EPUB alone, print edition up to date (`pressroom epub MODEL --pages PAGES`) / pandoc → EPUB",
              STAGE_EPUB, PANDOC_EPUB, "≤ 3")
    ratio_row("cold DOCX from the model file (`pressroom docx MODEL`) / pandoc → DOCX", STAGE_DOCX,
              PANDOC_DOCX, "≤ 1.5")
    ratio_row("print PDF from the model file / bare WeasyPrint, same HTML", STAGE_PRINT, BARE_PRINT, "≤ 1.2")
    ratio_row("screen PDF from the model file / bare WeasyPrint, same HTML", STAGE_SCREEN, BARE_SCREEN,
              "(≤ 1.2)")
    ratio_row("print PDF from the model file / pandoc → HTML → WeasyPrint", STAGE_PRINT, PANDOC_PDF,
              "(information)")
    ratio_row("EPUB from the .md source (reads it, lays out the print edition) / pandoc → EPUB", MD_EPUB,
              PANDOC_EPUB, "(information)")
    ratio_row("DOCX from the .md source / pandoc → DOCX", MD_DOCX, PANDOC_DOCX, "(information)")
    ratio_row("floor: import of python-docx + markdown-it-py + PyYAML / pandoc docx", FLOOR_DOCX,
              PANDOC_DOCX, "(information)")
    ratio_row("floor: import of ebooklib + markdown-it-py + PyYAML / pandoc epub", FLOOR_EPUB,
              PANDOC_EPUB, "(information)")
    ratio_row("floor: import of WeasyPrint / pandoc epub", FLOOR_PDF, PANDOC_EPUB, "(information)")
    # Per page: a whole make (4 outputs) per page of the print PDF, against pandoc's three
    # outputs per page of its PDF (pressroom's pages hold more text).
    ratio_row("`make` per page of the print PDF / pandoc's three per page of its PDF", MAKE_DEFAULT,
              PANDOC_PATH, "(information)", per_page=True)
    ratio_row("`make -j1` per page / pandoc's three per page", MAKE_J1, PANDOC_PATH, "(information)",
              per_page=True)
    cells = []
    for f in factors:
        j = job(f, MAKE_NOOP)
        cells.append(f"{fmt_s(j.median('wall'))} s" if j else "–")
    w("| no-op `make` | " + " | ".join(cells) + " | < 0.2 s |")
    cells = []
    for f in factors:
        peak = max((j.median("rss") for j in scales[f]["jobs"] if j.group in ("pressroom", "make") and j.samples),
                   default=0)
        cells.append(f"{fmt_mib(peak)} MiB")
    w("| peak memory, any pressroom process (a stage, a writer, or any recipe of `make`) | "
      + " | ".join(cells) + " | < 300 MiB at 50× |")
    w("")

    if any(job(f, s) for f in factors for s in STAGES):
        w("### Where the time goes: the stages (cold processes, each writer from the model file;"
          " median wall s / CPU s / peak MiB; in brackets, the share of the stages' summed CPU time)")
        w("")
        w("| stage | " + " | ".join(f"{f}×" for f in factors) + " |")
        w("|---|" + "---|" * len(factors))
        total_cpu = {f: sum(job(f, s).median("cpu") for s in STAGES if job(f, s)) for f in factors}
        for name, label in STAGES.items():
            cells = []
            for f in factors:
                j = job(f, name)
                cells.append("–" if j is None else
                             f"{fmt_s(j.median('wall'))} / {fmt_s(j.median('cpu'))} / {fmt_mib(j.median('rss'))}"
                             f" ({100 * j.median('cpu') / total_cpu[f]:.0f} %)")
            w(f"| {label}: `{name}` | " + " | ".join(cells) + " |")
        w("")

    if all(job(f, s) for f in factors for s in STAGES):
        w("### Critical path of a whole build (from the stages' median wall times) against the measured"
          " `make`")
        w("")
        w("| length | model | print PDF + EPUB | screen PDF | DOCX | critical path: model + max(…) |"
          " `make` measured | `make` / critical path | sum of the stages | `make -j1` measured |"
          " `make -j1` / sum |")
        w("|---|---|---|---|---|---|---|---|---|---|---|")
        for f in factors:
            t = {s: job(f, s).median("wall") for s in STAGES}
            branches = (t[STAGE_PRINT] + t[STAGE_EPUB], t[STAGE_SCREEN], t[STAGE_DOCX])
            path, total = t[STAGE_MODEL] + max(branches), sum(t.values())
            mk, mk1 = job(f, MAKE_DEFAULT), job(f, MAKE_J1)
            w(f"| {f}× | {fmt_s(t[STAGE_MODEL])} | {fmt_s(branches[0])} | {fmt_s(branches[1])} |"
              f" {fmt_s(branches[2])} | {fmt_s(path)} |"
              + (f" {fmt_s(mk.median('wall'))} | {mk.median('wall') / path:.2f} |" if mk else " – | – |")
              + f" {fmt_s(total)} |"
              + (f" {fmt_s(mk1.median('wall'))} | {mk1.median('wall') / total:.2f} |" if mk1 else " – | – |"))
        w("")
        w(f"The critical path assumes a core for each of the three writers that follow the model; this"
          f" machine has {os.cpu_count()} cores, so `make` / critical path above 1 is partly the writers"
          " sharing them (and make's own start-up and the writers' dependency files). The sum of the"
          " stages is a build with one job.")
        w("")

    if len(factors) >= 2:
        w("### Cost curve (least-squares fit over the lengths: fixed cost + cost per 1×;"
          " slope ratio = cost per 1× from 10× to 50× over that from 1× to 10×, ≈ 1 when linear;"
          " slope vs reference = the CPU slope ratio over that of the reference in the same run"
          " (bare WeasyPrint on pressroom's HTML for a PDF, pandoc for EPUB and DOCX, pandoc's three"
          " outputs for `make`), ≈ 1 when it grows like the reference)")
        w("")
        w("| job | fixed s (CPU s) | s per 1× (CPU s) | slope ratio, wall (CPU) | slope vs reference (CPU)"
          " | fixed MiB | MiB per 1× | pages |")
        w("|---|---|---|---|---|---|---|---|")
        for name in names:
            js = [job(f, name) for f in factors]
            if not all(js) or name == MAKE_NOOP:
                continue
            gt = growth(factors, [j.median("wall") for j in js])
            gc = growth(factors, [j.median("cpu") for j in js])
            gm = growth(factors, [j.median("rss") / MiB for j in js])
            pages = "/".join(str(j.pages) for j in js) if all(j.pages for j in js) else ""
            sr, src = gt.get("slope_ratio", math.nan), gc.get("slope_ratio", math.nan)
            ref = REFERENCE.get(name, ())
            refs = [[job(f, r) for r in ref] for f in factors]  # per length, the reference's jobs
            vs_ref = ""
            if ref and all(j for rs in refs for j in rs):
                gr = growth(factors, [sum(j.median("cpu") for j in rs) for rs in refs])
                ref_sr = gr.get("slope_ratio", math.nan)
                finite = math.isfinite(ref_sr) and ref_sr and math.isfinite(src)
                vs_ref = f"{src / ref_sr:.2f}" if finite else "–"
            w(f"| {name} | {gt['fixed']:.2f} ({gc['fixed']:.2f}) | {gt['per_x']:.3f} ({gc['per_x']:.3f}) | "
              f"{sr:.2f} ({src:.2f}) | {vs_ref} | {gm['fixed']:.0f} | {gm['per_x']:.2f} | {pages} |")
        w("")

    if phase_results:
        order = {s: i for i, s in enumerate(PHASE_STAGES)}
        w("### Where the time goes inside a stage (one fresh process per stage, each writer from the"
          " model file; median seconds)")
        w("")
        w("| stage | length | import | read | layout | write | total |")
        w("|---|---|---|---|---|---|---|")
        for (stage, f), r in sorted(phase_results.items(), key=lambda kv: (order.get(kv[0][0], 9), kv[0][1])):
            read = r.get("read", r.get("parse", math.nan))  # "parse": results of the unstaged build
            total = r["import"] + read + r["layout"] + r["write"]
            w(f"| {stage} | {f}× | {fmt_s(r['import'])} | {fmt_s(read)} | {fmt_s(r['layout'])} | "
              f"{fmt_s(r['write'])} | {fmt_s(total)} |")
        w("")
        w("import: Python modules (pressroom and the stage's libraries); read: for the model, Markdown +"
          " YAML → model and the transforms; for a writer, the model file (and for the EPUB the page"
          " map) → model; layout: building the document (for PDF: HTML, CSS and WeasyPrint's layout,"
          " and the print edition's page map); write: serialising (the model's JSON, PDF objects and"
          " fonts, zip) and the atomic write.")
        w("")

    w("### Machine")
    w("")
    for n in notes:
        w(f"- {n}")
    w(f"- load average (1, 5, 15 min) at start: {load[0]}; at end: {load[1]}"
      + (" (run " + ", ".join(load[2:]) + ")" if len(load) > 2 else ""))
    w("- times are medians of cold runs interleaved across jobs and lengths (each round runs every job"
      " once at every length still needing runs; the last rounds run 1× only), so every length sees"
      " nearly the same machine;"
      " ratios and slope ratios are taken within the same run."
      " CPU time (user + system) is less sensitive than wall time to other work on the machine.")
    return "\n".join(lines)


# --------------------------------------------------------------------------


def load_results(paths: list[str]) -> tuple[dict, dict, list[str], tuple]:
    """Rebuild the report's inputs from results.json files; a later file's length replaces an
    earlier one's (say, a length measured again)."""
    scales: dict = {}
    phase_results: dict = {}
    notes: list[str] = []
    loads = []
    for path in paths:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        notes = raw.get("machine", notes)
        loads += raw.get("load", [])
        for key, value in raw.items():
            if not key.isdigit():
                continue
            jobs = []
            for name, samples in value["jobs"].items():
                info = value.get("job_info", {}).get(name, {})
                group = info.get("group") or ("pandoc" if name.startswith("pandoc") else
                                              "weasyprint" if name.startswith("weasyprint") else
                                              "make" if name.startswith("make") else "pressroom")
                j = Job(name, group, [], samples=[Sample(**x) for x in samples], pages=info.get("pages", 0))
                if j.samples:
                    jobs.append(j)
            scales[int(key)] = {"jobs": jobs, "info": value["info"], "pages": value["pages"],
                                "pandoc_pages": value["pandoc_pages"]}
            phase_results = {k: v for k, v in phase_results.items() if k[1] != int(key)}
        for k, v in raw.get("phases", {}).items():
            fmt, f = k.split("@")
            phase_results[(fmt, int(f))] = v
    load = (loads[0], loads[-1], *[f"{Path(p).parent.name}" for p in paths]) if loads else ("?", "?")
    return scales, phase_results, notes, load


def save(outdir: Path, scales: dict, phase_results: dict, notes: list[str], load_start: str) -> str:
    """Write build/bench/results.md and results.json; return the Markdown."""
    outdir.mkdir(parents=True, exist_ok=True)  # build/ may have been cleaned meanwhile
    text_report = report(scales, phase_results, notes, (load_start, loadavg()))
    (outdir / "results.md").write_text(text_report + "\n", encoding="utf-8")
    raw = {str(f): {"info": s["info"], "pages": s["pages"], "pandoc_pages": s["pandoc_pages"],
                    "jobs": {j.name: [vars(x) for x in j.samples] for j in s["jobs"]},
                    "job_info": {j.name: {"group": j.group, "pages": j.pages} for j in s["jobs"]}}
           for f, s in scales.items()}
    raw["phases"] = {f"{k[0]}@{k[1]}": v for k, v in phase_results.items()}
    raw["machine"] = notes
    raw["load"] = [load_start, loadavg()]
    (outdir / "results.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
    return text_report


# --------------------------------------------------------------------------
# Footnotes (issue 19): seconds per 100 notes


def footnote_source(n: int) -> str:
    """The interview's front matter and one answer with ``n`` one-line notes, ten calls a
    paragraph: the most notes on a page, so the costliest layout per note."""
    front = SOURCE.read_text(encoding="utf-8").split("\n---\n", 1)[0] + "\n---\n\n"
    calls = [f"Claim {i}.[^{i}]" for i in range(1, n + 1)]
    body = ["## What do the notes say?", ""]
    body += [" ".join(calls[k:k + 10]) + "\n" for k in range(0, n, 10)]
    body += [f"[^{i}]: Source {i}.\n" for i in range(1, n + 1)]
    return front + "\n".join(body)


def footnote_rows(counts: list[int], runs: int, work: Path) -> list[dict]:
    """The print PDF of ``footnote_source(n)`` as a cold process, for each n: the median wall and
    CPU seconds, and CPU seconds per 100 notes; a count over the reader's limit is refused
    (exit 2, its line reported) and measured as such."""
    rows = []
    for n in counts:
        src = work / f"notes-{n}.md"
        src.write_text(footnote_source(n), encoding="utf-8")
        cmd = [str(PY), "-m", "pressroom", "pdf", str(src), "-o", str(work / f"notes-{n}.pdf")]
        env = pressroom_env(ROOT / "src")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode == 2:
            rows.append({"notes": n, "refused": proc.stderr.strip()})
            continue
        if proc.returncode != 0:
            raise RuntimeError(f"{n} notes: {proc.stderr.strip()}")
        samples = [run_measured(cmd, env=env) for _ in range(runs)]
        wall = statistics.median(x.wall for x in samples)
        cpu = statistics.median(x.cpu for x in samples)
        rows.append({"notes": n, "wall": wall, "cpu": cpu, "cpu_per_100": cpu * 100 / n,
                     "pages": pdf_pages(work / f"notes-{n}.pdf")})
    return rows


def footnote_report(rows: list[dict]) -> str:
    out = ["| notes | pages | wall (s) | CPU (s) | CPU s per 100 notes |", "|---:|---:|---:|---:|---:|"]
    for r in rows:
        if "refused" in r:
            out.append(f"| {r['notes']:,} | refused: `{r['refused'].split(': ', 1)[-1]}` | | | |")
        else:
            out.append(f"| {r['notes']:,} | {r['pages']} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['cpu_per_100']:.2f} |")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10,50", help="lengths, as multiples of the interview (default 1,10,50)")
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 5)),
                    help="runs per job at lengths below 10x; the median is reported. The runs go in rounds,"
                         " each running every job once at every length that still needs runs"
                         " (default 5, env BENCH_RUNS)")
    ap.add_argument("--runs-large", type=int, default=int(os.environ.get("BENCH_RUNS_LARGE", 3)),
                    help="runs per job at 10x and longer, in the first rounds"
                         " (default 3, env BENCH_RUNS_LARGE)")
    ap.add_argument("--phase-runs", type=int, default=3,
                    help="runs of the phase split, after one under cProfile (default 3; 0 to skip)")
    ap.add_argument("--only", default="", help="comma-separated substrings: run only the jobs whose name matches")
    ap.add_argument("--out", default=str(ROOT / "build" / "bench"), help="folder for results (default build/bench)")
    ap.add_argument("--make-target", default="all", help="the make target timed (default all: every output)")
    ap.add_argument("--from-json", nargs="+", metavar="RESULTS_JSON",
                    help="measure nothing: print the report of earlier results.json files (merged; a later "
                         "file's length replaces an earlier one's)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    ap.add_argument("--memory", choices=("auto", "time", "launcher"), default="auto",
                    help="how peak memory is measured: GNU time (/usr/bin/time), a small Python launcher,"
                         " or the first if it is there (default auto)")
    ap.add_argument("--footnotes", metavar="COUNTS",
                    help="measure only the print PDF of an answer with this many one-line notes, e.g."
                         " 100,800,5000: seconds per 100 notes (a count over the reader's limit is refused)")
    args = ap.parse_args(argv)

    if args.footnotes:
        with tempfile.TemporaryDirectory(prefix="pressroom-bench-notes-") as tmp:
            rows = footnote_rows([int(x) for x in args.footnotes.split(",")], max(1, args.runs), Path(tmp))
        text = footnote_report(rows)
        Path(args.out).mkdir(parents=True, exist_ok=True)
        (Path(args.out) / "footnotes.md").write_text(text + "\n", encoding="utf-8")
        print(text)
        return 0
    if args.from_json:
        scales, phase_results, notes, load = load_results(args.from_json)
        print(report(scales, phase_results, notes, load))
        return 0
    factors = [int(x) for x in args.scales.split(",")]
    text = SOURCE.read_text(encoding="utf-8")
    outdir = Path(args.out)
    outdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="pressroom-bench-"))
    load_start = loadavg()
    notes = machine_notes() + [compile_src(), memory_method(args.memory)["note"]]
    only = [s for s in args.only.split(",") if s]
    runs = {f: args.runs if f < 10 else args.runs_large for f in factors}
    jobs_at: dict[int, list[Job]] = {}
    info_at: dict[int, dict] = {}
    phase_results: dict = {}
    round_loads: list[str] = []  # the load average as each round (and the phase split) starts

    def results() -> dict:
        return {f: scale_results(work, f, jobs_at[f], info_at[f]) for f in factors}

    def all_notes() -> list[str]:
        if not round_loads:
            return notes
        return notes + ["load average (1, 5, 15 min) as each round started: "
                        + "; ".join(f"{label}: {value}" for label, value in round_loads)]

    try:
        for f in factors:
            jobs, info_at[f] = prepare_scale(work, f, text, args.make_target)
            jobs_at[f] = [j for j in jobs if not only or any(s in j.name for s in only)]
            print(f"== {f}×: {info_at[f]['words']} words, {info_at[f]['bytes']} bytes;"
                  f" {len(jobs_at[f])} jobs × {runs[f]} runs", file=sys.stderr, flush=True)
        # One unmeasured warm-up of every job, at the first length only (page
        # cache, .pyc files, font caches): the other lengths run the same programs.
        # A job that fails (a writer not there yet) is dropped at every length and reported.
        for j in list(jobs_at[factors[0]]):
            try:
                j.run()
            except (RuntimeError, subprocess.CalledProcessError) as e:
                print(f"   {j.name}: skipped, it failed: {' | '.join(str(e).splitlines()[-4:])[:600]}",
                      file=sys.stderr)
                for f in factors:
                    jobs_at[f] = [x for x in jobs_at[f] if x.name != j.name]
            j.samples.clear()
        # Interleaved rounds: each round measures every job once at every length that
        # still needs runs, so a burst of other work on the machine, or a drift of its
        # speed, affects all jobs and all lengths alike.
        for r in range(max(runs.values())):
            todo = [f for f in factors if r < runs[f]]
            round_loads.append((f"round {r + 1}", loadavg()))
            print(f"== round {r + 1}: " + ", ".join(f"{f}×" for f in todo) + f" (load {loadavg()})",
                  file=sys.stderr, flush=True)
            for f in todo:
                for j in list(jobs_at[f]):
                    try:
                        s = j.run()
                    except (RuntimeError, subprocess.CalledProcessError) as e:
                        # Another build may be editing the code under us: skip this run,
                        # drop the job after a second failure.
                        j.failures += 1
                        tail = " | ".join(str(e).splitlines()[-4:])[:600]
                        print(f"   round {r + 1}, {f}×: {j.name} failed ({j.failures}): {tail}", file=sys.stderr)
                        if j.failures >= 2:
                            jobs_at[f].remove(j)
                        continue
                    print(f"   round {r + 1}, {f}×: {j.name}: {s.wall:.3f} s wall, {s.cpu:.3f} s cpu,"
                          f" {s.rss / MiB:.0f} MiB", file=sys.stderr, flush=True)
            save(outdir, results(), phase_results, all_notes(), load_start)  # partial results, round by round
        scales = results()
        for f in factors:
            for j in scales[f]["jobs"]:
                if j.group == "weasyprint" and j.pages and scales[f]["pages"]:
                    other = work / f"x{f}" / "out" / ("print.pdf" if j.name.endswith("print") else "screen.pdf")
                    if other.exists() and pdf_pages(other) != j.pages:
                        print(f"   warning: {f}×: {j.name} gave {j.pages} pages, pressroom {pdf_pages(other)}",
                              file=sys.stderr)
        if args.phase_runs:
            round_loads.append(("phase split", loadavg()))
            for f in factors:
                for stage in PHASE_STAGES:
                    try:
                        phase_results[(stage, f)] = phases(
                            stage, info_at[f], work / f"x{f}" / "out" / f"phase-{stage}", args.phase_runs,
                            cprofile=outdir / f"profile-{stage}-x{f}.txt")
                    except RuntimeError as e:
                        print(f"   phase split of {stage} skipped: {e}", file=sys.stderr)
                save(outdir, scales, phase_results, all_notes(), load_start)  # partial results, length by length
        print(save(outdir, scales, phase_results, all_notes(), load_start))
    finally:
        if args.keep:
            print(f"scratch folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
