"""Shared by test_check.py and test_dist.py: one build folder with every output, checked once."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

from conftest import SOURCE, SUFFIX, run_cli
from system import need

from pressroom.package import normalise_zip

_CACHE: dict[str, object] = {}


def checked_build(outputs, tmp_path_factory) -> tuple[Path, dict, str]:
    """(build folder, its report, the table printed): ``pressroom check`` run once per session."""
    if "build" not in _CACHE:
        # The tools the checks run: a missing one would show only as a failed check in the table.
        need("gs", "pdftotext", "java", "soffice", "node", "chromium")
        build = tmp_path_factory.mktemp("checked")
        for kind in SUFFIX:
            shutil.copy2(outputs[kind], build / outputs[kind].name)
        proc = run_cli("check", SOURCE, "--build", build, "--report", build / "check.json", check=False)
        report = json.loads((build / "check.json").read_text(encoding="utf-8"))
        _CACHE["build"] = (build, report, proc.stdout, proc.returncode)
    build, report, table, code = _CACHE["build"]
    assert code == 0, f"the checks fail on the good outputs:\n{table}"
    return build, report, table


def rezip(src: Path, dst: Path, changes: dict, epub: bool = False) -> Path:
    """Copy a zip (EPUB, DOCX) with some members replaced (bytes) or removed (None)."""
    with zipfile.ZipFile(src) as z:
        items = [(n, z.read(n)) for n in z.namelist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in items:
            if name in changes:
                data = changes[name]
                if data is None:
                    continue
            out.writestr(name, data)
    data = buf.getvalue()
    if epub:
        data = normalise_zip(data, first=("mimetype",), stored=("mimetype",))
    dst.write_bytes(data)
    return dst


def member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)
