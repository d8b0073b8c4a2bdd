"""Hand-off bundles (issue 8): folders with manifests, deterministic zips, made only from checked outputs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest

from pressroom.outputs import NAMES

from checked import checked_build
from conftest import SOURCE, copy_project, make, run_cli

from pressroom.checks.epub import cover_image, opf_metadata

ROOT = Path(__file__).resolve().parents[1]
STEM = SOURCE.stem
# The seed names no photo file: its print edition carries an FPO box, so it is bundled as a proof.
FOLDERS = {"print": f"{STEM}-print-proof", "distribution": f"{STEM}-distribution"}


def dist(build: Path, out: Path, tz: str, check=True):
    return run_cli("dist", SOURCE, "--build", build, "--out", out, check=check, env={**os.environ, "TZ": tz})


@pytest.fixture(scope="module")
def bundles(outputs, tmp_path_factory):
    build, _report, _table = checked_build(outputs, tmp_path_factory)
    first, second = tmp_path_factory.mktemp("dist1"), tmp_path_factory.mktemp("dist2")
    dist(build, first, "Etc/GMT+12")  # UTC-12
    dist(build, second, "Pacific/Kiritimati")  # UTC+14, and later: another local date
    return build, first, second


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_runs_give_identical_bundles(bundles):
    _build, first, second = bundles
    a, b = tree(first), tree(second)
    assert sorted(a) == sorted(b)
    assert [n for n in a if a[n] != b[n]] == []
    assert set(a) >= {f"{FOLDERS['print']}.zip", f"{FOLDERS['distribution']}.zip"}


def test_folder_contents(bundles):
    build, first, _ = bundles
    printed = {p.name for p in (first / FOLDERS["print"]).iterdir()}
    assert printed == {f"{STEM}.pdf", "preflight.json", "manifest.json"}
    distributed = {p.name for p in (first / FOLDERS["distribution"]).iterdir()}
    assert distributed == {f"{STEM}.epub", f"{STEM}.screen.pdf", f"{STEM}.docx", f"{STEM}.html",
                           f"{STEM}-cover.png", "epubcheck.json", "ace.json", "validation.json", "manifest.json"}
    # The outputs are the checked files, byte for byte.
    for name in (f"{STEM}.epub", f"{STEM}.screen.pdf", f"{STEM}.docx", f"{STEM}.html"):
        assert (first / FOLDERS["distribution"] / name).read_bytes() == (build / name).read_bytes()
    # The cover is the EPUB's own cover-image item.
    _name, data = cover_image(build / f"{STEM}.epub")
    assert (first / FOLDERS["distribution"] / f"{STEM}-cover.png").read_bytes() == data


@pytest.mark.parametrize("bundle", list(FOLDERS))
def test_manifest_is_right(bundles, bundle):
    build, first, _ = bundles
    folder = first / FOLDERS[bundle]
    manifest = json.loads((folder / "manifest.json").read_text())
    listed = {e["name"]: e for e in manifest["files"]}
    assert set(listed) == {p.name for p in folder.iterdir()} - {"manifest.json"}
    for name, entry in listed.items():
        data = (folder / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), name
        assert entry["bytes"] == len(data), name
    with pikepdf.open(build / f"{STEM}.pdf") as pdf:
        assert manifest["page_count"] == len(pdf.pages)
    assert manifest["trim"]["name"] == "a4" and manifest["trim"]["width_mm"] == 210.0
    assert manifest["identifier"] == opf_metadata(build / f"{STEM}.epub")["identifier"]
    assert manifest["identifier"]
    assert manifest["source"] == {"name": SOURCE.name, "sha256": hashlib.sha256(SOURCE.read_bytes()).hexdigest()}
    tools = manifest["tools"]
    assert tools["checkers"]["epubcheck"] == "5.3.0" and tools["writers"]["weasyprint"]
    assert "WeasyPrint" in tools["producers"][f"{STEM}.pdf"]


@pytest.mark.parametrize("bundle", list(FOLDERS))
def test_zip_mirrors_the_folder_with_fixed_times(bundles, bundle):
    _build, first, _ = bundles
    folder = first / FOLDERS[bundle]
    with zipfile.ZipFile(first / f"{FOLDERS[bundle]}.zip") as z:
        infos = z.infolist()
        assert infos[0].filename == f"{FOLDERS[bundle]}/manifest.json"
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        assert {i.filename: z.read(i) for i in infos} == {
            f"{FOLDERS[bundle]}/{p.name}": p.read_bytes() for p in folder.iterdir()}
        assert z.testzip() is None


def test_reports_in_bundles_hold_no_paths_or_times(bundles):
    build, first, _ = bundles
    for path in first.rglob("*.json"):
        text = path.read_text()
        assert str(build) not in text and str(first) not in text, path.name
        assert "checkDate" not in text and "dct:date" not in text, path.name
    preflight = json.loads((first / FOLDERS["print"] / "preflight.json").read_text())
    assert preflight["ok"] and {r["output"] for r in preflight["results"]} == {"print"}
    epubcheck = json.loads((first / FOLDERS["distribution"] / "epubcheck.json").read_text())
    assert epubcheck["version"] == "5.3.0" and epubcheck["messages"] == []


def test_no_bundle_from_failed_checks(bundles, tmp_path):
    build, _first, _ = bundles
    copy = tmp_path / "build"
    shutil.copytree(build, copy)
    report_path = copy / f"{STEM}.check.json"
    report = json.loads(report_path.read_text())
    report["ok"] = False
    report["results"][0]["status"] = "fail"
    report_path.write_text(json.dumps(report))
    proc = dist(copy, tmp_path / "out", "UTC", check=False)
    assert proc.returncode == 1 and "checks failed" in proc.stderr
    assert not (tmp_path / "out" / FOLDERS["print"]).exists()


def test_no_bundle_from_outputs_changed_after_the_check(bundles, tmp_path):
    build, _first, _ = bundles
    copy = tmp_path / "build"
    shutil.copytree(build, copy)
    with open(copy / f"{STEM}.docx", "ab") as f:
        f.write(b"\0")
    proc = dist(copy, tmp_path / "out", "UTC", check=False)
    assert proc.returncode == 1 and "changed since it was checked" in proc.stderr


def test_no_bundle_without_a_check(outputs, tmp_path):
    for kind in NAMES:
        shutil.copy2(outputs[kind], tmp_path / outputs[kind].name)
    proc = dist(tmp_path, tmp_path / "out", "UTC", check=False)
    assert proc.returncode == 1 and "run the checks first" in proc.stderr


# -- the Makefile's targets and output ---------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project sharing the real .venv."""
    return copy_project(tmp_path_factory.mktemp("tree"))


def test_a_build_prints_one_short_line_per_output(project):
    proc = make(project, "docx")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"  MODEL   build/{STEM}.model.json", f"  DOCX    build/{STEM}.docx"]
    assert proc.stderr == ""
    # V=1 shows the commands instead.
    proc = make(project, "V=1", "-W", f"source/{STEM}.md", "docx")
    assert "-m pressroom docx" in proc.stdout and "  DOCX" not in proc.stdout


def test_release_targets_run_the_checks_before_the_bundles(project):
    dist_cmds = make(project, "-n", "V=1", "dist").stdout
    assert dist_cmds.index("--only print --build build --result") < dist_cmds.index("pressroom check --collect --quiet") \
        < dist_cmds.index("pressroom dist")
    assert "--report build/check.json" in make(project, "-n", "check").stdout
    repro = make(project, "-n", "verify-repro").stdout
    assert "TZ=Etc/GMT+12" in repro and "TZ=Pacific/Kiritimati" in repro and "sha256sum" in repro


def test_no_bundle_when_the_source_changed_after_the_check(bundles, tmp_path):
    """A manifest must not pair a changed source (its title, date, hash) with old outputs."""
    build, _first, _ = bundles
    copy = tmp_path / "build"
    shutil.copytree(build, copy)
    source = tmp_path / "src" / SOURCE.name
    source.parent.mkdir()
    source.write_text(SOURCE.read_text(encoding="utf-8").replace("title: The future", "title: A future"),
                      encoding="utf-8")
    proc = run_cli("dist", source, "--build", copy, "--out", tmp_path / "out", check=False)
    assert proc.returncode == 1 and "changed since its outputs were checked" in proc.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
