"""DOCX checks: LibreOffice opens and converts it, and every paragraph is on a defined, named style."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from . import tools
from .core import Outcome, ToolMissing, check, run_tool

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Parts whose paragraphs editors see.
PART = re.compile(r"word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml$")
NOTE_SEPARATORS = ("separator", "continuationSeparator", "continuationNotice")


def style_report(path: Path) -> dict:
    """Which styles are defined, which are used (and where), and what is wrong."""
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        styles = etree.fromstring(z.read("word/styles.xml")) if "word/styles.xml" in names else None
        parts = {n: etree.fromstring(z.read(n)) for n in sorted(names) if PART.match(n)}
    defined: dict[str, dict[str, str]] = {"paragraph": {}, "character": {}, "table": {}, "numbering": {}}
    default_para = None
    if styles is not None:
        for s in styles.iter(f"{W}style"):
            kind, sid = s.get(f"{W}type", "paragraph"), s.get(f"{W}styleId")
            name = s.find(f"{W}name")
            defined.setdefault(kind, {})[sid] = name.get(f"{W}val") if name is not None else sid
            if kind == "paragraph" and s.get(f"{W}default") in ("1", "true", "on"):
                default_para = sid
    used: dict[str, int] = {}
    problems: list[str] = []
    on_normal: dict[str, int] = {}

    def use(kind, sid, where):
        used[sid] = used.get(sid, 0) + 1
        if sid not in defined.get(kind, {}):
            problems.append(f"{where}: {kind} style {sid!r} is used but not defined")

    for name, root in parts.items():
        part = name[len("word/"):-len(".xml")]
        skip = set()
        if part in ("footnotes", "endnotes"):
            for note in root:
                if note.get(f"{W}type") in NOTE_SEPARATORS:
                    skip.update(note.iter(f"{W}p"))
        for p in root.iter(f"{W}p"):
            if p in skip:
                continue
            ps = p.find(f"{W}pPr/{W}pStyle")
            sid = ps.get(f"{W}val") if ps is not None else None
            if sid is None or sid == default_para or sid == "Normal":
                text = "".join(t.text or "" for t in p.iter(f"{W}t")).strip()
                on_normal[part] = on_normal.get(part, 0) + 1
                if on_normal[part] <= 3:
                    problems.append(f"{part}: paragraph on Normal: “{text[:50]}”" if text
                                    else f"{part}: empty paragraph on Normal")
            else:
                use("paragraph", sid, part)
        for r in root.iter(f"{W}rStyle"):
            use("character", r.get(f"{W}val"), part)
        for t in root.iter(f"{W}tblStyle"):
            use("table", t.get(f"{W}val"), part)
    if styles is None:
        problems.insert(0, "no word/styles.xml")
    names_of = {sid: n for kinds in defined.values() for sid, n in kinds.items()}
    return {
        "used": {names_of.get(k, k): v for k, v in sorted(used.items())},
        "on_normal": on_normal,
        "defined": sum(len(v) for v in defined.values()),
        "problems": problems,
    }


@check("docx", "styles", "style coverage (defined styles, nothing on Normal)")
def styles(ctx, path):
    report = style_report(path)
    if report["problems"]:
        n = sum(report["on_normal"].values())
        extra = f" ({n} paragraphs on Normal)" if n > 1 else ""
        return Outcome(False, report["problems"][0] + extra, report)
    return Outcome(True, f"{len(report['used'])} named styles used, all defined; none on Normal", report)


def _soffice(office: str, work: Path, fmt: str, path: Path):
    """Convert ``path`` with LibreOffice to ``fmt``: (the output's path, which may be missing; the run)."""
    profile = work / "profile"
    outdir = work / fmt.partition(":")[0]
    # Its own profile: no lock shared with a running LibreOffice, nothing read from $HOME.
    proc = run_tool([office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                     "--nolockcheck", "--convert-to", fmt, "--outdir", str(outdir), str(path)],
                    timeout=300, env={**os.environ, "HOME": str(work)}, cwd=work)
    return outdir / (path.stem + "." + fmt.partition(":")[0]), proc


def _lo_failure(out: Path, proc) -> Outcome:
    tail = (proc.stderr or proc.stdout).decode(errors="replace").strip().splitlines()[-1:]
    return Outcome(False, f"no {out.suffix[1:].upper()} from LibreOffice (exit {proc.returncode}) "
                          f"{' '.join(tail)}".strip(), {})


@check("docx", "libreoffice", "LibreOffice opens and converts it")
def libreoffice(ctx, path):
    """LibreOffice lays the document out as pages (PDF), and reads every word of it.

    The words are compared in LibreOffice's XHTML export (read as HTML: it uses HTML entities), which holds the text of every paragraph
    and footnote as LibreOffice read it, before its own line breaking and hyphenation: a word it
    breaks or hyphenates at a line end is not a lost word.
    """
    office = tools.soffice()
    if office is None:
        raise ToolMissing("LibreOffice (soffice, Debian package libreoffice-writer-nogui)")
    work = ctx.scratch("libreoffice")
    pdf, proc = _soffice(office, work, "pdf", path)
    # LibreOffice exits 0 even when it could not read the file: the files and their text are the proof.
    if not pdf.is_file() or pdf.stat().st_size == 0:
        return _lo_failure(pdf, proc)
    xhtml, proc = _soffice(office, work, "xhtml", path)
    if not xhtml.is_file() or xhtml.stat().st_size == 0:
        return _lo_failure(xhtml, proc)
    from .pdf import page_count
    from .text import fidelity, xhtml_text

    result = fidelity(ctx.interview, xhtml_text(xhtml.read_bytes(), html=True), kind="docx")
    details = {"pages": page_count(pdf), "text": result.details}
    if not result.ok:
        return Outcome(False, "converted, but its text is not the model's: " + result.summary, details)
    return Outcome(True, f"converted to a {details['pages']}-page PDF, every word read", details)
