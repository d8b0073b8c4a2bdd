"""EPUB 3 writer: the model's XHTML packaged with ebooklib.

What goes in the package (all of it derived from the model and ``styles/``):

- ``cover.xhtml`` + ``images/cover.png``: a typographic cover drawn with Pillow
  from the metadata (design in ``styles/cover.json``, fonts in ``styles/fonts``);
- ``nav.xhtml``: the table of contents (the questions), hidden landmarks and a
  hidden page-list; ``toc.ncx`` for EPUB 2 reading systems;
- ``interview.xhtml``: the shared XHTML of ``html.py`` with EPUB semantics
  (``epub:type`` + DPUB-ARIA roles, ``<aside>`` footnotes with back-links) and
  page-break markers where the pages of the print edition begin;
- ``epub.css``: the reflowable stylesheet from ``styles/``;
- the lead photo, if the source has one.

Page-break markers: the print edition's HTML (``writers/pdf.py``) is laid out
in-process with WeasyPrint, exactly as the print PDF is. For each page, the
first line (or image) is traced back to its element and to the number of
characters of that element already set on earlier pages; the marker goes at
the same place in the EPUB's element, moved back to the start of the word if
the page begins inside a hyphenated word. Elements are matched between the
two documents by their structural path from the nearest ancestor with an id,
so the EPUB-only and print-only markup (floated footnotes, FPO box) does not
shift the mapping.

Reproducible: the identifier comes from ``identifiers.identifier``,
``dcterms:modified`` from the source (its ``modified``, else its date), and the zip is normalised.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .. import html as H
from .. import model as m
from ..errors import BuildError
from ..identifiers import identifier
from ..pagemap import NOT_COUNTED as _NOT_COUNTED, PageStart, key as _key
from ..photo import photo_bytes
from ..package import normalise_zip
from ..styles import Strings, Styles

log = logging.getLogger(__name__)

XHTML = H.XHTML
EPUB_NS = H.EPUB_NS
XML_LANG = H.XML_LANG
EPUB_TYPE = f"{{{EPUB_NS}}}type"

CHAPTER = "interview.xhtml"
COVER_PAGE = "cover.xhtml"
NAV = "nav.xhtml"
CSS = "epub.css"
#: Per-language typography shared with the PDF (issue 6); it names no font.
LANG_CSS = "languages.css"
COVER_IMAGE = "images/cover.png"

#: The conformance claim, backed by tests/test_epub.py (EPUBCheck + Ace + the checks Ace cannot make).
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"

#: Parents in which a page-break marker may be a block (<div>) before a child.
_FLOW_PARENTS = {"body", "article", "section", "div", "header", "footer", "aside", "blockquote",
                 "figure", "li", "main", "nav", "dd"}


# ---------------------------------------------------------------------------
# Entry point


def write(interview: m.Interview, styles: Styles, pages: list[PageStart]) -> bytes:
    """The EPUB 3 file as bytes.

    ``pages`` is the print edition's page map (``pagemap.load`` of the file that the print
    writer wrote beside its PDF): the page-list and the page-break markers follow it.
    """
    meta = interview.meta
    strings = styles.strings(meta.lang)
    chapter, markers = chapter_document(interview, strings, pages)
    cover_png = cover_image(interview, styles)
    return _package(interview, styles, strings, chapter, markers, cover_png)


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


# ---------------------------------------------------------------------------
# The chapter document


def html_options() -> H.HtmlOptions:
    return H.HtmlOptions(footnotes="aside", placeholder="caption", epub=True, stylesheets=(CSS, LANG_CSS))


def _image_name(image: m.Image | None) -> str | None:
    if image is None or not image.path:
        return None
    ext = ".png" if image.media_type == "image/png" else ".jpg"
    return "images/photo" + ext


def _marker(tag: str, number: int):
    el = etree.Element(f"{{{XHTML}}}{tag}")
    el.set(EPUB_TYPE, "pagebreak")
    el.set("role", "doc-pagebreak")
    el.set("id", f"page-{number}")
    el.set("aria-label", str(number))
    return el


def _segments(el):
    """Text pieces of ``el`` in reading order as (owner, 'text'|'tail', string); note calls excluded."""
    out = []

    def walk(node):
        if node.text:
            out.append((node, "text", node.text))
        for child in node:
            if not (_local(child.tag) == "sup" and child.find(f"{{{XHTML}}}a[@class='noteref']") is not None) \
                    and not isinstance(child, etree._Comment):
                walk(child)
            if child.tail:
                out.append((child, "tail", child.tail))

    walk(el)
    return out


def _insert_at(el, chars: int, marker) -> bool:
    """Put ``marker`` inside ``el`` before its countable character number ``chars`` (0-based),
    moved back to the start of the word. False if ``el`` has fewer characters."""
    segs = _segments(el)
    flat = "".join(s for _, _, s in segs)
    count = 0
    pos = None
    for i, ch in enumerate(flat):
        if ch.isspace() or ch in _NOT_COUNTED:
            continue
        if count == chars:
            pos = i
            break
        count += 1
    if pos is None:
        return False
    while pos > 0 and not flat[pos - 1].isspace():
        pos -= 1
    # Find the segment holding flat[pos]; prefer the start of a segment over the end of the previous.
    offset = 0
    for owner, kind, s in segs:
        if offset <= pos < offset + len(s):
            k = pos - offset
            if kind == "text":
                owner.text = s[:k] or None
                marker.tail = s[k:]
                owner.insert(0, marker)
            else:
                owner.tail = s[:k] or None
                marker.tail = s[k:]
                parent = owner.getparent()
                parent.insert(parent.index(owner) + 1, marker)
            return True
        offset += len(s)
    return False


def _insert_before(el, number: int):
    parent = el.getparent()
    if parent is not None and _local(parent.tag) in _FLOW_PARENTS:
        marker = _marker("div", number)
        parent.insert(parent.index(el), marker)
    else:
        marker = _marker("span", number)
        marker.tail = el.text
        el.text = None
        el.insert(0, marker)


def chapter_document(interview: m.Interview, strings: Strings, pages: list[PageStart]):
    """The chapter's XHTML bytes and the page numbers of the markers it carries, in order."""
    opts = html_options()
    image_name = _image_name(interview.image)
    if image_name:
        from dataclasses import replace

        opts = replace(opts, image_src=image_name)
    root = H.build(interview, strings, opts)
    _epub_semantics(root, strings)

    body = root.find(f"{{{XHTML}}}body")
    elements = list(body.iter())
    keyed = {}
    for el in elements:
        if isinstance(el.tag, str):
            keyed.setdefault(_key(el, lambda n: n.getparent()), el)

    # Resolve every target before inserting anything (insertion changes sibling indexes).
    targets = []
    for p in pages:
        el = keyed.get(p.key)
        chars = p.chars
        if el is None:
            # An element only the print edition has (an FPO box): the page starts at the next
            # element the EPUB has, at its beginning.
            el = next((keyed[k] for k in p.following if k in keyed), None)
            chars = 0
        if el is None:
            log.warning("print page %d: no matching element in the EPUB; no marker", p.number)
            continue
        targets.append((p.number, el, chars))

    numbers = []
    for number, el, chars in targets:
        if chars == 0 or not _insert_at(el, chars, _marker("span", number)):
            if chars:
                log.warning("print page %d: position not found; marker before the block", number)
            _insert_before(el, number)
        numbers.append(number)
    return H.to_bytes(root), numbers


def _epub_semantics(root, strings: Strings) -> None:
    """Adjustments of the shared XHTML for reading systems and checkers."""
    body = root.find(f"{{{XHTML}}}body")
    body.set(EPUB_TYPE, "bodymatter")
    for art in root.iter(f"{{{XHTML}}}article"):
        # ARIA in HTML does not allow role="doc-chapter" on <article>, and Ace wants the role
        # that matches epub:type="chapter": the EPUB's chapter is a <section>.
        if art.get(EPUB_TYPE) == "chapter":
            art.tag = f"{{{XHTML}}}section"
            art.set("role", "doc-chapter")
    for sec in root.iter(f"{{{XHTML}}}section"):
        if "footnotes" in (sec.get("class") or "").split() and not sec.get("id"):
            sec.set("id", "footnotes")


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


def nav_document(interview: m.Interview, strings: Strings, markers: list[int]) -> bytes:
    meta = interview.meta
    root, body = _xhtml(meta, strings["contents"])
    body.set("class", "nav")

    toc = H.E("nav", {"id": "toc", "role": "doc-toc"})
    toc.set(EPUB_TYPE, "toc")
    toc.append(H.E("h1", {"class": "toc-title"}, text=strings["contents"]))
    ol = H.E("ol")
    top = H.E("li", {}, H.E("a", {"href": f"{CHAPTER}#title"}, text=meta.title))
    if interview.exchanges:
        sub = H.E("ol")
        for ex in interview.exchanges:
            sub.append(H.E("li", {}, H.E("a", {"href": f"{CHAPTER}#{ex.id}"}, text=_question_text(ex))))
        top.append(sub)
    ol.append(top)
    if interview.notes:
        ol.append(H.E("li", {}, H.E("a", {"href": f"{CHAPTER}#footnotes"}, text=strings["footnotes"])))
    toc.append(ol)
    body.append(toc)

    land = H.E("nav", {"id": "landmarks", "hidden": "hidden"})
    land.set(EPUB_TYPE, "landmarks")
    lol = H.E("ol")
    for href, kind, label in ((COVER_PAGE, "cover", strings["cover"]),
                              (f"{NAV}#toc", "toc", strings["contents"]),
                              (f"{CHAPTER}", "bodymatter", strings["start"])):
        a = H.E("a", {"href": href}, text=label)
        a.set(EPUB_TYPE, kind)
        lol.append(H.E("li", {}, a))
    land.append(lol)
    body.append(land)

    if markers:
        pl = H.E("nav", {"id": "page-list", "role": "doc-pagelist", "hidden": "hidden"})
        pl.set(EPUB_TYPE, "page-list")
        pl.append(H.E("h2", text=strings["pages"]))
        pol = H.E("ol")
        for n in markers:
            pol.append(H.E("li", {}, H.E("a", {"href": f"{CHAPTER}#page-{n}"}, text=str(n))))
        pl.append(pol)
        body.append(pl)
    return H.to_bytes(root)


def _question_text(ex: m.Exchange) -> str:
    return " ".join(m.plain_text(ex.question).split())


# ---------------------------------------------------------------------------
# Accessibility metadata, derived from the content


def accessibility(interview: m.Interview, strings: Strings, has_page_list: bool) -> list[tuple[str, str]]:
    """(property, value) pairs of EPUB Accessibility 1.1 metadata, in order."""
    images = [interview.image] if interview.image and interview.image.path else []
    all_alt = all(im.alt.strip() for im in images)
    props: list[tuple[str, str]] = [("schema:accessMode", "textual")]
    if images:
        props.append(("schema:accessMode", "visual"))
    if all_alt:
        props.append(("schema:accessModeSufficient", "textual"))
    if images:
        props.append(("schema:accessModeSufficient", "textual,visual"))
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "ARIA", "displayTransformability"]
    if images and all_alt:
        features.append("alternativeText")
    if has_page_list:
        features += ["pageBreakMarkers", "pageNavigation"]
    props += [("schema:accessibilityFeature", f) for f in features]
    props.append(("schema:accessibilityHazard", "none"))
    summary = strings["a11y_summary"]
    if images and all_alt:
        summary += " " + strings["a11y_summary_image"]
    props.append(("schema:accessibilitySummary", summary))
    return props


# ---------------------------------------------------------------------------
# Packaging


def _package(interview, styles, strings, chapter: bytes, markers: list[int], cover_png: bytes) -> bytes:
    from ebooklib import epub

    meta = interview.meta
    book = epub.EpubBook()
    book.set_identifier(identifier(meta))
    book.set_title(meta.title)
    book.set_language(meta.lang)
    if meta.script_direction == "rtl":
        book.set_direction("rtl")
    if interview.interviewer:
        book.add_author(interview.interviewer.name, role="ivr", uid="interviewer")
    if interview.interviewee:
        book.add_metadata("DC", "contributor", interview.interviewee.name, {"id": "interviewee"})
        book.add_metadata(None, "meta", "ive", {"refines": "#interviewee", "property": "role",
                                                  "scheme": "marc:relators"})
    if meta.subtitle:
        book.add_metadata("DC", "description", meta.subtitle)
    if meta.publisher:
        book.add_metadata("DC", "publisher", meta.publisher)
    if meta.rights:
        book.add_metadata("DC", "rights", meta.rights)
    book.add_metadata("DC", "date", meta.date.isoformat())
    for kw in meta.keywords:
        book.add_metadata("DC", "subject", kw)

    def prop(name, value, **extra):
        book.add_metadata(None, "meta", value, {"property": name, **extra})

    for name, value in accessibility(interview, strings, bool(markers)):
        prop(name, value)
    prop("dcterms:conformsTo", CONFORMS_TO, id="conformance")
    prop("a11y:certifiedBy", meta.publisher or "pressroom", refines="#conformance")
    if markers:
        prop("pageBreakSource", identifier(meta, "print"))
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})

    def item(uid, name, media_type, content, properties=()):
        it = epub.EpubItem(uid=uid, file_name=name, media_type=media_type, content=content)
        it.properties = list(properties)
        book.add_item(it)
        return it

    item("css", CSS, "text/css", styles.path(CSS).read_bytes())
    item("css-languages", LANG_CSS, "text/css", styles.path(LANG_CSS).read_bytes())
    item("cover-image", COVER_IMAGE, "image/png", cover_png, ["cover-image"])
    cover_page = item("cover", COVER_PAGE, "application/xhtml+xml", cover_document(interview, strings))
    image_name = _image_name(interview.image)
    if image_name:
        item("photo", image_name, interview.image.media_type or "image/jpeg",
             photo_bytes(interview.image))
    chapter_item = item("interview", CHAPTER, "application/xhtml+xml", chapter)
    nav = epub.EpubNav(uid="nav", file_name=NAV, title=strings["contents"],
                       direction=meta.script_direction)
    book.add_item(nav)
    book.add_item(epub.EpubNcx())

    book.toc = [(epub.Section(meta.title, f"{CHAPTER}#title"),
                 [epub.Link(f"{CHAPTER}#{ex.id}", _question_text(ex), f"toc-{ex.id}")
                  for ex in interview.exchanges])]
    if interview.notes:
        book.toc.append(epub.Link(f"{CHAPTER}#footnotes", strings["footnotes"], "toc-footnotes"))
    book.spine = [cover_page, nav, chapter_item]
    book.guide = [
        {"type": "cover", "href": COVER_PAGE, "title": strings["cover"]},
        {"type": "toc", "href": NAV, "title": strings["contents"]},
        {"type": "text", "href": CHAPTER, "title": strings["start"]},
    ]

    nav_bytes = nav_document(interview, strings, markers)

    class Writer(epub.EpubWriter):
        def _write_opf_file(self, root):
            root.set(XML_LANG, meta.lang)
            if meta.script_direction == "rtl":
                root.set("dir", "rtl")
            super()._write_opf_file(root)

        def _get_nav(self, item):
            return nav_bytes

    modified = meta.modified_at  # dcterms:modified: the front matter's 'modified', else the date
    buf = io.BytesIO()
    writer = Writer(buf, book, {"epub3_pages": False, "epub3_landmark": False, "mtime": modified,
                                "raise_exceptions": True})
    writer.process()
    try:
        writer.write()
    except Exception as e:  # ebooklib reports its own failures with bare exceptions
        raise BuildError(f"EPUB packaging failed: {e}") from e
    return normalise_zip(buf.getvalue(), first=("mimetype",), stored=("mimetype",))
