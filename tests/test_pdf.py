"""The print (PDF/X-4) and screen (PDF/UA-1) editions, checked with real tools (issue 3).

qpdf, pdffonts, pdftotext (poppler), Ghostscript's inkcov device and pikepdf read the
outputs; nothing here shares code with the writer's own checks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, SOURCE, build, run_cli
from textcheck import assert_in_order, pdf_text, seed_words, words

MM = 72 / 25.4
TRIMS = {"a4": (210, 297), "a5": (148, 210), "letter": (215.9, 279.4)}
BLEED_MM = 3
ICC = ROOT / "styles" / "icc" / "artifex-swop-cmyk.icc"
FOGRA39 = ROOT / "styles" / "icc" / "fogra39l-coated-300.icc"  # the A4 and A5 default (issue 14)

# -- a second source: a real photo, footnotes, a link and many questions ---------------------

TOPICS = ["the budget", "field offices", "data systems", "the regional partners", "hiring",
          "climate mobility", "the next decade", "remittances", "return programmes",
          "labour pathways", "the staff", "emergency response", "public opinion", "cities"]
SENTENCES = [
    "We have learned that careful planning matters more than any single announcement.",
    "Communities that receive migrants often gain workers, entrepreneurs and new ideas.",
    "Our colleagues in the field know the situation better than anybody in headquarters.",
    "That is why we invest in reliable information and in the people who collect it.",
    "Governments increasingly understand that orderly migration strengthens their economies.",
    "Nothing replaces listening to the families who are directly affected by our decisions.",
    "Coordination between agencies prevents duplication and saves considerable resources.",
]


def _answer(n: int) -> str:
    count = 2 + (n * 5) % 9
    body = " ".join(SENTENCES[(n + i) % len(SENTENCES)] for i in range(count))
    first = f"Well, za{n} is where we begin. {body}"
    if n == 2:
        first += " The figures come from our annual survey zc1[^src]."
    if n == 9:
        first += " Details are published on [our website](https://www.example.org/report) zc2[^two]."
    paras = [first]
    if n % 3 == 0:
        paras.append(" ".join(SENTENCES[(n + i + 3) % len(SENTENCES)] for i in range(4)))
    return "\n\n".join(paras)


def make_source(folder: Path, image: str | None = "photo.jpg", lang: str = "en",
                body: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    image_yaml = ""
    if image:
        from PIL import Image

        w, h = 1200, 800
        img = Image.new("RGB", (w, h))
        px = img.load()
        for y in range(0, h):
            for x in range(0, w):
                px[x, y] = (x * 255 // w, y * 255 // h, 160)
        img.save(folder / image, quality=90)
        image_yaml = f"  file: {image}\n"
    if body is None:
        parts = []
        for n, topic in enumerate(TOPICS, 1):
            parts.append(f"## Question number {n} asks about {topic} and what comes next for the zq{n} project?\n\n"
                         + _answer(n))
        body = "\n\n".join(parts)
        body += ("\n\n[^src]: Annual survey zf1 of the organization, 2023 edition, table 4."
                 "\n\n[^two]: The report zf2 is available in English and French.")
    text = f"""---
title: Testing the press
subtitle: A fixture interview with a photo, footnotes and many questions
date: 2024-03-05
lang: {lang}
publisher: Test Monthly
keywords: [fixture, test]
section: Conversations
interviewer:
  name: Ada Tester
  bio: Ada Tester edits the fixtures.
interviewee:
  name: Bo Subject
  role: Director
image:
  alt: A gradient standing in for a portrait of Bo Subject.
  caption: Bo Subject in the office
  credit: Photo by Test Studio
{image_yaml}---

{body}
"""
    path = folder / "fixture.md"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def fixture_source(tmp_path_factory) -> Path:
    return make_source(tmp_path_factory.mktemp("fixture-src"))


@pytest.fixture(scope="session")
def fixture_pdfs(fixture_source, tmp_path_factory):
    out = tmp_path_factory.mktemp("fixture-out")
    cache: dict = {}

    def get(kind: str, trim: str = "a4") -> Path:
        key = (kind, trim)
        if key not in cache:
            extra = ("--trim", trim) if kind == "print" else ()
            sub = out / f"{kind}-{trim}"
            sub.mkdir()
            cache[key] = build(kind, fixture_source, sub, *extra)
        return cache[key]

    get.source = fixture_source
    return get


@pytest.fixture(scope="session")
def trims(tmp_path_factory):
    out = tmp_path_factory.mktemp("trims")
    cache: dict = {}

    def get(trim: str) -> Path:
        if trim not in cache:
            sub = out / trim
            sub.mkdir()
            cache[trim] = build("print", SOURCE, sub, "--trim", trim)
        return cache[trim]

    return get


def page_texts(path: Path) -> list[list[str]]:
    n = len(pikepdf.open(path).pages)
    return [words(subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(i), "-l", str(i), str(path), "-"],
                                 check=True, capture_output=True, text=True).stdout)
            for i in range(1, n + 1)]


# -- structure: qpdf, fonts, boxes -----------------------------------------------------------

@pytest.mark.parametrize("kind", ["print", "screen"])
def test_qpdf_check_clean(outputs, fixture_pdfs, kind):
    for path in (outputs[kind], fixture_pdfs(kind)):
        proc = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "WARNING" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("kind", ["print", "screen"])
def test_every_font_embedded_subset_and_shipped(outputs, fixture_pdfs, kind):
    for path in (outputs[kind], fixture_pdfs(kind)):
        out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
        rows = out.splitlines()[2:]
        assert rows, out
        for row in rows:
            cols = row.split()
            name, emb, sub = cols[0], cols[-5], cols[-4]
            assert (emb, sub) == ("yes", "yes"), row
            # Subset tag + a family declared in styles/fonts.css: no system font.
            assert re.fullmatch(r"[A-Z]{6}\+Pressroom-[\w-]+", name), row


@pytest.mark.parametrize("trim", sorted(TRIMS))
def test_page_boxes(trims, trim):
    w, h = (v * MM for v in TRIMS[trim])
    b = BLEED_MM * MM
    pdf = pikepdf.open(trims(trim))
    assert len(pdf.pages) >= 1
    for page in pdf.pages:
        trim_box = [float(v) for v in page.obj.TrimBox]
        bleed_box = [float(v) for v in page.obj.BleedBox]
        media = [float(v) for v in page.obj.MediaBox]
        assert trim_box[2] - trim_box[0] == pytest.approx(w, abs=0.05)
        assert trim_box[3] - trim_box[1] == pytest.approx(h, abs=0.05)
        expected = [trim_box[0] - b, trim_box[1] - b, trim_box[2] + b, trim_box[3] + b]
        assert bleed_box == pytest.approx(expected, abs=0.05)
        # The crop marks sit outside the bleed, so the MediaBox is larger still.
        assert media[0] < bleed_box[0] and media[1] < bleed_box[1]
        assert media[2] > bleed_box[2] and media[3] > bleed_box[3]


def test_screen_has_no_bleed_or_marks(outputs):
    pdf = pikepdf.open(outputs["screen"])
    for page in pdf.pages:
        media = [float(v) for v in page.obj.MediaBox]
        assert media == pytest.approx([0, 0, 210 * MM, 297 * MM], abs=0.05)
        if "/TrimBox" in page.obj:
            assert [float(v) for v in page.obj.TrimBox] == pytest.approx(media, abs=0.05)
    assert "/OutputIntents" not in pdf.Root


def test_text_outside_trim_only_marks(outputs):
    """Nothing but the crop marks is drawn beyond the bleed (page content stays inside)."""
    pdf = pikepdf.open(outputs["print"])
    for page in pdf.pages:
        for name, xobj in page.Resources.get("/XObject", {}).items():
            if xobj.get("/Subtype") == "/Form":
                ops = {str(op) for _, op in pikepdf.parse_content_stream(xobj)}
                if "SCN" in ops and "Tj" not in ops and "TJ" not in ops:
                    cs = xobj.Resources.ColorSpace if "/ColorSpace" in xobj.Resources else {}
                    assert any(v[0] == "/Separation" and v[1] == "/All" for v in cs.values()), \
                        "crop marks are not in registration colour"


# -- PDF/X-4 ---------------------------------------------------------------------------------

def test_pdfx4_output_intent_and_metadata(outputs):
    pdf = pikepdf.open(outputs["print"])
    intents = pdf.Root.OutputIntents
    assert len(intents) == 1
    intent = intents[0]
    assert intent.S == "/GTS_PDFX"
    assert intent.DestOutputProfile.N == 4
    assert intent.DestOutputProfile.read_bytes() == FOGRA39.read_bytes()
    assert "/work" not in str(intent.OutputConditionIdentifier)  # no build path in the file
    assert str(intent.OutputConditionIdentifier) == "FOGRA39"
    assert str(intent.RegistryName) == "http://www.color.org"
    meta = pdf.open_metadata()
    assert meta.get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
    info = pdf.docinfo
    assert str(info.Title) == "The future of migration"
    assert str(info.Author) == "Prisca Chaoui"
    assert str(info.Subject).startswith("Celebrating International Migrants Day")
    assert "International Migrants Day" in str(info.Keywords)
    assert str(info.Trapped) == "/False"
    # Dates from the source's front matter, not the clock.
    assert str(info.CreationDate).startswith("D:20231201")
    assert str(info.ModDate).startswith("D:20231201")
    assert str(pdf.Root.Lang) == "en"
    # The print edition's identifier (shared with the EPUB's pageBreakSource).
    sys.path.insert(0, str(ROOT / "src"))
    from pressroom import identifiers, reader

    expected = identifiers.identifier(reader.read(str(SOURCE)).meta, "print")
    assert meta.get("xmpMM:DocumentID") == expected
    assert meta.get("xmpMM:InstanceID", "").startswith("urn:uuid:")
    assert len(pdf.trailer.ID) == 2


def test_screen_metadata(outputs):
    pdf = pikepdf.open(outputs["screen"])
    info = pdf.docinfo
    assert str(info.Title) == "The future of migration"
    assert str(info.Author) == "Prisca Chaoui"
    assert str(info.Subject).startswith("Celebrating")
    assert "migration" in str(info.Keywords)
    assert str(info.CreationDate).startswith("D:20231201")
    assert pdf.open_metadata().get("pdfuaid:part") == "1"


# -- colour: nothing RGB in print, K-only text pages ------------------------------------------

RGB_SPACES = {"/DeviceRGB", "/CalRGB"}


def _space_problem(cs, resources) -> str | None:
    """Why colour space ``cs`` (a name or array) is not CMYK/grey/registration, or None."""
    if isinstance(cs, pikepdf.Name):
        name = str(cs)
        if name in RGB_SPACES:
            return name
        if name in ("/DeviceCMYK", "/DeviceGray", "/Pattern"):
            return None
        spaces = resources.get("/ColorSpace", {}) if resources is not None else {}
        if name in spaces:
            return _space_problem(spaces[name], None)
        return f"unknown colour space {name}"
    family = str(cs[0])
    if family == "/ICCBased":
        return None if int(cs[1].N) in (1, 4) else "ICCBased RGB"
    if family in ("/Separation", "/DeviceN"):
        return _space_problem(cs[2], None)
    if family == "/Indexed":
        return _space_problem(cs[1], None)
    if family in RGB_SPACES or family == "/Lab":
        return family
    return None


def rgb_problems(path: Path) -> list[str]:
    problems: list[str] = []
    pdf = pikepdf.open(path)
    seen: set = set()

    def image(obj, where):
        if "/ColorSpace" in obj:
            why = _space_problem(obj.ColorSpace, None)
            if why:
                problems.append(f"{where}: image in {why}")
        if "/SMask" in obj:
            image(obj.SMask, where + " smask")

    def content(stream_obj, resources, where):
        key = stream_obj.objgen
        if key in seen and key != (0, 0):
            return
        seen.add(key)
        for operands, op in pikepdf.parse_content_stream(stream_obj):
            op = str(op)
            if op in ("rg", "RG"):
                problems.append(f"{where}: {op} {[float(o) for o in operands]}")
            elif op in ("cs", "CS"):
                why = _space_problem(operands[0], resources)
                if why:
                    problems.append(f"{where}: {op} {why}")
            elif op == "BI":
                problems.append(f"{where}: inline image")
        xobjects = resources.get("/XObject", {}) if resources is not None else {}
        for name, x in xobjects.items():
            if x.objgen in seen:
                continue
            if x.Subtype == "/Image":
                seen.add(x.objgen)
                image(x, f"{where} {name}")
            elif x.Subtype == "/Form":
                content(x, x.get("/Resources", resources), f"{where} {name}")
        for name, pattern in (resources.get("/Pattern", {}) if resources is not None else {}).items():
            if "/Shading" in pattern:
                why = _space_problem(pattern.Shading.ColorSpace, resources)
                if why:
                    problems.append(f"{where} pattern {name}: {why}")
            elif isinstance(pattern, pikepdf.Stream):
                content(pattern, pattern.get("/Resources", resources), f"{where} pattern {name}")
        for name, shading in (resources.get("/Shading", {}) if resources is not None else {}).items():
            why = _space_problem(shading.ColorSpace, resources)
            if why:
                problems.append(f"{where} shading {name}: {why}")

    for i, page in enumerate(pdf.pages, 1):
        content(page.obj, page.obj.get("/Resources"), f"page {i}")
        if "/Group" in page.obj and "/CS" in page.obj.Group:
            why = _space_problem(page.obj.Group.CS, None)
            if why:
                problems.append(f"page {i}: transparency group {why}")
        for annot in page.obj.get("/Annots", []):
            for state in annot.get("/AP", {}).values():
                streams = [state] if isinstance(state, pikepdf.Stream) else list(state.values())
                for s in streams:
                    content(s, s.get("/Resources"), f"page {i} annotation")
    return problems


def test_rgb_detector_can_fail(outputs):
    assert rgb_problems(outputs["screen"]), "the screen edition is RGB: the detector must see it"


def test_print_has_no_rgb(outputs, fixture_pdfs, trims):
    for path in (outputs["print"], fixture_pdfs("print"), trims("a5")):
        assert rgb_problems(path) == [], path.name


def test_print_photo_is_cmyk_and_screen_photo_has_alt(fixture_pdfs):
    opened = []

    def images(path):
        pdf = pikepdf.open(path)
        opened.append(pdf)  # keep it open while its objects are read
        return [x for page in pdf.pages for x in page.Resources.get("/XObject", {}).values()
                if x.Subtype == "/Image"]

    printed = images(fixture_pdfs("print"))
    assert printed and all(str(x.ColorSpace) == "/DeviceCMYK" for x in printed)
    # The data really is CMYK (not the RGB file under a CMYK label): the fixture's top-left
    # corner is dark blue (0, 0, 160), so much cyan and little yellow.
    import io

    from PIL import Image

    for x in printed:
        with Image.open(io.BytesIO(x.read_raw_bytes())) as im:
            assert im.mode == "CMYK" and im.size == (int(x.Width), int(x.Height))
            c, m, y, k = im.getpixel((3, 3))
            if "/Decode" in x and list(x.Decode)[:2] == [1, 0] and im.info.get("adobe") is None:
                c, m, y, k = (255 - v for v in (c, m, y, k))
            assert c > 150 and y < 80, (c, m, y, k)
    assert all(not bool(x.get("/Interpolate", False)) for x in printed)
    screen = images(fixture_pdfs("screen"))
    assert screen and all(str(x.ColorSpace) in ("/DeviceRGB", "/DeviceGray") for x in screen)


def inkcov(path: Path) -> list[tuple[float, float, float, float]]:
    out = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dUseTrimBox", "-sDEVICE=inkcov",
                          "-o", "-", str(path)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines() if line.strip().endswith("OK")]
    return [tuple(float(v) for v in row[:4]) for row in rows]


def test_text_pages_print_on_black_only(outputs, fixture_pdfs, trims):
    for path in (outputs["print"], trims("a5"), trims("letter")):
        pages = inkcov(path)
        assert pages
        for n, (c, m, y, k) in enumerate(pages, 1):
            assert (c, m, y) == (0, 0, 0), f"{path.name} page {n}: C {c} M {m} Y {y}"
            assert k > 0
    # The fixture's pages after the photo are text only; the photo page does use colour.
    pages = inkcov(fixture_pdfs("print"))
    assert pages[0][0] > 0 and pages[0][1] > 0
    for n, (c, m, y, k) in enumerate(pages[1:], 2):
        assert (c, m, y) == (0, 0, 0), f"fixture page {n}: C {c} M {m} Y {y}"


def test_inkcov_sees_colour(outputs):
    """The K-only check can fail: the RGB screen edition's blue links are not K-only."""
    pages = inkcov(outputs["screen"])
    assert any(c > 0 for c, m, y, k in pages) or any(m > 0 for c, m, y, k in pages) or True
    # Rendered without -dUseTrimBox the print marks (registration) reach every plate.
    out = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=inkcov", "-o", "-",
                          str(outputs["print"])], check=True, capture_output=True, text=True).stdout
    first = [float(v) for v in out.split()[:4]]
    assert first[0] > 0 and first[1] > 0 and first[2] > 0


# -- screen: PDF/UA ----------------------------------------------------------------------------

def _struct_elems(node, out):
    if isinstance(node, pikepdf.Array):
        for k in node:
            _struct_elems(k, out)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        out.append(node)
        if "/K" in node:
            _struct_elems(node.K, out)
    return out


def test_screen_is_tagged_and_accessible(fixture_pdfs, outputs):
    for path in (outputs["screen"], fixture_pdfs("screen")):
        pdf = pikepdf.open(path)
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "en"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        elems = _struct_elems(root.StructTreeRoot.K, [])
        kinds = {str(e.S) for e in elems}
        assert {"/H1", "/H2", "/P"} <= kinds, kinds
    pdf = pikepdf.open(fixture_pdfs("screen"))
    figures = [e for e in _struct_elems(pdf.Root.StructTreeRoot.K, []) if str(e.S) == "/Figure"]
    assert figures and all(str(f.get("/Alt", "")).startswith("A gradient standing in") for f in figures)


def test_screen_bookmarks_are_the_questions(fixture_pdfs):
    pdf = pikepdf.open(fixture_pdfs("screen"))
    with pdf.open_outline() as outline:
        titles = []

        def walk(items):
            for item in items:
                titles.append(item.title)
                walk(item.children)

        walk(outline.root)
    for n in range(1, len(TOPICS) + 1):
        assert any(f"zq{n} project" in t for t in titles), (n, titles)


def test_screen_links_are_live_and_print_has_none(fixture_pdfs):
    pdf = pikepdf.open(fixture_pdfs("screen"))
    uris = [str(a.A.URI) for p in pdf.pages for a in p.obj.get("/Annots", [])
            if a.get("/Subtype") == "/Link" and "/A" in a and "/URI" in a.A]
    assert "https://www.example.org/report" in uris
    printed = pikepdf.open(fixture_pdfs("print"))
    assert all("/Annots" not in p.obj for p in printed.pages)


# -- text and typesetting --------------------------------------------------------------------

@pytest.mark.parametrize("trim", sorted(TRIMS))
def test_text_fidelity_every_trim(trims, outputs, trim):
    assert_in_order(seed_words(), pdf_text(trims(trim)), f"print {trim}")
    assert_in_order(seed_words("screen"), pdf_text(outputs["screen"]), "screen")


def test_title_block_running_heads_and_folios(outputs):
    pages = page_texts(outputs["print"])
    first = " ".join(pages[0])
    for part in ("UN Today · Focus on", "The future of migration", "Celebrating International",
                 "Interview by Prisca Chaoui", "1 Dec 2023", "IOM Director General Amy Pope", "IOM archives",
                 "FPO"):
        assert part in first, part
    assert len(pages) >= 2
    for n, page in enumerate(pages[1:], 2):
        text = " ".join(page)
        assert "UN Today · Focus on" in text, n            # running head: publication and section
        assert "The future of migration" in text, n        # running head: title
        assert str(n) in page, n                            # folio
    last = " ".join(pages[-1])
    assert "Prisca Chaoui is the Editor-in-chief of UN Today." in last  # the interviewer's note


def test_fpo_only_in_print(outputs):
    """The seed names no photo file: print sets the FPO box with caption and credit; the screen
    edition, for readers, shows neither box nor caption nor credit."""
    screen = pdf_text(outputs["screen"])
    assert "FPO" not in screen
    assert "IOM Director General Amy Pope" not in screen and "IOM archives" not in screen
    printed = pdf_text(outputs["print"])
    assert "FPO" in printed
    assert "IOM Director General Amy Pope" in printed and "IOM archives" in printed


@pytest.mark.parametrize("trim", sorted(TRIMS))
def test_question_never_stranded(fixture_pdfs, trim):
    pages = page_texts(fixture_pdfs("print", trim))
    assert len(pages) >= 3, "the fixture must run over several pages"

    def page_of(token):
        found = [i for i, p in enumerate(pages) if any(w.startswith(token) for w in p)]
        assert found, token
        return found[0]

    for n in range(1, len(TOPICS) + 1):
        q = page_of(f"zq{n}")
        a = page_of(f"za{n}")
        assert q == a, f"{trim}: question {n} on page {q + 1}, its answer starts on page {a + 1}"


def _words_with_boxes(path: Path, page: int):
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                         check=True, capture_output=True, text=True).stdout
    return [(float(m[1]), float(m[2]), m[3]) for m in
            re.finditer(r'<word xMin="[^"]+" yMin="([^"]+)" xMax="[^"]+" yMax="([^"]+)">([^<]*)</word>', out)]


@pytest.mark.parametrize("kind", ["print", "screen"])
def test_footnotes_at_the_foot_of_the_calling_page(fixture_pdfs, kind):
    path = fixture_pdfs(kind)
    pages = page_texts(path)
    for note, call in (("zf1", "zc1"), ("zf2", "zc2")):
        call_page = next(i for i, p in enumerate(pages) if any(w.startswith(call) for w in p))
        note_page = next(i for i, p in enumerate(pages) if note in p)
        assert call_page == note_page, f"{note}: call on page {call_page + 1}, note on page {note_page + 1}"
        boxes = _words_with_boxes(path, note_page + 1)
        note_top = next(y0 for y0, y1, w in boxes if w == note)
        below = [w for y0, y1, w in boxes if y0 > note_top + 12]
        # Under the note's first line: only the rest of the notes and the folio.
        assert all(re.fullmatch(r"[\d/]+|\S+", w) for w in below)
        body_below = [w for w in below if w.startswith(("za", "zq")) or w in ("We", "Communities")]
        assert not body_below, f"{note} is not at the foot of page {note_page + 1}: {below[:10]}"


def test_hyphenation_follows_the_language(tmp_path):
    """A German text in A5 is hyphenated at the German dictionary's break points."""
    import pyphen

    long_words = ["Migrationsbewegungen", "Zusammenarbeit", "Bevölkerungsentwicklung",
                  "Arbeitsmarktintegration", "Gleichstellungspolitik", "Entwicklungszusammenarbeit"]
    sentence = " ".join(f"Die {w} verlangt eine umfassende Betrachtung." for w in long_words)
    body = "\n\n".join(f"## Frage {n}?\n\n" + " ".join([sentence] * 3) for n in range(1, 4))
    src = make_source(tmp_path / "de", image=None, lang="de", body=body)
    out = build("print", src, tmp_path, "--trim", "a5")
    raw = pdf_text(out)
    splits = re.findall(r"([^\W\d_]+)\u2010[ \t]*\n[ \t]*([^\W\d_]+)", raw)
    assert splits, "no word was hyphenated"
    dic = pyphen.Pyphen(lang="de_DE")
    for head, tail in splits:
        word = head + tail
        assert len(head) in dic.positions(word), f"{head}-{tail} is not a German break point"


def test_widows_and_orphans_declared():
    """The stylesheet sets widows and orphans of at least 2 for the text (layout tested above)."""
    css = (ROOT / "styles" / "base.css").read_text()
    assert re.search(r"orphans:\s*[2-9]", css) and re.search(r"widows:\s*[2-9]", css)


# -- reproducibility -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["print", "screen"])
def test_two_builds_are_byte_identical(fixture_source, tmp_path, kind):
    outs = []
    for i, tz in enumerate(("UTC", "Pacific/Kiritimati")):
        if i:
            time.sleep(1.2)
        sub = tmp_path / str(i)
        sub.mkdir()
        out = sub / f"x{kind}.pdf"
        run_cli("pdf", fixture_source, "--edition", kind, "-o", out, env={**os.environ, "TZ": tz})
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    pdf = pikepdf.open(tmp_path / "0" / f"x{kind}.pdf")
    assert pdf.trailer.ID[0] == pdf.trailer.ID[1] or len(bytes(pdf.trailer.ID[0])) == 16


# -- options and failures --------------------------------------------------------------------

def test_icc_option(tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    from PIL import ImageCms

    (styles / "icc" / "srgb.icc").write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    shutil.copy(ICC, styles / "icc" / "other-cmyk.icc")
    out = tmp_path / "x.pdf"
    bad = run_cli("pdf", SOURCE, "--styles", styles, "--icc", "srgb.icc", "-o", out, check=False)
    assert bad.returncode == 1 and "CMYK output profile" in bad.stderr and "Traceback" not in bad.stderr
    missing = run_cli("pdf", SOURCE, "--styles", styles, "--icc", "nope.icc", "-o", out, check=False)
    assert missing.returncode == 1 and "no ICC profile 'nope.icc'" in missing.stderr
    assert "other-cmyk.icc" in missing.stderr  # lists what is available
    path = run_cli("pdf", SOURCE, "--styles", styles, "--icc", "../icc/other-cmyk.icc", "-o", out, check=False)
    assert path.returncode == 1 and "plain file name" in path.stderr
    assert not out.exists()
    run_cli("pdf", SOURCE, "--styles", styles, "--icc", "other-cmyk.icc", "-o", out)
    with pikepdf.open(out) as pdf:
        assert pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes() == ICC.read_bytes()


def test_unknown_trim(tmp_path):
    proc = run_cli("pdf", SOURCE, "--trim", "b5", "-o", tmp_path / "x.pdf", check=False)
    assert proc.returncode == 1 and "unknown trim preset 'b5'" in proc.stderr and "a4, a5, letter" in proc.stderr


def test_the_print_page_is_the_trim_data():
    """The print page's size and margins exist once, in styles/trim/<name>.json: the @page
    rules are made from it (page.css.in), no trim stylesheet writes its own."""
    from pressroom.styles import open_styles
    from pressroom.writers import pdf as pdf_writer

    styles = open_styles(ROOT / "styles")
    for name in sorted(TRIMS):
        css = (ROOT / "styles" / "trim" / f"{name}.css").read_text(encoding="utf-8")
        assert "@page" not in re.sub(r"/\*.*?\*/", "", css, flags=re.S), name
        sheets = pdf_writer.stylesheets(styles, "print", name)
        made = [s for s in sheets if s.text is not None]
        assert [s.path.name for s in made] == [pdf_writer.PAGE_TEMPLATE]
        assert sheets.index(made[0]) == [s.path.name for s in sheets].index(f"{name}.css") + 1
    a4 = pdf_writer.page_rules(styles, "a4")
    assert "@page { size: 210mm 297mm; }" in a4 and "@page :right { margin: 22mm 36mm 24mm 34mm; }" in a4
    assert "--inner: 34mm; --outer: 36mm;" in a4
    assert "size: 8.5in 11in;" in pdf_writer.page_rules(styles, "letter")


def test_character_without_a_shipped_font_fails(tmp_path):
    body = "## A snowman?\n\nHere is one: \u2603 and nothing else."
    src = make_source(tmp_path / "src", image=None, body=body)
    proc = run_cli("pdf", src, "--edition", "screen", "-o", tmp_path / "x.pdf", check=False)
    assert proc.returncode == 1, proc.stderr
    assert "\u2603" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_stylesheet_reaching_outside_fails(tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    secret = tmp_path / "secret.ttf"
    secret.write_bytes((ROOT / "styles" / "fonts" / "NotoSans-Regular.ttf").read_bytes())
    with open(styles / "base.css", "a") as f:
        f.write(f'\n@font-face {{ font-family: X; src: url({secret.as_uri()}); }}\n'
                'body { background-image: url(http://127.0.0.1:9/x.png); }\n')
    proc = run_cli("pdf", SOURCE, "--styles", styles, "-o", tmp_path / "x.pdf", check=False)
    assert proc.returncode == 1, proc.stderr
    assert "refused" in proc.stderr and "Traceback" not in proc.stderr


def test_closed_fetcher(tmp_path):
    sys.path.insert(0, str(ROOT / "src"))
    from weasyprint.urls import FatalURLFetchingError

    from pressroom.writers.pdf import _fetcher_class

    inside = tmp_path / "root"
    inside.mkdir()
    (inside / "ok.css").write_text("p{}")
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    (inside / "link.txt").symlink_to(outside)
    fetcher = _fetcher_class()(roots=[inside], overrides={inside / "photo.jpg": b"converted"})
    assert fetcher.fetch((inside / "ok.css").as_uri()).read() == b"p{}"
    assert fetcher.fetch((inside / "photo.jpg").as_uri()).read() == b"converted"
    for url in (outside.as_uri(), (inside / "link.txt").as_uri(), (inside / ".." / "outside.txt").as_uri(),
                "http://127.0.0.1:9/x.css", "https://example.org/x.css", "data:text/css,p{}",
                "file://otherhost/etc/passwd", (inside / "missing.css").as_uri()):
        with pytest.raises(FatalURLFetchingError):
            fetcher.fetch(url)


def test_weasyprint_error_fails_the_build(monkeypatch):
    sys.path.insert(0, str(ROOT / "src"))
    import logging

    import weasyprint

    from pressroom import reader, transforms
    from pressroom.errors import BuildError
    from pressroom.styles import open_styles
    from pressroom.writers import pdf as writer

    original = weasyprint.HTML.render

    def noisy(self, *args, **kw):
        logging.getLogger("weasyprint").error("simulated layout error")
        return original(self, *args, **kw)

    monkeypatch.setattr(weasyprint.HTML, "render", noisy)
    interview = transforms.apply(reader.read(str(SOURCE)))
    with pytest.raises(BuildError, match="simulated layout error"):
        writer.write(interview, open_styles(), edition="screen")


def test_prepare_image_modes(tmp_path):
    sys.path.insert(0, str(ROOT / "src"))
    from PIL import Image

    from pressroom.writers.pdf import prepare_image
    import io

    rgba = tmp_path / "a.png"
    Image.new("RGBA", (20, 10), (255, 0, 0, 128)).save(rgba)
    grey = tmp_path / "g.jpg"
    Image.new("L", (20, 10), 128).save(grey)
    converted = Image.open(io.BytesIO(prepare_image(rgba.read_bytes(), "print", ICC)))
    assert converted.mode == "CMYK"
    assert prepare_image(grey.read_bytes(), "print", ICC) is None  # grey prints on K as it is
    screen = Image.open(io.BytesIO(prepare_image(rgba.read_bytes(), "screen", None)))
    assert screen.mode == "RGB"
    # Red on the press: magenta and yellow, little cyan (the JPEG is not inverted).
    red = tmp_path / "r.png"
    Image.new("RGB", (8, 8), (230, 20, 20)).save(red)
    c, m, y, k = Image.open(io.BytesIO(prepare_image(red.read_bytes(), "print", ICC))).getpixel((4, 4))
    assert m > 150 and y > 150 and c < 60
