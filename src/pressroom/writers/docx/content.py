"""The content of the DOCX: the model's title block, blocks and inlines as paragraphs and
runs in the template's named styles, and its footnotes in the footnotes part.

The layout follows ``html.py``: the title block's parts from ``titleblock.py`` (kicker, lead
figure, photo with alt text or a marked FPO frame, with caption and credit, title, standfirst,
interviewee, byline "Interview by NAME*" and the date), the questions and answers, the
interviewer's note ("* bio"), and real footnotes. Every paragraph and every formatted run
gets a named style (``template.STYLE_IDS``, ``CHAR_STYLE_IDS``); nothing sets a font, size or
colour. The running head (publication, section, title) is written into the template's header.
"""

from __future__ import annotations

import re
import unicodedata

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Emu, Mm
from docx.text.paragraph import Paragraph as DocxParagraph

from ... import breaks
from ... import model as m
from ... import photo
from ... import titleblock as tb
from ...errors import BuildError
from ...styles import Strings
from .ooxml import OxmlElement, add_bookmark, add_text, child, clean, keep_next, qn
from .template import Template

_RTL_CLASSES = frozenset({"R", "AL"})


def _address_breaks(text: str) -> str:
    """A zero-width space (U+200B, Word's "no-width optional break") after each run of
    / ? & . - _ inside a URL or e-mail address, so Word can break a long address there without
    adding a hyphen (a w:softHyphen would add one). The model's text is not changed."""
    out = []
    for is_address, piece in breaks.split_addresses(text):
        out.append("\u200b".join(breaks.address_parts(piece)) if is_address else piece)
    return "".join(out)


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


class Writer:
    """Writes the interview into ``template`` (opened, its body emptied and its page set)."""

    def __init__(self, interview: m.Interview, strings: Strings, data: dict, template: Template):
        self.iv = interview
        self.data = data
        self.strings = strings
        self.rtl = interview.meta.script_direction == "rtl"
        primary = interview.meta.lang.split("-")[0].lower()
        self.cjk = "eastAsia" in self.data["languages"].get(primary, {})
        self.italic = self.data["languages"].get(primary, {}).get("italic", True) is not False
        self.notes = {n.number: n for n in interview.notes}
        self.noted: list[int] = []
        self.bookmark_id = 0
        self.doc = template.doc
        self.sectPr = template.sectPr
        self.footnotes_part = template.footnotes_part
        self.numbering = template.numbering

    # -- building blocks ----------------------------------------------------
    def p(self, style: str, ind_left: int | None = None, numpr: tuple[int, int] | None = None):
        """A new ``w:p`` with its style (and the paragraph direction of the language)."""
        p = OxmlElement("w:p")
        ppr = child(p, "w:pPr")
        child(ppr, "w:pStyle", **{"w:val": style})
        if numpr is not None:
            num = child(ppr, "w:numPr")
            child(num, "w:ilvl", **{"w:val": numpr[0]})
            child(num, "w:numId", **{"w:val": numpr[1]})
        if self.rtl:
            child(ppr, "w:bidi")
        if ind_left is not None:
            child(ppr, "w:ind", **{"w:left": ind_left})
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
            r = child(parent, "w:r")
            if style or direct or is_rtl:
                rpr = child(r, "w:rPr")
                if style:
                    child(rpr, "w:rStyle", **{"w:val": style})
                for tag in direct:  # schema order: b, bCs, i, iCs
                    child(rpr, tag)
                if is_rtl:
                    child(rpr, "w:rtl")
            add_text(r, seg)

    def bookmark(self, p, name: str) -> str:
        """Bookmark ``p`` as ``name`` (a valid bookmark name made of it, which is returned)."""
        self.bookmark_id += 1
        return add_bookmark(p, self.bookmark_id, name)

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
                h = child(p, "w:hyperlink", **{"w:anchor": "interviewer_note"})
                self.run(h, piece.text, style)
            elif piece.nodes is not None:
                self.styled(p, piece.nodes, style, prefix=lead)
            else:
                self.run(p, lead + piece.text, style)

    def inlines(self, parent, nodes, part, em=False, strong=False, link=None):
        prev = None
        for n in nodes:
            if isinstance(n, m.NoteRef) and isinstance(prev, m.NoteRef):
                # Calls side by side ("[^1][^2]") are set apart by a raised comma, not read "12"
                # (the importer knows it for the writer's).
                r = child(parent, "w:r")
                child(child(r, "w:rPr"), "w:rStyle", **{"w:val": "FootnoteReference"})
                child(r, "w:t").text = ","
            self.inline(parent, n, part, em, strong, link)
            prev = n

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
            h = child(parent, "w:hyperlink", **{"r:id": rid})
            self.inlines(h, n.children, part, em, strong, n)
        elif isinstance(n, m.LineBreak):
            r = child(parent, "w:r")
            child(r, "w:br")
        elif isinstance(n, m.NoteRef):
            self.note_call(parent, n.number)
        else:
            raise BuildError(f"DOCX writer: unknown inline node {type(n).__name__}")

    def note_call(self, parent, number: int):
        r = child(parent, "w:r")
        rpr = child(r, "w:rPr")
        child(rpr, "w:rStyle", **{"w:val": "FootnoteReference"})
        if number in self.notes and number not in self.noted:
            self.noted.append(number)
            child(r, "w:footnoteReference", **{"w:id": number})
        else:
            # A second call to the same note: its number, as the first call shows it.
            t = child(r, "w:t")
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
    def build(self) -> None:
        """The title block, the introduction, the questions and answers, the interviewer's note,
        the footnotes and the running head."""
        iv = self.iv
        part = self.doc.part
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
                keep_next(last)
            p = self.add(self.p("InterviewerNote"))
            self.pieces(p, bio.pieces)
            self.bookmark(p, "interviewer_note")

        self.footnotes()
        self.header()

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
        tblpr = child(tbl, "w:tblPr")
        child(tblpr, "w:tblStyle", **{"w:val": "FPOFrame"})
        if self.rtl:
            child(tblpr, "w:bidiVisual")
        child(tblpr, "w:tblW", **{"w:w": 5000, "w:type": "pct"})
        child(tblpr, "w:tblLayout", **{"w:type": "fixed"})
        child(tblpr, "w:tblLook", **{"w:val": "0000", "w:firstRow": 0, "w:lastRow": 0, "w:firstColumn": 0,
                                      "w:lastColumn": 0, "w:noHBand": 1, "w:noVBand": 1})
        child(tblpr, "w:tblCaption", **{"w:val": clean(self.strings["fpo"])})
        child(tblpr, "w:tblDescription", **{"w:val": clean(image.alt)})
        grid = child(tbl, "w:tblGrid")
        child(grid, "w:gridCol", **{"w:w": int(text_width) // 635})  # EMU to twips
        tr = child(tbl, "w:tr")
        trpr = child(tr, "w:trPr")
        child(trpr, "w:cantSplit")
        child(trpr, "w:trHeight", **{"w:val": int(Emu(height)) // 635, "w:hRule": "exact"})
        tc = child(tr, "w:tc")
        tcpr = child(tc, "w:tcPr")
        child(tcpr, "w:tcW", **{"w:w": 5000, "w:type": "pct"})
        child(tcpr, "w:vAlign", **{"w:val": "center"})
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
            fn = child(root, "w:footnote", **{"w:id": number})
            paras: list = []
            self.blocks(note.children, "FootnoteText", "FootnoteText", self.footnotes_part, paras.append)
            if not paras or paras[0].find(qn("w:pPr") + "/" + qn("w:numPr")) is not None:
                paras.insert(0, self.p("FootnoteText"))
            first = paras[0]
            ref = OxmlElement("w:r")
            rpr = child(ref, "w:rPr")
            child(rpr, "w:rStyle", **{"w:val": "FootnoteReference"})
            child(ref, "w:footnoteRef")
            first.find(qn("w:pPr")).addnext(ref)
            space = OxmlElement("w:r")
            add_text(space, " ")
            ref.addnext(space)
            for p in paras:
                fn.append(p)

    def header(self):
        """The running head: publication and section label, a tab, the title (not on the first page)."""
        meta = self.iv.meta
        header = self.doc.sections[0].header
        paras = header._element.findall(qn("w:p"))
        p = paras[0] if paras else child(header._element, "w:p")
        if meta.publisher:
            self.run(p, meta.publisher, "HeaderPublication")
            if meta.section:
                self.run(p, self.strings["header_sep"])
        if meta.section:
            self.run(p, meta.section, "HeaderSection")
        r = child(p, "w:r")
        child(r, "w:tab")
        self.run(p, meta.title)

