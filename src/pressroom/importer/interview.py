"""The interview of a DOCX: its paragraphs (``document.Story``) put together as the source's
parts — the title block's values, the introduction, the questions and answers, the quotes and
lists, the interviewer's note, the footnotes — and the front matter values the text does not
show, from the custom properties (``pressroom.docprops``).

The text wins: a title, standfirst, section, name, role, note, caption or credit that a
translator changed in the document is taken from the document; the properties fill in what the
text does not show (identifier, keywords, publisher, rights, url, dates, note labels).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .. import docprops
from .. import model as m
from .document import W, Para, Seg, Story, inlines, plain
from .errors import DocxError
from .package import Package

RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
RT_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
RT_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
RT_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
RT_ALT_CHUNK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk"

#: Where a paragraph's text is quoted in a message: its first characters.
QUOTE_CHARS = 40


@dataclass
class Imported:
    """What the DOCX holds, ready to be written as a source."""

    front: dict
    intro: tuple[m.Block, ...]
    exchanges: tuple[tuple[tuple[m.Inline, ...], tuple[m.Block, ...]], ...]
    notes: tuple[tuple[str, tuple[m.Block, ...]], ...]  # (label, blocks), by number
    photo: tuple[bytes, str] | None = None  # (bytes, "png" or "jpg")
    photo_name: str = ""
    messages: list[str] = field(default_factory=list)


def _quote(p: Para) -> str:
    text = " ".join(p.text.split())
    return "“" + (text[:QUOTE_CHARS] + "…" if len(text) > QUOTE_CHARS else text) + "”"


class Reader:
    def __init__(self, pkg: Package, strings_table: dict, typography=None):
        self.pkg = pkg
        self.typography = typography
        self.name = pkg.name
        self.strings_table = strings_table
        self.counts: dict[str, int] = {}

    def error(self, message: str, hint: str = "") -> DocxError:
        return DocxError(self.name, message, hint)

    # -- the package --------------------------------------------------------------------
    def _related(self, part: str, reltype: str) -> str | None:
        for _rid, (rt, target, external) in self.pkg.rels(part).items():
            if rt == reltype and not external and self.pkg.has(target):
                return target
        return None

    def read(self, lang: str | None = None) -> Imported:
        pkg = self.pkg
        pkg.refuse_external()
        main = pkg.main
        if self._related(main, RT_ALT_CHUNK) or any(n.startswith("word/afchunk") for n in pkg.infos):
            raise self.error("the document embeds another file as a chunk (altChunk)",
                             "open it in Word, save it as a plain .docx, and import again")
        rels = pkg.rels(main)
        styles_name = self._related(main, RT_STYLES)
        styles_root = pkg.xml(styles_name) if styles_name else None
        props = self._properties()
        version = props.get("source-version")
        if version is not None and version != docprops.VERSION:
            raise self.error(f"the document was written by another pressroom (source version {version!r}, "
                             f"this one reads {docprops.VERSION!r})", "make the DOCX again with this pressroom")
        self.props = props
        doc_root = pkg.xml(main)
        body = doc_root.find(W + "body")
        if body is None:
            raise self.error("the document has no body", "save the document again from Word or LibreOffice")
        story = Story(self.name, styles_root, rels, self.counts)
        paras = _joined(story.paragraphs(body))
        self.numbering = pkg.xml(self._related(main, RT_NUMBERING)) if self._related(main, RT_NUMBERING) else None
        # Footnotes, by id.
        foot_name = self._related(main, RT_FOOTNOTES)
        footnotes: dict[str, list[Para]] = {}
        if foot_name:
            foot_story = Story(self.name, styles_root, pkg.rels(foot_name), self.counts)
            for fn in pkg.xml(foot_name).iter(W + "footnote"):
                if fn.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                footnotes[fn.get(W + "id") or ""] = _joined(foot_story.paragraphs(fn))
        comments = self._related(main, RT_COMMENTS)
        n_comments = len(list(pkg.xml(comments).iter(W + "comment"))) if comments else 0
        n_comments = max(n_comments, self.counts.get("comments_refs", 0))
        if not any(p.role == "title" for p in paras) or not any(p.role == "question" for p in paras):
            raise self.error("there is no interview in this document (no paragraph on the Title or Question style)",
                             "import a DOCX that pressroom wrote (pressroom docx), after the translator's work")
        out = self._interview(paras, footnotes, rels, lang)
        if n_comments:
            out.messages.append(f"{self.name}: {n_comments} comment{'s' if n_comments > 1 else ''} ignored "
                                "(comments are not part of the source)")
        if self.counts.get("tracked"):
            out.messages.append(f"{self.name}: tracked changes taken as accepted (insertions kept, deletions dropped)")
        return out

    def _properties(self) -> dict[str, str]:
        name = self._related("", RT_CUSTOM)
        return docprops.read_properties(self.pkg.xml(name)) if name else {}

    def _core_created(self) -> str:
        name = self._related("", RT_CORE)
        if not name:
            return ""
        for el in self.pkg.xml(name):
            if el.tag.endswith("}created") and el.text:
                return el.text[:10]
        return ""

    def _doc_lang(self) -> str:
        main = self.pkg.main
        styles_name = self._related(main, RT_STYLES)
        if not styles_name:
            return ""
        el = self.pkg.xml(styles_name).find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        if el is None:
            return ""
        # The writer sets the language on the attribute of its script.
        return el.get(W + "bidi") or el.get(W + "eastAsia") or el.get(W + "val") or ""

    # -- the interview ------------------------------------------------------------------
    def _interview(self, paras: list[Para], footnotes: dict, rels: dict, lang: str | None) -> Imported:
        props = self.props
        front: dict = {}
        visible: dict[str, str] = {}
        intro: list = []
        exchanges: list = []
        current: list | None = None  # the blocks of the answer being read
        quote: list | None = None  # [paragraphs] of the quote being read
        pending_list: list[Para] = []
        photo = None
        alt = None
        has_image = False
        note_ids: list[str] = []
        self._note_ids = note_ids
        bio_para = None

        def container():
            return current if current is not None else intro

        def flush_list():
            nonlocal pending_list
            if pending_list:
                container().extend(self._lists(pending_list))
                pending_list = []

        def close_quote():
            nonlocal quote
            quote = None

        for p in paras:
            if p.role == "fpo-frame":
                has_image = True
                alt = p.table_alt if alt is None else alt
                continue
            if p.role not in ("figure",) and p.empty():
                continue
            role = p.role
            if role is None or role in ("header", "footer", "footnote", "fpo"):
                if role == "fpo":
                    continue
                raise self.error(
                    f"paragraph {p.number} {_quote(p)} is on the style {p.style or 'Normal'}, which is not a "
                    "part of an interview",
                    f"give it one of the interview's styles ({'Answer' if current is not None else 'Intro'} for "
                    f"text; the others: {STYLE_LIST}) and import again")
            if role not in ("bullet", "number", "continue"):
                flush_list()
            if role not in ("quote", "attribution"):
                close_quote()
            if role in ("kicker", "title", "subtitle"):
                key = {"kicker": "section", "title": "title", "subtitle": "subtitle"}[role]
                visible[key] = (visible.get(key, "") + " " + plain(p.segs)).strip() if key in visible else plain(p.segs).strip()
            elif role == "figure":
                if p.image is not None:
                    has_image = True
                    rid, descr = p.image
                    alt = descr if alt is None else alt
                    photo = self._photo(rid, rels)
            elif role == "caption":
                credit = "".join(s.text for s in p.segs if s.char_role == "credit").strip()
                caption = "".join(s.text for s in p.segs if s.char_role != "credit" and s.kind == "text")
                visible["image.caption"] = self._strip_sep(caption, "caption_sep", end=True)
                visible["image.credit"] = credit
            elif role == "interviewee":
                self._interviewee(p, visible)
            elif role == "byline":
                name = "".join(s.text for s in p.segs if s.char_role == "interviewer" and not s.anchor).strip()
                if name:
                    visible["interviewer.name"] = name
            elif role == "note":
                bio_para = p
            elif role == "question":
                current = []
                exchanges.append((self._inlines(p, question=True), current))
            elif role == "text":
                container().append(m.Paragraph(self._inlines(p)))
            elif role == "quote":
                if quote is None:
                    quote = [m.BlockQuote(())]
                    container().append(quote)
                    quote.append(len(container()) - 1)
                bq = quote[0]
                quote[0] = m.BlockQuote(bq.children + (m.Paragraph(self._inlines(p)),))
                container()[quote[1]] = quote[0]
            elif role == "attribution":
                nodes = self._attribution(p)
                if quote is None:
                    raise self.error(f"paragraph {p.number} {_quote(p)} is on the style Attribution but follows no quote",
                                     "put the quotation before it on the style Block Text, or give it the style Answer")
                quote[0] = m.BlockQuote(quote[0].children, attribution=nodes)
                container()[quote[1]] = quote[0]
                close_quote()
            elif role in ("bullet", "number", "continue"):
                if role == "continue" and not pending_list:
                    container().append(m.Paragraph(self._inlines(p)))  # a continuation with no list: text
                else:
                    pending_list.append(p)
        flush_list()
        if bio_para is not None:
            visible["interviewer.bio"] = self._strip_note_lead(plain(bio_para.segs))

        # The footnotes, in the order of their first calls.
        labels = []
        try:
            labels = json.loads(props.get("note-labels", "[]"))
        except ValueError:
            labels = []
        notes = []
        used = set()
        for i, fid in enumerate(note_ids):
            label = labels[i] if i < len(labels) and isinstance(labels[i], str) and re.fullmatch(r"[^\s\[\]^]+", labels[i]) else str(i + 1)
            while label in used:
                label = f"n{label}"
            used.add(label)
            notes.append((label, self._note_blocks(footnotes.get(fid, []))))

        # Front matter: the text's values, then the properties'.
        def value(key):
            if key in visible:
                return visible[key]
            return props.get(key, "")

        front["title"] = value("title")
        front["subtitle"] = value("subtitle")
        front["date"] = props.get("date") or self._core_created()
        if props.get("modified"):
            front["modified"] = props["modified"]
        front["lang"] = lang or props.get("lang") or self._doc_lang()
        for key in ("publisher", "rights", "identifier"):
            front[key] = props.get(key, "")
        try:
            front["keywords"] = [k for k in json.loads(props.get("keywords") or "[]") if isinstance(k, str)]
        except ValueError:
            front["keywords"] = []
        front["section"] = value("section")
        front["url"] = props.get("url", "")
        for person, fields in (("interviewer", ("name", "bio")), ("interviewee", ("name", "role"))):
            got = {f: value(f"{person}.{f}") for f in fields}
            if any(got.values()):
                front[person] = got
        if has_image or props.get("image.alt"):
            image = {}
            image["alt"] = (alt if alt else props.get("image.alt", ""))
            for f in ("caption", "credit"):
                image[f] = value(f"image.{f}")
            front["image"] = image
        if self.typography is not None and front["lang"]:
            _untypeset_front(front, self.typography(front["lang"]))
        if not front["date"]:
            raise self.error("the document says nothing of the interview's date (no pressroom-date property, "
                             "no creation date)", "import a DOCX that pressroom wrote, or add the date to the source")
        if not front["lang"]:
            raise self.error("the document's language is not known", "give it with --lang, e.g. --lang fr")
        return Imported(front=front, intro=tuple(intro), exchanges=tuple((q, tuple(a)) for q, a in exchanges),
                        notes=tuple(notes), photo=photo, photo_name=props.get("image.file", ""))

    def _inlines(self, p: Para, question: bool = False) -> tuple[m.Inline, ...]:
        segs = []
        for s in p.segs:
            if s.kind == "noteid":
                if s.text not in self._note_ids:
                    self._note_ids.append(s.text)
                s = Seg("note", number=self._note_ids.index(s.text) + 1, em=s.em, strong=s.strong, link=s.link)
            segs.append(s)
        return inlines(segs, question=question)

    # -- the title block ----------------------------------------------------------------
    def _all(self, key: str) -> list[str]:
        """Every language's value of the string ``key`` (a translator may have translated it)."""
        out = set()
        for lang, block in self.strings_table.items():
            if isinstance(block, dict) and isinstance(block.get(key), str):
                out.add(block[key])
        return sorted(out, key=len, reverse=True)

    def _strip_sep(self, text: str, key: str, end: bool) -> str:
        for sep in self._all(key):
            if sep.strip() and (text.endswith(sep) if end else text.startswith(sep)):
                text = text[:-len(sep)] if end else text[len(sep):]
                break
        return text.strip()

    def _interviewee(self, p: Para, visible: dict):
        names = [i for i, s in enumerate(p.segs) if s.char_role == "intervieweename"]
        if not names:
            return
        visible["interviewee.name"] = "".join(p.segs[i].text for i in names).strip()
        rest = "".join(s.text for s in p.segs[names[-1] + 1:] if s.kind == "text")
        afters = sorted({t.split("{name}", 1)[1] for t in self._all("interviewee") if "{name}" in t},
                        key=len, reverse=True)
        for after in afters:
            if after and rest.endswith(after):
                rest = rest[:-len(after)]
                break
        for sep in self._all("interviewee_sep"):
            if sep and rest.startswith(sep):
                rest = rest[len(sep):]
                break
        visible["interviewee.role"] = rest.strip()

    def _strip_note_lead(self, text: str) -> str:
        marks = self._all("note_mark")
        for lead in sorted({t.replace("{mark}", mk) for t in self._all("note_lead") for mk in marks}, key=len, reverse=True):
            if text.startswith(lead):
                return text[len(lead):].strip()
        for mk in marks:
            if text.startswith(mk):
                return text[len(mk):].strip()
        return text.strip()

    def _attribution(self, p: Para) -> tuple[m.Inline, ...]:
        nodes = list(self._inlines(p))
        if nodes and isinstance(nodes[0], m.Text):
            text = re.sub(r"^[\s\u00a0]*(?:--|[\u2014\u2015\u2013]+)[\s\u00a0]*", "", nodes[0].text)
            nodes[0] = m.Text(text)
            if not text:
                nodes.pop(0)
        return tuple(nodes)

    def _photo(self, rid: str, rels: dict):
        rel = rels.get(rid)
        if rel is None or rel[2] or not self.pkg.has(rel[1]):
            return None
        data = self.pkg.read(rel[1])
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            return (data, "png")
        if data[:3] == b"\xff\xd8\xff":
            return (data, "jpg")
        raise self.error(f"the lead photo ({rel[1]}) is neither a JPEG nor a PNG",
                         "replace it with the photo as JPEG or PNG (Insert > Pictures), or delete it")

    # -- lists and notes ------------------------------------------------------------------
    def _num_info(self, num_id: str, ilvl: int) -> tuple[int | None, int | None, str]:
        """(startOverride, the level's start, abstract id) of a list paragraph's numbering."""
        if self.numbering is None or not num_id:
            return None, None, ""
        num = next((n for n in self.numbering.iter(W + "num") if n.get(W + "numId") == num_id), None)
        if num is None:
            return None, None, ""
        override = None
        for lo in num.iter(W + "lvlOverride"):
            if lo.get(W + "ilvl") == str(ilvl):
                so = lo.find(W + "startOverride")
                if so is not None and (so.get(W + "val") or "").isdigit():
                    override = int(so.get(W + "val"))
        absid_el = num.find(W + "abstractNumId")
        absid = absid_el.get(W + "val") if absid_el is not None else ""
        start = None
        for an in self.numbering.iter(W + "abstractNum"):
            if an.get(W + "abstractNumId") == absid:
                for lvl in an.iter(W + "lvl"):
                    if lvl.get(W + "ilvl") == str(ilvl):
                        st = lvl.find(W + "start")
                        if st is not None and (st.get(W + "val") or "").isdigit():
                            start = int(st.get(W + "val"))
        return override, start, absid

    def _indents(self) -> dict[int, int]:
        """Text indent (twips) -> list level, from every list definition."""
        out: dict[int, int] = {}
        if self.numbering is None:
            return out
        for lvl in self.numbering.iter(W + "lvl"):
            ind = lvl.find(f"{W}pPr/{W}ind")
            if ind is not None:
                v = ind.get(W + "left") or ind.get(W + "start")
                if v and v.isdigit() and (lvl.get(W + "ilvl") or "").isdigit():
                    out.setdefault(int(v), int(lvl.get(W + "ilvl")))
        return out

    def _lists(self, paras: list[Para]) -> list[m.List]:
        result: list[m.List] = []
        # stack entries: [level, ordered, start, items (lists of blocks), num_id]
        stack: list[list] = []
        indents = self._indents()

        def close():
            level, ordered, start, items, _ = stack.pop()
            lst = m.List(ordered=ordered, start=start, items=tuple(m.ListItem(tuple(i)) for i in items))
            if stack:
                stack[-1][3][-1].append(lst)
            else:
                result.append(lst)

        for p in paras:
            if p.role == "continue":
                if not stack:
                    continue
                level = indents.get(p.indent, None) if p.indent is not None else None
                while level is not None and len(stack) > 1 and stack[-1][0] > level:
                    close()
                stack[-1][3][-1].append(m.Paragraph(self._inlines(p)))
                continue
            ordered = p.role == "number"
            level = p.ilvl
            while stack and stack[-1][0] > level:
                close()
            override, lvl_start, _ = self._num_info(p.num_id, level)
            if stack and stack[-1][0] == level:
                top = stack[-1]
                if top[1] != ordered or (ordered and override is not None and p.num_id != top[4]):
                    close()
            if not stack or stack[-1][0] < level:
                start = (override if override is not None else lvl_start or 1) if ordered else 1
                stack.append([level, ordered, start, [], p.num_id])
            stack[-1][4] = p.num_id
            stack[-1][3].append([m.Paragraph(self._inlines(p))])
        while stack:
            close()
        return result

    def _note_blocks(self, paras: list[Para]) -> tuple[m.Block, ...]:
        """A footnote's paragraphs (its reference mark and the space after it dropped); a
        paragraph that starts with the writer's list marks ("• ", "1. ") is a list item."""
        blocks: list[m.Block] = []
        items: list = []
        kind = None
        start = 1

        def flush():
            nonlocal items, kind
            if items:
                blocks.append(m.List(ordered=kind == "number", start=start if kind == "number" else 1,
                                     items=tuple(m.ListItem((x,)) for x in items)))
            items, kind = [], None

        for p in paras:
            if p.empty():
                continue
            nodes = list(self._inlines(p))
            first = nodes[0].text if nodes and isinstance(nodes[0], m.Text) else ""
            mo = re.match(r"(\u2022 |(\d{1,9})\. )", first)
            if mo:
                this = "number" if mo.group(2) else "bullet"
                if this != kind:
                    flush()
                    kind = this
                    start = int(mo.group(2)) if mo.group(2) else 1
                rest = first[mo.end():]
                nodes = ([m.Text(rest)] if rest else []) + nodes[1:]
                items.append(m.Paragraph(tuple(nodes)))
                continue
            flush()
            blocks.append(m.Paragraph(tuple(nodes)))
        flush()
        return tuple(blocks)


_NO_BREAK = "\u00a0\u202f\u2007"


def _untypeset_front(front: dict, rules: dict) -> None:
    """Dashes with a no-break space of the language's typesetting (French and British "\u00a0– ")
    written back as the ``--`` or ``---`` they were typed as: the reader reads front matter values
    with their spaces made plain, and the transforms set such a dash again from ``--`` only."""
    pairs = []
    for key, typed in (("dash", "--"), ("em_dash", "---")):
        rule = rules.get(key)
        if rule and rule[0] is not None and rule[2] is not None and any(c in _NO_BREAK for c in rule[0] + rule[2]):
            pairs.append(("".join(rule), f" {typed} "))

    def fix(value):
        if isinstance(value, str):
            for typeset, typed in pairs:
                value = value.replace(typeset, typed)
        return value

    for key, value in front.items():
        if isinstance(value, dict):
            front[key] = {k: fix(v) for k, v in value.items()}
        elif key not in ("date", "modified", "lang", "url", "identifier"):
            front[key] = fix(value) if not isinstance(value, list) else value


STYLE_LIST = ("Question, Answer Continued, Intro, Block Text, Attribution, List Bullet, List Number, List Continue, "
              "Title, Subtitle, Kicker, Caption, Interviewer Note")


def _joined(paras: list[Para]) -> list[Para]:
    """A paragraph whose mark was deleted with tracked changes is joined to the next one (the
    changes accepted); it keeps its own style."""
    out: list[Para] = []
    carry: Para | None = None
    for p in paras:
        if carry is not None:
            carry.segs.extend(p.segs)
            carry.mark_deleted = p.mark_deleted
            if p.image is not None:
                carry.image = p.image
            p = carry
            carry = None
        if p.mark_deleted:
            carry = p
            continue
        out.append(p)
    if carry is not None:
        out.append(carry)
    return out
