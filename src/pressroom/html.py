"""Model -> semantic XHTML, shared by the PDF and EPUB writers.

The same markup serves both: the PDF writer lays it out with WeasyPrint and
the print or screen stylesheet, the EPUB writer packages it with
``styles/epub.css``. The options below cover what must differ between them
(footnote placement, image sources, EPUB semantics).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from lxml import etree

from . import breaks
from . import model as m
from . import titleblock as tb
from .styles import Strings

XHTML = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class HtmlOptions:
    #: "float": notes are inline spans at the call (CSS ``float: footnote``);
    #: "aside": calls are links to ``<aside>`` notes after the text (EPUB).
    footnotes: str = "float"
    #: What to set for a lead image without a file: "fpo" (a marked box with the
    #: caption and credit, for print) or "caption" (nothing: readers' editions show
    #: no caption or credit for a photo that is not there).
    placeholder: str = "fpo"
    #: src of the lead image in the markup (the writer decides the path).
    image_src: str | None = None
    #: Add ``epub:type`` and DPUB-ARIA roles.
    epub: bool = False
    #: Stylesheet hrefs for <link rel=stylesheet>.
    stylesheets: tuple[str, ...] = ()
    #: Extra <meta name content> pairs in <head> (PDF metadata).
    meta: tuple[tuple[str, str], ...] = ()
    #: Number every block with data-block="N" (for page-break mapping).
    block_ids: bool = False
    #: The web edition: the text as written, for browsers (no no-break spaces binding the last
    #: words of display lines, addresses in links broken at <wbr> rather than zero-width spaces).
    web: bool = False
    #: Called as hook(element, block_number) after each numbered block is built.
    block_hook: Callable | None = field(default=None, compare=False)


def E(tag: str, attrib: dict | None = None, *children, text: str | None = None):
    el = etree.Element(f"{{{XHTML}}}{tag}", nsmap=None)
    for k, v in (attrib or {}).items():
        if v is not None:
            el.set(k, v)
    if text is not None:
        el.text = text
    for c in children:
        el.append(c)
    return el


def _append_text(parent, text: str):
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


NBSP = "\u00a0"
WORD_JOINER = "\u2060"
_CJK = breaks.CJK
_IS_CJK = re.compile(f"[{_CJK}]")
#: Closing punctuation that may end a CJK line after the last character (never before it).
_CJK_CLOSE = re.compile(f"[^{_CJK}\\w]*$")
#: The last two words of a display line are bound (no single word on the last line); a word
#: of up to this many characters before them is bound too ("L'avenir / de la migration")...
_SHORT_WORD = 3
#: ...as long as the bound words fit the narrowest measure: the title's (36 pt on A4, 24 pt on
#: A5: about 18 characters a line), the standfirst's and questions' (40 and more).
_MAX_PAIR = {"title": 16, "other": 28}
_MAX_TAIL = {"title": 18, "other": 32}


def _slots(el):
    """The text slots of ``el`` in document order: (node, "text"|"tail"), without el's tail."""
    out = [(el, "text")]
    for child in el:
        out.extend(_slots(child))
        out.append((child, "tail"))
    return out


def bind_tail(el, kind: str = "other") -> None:
    """Display only: keep the last words of a headline, standfirst or question together, so
    its last line never holds one short word. Spaced scripts: the space before the last word
    (and before a short word ahead of it) becomes a no-break space. CJK: a word joiner between
    the last two characters."""
    slots = [(n, a) for n, a in _slots(el) if getattr(n, a)]
    text = "".join(getattr(n, a) for n, a in slots)
    end = len(text.rstrip())
    body = text[:end]
    change: list[tuple[int, str]] = []  # (index in text, replacement of that character)
    last = _CJK_CLOSE.sub("", body)
    if last and _IS_CJK.match(last[-1]):
        if len(last) >= 2 and _IS_CJK.match(last[-2]):
            change.append((len(last) - 1, WORD_JOINER + last[-1]))
    else:
        # s[k] is the space between words[k] and words[k + 1].
        spaces = [i for i, c in enumerate(body) if c == " "]
        words = body.split(" ")
        if spaces and len(words[-2]) + 1 + len(words[-1]) <= _MAX_PAIR[kind]:
            change.append((spaces[-1], NBSP))
            for k in range(len(spaces) - 2, max(-1, len(spaces) - 5), -1):
                if len(words[k]) > _SHORT_WORD or end - spaces[k] + len(words[k]) > _MAX_TAIL[kind]:
                    break
                change.append((spaces[k], NBSP))
    if not change:
        return
    pos = 0
    for node, attr in slots:
        value = getattr(node, attr)
        chars = list(value)
        for index, repl in change:
            if pos <= index < pos + len(value):
                chars[index - pos] = repl
        setattr(node, attr, "".join(chars))
        pos += len(value)


def wrap_last_word(p, cls: str) -> None:
    """Put the last word of paragraph ``p`` (with whatever is set against it: punctuation, a
    note call) in ``<span class=cls>``, so a mark after it never starts a line alone."""
    span = E("span", {"class": cls})
    children = list(p)
    for k in range(len(children), -1, -1):
        value = (p.text if k == 0 else children[k - 1].tail) or ""
        seen = value.rstrip() if k == len(children) else value
        cut = max(seen.rfind(" "), seen.rfind(NBSP))
        hanzi = [mo.start() for mo in _IS_CJK.finditer(value)]
        if hanzi and hanzi[-1] >= cut:
            # CJK text has no spaces: only its last character goes with the mark.
            cut = hanzi[-1] - 1
        if cut >= 0 or k == 0:
            cut = cut + 1 if cut >= 0 else 0
            span.text = value[cut:]
            if k == 0:
                p.text = value[:cut]
            else:
                children[k - 1].tail = value[:cut]
            for child in children[k:]:
                span.append(child)  # moves it, with its tail
            p.append(span)
            return


def _local(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rpartition("}")[2]


def page(meta: m.Metadata, title: str, epub: bool = False, stylesheets=(), meta_tags=()):
    """An empty XHTML document in the interview's language and direction: (html, body)."""
    nsmap = {None: XHTML}
    if epub:
        nsmap["epub"] = EPUB_NS
    html = etree.Element(f"{{{XHTML}}}html", nsmap=nsmap)
    html.set("lang", meta.lang)
    html.set(XML_LANG, meta.lang)
    html.set("dir", meta.script_direction)
    head = etree.SubElement(html, f"{{{XHTML}}}head")
    head.append(E("meta", {"charset": "utf-8"}))
    head.append(E("title", text=title))
    for name, content in meta_tags:
        head.append(E("meta", {"name": name, "content": content}))
    for href in stylesheets:
        head.append(E("link", {"rel": "stylesheet", "type": "text/css", "href": href}))
    return html, etree.SubElement(html, f"{{{XHTML}}}body")


def _names_pattern(interview: m.Interview):
    """A pattern for the names of the interviewer and interviewee as written in the text (any
    spaces between their parts), whole words only; None without names."""
    names = sorted({p.name.strip() for p in (interview.interviewer, interview.interviewee)
                    if p is not None and p.name and p.name.strip()}, key=len, reverse=True)
    alternatives = []
    for name in names:
        core = r"[ \u00a0\u202f]+".join(re.escape(part) for part in name.split())
        before = "" if _IS_CJK.match(name[0]) else r"(?<!\w)"
        after = "" if _IS_CJK.match(name[-1]) else r"(?!\w)"
        alternatives.append(before + core + after)
    return re.compile("|".join(alternatives)) if alternatives else None


class HtmlBuilder:
    def __init__(self, interview: m.Interview, strings: Strings, options: HtmlOptions):
        self.iv = interview
        self.s = strings
        self.o = options
        self.block_count = 0
        self.notes = {n.number: n for n in interview.notes}
        self.seen_calls: set[int] = set()
        self.names = _names_pattern(interview)

    # -- document -------------------------------------------------------
    def document(self) -> etree._Element:
        html, body = page(self.iv.meta, self.iv.meta.title, epub=self.o.epub,
                          stylesheets=self.o.stylesheets, meta_tags=self.o.meta)
        body.append(self.article())
        return html

    def article(self):
        iv = self.iv
        art = E("article", {"class": "interview", "id": "interview"})
        if self.o.epub:
            art.set(f"{{{EPUB_NS}}}type", "chapter")
            art.set("role", "doc-chapter")
        header = E("header", {"class": "title-block"})
        art.append(header)
        for part in tb.parts(iv, self.s):
            el = self.title_part(part)
            if el is not None:
                header.append(el)

        if iv.intro:
            intro = E("section", {"class": "intro", "id": "intro"})
            for b in iv.intro:
                intro.append(self.block(b))
            art.append(intro)
        for ex in iv.exchanges:
            art.append(self.exchange(ex))
        if iv.exchanges and iv.exchanges[-1].answer and isinstance(iv.exchanges[-1].answer[-1], m.Paragraph):
            # The end mark (print.css) follows the last word of the interview, never alone.
            wrap_last_word(art[-1][-1][-1], "end-word")
        bio = tb.interviewer_note(iv, self.s)
        if bio is not None:
            note = E("footer", {"class": "interviewer-note", "id": "interviewer-note"})
            p = self.pieces(E("p"), bio.pieces)
            self.number(p)
            note.append(p)
            art.append(note)
        if self.o.footnotes == "aside" and iv.notes:
            art.append(self.endnotes())
        return art

    def title_part(self, part: tb.Part):
        """The element of a part of the title block (titleblock.py), or None (no figure)."""
        if part.kind == "kicker":
            return self.pieces(E("p", {"class": "kicker"}), part.pieces)
        if part.kind == "figure":
            return self.figure(part.image, part.pieces)
        if part.kind == "title":
            # The PDF bookmark's label: the text with its own spaces, not the no-break ones below.
            h1 = self.pieces(E("h1", {"class": "title", "id": "title"}), part.pieces)
            self.bind(h1, "title", part.plain)
            return h1
        if part.kind == "standfirst":
            sub = self.pieces(E("p", {"class": "standfirst"}), part.pieces)
            self.bind(sub, "other")
            if self.o.epub:
                sub.set("role", "doc-subtitle")
            return sub
        if part.kind in ("interviewee", "byline"):
            return self.pieces(E("p", {"class": part.kind}), part.pieces)
        raise TypeError(f"unknown part of the title block {part.kind!r}")

    #: The element of each role of a title block piece (None: its text, no element).
    PIECE_TAGS = {
        tb.INTERVIEWEE_NAME: ("span", "interviewee-name"), tb.INTERVIEWEE_ROLE: ("span", "interviewee-role"),
        tb.INTERVIEWER: ("span", "interviewer"), tb.SEPARATOR: ("span", "sep"), tb.NOTE_MARK: ("a", "note-mark"),
        tb.DATE: ("time", None), tb.CAPTION: ("span", "caption"), tb.CREDIT: ("span", "credit"),
    }

    def pieces(self, parent, pieces):
        """``parent`` with the pieces of a title block part appended: a front-matter value's
        nodes as inlines, other text as it is; each role in its element (``PIECE_TAGS``)."""
        for piece in pieces:
            _append_text(parent, piece.lead)
            if piece.role is None:
                if piece.nodes is not None:
                    self.inlines(parent, piece.nodes)
                else:
                    _append_text(parent, piece.text)
                continue
            tag, cls = self.PIECE_TAGS[piece.role]
            attrs = {"class": cls}
            if piece.role == tb.NOTE_MARK:
                attrs["href"] = "#interviewer-note"
            elif piece.role == tb.DATE:
                attrs["datetime"] = piece.value
            if piece.nodes is not None:
                el = E(tag, attrs)
                self.inlines(el, piece.nodes)
            else:
                el = E(tag, attrs, text=piece.text)
            parent.append(el)
        return parent

    def figure(self, image: m.Image, caption: tuple[tb.Piece, ...] = ()):
        has_file = image.path is not None and self.o.image_src is not None
        if not has_file and self.o.placeholder != "fpo":
            # Readers' editions: no placeholder, and no caption or credit for a photo that is not there.
            return None
        fig = E("figure", {"class": "lead" + ("" if has_file else " no-image")})
        if has_file:
            img = E("img", {"src": self.o.image_src, "alt": image.alt})
            if image.width and image.height:
                img.set("width", str(image.width))
                img.set("height", str(image.height))
            fig.append(img)
        elif self.o.placeholder == "fpo":
            box = E("div", {"class": "fpo", "role": "img", "aria-label": image.alt})
            box.append(E("span", {"class": "fpo-label"}, text=self.s["fpo"]))
            fig.append(box)
        if caption:
            fig.append(self.pieces(E("figcaption"), caption))
        self.number(fig)
        return fig

    def exchange(self, ex: m.Exchange):
        sec = E("section", {"class": "exchange", "id": ex.id})
        h = E("h2", {"class": "question"})
        self.inlines(h, ex.question)
        self.bind(h, "other", m.plain_text(ex.question))
        self.number(h)
        sec.append(h)
        answer = E("div", {"class": "answer"})
        for b in ex.answer:
            answer.append(self.block(b))
        sec.append(answer)
        return sec

    # -- blocks -----------------------------------------------------------
    def number(self, el):
        if self.o.block_ids:
            self.block_count += 1
            el.set("data-block", str(self.block_count))
            if self.o.block_hook:
                self.o.block_hook(el, self.block_count)

    def block(self, b: m.Block):
        if isinstance(b, m.Paragraph):
            p = E("p")
            self.inlines(p, b.children)
            self.number(p)
            return p
        if isinstance(b, m.BlockQuote):
            q = E("blockquote")
            for c in b.children:
                q.append(self.block(c))
            if b.attribution:
                # Who said it: its own line, introduced by the language's dash.
                p = E("p", {"class": "attribution"}, text=self.s["attribution_dash"])
                self.inlines(p, b.attribution)
                self.number(p)
                q.append(E("footer", {}, p))
            return q
        if isinstance(b, m.List):
            lst = E("ol" if b.ordered else "ul")
            if b.ordered and b.start != 1:
                lst.set("start", str(b.start))
            for item in b.items:
                li = E("li")
                for c in item.children:
                    li.append(self.block(c))
                lst.append(li)
            return lst
        raise TypeError(f"unknown block {b!r}")

    # -- inlines ----------------------------------------------------------
    def inlines(self, parent, nodes):
        prev = None
        for n in nodes:
            if isinstance(n, m.NoteRef) and isinstance(prev, m.NoteRef):
                # Calls side by side ("[^1][^2]") are set apart by a raised comma, not read "12".
                parent.append(self.note_call(n.number, after_call=True))
            else:
                self.inline(parent, n)
            prev = n

    def bind(self, el, kind: str, bookmark: str | None = None):
        """The PDF's display-only binding of the last words (``bind_tail``); the EPUB's text is
        left as written (reading systems set their own lines). ``bookmark``: the PDF bookmark's
        label, with the text's own spaces."""
        if self.o.epub or self.o.web:
            return
        bind_tail(el, kind)
        if bookmark is not None:
            el.set("data-bookmark", " ".join(bookmark.split()))

    def text(self, parent, text: str):
        """Append display text: addresses get break opportunities after / ? & . - _ (and no
        hyphenation), the interviewer's and interviewee's names are kept on one line."""
        for is_address, piece in breaks.split_addresses(text):
            if is_address and _local(parent) == "a" and not (self.o.epub or self.o.web):
                # Inside a link the address's break opportunities are zero-width spaces in the
                # <a>'s own text: a span or <wbr> elements would take the link's annotations as
                # their own in the tagged PDF (PDF/UA: every link annotation belongs to a Link).
                parent.set("class", " ".join(filter(None, [parent.get("class"), "url"])))
                _append_text(parent, "\u200b".join(breaks.address_parts(piece)))
                continue
            if is_address:
                parent.append(self.address(piece))
                continue
            last = 0
            for mo in (self.names.finditer(piece) if self.names else ()):
                _append_text(parent, piece[last:mo.start()])
                parent.append(E("span", {"class": "name"}, text=mo.group()))
                last = mo.end()
            _append_text(parent, piece[last:])

    @staticmethod
    def address(address: str):
        span = E("span", {"class": "url"})
        parts = breaks.address_parts(address)
        span.text = parts[0]
        for part in parts[1:]:
            wbr = E("wbr")
            wbr.tail = part
            span.append(wbr)
        return span

    def inline(self, parent, n):
        if isinstance(n, m.Text):
            self.text(parent, n.text)
        elif isinstance(n, m.Emphasis):
            el = E("em")
            self.inlines(el, n.children)
            parent.append(el)
        elif isinstance(n, m.Strong):
            el = E("strong")
            self.inlines(el, n.children)
            parent.append(el)
        elif isinstance(n, m.Code):
            parent.append(E("code", text=n.text))
        elif isinstance(n, m.Superscript):
            parent.append(E("sup", {"class": "superior"}, text=n.text))
        elif isinstance(n, m.Link):
            el = E("a", {"href": n.href})
            self.inlines(el, n.children)
            parent.append(el)
        elif isinstance(n, m.LineBreak):
            parent.append(E("br"))
        elif isinstance(n, m.NoteRef):
            parent.append(self.note_call(n.number))
        else:
            raise TypeError(f"unknown inline {n!r}")

    def note_call(self, number: int, after_call: bool = False):
        """A note's call: the floated note itself (PDF: WeasyPrint sets its call), else a
        raised link to it; ``after_call``: it follows another call, and a comma sets it apart
        (base.css: ``.footnote.after-call``)."""
        note = self.notes.get(number)
        first = number not in self.seen_calls
        self.seen_calls.add(number)
        if self.o.footnotes == "float" and note is not None and first:
            span = E("span", {"class": "footnote after-call" if after_call else "footnote", "id": f"fn{number}"})
            for i, b in enumerate(note.children):
                if i:
                    _append_text(span, " ")
                if isinstance(b, m.Paragraph):
                    self.inlines(span, b.children)
                else:
                    _append_text(span, m.plain_text(b).strip())
            return span
        attrs = {"class": "noteref", "href": f"#fn{number}"}
        if first:
            attrs["id"] = f"fnref{number}"
        a = E("a", attrs, text=str(number))
        if self.o.epub:
            a.set(f"{{{EPUB_NS}}}type", "noteref")
            a.set("role", "doc-noteref")
        sup = E("sup", {}, a)
        if after_call:  # set as the call is (the stylesheets' .call-sep); not read aloud
            sep = E("span", {"class": "call-sep", "aria-hidden": "true"}, text=",")
            if self.o.epub:
                # Inside the link: the reading system gives the comma its link colour too
                # (epub.css sets no colour), so "1,2" is not two colours.
                a.text = None
                sep.tail = str(number)
                a.insert(0, sep)
            else:
                sup.insert(0, sep)
        return sup

    def endnotes(self):
        sec = E("section", {"class": "footnotes"})
        if self.o.epub:
            sec.set(f"{{{EPUB_NS}}}type", "footnotes")
        sec.append(E("h2", {"class": "footnotes-title"}, text=self.s["footnotes"]))
        for note in self.iv.notes:
            aside = E("aside", {"class": "footnote", "id": f"fn{note.number}"})
            if self.o.epub:
                aside.set(f"{{{EPUB_NS}}}type", "footnote")
                aside.set("role", "doc-footnote")
            blocks = [self.block(b) for b in note.children] or [E("p")]
            first = blocks[0] if blocks[0].tag == f"{{{XHTML}}}p" else None
            if first is None:
                first = E("p")
                blocks.insert(0, first)
            label = E("a", {"class": "note-back", "href": f"#fnref{note.number}",
                            "title": self.s["note_back"]}, text=f"{note.number}.")
            if self.o.epub:
                label.set("role", "doc-backlink")
            label.tail = " " + (first.text or "")
            first.text = None
            first.insert(0, label)
            for b in blocks:
                aside.append(b)
            sec.append(aside)
        return sec


def build(interview: m.Interview, strings: Strings, options: HtmlOptions = HtmlOptions()) -> etree._Element:
    return HtmlBuilder(interview, strings, options).document()


def to_bytes(root: etree._Element, doctype: bool = True) -> bytes:
    return etree.tostring(
        root, encoding="utf-8", xml_declaration=True,
        doctype="<!DOCTYPE html>" if doctype else None,
    )
