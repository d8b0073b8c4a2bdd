"""The front matter's optional ``modified`` (issue 14, "EPUB"): a corrected re-delivery says when
it was made, in the EPUB's dcterms:modified, the DOCX's core property and the PDFs' ModDate and
XMP ModifyDate; without it, every edition carries the publication date (reproducible)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from conftest import SOURCE, build, run_cli
from test_epub import assert_epubcheck_clean

from pressroom import reader

UTC = dt.timezone.utc


def source_with(tmp_path: Path, line: str | None) -> Path:
    text = SOURCE.read_text(encoding="utf-8")
    if line is not None:
        text = text.replace("\ndate: 2023-12-01\n", f"\ndate: 2023-12-01\n{line}\n", 1)
        assert line in text
    path = tmp_path / "interview.md"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("line,expected", [
    ("modified: 2024-01-15", dt.datetime(2024, 1, 15, tzinfo=UTC)),
    ("modified: 2024-01-15T10:30:00Z", dt.datetime(2024, 1, 15, 10, 30, tzinfo=UTC)),
    ("modified: 2024-01-15T10:30:00+01:00", dt.datetime(2024, 1, 15, 9, 30, tzinfo=UTC)),
    ('modified: "2024-01-15T10:30:05.250-05:00"', dt.datetime(2024, 1, 15, 15, 30, 5, tzinfo=UTC)),
    ("modified: 2023-12-01", dt.datetime(2023, 12, 1, tzinfo=UTC)),  # the day itself is fine
    ("modified: 2023-12-01T00:30:00+01:00", dt.datetime(2023, 11, 30, 23, 30, tzinfo=UTC)),  # local day
])
def test_modified_is_read_into_the_model_in_utc(tmp_path, line, expected):
    meta = reader.read(str(source_with(tmp_path, line))).meta
    assert meta.modified == expected and meta.modified.utcoffset() == dt.timedelta(0)
    assert meta.modified_at == expected


def test_without_modified_the_editions_take_the_publication_date(tmp_path):
    meta = reader.read(str(source_with(tmp_path, None))).meta
    assert meta.modified is None
    assert meta.modified_at == dt.datetime(2023, 12, 1, tzinfo=UTC)
    assert reader.read(str(source_with(tmp_path, "modified:"))).meta.modified is None


@pytest.mark.parametrize("line,fragment", [
    ("modified: 2024-01-15 10:30:00", "has no time zone"),
    ('modified: "2024-01-15T10:30"', "has no time zone"),
    ("modified: 2023-11-30", "before the publication date 2023-12-01"),
    ("modified: yesterday", "'yesterday' is not an ISO date"),
    ("modified: 2024-02-30", "not a valid date"),
    ("modified: 20240115", "must be an ISO date or date and time, got 20240115"),
    ("modified: [2024-01-15]", "must be an ISO date or date and time, got 'a list'"),
])
def test_a_bad_modified_is_one_line_with_its_line_number(tmp_path, line, fragment):
    src = source_with(tmp_path, line)
    out = tmp_path / "x.epub"
    proc = run_cli("epub", src, "-o", out, check=False)
    err = proc.stderr
    assert proc.returncode == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"{src}:5: ") and fragment in err and "(hint: " in err, err
    assert not out.exists()


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corrected")
    src = source_with(folder, "modified: 2024-01-15T10:30:00+01:00")
    return {kind: build(kind, src, folder) for kind in ("print", "screen", "epub", "docx")}


def _opf_modified(epub: Path) -> list[str]:
    with zipfile.ZipFile(epub) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf = container.find(".//{*}rootfile").get("full-path")
        root = etree.fromstring(z.read(opf))
    return [m.text for m in root.iter("{http://www.idpf.org/2007/opf}meta") if m.get("property") == "dcterms:modified"]


def test_epub_dcterms_modified_follows_the_front_matter(corrected, tmp_path):
    assert _opf_modified(corrected["epub"]) == ["2024-01-15T09:30:00Z"]
    assert_epubcheck_clean(corrected["epub"], tmp_path)


def test_docx_core_modified_follows_the_front_matter(corrected):
    with zipfile.ZipFile(corrected["docx"]) as z:
        core = z.read("docProps/core.xml").decode()
    assert re.search(r"<dcterms:modified [^>]*>2024-01-15T09:30:00Z</dcterms:modified>", core), core
    assert re.search(r"<dcterms:created [^>]*>2023-12-01T00:00:00Z</dcterms:created>", core), core


@pytest.mark.parametrize("kind", ["print", "screen"])
def test_pdf_moddate_and_xmp_modifydate_follow_the_front_matter(corrected, outputs, kind):
    with pikepdf.open(corrected[kind]) as pdf:
        assert str(pdf.docinfo.ModDate) == "D:20240115093000Z"
        assert str(pdf.docinfo.CreationDate).startswith("D:20231201")
        with pdf.open_metadata() as xmp:
            assert xmp.get("xmp:ModifyDate") == "2024-01-15T09:30:00Z"
            assert str(xmp.get("xmp:CreateDate")).startswith("2023-12-01")
            instance = xmp.get("xmpMM:InstanceID")
    if kind == "print":  # the corrected file is another instance of the same document
        with pikepdf.open(outputs["print"]) as pdf, pdf.open_metadata() as xmp:
            assert xmp.get("xmpMM:InstanceID") != instance
            assert str(xmp.get("xmp:ModifyDate")).startswith("2023-12-01")


def test_the_seed_keeps_its_publication_date_everywhere(outputs):
    """No 'modified' in the seed: the date of the front matter, as before."""
    assert _opf_modified(outputs["epub"]) == ["2023-12-01T00:00:00Z"]
    with pikepdf.open(outputs["print"]) as pdf:
        assert str(pdf.docinfo.ModDate).startswith("D:20231201")
