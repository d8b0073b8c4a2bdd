"""The web edition (issue 17): one self-contained, accessible HTML page per interview.

Read from the built page with lxml (as a browser's parser sees HTML), fontTools (the embedded
WOFF2 fonts) and Pillow (the embedded photo), on the interviews of every language
(tests/fixtures/lang/), on one written for these tests with every feature the page has
(tests/fixtures/web/en-everything.md: photo, url, quote with attribution, list, code, nested
emphasis, notes) and on the seed. The trade's checkers (the Nu HTML Checker, axe-core in
Chromium, the browser's own requests and layout) are run by the checks (tests/test_html_checks.py
and make check in tests/test_gate.py).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import unicodedata
from pathlib import Path

import lxml.html
import pytest
import yaml

from conftest import ROOT, SOURCE, copy_project, make, run_cli

LANG = sorted((ROOT / "tests" / "fixtures" / "lang").glob("*.md"))
EVERYTHING = ROOT / "tests" / "fixtures" / "web" / "en-everything.md"
STRINGS = json.loads((ROOT / "styles" / "strings.json").read_text(encoding="utf-8"))
WEB = json.loads((ROOT / "styles" / "web.json").read_text(encoding="utf-8"))


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])


def page(source: Path, tmp_path: Path, name: str | None = None) -> tuple[Path, lxml.html.HtmlElement]:
    out = tmp_path / ((name or source.stem) + ".html")
    run_cli("html", source, "-o", out)
    return out, lxml.html.fromstring(out.read_bytes())


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    return {s.stem: page(s, tmp) for s in [*LANG, EVERYTHING, SOURCE]}


ALL = [s.stem for s in [*LANG, EVERYTHING, SOURCE]]


def _data_uri(uri: str) -> tuple[str, bytes]:
    mo = re.match(r"data:([^;,]+);base64,(.*)$", uri, re.S)
    assert mo, uri[:60]
    return mo.group(1), base64.b64decode(mo.group(2))


# -- the page ---------------------------------------------------------------------------


@pytest.mark.parametrize("stem", ALL)
def test_language_direction_and_outline(pages, stem):
    path, root = pages[stem]
    source = next(s for s in [*LANG, EVERYTHING, SOURCE] if s.stem == stem)
    fm = front_matter(source)
    assert root.get("lang") == fm["lang"]
    assert root.get("dir") == ("rtl" if fm["lang"].startswith("ar") else "ltr")
    assert path.read_bytes().startswith(b"<!DOCTYPE html>\n<html ")
    assert [h.text_content() for h in root.iter("h1")] == [root.findtext(".//title")]
    body = source.read_text(encoding="utf-8").split("---", 2)[2]
    questions = re.findall(r"^## ", body, re.M)
    sections = root.xpath("//main//section[@class='exchange']")
    assert len(sections) == len(questions)
    ids = [s.get("id") for s in sections]
    assert all(ids) and len(set(ids)) == len(ids)
    for s in sections:
        assert s[0].tag == "h2" and s[0].text_content().strip()
    # Landmarks: everything the reader reads is in <main>, the page's foot in <footer>.
    assert len(root.xpath("//body/main")) == 1
    assert [c.tag for c in root.find("body")] in (["main"], ["main", "footer"])


@pytest.mark.parametrize("stem", ALL)
def test_nothing_leaves_the_file_and_nothing_runs(pages, stem):
    path, root = pages[stem]
    text = path.read_text(encoding="utf-8")
    scripts = root.xpath("//script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    for el in root.iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            if name in ("src", "srcset", "poster", "data") or (name == "href" and el.tag in ("link",)):
                assert el.tag == "link" and el.get("rel") == "canonical" or value.startswith("data:"), (el.tag, value)
    for a in root.iter("a"):
        href = a.get("href")
        assert href.startswith(("#", "https://", "http://", "mailto:")), href
        if href.startswith("#"):
            assert root.xpath(f"//*[@id='{href[1:]}']"), href
    # No url() in the stylesheet but data: ones; no @import.
    css = root.findtext(".//style")
    assert "@import" not in css
    assert all(u.startswith("data:") for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", css))
    # The policy: first after the charset, nothing allowed but the page's own style and data block.
    head = [(el.tag, el.get("http-equiv")) for el in root.find("head")][:2]
    assert head == [("meta", None), ("meta", "Content-Security-Policy")]
    policy = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"

    def digest(s: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"

    assert directives["style-src"] == digest(css.strip())
    assert directives["script-src"] == digest(scripts[0].text.strip())
    assert directives["font-src"] == "data:" and directives["img-src"] == "data:"
    assert "javascript:" not in text.lower()


def test_seed_page_is_small(pages):
    path, _ = pages[SOURCE.stem]
    assert path.stat().st_size < 150 * 1024


@pytest.mark.parametrize("stem", ALL)
def test_embedded_fonts_set_every_character(pages, stem):
    """Every character of the page's text is in an embedded WOFF2 face (none falls back to a
    system font), and every face is a real subset: a valid font with fewer glyphs than the
    shipped one."""
    from fontTools.ttLib import TTFont

    _, root = pages[stem]
    css = root.findtext(".//style")
    covered = set()
    faces = re.findall(r'font-family:"([^"]+)";src:url\((data:[^)]+)\)[^}]*font-weight:(\d+);font-style:(\w+)', css)
    assert faces
    for family, uri, weight, style in faces:
        media, data = _data_uri(uri)
        assert media == "font/woff2" and data[:4] == b"wOF2"
        font = TTFont(io.BytesIO(data))
        covered |= set(font.getBestCmap())
        assert len(font.getGlyphOrder()) < 1500, (family, weight, style)
    text = root.find("body").text_content()
    missing = {c for c in text if not c.isspace() and unicodedata.category(c) != "Cf" and ord(c) not in covered}
    assert not missing, sorted(missing)


@pytest.mark.parametrize("stem", ALL)
def test_search_and_social_metadata(pages, stem):
    _, root = pages[stem]
    source = next(s for s in [*LANG, EVERYTHING, SOURCE] if s.stem == stem)
    fm = front_matter(source)

    def meta(attr, name):
        found = root.xpath(f"//head/meta[@{attr}='{name}']/@content")
        return found[0] if found else None

    description = " ".join(str(fm.get("subtitle", "")).split())
    assert meta("name", "description")
    if description and len(description) <= 300:
        assert unicodedata.normalize("NFKC", meta("name", "description")).replace("\u2013", "-") \
            .startswith(unicodedata.normalize("NFKC", description).replace("--", "-")[:20].replace("--", "-")[:10])
    assert meta("property", "og:title") == root.findtext(".//title")
    assert meta("property", "og:type") == "article"
    assert meta("name", "twitter:card") == "summary"
    data = json.loads(root.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == root.findtext(".//title")
    assert data["datePublished"] == str(fm["date"])
    assert data["inLanguage"] == fm["lang"]
    assert data["dateModified"] >= data["datePublished"]
    if fm.get("interviewer"):
        assert data["author"] == {**data["author"], "@type": "Person", "name": fm["interviewer"]["name"]}
    if fm.get("interviewee"):
        assert data["about"]["name"] == fm["interviewee"]["name"]
        if fm["interviewee"].get("role"):
            # The role as the transforms set it (no-break spaces after short words, by language).
            assert data["about"]["jobTitle"].split() == fm["interviewee"]["role"].split()
    if fm.get("publisher"):
        assert data["publisher"] == {"@type": "Organization", "name": fm["publisher"]}
    if fm.get("keywords"):
        assert data["keywords"] == [str(k) for k in fm["keywords"]]
    url = fm.get("url")
    canonical = root.xpath("//link[@rel='canonical']/@href")
    assert canonical == ([url] if url else [])
    assert meta("property", "og:url") == url
    assert data.get("url") == url
    has_photo = bool((fm.get("image") or {}).get("file"))
    assert ("image" in data) == has_photo


def test_modified_and_url_in_metadata(pages):
    _, root = pages[EVERYTHING.stem]
    data = json.loads(root.xpath("//script[@type='application/ld+json']")[0].text)
    # 2025-06-23T09:30:00+02:00 in UTC.
    assert data["dateModified"] == "2025-06-23T07:30:00Z"
    assert data["mainEntityOfPage"]["@id"] == "https://untoday.example.org/interviews/maps-that-move"
    assert data["image"]["caption"] == "Field notes from a 2024 survey in the valley"
    assert root.xpath("//meta[@property='og:locale']/@content") == ["en_GB"]


# -- the text: notes, quotes, names ------------------------------------------------------


def test_notes_link_both_ways_with_accessible_names(pages):
    _, root = pages[EVERYTHING.stem]
    calls = root.xpath("//a[@role='doc-noteref']")
    assert [a.text for a in calls] == ["1", "2"]
    for a in calls:
        n = a.text
        assert a.get("aria-label") == STRINGS["en"]["note_call"].format(n=n)
        note = root.xpath(f"//*[@id='{a.get('href')[1:]}']")[0]
        assert note.tag == "aside" and note.get("role") == "doc-footnote"
        back = note.xpath(".//a[@role='doc-backlink']")[0]
        assert back.get("href") == f"#{a.get('id')}"
        assert STRINGS["en"]["note_back"] in back.get("aria-label") and back.text.strip() in back.get("aria-label")
    section = root.xpath("//section[@role='doc-endnotes']")[0]
    assert section.get("aria-labelledby") == section.find("h2").get("id")


def test_quote_attribution_and_typography(pages):
    _, root = pages[EVERYTHING.stem]
    quote = root.xpath("//blockquote")[0]
    attribution = quote.xpath(".//footer/p[@class='attribution']")[0]
    assert attribution.text_content() == STRINGS["en"]["attribution_dash"] + "a colleague in the field"
    text = root.find("body").text_content()
    # Typed on a plain keyboard, set as a typeset text: British spaced en dash, curly quotes, ellipsis.
    assert "\u2013" in text and "--" not in text and '"' not in text and "..." not in text
    assert "\u2018Good" not in text and "\u201cGood enough today\u201d" in text
    assert root.xpath("//em/strong|//strong/em")
    assert root.xpath("//code")[0].text == "HH-2024"
    assert [li.text_content().strip()[:13] for li in root.xpath("//ol/li")] == [
        "registrations", "household sur", "estimates fro"]


@pytest.mark.parametrize("stem", [s.stem for s in LANG])
def test_interviewee_named_with_role(pages, stem):
    _, root = pages[stem]
    fm = front_matter(next(s for s in LANG if s.stem == stem))
    p = root.xpath("//p[@class='interviewee']")[0]
    assert p.xpath("string(.//span[@class='interviewee-name'])") == fm["interviewee"]["name"]
    assert fm["interviewee"]["role"].split()[0] in p.text_content()


# -- the photo ---------------------------------------------------------------------------


def test_no_photo_file_no_figure_and_no_caption(pages):
    for stem in [s.stem for s in LANG] + [SOURCE.stem]:
        _, root = pages[stem]
        source = next(s for s in [*LANG, SOURCE] if s.stem == stem)
        image = front_matter(source).get("image") or {}
        if image.get("file"):
            continue
        assert not root.xpath("//figure|//img|//figcaption"), stem
        if image.get("caption"):
            assert image["caption"][:25] not in root.find("body").text_content(), stem


def test_photo_inline_with_alt_and_caption(pages):
    from PIL import Image

    _, root = pages[EVERYTHING.stem]
    fm = front_matter(EVERYTHING)
    img = root.xpath("//figure[@class='lead']/img")[0]
    assert img.get("alt") == fm["image"]["alt"]
    media, data = _data_uri(img.get("src"))
    original = (EVERYTHING.parent / "field.png").read_bytes()
    assert media == "image/png" and data == original  # small enough: embedded as it is
    with Image.open(io.BytesIO(data)) as im:
        assert (int(img.get("width")), int(img.get("height"))) == im.size
    cap = root.xpath("//figure/figcaption")[0].text_content()
    assert fm["image"]["caption"] in cap and fm["image"]["credit"] in cap


@pytest.mark.parametrize("mode,size", [("RGB", (2400, 1500)), ("CMYK", (1800, 1200)), ("RGB", (1000, 3000))])
def test_large_photo_scaled_to_1600_px(tmp_path, mode, size):
    from PIL import Image

    src = tmp_path / "big.md"
    text = EVERYTHING.read_text(encoding="utf-8").replace("file: field.png", "file: big.jpg")
    src.write_text(text, encoding="utf-8")
    Image.new(mode, size, (20, 120, 200, 0)[: len(mode)]).save(tmp_path / "big.jpg", quality=90)
    _, root = page(src, tmp_path)
    img = root.xpath("//figure/img")[0]
    media, data = _data_uri(img.get("src"))
    assert media == "image/jpeg"
    with Image.open(io.BytesIO(data)) as im:
        limit = WEB["photo"]["max_width"]
        expected = (min(size[0], limit), round(size[1] * min(size[0], limit) / size[0]))
        assert im.size == expected and im.mode in ("RGB", "L")
        assert (int(img.get("width")), int(img.get("height"))) == im.size
        assert "exif" not in im.info


# -- reproducible, and bad input -----------------------------------------------------------


def test_same_bytes_whatever_the_clock(tmp_path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    run_cli("html", EVERYTHING, "-o", a, env={**os.environ, "TZ": "Etc/GMT+12"})
    run_cli("html", EVERYTHING, "-o", b, env={**os.environ, "TZ": "Pacific/Kiritimati", "SOURCE_DATE_EPOCH": "1"})
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("body,expect", [
    ("Hello <script>alert(1)</script> there.", "raw HTML is not allowed"),
    ("<img src=x onerror=alert(1)>", "raw HTML is not allowed"),
    ("See [this](javascript:alert(1)).", "javascript"),
    ("See [this](data:text/html,hi).", "data"),
    ("See [this](https://example.org/#a#b).", "more than one '#'"),
    ("See [this](https://1.2.3.4.5/).", "not an ipv4 address"),
    ("A bell \x07 rings.", "character"),
])
def test_hostile_body_refused_in_one_line(tmp_path, body, expect):
    src = tmp_path / "hostile.md"
    src.write_text("---\ntitle: T\ndate: 2024-01-01\nlang: en\n---\n\n## Q?\n\n" + body + "\n", encoding="utf-8")
    out = tmp_path / "hostile.html"
    proc = run_cli("html", src, "-o", out, check=False)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{src}:") and expect.lower() in lines[0].lower(), proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


@pytest.mark.parametrize("url,expect", [
    ("javascript:alert(1)", "not an absolute http or https address"),
    ("/interviews/x", "not an absolute http or https address"),
    ("https://example.org/a b", "space"),
    ('https://example.org/"><script>', "quote"),
    ("https://example.org/%zz", "two hexadecimal digits"),
    ("https://example.org/a#b#c", "more than one '#'"),
])
def test_bad_url_refused(tmp_path, url, expect):
    src = tmp_path / "u.md"
    src.write_text(f"---\ntitle: T\ndate: 2024-01-01\nlang: en\nurl: '{url}'\n---\n\n## Q?\n\nA.\n", encoding="utf-8")
    proc = run_cli("html", src, "-o", tmp_path / "u.html", check=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and expect in proc.stderr, proc.stderr
    assert proc.stderr.startswith(f"{src}:5: url ")


def test_hostile_text_is_text(tmp_path):
    """Markup typed as text (escaped) stays text: nothing live comes out of it."""
    src = tmp_path / "t.md"
    src.write_text("---\ntitle: \"<script>alert('t')</script>\"\ndate: 2024-01-01\nlang: en\n"
                   "subtitle: \"</title><script>x</script>\"\n---\n\n## \\<b onclick=x>Q?\n\n"
                   "A \\<script>alert(1)\\</script> and `</style><script>`.\n", encoding="utf-8")
    out, root = page(src, tmp_path)
    assert [s.get("type") for s in root.xpath("//script")] == ["application/ld+json"]
    assert not [el for el in root.iter() if any(k.startswith("on") for k in el.attrib)]
    assert "<script>alert(1)</script>" in root.find("body").text_content()
    ld = root.xpath("//script")[0].text
    assert "<" not in ld and json.loads(ld)["headline"].startswith("<script>alert(")


# -- make --------------------------------------------------------------------------------


def test_make_html_builds_the_page_only(tmp_path):
    tree = copy_project(tmp_path / "p")
    shutil.copy(EVERYTHING, tree / "source" / EVERYTHING.name)
    shutil.copy(EVERYTHING.parent / "field.png", tree / "source" / "field.png")
    proc = make(tree, "html")
    assert proc.returncode == 0, proc.stderr
    built = sorted(p.name for p in (tree / "build").iterdir() if not p.name.endswith((".d", ".mk")) and p.is_file())
    stems = sorted(p.stem for p in (tree / "source").glob("*.md"))
    assert built == sorted([f"{s}.html" for s in stems] + [f"{s}.model.json" for s in stems])
    again = make(tree, "html")
    assert again.returncode == 0 and "HTML" not in again.stdout


# -- pages a phone and the checkers found wanting (written for these tests) -----------------

HOSTILE = sorted((ROOT / "tests" / "fixtures" / "web" / "hostile").glob("*.md"))


@pytest.mark.parametrize("source", HOSTILE, ids=[s.stem for s in HOSTILE])
def test_hostile_pages_pass_every_web_check(tmp_path, source):
    """Long words in a question and at the interview's end, an address in the text, a kicker
    in capitals, bold in a question and in an attribution (Russian); nested lists and quotes,
    Latin and Cyrillic in emphasis, Arabic in code (Arabic); a list, code and emphasis in a note
    (Chinese): every web check passes, the real checkers (Nu, axe, Chromium) included."""
    from system import need

    need("java", "node", "chromium")
    build = tmp_path / "build"
    run_cli("model", source, "-o", build / f"{source.stem}.model.json")
    run_cli("html", build / f"{source.stem}.model.json", "-o", build / f"{source.stem}.html")
    text = (build / f"{source.stem}.html").read_text(encoding="utf-8")
    assert "</wbr>" not in text  # HTML's <wbr> has no end tag (the Nu checker: a stray end tag)
    proc = run_cli("check", source, "--only", "html", "--build", build, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr



def test_a_photo_whose_profile_is_not_its_colours_is_refused(tmp_path):
    """An RGB JPEG carrying a CMYK profile cannot be converted for any edition: the reader
    refuses it in one line (the writers failed on it with an internal error)."""
    from PIL import Image

    icc = next((ROOT / "styles" / "icc").glob("*.icc")).read_bytes()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(tmp_path / "p.jpg", icc_profile=icc)
    src = tmp_path / "p.md"
    src.write_text(EVERYTHING.read_text(encoding="utf-8").replace("file: field.png", "file: p.jpg"), encoding="utf-8")
    proc = run_cli("model", src, "-o", tmp_path / "p.json", check=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "has RGB pixels but a CMYK colour profile" in proc.stderr


def test_calls_side_by_side_are_set_apart_and_long_numbers_have_room(tmp_path):
    src = tmp_path / "n.md"
    src.write_text("---\ntitle: T\ndate: 2024-01-01\nlang: en\n---\n\n## Q?\n\nThree notes[^a][^b][^c] and one[^d].\n\n"
                   "998. first\n999. second\n1000. third\n\n[^a]: A.\n\n[^b]: B.\n\n[^c]: C.\n\n[^d]: D.\n",
                   encoding="utf-8")
    _, root = page(src, tmp_path)
    calls = [sup.text_content() for sup in root.xpath("//sup[a[@role='doc-noteref']]")]
    assert calls == ["1", ",2", ",3", "4"]
    ol = root.xpath("//ol")[0]
    assert ol.get("start") == "998" and ol.get("class") == "digits-4"
    assert "ol.digits-4 {" in (ROOT / "styles" / "web.css").read_text(encoding="utf-8")
