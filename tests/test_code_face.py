"""Inline code in a monospace face in every format (issue 14): Noto Sans Mono from styles/fonts
in both PDFs, a generic monospace in the EPUB, the Code character style (Noto Sans Mono, fixed
pitch) in the DOCX. Checked on the built files with pikepdf, pdffonts, lxml and python-docx."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pikepdf
import pytest
import tinycss2
from fontTools.ttLib import TTFont
from lxml import etree

from conftest import ROOT, build

from pressroom import model as m
from pressroom import reader

FIXTURE = ROOT / "tests" / "fixtures" / "print" / "code.md"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def code_spans(interview: m.Interview) -> list[str]:
    found = []

    def walk(node):
        if isinstance(node, (tuple, list)):
            for x in node:
                walk(x)
        elif isinstance(node, m.Code):
            found.append(node.text)
        elif hasattr(node, "__dataclass_fields__"):
            for name in node.__dataclass_fields__:
                walk(getattr(node, name))

    walk(interview)
    return found


@pytest.fixture(scope="module")
def spans():
    found = code_spans(reader.read(str(FIXTURE)))
    assert len(found) == 6  # intro, question, answer (twice, once in strong), answer, note
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("code")
    return {kind: build(kind, FIXTURE, out) for kind in ("print", "screen", "epub", "docx")}


def _to_unicode_chars(font) -> set[str]:
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    chars = set()
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for dst in re.findall(r"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", block):
            chars.add(bytes.fromhex(dst).decode("utf-16-be"))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            chars.update(chr(start + i) for i in range(int(hi, 16) - int(lo, 16) + 1))
    return chars


def fonts_of(path: Path) -> dict[str, tuple[set[str], list[TTFont]]]:
    """BaseFont (without the subset tag) -> (the characters it sets, from its ToUnicode;
    its embedded font programs, read with fontTools)."""
    out: dict[str, tuple[set[str], list[TTFont]]] = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and "/ToUnicode" in obj:
                name = str(obj.BaseFont)[1:].split("+")[-1]
                chars, programs = out.setdefault(name, (set(), []))
                chars.update(_to_unicode_chars(obj))
                target = obj.DescendantFonts[0] if obj.Subtype == "/Type0" else obj
                program = target.FontDescriptor.get("/FontFile2")
                if program is not None:
                    programs.append(TTFont(io.BytesIO(program.read_bytes())))
    return out


def is_monospace(font: TTFont) -> bool:
    """Every glyph that advances at all advances by the same width."""
    widths = {adv for adv, _lsb in font["hmtx"].metrics.values() if adv}
    return len(widths) == 1


@pytest.mark.parametrize("kind", ["print", "screen"])
def test_pdf_code_is_set_in_noto_sans_mono_and_nothing_else_is(built, spans, kind):
    fonts = fonts_of(built[kind])
    # WeasyPrint names an embedded font after its CSS family ("Pressroom Mono", styles/fonts.css);
    # the font programs say what they are.
    mono = {name: v for name, v in fonts.items() if any(is_monospace(f) for f in v[1])}
    assert set(mono) == {"Pressroom-Mono", "Pressroom-Mono-Bold"}, sorted(fonts)
    for _chars, programs in mono.values():
        assert programs and all(is_monospace(f) and f["name"].getDebugName(1) == "Noto Sans Mono"
                                for f in programs)
    code_chars = {c for s in spans for c in s if not c.isspace()}
    assert set().union(*(chars for chars, _ in mono.values())) - {" "} == code_chars
    # Bold code, inside **strong** and in the (bold) question: the bold monospace, only those.
    assert mono["Pressroom-Mono-Bold"][0] - {" "} == set("--icc") | set("ICC=")
    # No other font is monospace, and the prose's fonts are not (the code was not set in them).
    assert not any(is_monospace(f) for name, (_c, progs) in fonts.items() if name not in mono for f in progs)
    # pdffonts (poppler) agrees that the monospace is embedded as a subset.
    listing = subprocess.run(["pdffonts", str(built[kind])], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines() if "Pressroom-Mono" in line]
    assert len(rows) >= 2 and all(re.match(r"[A-Z]{6}\+", r[0]) and r[-5:-2] == ["yes", "yes", "yes"]
                                  for r in rows), listing


def test_the_shipped_monospace_is_fixed_pitch_and_under_the_ofl():
    for style in ("Regular", "Bold"):
        font = TTFont(ROOT / "styles" / "fonts" / f"NotoSansMono-{style}.ttf")
        assert font["post"].isFixedPitch and font["OS/2"].panose.bProportion == 9
        assert "Open Font License" in font["name"].getDebugName(13)
    assert "NotoSansMono" in (ROOT / "styles" / "fonts" / "README.md").read_text()


def test_epub_code_is_monospace(built, spans):
    with zipfile.ZipFile(built["epub"]) as z:
        names = z.namelist()
        texts = []
        for name in names:
            if name.endswith(".xhtml") and "nav" not in name and "cover" not in name:
                root = etree.fromstring(z.read(name))
                texts += ["".join(c.itertext()) for c in root.iter(f"{XHTML}code")]
        css = z.read(next(n for n in names if n.endswith("/epub.css"))).decode()
    assert texts == spans
    rules = [r for r in tinycss2.parse_stylesheet(css, True, True) if r.type == "qualified-rule"
             and "code" in [t.value for t in r.prelude if t.type == "ident"]]
    families = [tinycss2.serialize(d.value).strip() for r in rules
                for d in tinycss2.parse_declaration_list(r.content, True, True)
                if d.type == "declaration" and d.lower_name == "font-family"]
    assert families and families[-1].split(",")[-1].strip() == "monospace", families


def test_docx_code_runs_carry_the_code_style_in_a_fixed_pitch_face(built, spans):
    document = docx.Document(str(built["docx"]))
    runs = []
    for par in document.paragraphs:
        runs += [r.text for r in par.runs if r.style is not None and r.style.style_id == "Code"]
    with zipfile.ZipFile(built["docx"]) as z:
        notes = etree.fromstring(z.read("word/footnotes.xml"))
        styles = etree.fromstring(z.read("word/styles.xml"))
        table = etree.fromstring(z.read("word/fontTable.xml"))
    for r in notes.iter(f"{W}r"):
        style = r.find(f"{W}rPr/{W}rStyle")
        if style is not None and style.get(f"{W}val") == "Code":
            runs.append("".join(t.text or "" for t in r.iter(f"{W}t")))
    assert "".join(runs) == "".join(spans)  # every code span, on the Code style
    # Code inside **strong** stays bold (direct bold on the Code style); other code is not bold.
    bold = [r.text for par in document.paragraphs for r in par.runs
            if r.style is not None and r.style.style_id == "Code" and r.bold]
    assert bold == ["--icc"]
    code = next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == "Code")
    assert code.get(f"{W}type") == "character" and code.find(f"{W}name").get(f"{W}val") == "Code"
    fonts = code.find(f"{W}rPr/{W}rFonts")
    assert fonts.get(f"{W}ascii") == fonts.get(f"{W}hAnsi") == "Noto Sans Mono"
    entry = next(f for f in table.iter(f"{W}font") if f.get(f"{W}name") == "Noto Sans Mono")
    assert entry.find(f"{W}pitch").get(f"{W}val") == "fixed"
    assert entry.find(f"{W}family").get(f"{W}val") == "modern"
