"""The web edition's fonts: WOFF2 subsets of the shipped fonts, inline as ``data:`` URIs.

The faces are those of ``styles/fonts.css`` (the same families as the PDF editions). Which
face sets which text is said in ``styles/web.json`` (``faces``: a face, "Family weight style",
and a CSS selector of the elements it sets, as ``styles/web.css`` sets them); each face is
subset to the characters of those elements (and the text ``web.css`` adds with ``content``)
that it has. A face whose family is for one script (``scripts``: Arabic, CJK) is embedded
only when that script is on the page. A face that would set nothing is left out.

Subsets are made with fontTools (layout tables kept whole for shaping, hinting dropped, the
font's timestamps kept), so the same page gives the same bytes.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from pathlib import Path

import tinycss2


@dataclass(frozen=True)
class Face:
    family: str
    weight: int
    style: str
    path: Path

    @property
    def key(self) -> str:
        return f"{self.family} {self.weight} {self.style}"


def _value(tokens) -> str:
    return tinycss2.serialize(tokens).strip()


def parse(css_path: Path) -> tuple[list[Face], str]:
    """The @font-face rules of ``css_path`` as faces, and the rest of the stylesheet as text."""
    rules = tinycss2.parse_stylesheet(css_path.read_text(encoding="utf-8"), skip_comments=True,
                                      skip_whitespace=True)
    faces, rest = [], []
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "font-face":
            decls = {d.lower_name: d.value for d in tinycss2.parse_declaration_list(
                rule.content, skip_comments=True, skip_whitespace=True) if d.type == "declaration"}
            family = _value(decls["font-family"]).strip("\"'")
            url = next(t for t in decls["src"] if t.type == "url" or
                       (t.type == "function" and t.lower_name == "url"))
            href = url.value if url.type == "url" else url.arguments[0].value
            weight = int(_value(decls.get("font-weight", [])) or 400)
            style = _value(decls.get("font-style", [])) or "normal"
            faces.append(Face(family, weight, style, (css_path.parent / href).resolve()))
        else:
            rest.append(rule.serialize())
    return faces, "\n".join(rest)


def _cmap(path: Path) -> set[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return set(font.getBestCmap())


def subset(face: Face, chars: set[str]) -> bytes:
    """A WOFF2 subset of ``face`` with the glyphs of ``chars`` (and what shaping makes of them)."""
    from fontTools import subset as ft
    from fontTools.ttLib import TTFont

    options = ft.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # names, version, licence and its URL
    options.name_languages = [0x409]
    font = TTFont(str(face.path), recalcTimestamp=False)
    sub = ft.Subsetter(options)
    sub.populate(unicodes=sorted(ord(c) for c in chars))
    sub.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out, reorderTables=True)
    return out.getvalue()


def font_faces(css_path: Path, settings: dict, texts: dict[str, str], page_text: str) -> tuple[str, str]:
    """The @font-face rules of the page's faces (WOFF2 subsets as data: URIs) and the rest of
    ``css_path`` (the families' stacks by language).

    ``texts``: for each face key of ``settings["faces"]``, the text it sets; ``page_text``: all
    the page's text (to tell which scripts are on it).
    """
    faces, rest = parse(css_path)
    wanted = settings["faces"]
    scripts = {family: re.compile(f"[{ranges}]") for family, ranges in settings.get("scripts", {}).items()}
    rules = []
    for face in faces:
        if face.key not in wanted:
            continue
        script = scripts.get(face.family)
        if script is not None and not script.search(page_text):
            continue
        chars = {c for c in texts.get(face.key, "") if not c.isspace()} | {" "}
        covered = {chr(u) for u in _cmap(face.path)}
        chars &= covered
        if not chars - {" "}:
            continue
        data = base64.b64encode(subset(face, chars)).decode("ascii")
        rules.append(
            f'@font-face{{font-family:"{face.family}";src:url(data:font/woff2;base64,{data}) format("woff2");'
            f"font-weight:{face.weight};font-style:{face.style};font-display:swap}}")
    return "\n".join(rules), rest
