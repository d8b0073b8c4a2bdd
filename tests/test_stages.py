"""The build as stages (issue 15): the model and the page map are files, one rule and one process
per output with the dependencies its writer really has, options as dependencies, checks as
targets, one table of outputs. Every Makefile test runs make in a scratch copy of the project."""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, copy_project, make, run_cli

from pressroom import model as m
from pressroom import pagemap
from pressroom.outputs import COMMANDS, NAMES, OUTPUTS, PAGES_SUFFIX, makefile

STEM = "the-future-of-migration"
FIXTURES = Path(__file__).parent / "fixtures"
SECOND = FIXTURES / "stages" / "second.md"


# -- the model is a file ---------------------------------------------------------------------------


def every_node_model() -> m.Interview:
    """A model with every node and record type of model.py in it, and every optional field set."""
    t = m.Text("a")
    inlines = (t, m.Emphasis((m.Strong((m.Text("b"),)),)), m.Code("c()"), m.Superscript("er"),
               m.Link("https://example.org/", (m.Text("link"),)), m.LineBreak(), m.NoteRef(1))
    para = m.Paragraph(inlines)
    quote = m.BlockQuote((m.Paragraph((m.Text("quoted"),)),), attribution=(m.Text("Someone"),))
    lst = m.List(True, 3, (m.ListItem((m.Paragraph((m.Text("item"),)),)),))
    meta = m.Metadata("Title", dt.date(2023, 12, 1), "fr", subtitle="Sub", publisher="UN Today",
                      rights="© UN", identifier="urn:uuid:x", keywords=("a", "b"), section="Interview",
                      modified=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc))
    return m.Interview(
        meta=meta, interviewer=m.Person("Q", "role", "bio"), interviewee=m.Person("A", "DG"),
        image=m.Image("alt", "caption", "credit", "/x/photo.jpg", "image/jpeg", 10, 20, "0" * 64),
        intro=(para, quote, lst), exchanges=(m.Exchange("q1", (m.Text("Why?"),), (para,)),),
        notes=(m.Footnote(1, "n", (m.Paragraph((m.Text("note"),)),)),), source_name="x.md",
        styled=(("title", (m.Text("Ti"), m.Superscript("e"))),),
        editions=(m.Edition("en", "The title", "urn:uuid:y", "x.en", "https://example.org/x"),))


def _types(obj, seen: set) -> set:
    import dataclasses

    if dataclasses.is_dataclass(obj):
        seen.add(type(obj).__name__)
        for f in dataclasses.fields(obj):
            _types(getattr(obj, f.name), seen)
    elif isinstance(obj, tuple):
        for x in obj:
            _types(x, seen)
    return seen


def test_the_model_file_loads_back_to_the_model_the_reader_built():
    iv = every_node_model()
    assert _types(iv, set()) == set(m.TYPES), "the test model lacks a node type"
    text = m.to_json(iv)
    assert json.loads(text)["schema"] == m.SCHEMA
    back = m.from_json(text)
    assert back == iv and m.to_json(back) == text


def test_every_fixture_model_round_trips(tmp_path):
    from pressroom import reader, transforms
    from pressroom.errors import SourceError

    n = 0
    for source in sorted(FIXTURES.glob("*/*.md")):
        try:
            iv = transforms.apply(reader.read(source))
        except SourceError:
            continue
        assert m.from_json(m.to_json(iv)) == iv, source.name
        n += 1
    assert n >= 20


@pytest.mark.parametrize("bad, why", [
    ('{"schema": 99, "type": "Interview"}', "schema 99"),
    ('{"schema": 1, "type": "Nothing"}', "not an interview model"),
    ("[1, 2", "not JSON"),
])
def test_a_model_file_this_version_cannot_read_is_one_line(tmp_path, bad, why):
    model = tmp_path / "x.model.json"
    model.write_text(bad, encoding="utf-8")
    out = tmp_path / "x.docx"
    proc = run_cli("docx", model, "-o", out, check=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and why in proc.stderr, proc.stderr
    assert proc.stderr.startswith(f"{model}:1: ") and "Traceback" not in proc.stderr
    assert not out.exists()


_PROBE = """
import sys
from pressroom.cli import main
code = main(sys.argv[1:-1])
bad = sorted(n for n in sys.modules if n.split('.')[0] in ('markdown_it', 'yaml') or
             n in ('pressroom.reader', 'pressroom.transforms') or
             (n.startswith('pressroom.writers.') and n != 'pressroom.writers' and
              not any(n == w or n.startswith(w + '.') for w in sys.argv[-1].split(','))))
print(','.join(bad))
raise SystemExit(code)
"""


@pytest.mark.parametrize("name", NAMES)
def test_a_writer_reads_the_model_file_and_imports_no_reader_and_no_other_writer(tmp_path, name):
    """Each output's process, given the model file, imports neither the reader, markdown-it nor
    PyYAML, and no writer module but its own (a writer package's own modules are its own; the EPUB
    reads the page map file)."""
    model = tmp_path / f"{STEM}.model.json"
    run_cli("model", ROOT / "source" / f"{STEM}.md", "-o", model)
    o = next(o for o in OUTPUTS if o.name == name)
    args = [o.command, str(model), *o.args, "-o", str(tmp_path / (STEM + o.suffix))]
    if o.reads:
        pages = tmp_path / (STEM + PAGES_SUFFIX)
        run_cli("pdf", model, "-o", tmp_path / "print.pdf", "--pages-out", pages)
        args += ["--pages", str(pages)]
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args, o.writer],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"{name}: imported {proc.stdout.strip()}"


def test_no_writer_module_imports_another_writer_or_the_reader():
    writers = {Path(w.replace(".", "/")).name for w in COMMANDS.values()}
    for o in OUTPUTS:
        base = ROOT / "src" / o.writer.replace(".", "/")
        modules = sorted(base.glob("*.py")) if base.is_dir() else [base.with_suffix(".py")]
        assert modules, o.writer
        for path in modules:
            _no_foreign_imports(path, writers - {base.name})


def _no_foreign_imports(path: Path, others: set) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom):
            names = [f"{node.module or ''}.{a.name}" for a in node.names] + [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            last = [p for p in name.split(".") if p]
            assert not (set(last) & others), f"{path.name} imports {name}"
            assert not {"reader", "markdown_it", "yaml", "transforms"} & set(last), f"{path.name} imports {name}"


def test_the_page_map_file_round_trips(tmp_path):
    pages = tmp_path / "x.pages.json"
    run_cli("pdf", ROOT / "source" / f"{STEM}.md", "-o", tmp_path / "x.pdf", "--pages-out", pages)
    starts = pagemap.loads(pages.read_bytes())
    with pikepdf.open(tmp_path / "x.pdf") as pdf:
        assert [p.number for p in starts] == list(range(1, len(pdf.pages) + 1))
    assert pagemap.dumps(starts) == pages.read_bytes()
    with pytest.raises(ValueError):
        pagemap.loads(b'{"schema": 2, "pages": []}')


# -- the table of outputs --------------------------------------------------------------------------


def test_the_rules_the_cli_and_the_checks_come_from_the_table():
    from pressroom import checks, cli

    rules = makefile()
    for o in OUTPUTS:
        assert f"$(BUILD)/%{o.suffix}" in rules and f"--only {o.name} " in rules, o.name
    assert checks.KINDS == NAMES
    help_text = cli._parser().format_help()
    assert all(c in help_text for c in COMMANDS)
    mk = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pressroom all" not in mk and "ONE_PROCESS" not in mk
    proc = run_cli("all", "x.md", "--outdir", "out", check=False)
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


# -- the Makefile ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A scratch copy of the project with two sources, fully built by `make`."""
    dst = copy_project(tmp_path_factory.mktemp("stages"))
    shutil.copy2(SECOND, dst / "source" / SECOND.name)
    shutil.copy2(SECOND.with_name("second-photo.jpg"), dst / "source")
    proc = make(dst)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return dst


def commands(tree: Path, *args: str) -> list[str]:
    """The pressroom commands `make -n` would run: 'model', 'pdf print', 'epub', 'check print', ..."""
    out = make(tree, "-n", "V=1", *args).stdout
    found = []
    for line in out.splitlines():
        mo = re.search(r"-m pressroom (\w+) (\S+)(.*)", line)
        if not mo:
            continue
        cmd, target, rest = mo.groups()
        if target.startswith("-") or cmd in ("dist", "tools"):
            continue  # gathering the check results, the bundles, the checkers' versions
        if cmd == "pdf":
            cmd += " " + re.search(r"--edition (\w+)", rest).group(1)
        elif cmd == "check" and "--only" in rest:
            cmd += " " + re.search(r"--only (\w+)", rest).group(1)
        found.append(f"{cmd} {Path(target).name.split('.')[0]}")
    return sorted(found)


def scratch_of(tree: Path, dst: Path) -> Path:
    """Another copy of the project with the tree's two sources and its build."""
    scratch = copy_project(dst)
    shutil.copy2(SECOND, scratch / "source" / SECOND.name)
    shutil.copy2(SECOND.with_name("second-photo.jpg"), scratch / "source")
    shutil.copytree(tree / "build", scratch / "build")
    return scratch


def hashes(tree: Path) -> dict[str, str]:
    import hashlib

    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((tree / "build").iterdir()) if p.is_file()}


def test_a_whole_build_writes_the_stages_and_nothing_is_left_to_do(tree):
    build = tree / "build"
    for stem in (STEM, SECOND.stem):
        for suffix in (".model.json", ".pages.json", ".pdf", ".screen.pdf", ".epub", ".docx", ".html"):
            assert (build / (stem + suffix)).is_file(), stem + suffix
    assert commands(tree) == []
    proc = make(tree)
    assert proc.returncode == 0 and "  PDF" not in proc.stdout and "MODEL" not in proc.stdout, proc.stdout


def test_help_lists_every_target_and_option(tree):
    proc = make(tree, "help")
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) <= 15
    for word in ("make check", "make dist", "make proof", "make test", "make bench", "pdf|epub|docx",
                 "verify-repro", "fresh-test", "clean", "TRIM=", "ICC=", "V=1", "-j", "-k"):
        assert word in proc.stdout, word
    assert not (tree / "build" / "nothing").exists()


@pytest.mark.parametrize("touched, rebuilt", [
    ("src/pressroom/writers/docx/content.py", ["docx"]),
    ("styles/reference.docx", ["docx"]),
    ("styles/print.css", ["pdf print", "epub"]),
    ("styles/screen.css", ["pdf screen"]),
    ("styles/epub.css", ["epub"]),
    ("src/pressroom/writers/epub/cover.py", ["epub"]),
    ("styles/web.css", ["html"]),
    ("src/pressroom/writers/web/fonts.py", ["html"]),
    ("src/pressroom/model.py", ["model", "pdf print", "pdf screen", "epub", "docx", "html"]),
])
def test_touching_a_file_rebuilds_exactly_what_uses_it(tree, touched, rebuilt):
    path = tree / touched
    before = path.stat()
    try:
        os.utime(path, None)
        want = sorted(f"{c} {s}" for c in rebuilt for s in (STEM, SECOND.stem))
        assert commands(tree) == want
    finally:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert commands(tree) == []


def test_a_photo_beside_the_source_is_a_dependency_of_what_embeds_it(tree):
    """The second source has a photo: touching it rebuilds that source's model and outputs."""
    photo = tree / "source" / "second-photo.jpg"
    before = photo.stat()
    try:
        os.utime(photo, None)
        got = commands(tree)
        assert got and all(c.endswith(SECOND.stem) for c in got), got
        assert "model second" in got and "pdf print second" in got and "docx second" in got
        assert "html second" in got
    finally:
        os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_trim_is_an_option_that_rebuilds_what_follows_it(tree, tmp_path):
    scratch = scratch_of(tree, tmp_path / "trim")
    assert commands(scratch) == []
    assert commands(scratch, "TRIM=a5") == sorted(f"{c} {s}" for c in ("pdf print", "epub", "docx")
                                                   for s in (STEM, SECOND.stem))
    proc = make(scratch, "TRIM=a5")
    assert proc.returncode == 0, proc.stderr
    build = scratch / "build"
    with pikepdf.open(build / f"{STEM}.pdf") as pdf:
        box = [float(x) for x in pdf.pages[0].TrimBox]
        assert round((box[2] - box[0]) / 72 * 25.4) == 148 and round((box[3] - box[1]) / 72 * 25.4) == 210
        a5_pages = len(pdf.pages)
    # The EPUB's page-list follows the A5 pages; the DOCX page is A5.
    with zipfile.ZipFile(build / f"{STEM}.epub") as z:
        nav = z.read("EPUB/nav.xhtml").decode("utf-8")
    page_list = nav[nav.index('epub:type="page-list"'):]
    assert len(re.findall(r"<li", page_list)) == a5_pages
    import docx

    section = docx.Document(str(build / f"{STEM}.docx")).sections[0]
    assert round(section.page_width.mm) == 148 and round(section.page_height.mm) == 210
    # Remembered: a plain make keeps A5; giving the trim again changes it back.
    assert commands(scratch) == []
    assert commands(scratch, "TRIM=a4") == commands(scratch, "TRIM=letter") != []


def test_a_broken_source_loses_nothing_and_the_others_are_built(tree, tmp_path):
    scratch = scratch_of(tree, tmp_path / "broken")
    before = hashes(scratch)
    seed = scratch / "source" / f"{STEM}.md"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("\n", "\n: broken: [\n", 1), encoding="utf-8")
    os.utime(scratch / "styles" / "reference.docx", None)  # the other source has work to do
    proc = make(scratch, "-k")
    assert proc.returncode != 0
    errors = [line for line in proc.stderr.splitlines() if not line.startswith("make")]
    assert len(errors) == 1 and errors[0].startswith(f"source/{STEM}.md:2: "), proc.stderr
    after = hashes(scratch)
    for name, digest in before.items():
        if name.startswith(STEM + "."):
            assert after[name] == digest, f"{name} changed"
    assert after[f"{SECOND.stem}.docx"] != before[f"{SECOND.stem}.docx"] or \
        (scratch / "build" / f"{SECOND.stem}.docx").stat().st_mtime_ns > (scratch / "styles" / "reference.docx").stat().st_mtime_ns


def test_clean_then_all_in_parallel_cleans_first(tree, tmp_path):
    scratch = scratch_of(tree, tmp_path / "clean")
    marker = scratch / "build" / "left-from-before"
    marker.write_text("x")
    old = (scratch / "build" / f"{STEM}.docx").stat().st_mtime_ns
    proc = make(scratch, "-j2", "clean", "all")
    assert proc.returncode == 0 and "jobserver" not in proc.stderr, proc.stderr
    assert not marker.exists()
    for o in OUTPUTS:
        assert (scratch / "build" / (STEM + o.suffix)).is_file(), o.name
    assert (scratch / "build" / f"{STEM}.docx").stat().st_mtime_ns > old


def test_make_is_parallel_by_default(tree):
    db = make(tree, "-pq", "model").stdout
    flags = next(line for line in db.splitlines() if line.startswith("MAKEFLAGS"))
    assert re.search(r"-j\d", flags), flags
    db = make(tree, "-pq", "-j1", "model").stdout
    flags = next(line for line in db.splitlines() if line.startswith("MAKEFLAGS"))
    assert "-j1" in flags and not re.search(r"-j([02-9]|1\d)", flags), flags


def test_checks_are_targets_and_a_second_check_runs_nothing(tree):
    proc = make(tree, "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    build = tree / "build"
    for stem in (STEM, SECOND.stem):
        for name in NAMES:
            assert (build / f"{stem}.{name}.check.json").is_file()
    # Nothing changed: no check runs again, for check or for dist; the table is the same.
    assert [c for c in commands(tree, "check") if c.startswith("check ")] == []
    again = make(tree, "check")
    table = [line for line in proc.stdout.splitlines() if not line.startswith("  CHECK ")]
    assert again.returncode == 0 and again.stdout.splitlines() == table
    assert "  CHECK " not in again.stdout and "all checks passed" in again.stdout
    assert [c for c in commands(tree, "dist") if c.startswith("check ")] == []
    # The gathered report is the report of all the checks run at once.
    whole = tree / "whole.json"
    run_cli("check", *[tree / "source" / f"{s}.md" for s in sorted((STEM, SECOND.stem))],
            "--build", build, "--report", whole, "-q", check=False, cwd=tree)
    assert json.loads(whole.read_text()) == json.loads((build / "check.json").read_text())
    # A changed output is checked again, alone.
    os.utime(tree / "styles" / "reference.docx", None)
    assert commands(tree, "check") == sorted([f"docx {STEM}", f"docx {SECOND.stem}",
                                              f"check docx {STEM}", f"check docx {SECOND.stem}"])
    assert make(tree, "check").returncode == 0


def test_the_outputs_do_not_depend_on_the_folder_the_source_is_in(tmp_path):
    """The same source and photo in two folders (the project checked out elsewhere) give the same
    bytes in every output: the photo's URL in the PDF editions is named by its content."""
    from conftest import build_all

    built = []
    for name in ("one", "other/deeper"):
        folder = tmp_path / name / "source"
        folder.mkdir(parents=True)
        shutil.copy2(SECOND, folder / SECOND.name)
        shutil.copy2(SECOND.with_name("second-photo.jpg"), folder)
        built.append(build_all(folder / SECOND.name, tmp_path / name / "build"))
    for o in OUTPUTS:
        assert built[0][o.name].read_bytes() == built[1][o.name].read_bytes(), o.name
