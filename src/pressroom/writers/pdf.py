"""PDF writer: the model's HTML laid out by WeasyPrint.

Two editions from the same HTML:
- ``print``: PDF/X-4 with a CMYK output intent (a profile in styles/icc/), trim + bleed +
  crop marks in registration colour, every colour in DeviceCMYK (styles/print.css);
- ``screen``: tagged PDF/UA-1 in RGB (styles/screen.css).

WeasyPrint does the layout. A ``finisher`` (run on the PDF objects just before the file is
written, so the MD5-based /ID still describes the final bytes) does what WeasyPrint cannot:
crop marks in registration colour instead of RGB black, BleedBox at trim + 3 mm, a
reproducible XMP DocumentID/InstanceID, an output intent named after the profile, and the
checks that keep a bad file from being written (RGB in print content, fonts not from
styles/fonts, glyphs missing from the fonts).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from string import Template
from urllib.parse import unquote, urlparse
from xml.sax.saxutils import escape

from lxml import etree

from .. import actualtext
from .. import html as H
from .. import model as m
from .. import pagemap
from ..errors import BuildError
from ..identifiers import identifier
from ..photo import photo_bytes
from ..styles import TRIM_LENGTHS, Styles
from . import footnotes

_log = logging.getLogger(__name__)

EDITIONS = ("print", "screen")
DEFAULT_TRIM = "a4"
#: The template of a trim preset's page rules (styles/trim/; the preset's data fills it in).
PAGE_TEMPLATE = "page.css.in"
#: Which profile is the output intent of which trim, and the printing condition each profile
#: describes, are data: styles/icc/intents.json.
INTENTS_FILE = "intents.json"
#: The bleed, as written to every page's BleedBox (trim + BLEED_MM on each side). The CSS
#: bleed area (print.css) is larger: the crop marks sit in the slug beyond the bleed.
BLEED_MM = 3.0
#: Namespace of the reproducible XMP identifiers (uuid5).
XMP_NAMESPACE = uuid.UUID("6f1c7a52-3d0e-5b8e-9a57-70726573736d")
#: Name of the registration colour space added to the print edition's resources.
REGISTRATION = "PressroomRegistration"



# -- fetching -------------------------------------------------------------------------------

def photo_url(image: m.Image) -> str:
    """The lead photo's URL in the edition's HTML: named by its content, not by where the source
    lies (WeasyPrint names the image in the PDF after the URL it was asked for, so a path would
    make the PDF depend on the folder). The fetcher serves the checked bytes for it."""
    return f"file:///pressroom-photo/{image.sha256}{Path(image.path).suffix.lower()}"


def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class ClosedFetcher(URLFetcher):
        """Serves only ``file:`` URLs under the allowed folders; nothing else, no redirects.

        ``overrides`` maps a resolved path to the bytes to serve instead of the file's own
        (the lead photo, converted for the edition); the path must still be allowed.
        """

        def __init__(self, roots, overrides=None):
            super().__init__(allow_redirects=False, fail_on_errors=True, allowed_protocols={"file"})
            self.roots = [Path(r).resolve() for r in roots]
            # By the path as given (the reader's resolved path): the file there may have been
            # swapped for a symlink since; its checked bytes are served, the link never followed.
            self.overrides = {Path(k): v for k, v in (overrides or {}).items()}

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
                raise FatalURLFetchingError(f"refused to fetch {url!r}: only local files are read")
            if Path(unquote(parsed.path)) in self.overrides:
                given = Path(unquote(parsed.path))
                return URLFetcherResponse(url=f"pressroom-converted:{given.name}", body=self.overrides[given],
                                          headers={}, status=200)
            path = Path(unquote(parsed.path)).resolve()
            if not any(path == r or r in path.parents for r in self.roots):
                raise FatalURLFetchingError(f"refused to read {path}: outside the source and styles folders")
            if path in self.overrides:
                # Not a file: URL, or WeasyPrint would read the original file again from disk.
                return URLFetcherResponse(url=f"pressroom-converted:{path.name}", body=self.overrides[path],
                                          headers={}, status=200)
            if not path.is_file():
                raise FatalURLFetchingError(f"missing file {path}")
            return URLFetcherResponse(url=path.as_uri(), body=path.read_bytes(), headers={}, status=200)

    return ClosedFetcher


class _ErrorCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


# -- styles: trim presets and ICC profiles --------------------------------------------------

def _bare_name(kind: str, name: str) -> str:
    if not name or name != Path(name).name or name.startswith(".") or "\\" in name:
        raise BuildError(f"{kind} {name!r} must be a plain file name, not a path")
    return name


def trim_sheet(styles: Styles, trim: str | None) -> Path:
    """The stylesheet of a trim preset (styles/trim/<name>.css: its type sizes, photo height,
    columns); its page size and margins are data (``page_rules``)."""
    name = _bare_name("trim preset", trim or DEFAULT_TRIM)
    styles.trim(name)  # an unknown preset is refused, with the presets there
    return styles.path("trim", f"{name}.css")


def page_rules(styles: Styles, trim: str | None) -> str:
    """The print page of a trim preset as CSS: the @page size and margins (mirrored) and the
    --top/--inner/--outer properties, from its data (styles/trim/<name>.json, which the DOCX
    writer reads too) through the template styles/trim/page.css.in."""
    data = styles.trim(_bare_name("trim preset", trim or DEFAULT_TRIM))
    template = styles.path("trim", PAGE_TEMPLATE)
    try:
        return Template(template.read_text(encoding="utf-8")).substitute(
            {key: data.css(key) for key in TRIM_LENGTHS})
    except (KeyError, ValueError) as e:
        raise BuildError(f"{template} is not a valid page template: {e}") from None


@dataclass(frozen=True)
class Sheet:
    """A stylesheet of an edition: a file of styles/, or (``text``) CSS made from data of
    styles/ through ``path``, its template."""

    path: Path
    text: str | None = None

    def css(self, **options):
        """The sheet as a ``weasyprint.CSS`` (``options``: its other arguments)."""
        import weasyprint

        if self.text is None:
            return weasyprint.CSS(filename=str(self.path), **options)
        return weasyprint.CSS(string=self.text, base_url=str(self.path), **options)


def _intents(styles: Styles) -> dict:
    import json

    path = styles.path("icc", INTENTS_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        defaults, conditions = data["defaults"], data.get("conditions", {})
        if not isinstance(defaults, dict) or not isinstance(conditions, dict):
            raise ValueError("'defaults' and 'conditions' must be objects")
    except (ValueError, KeyError) as e:
        raise BuildError(f"{path} is not a valid intents file: {e}") from None
    return data


def default_icc(styles: Styles, trim: str | None) -> str:
    """The output-intent profile of a trim preset (styles/icc/intents.json, '*' for any other)."""
    defaults = _intents(styles)["defaults"]
    name = defaults.get(trim or DEFAULT_TRIM, defaults.get("*"))
    if not name:
        raise BuildError(f"no default ICC profile for the trim {trim or DEFAULT_TRIM!r} in "
                         f"{styles.root / 'icc' / INTENTS_FILE} (add it, or a '*' entry)")
    return name


def icc_profile(styles: Styles, name: str | None, trim: str | None = None) -> Path:
    """The output-intent profile ``name`` (by default the trim's) from styles/icc/, checked to be
    a CMYK printer profile."""
    name = _bare_name("ICC profile", name or default_icc(styles, trim))
    folder = styles.root / "icc"
    path = folder / name
    if not path.is_file():
        known = ", ".join(sorted(p.name for p in folder.glob("*.ic[cm]"))) or "none"
        raise BuildError(f"no ICC profile {name!r} in {folder} (profiles are only read from there); "
                         f"available: {known}")
    head = path.read_bytes()[:128]
    if len(head) < 128 or head[36:40] != b"acsp":
        raise BuildError(f"{path} is not an ICC profile")
    device_class, space = head[12:16].decode("latin-1"), head[16:20].decode("latin-1").strip()
    if device_class != "prtr" or space != "CMYK":
        raise BuildError(f"{path} is a {space} {device_class!r} profile; the print edition needs a "
                         "CMYK output profile (device class 'prtr', colour space CMYK)")
    try:
        from PIL import ImageCms

        ImageCms.getOpenProfile(str(path))
    except Exception as e:  # noqa: BLE001 - any failure means the profile is unusable
        raise BuildError(f"{path} cannot be read as an ICC profile: {e}") from None
    return path


INTENT_KEYS = ("OutputConditionIdentifier", "RegistryName", "OutputCondition", "Info")


def output_condition(styles: Styles, profile: Path) -> dict[str, str]:
    """The OutputIntent's condition entries for a profile: from styles/icc/intents.json when it
    lists the profile, else the profile's own description for the identifier, condition and info."""
    listed = _intents(styles)["conditions"].get(profile.name)
    if listed is None:
        desc = _profile_description(profile)
        return {"OutputConditionIdentifier": desc, "OutputCondition": desc, "Info": desc}
    unknown = set(listed) - set(INTENT_KEYS)
    if unknown or not isinstance(listed.get("OutputConditionIdentifier"), str) or \
            not all(isinstance(v, str) for v in listed.values()):
        raise BuildError(f"{styles.root / 'icc' / INTENTS_FILE}: the condition of {profile.name} needs a text "
                         f"OutputConditionIdentifier and only text {', '.join(INTENT_KEYS)}")
    return {k: listed[k] for k in INTENT_KEYS if k in listed}


def _profile_description(path: Path) -> str:
    from PIL import ImageCms

    desc = ImageCms.getProfileDescription(ImageCms.getOpenProfile(str(path))).strip()
    return desc or path.name


def stylesheets(styles: Styles, edition: str, trim: str | None) -> list[Sheet]:
    sheets = [Sheet(styles.path(name)) for name in ("fonts.css", "base.css", f"{edition}.css")]
    if edition == "print":
        sheets.append(Sheet(trim_sheet(styles, trim)))
        sheets.append(Sheet(styles.path("trim", PAGE_TEMPLATE), page_rules(styles, trim)))
    sheets.append(Sheet(styles.path("languages.css")))  # per-language typography, last (issue 6)
    return sheets


def _declared_families(fonts_css: Path) -> set[str]:
    """The font families declared by @font-face in styles/fonts.css."""
    import tinycss2

    families = set()
    for rule in tinycss2.parse_stylesheet(fonts_css.read_text(encoding="utf-8"), True, True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "font-face":
            for decl in tinycss2.parse_declaration_list(rule.content, True, True):
                if decl.type == "declaration" and decl.lower_name == "font-family":
                    families.add(tinycss2.serialize(decl.value).strip().strip("\"'"))
    return families


# -- the lead photo -------------------------------------------------------------------------

def prepare_image(data: bytes, edition: str, profile: Path | None) -> bytes | None:
    """The photo's bytes (``data``, as the reader checked them) as the edition embeds them, or
    None to embed ``data`` unchanged.

    print: colour photos are converted to CMYK for the output-intent profile (from their own
    embedded profile, or sRGB; relative colorimetric with black-point compensation); grey ones
    stay grey (printed with K only); CMYK ones with an embedded profile are converted to the
    output profile.
    screen: photos with an embedded profile, or in CMYK, are converted to sRGB.
    Both: EXIF orientation is applied and transparency is flattened on white.
    """
    from PIL import Image, ImageCms, ImageOps

    from ..photo import grey_to_8_bits

    with Image.open(io.BytesIO(data)) as src:
        src.load()
        fmt, icc, mode = src.format, src.info.get("icc_profile"), src.mode
        transparent = "transparency" in src.info or mode in ("RGBA", "LA", "PA", "La", "RGBa")
        rotated = src.getexif().get(0x0112, 1) not in (None, 1)
        img = ImageOps.exif_transpose(src) if rotated else src.copy()
    untouched = not (rotated or icc or transparent)
    if untouched and mode in (("L", "CMYK") if edition == "print" else ("L", "RGB")):
        return None

    # Flatten to L, RGB or CMYK.
    if transparent:
        img = img.convert("LA" if mode in ("L", "LA", "La") else "RGBA")
        base = Image.new(img.mode[:-1], img.size, "white")
        base.paste(img, mask=img.getchannel("A"))
        img = base
    elif img.mode.startswith("I") or img.mode == "F":
        # 16- and 32-bit grey: scale to 8 bits (a plain convert clips every value above 255 to white).
        img = grey_to_8_bits(img)
    elif img.mode == "1":
        img = img.convert("L")
    elif img.mode not in ("L", "RGB", "CMYK"):
        img = img.convert("RGB")
    src_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc)) if icc else None
    srgb = ImageCms.createProfile("sRGB")

    if edition == "print":
        out_profile = ImageCms.getOpenProfile(str(profile))
        if img.mode == "RGB" or (img.mode == "CMYK" and src_profile):
            # Relative colorimetric with black-point compensation: in-gamut colours stay as
            # they are, shadows are scaled to the press's black, and the profile's ink limit
            # (300 % for FOGRA39) holds.
            transform = ImageCms.buildTransform(
                src_profile or srgb, out_profile, img.mode, "CMYK",
                renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
            img = ImageCms.applyTransform(img, transform)
    else:
        if src_profile and img.mode in ("RGB", "CMYK"):
            img = ImageCms.profileToProfile(img, src_profile, srgb, outputMode="RGB")
        elif img.mode == "CMYK":
            img = img.convert("RGB")
    out = io.BytesIO()
    if img.mode == "CMYK" or fmt == "JPEG":
        img.save(out, format="JPEG", quality=95, subsampling=0)
    else:
        img.save(out, format="PNG")
    return out.getvalue()


# -- markup ---------------------------------------------------------------------------------

def html_for(interview: m.Interview, styles: Styles, edition: str) -> bytes:
    """The HTML given to WeasyPrint for this edition, before the layout passes of
    ``laid_out`` (also used for benchmarks)."""
    return H.to_bytes(_root_for(interview, styles, edition))


def _root_for(interview: m.Interview, styles: Styles, edition: str):
    meta = interview.meta
    strings = styles.strings(meta.lang)
    metas = [
        ("author", interview.interviewer.name if interview.interviewer else meta.publisher),
        ("description", meta.subtitle),
        ("keywords", ", ".join(meta.keywords)),
        ("generator", "pressroom"),
        ("dcterms.created", meta.date.isoformat()),
        # Info /ModDate, XMP xmp:ModifyDate and MetadataDate: the front matter's 'modified'.
        ("dcterms.modified", meta.modified_at.strftime("%Y-%m-%dT%H:%M:%SZ") if meta.modified
         else meta.date.isoformat()),
    ]
    image_src = photo_url(interview.image) if interview.image and interview.image.path else None
    opts = H.HtmlOptions(
        footnotes="float",
        placeholder="fpo" if edition == "print" else "caption",
        image_src=image_src,
        meta=tuple((k, v) for k, v in metas if v),
    )
    root = H.build(interview, strings, opts)
    _add_publication(root, meta)
    _keep_compounds(root)
    _list_starts(root)
    _soft_hyphens(root, meta.lang)
    return root


#: Words at least this long get their break points as soft hyphens (below); in the title (no
#: hyphenation otherwise) only words that cannot fit a line of it (36 pt on A4: about 18
#: letters). (CSS overflow-wrap is no help: WeasyPrint then breaks anywhere, even in addresses.)
LONG_WORD = 24
LONG_DISPLAY_WORD = 18
#: Where hyphenation is off (styles/base.css), or the text is not running text.
_NO_SOFT_HYPHENS = {"url", "name", "nohyphen", "compound", "byline", "standfirst", "question",
                    "kicker", "footnote", "interviewer-note", "caption", "credit", "fpo"}
_DISPLAY = {"title"}


def _soft_hyphens(root, lang: str) -> None:
    """Display only: put soft hyphens at the dictionary's break points (3 letters on either
    side) into words of LONG_WORD letters or more. WeasyPrint 70 does not hyphenate a word
    longer than the whole line when it starts a line (it runs past the margin); the line
    breaker does break at a soft hyphen, and adds the hyphen there."""
    import pyphen

    tag = "en_US" if lang.lower() == "en" else pyphen.language_fallback(lang.replace("-", "_"))
    if not tag or lang.lower().split("-")[0] in ("ar", "zh", "ja", "ko"):
        return
    dictionary = pyphen.Pyphen(lang=tag, left=3, right=3)
    # A long word in another script than the document's (a Latin place name in Russian text)
    # finds no break in the document's patterns: English patterns break it rather than let it
    # run past the margin.
    latin = pyphen.Pyphen(lang="en_US", left=3, right=3)
    patterns = {n: re.compile(rf"[^\W\d_]{{{n},}}") for n in (LONG_WORD, LONG_DISPLAY_WORD)}

    def soft(word):
        # No piece shorter than 3 letters between two breaks either ("zusamme-n-a-rbeit").
        kept, last = [], 0
        positions = dictionary.positions(word)
        if not positions and word.isascii():
            positions = latin.positions(word)
        for pos in positions:
            if pos - last >= 3 and len(word) - pos >= 3:
                kept.append(pos)
                last = pos
        return "".join(word[a:b] + ("\u00ad" if b < len(word) else "")
                       for a, b in zip([0] + kept, kept + [len(word)]))

    def hyphenate(text, n):
        if not text:
            return text
        return patterns[n].sub(lambda mo: soft(mo.group()), text)

    body = root.find(f"{{{H.XHTML}}}body")

    def walk(el, allowed, n):
        classes = set((el.get("class") or "").split())
        local = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        allowed = allowed and not (classes & _NO_SOFT_HYPHENS) and local not in ("code", "figcaption")
        n = LONG_DISPLAY_WORD if classes & _DISPLAY else n
        if allowed:
            el.text = hyphenate(el.text, n)
        for child in el:
            walk(child, allowed, n)
            if allowed:
                child.tail = hyphenate(child.tail, n)

    if body is not None:
        walk(body, True, LONG_WORD)


# -- layout passes ----------------------------------------------------------------------------

#: At most this many hyphenated lines in a row (issue 14). WeasyPrint 70 has no
#: hyphenate-limit-lines, so ``laid_out`` enforces it after layout.
MAX_HYPHENATED_LINES = 2
#: Layouts tried at most (each pass fixes the first ladder of every paragraph).
MAX_LAYOUT_PASSES = 6


def _line_texts(line) -> list:
    from weasyprint.formatting_structure import boxes

    return [b for b in line.descendants() if isinstance(b, boxes.TextBox) and b.text]


def _hyphenated_word(lines: list, j: int):
    """(WeasyPrint element of its text, word, occurrence) of the word hyphenated at the end of
    lines[j]: the occurrence counts the whole-word occurrences before it in that element's own
    text (0-based). None if it cannot be told."""
    texts = _line_texts(lines[j])
    last = texts[-1]
    mark = last.style["hyphenate_character"]
    head = re.search(r"([\w\u00ad]+)$", last.text[:-len(mark)])
    following = _line_texts(lines[j + 1])
    rest = re.match(r"[\w\u00ad]+", following[0].text) if following else None
    if not head or not rest:
        return None
    word = head.group(1) + rest.group(0)
    # The element's own text up to the break, with the hyphenation marks taken out.
    before = []
    for line in lines[:j + 1]:
        line_texts = _line_texts(line)
        for t in line_texts:
            if t.element is last.element and t.element_tag == last.element_tag:
                text = t.text
                if t is line_texts[-1] and text.endswith(mark):
                    text = text[:-len(mark)]
                before.append(text)
    joined = "".join(before) + rest.group(0)
    count = len(re.findall(rf"(?<![\w\u00ad]){re.escape(word)}(?![\w\u00ad])", joined)) - 1
    return last.element, word, count


def hyphen_ladders(document) -> list[tuple[object, list]]:
    """Hyphenations to undo, the first of every paragraph: a run of more than
    MAX_HYPHENATED_LINES hyphenated lines, or a hyphenated last line of a page (the word would
    be cut by the page turn, and the folio read into it). Each as (the paragraph's WeasyPrint
    element, the words that may be kept whole to fix it, best first, each as
    ``_hyphenated_word`` gives it): for a run, the words at the ends of its last
    MAX_HYPHENATED_LINES + 1 lines, last line first."""
    from weasyprint.formatting_structure import boxes

    lines_of: dict[int, list] = {}
    pages_of: dict[int, list] = {}
    order: list = []
    for n, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if isinstance(box, boxes.LineBox) and box.element is not None:
                if id(box.element) not in lines_of:
                    lines_of[id(box.element)] = []
                    pages_of[id(box.element)] = []
                    order.append(box.element)
                lines_of[id(box.element)].append(box)
                pages_of[id(box.element)].append(n)
    found = []
    for block in order:
        lines, pages = lines_of[id(block)], pages_of[id(block)]
        run = 0
        for i, line in enumerate(lines):
            texts = _line_texts(line)
            last = texts[-1] if texts else None
            mark = last.style["hyphenate_character"] if last is not None else None
            if not (last is not None and mark and last.text.endswith(mark) and i + 1 < len(lines)):
                run = 0
                continue
            run += 1
            if pages[i + 1] != pages[i]:
                words = [_hyphenated_word(lines, i)]
            elif run > MAX_HYPHENATED_LINES:
                words = [_hyphenated_word(lines, j) for j in range(i, i - MAX_HYPHENATED_LINES - 1, -1)]
            else:
                continue
            # A word too long for a line must stay breakable (its soft hyphens, below).
            found.append((block, [w for w in words if w is not None
                                  and len(w[1].replace("\u00ad", "")) < LONG_WORD]))
            break
    return found


#: A justified line whose word gap is wider than this many normal spaces is loose (issue 14:
#: "about twice" is a defect; the writer aims lower, so that one measured in the PDF, with the
#: glyphs' side bearings, stays under 2).
LOOSE_RATIO = 1.7
#: The normal word space of the shipped fonts, in em (their space glyphs: 0.26 for Noto Serif
#: and Sans, 0.221 for Noto Naskh Arabic, 0.22-0.26 for Noto CJK).
SPACE_EM = {"Pressroom Naskh": 0.221}
SPACE_EM_DEFAULT = 0.26
#: What ``laid_out`` may try on a paragraph with a loose line, in this order (``data-fit`` in
#: base.css: a little tighter or looser tracking, narrower spaces); the best one is kept.
FIT_VARIANTS = ("tight", "tighter", "tightest", "loose", "looser", "words", "tight-words")


def loose_lines(document) -> dict[int, tuple[object, float]]:
    """Justified lines with a word gap above LOOSE_RATIO normal spaces, worst per paragraph:
    {id(element): (WeasyPrint element, worst ratio)}; WeasyPrint adds the justification to
    every space of a line alike (``justification_spacing``)."""
    from weasyprint.formatting_structure import boxes

    out: dict[int, tuple[object, float]] = {}
    for page in document.pages:
        for line in page._page_box.descendants():
            if not isinstance(line, boxes.LineBox) or line.element is None:
                continue
            for t in _line_texts(line):
                extra = getattr(t, "justification_spacing", 0) or 0
                if extra <= 0 or " " not in t.text:
                    continue
                family = t.style["font_family"][0] if t.style["font_family"] else ""
                space = SPACE_EM.get(family, SPACE_EM_DEFAULT) * t.style["font_size"]
                # The gap as set: the space, its justification, word- and letter-spacing
                # (after the letter before it and after the space itself).
                tracking = t.style["letter_spacing"] if t.style["letter_spacing"] != "normal" else 0
                ratio = (space + extra + t.style["word_spacing"] + 2 * tracking) / space
                if ratio > LOOSE_RATIO and ratio > out.get(id(line.element), (None, 0))[1]:
                    out[id(line.element)] = (line.element, ratio)
    return out


def _path(el, parents: dict) -> list[int]:
    """Child indices from the root to ``el`` (elements only); ``parents`` maps child to parent."""
    out = []
    while el in parents:
        parent = parents[el]
        out.append([c for c in parent if isinstance(c.tag, str)].index(el))
        el = parent
    return out[::-1]


def etree_local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _element_at(root, path: list[int]):
    el = root
    for i in path:
        kids = [c for c in el if isinstance(c.tag, str)]
        if i >= len(kids):
            return None
        el = kids[i]
    return el


def _mark_word(root, candidate):
    """Mark a word that ``_hyphenated_word`` found, given as (path of its element, the
    element's tag, word, occurrence), not to be hyphenated; returns the span or None."""
    path, tag, word, occurrence = candidate
    target = _element_at(root, path)
    if target is None or etree_local(target.tag) != tag:
        return None
    return _no_hyphen(target, word, occurrence)


def _unwrap(span) -> None:
    """Undo ``_no_hyphen``: the span's text goes back into its parent."""
    parent = span.getparent()
    text = (span.text or "") + (span.tail or "")
    previous = span.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(span)


def _no_hyphen(el, word: str, occurrence: int):
    """Wrap the occurrence-th whole-word ``word`` of el's own text in <span class="nohyphen">."""
    slots = [(el, "text")] + [(c, "tail") for c in el]
    seen = 0
    for node, attr in slots:
        value = getattr(node, attr) or ""
        for mo in re.finditer(rf"(?<![\w\u00ad]){re.escape(word)}(?![\w\u00ad])", value):
            if seen < occurrence:
                seen += 1
                continue
            # Without its soft hyphens: they would still be break points.
            span = H.E("span", {"class": "nohyphen"}, text=word.replace("\u00ad", ""))
            span.tail = value[mo.end():]
            setattr(node, attr, value[:mo.start()])
            if attr == "text":
                el.insert(0, span)
            else:
                node.addnext(span)
            return span
    return None


def laid_out(interview: m.Interview, styles: Styles, edition: str, render):
    """The edition laid out by ``render(html_string) -> (weasyprint.HTML, Document)``, with
    two passes WeasyPrint has no property for (issue 14). Deterministic: the same source gives
    the same passes and the same bytes. Returns (weasyprint.HTML, Document).

    1. Hyphen ladders: the word that would end a third hyphenated line in a row (or, if that
       makes the paragraph loose, the line before it) is marked not to be hyphenated
       (``.nohyphen``), and the text laid out again; so is a word hyphenated across a page.
    2. Loose lines: every paragraph with a justified line looser than LOOSE_RATIO is laid out
       with each of FIT_VARIANTS (all such paragraphs at once: a paragraph's lines depend only
       on its own text and measure), and keeps the variant whose worst line is tightest,
       provided it makes no hyphen ladder.
    """
    root = _root_for(interview, styles, edition)
    doc, document = render(H.to_bytes(root).decode("utf-8"))
    def settle(doc, document):
        # The ladder being fixed in each paragraph: (candidates, index tried, the span, ratio before).
        fixing: dict[tuple, list] = {}
        for _ in range(MAX_LAYOUT_PASSES):
            parents = {c: p for p in doc.etree_element.iter() for c in p}
            loose = {tuple(_path(el, parents)): r for el, r in loose_lines(document).values()}
            changed = False
            # A fix that made its paragraph loose is undone, and the run's line before tried instead.
            retried = set()
            for key, state in list(fixing.items()):
                candidates, index, span, ratio_before = state
                if loose.get(key, 1.0) <= max(ratio_before, LOOSE_RATIO) or index + 1 >= len(candidates):
                    continue
                if span is not None:
                    _unwrap(span)
                state[1] = index + 1
                state[2] = _mark_word(root, candidates[index + 1])
                retried.add(key)
                changed = True
            for block, words in hyphen_ladders(document):
                key = tuple(_path(block, parents))
                if key in retried:
                    continue
                # A ladder in a paragraph already fixed is a later run: the earlier fix stays.
                candidates = [(_path(el, parents), etree_local(el.tag), w, n) for el, w, n in words]
                span = _mark_word(root, candidates[0]) if candidates else None
                if span is not None:
                    fixing[key] = [candidates, 0, span, loose.get(key, 1.0)]
                    changed = True
            if not changed:
                break
            doc, document = render(H.to_bytes(root).decode("utf-8"))
        return doc, document

    doc, document = settle(doc, document)

    loose = loose_lines(document)
    if not loose:
        return doc, document
    parents = {c: p for p in doc.etree_element.iter() for c in p}
    paths = {key: _path(el, parents) for key, (el, _ratio) in loose.items()}
    best = {key: (ratio, None) for key, (_el, ratio) in loose.items()}
    for variant in FIT_VARIANTS:
        trial = etree.fromstring(H.to_bytes(root))
        for path in paths.values():
            _add_class(_element_at(trial, path), variant)
        t_doc, t_document = render(H.to_bytes(trial).decode("utf-8"))
        t_parents = {c: p for p in t_doc.etree_element.iter() for c in p}
        t_loose = {tuple(_path(el, t_parents)): r for el, r in loose_lines(t_document).values()}
        laddered = {tuple(_path(el, t_parents)) for el, _words in hyphen_ladders(t_document)}
        for key, path in paths.items():
            if tuple(path) in laddered:
                continue
            ratio = t_loose.get(tuple(path), 1.0)
            if ratio < best[key][0] - 0.01:
                best[key] = (ratio, variant)
    chosen = [(paths[key], variant) for key, (_r, variant) in best.items() if variant]
    if chosen:
        for path, variant in chosen:
            _add_class(_element_at(root, path), variant)
        doc, document = render(H.to_bytes(root).decode("utf-8"))
        # The variants change the paragraphs' heights, so the pages may now break elsewhere.
        doc, document = settle(doc, document)
    return doc, document


def _add_class(el, variant: str) -> None:
    """Give a paragraph a FIT_VARIANTS variant, as ``data-fit`` (not a class: the EPUB writer
    matches paragraphs by tag and class, and the EPUB has no variants)."""
    if el is not None:
        el.set("data-fit", variant)


def _list_starts(root) -> None:
    """``<ol start="4">`` also gets ``style="--start: 4"``: WeasyPrint reads the start
    attribute only with its presentational hints, and the stylesheets number such a list
    from ``--start`` (styles/base.css)."""
    for ol in root.iter(f"{{{H.XHTML}}}ol"):
        start = ol.get("start")
        if start is not None and re.fullmatch(r"-?\d+", start):
            ol.set("style", f"--start: {int(start)}")


_COMPOUND = re.compile(r"\w+(?:[-\u2010]\w+)+")


def _keep_compounds(root) -> None:
    """Wrap hyphenated compounds ("wide-ranging") in ``<span class="compound">``, which the
    stylesheets keep on one line: a line break after a hard hyphen cannot be told apart from
    an inserted one, so a reader (or text extraction) would rejoin or split the word wrongly."""
    body = root.find(f"{{{H.XHTML}}}body")
    if body is None:
        return

    def spans(text):
        out, last = [], 0
        for mo in _COMPOUND.finditer(text):
            out.append((text[last:mo.start()], mo.group(0)))
            last = mo.end()
        return out, text[last:]

    for el in list(body.iter()):
        # Not inside an address: it breaks after its hyphens and nowhere else (html.py).
        if not isinstance(el.tag, str) or el.get("class") in ("compound", "url") or el.tag.endswith("}code"):
            continue
        if el.text:
            parts, rest = spans(el.text)
            if parts:
                el.text = parts[0][0]
                for i, (before, word) in enumerate(parts):
                    span = H.E("span", {"class": "compound"}, text=word)
                    span.tail = parts[i + 1][0] if i + 1 < len(parts) else rest
                    el.insert(i, span)
        if el.tail and el.getparent() is not None and el.getparent().get("class") not in ("compound", "url"):
            parts, rest = spans(el.tail)
            if parts:
                parent = el.getparent()
                index = parent.index(el)
                el.tail = parts[0][0]
                for i, (before, word) in enumerate(parts):
                    span = H.E("span", {"class": "compound"}, text=word)
                    span.tail = parts[i + 1][0] if i + 1 < len(parts) else rest
                    parent.insert(index + 1 + i, span)


def _add_publication(root, meta: m.Metadata) -> None:
    """Put the publication's name in the kicker line ("UN Today · Focus on").

    The running heads and folios take the publication, the section and the title from the
    title block with ``string-set`` (styles/print.css, screen.css).
    """
    if not meta.publisher:
        return
    ns = f"{{{H.XHTML}}}"
    header = root.find(f".//{ns}header")
    if header is None:
        return
    kicker = header.find(f"{ns}p[@class='kicker']")
    pub = H.E("span", {"class": "publication"}, text=meta.publisher)
    if kicker is None:
        kicker = H.E("p", {"class": "kicker"})
        kicker.append(pub)
        header.insert(0, kicker)
        return
    section = H.E("span", {"class": "section"}, text=kicker.text or "")
    for child in list(kicker):
        kicker.remove(child)
        section.append(child)
    kicker.text = None
    pub.tail = " "
    kicker.append(pub)
    kicker.append(H.E("span", {"class": "sep", "aria-hidden": "true"}, text="·"))
    kicker[-1].tail = " "
    kicker.append(section)


# -- the finisher ---------------------------------------------------------------------------

_NUM = rb"[-+]?(?:\d+\.?\d*|\.\d+)"
_RGB_OP = re.compile(rb"(?:^|\s)" + _NUM + rb"\s+" + _NUM + rb"\s+" + _NUM + rb"\s+(rg|RG)(?=\s|$)")
_MARK_OPS = {b"q", b"Q", b"cm", b"gs", b"rg", b"RG", b"w", b"d", b"J", b"j", b"M", b"m", b"l", b"c",
             b"h", b"B", b"S", b"f", b"n", b"re"}


def _stream_bytes(stream) -> bytes:
    import pydyf

    return b"\n".join(pydyf._to_bytes(item) for item in stream.stream)


def _operators(content: bytes) -> set[bytes]:
    tokens = re.sub(rb"\[[^\]]*\]|/\S+|" + _NUM, b" ", content).split()
    return set(tokens)


class _Finisher:
    def __init__(self, interview: m.Interview, edition: str, families: set[str],
                 condition: dict[str, str] | None, trim: str, icc: str):
        self.iv = interview
        self.edition = edition
        self.families = families
        self.condition = condition or {}
        self.trim = trim
        self.icc = icc
        self.problems: list[str] = []
        #: The logical text of the tagged text boxes that have an ActualText (_actual_text).
        self.logical: dict[int, dict[int, str]] = {}

    def __call__(self, document, pdf):
        self.check_fonts(document)
        if self.iv.meta.script_direction == "rtl":
            self.right_to_left(pdf)
        # Both editions: a RIP (Ghostscript, Acrobat) reads a CID-keyed font's codes as CIDs.
        self.identity_cids(pdf)
        if self.logical:
            self.structure_actual_text(pdf)
        if self.edition == "print":
            self.print_fixes(pdf)
            self.check_no_rgb(pdf)
        else:
            self.screen_fixes(pdf)
            self.margins_as_artifacts(pdf)
            self.markers_in_reading_order(pdf)
        if self.problems:
            raise BuildError("; ".join(self.problems))

    def right_to_left(self, pdf):
        """Page progression right to left (issue 6): viewers show spreads in RTL order."""
        import pydyf

        prefs = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
        prefs["Direction"] = "/R2L"
        pdf.catalog["ViewerPreferences"] = prefs

    # screen: tagging and annotations (PDF/UA-1) --------------------------------------
    def screen_fixes(self, pdf):
        """What WeasyPrint 70's tagging gets wrong for PDF/UA-1 (checked by page-validation and
        outloud, pressroom.checks.pdf):

        - a list item's content is tagged as direct children of ``LI`` (``LI`` → ``Lbl``, ``P``),
          but an ``LI`` may hold only ``Lbl`` and ``LBody`` (ISO 32000-1 14.8.4.3.3, Matterhorn
          16-001): the content goes into one ``LBody``;
        - a nested list is hung on the outer ``L`` beside its item: it goes into that item's
          ``LBody``, at its place among the item's blocks;
        - link annotations lack the Print flag (ISO 32000-1 12.5.3; PDF/UA-1 7.18.1): set it,
          so printing from the screen edition keeps what readers see.
        """
        import pydyf

        objects = pdf.objects

        def obj(ref):
            return objects[int(ref.split()[0])] if isinstance(ref, bytes) else None

        def role(el):
            return el.get("S") if isinstance(el, pydyf.Dictionary) else None

        def new_element(tag, parent, kids):
            el = pydyf.Dictionary({"Type": "/StructElem", "S": tag, "K": pydyf.Array(kids),
                                   "P": parent.reference})
            if "Pg" in parent:
                el["Pg"] = parent["Pg"]
            pdf.add_object(el)
            for kid in kids:
                if isinstance(obj(kid), pydyf.Dictionary) and obj(kid).get("Type") == "/StructElem":
                    obj(kid)["P"] = el.reference
            return el

        lists, items = [], []
        for o in list(objects):
            if not isinstance(o, pydyf.Dictionary):
                continue
            if o.get("Type") == "/Annot" and o.get("Subtype") == "/Link":
                o["F"] = 1 << 2  # Print; not Hidden, not NoView
            elif o.get("Type") == "/StructElem" and o.get("S") == "/L":
                lists.append(o)
            elif o.get("Type") == "/StructElem" and o.get("S") == "/LI":
                items.append(o)

        bodies = {}
        for li in items:
            kids = list(li["K"])
            if any(not isinstance(k, bytes) for k in kids):
                continue  # marked content right in the LI (not seen): left for the validators to report
            if [role(obj(k)) for k in kids if role(obj(k)) != "/Lbl"] == ["/LBody"]:
                bodies[li.number] = obj(next(k for k in kids if role(obj(k)) == "/LBody"))
                continue
            labels = [k for k in kids if role(obj(k)) == "/Lbl"]
            rest = [k for k in kids if role(obj(k)) != "/Lbl"]
            for k in rest:
                if role(obj(k)) == "/LBody":  # WeasyPrint's own, among other blocks: a group
                    obj(k)["S"] = "/Div"
            body = new_element("/LBody", li, rest)
            li["K"] = pydyf.Array(labels + [body.reference])
            bodies[li.number] = body

        for lst in lists:
            kept, previous = [], None
            for k in lst["K"]:
                kid = obj(k)
                if role(kid) == "/L" and previous is not None and previous.number in bodies:
                    body = bodies[previous.number]
                    # Elements are numbered as WeasyPrint meets them, in document order.
                    where = sum(1 for b in body["K"] if isinstance(b, bytes) and int(b.split()[0]) < kid.number)
                    body["K"].insert(where, k)
                    kid["P"] = body.reference
                    continue
                previous = kid if role(kid) == "/LI" else None
                kept.append(k)
            lst["K"] = pydyf.Array(kept)

        for li in items:  # an item with a label only (its list was on another page): no empty LBody
            body = bodies.get(li.number)
            if body is not None and not body["K"]:
                li["K"] = pydyf.Array([k for k in li["K"] if k != body.reference])

    @staticmethod
    def margins_as_artifacts(pdf):
        """Running heads and folios (page-margin boxes) become ``/Artifact /Pagination``.

        WeasyPrint 70 marks their text as ``/Span`` with an MCID and builds structure
        elements for them that it never links into the tree: the text is tagged content that no
        reader reaches (PDF/UA-1 7.8, Matterhorn 18; outloud PAG-001). Those MCIDs are found
        as the parent-tree entries whose element is not under the StructTreeRoot; their marked
        content is turned into pagination artifacts and their parent-tree entries into null.
        """
        import pydyf

        objects = pdf.objects

        def obj(ref):
            return objects[int(ref.split()[0])]

        root = obj(pdf.catalog["StructTreeRoot"])
        reached, stack = set(), [root]
        while stack:
            el = stack.pop()
            if el.number in reached:
                continue
            reached.add(el.number)
            for kid in el.get("K") or ():
                if isinstance(kid, bytes) and isinstance(obj(kid), pydyf.Dictionary) and "S" in obj(kid):
                    stack.append(obj(kid))
        nums = obj(root["ParentTree"])["Nums"]
        for page_number, page_ref in enumerate(pdf.page_references):
            entries = nums[2 * page_number + 1]
            if nums[2 * page_number] != page_number or not isinstance(entries, pydyf.Array):
                continue
            loose = {mcid for mcid, ref in enumerate(entries)
                     if isinstance(ref, bytes) and int(ref.split()[0]) not in reached}
            if not loose:
                continue
            content = obj(obj(page_ref)["Contents"]).stream
            for i, item in enumerate(content):
                if (isinstance(item, pydyf.Dictionary) and item.get("MCID") in loose and i > 0
                        and i + 1 < len(content) and content[i + 1] == b"BDC"):
                    content[i - 1] = "/Artifact"
                    content[i] = pydyf.Dictionary({"Type": "/Pagination"})
                    entries[item["MCID"]] = "null"

    @staticmethod
    def markers_in_reading_order(pdf):
        """Paint each list marker just before its item's text, as the structure tree reads.

        WeasyPrint lays out outside markers as absolutely positioned boxes and paints them
        after everything else on the page, so a tool that reads the page in paint order (or
        reflows it) meets "1." after the item (outloud ORD-001). Each marker is painted by a
        self-contained ``q … /Span <</MCID n>> BDC … EMC … Q`` block that sets its own colour,
        font and position; it is moved in front of the first marked content of its item's
        ``LBody`` when the graphics state that it does not set itself (transformation, extended
        graphics state, text state, colour) is the same there. Otherwise it stays where it is.
        """
        import pydyf

        objects = pdf.objects

        def obj(ref):
            return objects[int(ref.split()[0])] if isinstance(ref, bytes) else None

        def struct(ref):
            o = obj(ref)
            return o if isinstance(o, pydyf.Dictionary) and "S" in o else None

        def first_mcid(el, page_ref):
            """The first marked content under ``el`` on the page, other than list labels (which
            are moved themselves: an item that starts with a list gets its label, then the inner
            list's label, then the text)."""
            for kid in el.get("K") or ():
                if isinstance(kid, int) and el.get("Pg") == page_ref:
                    return kid
                child = struct(kid)
                if child is not None and child.get("S") != "/Lbl":
                    found = first_mcid(child, page_ref)
                    if found is not None:
                        return found
            return None

        moves: dict[bytes, list[tuple[int, int]]] = {}  # page ref: [(marker MCID, LBody's first MCID)]
        for o in objects:
            if not (isinstance(o, pydyf.Dictionary) and o.get("Type") == "/StructElem" and o.get("S") == "/LI"):
                continue
            kids = [struct(k) for k in o["K"]]
            label = next((k for k in kids if k is not None and k.get("S") == "/Lbl"), None)
            body = next((k for k in kids if k is not None and k.get("S") == "/LBody"), None)
            if label is None or body is None or label.get("Pg") is None:
                continue
            page_ref = label["Pg"]
            mark, target = first_mcid(label, page_ref), first_mcid(body, page_ref)
            if mark is not None and target is not None:
                moves.setdefault(page_ref, []).append((mark, target))

        text_state = {b"Tc", b"Tw", b"Tz", b"TL", b"Ts", b"Tr", b"Tf"}
        colour = {b"rg", b"g", b"k", b"cs", b"sc", b"scn"}

        def operator(item):
            if isinstance(item, bytes):
                parts = item.split()
                return parts[-1] if parts else b""
            return None

        for page_ref, pairs in moves.items():
            stream = obj(obj(page_ref)["Contents"])
            content = stream.stream
            for mark, target in pairs:
                # States before each item: a stack of q-saved dicts; what each key was last set to.
                states, stack, state = [], [], {}
                for item in content:
                    states.append(dict(state))
                    op = operator(item)
                    if op == b"q":
                        stack.append(dict(state))
                    elif op == b"Q" and stack:
                        state = stack.pop()
                    elif op == b"cm":
                        state["cm"] = state.get("cm", ()) + (item,)
                    elif op == b"gs":
                        state["gs"] = item
                    elif op in text_state:
                        state[op] = item
                    elif op in colour:
                        state["fill"] = item

                def start_of(mcid):
                    for i, item in enumerate(content):
                        if isinstance(item, pydyf.Dictionary) and item.get("MCID") == mcid and i > 0:
                            return i - 1
                    return None

                m_tag, t_tag = start_of(mark), start_of(target)
                if m_tag is None or t_tag is None or m_tag < t_tag:
                    continue
                begin = m_tag
                while begin > 0 and content[begin - 1] == b"q":
                    begin -= 1
                end = m_tag
                while end < len(content) and content[end] != b"EMC":
                    end += 1
                depth = m_tag - begin
                if end + depth >= len(content) or any(content[end + 1 + d] != b"Q" for d in range(depth)):
                    continue
                block = content[begin:end + 1 + depth]
                sets = {operator(x) for x in block}
                own = {k for k in ("gs", "fill") if {"gs": {b"gs"}, "fill": colour}[k] & sets}
                own |= {k for k in text_state if k in sets}
                if depth == 0 or sets & {b"q", b"Q"} != {b"q", b"Q"}:
                    continue
                here, there = states[begin], states[t_tag]
                keys = (set(here) | set(there)) - own
                if any(here.get(k) != there.get(k) for k in keys):
                    continue
                del content[begin:end + 1 + depth]
                content[t_tag:t_tag] = block

    @staticmethod
    def identity_cids(pdf):
        """Renumber the CIDs of embedded CID-keyed CFF fonts (the Chinese fonts) so that CID = GID.

        WeasyPrint writes glyph ids as the codes of an Identity-H font, and for a CIDFontType0
        a code is a CID, which a conforming reader looks up in the CFF charset. Noto CJK's
        charset maps glyph ids to sparse Adobe CIDs (glyph 5264 is CID 32272), so codes reach
        other glyphs or .notdef (ISO 14289-1 7.21.8, outloud TXT-005; Acrobat shows blanks).
        Poppler and pdf.js happen to use the glyph id. Only the charset changes: outlines,
        cmap and metrics keep their glyph ids, and the page content is untouched.
        """
        import pydyf
        from fontTools.ttLib import TTFont

        for obj in pdf.objects:
            if not (isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/OpenType"):
                continue
            data = b"".join(obj.stream)
            font = TTFont(io.BytesIO(data), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
            if "CFF " not in font:
                continue
            top = font["CFF "].cff.topDictIndex[0]
            old = list(top.charset)
            new = [".notdef"] + [f"cid{i:05d}" for i in range(1, len(old))]
            if not hasattr(top, "ROS") or old == new:
                continue
            strings = top.CharStrings
            strings.charStrings = {new[i]: strings.charStrings[old[i]] for i in range(len(old))}
            top.charset = new
            font.glyphOrder = new
            out = io.BytesIO()
            font.save(out)
            obj.stream = [out.getvalue()]
    def structure_actual_text(self, pdf):
        """Tagged edition: the /Span structure element of each text box whose words carry an
        /ActualText gets the box's text in logical order as its own /ActualText. The marked
        content's ActualText is in the order poppler needs (visual, pressroom.actualtext);
        software that reads the structure tree (screen readers) gets the text as written."""
        import pydyf

        def deref(ref):
            return pdf.objects[int(ref.split()[0])]  # pydyf references are b"12 0 R"

        root = pdf.catalog.get("StructTreeRoot")
        if root is None:
            self.problems.append("no structure tree for the ActualText of right-to-left text")
            return
        nums = deref(deref(root)["ParentTree"])["Nums"]
        by_page = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)}
        for number, page_ref in enumerate(pdf.page_references):  # set by WeasyPrint
            stream = deref(deref(page_ref)["Contents"])
            texts = self.logical.get(id(getattr(stream, "_tags", None)), {})
            refs = by_page.get(number)
            elements = {}
            for mcid, text in texts.items():
                if not isinstance(refs, pydyf.Array) or mcid >= len(refs):
                    self.problems.append(f"page {number + 1}: no structure element for MCID {mcid}")
                    continue
                elements.setdefault(bytes(refs[mcid]), {})[mcid] = text
            for ref, by_mcid in elements.items():
                element = deref(ref)
                # A /Span holds one text box; a /Link the boxes of its text, in order.
                kids = [k for k in element.get("K", ()) if isinstance(k, int)]
                if element.get("S") in ("/Span", "/Link") and set(kids) == set(by_mcid):
                    element["ActualText"] = pydyf.String("".join(by_mcid[k] for k in kids))

    # fonts -----------------------------------------------------------------------------
    def check_fonts(self, document):
        for font in document.fonts.values():
            family = font.family.decode() if isinstance(font.family, bytes) else str(font.family)
            chars = "".join(sorted({c for c in font.to_unicode.values() if c and not c.isspace()}))
            if family not in self.families:
                self.problems.append(
                    f"text set in the system font {family!r}, not a font from styles/fonts "
                    f"(characters {chars[:40]!r}): add a font that covers them to styles/fonts.css")
            if font.missing:
                missing = "".join(chr(c) for c in sorted(font.missing))
                self.problems.append(f"the font {family!r} has no glyph for {missing[:40]!r}")

    # print: marks, boxes, XMP, output intent, annotations ------------------------------
    def print_fixes(self, pdf):
        import pydyf

        bleed = BLEED_MM / 25.4 * 72
        registration = pydyf.Array(("/Separation", "/All", "/DeviceCMYK", pydyf.Dictionary({
            "FunctionType": 2, "Domain": pydyf.Array((0, 1)),
            "C0": pydyf.Array((0, 0, 0, 0)), "C1": pydyf.Array((1, 1, 1, 1)), "N": 1})))
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and "lab-d50" in obj:
                obj[REGISTRATION] = registration  # the shared ColorSpace resources
            elif isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page":
                if "TrimBox" in obj:
                    x0, y0, x1, y1 = obj["TrimBox"]
                    obj["BleedBox"] = pydyf.Array((x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed))
                obj.pop("Annots", None)  # links mean nothing on paper; PDF/X wants none on the page
            elif isinstance(obj, pydyf.Stream):
                extra = obj.extra
                if extra.get("Type") == "/Metadata":
                    obj.stream = [self.xmp(_stream_bytes(obj))]
                elif extra.get("Subtype") == "/Form" and "Filter" not in extra:
                    content = _stream_bytes(obj)
                    if self.is_marks(content):
                        obj.stream = [self.marks(content)]
        intents = pdf.catalog.get("OutputIntents")
        if not intents:
            self.problems.append("no output intent was written (the CMYK profile was not loaded)")
        else:
            for intent in intents:
                # WeasyPrint names the intent after the profile's URL (an absolute path).
                for key in ("OutputCondition", "RegistryName", "Info"):
                    intent.pop(key, None)
                for key, value in self.condition.items():
                    intent[key] = pydyf.String(value)

    @staticmethod
    def is_marks(content: bytes) -> bool:
        """WeasyPrint's crop marks: a form of black RGB strokes and nothing else."""
        ops = _operators(content)
        colours = set(re.findall(_NUM + rb"\s+" + _NUM + rb"\s+" + _NUM + rb"\s+(?:rg|RG)", content))
        return (b"RG" in ops and ops <= _MARK_OPS
                and all(re.fullmatch(rb"0(?:\.0*)?\s+0(?:\.0*)?\s+0(?:\.0*)?\s+(?:rg|RG)", c) for c in colours))

    @staticmethod
    def marks(content: bytes) -> bytes:
        """Stroke the marks in registration colour, 0.25 pt, no fill, no transparency."""
        out = []
        for line in content.split(b"\n"):
            s = line.strip()
            if re.fullmatch(rb"/\S+ gs", s) or re.fullmatch(_NUM + rb"\s+" + _NUM + rb"\s+" + _NUM + rb"\s+rg", s):
                continue
            if re.fullmatch(_NUM + rb"\s+" + _NUM + rb"\s+" + _NUM + rb"\s+RG", s):
                out.append(f"/{REGISTRATION} CS 1 SCN".encode())
                continue
            if re.fullmatch(_NUM + rb"\s+w", s):
                out.append(b"0.25 w")
                continue
            if s in (b"B", b"B*", b"b", b"b*", b"f", b"f*"):
                out.append(b"S")
                continue
            out.append(line)
        return b"\n".join(out)

    def xmp(self, data: bytes) -> bytes:
        """Replace WeasyPrint's random DocumentID (uuid4) by the print edition's identifier
        (pressroom.identifiers, the one the EPUB's pageBreakSource names) and add an
        InstanceID and dc:identifier derived from it, so the file is the same on every build."""
        document_id = identifier(self.iv.meta, "print")
        rendition = f"{document_id}\n{self.trim}\n{self.icc}"
        if self.iv.meta.modified:  # a corrected re-delivery is another instance of the document
            rendition += "\n" + self.iv.meta.modified_at.isoformat()
        instance_id = "urn:uuid:" + str(uuid.uuid5(XMP_NAMESPACE, rendition))
        ids = (f"<xmpMM:DocumentID>{escape(document_id)}</xmpMM:DocumentID>"
               f"<xmpMM:InstanceID>{escape(instance_id)}</xmpMM:InstanceID>"
               f"<dc:identifier>{escape(document_id)}</dc:identifier>").encode()
        data, n = re.subn(rb"<xmpMM:DocumentID>[^<]*</xmpMM:DocumentID>", lambda _: ids, data)
        if n != 1:
            self.problems.append("could not set the XMP DocumentID")
        return data

    # print: nothing in RGB -------------------------------------------------------------
    def check_no_rgb(self, pdf):
        import pydyf

        for obj in pdf.objects:
            if isinstance(obj, pydyf.Stream):
                where = f"object {obj.number}"
                if obj.extra.get("ColorSpace") == "/DeviceRGB" or "/DeviceRGB" in str(obj.extra.get("ColorSpace")):
                    self.problems.append(f"RGB image in the print edition ({where})")
                if "Filter" not in obj.extra:
                    content = _stream_bytes(obj)
                    if _RGB_OP.search(content) or b"/DeviceRGB" in content:
                        self.problems.append(
                            f"RGB colour in the print edition's content ({where}): give it a "
                            "device-cmyk() colour in styles/print.css")
            elif isinstance(obj, (pydyf.Dictionary, pydyf.Array)):
                if b"/DeviceRGB" in obj.data:
                    self.problems.append(f"RGB colour space in the print edition (object {obj.number})")


# -- right-to-left text: /ActualText ---------------------------------------------------------

_TJ_ITEM = re.compile(rb"\[(.*)\] TJ", re.S)
_TJ_TOKEN = re.compile(rb"<([0-9a-fA-F]*)>|([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)")


def _drawn_glyphs(textbox):
    """What WeasyPrint's draw_first_line has just drawn, walking Pango's runs as it does:
    (glyph id, index in the text of its cluster's first character) of each glyph in drawing
    order, and the bidi level of each character of the text; None if a glyph is missing."""
    from weasyprint.text.ffi import ffi, pango

    layout = textbox.pango_layout
    text = layout.text
    char_at = {}
    pos = 0
    for i, ch in enumerate(text):
        char_at[pos] = i
        pos += len(ch.encode())
    char_at[pos] = len(text)
    levels: list[int | None] = [None] * len(text)
    first_line, _ = layout.get_first_line()
    glyphs = []
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        item = glyph_item.item
        if item.offset not in char_at or item.offset + item.length not in char_at:
            return None
        # WeasyPrint's cdef declares PangoAnalysis.level as a guint where Pango has four
        # guint8 (level, gravity, flags, script): the level is the first byte.
        level = item.analysis.level
        level = level & 0xFF if sys.byteorder == "little" else level >> 24
        for k in range(char_at[item.offset], char_at[item.offset + item.length]):
            levels[k] = level
        string = glyph_item.glyphs
        for i in range(string.num_glyphs):
            glyph = string.glyphs[i].glyph
            if glyph == pango.PANGO_GLYPH_EMPTY:
                continue
            if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG or item.offset + string.log_clusters[i] not in char_at:
                return None
            glyphs.append((glyph, char_at[item.offset + string.log_clusters[i]]))
    if None in levels:
        return None
    return glyphs, levels


def _split_tj(items, glyphs, spans):
    """The stream items of one drawn line with each span's glyphs inside ``/Span
    <</ActualText …>> BDC … EMC``, TJ arrays cut where a span starts or ends. None if the TJ
    operators do not show exactly ``glyphs``."""
    import pydyf

    first = {a: text for a, _, text in spans}
    last = {b for _, b, _ in spans}
    out: list = []
    g = 0
    for item in items:
        mo = _TJ_ITEM.fullmatch(item) if isinstance(item, bytes) else None
        if mo is None:
            out.append(item)
            continue
        piece: list[bytes] = []
        shown: list[bytes] = []

        def flush():
            if piece:
                out.append(b"[" + b"".join(piece) + b"] TJ")
                shown.extend(piece)
                piece.clear()

        for hex_ids, number in _TJ_TOKEN.findall(mo.group(1)):
            if number:
                piece.append(number)
                continue
            if not hex_ids:
                piece.append(b"<>")  # WeasyPrint's empty strings keep numbers apart: "0<>-11.4"
                continue
            if len(hex_ids) % 4:
                return None
            for k in range(0, len(hex_ids), 4):
                if g >= len(glyphs) or int(hex_ids[k:k + 4], 16) != glyphs[g][0]:
                    return None
                if g in first:
                    flush()
                    out.extend([b"/Span", pydyf.Dictionary({"ActualText": pydyf.String(first[g])}), b"BDC"])
                piece.append(b"<" + hex_ids[k:k + 4] + b">")
                if g in last:
                    flush()
                    out.append(b"EMC")
                g += 1
        flush()
        if b"".join(shown).replace(b"><", b"") != mo.group(1).replace(b"><", b""):
            return None  # the pieces must show what the TJ showed
    return out if g == len(glyphs) else None


@contextlib.contextmanager
def _actual_text(rtl: bool, logical: dict | None = None):
    """While WeasyPrint draws: give each word of the text boxes that hold right-to-left text
    (in a right-to-left publication: of every text box) an /ActualText that poppler reads as
    the word in logical order (pressroom.actualtext, issue 13).

    The spans are marked content inside the text object of the line WeasyPrint draws (in the
    tagged screen edition, inside the box's ``/Span <</MCID n>>``): ``/Span <</ActualText …>>
    BDC … EMC`` around each word's glyphs, the spaces left outside. If the drawn glyphs cannot
    be matched to words, the line gets one span. Text boxes without right-to-left text in a
    left-to-right publication are drawn exactly as before.

    ``logical`` collects, for the tagged edition, the text of each such box in logical order:
    {id of the page's tags: {MCID: text}}, for ``_Finisher.structure_actual_text``."""
    import pydyf
    from weasyprint.draw import text as draw_text

    original = draw_text.draw_first_line

    def draw_first_line(stream, textbox, *args, **kwargs):
        start = len(stream.stream)
        result = original(stream, textbox, *args, **kwargs)
        text = textbox.pango_layout.text
        if len(stream.stream) == start or not text.strip() or not (rtl or actualtext.has_rtl(text)):
            return result
        items = stream.stream[start:]
        tags = stream._tags
        if logical is not None and tags is not None and textbox in tags:
            logical.setdefault(id(tags), {})[tags[textbox]["mcid"]] = text
        drawn = _drawn_glyphs(textbox)
        glyphs, levels = drawn if drawn else ([], [])
        spans = actualtext.word_spans(text, [s for _, s in glyphs], levels, rtl) if glyphs else None
        if spans == []:
            return result  # left-to-right words only: drawn as they are
        rewritten = _split_tj(items, glyphs, spans) if spans is not None else None
        if rewritten is None:
            _log.debug("one ActualText for the line %r (its words could not be matched)", text)
            rewritten = [b"/Span", pydyf.Dictionary({"ActualText": pydyf.String(
                actualtext.poppler_text(text, rtl))}), b"BDC", *items, b"EMC"]
        stream.stream[start:] = rewritten
        return result

    draw_text.draw_first_line = draw_first_line
    try:
        yield
    finally:
        draw_text.draw_first_line = original


# -- writing --------------------------------------------------------------------------------

def write(interview: m.Interview, styles: Styles, edition: str = "print", trim: str | None = None,
          icc: str | None = None, pages_out: list | None = None, layout_out: list | None = None,
          layout_only: bool = False) -> bytes:
    """The PDF of one edition as bytes.

    ``pages_out``: a list that gets the print edition's page map (``pagemap.starts``), which the
    CLI writes beside the PDF for the EPUB. ``layout_out``: a list that gets the laid-out
    (weasyprint.HTML, Document), for tests that look at the boxes. ``layout_only``: lay out,
    and write nothing (``page_map``).
    """
    if edition not in EDITIONS:
        raise BuildError(f"unknown edition {edition!r}")
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    profile = icc_profile(styles, icc, trim) if edition == "print" else None
    sheets = stylesheets(styles, edition, trim)

    roots = [styles.root]
    overrides = {}
    image = interview.image
    if image and image.path:
        roots.append(Path(image.path).parent)
        checked = photo_bytes(image)  # the bytes the reader checked, never the path again
        try:
            converted = prepare_image(checked, edition, profile)
        except Exception as e:  # noqa: BLE001 - Pillow raises many types for bad images
            raise BuildError(f"cannot prepare the lead photo {image.path}: {e}") from None
        overrides[unquote(urlparse(photo_url(image)).path)] = checked if converted is None else converted
    fetcher = _fetcher_class()(roots, overrides)
    font_config = FontConfiguration()
    color_profiles: dict = {}  # shared by every stylesheet and the document (@color-profile)
    base_url = str(styles.root) + os.sep
    try:
        css = [sheet.css(url_fetcher=fetcher, font_config=font_config, color_profiles=color_profiles)
               for sheet in sheets]
    except FatalURLFetchingError as e:
        raise BuildError(f"fetching refused: {e}") from None
    options = {"pdf_identifier": True}
    if edition == "print":
        css.append(weasyprint.CSS(
            string="@color-profile device-cmyk { src: url(%s); components: cyan, magenta, yellow, black; }"
            % profile.as_uri(), base_url=base_url, url_fetcher=fetcher, font_config=font_config,
            color_profiles=color_profiles))
        if "device-cmyk" not in color_profiles:
            raise BuildError(f"the ICC profile {profile} could not be loaded as the output intent")
        options.update(pdf_variant="pdf/x-4")
    else:
        options.update(pdf_variant="pdf/ua-1", pdf_tags=True)

    finisher = _Finisher(interview, edition, _declared_families(styles.path("fonts.css")),
                         output_condition(styles, profile) if profile else None,
                         (trim or DEFAULT_TRIM) if edition == "print" else "",
                         profile.name if profile else "")
    collector = _ErrorCollector()
    log = logging.getLogger("weasyprint")
    log.addHandler(collector)
    try:
        footnotes.install()  # WeasyPrint's footnote-area overflow test (footnotes.py)

        def render(string):
            # render + write_pdf is what HTML.write_pdf does; split to keep the print layout.
            html = weasyprint.HTML(string=string, base_url=base_url, url_fetcher=fetcher)
            return html, html.render(stylesheets=css, font_config=font_config,
                                     color_profiles=color_profiles, **options)

        doc, document = laid_out(interview, styles, edition, render)
        # Every note starts on the page of its call, or nothing is written (footnotes.py).
        footnotes.check_notes_on_call_pages(document, edition)
        if pages_out is not None:
            pages_out.extend(pagemap.starts(doc, document))
        if layout_out is not None:
            layout_out.extend((doc, document))
        if layout_only:
            data = b""
        else:
            with _actual_text(interview.meta.script_direction == "rtl", finisher.logical):
                data = document.write_pdf(finisher=finisher, **options)
    except FatalURLFetchingError as e:
        raise BuildError(f"fetching refused: {e}") from None
    finally:
        log.removeHandler(collector)
    if collector.messages:
        raise BuildError("WeasyPrint reported errors: " + "; ".join(collector.messages[:5]))
    return data


def page_map(interview: m.Interview, styles: Styles, trim: str | None = None, **_ignored) -> list:
    """The print edition's page map, laid out exactly as ``write`` lays out the print PDF, without
    writing the PDF (so without the checks on the finished file, such as a glyph no font of
    styles/fonts has): for an EPUB made by hand from a source (``pressroom epub source.md``)."""
    pages: list = []
    write(interview, styles, "print", trim, pages_out=pages, layout_only=True)
    return pages


# -- proofs ---------------------------------------------------------------------------------

def contact_sheet(pngs: list[Path], out: Path, columns: int = 4, width: int = 360) -> None:
    """One PNG with every page (the PNGs that ``pdftoppm`` rendered), in order, labelled."""
    from PIL import Image, ImageDraw

    thumbs = []
    for png in pngs:
        with Image.open(png) as im:
            im = im.convert("RGB")
            im.thumbnail((width, width * 2))
            thumbs.append((png.stem, im))
    if not thumbs:
        raise BuildError("no pages to put on the contact sheet")
    cell_w = max(t.width for _, t in thumbs) + 24
    cell_h = max(t.height for _, t in thumbs) + 40
    rows = (len(thumbs) + columns - 1) // columns
    sheet = Image.new("RGB", (cell_w * min(columns, len(thumbs)), cell_h * rows), (214, 214, 210))
    draw = ImageDraw.Draw(sheet)
    for i, (name, im) in enumerate(thumbs):
        x, y = (i % columns) * cell_w + 12, (i // columns) * cell_h + 12
        sheet.paste(im, (x, y))
        draw.rectangle((x - 1, y - 1, x + im.width, y + im.height), outline=(120, 120, 120))
        draw.text((x, y + im.height + 6), name, fill=(30, 30, 30))
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, format="PNG")


def _main(argv: list[str]) -> int:
    """``python -m pressroom.writers.pdf contact-sheet OUT.png PAGE.png...`` (used by make proof)."""
    if len(argv) < 3 or argv[0] != "contact-sheet":
        print("usage: python -m pressroom.writers.pdf contact-sheet OUT.png PAGE.png...", file=sys.stderr)
        return 2
    contact_sheet([Path(a) for a in argv[2:]], Path(argv[1]))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main(sys.argv[1:]))
