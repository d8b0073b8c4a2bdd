"""The cover: a typographic cover image drawn with Pillow from the metadata (``styles/cover.json``), and its page."""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path

from ... import html as H
from ... import model as m
from ...errors import BuildError
from ...styles import Strings, Styles
from .parts import COVER_IMAGE, CSS, EPUB_TYPE, LANG_CSS


# ---------------------------------------------------------------------------
# Cover


def _cover_config(styles: Styles) -> dict:
    with open(styles.path("cover.json"), encoding="utf-8") as f:
        return json.load(f)


@functools.lru_cache(maxsize=32)
def _coverage(path: str) -> frozenset:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as f:
        return frozenset(f.getBestCmap())


class _Face:
    """One role's fonts at one size: the language's font first, then fallbacks for the
    characters it lacks (Latin punctuation in Arabic fonts, and the reverse)."""

    def __init__(self, paths: list[Path], size: float, rtl: bool, lang: str):
        from PIL import features

        self.raqm = features.check("raqm")
        self.size = round(size)
        self.paths = paths
        self.fonts: list[tuple[object, frozenset]] = []  # (font, its characters), loaded in order
        self.primary = self._load(0)[0]
        self.rtl = rtl
        self.lang = lang

    def _load(self, i: int) -> tuple[object, frozenset]:
        """The i-th font; a fallback is only opened for a character the fonts before it lack."""
        from PIL import ImageFont

        while len(self.fonts) <= i:
            path = str(self.paths[len(self.fonts)])
            layout = ImageFont.Layout.RAQM if self.raqm else ImageFont.Layout.BASIC
            self.fonts.append((ImageFont.truetype(path, self.size, layout_engine=layout), _coverage(path)))
        return self.fonts[i]

    def _font_for(self, ch: str):
        for i in range(len(self.paths)):
            font, cmap = self._load(i)
            if ord(ch) in cmap:
                return font
        return self.primary

    def runs(self, text: str) -> list[tuple[object, str]]:
        """Logical runs of one font each; spaces join the run they are in."""
        out: list[list] = []
        for ch in text:
            font = out[-1][0] if out and ch.isspace() else self._font_for(ch)
            if out and out[-1][0] is font:
                out[-1][1] += ch
            else:
                out.append([font, ch])
        return [(f, t) for f, t in out]

    def _kw(self, font, text):
        if not self.raqm:
            return {}
        primary = font is self.primary
        return {"direction": "rtl" if (self.rtl and primary) else "ltr",
                "language": self.lang if primary else None}

    def width(self, text: str, tracking: float = 0.0) -> float:
        total = sum(f.getlength(t, **self._kw(f, t)) for f, t in self.runs(text))
        return total + tracking * self.size * len(text)

    def draw(self, draw, x: float, y: float, text: str, fill, tracking: float = 0.0):
        """Draw from ``x`` (the left edge, or the right edge for RTL) at top ``y``."""
        runs = self.runs(text)
        if tracking and not self.rtl:
            for ch in text:
                f = self._font_for(ch)
                draw.text((x, y), ch, font=f, fill=fill, anchor="ls", **self._kw(f, ch))
                x += f.getlength(ch) + tracking * self.size
            return
        for f, t in runs:
            w = f.getlength(t, **self._kw(f, t))
            if self.rtl:
                draw.text((x - w, y), t, font=f, fill=fill, anchor="ls", **self._kw(f, t))
                x -= w
            else:
                draw.text((x, y), t, font=f, fill=fill, anchor="ls", **self._kw(f, t))
                x += w


def cover_image(interview: m.Interview, styles: Styles) -> bytes:
    """A typographic cover (PNG) with the kicker, title, standfirst, publisher and date.

    Every colour, size and font comes from ``styles/cover.json``.
    """
    from PIL import Image, ImageDraw

    cfg = _cover_config(styles)
    meta = interview.meta
    strings = styles.strings(meta.lang)
    primary = meta.lang.split("-")[0].lower()
    rtl = meta.script_direction == "rtl"
    lang_fonts = cfg["fonts"].get(primary, {})
    overrides = cfg.get("languages", {}).get(primary, {})

    def spec(role: str) -> dict:
        return {**cfg[role], **overrides.get(role, {})}

    def face(role: str, size: float) -> _Face:
        names = [lang_fonts.get(role), cfg["fonts"]["default"][role], *cfg["fonts"].get("fallback", [])]
        paths = []
        for name in names:
            if name and (styles.root / "fonts" / name).exists() and styles.root / "fonts" / name not in paths:
                paths.append(styles.root / "fonts" / name)
        if not paths:
            raise BuildError(f"no font for the cover's {role} in {styles.root / 'fonts'}")
        return _Face(paths, size, rtl, meta.lang)

    W, Hh, M = cfg["width"], cfg["height"], cfg["margin"]
    measure = W - 2 * M
    img = Image.new("RGB", (W, Hh), cfg["background"])
    draw = ImageDraw.Draw(img)
    x_start = W - M if rtl else M

    def wrap(text: str, f: _Face) -> list[str]:
        lines, line = [], ""
        for unit in _break_units(text):
            candidate = (line + unit) if line else unit.lstrip()
            if line and f.width(candidate.rstrip()) > measure:
                lines.append(line.rstrip())
                line = unit.lstrip()
            else:
                line = candidate
        if line.strip():
            lines.append(line.rstrip())
        return lines

    def fit(text: str, role: str, max_height: float):
        s = spec(role)
        size = s["size"]
        while True:
            f = face(role, size)
            lines = wrap(text, f)
            step = size * s["line_height"]
            if (len(lines) <= s["max_lines"] and len(lines) * step <= max_height) or size <= s["min_size"]:
                return f, lines, step
            size = max(s["min_size"], size * cfg["shrink"])

    # Footer (bottom up): publisher and date, a thin rule above them.
    foot = spec("footer")
    ff = face("footer", foot["size"])
    foot_lines = [t for t in (meta.publisher, strings.date(meta.date)) if t]
    fstep = foot["size"] * foot["line_height"]
    y_foot = Hh - M - len(foot_lines) * fstep
    rule_y = y_foot - foot["gap_before"]
    draw.rectangle([M, rule_y, W - M, rule_y + foot["rule_height"]], fill=cfg["muted"])
    for i, t in enumerate(foot_lines):
        ff.draw(draw, x_start, y_foot + (i + 0.8) * fstep, t, cfg["ink"] if i == 0 else cfg["muted"])

    # Top: kicker and accent rule.
    y = M
    if meta.section:
        k = spec("kicker")
        fk = face("kicker", k["size"])
        text = meta.section if rtl else meta.section.upper()
        fk.draw(draw, x_start, y + k["size"], text, cfg["accent"], 0 if rtl else k["tracking"])
        y += k["size"] * 1.3 + k["gap_after"]
    r = cfg["rule"]
    x0 = W - M - r["width"] if rtl else M
    draw.rectangle([x0, y, x0 + r["width"], y + r["height"]], fill=cfg["accent"])
    y += r["height"] + r["gap_after"]

    # Middle: title and standfirst, placed in the free space by block_position.
    bottom = rule_y - foot["gap_before"]
    t, sf = spec("title"), spec("standfirst")
    title_face, title_lines, tstep = fit(meta.title, "title", (bottom - y) * 0.55)
    block = len(title_lines) * tstep
    sub_face, sub_lines, sstep = None, [], 0.0
    if meta.subtitle:
        sub_face, sub_lines, sstep = fit(meta.subtitle, "standfirst", bottom - y - block - t["gap_after"])
        room = int(max(0, bottom - y - block - t["gap_after"]) // sstep)
        sub_lines = sub_lines[:room]
        block += t["gap_after"] + len(sub_lines) * sstep
    y += max(0.0, bottom - y - block) * cfg["block_position"]
    for line in title_lines:
        title_face.draw(draw, x_start, y + tstep * t["baseline"], line, cfg["ink"])
        y += tstep
    y += t["gap_after"]
    for line in sub_lines:
        sub_face.draw(draw, x_start, y + sstep * sf["baseline"], line, cfg["muted"])
        y += sstep

    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _break_units(text: str) -> list[str]:
    """Units the cover may break lines between: words (with their leading space), or single
    characters of scripts written without spaces (CJK)."""
    units: list[str] = []
    word = ""
    for ch in text:
        if ch.isspace():
            if word:
                units.append(word)
            word = " "
        elif "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\u3000" <= ch <= "\u30ff":
            if word.strip():
                units.append(word)
                word = ""
            units.append(word + ch)
            word = ""
        else:
            word += ch
    if word.strip():
        units.append(word)
    return units


def cover_alt(interview: m.Interview, strings: Strings) -> str:
    meta = interview.meta
    parts = [strings["cover"] + ":", meta.title + "."]
    if meta.subtitle:
        parts.append(meta.subtitle.rstrip(".") + ".")
    parts.append(", ".join(t for t in (meta.publisher, strings.date(meta.date)) if t) + ".")
    return " ".join(parts)


# ---------------------------------------------------------------------------
# Small documents: cover page and navigation


def _xhtml(meta: m.Metadata, title: str, epub_ns: bool = True):
    return H.page(meta, title, epub=epub_ns, stylesheets=(CSS, LANG_CSS))


def cover_document(interview: m.Interview, strings: Strings) -> bytes:
    root, body = _xhtml(interview.meta, strings["cover"])
    body.set("class", "cover")
    sec = H.E("section", {"class": "cover", "id": "cover"})
    img = H.E("img", {"src": COVER_IMAGE, "alt": cover_alt(interview, strings), "role": "doc-cover"})
    img.set(EPUB_TYPE, "cover")
    sec.append(img)
    body.append(sec)
    return H.to_bytes(root)
