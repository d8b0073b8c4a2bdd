"""Low-level WordprocessingML for the DOCX writer: element and attribute helpers, lengths,
text that XML and Word accept, runs' text, bookmarks, keep-with-next, the schema order of the
children the writer inserts, and the core document properties.

Nothing here knows the interview's layout or the template's styles.
"""

from __future__ import annotations

import datetime as _dt
import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ... import model as m


#: The WordprocessingML namespace, as lxml writes it in a tag or attribute name.
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

#: Characters that XML 1.0 forbids or that Word treats as controls; dropped.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")

#: Bookmark names: a letter, then letters, digits and underscores (Word's rule), at most 40.
_BOOKMARK_BAD = re.compile(r"[^A-Za-z0-9_]")

# Schema order of the children of w:pPr, w:rPr and w:sectPr after the ones we write.
PPR_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                  "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                  "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                  "w:pPrChange")
SECTPR_AFTER_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
SETTINGS_AFTER_THEMEFONTLANG = ("w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
                                "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
                                "w:readModeInkLockDown", "w:smartTagType", "w:schemaLibrary",
                                "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
                                "w:listSeparator")


RPR_ORDER = ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
             "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
             "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
             "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
             "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
#: For each child of w:rPr, the ones that come after it.
RPR_AFTER = {tag: RPR_ORDER[i + 1:] for i, tag in enumerate(RPR_ORDER)}


def clean(text: str) -> str:
    """Text safe for WordprocessingML: no control characters, line ends as spaces."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return _CONTROL.sub("", text)


def twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def set_attr(el, name: str, value) -> None:
    """``el``'s attribute ``name`` (a prefixed name, ``w:val``) set to ``value``."""
    el.set(qn(name), str(value))


def child(parent, tag: str, **attrs):
    """A new element ``tag`` with ``attrs`` (prefixed names), appended to ``parent``."""
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(k), str(v))
    parent.append(el)
    return el


def add_text(r, text: str) -> None:
    """``text`` in run ``r``: tabs become w:tab and soft hyphens w:softHyphen, as Word writes them."""
    for part in re.split("([\t\u00ad])", text):
        if part == "\t":
            child(r, "w:tab")
        elif part == "\u00ad":
            child(r, "w:softHyphen")
        elif part:
            t = child(r, "w:t")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = part


def add_bookmark(p, bookmark_id: int, name: str) -> str:
    """Bookmark paragraph ``p`` as ``name`` (made a valid bookmark name, which is returned)."""
    name = _BOOKMARK_BAD.sub("_", name)
    if not name[:1].isalpha():
        name = "b_" + name
    name = name[:40]
    start = OxmlElement("w:bookmarkStart")
    set_attr(start, "w:id", bookmark_id)
    set_attr(start, "w:name", name)
    end = OxmlElement("w:bookmarkEnd")
    set_attr(end, "w:id", bookmark_id)
    ppr = p.find(qn("w:pPr"))
    ppr.addnext(start)
    p.append(end)
    return name


def keep_next(p) -> None:
    """Keep paragraph ``p`` on the page of the next one (``w:keepNext`` right after its style)."""
    ppr = p.find(qn("w:pPr"))
    if ppr.find(qn("w:keepNext")) is None:
        ppr.find(qn("w:pStyle")).addnext(OxmlElement("w:keepNext"))


# -- core properties (docProps/core.xml) --------------------------------------------------------

#: What a core property (docProps/core.xml) can hold; python-docx and Word refuse more.
CORE_PROPERTY_MAX = 255


def fit(value: str, limit: int = CORE_PROPERTY_MAX) -> str:
    """``value``, or as many whole words of it as fit with an ellipsis."""
    if len(value) <= limit:
        return value
    cut = value[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def fit_list(items, limit: int = CORE_PROPERTY_MAX) -> str:
    """As many whole keywords as fit, comma-separated."""
    out = ""
    for item in items:
        joined = f"{out}, {item}" if out else item
        if len(joined) > limit:
            break
        out = joined
    return out or fit(items[0], limit) if items else ""


def core_properties(cp, iv: m.Interview) -> None:
    """The core properties ``cp`` (python-docx's) from the interview, and nothing else: title,
    author, subject, keywords, language, category, identifier; the source's date as created,
    its modification time as modified."""
    meta = iv.meta
    for old in list(cp._element):  # nothing from the template's own properties
        cp._element.remove(old)
    person = iv.interviewer.name if iv.interviewer else meta.publisher
    values = {
        "title": meta.title, "author": person, "last_modified_by": person, "subject": meta.subtitle,
        "keywords": fit_list(meta.keywords), "language": meta.lang, "category": meta.section,
        "identifier": meta.identifier,
    }
    for name, value in values.items():
        if clean(value):
            # The full text is in the document; a core property holds at most 255 characters.
            setattr(cp, name, fit(clean(value)))
    cp.revision = 1
    cp.created = _dt.datetime(meta.date.year, meta.date.month, meta.date.day)
    cp.modified = meta.modified_at.replace(tzinfo=None)  # UTC, as python-docx writes it (…Z)
