"""Language editions (issue 18): ``x.md``, ``x.fr.md``, ``x.ar.md``, … are editions of one
publication. On interviews written for these tests (tests/fixtures/editions/: one interview in
English, French, Arabic and Chinese, each typed as its translator would):

- the reader finds the other editions beside a source, and refuses a file name whose language
  suffix is not the source's language, two editions in one language and two with one
  identifier; a file whose suffix is no language (``x.old.md``, ``x.v2.md``) is a publication of
  its own;
- every output names the others: the web edition (hreflang links, a switcher, a skip link), the
  EPUB (dc:relation refined by dcterms:language), both PDFs' XMP (dc:relation), the DOCX's
  properties; and the outputs of an edition pass their checks with the real tools;
- ``make`` rebuilds a model when an edition is added or removed, and nothing when none is;
- ``make check`` compares each edition with the original: date, photo, questions, answers,
  footnotes, note calls and list items, one ``file:line`` line per mismatch naming the edition
  and the question.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT, copy_project, make, run_cli

FIXTURES = ROOT / "tests" / "fixtures" / "editions"
EDITIONS = {"rivers": "en", "rivers.fr": "fr", "rivers.ar": "ar", "rivers.zh": "zh"}


def _read(path):
    from pressroom import reader

    return reader.read(path)


def _publication(tmp_path: Path, stems=tuple(EDITIONS)) -> Path:
    folder = tmp_path / "source"
    folder.mkdir(exist_ok=True)
    for stem in stems:
        shutil.copy(FIXTURES / f"{stem}.md", folder / f"{stem}.md")
    return folder


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line_of(path: Path, text: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.startswith(text):
            return n
    raise AssertionError(f"{text!r} not in {path}")


# -- the reader ----------------------------------------------------------------------------


def test_each_edition_names_the_others():
    models = {stem: _read(FIXTURES / f"{stem}.md") for stem in EDITIONS}
    for stem, iv in models.items():
        assert iv.meta.lang == EDITIONS[stem]
        others = sorted((s for s in EDITIONS if s != stem), key=lambda s: EDITIONS[s])
        assert [e.source_name for e in iv.editions] == others
        for e in iv.editions:
            other = models[e.source_name].meta
            assert (e.lang, e.title, e.identifier) == (other.lang, other.title, other.identifier)


def test_a_source_alone_names_no_edition():
    assert _read(ROOT / "source" / "the-future-of-migration.md").editions == ()
    from pressroom import reader

    assert reader.parse((FIXTURES / "rivers.md").read_text(encoding="utf-8")).editions == ()


@pytest.mark.parametrize("name", ["rivers.old.md", "rivers.v2.md", "rivers.xx.md", "rivers.draft.md"])
def test_a_suffix_that_is_no_language_is_a_publication_of_its_own(tmp_path, name):
    folder = _publication(tmp_path, ("rivers",))
    shutil.copy(folder / "rivers.md", folder / name)
    _edit(folder / name, "identifier: urn:pressroom:test:rivers", "identifier: urn:pressroom:test:other")
    assert _read(folder / "rivers.md").editions == ()
    assert _read(folder / name).editions == ()


def test_an_unreadable_file_that_is_no_edition_is_not_read_as_one(tmp_path):
    folder = _publication(tmp_path, ("rivers", "rivers.fr"))
    (folder / "rivers.old.md").write_text("no front matter\n", encoding="utf-8")
    assert [e.lang for e in _read(folder / "rivers.md").editions] == ["fr"]


def test_a_link_is_no_edition(tmp_path):
    """Only regular files, as make takes sources: a link beside the source (to a file outside
    its folder, or to another edition) is not read."""
    folder = _publication(tmp_path, ("rivers",))
    outside = tmp_path / "outside.md"
    shutil.copy(FIXTURES / "rivers.fr.md", outside)
    (folder / "rivers.fr.md").symlink_to(outside)
    assert _read(folder / "rivers.md").editions == ()
    shutil.copy(FIXTURES / "rivers.ar.md", folder / "rivers.ar.md")
    (folder / "rivers.zh.md").symlink_to(folder / "rivers.ar.md")
    assert [e.lang for e in _read(folder / "rivers.md").editions] == ["ar"]


def test_a_broken_edition_stops_the_others_with_its_own_line(tmp_path):
    folder = _publication(tmp_path, ("rivers", "rivers.fr"))
    _edit(folder / "rivers.fr.md", "date: 2025-03-22", "date: 2025-02-30")
    proc = run_cli("model", folder / "rivers.md", "-o", tmp_path / "m.json", check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"{folder / 'rivers.fr.md'}:{_line_of(folder / 'rivers.fr.md', 'date:')}:")
    assert not (tmp_path / "m.json").exists()


@pytest.mark.parametrize("name, lang, ok", [
    ("rivers.fr.md", "fr", True), ("rivers.fr.md", "fr-CA", True), ("rivers.fr-CA.md", "fr-CA", True),
    ("rivers.fr-CA.md", "fr-ca", True), ("rivers.fr.md", "en", False), ("rivers.fr-CA.md", "fr", False),
    ("rivers.de.md", "fr", False), ("rivers.fil.md", "fil", True),
])
def test_the_suffix_is_the_language(tmp_path, name, lang, ok):
    folder = _publication(tmp_path, ("rivers.fr",))
    path = folder / name
    (folder / "rivers.fr.md").rename(path) if name != "rivers.fr.md" else None
    _edit(path, "lang: fr", f"lang: {lang}")
    proc = run_cli("model", path, "-o", tmp_path / "m.json", check=False)
    if ok:
        assert proc.returncode == 0, proc.stderr
        return
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    line = _line_of(path, "lang:")
    suffix = name.split(".")[1]
    assert proc.stderr.startswith(f"{path}:{line}: the file name says this is the '{suffix}' edition"), proc.stderr
    assert "(hint: " in proc.stderr


def test_two_editions_in_one_language_are_refused(tmp_path):
    folder = _publication(tmp_path, ("rivers",))
    shutil.copy(folder / "rivers.md", folder / "rivers.en.md")
    _edit(folder / "rivers.en.md", "urn:pressroom:test:rivers", "urn:pressroom:test:rivers:en")
    proc = run_cli("model", folder / "rivers.md", "-o", tmp_path / "m.json", check=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"{folder / 'rivers.md'}:{_line_of(folder / 'rivers.md', 'lang:')}: rivers.en.md is also an edition in 'en'")


def test_two_editions_with_one_identifier_are_refused(tmp_path):
    folder = _publication(tmp_path, ("rivers", "rivers.fr"))
    _edit(folder / "rivers.fr.md", "urn:pressroom:test:rivers:fr", "urn:pressroom:test:rivers")
    proc = run_cli("model", folder / "rivers.fr.md", "-o", tmp_path / "m.json", check=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"{folder / 'rivers.fr.md'}:{_line_of(folder / 'rivers.fr.md', 'identifier:')}: "
                                  "this edition and rivers.md have the same identifier")
    # No identifiers: each is derived from the title and date, so an untranslated title is one.
    for stem in ("rivers", "rivers.fr"):
        _edit(folder / f"{stem}.md", "identifier: urn:pressroom:test:rivers\n", "")
    _edit(folder / "rivers.fr.md", "title: Des fleuves qui traversent les frontières", "title: Rivers that cross borders")
    proc = run_cli("model", folder / "rivers.fr.md", "-o", tmp_path / "m.json", check=False)
    assert proc.returncode == 2 and "the same title and date" in proc.stderr
    _edit(folder / "rivers.fr.md", "title: Rivers that cross borders", "title: Des fleuves")
    run_cli("model", folder / "rivers.fr.md", "-o", tmp_path / "m.json")


# -- the outputs ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory):
    """The English and French editions (with addresses for the English one), every output."""
    from conftest import build_all

    tmp = tmp_path_factory.mktemp("editions")
    folder = _publication(tmp, ("rivers", "rivers.fr"))
    _edit(folder / "rivers.md", "section:", "url: https://example.org/rivers\nsection:")
    build = tmp / "build"
    return folder, build, {stem: build_all(folder / f"{stem}.md", build) for stem in ("rivers", "rivers.fr")}


def test_the_web_editions_link_each_other(two_editions):
    from lxml import html

    _, _, built = two_editions
    for stem, own, other, href in (("rivers", "en", "fr", "rivers.fr.html"),
                                   ("rivers.fr", "fr", "en", "https://example.org/rivers")):
        page = html.fromstring(built[stem]["html"].read_bytes())
        links = {el.get("hreflang"): el.get("href") for el in page.xpath("//head/link[@rel='alternate']")}
        assert links == {"en": "https://example.org/rivers", "fr": "rivers.fr.html"}
        assert page.xpath("//meta[@property='og:locale:alternate']/@content") == [
            {"en": "fr_FR", "fr": "en_GB"}[own]]
        body = page.find("body")
        skip = body[0]
        assert skip.tag == "a" and skip.get("href") == "#main" and body.xpath("//main[@id='main']")
        nav = body[1]
        assert nav.tag == "nav" and nav.get("aria-label") == {"en": "Languages", "fr": "Langues"}[own]
        current = nav.xpath(".//a[@aria-current='page']")
        assert [(a.get("lang"), a.text) for a in current] == [(own, {"en": "English", "fr": "Français"}[own])]
        [link] = nav.xpath(f".//a[@hreflang='{other}']")
        assert (link.get("href"), link.get("lang"), link.text) == (href, other, {"en": "English", "fr": "Français"}[other])


def test_a_web_edition_alone_has_no_switcher(tmp_path):
    from lxml import html

    out = tmp_path / "alone.html"
    run_cli("html", ROOT / "source" / "the-future-of-migration.md", "-o", out)
    page = html.fromstring(out.read_bytes())
    assert not page.xpath("//nav") and not page.xpath("//link[@rel='alternate']") and not page.xpath("//a[@class='skip']")
    assert page.find("body")[0].tag == "main"


def test_the_epub_relates_the_other_edition(two_editions):
    _, _, built = two_editions
    with zipfile.ZipFile(built["rivers.fr"]["epub"]) as z:
        opf = etree.fromstring(z.read(next(n for n in z.namelist() if n.endswith(".opf"))))
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "opf": "http://www.idpf.org/2007/opf"}
    [rel] = opf.xpath("//dc:relation", namespaces=ns)
    assert rel.text == "urn:pressroom:test:rivers"
    [lang] = opf.xpath(f"//opf:meta[@refines='#{rel.get('id')}']", namespaces=ns)
    assert (lang.get("property"), lang.text) == ("dcterms:language", "en")


def test_both_pdfs_relate_the_other_edition_in_their_xmp(two_editions):
    import pikepdf

    _, _, built = two_editions
    for kind in ("print", "screen"):
        with pikepdf.open(built["rivers"][kind]) as pdf:
            xmp = etree.fromstring(pdf.Root.Metadata.read_bytes())
        items = xmp.xpath("//dc:relation/rdf:Bag/rdf:li/text()", namespaces={
            "dc": "http://purl.org/dc/elements/1.1/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"})
        assert items == ["urn:pressroom:test:rivers:fr"], kind


def test_the_docx_properties_name_the_other_edition_and_import_leaves_them(two_editions, tmp_path):
    _, _, built = two_editions
    with zipfile.ZipFile(built["rivers.fr"]["docx"]) as z:
        custom = etree.fromstring(z.read("docProps/custom.xml"))
    props = {p.get("name"): "".join(p.itertext()) for p in custom}
    assert props["pressroom-edition-en"] == "urn:pressroom:test:rivers"
    assert not [n for n in props if n.startswith("pressroom-edition-") and n != "pressroom-edition-en"]
    out = tmp_path / "rivers.fr.md"
    run_cli("import", built["rivers.fr"]["docx"], "-o", out)
    assert "edition" not in out.read_text(encoding="utf-8").split("\n---\n")[0]


def test_an_edition_passes_its_checks(two_editions):
    """Every check with the real tools (EPUBCheck, Ace, the PDF/UA validators, vnu, axe, …) on
    the French edition, which names the English one everywhere."""
    folder, build, _ = two_editions
    proc = run_cli("check", folder / "rivers.fr.md", "--build", build, "--report", build / "report.json",
                   check=False, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr
    report = json.loads((build / "report.json").read_text(encoding="utf-8"))
    results = report["sources"][0]["results"]
    assert report["ok"] and all(r["status"] == "pass" for r in results)
    assert {r["output"] for r in results} == {"print", "screen", "epub", "docx", "html"}
    assert {"epubcheck", "ace", "vnu"} <= {r["check"] for r in results}, sorted({r["check"] for r in results})


# -- make ----------------------------------------------------------------------------------


def test_make_rebuilds_a_model_when_an_edition_comes_or_goes(tmp_path):
    tree = copy_project(tmp_path / "p")
    for f in (tree / "source").iterdir():
        f.unlink()
    shutil.copy(FIXTURES / "rivers.md", tree / "source" / "rivers.md")
    assert make(tree, "model").returncode == 0

    def made():
        proc = make(tree, "model")
        assert proc.returncode == 0, proc.stderr
        return sorted(re.findall(r"MODEL\s+build/(\S+)\.model\.json", proc.stdout))

    assert made() == []
    shutil.copy(FIXTURES / "rivers.fr.md", tree / "source" / "rivers.fr.md")
    assert made() == ["rivers", "rivers.fr"]
    assert made() == []
    model = json.loads((tree / "build" / "rivers.model.json").read_text(encoding="utf-8"))
    assert [e["lang"] for e in model["editions"]] == ["fr"]
    _edit(tree / "source" / "rivers.fr.md", "title: Des fleuves", "title: Les fleuves")
    assert made() == ["rivers", "rivers.fr"]
    (tree / "source" / "rivers.fr.md").unlink()
    assert made() == ["rivers"]
    model = json.loads((tree / "build" / "rivers.model.json").read_text(encoding="utf-8"))
    assert model["editions"] == []
    shutil.copy(FIXTURES / "rivers.md", tree / "source" / "other.md")  # another publication
    _edit(tree / "source" / "other.md", "urn:pressroom:test:rivers", "urn:pressroom:test:other")
    assert made() == ["other"]


# -- make check: the editions compared -----------------------------------------------------


def _problems(folder: Path) -> list[str]:
    from pressroom.checks import editions

    [publication] = editions.check(sorted(folder.glob("*.md")), None)
    return publication["problems"]


def test_matching_editions_pass(tmp_path):
    from pressroom.checks import editions

    folder = _publication(tmp_path)
    [publication] = editions.check(sorted(folder.glob("*.md")), None)
    assert publication == {"publication": "rivers", "editions": ["rivers", "rivers.ar", "rivers.fr", "rivers.zh"],
                           "original": "rivers", "ok": True, "problems": []}


def test_a_lost_list_item_is_named_with_its_question(tmp_path):
    folder = _publication(tmp_path)
    fr = folder / "rivers.fr.md"
    _edit(fr, "2. un traité qui dit qui reçoit quoi en année sèche ;\n", "")
    assert _problems(folder) == [
        f"{fr}:{_line_of(fr, '## Qu')}: question 2 “Qu’est-ce qui marche ?” has 2 list items in its answer, "
        "in the en edition (rivers.md) 3 (hint: keep each list item as one item ('1.' or '-'))"]


def test_a_lost_footnote_is_named_with_its_question(tmp_path):
    folder = _publication(tmp_path)
    zh = folder / "rivers.zh.md"
    _edit(zh, "流域。[^1]", "流域。")
    _edit(zh, "[^1]: 2024年的估计，出自各流域委员会的联合报告。\n", "")
    line = _line_of(zh, "## 为什么")
    assert _problems(folder) == [
        f"{zh}:{line}: this edition has 0 footnotes, the en edition (rivers.md) has 1 (hint: keep every "
        "footnote and its call ([^1]) where the original has it)",
        f"{zh}:{line}: question 1 “为什么河流对和平如此重要？” calls 0 footnotes, in the en edition (rivers.md) 1 "
        "(hint: keep each note call ([^1]) in the question it belongs to)"]


def test_a_moved_note_call_is_named_with_its_question(tmp_path):
    folder = _publication(tmp_path)
    ar = folder / "rivers.ar.md"
    _edit(ar, "حدودًا.[^1]", "حدودًا.")
    _edit(ar, "ثلاثة أمور، بهذا الترتيب:", "ثلاثة أمور، بهذا الترتيب:[^1]")
    problems = _problems(folder)
    assert [p.split(": ")[0] for p in problems] == [f"{ar}:{_line_of(ar, '## لماذا')}", f"{ar}:{_line_of(ar, '## ما')}"]
    assert all("calls" in p for p in problems)


def test_an_extra_question_and_another_date_are_named(tmp_path):
    folder = _publication(tmp_path)
    fr = folder / "rivers.fr.md"
    _edit(fr, "date: 2025-03-22", "date: 2025-03-23")
    fr.write_text(fr.read_text(encoding="utf-8") + "\n## Et demain ?\n\nNous verrons.\n", encoding="utf-8")
    assert _problems(folder) == [
        f"{fr}:{_line_of(fr, 'date:')}: this edition is dated 2025-03-23, the en edition (rivers.md) 2025-03-22 "
        "(hint: the editions of one interview share its date; a corrected edition says when with modified:)",
        f"{fr}:{_line_of(fr, '## Et demain')}: this edition has 3 questions, the en edition (rivers.md) has 2 "
        "(hint: translate every question as one '## ' heading, and no more)"]


def test_the_photo_must_be_the_same(tmp_path):
    from PIL import Image

    folder = _publication(tmp_path, ("rivers", "rivers.fr"))
    Image.new("RGB", (2400, 1600), (40, 90, 140)).save(folder / "river.png")
    Image.new("RGB", (2400, 1600), (140, 90, 40)).save(folder / "other.png")
    for stem, alt in (("rivers", "A river"), ("rivers.fr", "Un fleuve")):
        _edit(folder / f"{stem}.md", "interviewer:", f"image:\n  file: river.png\n  alt: {alt}\ninterviewer:")
    assert _problems(folder) == []
    fr = folder / "rivers.fr.md"
    _edit(fr, "file: river.png", "file: other.png")
    assert _problems(folder) == [f"{fr}:{_line_of(fr, 'image:')}: this edition has another photo than the en edition "
                                 "(rivers.md) (hint: give every edition the same photo file (image: file:), or none)"]
    _edit(fr, "  file: other.png\n", "")
    assert _problems(folder)[0].startswith(f"{fr}:{_line_of(fr, 'image:')}: this edition has no photo file, "
                                           "the en edition (rivers.md) has one")


def test_the_original_is_the_file_without_suffix(tmp_path):
    folder = _publication(tmp_path, ("rivers.fr", "rivers.ar"))  # no rivers.md: the first by language
    from pressroom.checks import editions

    [publication] = editions.check(sorted(folder.glob("*.md")), None)
    assert (publication["original"], publication["editions"]) == ("rivers.ar", ["rivers.ar", "rivers.fr"])


def test_check_fails_on_a_mismatch_with_its_line(two_editions, tmp_path):
    """``pressroom check`` (what ``make check`` gathers): exit 1, the line on stderr, the
    comparison in the report and the table."""
    folder, _, _ = two_editions
    scratch, build = tmp_path / "source", tmp_path / "build"
    shutil.copytree(folder, scratch)
    build.mkdir()
    fr = scratch / "rivers.fr.md"
    _edit(fr, "3. une commission qui se réunit même quand les gouvernements ne se parlent pas.\n", "")
    for stem in ("rivers", "rivers.fr"):
        run_cli("model", scratch / f"{stem}.md", "-o", build / f"{stem}.model.json")
        run_cli("html", build / f"{stem}.model.json", "-o", build / f"{stem}.html")
    proc = run_cli("check", scratch / "rivers.md", fr, "--only", "html", "--build", build,
                   "--report", build / "report.json", check=False, timeout=900)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert proc.stderr.splitlines() == [f"{fr}:{_line_of(fr, '## Qu')}: question 2 “Qu’est-ce qui marche ?” has 2 "
                                        "list items in its answer, in the en edition (rivers.md) 3 (hint: keep each list "
                                        "item as one item ('1.' or '-'))"]
    assert "editions of rivers: rivers, rivers.fr: 1 mismatch(es) with rivers" in proc.stdout
    assert "the editions of 1 publication(s) differ" in proc.stdout
    report = json.loads((build / "report.json").read_text(encoding="utf-8"))
    assert report["ok"] is False and report["editions"][0]["problems"] == proc.stderr.splitlines()
    assert all(r["status"] == "pass" for src in report["sources"] for r in src["results"])
