"""Web edition checks: the W3C Nu HTML Checker, axe-core in Chromium (light and dark colour
scheme), a self-contained file (nothing loaded from outside it, no CSP violation, no console
error, no script) and reflow on a phone (no sideways scrolling at 375 and 320 px).

The browser checks share one Chromium run per file (``web.py``, ``web.mjs``). Every report is
reduced to what was found, with the file's name and no path, date or time, so a rebuild gives
the same report.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import tools
from .core import Outcome, ToolMissing, check, run_tool

#: The page widths of the reflow check: a common phone, and WCAG 1.4.10's 320 CSS px.
PHONES = (375, 320)


def _browser(ctx, path: Path) -> dict:
    """One Chromium run per file, with axe-core, shared by the checks below."""
    from . import web

    return ctx.memo(("web", str(path)), lambda: web.browse(path, axe=True))


def _failed_run(result: dict) -> Outcome | None:
    if "error" in result:
        return Outcome(False, f"the browser run failed: {result['error']}", {"error": result["error"]})
    return None


# -- the Nu HTML Checker -----------------------------------------------------------


def _csp_sources(path: Path) -> dict[str, list[str]]:
    """The directives of the document's Content-Security-Policy <meta> (the first), lower-cased."""
    from lxml import etree

    root = etree.fromstring(path.read_bytes(), etree.HTMLParser(encoding="utf-8"))
    if root is None:
        return {}
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() == "content-security-policy":
            out = {}
            for part in (meta.get("content") or "").split(";"):
                words = part.split()
                if words:
                    out.setdefault(words[0].lower(), [w.lower() for w in words[1:]])
            return out
    return {}


#: Two messages of vnu 26.9's CSP enforcement that CSP 3 (and Chromium, whose real enforcement
#: the self-contained check records) contradicts; each is waived only where it is wrong:
#: - an ``<img src="data:…">`` "blocked" by a policy whose img-src allows ``data:`` (a scheme
#:   source that matches every data: URL);
#: - a JSON-LD ``<script type="application/ld+json">`` "blocked" by script-src: a data block is
#:   never run, so no policy applies to it.
_DATA_IMAGE = re.compile(r"^Resource violates Content Security Policy \(meta tag\): image “data:.*” blocked by "
                         r"“img-src” directive\.$")
_INLINE_SCRIPT = re.compile(r"^Inline script violates Content Security Policy \(meta tag\): blocked by "
                            r"“script-src(?:-elem)?” directive")
_JSON_LD_TAG = re.compile(r"""^<script\s+type\s*=\s*["']?application/ld\+json["']?\s*>$""", re.I)


def _waiver(msg: dict, csp: dict[str, list[str]]) -> str | None:
    text = msg.get("message") or ""
    sources = csp.get("img-src", csp.get("default-src"))
    if sources and "data:" in sources and _DATA_IMAGE.match(text):
        return "the policy allows data: images (img-src data:); vnu 26.9 counts them as blocked"
    start, length = msg.get("hiliteStart"), msg.get("hiliteLength")
    if _INLINE_SCRIPT.match(text) and isinstance(start, int) and isinstance(length, int):
        tag = (msg.get("extract") or "")[start:start + length]
        if _JSON_LD_TAG.match(tag):
            return "a JSON-LD data block is not run, so script-src does not apply (CSP 3); vnu 26.9 counts it"
    return None


def vnu_report(raw: dict, csp: dict[str, list[str]]) -> dict:
    """vnu's JSON reduced to its messages: no file URL, no timing."""
    messages, waived = [], []
    for msg in raw.get("messages", []):
        entry = {"type": msg.get("type"), "subType": msg.get("subType"), "message": msg.get("message"),
                 "line": msg.get("firstLine", msg.get("lastLine")), "column": msg.get("firstColumn"),
                 "extract": msg.get("extract")}
        entry = {k: v for k, v in entry.items() if v is not None}
        reason = _waiver(msg, csp)
        if reason:
            waived.append({**entry, "waived": reason})
        else:
            messages.append(entry)
    return {"version": (raw.get("version") or "").split()[0] or None, "messages": messages, "waived": waived}


def failing(msg: dict) -> bool:
    """An error, a non-document error (the file could not be read) or a warning; not an info message."""
    return msg.get("type") != "info" or msg.get("subType") == "warning"


@check("html", "vnu", "Nu HTML Checker (no errors or warnings)")
def vnu(ctx, path):
    jar = tools.vnu_jar()
    if jar is None:
        raise ToolMissing("the Nu HTML Checker (make .venv/web/.installed)")
    proc = run_tool(["java", "-jar", str(jar), "--html", "--format", "json", "--stdout", str(path)], timeout=600)
    try:
        raw = json.loads(proc.stdout.decode("utf-8"))
    except ValueError:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-1:]
        return Outcome(False, f"the Nu HTML Checker wrote no report (exit {proc.returncode}): {' '.join(tail)}", {})
    report = vnu_report(raw, _csp_sources(path))
    bad = [m for m in report["messages"] if failing(m)]
    if bad or proc.returncode != 0:
        if not bad:
            return Outcome(False, f"exit status {proc.returncode}", report)
        first = bad[0]
        kind = first.get("subType") if first["type"] == "info" else first["type"]
        where = f" (line {first['line']})" if "line" in first else ""
        more = f" (+{len(bad) - 1} more)" if len(bad) > 1 else ""
        return Outcome(False, f"{kind}: {first['message']}{where}{more}", report)
    info = len(report["messages"])
    return Outcome(True, f"vnu {report['version']}: no errors or warnings" + (f", {info} info messages" if info else ""),
                   report)


# -- in the browser ---------------------------------------------------------------


@check("html", "self-contained", "self-contained (no outside request, CSP violation or script)")
def self_contained(ctx, path):
    result = _browser(ctx, path)
    if failed := _failed_run(result):
        return failed
    page = result.get("page") or {}
    details = {k: result.get(k) for k in ("requests", "csp", "console")}
    details.update({"policy": page.get("csp"), "scripts": page.get("scripts"), "handlers": page.get("handlers")})
    problems = []
    if requests := result["requests"]:
        problems.append(f"{len(requests)} request(s) outside the file, first: {requests[0]['type']} {requests[0]['url']}")
    if csp := result["csp"]:
        problems.append(f"{len(csp)} CSP violation(s), first: {csp[0]['directive']} blocked {csp[0]['blocked']}")
    if console := result["console"]:
        problems.append(f"{len(console)} console error(s), first: {console[0]['text'][:160]}")
    if not page.get("csp"):
        problems.append("no Content-Security-Policy <meta http-equiv>")
    if scripts := page.get("scripts"):
        problems.append(f"{len(scripts)} <script> element(s) that are not JSON-LD")
    if handlers := page.get("handlers"):
        problems.append(f"script in attributes: {', '.join(handlers[:3])}")
    return Outcome.from_problems(problems, "nothing loaded from outside the file; no CSP violation, console error "
                                           "or script", details)


@check("html", "reflow", "reflow on a phone (no sideways scrolling at 375, 320 px)")
def reflow(ctx, path):
    result = _browser(ctx, path)
    if failed := _failed_run(result):
        return failed
    widths = {int(w): v for w, v in result["widths"].items()}
    problems = []
    for width in PHONES:
        m = widths[width]
        wide = m["wide"][0] if m["wide"] else None
        sticks = f" ({wide['element']} reaches {wide['right']} px)" if wide else ""
        if m["client_width"] != width:
            problems.append(f"at {width} px the page is laid out {m['client_width']} px wide "
                            "(no <meta name=\"viewport\" content=\"width=device-width\">)")
        elif m["scroll_width"] > m["client_width"]:
            problems.append(f"at {width} px the page scrolls sideways: {m['scroll_width']} px wide{sticks}")
        elif wide:
            problems.append(f"at {width} px content is cut off at the right edge{sticks}")
    details = {str(w): widths[w] for w in PHONES}
    return Outcome.from_problems(problems, f"no sideways scrolling at {' and '.join(map(str, PHONES))} px", details)


# -- fonts -------------------------------------------------------------------------


@dataclass(frozen=True)
class EmbeddedFace:
    """An @font-face of the page with its font inline (a ``data:`` URI): what it covers."""

    family: str
    weights: tuple[int, int]
    style: str
    cmap: frozenset[int]

    @property
    def key(self) -> str:
        lo, hi = self.weights
        return f"{self.family} {lo if lo == hi else f'{lo}-{hi}'} {self.style}"


def _css_value(tokens) -> str:
    import tinycss2

    return tinycss2.serialize(tokens).strip()


def _families(value: str) -> list[str]:
    """A font-family list, unquoted, as written (``"A B", C, serif``)."""
    return [f.strip().strip("\"'").strip() for f in value.split(",") if f.strip()]


def embedded_faces(path: Path) -> list[EmbeddedFace]:
    """The page's @font-face rules (in its <style> elements) whose font is a ``data:`` URI,
    each with the character map of its font (fontTools)."""
    import base64
    import io
    import urllib.parse

    import tinycss2
    from fontTools.ttLib import TTFont
    from lxml import etree

    root = etree.fromstring(path.read_bytes(), etree.HTMLParser(encoding="utf-8"))
    faces = []
    for style in (root.iter("style") if root is not None else ()):
        for rule in tinycss2.parse_stylesheet(style.text or "", skip_comments=True, skip_whitespace=True):
            if rule.type != "at-rule" or rule.lower_at_keyword != "font-face":
                continue
            decls = {d.lower_name: d.value for d in tinycss2.parse_declaration_list(
                rule.content, skip_comments=True, skip_whitespace=True) if d.type == "declaration"}
            if "font-family" not in decls or "src" not in decls:
                continue
            family = _families(_css_value(decls["font-family"]))[0]
            weights = [int(float(w)) for w in _css_value(decls.get("font-weight", [])).split()
                       if w.replace(".", "", 1).isdigit()] or [
                {"bold": 700}.get(_css_value(decls.get("font-weight", [])), 400)]
            style_value = (_css_value(decls.get("font-style", [])) or "normal").split()[0]
            for token in decls["src"]:
                if token.type == "url":
                    href = token.value
                elif token.type == "function" and token.lower_name == "url" and token.arguments:
                    href = token.arguments[0].value
                else:
                    continue
                if not href.startswith("data:") or "," not in href:
                    continue
                head, data = href[5:].split(",", 1)
                raw = base64.b64decode(data) if head.endswith(";base64") else urllib.parse.unquote_to_bytes(data)
                try:
                    with TTFont(io.BytesIO(raw), lazy=True) as font:
                        cmap = frozenset(font.getBestCmap() or {})
                except Exception:  # noqa: BLE001 - a font fontTools cannot read covers nothing
                    cmap = frozenset()
                faces.append(EmbeddedFace(family, (min(weights), max(weights)), style_value, cmap))
                break
    return faces


def _weight_order(desired: int, faces: list[EmbeddedFace]) -> list[EmbeddedFace]:
    """CSS Fonts 4, font matching: the faces of one style, nearest weight first."""
    def distance(face):
        lo, hi = face.weights
        if lo <= desired <= hi:
            return (0, 0)
        if 400 <= desired <= 500:
            if desired < lo <= 500:
                return (1, lo - desired)
            if hi < desired:
                return (2, desired - hi)
            return (3, lo - desired)
        if desired < 400:
            return (1, desired - hi) if hi < desired else (2, lo - desired)
        return (1, lo - desired) if lo > desired else (2, desired - hi)
    return sorted(faces, key=distance)


def matched_face(faces: list[EmbeddedFace], family: str, weight: int, style: str) -> EmbeddedFace | None:
    """The face of ``family`` that CSS font matching picks for weight and style (style first:
    italic, then oblique, then normal; or normal, oblique, italic), or None."""
    same = [f for f in faces if f.family.casefold() == family.casefold()]
    if not same:
        return None
    order = ["italic", "oblique", "normal"] if style == "italic" else (
        ["oblique", "italic", "normal"] if style.startswith("oblique") else ["normal", "oblique", "italic"])
    for s in order:
        candidates = [f for f in same if f.style == s]
        if candidates:
            return _weight_order(weight, candidates)[0]
    return None


def _ignorable(ch: str) -> bool:
    """A character no font needs to draw: white space, controls and format characters (soft
    hyphen, joiners, bidi marks)."""
    import unicodedata

    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")


def uncovered(faces: list[EmbeddedFace], chars: str, families: list[str], weight: int, style: str
              ) -> tuple[list[str], str]:
    """The characters of ``chars`` that no face the family stack matches has (each family
    falls back to the next), and the matched faces' keys."""
    chain = [f for f in (matched_face(faces, fam, weight, style) for fam in families) if f is not None]
    missing = sorted({c for c in chars if not _ignorable(c) and not any(ord(c) in f.cmap for f in chain)})
    return missing, ", ".join(f.key for f in chain) or "none"


def _chars(chars) -> str:
    return " ".join(f"{c} (U+{ord(c):04X})" for c in chars)


def font_report(elements: list[dict], faces: list[EmbeddedFace]) -> dict:
    """The browser's fonts per element reduced to the failures, grouped and sorted: text drawn
    in a system font (with the characters the element's embedded faces lack), and characters no
    embedded face has although no system font drew them (a .notdef box)."""
    groups: dict[tuple, dict] = {}
    custom = set()
    for el in elements:
        system = sorted({f["family"] for f in el["fonts"] if not f["custom"] and f["own"] > 0})
        custom |= {f["family"] for f in el["fonts"] if f["custom"] and f["own"] > 0}
        try:
            weight = int(float(el.get("weight") or 400))
        except ValueError:
            weight = {"bold": 700}.get(el.get("weight"), 400)
        style = (el.get("style") or "normal").split()[0]
        families = _families(el.get("family") or "")
        missing, matched = uncovered(faces, el.get("chars") or "", families, weight, style)
        if not system and not missing:
            continue
        key = (el["element"], weight, style, tuple(system), matched)
        g = groups.setdefault(key, {"element": el["element"], "weight": weight, "style": style,
                                    "system_fonts": system, "faces": matched, "characters": set(),
                                    "elements": 0, "snippet": el.get("snippet") or ""})
        g["characters"] |= set(missing)
        g["elements"] += 1
    problems = []
    for key in sorted(groups):
        g = groups[key]
        g["characters"] = "".join(sorted(g["characters"]))
        problems.append(g)
    return {"width": None, "faces": sorted(f.key for f in faces), "drawn_in": sorted(custom), "problems": problems}


def _font_problem(p: dict) -> str:
    where = f"{p['element']} ({p['weight']} {p['style']}; faces {p['faces']})"
    snippet = p["snippet"] if len(p["snippet"]) <= 40 else p["snippet"][:39] + "…"
    chars = _chars(p["characters"]) if p["characters"] else "characters the faces have (added by the browser?)"
    if p["system_fonts"]:
        return f"{where}: {chars} drawn in the system font {', '.join(p['system_fonts'])}, in {snippet!r}"
    return f"{where}: {chars} in no embedded face (drawn as .notdef), in {snippet!r}"


@check("html", "fonts", "fonts: every character in an embedded face")
def fonts(ctx, path):
    result = _browser(ctx, path)
    if failed := _failed_run(result):
        return failed
    found = result.get("fonts") or {}
    report = font_report(found.get("elements") or [], embedded_faces(Path(path)))
    report["width"] = found.get("width")
    problems = [_font_problem(p) for p in report["problems"]]
    if problems and len(problems) > 3:
        problems = problems[:3] + [f"+{len(report['problems']) - 3} more"]
    return Outcome.from_problems(problems, f"every character drawn in one of the page's {len(report['faces'])} "
                                           f"embedded faces (at {report['width']} px)", report)


def _axe(ctx, path, scheme: str) -> Outcome:
    result = _browser(ctx, path)
    if failed := _failed_run(result):
        return failed
    axe = result["axe"]
    found = axe[scheme]
    details = {"version": axe["version"], "tags": axe["tags"], "color-scheme": scheme, **found}
    v = found["violations"]
    if v:
        first = v[0]
        target = " ".join(first["nodes"][0]["target"]) if first["nodes"] else ""
        return Outcome(False, f"{len(v)} violation(s), first: {first['impact']} {first['id']}: {first['help']}"
                              + (f" ({target}" + (f", +{len(first['nodes']) - 1} more" if len(first['nodes']) > 1
                                                  else "") + ")" if target else ""), details)
    return Outcome(True, f"axe-core {axe['version']}: no violations ({scheme})", details)


@check("html", "axe", "axe-core (WCAG 2.2 AA, best practice)")
def axe_light(ctx, path):
    return _axe(ctx, path, "light")


@check("html", "axe-dark", "axe-core, dark colour scheme")
def axe_dark(ctx, path):
    return _axe(ctx, path, "dark")
