"""Hand-off bundles: ``pressroom check`` and ``pressroom dist``.

For each source, two folders (each also as a zip):

- ``<stem>-print/``: the print PDF and its preflight report, for the printer; ``<stem>-print-proof/``
  instead when the check found a hold (an FPO box, a low-resolution photo): a proof, not for press;
- ``<stem>-distribution/``: the EPUB, the screen PDF, the DOCX, the cover image
  and the validation reports, for retailers, the web and partners.

Each folder has a ``manifest.json`` (file names, SHA-256, sizes, page count, trim,
identifier, tool versions). A bundle is made only from outputs that passed every
check, and only if they are the very files that were checked (same hashes).
Nothing in a bundle depends on the clock, the time zone or the build folder's
path, so a rebuild gives byte-identical folders and zips.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sys
import zipfile
from pathlib import Path

from . import __version__
from .errors import BuildError
from .outputs import BUNDLES, SUFFIX
from .package import normalise_zip, signals_deferred, write_atomic

MEDIA_TYPES = {".pdf": "application/pdf", ".epub": "application/epub+zip",
               ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               ".json": "application/json", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".svg": "image/svg+xml", ".html": "text/html"}


def dumps(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# -- check ----------------------------------------------------------------------


def report_path(build: Path, stem: str) -> Path:
    return Path(build) / f"{stem}.check.json"


def check_command(sources: list[str], build: Path, report: str | None = None, only: str | None = None,
                  quiet: bool = False, stdout=None) -> int:
    from . import checks

    stdout = stdout or sys.stdout
    kinds = checks.KINDS
    if only:
        kinds = tuple(k.strip() for k in only.split(",") if k.strip())
        unknown = [k for k in kinds if k not in checks.KINDS]
        if unknown:
            raise BuildError(f"unknown output {unknown[0]!r} for --only (choose from {', '.join(checks.KINDS)})")
    result = checks.run([Path(s) for s in sources], Path(build), kinds)
    return _publish(_with_editions(result, sources, build), build, report, quiet, stdout)


def _with_editions(result: dict, sources: list[str], build: Path) -> dict:
    """The whole report with the comparison of each publication's language editions
    (checks/editions.py); a mismatch fails the checks."""
    from .checks import editions

    compared = editions.check([Path(s) for s in sources], Path(build))
    return {**result, "ok": result["ok"] and all(e["ok"] for e in compared), "editions": compared}


def _publish(result: dict, build: Path, report: str | None, quiet: bool, stdout) -> int:
    """Each source's report, the whole report and the table; the exit status of the checks."""
    from . import checks

    for src in result["sources"]:
        per_source = {"pressroom": result["pressroom"], "tools": result["tools"], **src}
        write_atomic(report_path(build, src["stem"]), dumps(per_source))
    if report:
        write_atomic(report, dumps(result))
    if not (quiet and result["ok"]):
        stdout.write(checks.table(result))
        stdout.flush()
    for publication in result.get("editions", []):
        for line in publication["problems"]:
            print(line, file=sys.stderr)
    return 0 if result["ok"] else 1


# -- dist -----------------------------------------------------------------------


def _load_report(build: Path, source: Path) -> dict:
    from .checks import KINDS, SUFFIX
    from .checks.core import sha256

    stem = source.stem
    path = report_path(build, stem)
    if not path.is_file():
        raise BuildError(f"{path} is missing: run the checks first (make check)")
    report = json.loads(path.read_text(encoding="utf-8"))
    if not report.get("ok"):
        failed = [f"{r['output']} {r['check']}" for r in report["results"] if r["status"] == "fail"]
        raise BuildError(f"{stem}: checks failed ({', '.join(failed[:4])}); no bundle is made from "
                         f"outputs that failed them (see {path})")
    if report.get("source_sha256") != sha256(source):
        raise BuildError(f"{source} changed since its outputs were checked: build and check them again "
                         f"(make dist)")
    for kind in KINDS:
        out = Path(build) / (stem + SUFFIX[kind])
        entry = (report.get("outputs") or {}).get(kind)
        if not entry:
            raise BuildError(f"{out.name} was not checked: run the checks on every output first (make check)")
        if not out.is_file() or sha256(out) != entry["sha256"]:
            raise BuildError(f"{out} changed since it was checked: run the checks again (make check)")
    return report


def _file_entry(name: str, data: bytes, extra: dict | None = None) -> dict:
    entry = {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
             "media_type": MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")}
    entry.update(extra or {})
    return entry


def _producers(build: Path, stem: str) -> dict:
    """What made each output, as the outputs themselves say it."""
    import pikepdf
    from lxml import etree

    from .checks.epub import opf_metadata

    out = {}
    for suffix in (".pdf", ".screen.pdf"):
        with pikepdf.open(Path(build) / (stem + suffix)) as pdf:
            info = pdf.docinfo
            out[stem + suffix] = " / ".join(str(info[k]) for k in ("/Creator", "/Producer") if k in info)
    out[stem + ".epub"] = opf_metadata(Path(build) / (stem + ".epub")).get("generator") or "unknown"
    with zipfile.ZipFile(Path(build) / (stem + ".docx")) as z:
        app = "unknown"
        if "docProps/app.xml" in z.namelist():
            root = etree.fromstring(z.read("docProps/app.xml"))
            parts = [root.findtext(f"{{*}}{k}") for k in ("Application", "AppVersion")]
            app = " ".join(p for p in parts if p) or app
        out[stem + ".docx"] = app
    html = Path(build) / (stem + ".html")
    if html.is_file():
        import lxml.html

        found = lxml.html.parse(str(html)).getroot().xpath("//head/meta[@name='generator']/@content")
        out[html.name] = found[0] if found else "unknown"
    return out


def _write_folder(out: Path, folder: str, files: dict[str, bytes]) -> tuple[Path, Path]:
    """Write ``out/folder/`` (replacing it whole) and ``out/folder.zip``; manifest.json comes first in the zip."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".{folder}.part"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
            os.chmod(tmp / name, 0o644)
        target = out / folder
        old = out / f".{folder}.old"
        shutil.rmtree(old, ignore_errors=True)
        with signals_deferred():  # the old folder is replaced whole, never left missing
            if target.exists():
                target.rename(old)
            tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in sorted(files):
            z.writestr(f"{folder}/{name}", files[name])
    manifest = f"{folder}/manifest.json"
    zip_path = out / f"{folder}.zip"
    write_atomic(zip_path, normalise_zip(buf.getvalue(), first=(manifest,)))
    return target, zip_path


def bundle(source: str | os.PathLike, build: str | os.PathLike, out: str | os.PathLike) -> list[Path]:
    """Make the print and distribution bundles of one checked source; the paths written."""
    from .checks import tools
    from .checks.core import load_model
    from .checks.epub import cover_image, opf_metadata
    from .checks.pdf import page_count, trim_of

    import pikepdf

    source, build, out = Path(source), Path(build), Path(out)
    stem = source.stem
    report = _load_report(build, source)
    interview = load_model(source, build)
    print_pdf, screen_pdf = build / f"{stem}.pdf", build / f"{stem}.screen.pdf"
    epub, docx = build / f"{stem}.epub", build / f"{stem}.docx"
    with pikepdf.open(print_pdf) as pdf:
        trim = trim_of(pdf)
        pages = len(pdf.pages)
    identifier = opf_metadata(epub).get("identifier") or interview.meta.identifier or None
    results = report["results"]
    common = {
        "pressroom": __version__,
        "source": {"name": source.name, "sha256": hashlib.sha256(source.read_bytes()).hexdigest()},
        "identifier": identifier,
        "title": interview.meta.title,
        "date": interview.meta.date.isoformat(),
        "lang": interview.meta.lang,
        "page_count": pages,
        "trim": trim,
    }
    versions = {"writers": tools.writer_versions(), "checkers": report["tools"], "producers": _producers(build, stem)}

    def section(kinds):
        return {"pressroom": report["pressroom"], "tools": report["tools"], "source": source.name,
                "ok": all(r["status"] == "pass" for r in results if r["output"] in kinds),
                "outputs": {k: report["outputs"][k] for k in kinds},
                "results": [r for r in results if r["output"] in kinds]}

    def detail(kind, name):
        return next(r for r in results if r["output"] == kind and r["check"] == name)["details"]

    written = []
    # The print bundle: press-ready, or a proof when the checks found a hold (an FPO box, a photo
    # under 300 ppi). A proof never carries the press-ready name, and the other name's folder and
    # zip from an earlier build are removed, so the folder never says more than the check did.
    ready = report.get("press_ready") is True
    holds = report.get("holds", [])
    folder = f"{stem}-print" if ready else f"{stem}-print-proof"
    _remove_bundle(out, f"{stem}-print-proof" if ready else f"{stem}-print")
    files = {build.joinpath(stem + SUFFIX[k]).name: build.joinpath(stem + SUFFIX[k]).read_bytes()
             for k in BUNDLES["print"]}
    files["preflight.json"] = dumps(section(BUNDLES["print"]))
    status = {"status": "press-ready" if ready else "proof", "holds": holds}
    written += _finish(out, folder, "print", files, {**common, **status}, versions,
                       {print_pdf.name: {"pages": pages}})
    # The distribution bundle.
    files = {build.joinpath(stem + SUFFIX[k]).name: build.joinpath(stem + SUFFIX[k]).read_bytes()
             for k in BUNDLES["distribution"]}
    cover = cover_image(epub)
    if cover is None:
        raise BuildError(f"{epub.name} has no cover image (no OPF item with properties=\"cover-image\")")
    cover_name = f"{stem}-cover{Path(cover[0]).suffix.lower()}"
    files[cover_name] = cover[1]
    files["epubcheck.json"] = dumps(detail("epub", "epubcheck"))
    files["ace.json"] = dumps(detail("epub", "ace"))
    files["validation.json"] = dumps(section(BUNDLES["distribution"]))
    written += _finish(out, f"{stem}-distribution", "distribution", files, common, versions,
                       {screen_pdf.name: {"pages": page_count(screen_pdf)}})
    return written


def _remove_bundle(out: Path, folder: str) -> None:
    with signals_deferred():
        shutil.rmtree(out / folder, ignore_errors=True)
        (out / f"{folder}.zip").unlink(missing_ok=True)


def _finish(out, folder, kind, files, common, versions, extra) -> list[Path]:
    entries = [_file_entry(name, files[name], extra.get(name)) for name in sorted(files)]
    manifest = {"bundle": kind, "folder": folder, **common, "files": entries, "tools": versions}
    files = {**files, "manifest.json": dumps(manifest)}
    return list(_write_folder(out, folder, files))


def dist_command(sources: list[str], build: str, out: str | None) -> int:
    out = out or str(Path(build) / "dist")
    for s in sources:
        bundle(s, build, out)
    return 0


def result_path(build: Path, stem: str, kind: str) -> Path:
    """One output's check result (``--result``), as the Makefile names it."""
    return Path(build) / f"{stem}.{kind}.check.json"


def check_one(source: str, build: Path, kind: str, result: str, deps_file: str | None) -> int:
    """Check one output of one source; its result goes to ``result`` (passed or failed: the
    verdict is ``--collect``'s). Exit status 0 when the checks ran."""
    from . import checks

    if kind not in checks.KINDS:
        raise BuildError(f"unknown output {kind!r} for --only (choose from {', '.join(checks.KINDS)})")
    from .checks.core import check_source

    part = check_source(Path(source), Path(build), (kind,))
    files = [(result, dumps(part))]
    write_atomic(result, files[0][1])
    if deps_file:
        from . import deps

        deps.write(deps_file, [result])
    return 0


def collect_command(sources: list[str], build: Path, report: str | None, quiet: bool, stdout=None) -> int:
    """The reports and the table from the results of each output, running no check."""
    from . import checks
    from .checks.core import merge, whole

    stdout = stdout or sys.stdout
    reports = []
    for s in sources:
        stem = Path(s).stem
        parts = []
        for kind in checks.KINDS:
            path = result_path(build, stem, kind)
            try:
                parts.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                raise BuildError(f"{path} is missing or unreadable: check that output first (make check)") from None
        if parts[0].get("source_sha256") != _sha256_file(Path(s)):
            raise BuildError(f"{s} changed since its outputs were checked: build and check them again (make check)")
        reports.append(merge(parts))
    tools_file = Path(build) / "tools.json"
    try:
        versions = json.loads(tools_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        from .checks import tools

        versions = tools.versions()
    return _publish(_with_editions(whole(reports, versions), sources, build), build, report, quiet, stdout)


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_command(args) -> int:
    """Entry point for the CLI's ``check``, ``dist`` and ``tools`` subcommands."""
    if args.command == "tools":
        from .checks import tools

        data = dumps(tools.versions())
        try:
            if Path(args.output).read_bytes() == data:
                return 0  # unchanged: the file keeps its time, so no check is re-run for it
        except OSError:
            pass
        write_atomic(args.output, data)
        return 0
    if args.command == "check":
        if args.result:
            if len(args.sources) != 1 or not args.only or "," in args.only:
                raise BuildError("--result checks one output of one source: give one SOURCE and --only OUTPUT")
            return check_one(args.sources[0], Path(args.build), args.only.strip(), args.result, args.deps)
        if args.collect:
            return collect_command(args.sources, Path(args.build), args.report, args.quiet)
        return check_command(args.sources, Path(args.build), args.report, args.only, args.quiet)
    return dist_command(args.sources, args.build, args.out)
