"""The DOCX's story read back into the model's nodes: paragraphs by their named styles, runs by
their character styles and direct bold or italic, links from the relationships, notes from
Word's footnotes part, lists from the numbering.

Styles are known by id and, failing that, by name (LibreOffice renames some ids when it saves:
Caption1, FootnoteAnchor, InternetLink, SuperiorLetters, FPOPlaceholder; Word may localise
ids but keeps the names). Tracked changes are taken as accepted: inserted text is read, deleted
text skipped, a deleted paragraph mark joins the paragraph to the next. Comments are skipped
and counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import model as m
from .errors import DocxError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name or "").lower()


#: Paragraph roles by style id or name (lower case, without spaces).
PARA_ROLES = {
    "kicker": "kicker", "figure": "figure", "fpo": "fpo", "fpoplaceholder": "fpo", "caption": "caption",
    "captionwithcredit": "caption", "title": "title", "subtitle": "subtitle", "interviewee": "interviewee",
    "byline": "byline", "intro": "text", "introcontinued": "text", "question": "question", "answer": "text",
    "answercontinued": "text", "blocktext": "quote", "attribution": "attribution", "listbullet": "bullet",
    "listnumber": "number", "listcontinue": "continue", "interviewernote": "note", "footnotetext": "footnote",
    "footnote": "footnote", "header": "header", "footer": "footer",
}
#: Character roles by style id or name.
CHAR_ROLES = {
    "emphasis": "em", "strong": "strong", "strongemphasis": "em+strong", "code": "code", "superior": "sup",
    "superiorletters": "sup", "hyperlink": "link", "internetlink": "link", "footnotereference": "noteref",
    "footnoteanchor": "noteref", "footnotecharacters": "noteref", "interviewer": "interviewer",
    "intervieweename": "intervieweename", "credit": "credit", "commentreference": "comment",
    "annotationreference": "comment",
}


@dataclass
class Seg:
    """A stretch of a paragraph: text, code, a note call or a line break, with its formatting."""

    kind: str  # "text", "code", "note", "br"
    text: str = ""
    em: bool = False
    strong: bool = False
    link: str | None = None
    number: int = 0
    char_role: str = ""
    anchor: bool = False  # inside an internal link (the byline's note mark)


@dataclass
class Para:
    role: str | None
    style: str
    segs: list[Seg] = field(default_factory=list)
    number: int = 0  # 1-based, in the story
    ilvl: int = 0
    num_id: str = ""
    indent: int | None = None
    mark_deleted: bool = False
    image: tuple[str, str] | None = None  # (relationship id, alt text) of a drawing
    table_alt: str | None = None  # an FPO frame's description

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segs if s.kind in ("text", "code"))

    def empty(self) -> bool:
        return not self.text.strip() and not any(s.kind in ("note", "noteid") for s in self.segs) and self.image is None


def _on(el) -> bool:
    """A toggle property (w:b, w:i) that is on."""
    return el is not None and (el.get(W + "val") or "true").lower() not in ("0", "false", "off", "none")


class Story:
    """Reads paragraphs of one part (``document.xml`` or ``footnotes.xml``)."""

    def __init__(self, name: str, styles_root, rels: dict, counts: dict):
        self.name = name
        self.rels = rels
        self.counts = counts
        self.para_styles: dict[str, tuple[str | None, str]] = {}
        self.char_styles: dict[str, str | None] = {}
        #: Which styles are bold or italic of themselves ("b", "i"): direct bold or italic on
        #: top of them shows nothing (LibreOffice writes the style's bold on an Arabic Emphasis
        #: run again), so it does not make the text strong or emphasised.
        self.style_faces: dict[str, set[str]] = {}
        self.default_para = "Normal"
        if styles_root is not None:
            for s in styles_root.iter(W + "style"):
                sid = s.get(W + "styleId") or ""
                name_el = s.find(W + "name")
                sname = name_el.get(W + "val") if name_el is not None else sid
                kind = s.get(W + "type") or "paragraph"
                rpr = s.find(W + "rPr")
                if rpr is not None:
                    self.style_faces[sid] = {f for f in ("b", "i") if _on(rpr.find(W + f))}
                if kind == "paragraph":
                    role = PARA_ROLES.get(_key(sid)) or PARA_ROLES.get(_key(sname))
                    self.para_styles[sid] = (role, sname)
                    if _on(s) and s.get(W + "default") in ("1", "true", "on"):
                        self.default_para = sid
                elif kind == "character":
                    self.char_styles[sid] = CHAR_ROLES.get(_key(sid)) or CHAR_ROLES.get(_key(sname))

    # -- paragraphs -------------------------------------------------------------------
    def paragraphs(self, root) -> list[Para]:
        out: list[Para] = []
        self._blocks(root, out)
        return out

    def _blocks(self, parent, out: list[Para]):
        for el in parent:
            tag = el.tag
            if tag == W + "p":
                out.append(self.paragraph(el, len(out) + 1))
            elif tag == W + "tbl":
                desc = el.find(f"{W}tblPr/{W}tblDescription")
                style = el.find(f"{W}tblPr/{W}tblStyle")
                if style is not None and _key(style.get(W + "val")) in ("fpoframe",) or desc is not None:
                    p = Para("fpo-frame", "FPO Frame", number=len(out) + 1,
                             table_alt=desc.get(W + "val") if desc is not None else "")
                    out.append(p)
                else:
                    raise DocxError(self.name, f"paragraph {len(out) + 1}: a table, which an interview cannot hold",
                                    "turn the table into paragraphs or a list, and import again")
            elif tag in (W + "sdt",):
                content = el.find(W + "sdtContent")
                if content is not None:
                    self._blocks(content, out)
            elif tag in (W + "customXml", W + "ins", W + "moveTo"):
                self._blocks(el, out)
            # w:del, w:moveFrom (deleted), w:sectPr, bookmarks, w:altChunk (refused elsewhere): skipped

    def paragraph(self, p, number: int) -> Para:
        ppr = p.find(W + "pPr")
        sid = None
        para = Para(None, "", number=number)
        if ppr is not None:
            ps = ppr.find(W + "pStyle")
            sid = ps.get(W + "val") if ps is not None else None
            num = ppr.find(W + "numPr")
            if num is not None:
                ilvl, nid = num.find(W + "ilvl"), num.find(W + "numId")
                para.ilvl = int(ilvl.get(W + "val", "0")) if ilvl is not None and (ilvl.get(W + "val") or "").isdigit() else 0
                para.num_id = nid.get(W + "val", "") if nid is not None else ""
            ind = ppr.find(W + "ind")
            if ind is not None:
                value = ind.get(W + "left") or ind.get(W + "start")
                if value and value.lstrip("-").isdigit():
                    para.indent = int(value)
            mark = ppr.find(f"{W}rPr/{W}del")
            para.mark_deleted = mark is not None
        sid = sid or self.default_para
        role, sname = self.para_styles.get(sid, (None, sid))
        para.role, para.style = role, sname
        self._para_faces = self.style_faces.get(sid, set())
        self._inlines(p, para, em=False, strong=False, link=None, anchor=False)
        return para

    def _inlines(self, parent, para: Para, em, strong, link, anchor):
        for el in parent:
            tag = el.tag
            if tag == W + "r":
                self._run(el, para, em, strong, link, anchor)
            elif tag == W + "hyperlink":
                rid = el.get(R + "id")
                href = None
                if rid:
                    rel = self.rels.get(rid)
                    href = rel[1] if rel else None
                self._inlines(el, para, em, strong, href if href else link, anchor or (not rid))
            elif tag in (W + "ins", W + "moveTo", W + "smartTag", W + "customXml", W + "dir", W + "bdo"):
                if tag in (W + "ins", W + "moveTo"):
                    self.counts["tracked"] = self.counts.get("tracked", 0) + 1
                self._inlines(el, para, em, strong, link, anchor)
            elif tag == W + "sdt":
                content = el.find(W + "sdtContent")
                if content is not None:
                    self._inlines(content, para, em, strong, link, anchor)
            elif tag == W + "fldSimple":
                instr = el.get(W + "instr") or ""
                mo = re.match(r'\s*HYPERLINK\s+"([^"]+)"', instr)
                self._inlines(el, para, em, strong, mo.group(1) if mo else link, anchor)
            elif tag in (W + "del", W + "moveFrom"):
                self.counts["tracked"] = self.counts.get("tracked", 0) + 1
            elif tag == W + "commentRangeStart":
                pass

    def _run(self, r, para: Para, em, strong, link, anchor):
        rpr = r.find(W + "rPr")
        role = None
        if rpr is not None:
            rs = rpr.find(W + "rStyle")
            faces = set(getattr(self, "_para_faces", ()))
            if rs is not None:
                role = self.char_styles.get(rs.get(W + "val") or "")
                faces |= self.style_faces.get(rs.get(W + "val") or "", set())
            if _on(rpr.find(W + "b")) and "b" not in faces:
                strong = True
            if _on(rpr.find(W + "i")) and "i" not in faces:
                em = True
            if rpr.find(W + "vanish") is not None and _on(rpr.find(W + "vanish")):
                return  # hidden text is not the document's text
        if role in ("em", "em+strong"):
            em = True
        if role in ("strong", "em+strong"):
            strong = True
        for c in r:
            tag = c.tag
            text = None
            if tag == W + "t":
                text = c.text or ""
            elif tag == W + "tab":
                text = "\t"
            elif tag == W + "softHyphen":
                text = "\u00ad"
            elif tag == W + "noBreakHyphen":
                text = "\u2011"
            elif tag == W + "sym":
                code = c.get(W + "char") or ""
                try:
                    text = chr(int(code, 16))
                except ValueError:
                    text = None
            elif tag in (W + "br", W + "cr"):
                if (c.get(W + "type") or "textWrapping") == "textWrapping":
                    para.segs.append(Seg("br", em=em, strong=strong, link=link))
                continue
            elif tag == W + "footnoteReference":
                # Numbered later, in the order of the calls (Word and LibreOffice renumber the ids).
                para.segs.append(Seg("noteid", c.get(W + "id") or ""))
                continue
            elif tag == W + "commentReference":
                self.counts["comments_refs"] = self.counts.get("comments_refs", 0) + 1
                continue
            elif tag == W + "drawing":
                para.image = self._drawing(c)
                continue
            if text is None:
                continue
            if role == "noteref" and text.strip() == ",":
                continue  # the writer's comma between two calls side by side ("1,2")
            if role == "noteref" and text.strip().isdigit():
                # A second call to a note: its number as text, in the note reference style.
                para.segs.append(Seg("note", number=int(text.strip())))
                continue
            if role == "comment":
                continue
            kind = "code" if role == "code" else "text"
            seg = Seg(kind, text, em, strong, link, char_role=role or "", anchor=anchor)
            prev = para.segs[-1] if para.segs else None
            if prev is not None and (prev.kind, prev.em, prev.strong, prev.link, prev.char_role, prev.anchor) == \
                    (seg.kind, seg.em, seg.strong, seg.link, seg.char_role, seg.anchor):
                prev.text += text
            else:
                para.segs.append(seg)

    def _drawing(self, d) -> tuple[str, str] | None:
        blip = next(d.iter(A + "blip"), None)
        if blip is None:
            return None
        rid = blip.get(R + "embed") or ""
        if not rid and blip.get(R + "link"):
            rid = blip.get(R + "link")
        alt = ""
        for tag in (WP + "docPr", PIC + "cNvPr"):
            el = next(d.iter(tag), None)
            if el is not None and el.get("descr"):
                alt = el.get("descr")
                break
        return (rid, alt)


# -- inline nodes from segments ------------------------------------------------------------

_ZWSP_AFTER_BREAK = re.compile("(?<=[/?&.\\-_])\u200b")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WJ_CJK = re.compile(f"(?<=[{_CJK}])\u2060(?=[{_CJK}])")


def plain(segs: list[Seg]) -> str:
    """The text of segments, as a front matter value holds it."""
    return _ZWSP_AFTER_BREAK.sub("", "".join(s.text for s in segs if s.kind in ("text", "code")))


def inlines(segs: list[Seg], question: bool = False) -> tuple[m.Inline, ...]:
    """The model's inline nodes for a paragraph's segments: emphasis, strong and links nested by
    their spans (the longest outermost; a link, then emphasis, on a tie), text merged."""
    clean: list[Seg] = []
    for s in segs:
        if s.kind == "text":
            text = _ZWSP_AFTER_BREAK.sub("", s.text)
            if question:
                text = _WJ_CJK.sub("", text)
            if not text:
                continue
            s = Seg("text", text, s.em, s.strong, s.link)
        clean.append(s)
    # Whitespace at the edge of emphasis, strong or a link belongs outside it (Markdown cannot
    # hold it inside); line breaks carry no formatting.
    nodes = _nest(clean, frozenset())
    return tuple(_trim_breaks(_merge(nodes)))


def _flags(s: Seg) -> set:
    out = set()
    if s.link:
        out.add(("link", s.link))
    if s.em and s.kind != "br":
        out.add("em")
    if s.strong and s.kind != "br":
        out.add("strong")
    if s.kind in ("br", "note"):
        out = {f for f in out if isinstance(f, tuple)} if s.kind == "note" else set()
    return out


_PRIORITY = {"em": 1, "strong": 0}


def _nest(segs: list[Seg], active: frozenset) -> list[m.Inline]:
    out: list[m.Inline] = []
    i = 0
    while i < len(segs):
        s = segs[i]
        flags = _flags(s) - active
        if not flags:
            out.append(_leaf(s))
            i += 1
            continue

        def span(f):
            # A note call inside a span (followed by more of it) belongs to it.
            j = end = i
            while j < len(segs) and (f in _flags(segs[j]) or segs[j].kind == "note"):
                j += 1
                if segs[j - 1].kind != "note":
                    end = j
            return end - i

        best = max(flags, key=lambda f: (span(f), 2 if isinstance(f, tuple) else _PRIORITY[f]))
        j = i + span(best)
        inner = segs[i:j]
        # Leading and trailing spaces go outside the span.
        lead, trail = "", ""
        if inner and inner[0].kind == "text":
            stripped = inner[0].text.lstrip()
            lead = inner[0].text[:len(inner[0].text) - len(stripped)]
            inner = [Seg("text", stripped, inner[0].em, inner[0].strong, inner[0].link)] + inner[1:]
        if inner and inner[-1].kind == "text":
            stripped = inner[-1].text.rstrip()
            trail = inner[-1].text[len(stripped):]
            inner = inner[:-1] + [Seg("text", stripped, inner[-1].em, inner[-1].strong, inner[-1].link)]
        inner = [x for x in inner if not (x.kind == "text" and not x.text)]
        if lead:
            out.append(m.Text(lead))
        if inner:
            kids = tuple(_merge(_nest(inner, active | {best})))
            if isinstance(best, tuple):
                out.append(m.Link(best[1], kids))
            elif best == "em":
                out.append(m.Emphasis(kids))
            else:
                out.append(m.Strong(kids))
        if trail:
            out.append(m.Text(trail))
        i = j
    return out


def _leaf(s: Seg) -> m.Inline:
    if s.kind == "code":
        return m.Code(s.text)
    if s.kind == "note":
        return m.NoteRef(s.number)
    if s.kind == "br":
        return m.LineBreak()
    return m.Text(s.text)


def _merge(nodes) -> list[m.Inline]:
    out: list[m.Inline] = []
    for n in nodes:
        if isinstance(n, m.Text) and out and isinstance(out[-1], m.Text):
            out[-1] = m.Text(out[-1].text + n.text)
        elif isinstance(n, m.Text) and not n.text:
            continue
        else:
            out.append(n)
    return out


def _trim_breaks(nodes: list[m.Inline]) -> list[m.Inline]:
    """No spaces around a line break (Markdown drops them), and none at a paragraph's ends."""
    out = list(nodes)
    for i, n in enumerate(out):
        if isinstance(n, m.LineBreak):
            if i > 0 and isinstance(out[i - 1], m.Text):
                out[i - 1] = m.Text(out[i - 1].text.rstrip(" \t"))
            if i + 1 < len(out) and isinstance(out[i + 1], m.Text):
                out[i + 1] = m.Text(out[i + 1].text.lstrip(" \t"))
    while out and isinstance(out[-1], m.LineBreak):
        out.pop()
    while out and isinstance(out[0], m.LineBreak):
        out.pop(0)
    if out and isinstance(out[0], m.Text):
        out[0] = m.Text(out[0].text.lstrip())
    if out and isinstance(out[-1], m.Text):
        out[-1] = m.Text(out[-1].text.rstrip())
    return [n for n in out if not (isinstance(n, m.Text) and not n.text)]
