"""The system packages (issue 16): one list (.ci/packages.txt), read by .ci/setup (make pdf,
make test, .ci/run) and by tests/system.py (a test that needs an absent tool names it and its package)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import system
from conftest import ROOT, copy_project, make

SETUP = ROOT / ".ci" / "setup"
PACKAGES = system.packages()
GROUPS = ("base", "pdf", "test", "bench")


def setup(*args: str, path: str | None = None, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """Run .ci/setup (never installing unless env says otherwise) with bash by its absolute path."""
    e = dict(os.environ, PRESSROOM_SETUP="check", PYTHON=sys.executable)
    e.pop("PRESSROOM_PACKAGES", None)
    if path is not None:
        e["PATH"] = path
    e.update(env or {})
    return subprocess.run(["/bin/bash", str(SETUP), *args], capture_output=True, text=True, env=e, **kw)


def only_commands(tmp: Path, drop: set[str] = frozenset()) -> str:
    """A PATH directory with every command of the list that is on this machine, except ``drop``."""
    d = tmp / "bin"
    d.mkdir()
    names = {c for p in PACKAGES if p.kind == "cmd" for c in p.items} | {"bash"}
    for name in names - set(drop):
        real = shutil.which(name)
        if real:
            os.symlink(real, d / name)
    return str(d)


def test_the_list_is_well_formed_sorted_and_commented():
    assert [p.group for p in PACKAGES] == sorted((p.group for p in PACKAGES), key=GROUPS.index)
    for group in GROUPS:
        names = [p.name for p in PACKAGES if p.group == group]
        assert names, group
        assert names == sorted(names), f"[{group}] is not sorted: {names}"
    names = [p.name for p in PACKAGES]
    assert len(names) == len(set(names)), "a package is listed twice"
    for p in PACKAGES:
        assert p.comment, f"packages.txt:{p.line}: {p.name} has no comment saying what needs it"
        assert re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", p.name), p.name


def test_the_list_names_the_tools_the_tests_and_checks_run():
    for tool in ("soffice", "pdftotext", "pdfinfo", "pdffonts", "pdfimages", "qpdf", "gs", "chromium", "java",
                 "node", "npm", "pandoc", "NotoSerifCJK", "NotoNaskhArabic", "NotoSerif", "libpango-1.0.so.0"):
        assert system.package_of(tool), f"{tool} is not in .ci/packages.txt"
    assert system.package_of("NotoSerif")[0].name == "fonts-noto-core"
    assert system.package_of("NotoSerifCJK")[0].name == "fonts-noto-cjk"


def test_bad_lines_are_refused():
    for text in ("[pdf]\nqpdf\n", "qpdf cmd:qpdf # no group\n", "[pdf]\nqpdf what:qpdf # x\n"):
        with pytest.raises(ValueError, match=r"packages.txt:\d"):
            system.parse(text)
    bad = setup("pdf", env={"PRESSROOM_PACKAGES": "/dev/stdin"}, input="[pdf]\nqpdf what:qpdf # x\n")
    assert bad.returncode == 2 and "unknown check 'what:qpdf'" in bad.stderr


def test_setup_and_the_tests_agree_on_this_machine():
    proc = setup("--list", "base", "pdf", "test", "bench")
    assert proc.stdout.split() == [p.name for p in PACKAGES]
    here = setup("base", "pdf", "test", "bench")
    absent = [p.name for p in PACKAGES if not all(system.present(p, i) for i in p.items)]
    if here.returncode == 0:
        assert absent == []
    else:
        named = re.findall(r"([a-z0-9.+-]+) \(", here.stderr.split(";")[0].split(" needs ", 1)[1])
        assert named == absent, here.stderr


@pytest.mark.parametrize("pkg", [p.name for p in PACKAGES if p.kind == "cmd" and p.group in ("pdf", "test")])
def test_a_missing_command_is_named_with_its_package_in_one_line(tmp_path, pkg):
    entry = next(p for p in PACKAGES if p.name == pkg)
    if not all(shutil.which(c) for c in entry.items):
        pytest.skip(f"{pkg} is not installed here")
    proc = setup("--for", "make test", "pdf", "test", path=only_commands(tmp_path, drop=set(entry.items)))
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("pressroom: make test needs ") and f" {pkg} ({entry.items[0]}" in lines[0], lines[0]
    # the command to run: apt-get on Debian, the package names elsewhere
    assert re.search(rf"apt-get install --no-install-recommends .*\b{re.escape(pkg)}\b", lines[0]) or \
        "Debian package names" in lines[0], lines[0]


@pytest.mark.parametrize("pkg", [p.name for p in PACKAGES if p.kind in ("file", "lib", "py")])
def test_a_missing_file_or_library_is_named_with_its_package(tmp_path, pkg):
    text = (ROOT / ".ci" / "packages.txt").read_text(encoding="utf-8")
    entry = next(p for p in PACKAGES if p.name == pkg)
    # The same list with this one package's check pointing at something that does not exist.
    lines = text.splitlines()
    gone = {"file": "file:/nonexistent/x.ttc", "lib": "lib:libnonexistent.so.0", "py": "py:nonexistent_module"}
    lines[entry.line - 1] = f"{pkg}  {gone[entry.kind]}  # {entry.comment}"
    changed = tmp_path / "packages.txt"
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = setup("--for", "make test", entry.group, env={"PRESSROOM_PACKAGES": str(changed)})
    assert proc.returncode == 1 and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert f"needs {pkg} (" in proc.stderr or f", {pkg} (" in proc.stderr, proc.stderr


def test_nothing_missing_writes_the_stamp_quickly(tmp_path):
    if setup("pdf", "test").returncode != 0:
        pytest.skip("this machine lacks some packages")
    stamp = tmp_path / "venv" / ".system-test"
    proc = setup("--stamp", str(stamp), "pdf", "test", timeout=30)
    assert proc.returncode == 0 and proc.stderr == "" and stamp.exists()


@pytest.mark.skipif(os.geteuid() != 0 or not Path("/usr/bin/apt-get").exists(), reason="root on Debian only")
def test_as_root_on_debian_it_runs_apt_get_once_for_the_missing_ones(tmp_path):
    path = only_commands(tmp_path, drop={"qpdf", "gs"})
    log = tmp_path / "apt.log"
    fake = Path(path) / "apt-get"  # stands in for apt-get: records its arguments, installs nothing
    fake.write_text(f"#!/bin/bash\necho \"$*\" >> {log}\n")
    fake.chmod(0o755)
    proc = setup("--for", "make test", "pdf", "test", path=path, env={"PRESSROOM_SETUP": ""})
    assert log.read_text().splitlines() == ["update -q", "install -y -q --no-install-recommends ghostscript qpdf"]
    # still missing after the (fake) install: one line, and a failure
    assert proc.returncode == 1 and "installing (apt-get)" in proc.stderr
    assert proc.stderr.splitlines()[-1].startswith("pressroom: make test needs ghostscript (gs), qpdf (qpdf);")


def test_an_old_python_is_named_in_one_line(tmp_path):
    fake = tmp_path / "python3.9"
    fake.write_text('#!/bin/bash\ncase "$*" in *print*) echo 3.9 ;; *sys.exit*) exit 1 ;; esac\nexit 0\n')
    fake.chmod(0o755)
    proc = setup("pdf", env={"PYTHON": str(fake)})
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"pressroom: Python 3.11 or later is needed, {fake} is 3.9: install python3.11 "
                                   "(or later) and run make PYTHON=python3.11")


def test_an_old_make_is_named_in_one_line():
    from makeenv import clean_make_env

    # As from a clean shell: under `make test` (parallel) the calling make's jobserver is in
    # MAKEFLAGS, and a make started without its pipes says so on a line of its own.
    proc = subprocess.run(["make", "-n", "-C", str(ROOT), ".FEATURES=target-specific", "pdf"],
                          capture_output=True, text=True, env=clean_make_env())
    assert proc.returncode != 0
    assert "GNU make 4.3 or later is needed" in proc.stderr and len(proc.stderr.splitlines()) == 1, proc.stderr


def test_need_fails_with_the_tool_and_its_package_first(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.fail.Exception) as e:
        system.need("pdftotext")
    first = str(e.value).splitlines()[0]
    assert first.startswith("pdftotext is missing: install the package poppler-utils"), first
    # a font: the LibreOffice test of the Chinese DOCX without fonts-noto-cjk
    cjk = next(p for p in PACKAGES if p.name == "fonts-noto-cjk")
    absent = system.Package(cjk.name, cjk.group, "file", ("/nonexistent/NotoSerifCJK-Regular.ttc",), cjk.comment, 1)
    monkeypatch.setattr(system, "packages", lambda: (absent,))
    with pytest.raises(pytest.fail.Exception) as e:
        system.need("NotoSerifCJK")
    assert str(e.value).startswith("NotoSerifCJK (/nonexistent/NotoSerifCJK-Regular.ttc) is missing: "
                                   "install the package fonts-noto-cjk"), str(e.value)
    with pytest.raises(LookupError):
        system.need("no-such-tool")


def test_a_tool_run_directly_that_is_absent_is_reported_with_its_package(tmp_path):
    """subprocess.run(["pdftotext", ...]) with no pdftotext: one line, not a FileNotFoundError traceback."""
    test = tmp_path / "test_absent.py"
    test.write_text("import subprocess\n\ndef test_x():\n    subprocess.run(['qpdf', '--check', 'x.pdf'])\n")
    env = dict(os.environ, PATH=str(tmp_path), PYTHONPATH=str(ROOT / "tests"))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "conftest", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path), "-c", os.devnull, str(test)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "qpdf is missing: install the package qpdf" in proc.stdout, proc.stdout
    assert "FileNotFoundError" not in proc.stdout, proc.stdout


def test_make_redoes_the_check_when_the_list_changes(tmp_path):
    tree = copy_project(tmp_path / "tree")
    if make(tree, ".venv/.system-test").returncode != 0:  # the real check (the stamp is shared)
        pytest.skip("this machine lacks some packages")
    assert ".ci/setup" not in make(tree, "-n", ".venv/.system-test").stdout
    packages = tree / ".ci" / "packages.txt"
    os.utime(packages, None)
    assert ".ci/setup --for 'make .venv/.system-test' --stamp .venv/.system-test pdf test" in \
        make(tree, "-n", ".venv/.system-test").stdout


def test_pressroom_without_pango_says_so_in_one_line(tmp_path):
    """No Pango: one line naming the packages, not cffi's OSError as an internal error."""
    code = """if True:
        import sys, cffi
        real = cffi.FFI.dlopen
        def dlopen(self, name, *args, **kw):
            if 'pango' in str(name):
                raise OSError("cannot load library '%s': %s: cannot open shared object file" % (name, name))
            return real(self, name, *args, **kw)
        cffi.FFI.dlopen = dlopen
        from pressroom.cli import main
        sys.exit(main(sys.argv[1:]))
    """
    from conftest import SOURCE

    proc = subprocess.run([sys.executable, "-c", code, "pdf", str(SOURCE), "-o", str(tmp_path / "x.pdf")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith("pressroom: WeasyPrint cannot load a system library (cannot load library"), \
        proc.stderr
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in proc.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_pressroom_check_names_the_package_of_a_missing_tool(monkeypatch, tmp_path):
    from pressroom.checks import core, tools

    assert tools.missing("gs") == "gs is not installed (Debian package ghostscript)"
    assert tools.missing("pdfinfo") == "pdfinfo is not installed (Debian package poppler-utils)"
    assert tools.missing("no-such-tool") == "no-such-tool is not installed"
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(core.ToolMissing, match=r"^pdftotext is not installed \(Debian package poppler-utils\)$"):
        core.run_tool(["pdftotext", "x.pdf", "-"])
