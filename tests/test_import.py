"""pressroom import (issue 18): a DOCX that pressroom wrote, after a translator's work, back to a
source.

- Round trip: source -> DOCX -> import gives a source whose model equals the original's (the
  photo's path and the source's name aside), for interviews in the six languages, with and
  without a photo, with notes, lists, quotes, code and nested emphasis; and the same after
  LibreOffice has opened and saved the DOCX.
- What translators do: text replaced in every style, paragraphs split and joined, emphasis
  added and removed, a footnote edited, tracked changes (accepted), comments (ignored, with a
  note), a paragraph on Normal or on a style the import does not know (one line, exit 2).
- Bad input: not a zip, a zip that is not a DOCX, a DOCX with no interview, a zip bomb,
  external relationships (nothing fetched): one line, exit 2, nothing written.
"""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT, model_of, run_cli
from system import need

FIXTURES = ROOT / "tests" / "fixtures"
ROUND_TRIP = sorted([*(FIXTURES / "lang").glob("*.md"), *(FIXTURES / "editorial").glob("*.md"),
                     FIXTURES / "web" / "en-everything.md", *(FIXTURES / "typo").glob("*.md"),
                     FIXTURES / "linebreak" / "long-words-and-urls.md", FIXTURES / "print" / "code.md",
                     *(FIXTURES / "rtl").glob("*.md"), ROOT / "source" / "the-future-of-migration.md"])
EVERYTHING = FIXTURES / "web" / "en-everything.md"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = {"w": W_NS}


def ids(paths):
    return [f"{p.parent.name}/{p.stem}" for p in paths]


def import_(docx: Path, out: Path, *extra, check=True):
    return run_cli("import", docx, "-o", out, *extra, check=check)


@pytest.fixture(scope="module")
def docxs(tmp_path_factory) -> dict[Path, Path]:
    """Each round-trip source as pressroom's DOCX."""
    work = tmp_path_factory.mktemp("import-docx")
    out = {}
    for src in ROUND_TRIP:
        docx = work / f"{src.parent.name}-{src.stem}.docx"
        run_cli("docx", src, "-o", docx)
        out[src] = docx
    return out


@pytest.fixture(scope="module")
def lo_docxs(docxs, tmp_path_factory) -> dict[Path, Path]:
    """The same DOCXs after LibreOffice opened and saved them as DOCX (one soffice run for all)."""
    need("soffice")
    work = tmp_path_factory.mktemp("import-lo")
    profile = work / "profile"
    proc = subprocess.run([shutil.which("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--norestore", "--convert-to", "docx", "--outdir", str(work / "out"),
                           *map(str, docxs.values())], capture_output=True, text=True, timeout=900)
    out = {}
    for src, docx in docxs.items():
        saved = work / "out" / docx.name
        assert saved.is_file(), f"LibreOffice did not save {docx.name}: {proc.stderr[-500:]}"
        out[src] = saved
    return out


# -- round trips ----------------------------------------------------------------------------------

@pytest.mark.parametrize("src", ROUND_TRIP, ids=ids(ROUND_TRIP))
def test_round_trip(src, docxs, tmp_path):
    out = tmp_path / "source" / f"{src.stem}.xx.md"
    proc = import_(docxs[src], out)
    assert proc.stderr == ""
    assert model_of(out) == model_of(src)


@pytest.mark.parametrize("src", ROUND_TRIP, ids=ids(ROUND_TRIP))
def test_round_trip_after_libreoffice(src, lo_docxs, tmp_path):
    with zipfile.ZipFile(lo_docxs[src]) as z:  # LibreOffice kept the properties (and renamed styles)
        assert "docProps/custom.xml" in z.namelist()
    out = tmp_path / "source" / f"{src.stem}.xx.md"
    import_(lo_docxs[src], out)
    assert model_of(out) == model_of(src)


def test_the_photo_is_written_beside_the_source(docxs, tmp_path):
    src = FIXTURES / "editorial" / "en-photo.md"
    out = tmp_path / "en-photo.fr.md"
    import_(docxs[src], out)
    assert (tmp_path / "en-photo.fr.png").read_bytes() == (FIXTURES / "editorial" / "field.png").read_bytes()
    assert "file: en-photo.fr.png" in out.read_text(encoding="utf-8")
    # Beside the original's photo (same name, same bytes), the source points at it, writes none.
    shutil.copy(FIXTURES / "editorial" / "field.png", tmp_path / "field.png")
    out2 = tmp_path / "en-photo.es.md"
    import_(docxs[src], out2)
    assert "file: field.png" in out2.read_text(encoding="utf-8")
    assert not (tmp_path / "en-photo.es.png").exists()


def test_no_photo_is_an_image_without_file(docxs, tmp_path):
    src = FIXTURES / "editorial" / "fr-nophoto.md"
    out = tmp_path / "fr.md"
    import_(docxs[src], out)
    text = out.read_text(encoding="utf-8")
    assert "image:" in text and "file:" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fr.md"]


def test_lang_option_sets_the_language(docxs, tmp_path):
    out = tmp_path / "x.fr.md"
    import_(docxs[EVERYTHING], out, "--lang", "fr")
    from pressroom import reader

    assert reader.read(out).meta.lang == "fr"


def test_the_importer_imports_no_writer(docxs, tmp_path):
    code = ("import sys; from pressroom.importer import import_docx; from pressroom.styles import open_styles; "
            f"import_docx({str(docxs[EVERYTHING])!r}, {str(tmp_path / 'x.md')!r}, open_styles(None)); "
            "bad = [m for m in sys.modules if m.startswith('pressroom.writers') or m == 'docx']; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_docx_is_still_reproducible(tmp_path):
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    run_cli("docx", EVERYTHING, "-o", a)
    run_cli("docx", EVERYTHING, "-o", b)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        custom = etree.fromstring(z.read("docProps/custom.xml"))
    names = [p.get("name") for p in custom]
    assert names[0] == "pressroom-source-version" and "pressroom-identifier" in names


# -- what translators do ------------------------------------------------------------------------

def edit(docx: Path, out: Path, document=None, footnotes=None, extra: dict | None = None, rels=None) -> Path:
    """A copy of ``docx`` with its document (and footnotes) changed by the functions given."""
    with zipfile.ZipFile(docx) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for name, fn in (("word/document.xml", document), ("word/footnotes.xml", footnotes),
                     ("word/_rels/document.xml.rels", rels)):
        if fn is not None:
            root = etree.fromstring(parts[name])
            fn(root)
            parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts.update(extra or {})
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out


def paras(root, style=None):
    return [p for p in root.iter(W + "p")
            if style is None or (p.find("w:pPr/w:pStyle", NS) is not None
                                 and p.find("w:pPr/w:pStyle", NS).get(W + "val") == style)]


def run(text: str, style: str | None = None, bold=False):
    r = etree.Element(W + "r")
    if style or bold:
        rpr = etree.SubElement(r, W + "rPr")
        if style:
            etree.SubElement(rpr, W + "rStyle").set(W + "val", style)
        if bold:
            etree.SubElement(rpr, W + "b")
    t = etree.SubElement(r, W + "t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def imported(docx: Path, tmp_path: Path, *extra):
    out = tmp_path / "out" / "x.md"
    proc = import_(docx, out, *extra)
    from pressroom import reader

    return reader.read(out), proc


def test_text_replaced_in_every_style(docxs, tmp_path):
    """A translation: every run's text changed (here: upper case) wins over the properties."""
    def upper(root):
        for t in root.iter(W + "t"):
            t.text = t.text.upper()

    docx = edit(docxs[EVERYTHING], tmp_path / "t.docx", document=upper, footnotes=upper)
    iv, _ = imported(docx, tmp_path)
    assert iv.meta.title == "MAPS THAT MOVE: CHARTING THE WORLD’S DISPLACED PEOPLE"
    assert iv.meta.subtitle.startswith("A DEMOGRAPHER EXPLAINS")
    assert iv.meta.section == "WORLD REFUGEE DAY"
    assert iv.interviewee.name == "AMARA OKAFOR" and iv.interviewee.role == "CHIEF DEMOGRAPHER, UN DATA UNIT"
    assert iv.interviewer.name == "JONAS BERG" and iv.interviewer.bio == "JONAS BERG IS A DATA REPORTER AT UN TODAY."
    assert iv.image.caption == "FIELD NOTES FROM A 2024 SURVEY IN THE VALLEY" and iv.image.credit == "© UN DATA UNIT"
    from pressroom.model import plain_text

    assert plain_text(iv.intro).startswith("ON WORLD REFUGEE DAY")
    assert plain_text(iv.exchanges[0].question) == "HOW DO YOU COUNT PEOPLE WHO ARE ON THE MOVE?"
    assert "AGAIN AND AGAIN" in plain_text(iv.exchanges[0].answer)
    assert plain_text(iv.exchanges[0].answer[1].attribution) == "A COLLEAGUE IN THE FIELD"
    assert plain_text(iv.notes[0].children).startswith("EACH SOURCE HAS")
    # What the text does not show still comes from the properties.
    assert iv.meta.identifier == "urn:uuid:0b7c3f0e-2b1a-4f67-9a55-6f1c1d2e3a4b"
    assert iv.meta.keywords == ("displacement", "data", "demography")
    assert [n.label for n in iv.notes] == ["slices", "caveat"]


def test_paragraph_split_and_joined(docxs, tmp_path):
    def split_and_join(root):
        intro = paras(root, "Intro")[0]
        second = etree.fromstring(etree.tostring(intro))
        second.find("w:pPr/w:pStyle", NS).set(W + "val", "IntroContinued")
        intro.addnext(second)
        intro.findall(".//w:t", NS)[0].text = "First half."
        second.findall(".//w:t", NS)[0].text = "Second half."
        items = paras(root, "ListNumber")
        for r in items[1].findall("w:r", NS):
            items[0].append(r)
        items[1].getparent().remove(items[1])

    iv, _ = imported(edit(docxs[EVERYTHING], tmp_path / "t.docx", document=split_and_join), tmp_path)
    from pressroom import model as m

    assert [m.plain_text(p.children) for p in iv.intro] == ["First half.", "Second half."]
    lst = iv.exchanges[1].answer[1]
    assert isinstance(lst, m.List) and len(lst.items) == 2
    assert m.plain_text(lst.items[0].children).startswith("registrations by host governments;household")


def test_emphasis_added_and_removed(docxs, tmp_path):
    def change(root):
        answer = paras(root, "Answer")[0]
        runs = answer.findall("w:r", NS)
        runs[1].find("w:rPr", NS).getparent().remove(runs[1].find("w:rPr", NS))  # "again and again": plain
        runs[0].addprevious(run("Now ", "Strong"))
        runs[0].addprevious(run("bold ", bold=True))

    iv, _ = imported(edit(docxs[EVERYTHING], tmp_path / "t.docx", document=change), tmp_path)
    from pressroom import model as m

    nodes = [n for n in iv.exchanges[0].answer[0].children if n != m.Text("")]
    assert isinstance(nodes[0], m.Strong) and m.plain_text(nodes[0]) == "Now bold"
    assert not any(isinstance(n, m.Emphasis) and "again" in m.plain_text(n) for n in nodes)


def test_footnote_edited(docxs, tmp_path):
    def change(root):
        note = [fn for fn in root.iter(W + "footnote") if fn.get(W + "type") is None][0]
        note.findall(".//w:t", NS)[-1].text = "A new note, with "
        p = note.find("w:p", NS)
        p.append(run("emphasis", "Emphasis"))
        p.append(run("."))

    iv, _ = imported(edit(docxs[EVERYTHING], tmp_path / "t.docx", footnotes=change), tmp_path)
    from pressroom import model as m

    assert m.plain_text(iv.notes[0].children).strip() == "A new note, with emphasis."
    assert isinstance(iv.notes[0].children[0].children[1], m.Emphasis)


def test_tracked_changes_are_accepted(docxs, tmp_path):
    """Word's tracked changes: read as if accepted (insertions kept, deletions dropped, a deleted
    paragraph mark joins two paragraphs), with a note on stderr."""
    def track(root):
        answer = paras(root, "Answer")[0]
        first = answer.findall("w:r", NS)[0]
        ins = etree.Element(W + "ins", {W + "id": "1", W + "author": "T", W + "date": "2024-01-01T00:00:00Z"})
        ins.append(run("Inserted. "))
        first.addprevious(ins)
        dele = etree.Element(W + "del", {W + "id": "2", W + "author": "T", W + "date": "2024-01-01T00:00:00Z"})
        gone = run("")
        t = gone.find("w:t", NS)
        t.tag = W + "delText"
        t.text = "Deleted words. "
        dele.append(gone)
        first.addprevious(dele)
        # The intro's paragraph mark deleted: the intro joins the first question? No: join two
        # list items, the first's mark deleted.
        item = paras(root, "ListNumber")[0]
        rpr = item.find("w:pPr", NS).makeelement(W + "rPr", {})
        etree.SubElement(rpr, W + "del", {W + "id": "3", W + "author": "T", W + "date": "2024-01-01T00:00:00Z"})
        item.find("w:pPr", NS).append(rpr)

    iv, proc = imported(edit(docxs[EVERYTHING], tmp_path / "t.docx", document=track), tmp_path)
    from pressroom import model as m

    text = m.plain_text(iv.exchanges[0].answer[0])
    assert text.startswith("Inserted. We don’t count") and "Deleted" not in text
    assert len(iv.exchanges[1].answer[1].items) == 2
    assert "tracked changes taken as accepted" in proc.stderr and len(proc.stderr.splitlines()) == 1


def test_comments_are_ignored_with_a_note(docxs, tmp_path):
    comments = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{W_NS}">'
                '<w:comment w:id="0" w:author="T"><w:p><w:r><w:t>Check this</w:t></w:r></w:p></w:comment>'
                '</w:comments>').encode()

    def comment(root):
        answer = paras(root, "Answer")[0]
        first = answer.findall("w:r", NS)[0]
        first.addprevious(etree.Element(W + "commentRangeStart", {W + "id": "0"}))
        first.addnext(etree.Element(W + "commentRangeEnd", {W + "id": "0"}))
        r = run("")
        r.remove(r.find("w:t", NS))
        etree.SubElement(etree.SubElement(r, W + "rPr"), W + "rStyle").set(W + "val", "CommentReference")
        etree.SubElement(r, W + "commentReference").set(W + "id", "0")
        answer.append(r)

    def rel(root):
        etree.SubElement(root, "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship",
                         Id="rIdC", Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
                         Target="comments.xml")

    docx = edit(docxs[EVERYTHING], tmp_path / "t.docx", document=comment, rels=rel,
                extra={"word/comments.xml": comments})
    out = tmp_path / "out" / "x.md"
    proc = import_(docx, out)
    assert proc.stderr.strip() == f"{docx}: 1 comment ignored (comments are not part of the source)"
    ref = tmp_path / "ref.md"
    import_(docxs[EVERYTHING], ref)
    assert model_of(out) == model_of(ref)


@pytest.mark.parametrize("style", [None, "Heading1"])
def test_a_paragraph_on_normal_or_unknown_style_is_named(docxs, tmp_path, style):
    def change(root):
        p = paras(root, "AnswerContinued")[0] if paras(root, "AnswerContinued") else paras(root, "Answer")[2]
        ps = p.find("w:pPr/w:pStyle", NS)
        if style is None:
            ps.getparent().remove(ps)
        else:
            ps.set(W + "val", style)

    docx = edit(docxs[EVERYTHING], tmp_path / "t.docx", document=change)
    out = tmp_path / "out" / "x.md"
    proc = import_(docx, out, check=False)
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    assert line.startswith(f"{docx}: paragraph ") and "“We publish the method" in line
    assert f"on the style {style or 'Normal'}" in line and "(hint: give it one of the interview's styles (Answer" in line
    assert not out.parent.exists()


def test_empty_paragraphs_are_dropped(docxs, tmp_path):
    """A translator's stray empty paragraph (Enter pressed twice), on any style, is nothing."""
    def change(root):
        p = paras(root, "Question")[0]
        p.addprevious(etree.Element(W + "p"))

    out = tmp_path / "x.md"
    import_(edit(docxs[EVERYTHING], tmp_path / "t.docx", document=change), out)
    ref = tmp_path / "ref.md"
    import_(docxs[EVERYTHING], ref)
    assert model_of(out) == model_of(ref)


def test_an_interview_the_reader_refuses_is_not_written(docxs, tmp_path):
    """A question whose answer the translator deleted: the reader's own message, nothing written."""
    def change(root):
        q = paras(root, "Question")[-1]
        for p in list(q.itersiblings()):
            if p.tag == W + "p" and p.find("w:pPr/w:pStyle", NS).get(W + "val") == "Answer":
                p.getparent().remove(p)

    out = tmp_path / "x.md"
    proc = import_(edit(docxs[EVERYTHING], tmp_path / "t.docx", document=change), out, check=False)
    assert proc.returncode == 2
    assert "this question has no answer" in proc.stderr and len(proc.stderr.splitlines()) == 1
    assert not out.exists()


# -- bad input ----------------------------------------------------------------------------------------

def refused(docx: Path, tmp_path: Path, expect: str):
    out = tmp_path / "out" / "x.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("before", encoding="utf-8")
    proc = import_(docx, out, check=False)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{docx}: ") and expect in proc.stderr, proc.stderr
    assert "(hint: " in proc.stderr
    assert out.read_text(encoding="utf-8") == "before"
    assert sorted(p.name for p in out.parent.iterdir()) == ["x.md"]
    return proc.stderr


def test_not_a_zip(tmp_path):
    bad = tmp_path / "t.docx"
    bad.write_text("hello", encoding="utf-8")
    refused(bad, tmp_path, "is not a DOCX file (not a zip archive")


def test_a_zip_that_is_not_a_docx(tmp_path):
    bad = tmp_path / "t.docx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("hello.txt", "hello")
    refused(bad, tmp_path, "is a zip archive but not a DOCX")


def test_a_docx_with_no_interview(tmp_path):
    from docx import Document

    bad = tmp_path / "t.docx"
    doc = Document()
    doc.add_paragraph("Just a letter.")
    doc.save(bad)
    refused(bad, tmp_path, "there is no interview in this document")


def test_a_zip_bomb(docxs, tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/padding.xml", b"\0" * (40 * 2**20))
    docx = edit(docxs[EVERYTHING], tmp_path / "t.docx",
                extra={"word/padding.xml": zipfile.ZipFile(bomb).read("word/padding.xml")})
    refused(docx, tmp_path, "a zip bomb")


@pytest.mark.parametrize("kind", ["image", "attachedTemplate"])
def test_external_relationships_are_refused_and_not_fetched(docxs, tmp_path, kind):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    url = f"http://127.0.0.1:{server.getsockname()[1]}/x"
    rt = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/" + kind
    rel = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
           f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdT" '
           f'Type="{rt}" Target="{url}" TargetMode="External"/></Relationships>').encode()
    if kind == "image":
        def add(root):
            etree.SubElement(root, "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship",
                             Id="rIdX", Type=rt, Target=url, TargetMode="External")
        docx = edit(docxs[EVERYTHING], tmp_path / "t.docx", rels=add)
    else:
        docx = edit(docxs[EVERYTHING], tmp_path / "t.docx", extra={"word/_rels/settings.xml.rels": rel})
    refused(docx, tmp_path, f"links to an external {kind}")
    with pytest.raises(BlockingIOError):
        server.accept()
    server.close()
