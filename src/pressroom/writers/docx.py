"""DOCX writer: the model on the reference template ``styles/reference.docx``.

Like pandoc's ``--reference-doc``: the template holds every style, the page
set-up (the print edition's A4 trim, mirrored margins), the footer with its
page number, the footnote separators and the list definitions. This module
empties the template's body and adds the interview, giving every paragraph
and every formatted run a named style; it defines no style and sets no font
size or colour. Per-document data (fonts per script, figure size) comes from
``styles/docx.json``.

The layout follows ``html.py``: the title block's parts from ``titleblock.py``
(kicker, lead figure, photo with alt text or a marked FPO frame, with caption
and credit, title, standfirst, interviewee, byline "Interview by NAME*" and the
date), the questions and answers, the interviewer's note ("* bio"), and real
footnotes in the footnotes part.

The output is reproducible: core dates are the source's date, there are no
rsids or timestamps, and the zip is normalised (``package.normalise_zip``).
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import re
import unicodedata

from docx import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import PartFactory, XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm
from docx.text.paragraph import Paragraph as DocxParagraph

from .. import breaks
from .. import model as m
from .. import photo
from .. import titleblock as tb
from ..errors import BuildError
from ..package import normalise_zip
from ..styles import TRIM_LENGTHS, Styles

# Load an existing footnotes part as XML (python-docx has no footnotes API and
# would otherwise keep the template's part as an opaque blob).
PartFactory.part_type_for[CT.WML_FOOTNOTES] = XmlPart

#: Characters that XML 1.0 forbids or that Word treats as controls; dropped.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")

#: Bookmark names: a letter, then letters, digits and underscores (Word's rule), at most 40.
_BOOKMARK_BAD = re.compile(r"[^A-Za-z0-9_]")

_RTL_CLASSES = frozenset({"R", "AL"})

#: Parts an editor's Word may add when saving the template; none belongs in an output.
_DROP_RELTYPES = frozenset({
    RT.THUMBNAIL, RT.CUSTOM_XML, RT.WEB_SETTINGS, RT.GLOSSARY_DOCUMENT, RT.COMMENTS,
    RT.CUSTOM_PROPERTIES,
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate",
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.microsoft.com/office/2011/relationships/people",
    "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
    "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
    "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
    "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
})
_APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>pressroom</Application><DocSecurity>0</DocSecurity></Properties>"
)
_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

#: Paragraph style ids the writer uses (all defined in the template; a test checks).
STYLE_IDS = (
    "Kicker", "Figure", "FPO", "Caption", "Title", "Subtitle", "Interviewee", "Byline", "Intro",
    "IntroContinued", "Question", "Answer", "AnswerContinued", "BlockText", "Attribution", "ListBullet",
    "ListNumber", "ListContinue", "InterviewerNote", "FootnoteText", "Header", "Footer",
)
#: Character and table style ids the writer uses.
CHAR_STYLE_IDS = ("Emphasis", "Strong", "StrongEmphasis", "Code", "Superior", "Hyperlink", "FootnoteReference",
                  "Interviewer", "IntervieweeName", "Credit", "HeaderPublication", "HeaderSection")
TABLE_STYLE_IDS = ("FPOFrame",)


def _address_breaks(text: str) -> str:
    """A zero-width space (U+200B, Word's "no-width optional break") after each run of
    / ? & . - _ inside a URL or e-mail address, so Word can break a long address there without
    adding a hyphen (a w:softHyphen would add one). The model's text is not changed."""
    out = []
    for is_address, piece in breaks.split_addresses(text):
        out.append("\u200b".join(breaks.address_parts(piece)) if is_address else piece)
    return "".join(out)


def clean(text: str) -> str:
    """Text safe for WordprocessingML: no control characters, line ends as spaces."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return _CONTROL.sub("", text)


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def _load_data(styles: Styles) -> dict:
    with open(styles.path("docx.json"), encoding="utf-8") as f:
        return json.load(f)


def _set(el, name: str, value) -> None:
    el.set(qn(name), str(value))


def _child(parent, tag: str, **attrs):
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(k), str(v))
    parent.append(el)
    return el


# Schema order of the children of w:pPr, w:rPr and w:sectPr after the ones we write.
_PPR_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                   "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                   "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                   "w:pPrChange")
_SECTPR_AFTER_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
_SETTINGS_AFTER_THEMEFONTLANG = ("w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
                                 "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
                                 "w:readModeInkLockDown", "w:smartTagType", "w:schemaLibrary",
                                 "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
                                 "w:listSeparator")


_RPR_ORDER = ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
              "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
              "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
              "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
              "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_RPR_AFTER = {tag: _RPR_ORDER[i + 1:] for i, tag in enumerate(_RPR_ORDER)}


_WJ = "\u2060"  # WORD JOINER: no line break on either side
_CJK_CHAR = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _join_cjk(text: str) -> str:
    """``text`` with a WORD JOINER between two CJK characters (the writer's own rule, see keep_words)."""
    out = []
    for i, ch in enumerate(text):
        if i and _CJK_CHAR.match(ch) and _CJK_CHAR.match(text[i - 1]):
            out.append(_WJ)
        out.append(ch)
    return "".join(out)


def _keep_next(p) -> None:
    """Keep paragraph ``p`` on the page of the next one (``w:keepNext`` right after its style)."""
    ppr = p.find(qn("w:pPr"))
    if ppr.find(qn("w:keepNext")) is None:
        ppr.find(qn("w:pStyle")).addnext(OxmlElement("w:keepNext"))


def _segments(text: str) -> list[tuple[str, bool]]:
    """Split text of a right-to-left paragraph into (text, is_rtl) runs.

    Left-to-right stretches (Latin words, with the spaces and punctuation
    between them) become LTR runs; everything else is RTL, as Word does when
    one types mixed text in an Arabic paragraph.
    """
    classes = [unicodedata.bidirectional(c) for c in text]
    n = len(text)
    ltr = [False] * n
    i = 0
    while i < n:
        if classes[i] == "L":
            j = i
            last_l = i
            while j < n and classes[j] not in _RTL_CLASSES:
                if classes[j] == "L":
                    last_l = j
                j += 1
            for k in range(i, last_l + 1):
                ltr[k] = True
            i = last_l + 1
        else:
            i += 1
    out: list[tuple[str, bool]] = []
    for ch, is_ltr in zip(text, ltr):
        if out and out[-1][1] == (not is_ltr):
            out[-1] = (out[-1][0] + ch, not is_ltr)
        else:
            out.append((ch, not is_ltr))
    return out


class _Writer:
    def __init__(self, interview: m.Interview, styles: Styles, trim: str | None = None):
        self.iv = interview
        self.styles = styles
        self.data = _load_data(styles)
        self.trim = trim or self.data.get("trim", "a4")
        self.strings = styles.strings(interview.meta.lang)
        self.rtl = interview.meta.script_direction == "rtl"
        primary = interview.meta.lang.split("-")[0].lower()
        self.cjk = "eastAsia" in self.data["languages"].get(primary, {})
        self.italic = self.data["languages"].get(primary, {}).get("italic", True) is not False
        self.notes = {n.number: n for n in interview.notes}
        self.noted: list[int] = []
        self.bookmark_id = 0
        try:
            with open(styles.path("reference.docx"), "rb") as f:
                self.doc = Document(io.BytesIO(f.read()))
        except BuildError:
            raise
        except Exception as e:  # a damaged template is not the source's fault
            raise BuildError(f"cannot open the DOCX template styles/reference.docx: {e}") from e
        self.body = self.doc.element.body
        self.sectPr = self.body.find(qn("w:sectPr"))
        self.footnotes_part = self._footnotes_part()
        numbering = self.doc.part.numbering_part.element
        self.numbering = numbering

    # -- package ----------------------------------------------------------
    def _footnotes_part(self) -> XmlPart:
        try:
            part = self.doc.part.part_related_by(RT.FOOTNOTES)
        except KeyError:
            raise BuildError("the DOCX template has no footnotes part (word/footnotes.xml)") from None
        if not isinstance(part, XmlPart):
            raise BuildError("the DOCX template's footnotes part could not be read as XML")
        return part

    # -- building blocks ----------------------------------------------------
    def p(self, style: str, ind_left: int | None = None, numpr: tuple[int, int] | None = None):
        """A new ``w:p`` with its style (and the paragraph direction of the language)."""
        p = OxmlElement("w:p")
        ppr = _child(p, "w:pPr")
        _child(ppr, "w:pStyle", **{"w:val": style})
        if numpr is not None:
            num = _child(ppr, "w:numPr")
            _child(num, "w:ilvl", **{"w:val": numpr[0]})
            _child(num, "w:numId", **{"w:val": numpr[1]})
        if self.rtl:
            _child(ppr, "w:bidi")
        if ind_left is not None:
            _child(ppr, "w:ind", **{"w:left": ind_left})
        return p

    def add(self, el):
        self.sectPr.addprevious(el)
        return el

    def run(self, parent, text: str, style: str | None = None, direct: tuple[str, ...] = ()):
        """Append runs for ``text`` to ``parent`` (a paragraph or hyperlink)."""
        text = clean(text)
        if not text:
            return
        segments = _segments(text) if self.rtl else [(text, False)]
        for seg, is_rtl in segments:
            r = _child(parent, "w:r")
            if style or direct or is_rtl:
                rpr = _child(r, "w:rPr")
                if style:
                    _child(rpr, "w:rStyle", **{"w:val": style})
                for tag in direct:  # schema order: b, bCs, i, iCs
                    _child(rpr, tag)
                if is_rtl:
                    _child(rpr, "w:rtl")
            self._text(r, seg)

    @staticmethod
    def _text(r, text: str):
        # Tabs become w:tab and soft hyphens w:softHyphen, as Word writes them.
        for part in re.split("([\t\u00ad])", text):
            if part == "\t":
                _child(r, "w:tab")
            elif part == "\u00ad":
                _child(r, "w:softHyphen")
            elif part:
                t = _child(r, "w:t")
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                t.text = part

    def bookmark(self, p, name: str, first: bool = True):
        name = _BOOKMARK_BAD.sub("_", name)
        if not name[:1].isalpha():
            name = "b_" + name
        name = name[:40]
        self.bookmark_id += 1
        start = OxmlElement("w:bookmarkStart")
        _set(start, "w:id", self.bookmark_id)
        _set(start, "w:name", name)
        end = OxmlElement("w:bookmarkEnd")
        _set(end, "w:id", self.bookmark_id)
        ppr = p.find(qn("w:pPr"))
        ppr.addnext(start)
        p.append(end)
        return name

    # -- inlines ------------------------------------------------------------
    def styled(self, parent, nodes, style: str | None = None, prefix: str = ""):
        """Runs for the nodes of a front-matter value after ``prefix``: its text in ``style``,
        its superior letters (French "XXIe") in Superior Letters."""
        for i, n in enumerate(nodes):
            lead = prefix if i == 0 else ""
            if isinstance(n, m.Superscript):
                self.run(parent, lead, style)
                self.run(parent, n.text, "Superior")
            else:
                self.run(parent, lead + n.text, style)

    #: The paragraph style of each part of the title block (titleblock.py; the figure has its own).
    PART_STYLES = {"kicker": "Kicker", "title": "Title", "standfirst": "Subtitle",
                   "interviewee": "Interviewee", "byline": "Byline"}
    #: The character style of each role of a title block piece (absent: none).
    PIECE_STYLES = {tb.INTERVIEWER: "Interviewer", tb.NOTE_MARK: "Interviewer",
                    tb.INTERVIEWEE_NAME: "IntervieweeName", tb.CREDIT: "Credit"}

    def pieces(self, p, pieces):
        """Runs for the pieces of a title block part: each in its role's character style
        (``PIECE_STYLES``), a front-matter value's superior letters in Superior Letters. A
        piece's lead shares the run of an unstyled piece, and is a run of its own before a
        styled one; the note mark is a link to the interviewer's note."""
        for piece in pieces:
            style = self.PIECE_STYLES.get(piece.role)
            lead = piece.lead
            if lead and style:
                self.run(p, lead)
                lead = ""
            if piece.role == tb.NOTE_MARK:
                h = _child(p, "w:hyperlink", **{"w:anchor": "interviewer_note"})
                self.run(h, piece.text, style)
            elif piece.nodes:
                self.styled(p, piece.nodes, style, prefix=lead)
            else:
                self.run(p, lead + piece.text, style)

    def inlines(self, parent, nodes, part, em=False, strong=False, link=None):
        for n in nodes:
            self.inline(parent, n, part, em, strong, link)

    def _style_for(self, em: bool, strong: bool, link) -> tuple[str | None, tuple[str, ...]]:
        if link is not None:
            if em and not self.italic:
                em, strong = False, True
            direct = (("w:b", "w:bCs") if strong else ()) + (("w:i", "w:iCs") if em else ())
            return "Hyperlink", direct
        if em and strong:
            return "StrongEmphasis", ()
        if em:
            return "Emphasis", ()
        if strong:
            return "Strong", ()
        return None, ()

    def inline(self, parent, n, part, em, strong, link):
        if isinstance(n, m.Text):
            style, direct = self._style_for(em, strong, link)
            self.run(parent, _address_breaks(n.text), style, direct)
        elif isinstance(n, m.Emphasis):
            self.inlines(parent, n.children, part, True, strong, link)
        elif isinstance(n, m.Strong):
            self.inlines(parent, n.children, part, em, True, link)
        elif isinstance(n, m.Code):
            # One character style per run: code inside strong or emphasis keeps its weight or
            # slant as direct formatting on the Code style (as links do).
            if em and not self.italic:
                em, strong = False, True
            direct = (("w:b", "w:bCs") if strong else ()) + (("w:i", "w:iCs") if em else ())
            self.run(parent, n.text, "Code", direct)
        elif isinstance(n, m.Superscript):
            # Superior letters (French 1er, Mme): their own style; emphasis around them, which
            # a run cannot carry as a second style, is direct bold or italic, as in links.
            if em and not self.italic:
                em, strong = False, True
            self.run(parent, n.text, "Superior",
                     (("w:b", "w:bCs") if strong else ()) + (("w:i", "w:iCs") if em else ()))
        elif isinstance(n, m.Link):
            if link is not None:  # no links inside links
                self.inlines(parent, n.children, part, em, strong, link)
                return
            rid = part.relate_to(clean(n.href), RT.HYPERLINK, is_external=True)
            h = _child(parent, "w:hyperlink", **{"r:id": rid})
            self.inlines(h, n.children, part, em, strong, n)
        elif isinstance(n, m.LineBreak):
            r = _child(parent, "w:r")
            _child(r, "w:br")
        elif isinstance(n, m.NoteRef):
            self.note_call(parent, n.number)
        else:
            raise BuildError(f"DOCX writer: unknown inline node {type(n).__name__}")

    def note_call(self, parent, number: int):
        r = _child(parent, "w:r")
        rpr = _child(r, "w:rPr")
        _child(rpr, "w:rStyle", **{"w:val": "FootnoteReference"})
        if number in self.notes and number not in self.noted:
            self.noted.append(number)
            _child(r, "w:footnoteReference", **{"w:id": number})
        else:
            # A second call to the same note: its number, as the first call shows it.
            t = _child(r, "w:t")
            t.text = str(number)

    # -- blocks -------------------------------------------------------------
    def blocks(self, blocks, first: str, cont: str, part, add) -> None:
        """Add paragraphs for ``blocks``: ``first`` style, then ``cont`` after a paragraph."""
        prev_para = False
        for b in blocks:
            if isinstance(b, m.Paragraph):
                p = self.p(cont if prev_para else first)
                self.inlines(p, b.children, part)
                add(p)
                prev_para = True
            else:
                self.block(b, part, add, level=0, quote_style="BlockText" if first != "FootnoteText" else first)
                prev_para = False

    def block(self, b, part, add, level: int, quote_style: str, in_note: bool = False):
        in_note = in_note or quote_style == "FootnoteText"
        if isinstance(b, m.Paragraph):
            p = self.p(quote_style)
            self.inlines(p, b.children, part)
            add(p)
        elif isinstance(b, m.BlockQuote):
            for c in b.children:
                self.block(c, part, add, level, quote_style, in_note)
            if b.attribution:
                # Who said it: its own paragraph, introduced by the language's dash.
                p = self.p(quote_style if in_note else "Attribution")
                self.run(p, self.strings["attribution_dash"])
                self.inlines(p, b.attribution, part)
                add(p)
        elif isinstance(b, m.List):
            self.list(b, part, add, level, in_note)
        else:
            raise BuildError(f"DOCX writer: unknown block node {type(b).__name__}")

    def list(self, lst: m.List, part, add, level: int, in_note: bool):
        level = min(level, 8)
        if in_note:
            # Notes stay on Footnote Text: the marker is written as text.
            for i, item in enumerate(lst.items):
                mark = f"{lst.start + i}. " if lst.ordered else "\u2022 "
                for j, c in enumerate(item.children):
                    if isinstance(c, m.Paragraph):
                        p = self.p("FootnoteText")
                        if j == 0:
                            self.run(p, mark)
                        self.inlines(p, c.children, part)
                        add(p)
                    else:
                        self.block(c, part, add, level + 1, "FootnoteText", True)
            return
        if lst.ordered:
            num = self.numbering.add_num(2)  # the template's decimal list (abstractNumId 2)
            num.add_lvlOverride(ilvl=level).add_startOverride(lst.start)
            num_id = int(num.get(qn("w:numId")))
            style = "ListNumber"
        else:
            num_id = 1  # the template's bullet list
            style = "ListBullet"
        indent = self._list_indent(level)
        for item in lst.items:
            first = True
            for c in item.children:
                if isinstance(c, m.Paragraph):
                    if first:
                        p = self.p(style, numpr=(level, num_id))
                    else:
                        p = self.p("ListContinue", ind_left=indent)
                    self.inlines(p, c.children, part)
                    add(p)
                elif isinstance(c, m.List):
                    self.list(c, part, add, level + 1, in_note)
                else:
                    self.block(c, part, add, level + 1, "BlockText")
                first = False

    def _list_indent(self, level: int) -> int:
        """The text indent of list level ``level`` in the template's numbering (twips)."""
        ind = self.numbering.find(
            f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='1']/{qn('w:lvl')}[@{qn('w:ilvl')}='{level}']"
            f"/{qn('w:pPr')}/{qn('w:ind')}")
        return int(ind.get(qn("w:left"))) if ind is not None else 0

    # -- the interview ----------------------------------------------------------
    def build(self) -> bytes:
        iv = self.iv
        # Empty the template's body (its sample paragraphs); keep the section properties.
        for child in list(self.body):
            if child is not self.sectPr:
                self.body.remove(child)
        part = self.doc.part
        self.page()

        for title_part in tb.parts(iv, self.strings):
            if title_part.kind == "figure":
                self.figure(title_part.image, title_part.pieces)
            else:
                self.pieces(self.add(self.p(self.PART_STYLES[title_part.kind])), title_part.pieces)

        if iv.intro:
            self.blocks(iv.intro, "Intro", "IntroContinued", part, self.add)
        for ex in iv.exchanges:
            q = self.add(self.p("Question"))
            self.inlines(q, ex.question, part)
            if self.cjk:
                self.keep_words(q)
            self.bookmark(q, ex.id)
            self.blocks(ex.answer, "Answer", "AnswerContinued", part, self.add)
        bio = tb.interviewer_note(iv, self.strings)
        if bio is not None:
            # The note never ends up alone on the last page: the answer's last paragraph keeps
            # with it. Word then takes the paragraph's last lines over with the note; LibreOffice
            # moves the whole paragraph (and the question, if it is the only one), and lays a
            # paragraph longer than a page out badly, so only a paragraph of up to
            # "keep_with_note_max_chars" (styles/docx.json, about two thirds of a page) keeps.
            last = self.sectPr.getprevious()
            limit = self.data.get("keep_with_note_max_chars", 0)
            if last is not None and last.tag == qn("w:p") and len("".join(last.itertext())) <= limit:
                _keep_next(last)
            p = self.add(self.p("InterviewerNote"))
            self.pieces(p, bio.pieces)
            self.bookmark(p, "interviewer_note")

        self.footnotes()
        self.header()
        self.sanitise()
        self.direction()
        self.language()
        self.properties()
        buf = io.BytesIO()
        self.doc.save(buf)
        return normalise_zip(buf.getvalue(), first=("[Content_Types].xml",))

    def page(self):
        """Page size and margins of the print edition (``styles/trim/<trim>.json``).

        The template's own page set-up is replaced, so the DOCX follows the print
        trim when its data changes; the running head's right tab follows the text
        width.
        """
        trim = self.styles.trim(self.trim)
        geo = {key: trim.mm(key) for key in TRIM_LENGTHS}
        sz = self.sectPr.find(qn("w:pgSz"))
        mar = self.sectPr.find(qn("w:pgMar"))
        if sz is None or mar is None:
            raise BuildError("the DOCX template's section has no page size or margins")
        _set(sz, "w:w", _twips(geo["width"]))
        _set(sz, "w:h", _twips(geo["height"]))
        for attr, key in (("w:top", "top"), ("w:right", "outside"), ("w:bottom", "bottom"), ("w:left", "inside")):
            _set(mar, attr, _twips(geo[key]))
        text_width = _twips(geo["width"] - geo["inside"] - geo["outside"])
        header = self.doc.styles.element.find(f"{qn('w:style')}[@{qn('w:styleId')}='Header']")
        if header is not None:
            for tab in header.iter(qn("w:tab")):
                if tab.get(qn("w:val")) == "right":
                    _set(tab, "w:pos", text_width)

    def figure(self, image: m.Image, caption: tuple[tb.Piece, ...] = ()):
        fig = self.data["figure"]
        section = self.doc.sections[0]
        text_width = section.page_width - section.left_margin - section.right_margin
        if image.path is not None:
            para = DocxParagraph(self.add(self.p("Figure")), self.doc._body)
            width = Emu(text_width)
            max_h = Mm(fig["max_height_mm"])
            if image.width and image.height and width * image.height / image.width > max_h:
                width = Emu(int(max_h * image.width / image.height))
            checked = photo.photo_bytes(image)  # the bytes the reader checked, never the path again
            try:
                shape = para.add_run().add_picture(photo.for_office(checked), width=width)
            except Exception as e:
                raise BuildError(f"cannot place the lead image {image.path}: {e}") from e
            doc_pr = shape._inline.docPr
            doc_pr.set("name", "Lead photo")
            doc_pr.set("descr", clean(image.alt))
        else:
            self.add(self.fpo_frame(image, text_width, Mm(fig["fpo_height_mm"])))
        if caption:
            self.pieces(self.add(self.p("Caption")), caption)

    def fpo_frame(self, image: m.Image, text_width: int, height: int):
        """A one-cell table, styled "FPO Frame", that holds the place of the photo."""
        tbl = OxmlElement("w:tbl")
        tblpr = _child(tbl, "w:tblPr")
        _child(tblpr, "w:tblStyle", **{"w:val": "FPOFrame"})
        if self.rtl:
            _child(tblpr, "w:bidiVisual")
        _child(tblpr, "w:tblW", **{"w:w": 5000, "w:type": "pct"})
        _child(tblpr, "w:tblLayout", **{"w:type": "fixed"})
        _child(tblpr, "w:tblLook", **{"w:val": "0000", "w:firstRow": 0, "w:lastRow": 0, "w:firstColumn": 0,
                                       "w:lastColumn": 0, "w:noHBand": 1, "w:noVBand": 1})
        _child(tblpr, "w:tblCaption", **{"w:val": clean(self.strings["fpo"])})
        _child(tblpr, "w:tblDescription", **{"w:val": clean(image.alt)})
        grid = _child(tbl, "w:tblGrid")
        _child(grid, "w:gridCol", **{"w:w": int(text_width) // 635})  # EMU to twips
        tr = _child(tbl, "w:tr")
        trpr = _child(tr, "w:trPr")
        _child(trpr, "w:cantSplit")
        _child(trpr, "w:trHeight", **{"w:val": int(Emu(height)) // 635, "w:hRule": "exact"})
        tc = _child(tr, "w:tc")
        tcpr = _child(tc, "w:tcPr")
        _child(tcpr, "w:tcW", **{"w:w": 5000, "w:type": "pct"})
        _child(tcpr, "w:vAlign", **{"w:val": "center"})
        p = self.p("FPO")
        self.run(p, self.strings["fpo"])
        tc.append(p)
        return tbl

    def keep_words(self, p):
        """No line break inside a word of a CJK question ("挑/战"): the characters between two
        punctuation marks or spaces are joined with WORD JOINERs, so a line breaks after a
        mark or at a space (and only where a phrase is longer than a line, anywhere)."""
        for t in p.iter(qn("w:t")):
            t.text = _join_cjk(t.text or "")

    def footnotes(self):
        root = self.footnotes_part.element
        for number in self.noted:
            note = self.notes[number]
            fn = _child(root, "w:footnote", **{"w:id": number})
            paras: list = []
            self.blocks(note.children, "FootnoteText", "FootnoteText", self.footnotes_part, paras.append)
            if not paras or paras[0].find(qn("w:pPr") + "/" + qn("w:numPr")) is not None:
                paras.insert(0, self.p("FootnoteText"))
            first = paras[0]
            ref = OxmlElement("w:r")
            rpr = _child(ref, "w:rPr")
            _child(rpr, "w:rStyle", **{"w:val": "FootnoteReference"})
            _child(ref, "w:footnoteRef")
            first.find(qn("w:pPr")).addnext(ref)
            space = OxmlElement("w:r")
            self._text(space, " ")
            ref.addnext(space)
            for p in paras:
                fn.append(p)

    def header(self):
        """The running head: publication and section label, a tab, the title (not on the first page)."""
        meta = self.iv.meta
        header = self.doc.sections[0].header
        paras = header._element.findall(qn("w:p"))
        p = paras[0] if paras else _child(header._element, "w:p")
        if meta.publisher:
            self.run(p, meta.publisher, "HeaderPublication")
            if meta.section:
                self.run(p, self.strings["header_sep"])
        if meta.section:
            self.run(p, meta.section, "HeaderSection")
        r = _child(p, "w:r")
        _child(r, "w:tab")
        self.run(p, meta.title)

    def sanitise(self):
        """Drop what a template saved by Word may carry: thumbnails, customXml,
        stylesWithEffects, web settings, comments, the attached template's path,
        revision ids (rsids)."""
        pkg = self.doc.part.package
        for part in [pkg, *pkg.iter_parts()]:
            rels = part.rels
            for rid, rel in list(rels.items()):
                if rel.reltype in _DROP_RELTYPES:
                    del rels[rid]
                    rels._target_parts_by_rId.pop(rid, None)
        for part in pkg.iter_parts():
            if not isinstance(part, XmlPart):
                continue
            for el in list(part.element.iter()):
                if el.tag == _W_NS + "rsid":  # a style's revision id
                    el.getparent().remove(el)
                    continue
                for name in [a for a in el.attrib if a.startswith(_W_NS + "rsid")]:
                    del el.attrib[name]
        for rel in pkg.rels.values():
            if rel.reltype == RT.EXTENDED_PROPERTIES and not rel.is_external:
                # Word's application name, template path, counts and editing time: replaced.
                rel.target_part._blob = _APP_XML
        settings = self.doc.settings.element
        for tag in ("w:rsids", "w:attachedTemplate", "w:docVars", "w:removePersonalInformation"):
            for el in settings.findall(qn(tag)):
                settings.remove(el)

    # -- direction, language, metadata ------------------------------------------
    def _all_story_roots(self):
        section = self.doc.sections[0]
        roots = [self.doc.element.body, self.footnotes_part.element]
        for hf in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            if not hf.is_linked_to_previous:
                roots.append(hf._element)
        return roots

    def direction(self):
        if not self.rtl:
            return
        # Paragraphs written from the template (header, footer, footnote separators).
        for root in self._all_story_roots():
            for ppr in root.iter(qn("w:pPr")):
                if ppr.find(qn("w:bidi")) is None:
                    ppr.insert_element_before(OxmlElement("w:bidi"), *_PPR_AFTER_BIDI)
        if self.sectPr.find(qn("w:bidi")) is None:
            self.sectPr.insert_element_before(OxmlElement("w:bidi"), *_SECTPR_AFTER_BIDI)

    def language(self):
        lang = self.iv.meta.lang
        primary = lang.split("-")[0].lower()
        scripts = self.data["languages"].get(primary, {})
        attr = "w:bidi" if self.rtl else ("w:eastAsia" if "eastAsia" in scripts else "w:val")
        styles_el = self.doc.styles.element
        lang_el = styles_el.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
        if lang_el is None:
            rpr = styles_el.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
            if rpr is None:
                raise BuildError("the DOCX template has no docDefaults run properties")
            lang_el = OxmlElement("w:lang")
            rpr.insert_element_before(lang_el, "w:eastAsianLayout", "w:specVanish", "w:oMath")
        _set(lang_el, attr, lang)
        settings = self.doc.settings.element
        tfl = settings.find(qn("w:themeFontLang"))
        if tfl is None:
            tfl = OxmlElement("w:themeFontLang")
            settings.insert_element_before(tfl, *_SETTINGS_AFTER_THEMEFONTLANG)
        _set(tfl, attr, lang)
        # Fonts of the language's script, matched to each style's Latin family.
        families = {v: k for k, v in self.data["families"].items()}
        for script_attr, by_kind in scripts.items():
            if script_attr not in ("cs", "eastAsia"):
                continue
            for rfonts in styles_el.iter(qn("w:rFonts")):
                kind = families.get(rfonts.get(qn("w:ascii")))
                kind = "sans" if kind == "mono" else kind  # code: other scripts in their sans
                if kind and kind in by_kind:
                    _set(rfonts, f"w:{script_attr}", by_kind[kind])
        if scripts.get("letter_spacing") is False:
            # Tracking breaks the joins of cursive scripts: drop the styles' character spacing.
            for rpr in styles_el.iter(qn("w:rPr")):
                for sp in rpr.findall(qn("w:spacing")):
                    rpr.remove(sp)
        if scripts.get("italic") is False:
            # No italic in the script: emphasis is weight (as styles/languages.css does).
            for style in styles_el.iter(qn("w:style")):
                rpr = style.find(qn("w:rPr"))
                if rpr is None:
                    continue
                italic = [el for el in rpr if el.tag in (qn("w:i"), qn("w:iCs"))]
                for el in italic:
                    rpr.remove(el)
                if italic and style.get(qn("w:styleId")) in ("Emphasis", "StrongEmphasis"):
                    for tag in ("w:b", "w:bCs"):
                        if rpr.find(qn(tag)) is None:
                            rpr.insert_element_before(OxmlElement(tag), *_RPR_AFTER[tag])
        if scripts.get("justify") is False:
            for jc in list(styles_el.iter(qn("w:jc"))):
                if jc.get(qn("w:val")) == "both":
                    jc.getparent().remove(jc)

    def properties(self):
        iv, meta = self.iv, self.iv.meta
        cp = self.doc.core_properties
        for old in list(cp._element):  # nothing from the template's own properties
            cp._element.remove(old)
        person = iv.interviewer.name if iv.interviewer else meta.publisher
        values = {
            "title": meta.title, "author": person, "last_modified_by": person, "subject": meta.subtitle,
            "keywords": _fit_list(meta.keywords), "language": meta.lang, "category": meta.section,
            "identifier": meta.identifier,
        }
        for name, value in values.items():
            if clean(value):
                # The full text is in the document; a core property holds at most 255 characters.
                setattr(cp, name, _fit(clean(value)))
        cp.revision = 1
        cp.created = _dt.datetime(meta.date.year, meta.date.month, meta.date.day)
        cp.modified = meta.modified_at.replace(tzinfo=None)  # UTC, as python-docx writes it (…Z)


#: What a core property (docProps/core.xml) can hold; python-docx and Word refuse more.
CORE_PROPERTY_MAX = 255


def _fit(value: str, limit: int = CORE_PROPERTY_MAX) -> str:
    """``value``, or as many whole words of it as fit with an ellipsis."""
    if len(value) <= limit:
        return value
    cut = value[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def _fit_list(items, limit: int = CORE_PROPERTY_MAX) -> str:
    """As many whole keywords as fit, comma-separated."""
    out = ""
    for item in items:
        joined = f"{out}, {item}" if out else item
        if len(joined) > limit:
            break
        out = joined
    return out or _fit(items[0], limit) if items else ""


def write(interview: m.Interview, styles: Styles, trim: str | None = None) -> bytes:
    """The interview as DOCX bytes, on the page of the print edition's ``trim`` (a preset in
    ``styles/trim/``; default: ``styles/docx.json``'s)."""
    return _Writer(interview, styles, trim).build()
