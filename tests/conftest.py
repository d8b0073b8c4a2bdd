from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source" / "the-future-of-migration.md"
sys.path.insert(0, str(Path(__file__).parent))

sys.path.insert(0, str(ROOT / "src"))
from pressroom.outputs import OUTPUTS, SUFFIX  # noqa: E402  (the table of outputs)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A tool run directly (subprocess) that is not installed: one line naming it and its package
    (.ci/packages.txt) instead of a FileNotFoundError traceback."""
    outcome = yield
    report = outcome.get_result()
    if call.excinfo is None or not call.excinfo.errisinstance(FileNotFoundError):
        return
    name = call.excinfo.value.filename
    if not isinstance(name, str) or os.sep in name:
        return
    from system import missing_message

    try:
        message = missing_message(name)
    except LookupError:
        return
    if message:
        report.longrepr = message


def run_cli(*args, check=True, **kw) -> subprocess.CompletedProcess:
    """Run ``python -m pressroom`` as a user would; returns the completed process."""
    proc = subprocess.run([sys.executable, "-m", "pressroom", *map(str, args)],
                          capture_output=True, text=True, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"pressroom {' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def build(kind: str, source: Path, outdir: Path, *extra) -> Path:
    """Build one output: kind is print, screen, epub or docx."""
    out = outdir / (source.stem + SUFFIX[kind])
    if kind in ("print", "screen"):
        run_cli("pdf", source, "--edition", kind, "-o", out, *extra)
    else:
        run_cli(kind, source, "-o", out, *extra)
    return out


def build_all(source: Path, outdir: Path, *options, timeout: float = 900, env=None) -> dict[str, Path]:
    """Every output of a source, by the stages ``make`` runs: the model, then each writer in a
    process of its own (in parallel), the EPUB after the print edition's page map. ``options``
    are ``--trim X`` / ``--icc Y``, given to the outputs that follow them."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    stem = Path(source).stem
    model = outdir / f"{stem}.model.json"
    run_cli("model", source, "-o", model, timeout=timeout, env=env)
    opts = dict(zip(options[::2], options[1::2]))
    done: dict[str, Path] = {}

    def command(o) -> list[str]:
        args = [o.command, str(model), *o.args, "-o", str(outdir / (stem + o.suffix))]
        for name in o.options:
            if f"--{name}" in opts:
                args += [f"--{name}", str(opts[f"--{name}"])]
        for s in o.makes:
            args += ["--pages-out", str(outdir / (stem + s))]
        for s in o.reads:
            args += ["--pages", str(outdir / (stem + s))]
        return args

    waves = [[o for o in OUTPUTS if not o.reads], [o for o in OUTPUTS if o.reads]]
    for wave in waves:
        procs = [(o, subprocess.Popen([sys.executable, "-m", "pressroom", *command(o)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)) for o in wave]
        for o, proc in procs:
            _, err = proc.communicate(timeout=timeout)
            if proc.returncode != 0:
                raise AssertionError(f"pressroom {' '.join(command(o))} failed ({proc.returncode}):\n{err}")
            done[o.name] = outdir / (stem + o.suffix)
    return done


def epub_bytes(interview, styles, trim=None) -> bytes:
    """The EPUB of a model, in one process: the print edition's page map first (laid out, not written)."""
    from pressroom.writers import epub, pdf

    return epub.write(interview, styles, pages=pdf.page_map(interview, styles, trim=trim))


def write_output(writer, interview, styles, **options) -> bytes:
    """``writer.write`` for any writer module; the EPUB gets its page map (``epub_bytes``)."""
    if writer.__name__.endswith(".epub"):
        return epub_bytes(interview, styles, **options)
    return writer.write(interview, styles, **options)


class _Outputs:
    """The four outputs of the interview, each built on first use, once per session."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.cache: dict[str, Path] = {}

    def __getitem__(self, kind: str) -> Path:
        if kind not in self.cache:
            self.cache[kind] = build(kind, SOURCE, self.outdir)
        return self.cache[kind]


@pytest.fixture(scope="session")
def outputs(tmp_path_factory) -> _Outputs:
    return _Outputs(tmp_path_factory.mktemp("outputs"))


def copy_project(dst: Path) -> Path:
    """A copy of the project in ``dst`` (src, styles, source, .ci, Makefile) sharing the real .venv."""
    for name in ("src", "styles", "source", ".ci"):
        shutil.copytree(ROOT / name, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, dst / name)
    os.symlink(ROOT / ".venv", dst / ".venv")
    return dst


def make(tree: Path, *args: str) -> subprocess.CompletedProcess:
    """Run make in a project tree, as if from a clean shell; returns the completed process."""
    from makeenv import clean_make_env

    return subprocess.run(["make", "--no-print-directory", *args], cwd=tree, capture_output=True, text=True,
                          env=clean_make_env())


def model_of(source: Path) -> dict:
    """The model a writer gets (reader and transforms) as JSON data, without the paths of the
    source and photo: what a round trip through the DOCX must give back."""
    from pressroom import model, reader, transforms
    from pressroom.styles import open_styles

    data = model.to_dict(transforms.apply(reader.read(source), open_styles(None)))

    def blank(o):
        if isinstance(o, dict):
            return {k: (None if k in ("path", "source_name") else blank(v)) for k, v in o.items()}
        if isinstance(o, list):
            return [blank(x) for x in o]
        return o

    return blank(data)


def pdf_fidelity(source: Path, pdf: Path, kind: str):
    """make check's text fidelity (the Outcome) of ``pdf``, the print or screen edition of
    ``source``: the model's passages in what pdftotext reads, page by page."""
    from pressroom import reader, transforms
    from pressroom.checks.text import PageText, fidelity, pdf_pages, pdf_text
    from pressroom.styles import open_styles

    interview = transforms.apply(reader.read(source), open_styles())
    extracted = pdf_text(pdf)
    return fidelity(interview, extracted, pages=PageText(interview, pdf_pages(extracted)), kind=kind)
