"""The Makefile: incremental, safe rebuilds (issue 2)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import copy_project, make

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of the project (sharing the real .venv) with the DOCX of every source built."""
    dst = copy_project(tmp_path_factory.mktemp("tree"))
    make(dst, "docx")
    return dst


def up_to_date(tree: Path, target: str = "docx") -> bool:
    return make(tree, "-q", target).returncode == 0


def touch_later(path: Path) -> None:
    """Set the file's time to now: strictly later than the outputs built before (ns timestamps)."""
    os.utime(path, None)


def test_every_source_is_built(tree):
    stems = [p.stem for p in (tree / "source").glob("*.md")]
    assert stems and all((tree / "build" / f"{s}.docx").exists() for s in stems)


def test_noop_rebuild_does_nothing(tree):
    assert up_to_date(tree)
    proc = make(tree, "docx")
    assert proc.returncode == 0 and "pressroom" not in proc.stdout, proc.stdout


@pytest.mark.parametrize("changed", ["source/the-future-of-migration.md", "styles/strings.json",
                                     "src/pressroom/model.py"])
def test_change_triggers_rebuild(tree, changed):
    assert up_to_date(tree)
    touch_later(tree / changed)
    assert not up_to_date(tree), f"touching {changed} did not make the DOCX stale"
    assert make(tree, "docx").returncode == 0
    assert up_to_date(tree)


def test_pdf_targets(tree):
    proc = make(tree, "-n", "pdf")
    assert "--edition print" in proc.stdout and "--edition screen" in proc.stdout
    assert "build/the-future-of-migration.screen.pdf" in proc.stdout


def test_delete_on_error_declared():
    assert ".DELETE_ON_ERROR:" in (ROOT / "Makefile").read_text()


