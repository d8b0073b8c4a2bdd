"""The web edition's checks (src/pressroom/checks/html.py): each passes a good page and fails a
broken one. The pages are small hand-written HTML files; the checkers are the real ones (the Nu
HTML Checker on Java, axe-core and the page itself in the system's Chromium), nothing mocked.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import struct
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT, SOURCE
from system import need

from pressroom.checks import core, tools, web
from pressroom.checks import text as T

#: A 1×1 PNG, inline.
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d4a3e10000000049454e44ae426082")).decode()
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
       "base-uri 'none'; form-action 'none'")
CSS = """
:root { color-scheme: light dark; --fg: #1a1a1a; --bg: #ffffff; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e6e3; --bg: #121212; } }
html { background: var(--bg); color: var(--fg); }
body { margin: 0 auto; max-width: 38rem; padding: 1rem; font: 1.0625rem/1.5 serif; overflow-wrap: anywhere; }
img { max-width: 100%; height: auto; }
pre { overflow-x: auto; }
"""


@pytest.fixture(scope="module")
def model():
    need("java", "node", "chromium")
    if tools.web_modules() is None or tools.vnu_jar() is None:
        pytest.fail("the web edition's checkers are not installed: run `make .venv/web/.installed`", pytrace=False)
    return core.load_model(SOURCE)


def page(model, *, lang='lang="en"', viewport=True, csp=CSP, css=CSS, head="", body_extra="",
         drop: str | None = None, img: str | None = f"data:image/png;base64,{PNG}") -> str:
    """A web edition of the interview: every passage the model expects, in <main>."""
    paragraphs = []
    for name, text in T.passages(model, "html"):
        if name == drop:
            continue
        paragraphs.append(f"<p>{html.escape(text).replace(chr(10), '<br>')}</p>")
    ld = json.dumps({"@context": "https://schema.org", "@type": "Article", "headline": model.meta.title})
    meta_viewport = '<meta name="viewport" content="width=device-width, initial-scale=1">\n' if viewport else ""
    figure = f'<figure><img src="{img}" alt="A portrait" width="1" height="1"></figure>\n' if img else ""
    meta_csp = f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n' if csp else ""
    return (f"<!DOCTYPE html>\n<html {lang}>\n<head>\n<meta charset=\"utf-8\">\n{meta_viewport}{meta_csp}"
            f"<title>{html.escape(model.meta.title)}</title>\n<style>{css}</style>\n"
            f"<script type=\"application/ld+json\">{ld}</script>\n{head}</head>\n<body>\n<main>\n"
            f"<h1>{html.escape(model.meta.title)}</h1>\n"
            + figure + "\n".join(paragraphs) + f"\n{body_extra}</main>\n</body>\n</html>\n")


def run(model, tmp_path: Path, doc: str, names=None) -> dict[str, dict]:
    """Every check of the web edition (or those named) on one file, through the framework,
    sharing one browser run as ``make check`` does."""
    path = tmp_path / "the-future-of-migration.html"
    path.write_text(doc, encoding="utf-8")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        ctx = core.Context(SOURCE, tmp_path, model, Path(tmp))
        for c in core.REGISTRY:
            if c.kind == "html" and (names is None or c.name in names):
                out[c.name] = core._run_one(ctx, c, path)
    return out


def failed(results: dict, name: str) -> dict:
    r = results[name]
    assert r["status"] == "fail", f"html {name} passed a broken page: {r['summary']}"
    return r


def passed(results: dict, *names: str) -> None:
    bad = {n: results[n]["summary"] for n in names if results[n]["status"] != "pass"}
    assert not bad, bad


def test_the_checks_of_the_web_edition_are_registered():
    names = [c.name for c in core.REGISTRY if c.kind == "html"]
    assert names == ["vnu", "self-contained", "reflow", "fonts", "axe", "axe-dark", "text"]


def test_a_good_page_passes_every_check(model, tmp_path):
    # Set in a face of its own, embedded (font_page): every character drawn by the page's font.
    results = run(model, tmp_path, font_page(model))
    passed(results, *results)
    # vnu 26.9's two CSP misreadings (a data: image, the JSON-LD block) are waived, and listed.
    waived = results["vnu"]["details"]["waived"]
    assert sorted(w["message"].split(":")[0] for w in waived) == [
        "Inline script violates Content Security Policy (meta tag)",
        "Resource violates Content Security Policy (meta tag)"]
    light, dark = results["axe"]["details"], results["axe-dark"]["details"]
    assert (light["color-scheme"], dark["color-scheme"]) == ("light", "dark")
    assert light["tags"] == ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
    assert results["reflow"]["details"]["375"] == {"client_width": 375, "scroll_width": 375, "wide": []}
    # The reports name the file by its name only, and hold no temporary path.
    text = json.dumps(results)
    assert str(tmp_path) not in text and "file:/" not in text


def test_an_outside_image_is_a_request_and_a_csp_violation(model, tmp_path):
    doc = page(model, img="https://example.org/portrait.png")
    # Without a policy, Chromium asks for it: the check records the request (and aborts it).
    r = failed(run(model, tmp_path, page(model, img="https://example.org/portrait.png", csp=""),
                   ["self-contained"]), "self-contained")
    assert r["details"]["requests"] == [{"url": "https://example.org/portrait.png", "type": "image"}]
    assert "no Content-Security-Policy" in r["summary"]
    # With the policy, Chromium blocks it: a CSP violation, and vnu says so too.
    results = run(model, tmp_path, doc, ["self-contained", "vnu"])
    r = failed(results, "self-contained")
    assert r["details"]["csp"][0]["directive"] == "img-src"
    assert r["details"]["csp"][0]["blocked"] == "https://example.org/portrait.png"
    assert "blocked" in failed(results, "vnu")["summary"]


def test_a_stylesheet_image_outside_the_policy_fails(model, tmp_path):
    # A data: background with no img-src allowing it: vnu does not read CSS urls, Chromium does.
    doc = page(model, csp="default-src 'none'; style-src 'unsafe-inline'",
               css=CSS + f"main {{ background: url(data:image/png;base64,{PNG}) }}", img=None)
    r = failed(run(model, tmp_path, doc, ["self-contained"]), "self-contained")
    assert [c["directive"] for c in r["details"]["csp"]] == ["img-src"]


def test_a_script_fails(model, tmp_path):
    doc = page(model, body_extra="<script>document.title = 'x';</script>\n")
    r = failed(run(model, tmp_path, doc, ["self-contained"]), "self-contained")
    assert "<script> element(s) that are not JSON-LD" in r["summary"]
    assert r["details"]["csp"][0]["directive"] == "script-src-elem"
    doc = page(model, body_extra='<p><a href="#top" onclick="go()">top</a></p>\n')
    r = failed(run(model, tmp_path, doc, ["self-contained"]), "self-contained")
    assert "a onclick" in r["summary"]


def test_a_too_wide_pre_fails_reflow(model, tmp_path):
    doc = page(model, css=CSS.replace("pre { overflow-x: auto; }", "pre { white-space: pre; }"),
               body_extra="<pre>" + "x" * 200 + "</pre>\n")
    r = failed(run(model, tmp_path, doc, ["reflow"]), "reflow")
    assert "at 375 px the page scrolls sideways" in r["summary"] and "at 320 px" in r["summary"]
    assert r["details"]["320"]["wide"][0]["element"] == "pre"
    # The same line in a scroller of its own is fine.
    passed(run(model, tmp_path, page(model, body_extra="<pre>" + "x" * 200 + "</pre>\n"), ["reflow"]), "reflow")


def test_content_cut_off_fails_reflow(model, tmp_path):
    doc = page(model, css=CSS + "body { overflow-x: hidden; } .wide { width: 40rem; }",
               body_extra='<p class="wide">wide</p>\n')
    r = failed(run(model, tmp_path, doc, ["reflow"]), "reflow")
    assert "p.wide reaches" in r["summary"], r["summary"]


def test_no_viewport_meta_fails_reflow(model, tmp_path):
    r = failed(run(model, tmp_path, page(model, viewport=False), ["reflow"]), "reflow")
    assert "laid out 980 px wide" in r["summary"]


def test_a_missing_lang_fails_vnu_and_axe(model, tmp_path):
    results = run(model, tmp_path, page(model, lang=""), ["vnu", "axe", "axe-dark"])
    assert "lang" in failed(results, "vnu")["summary"]
    for name in ("axe", "axe-dark"):
        assert [v["id"] for v in failed(results, name)["details"]["violations"]] == ["html-has-lang"]


def test_invalid_markup_fails_vnu(model, tmp_path):
    r = failed(run(model, tmp_path, page(model, body_extra="<p><div>block in a paragraph</div></p>\n"),
                   ["vnu"]), "vnu")
    assert r["summary"].startswith("error: ")
    assert all(set(m) <= {"type", "subType", "message", "line", "column", "extract"}
               for m in r["details"]["messages"])
    # A data: image under a policy that does not allow it is not waived.
    doc = page(model, csp="default-src 'none'; style-src 'unsafe-inline'")
    assert "data:image/png" in failed(run(model, tmp_path, doc, ["vnu"]), "vnu")["summary"]


def test_low_contrast_fails_axe_in_its_colour_scheme_only(model, tmp_path):
    results = run(model, tmp_path, page(model, css=CSS.replace("--fg: #1a1a1a", "--fg: #b0b0b0")),
                  ["axe", "axe-dark"])
    assert "color-contrast" in failed(results, "axe")["summary"]
    passed(results, "axe-dark")
    results = run(model, tmp_path, page(model, css=CSS.replace("--fg: #e8e6e3", "--fg: #404040")),
                  ["axe", "axe-dark"])
    assert "color-contrast" in failed(results, "axe-dark")["summary"]
    passed(results, "axe")


def test_a_lost_passage_fails_text_fidelity(model, tmp_path):
    r = failed(run(model, tmp_path, page(model, drop="body"), ["text"]), "text")
    assert r["summary"].startswith("body:")
    # Text in the head, a script or a style is not text a reader reads.
    body = next(t for n, t in T.passages(model, "html") if n == "body")
    hidden = html.escape(body)
    doc = page(model, drop="body", head=f"<meta name=\"description\" content=\"{hidden}\">\n",
               body_extra=f"<style>/* {hidden} */</style>\n")
    failed(run(model, tmp_path, doc, ["text"]), "text")


def woff2(chars: str, path: Path = ROOT / "styles" / "fonts" / "NotoSans-Regular.ttf") -> str:
    """A WOFF2 subset of a shipped font with the glyphs of ``chars``, as a data: URI."""
    import io

    from fontTools import subset as ft
    from fontTools.ttLib import TTFont

    options = ft.Options()
    options.flavor = "woff2"
    font = TTFont(str(path))
    sub = ft.Subsetter(options)
    sub.populate(unicodes=sorted({ord(c) for c in chars} | {0x20}))
    sub.subset(font)
    out = io.BytesIO()
    font.save(out)
    return "data:font/woff2;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def font_page(model, chars: str | None = None, *, css: str = "", body_extra: str = "") -> str:
    """The good page set in one embedded face, "Test Sans", subset to ``chars`` (by default every
    character of the page, so that it covers its text)."""
    doc = page(model, body_extra=body_extra)
    url = woff2(doc if chars is None else chars)
    face = f'@font-face {{ font-family: "Test Sans"; src: url({url}) format("woff2"); font-weight: 400; }}'
    return page(model, css=face + CSS.replace("serif;", '"Test Sans";') + css, body_extra=body_extra)


def test_text_in_its_embedded_face_passes_fonts(model, tmp_path):
    r = run(model, tmp_path, font_page(model), ["fonts"])["fonts"]
    assert r["status"] == "pass", r["summary"]
    assert r["details"]["faces"] == ["Test Sans 400 normal"]
    assert r["details"]["drawn_in"] == ["Noto Sans"] and r["details"]["problems"] == []
    assert r["details"]["width"] == 1280


def test_a_letter_the_subset_lacks_fails_fonts(model, tmp_path):
    text = page(model)
    assert "k" in text and "w" in text
    r = failed(run(model, tmp_path, font_page(model, text.replace("k", "").replace("w", "")), ["fonts"]), "fonts")
    problem = r["details"]["problems"][0]
    assert problem["element"] == "p" and problem["characters"] == "kw" and problem["system_fonts"]
    assert problem["faces"] == "Test Sans 400 normal" and (problem["weight"], problem["style"]) == (400, "normal")
    assert r["summary"].startswith("p (400 normal; faces Test Sans 400 normal): k (U+006B) w (U+0077) drawn in "
                                   "the system font "), r["summary"]
    # Capitals set by text-transform are characters the face needs too.
    doc = font_page(model, text, css=".shout { text-transform: uppercase; }",
                    body_extra='<p class="shout">six zones</p>\n')
    r = failed(run(model, tmp_path, doc, ["fonts"]), "fonts")
    assert [(p["element"], p["characters"]) for p in r["details"]["problems"]] == [("p.shout", "XZ")]


def test_an_emoji_fails_fonts(model, tmp_path):
    doc = font_page(model, body_extra='<p class="mood">Migration \N{GRINNING FACE}</p>\n')
    r = failed(run(model, tmp_path, doc, ["fonts"]), "fonts")
    assert [(p["element"], p["characters"]) for p in r["details"]["problems"]] == [("p.mood", "\N{GRINNING FACE}")]
    assert "p.mood" in r["summary"] and "(U+1F600)" in r["summary"]
    # The text around it, in the embedded face, is not counted against its element.
    doc = font_page(model, body_extra='<p class="mood">Migration <span>\N{GRINNING FACE}</span></p>\n')
    r = failed(run(model, tmp_path, doc, ["fonts"]), "fonts")
    assert [p["element"] for p in r["details"]["problems"]] == ["span"]


def test_generated_text_is_checked_by_fonts(model, tmp_path):
    # ::before content and list markers are set in the face too.
    doc = font_page(model, page(model), css='main h1::before { content: "\\2192\\20"; }',
                    body_extra="<ul><li>one</li></ul>\n")
    r = failed(run(model, tmp_path, doc, ["fonts"]), "fonts")
    found = {p["element"]: p["characters"] for p in r["details"]["problems"]}
    assert found == {"h1::before": "\N{RIGHTWARDS ARROW}", "li::marker": "\N{BULLET}"}, found


def test_css_font_matching_of_the_fonts_check():
    from pressroom.checks.html import EmbeddedFace, matched_face, uncovered

    faces = [EmbeddedFace("A", (400, 400), "normal", frozenset({0x61})),
             EmbeddedFace("A", (700, 700), "normal", frozenset({0x62})),
             EmbeddedFace("A", (400, 400), "italic", frozenset({0x63})),
             EmbeddedFace("B", (100, 900), "normal", frozenset({0x64}))]
    assert matched_face(faces, "a", 600, "normal").key == "A 700 normal"
    assert matched_face(faces, "A", 500, "normal").key == "A 400 normal"
    assert matched_face(faces, "A", 700, "italic").key == "A 400 italic"
    assert matched_face(faces, "B", 300, "italic").key == "B 100-900 normal"
    assert matched_face(faces, "C", 400, "normal") is None
    # Each family of the stack falls back to the next; white space and format characters need no glyph.
    assert uncovered(faces, "abcd \u00ad\u200d", ["A", "B", "serif"], 400, "normal") == (
        ["b", "c"], "A 400 normal, B 100-900 normal")


def test_a_missing_checker_is_a_failure(model, tmp_path, monkeypatch):
    monkeypatch.setattr(tools, "web_modules", lambda: None)
    monkeypatch.setattr(tools, "vnu_jar", lambda: None)
    results = run(model, tmp_path, page(model), ["vnu", "self-contained", "axe"])
    for name in results:
        assert "cannot run" in failed(results, name)["summary"]


def test_screenshots_for_the_proof(model, tmp_path):
    path = tmp_path / "x.html"
    path.write_text(page(model), encoding="utf-8")
    pngs = web.shots(path, tmp_path / "proof")
    assert [p.name for p in pngs] == ["x.html-375.png", "x.html-1280.png"]
    for png, width in zip(pngs, (375, 1280)):
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        w, h = struct.unpack(">II", data[16:24])
        assert w == width and h > 700, (png.name, w, h)  # the whole page, not one screen
    assert hashlib.sha256(pngs[0].read_bytes()).hexdigest() != hashlib.sha256(pngs[1].read_bytes()).hexdigest()
