"""Model -> semantic XHTML, shared by the PDF and EPUB writers.

The same markup serves both: the PDF writer lays it out with WeasyPrint and
the print or screen stylesheet, the EPUB writer packages it with
``styles/epub.css``. The options below cover what must differ between them
(footnote placement, image sources, EPUB semantics).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from lxml import etree

from . import model as m
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


class HtmlBuilder:
    def __init__(self, interview: m.Interview, strings: Strings, options: HtmlOptions):
        self.iv = interview
        self.s = strings
        self.o = options
        self.block_count = 0
        self.notes = {n.number: n for n in interview.notes}
        self.seen_calls: set[int] = set()

    # -- document -------------------------------------------------------
    def document(self) -> etree._Element:
        html, body = page(self.iv.meta, self.iv.meta.title, epub=self.o.epub,
                          stylesheets=self.o.stylesheets, meta_tags=self.o.meta)
        body.append(self.article())
        return html

    def article(self):
        iv, meta = self.iv, self.iv.meta
        art = E("article", {"class": "interview", "id": "interview"})
        if self.o.epub:
            art.set(f"{{{EPUB_NS}}}type", "chapter")
            art.set("role", "doc-chapter")
        header = E("header", {"class": "title-block"})
        art.append(header)
        if meta.section:
            header.append(self.styled(E("p", {"class": "kicker"}), "section", meta.section))
        if iv.image is not None:
            fig = self.figure(iv.image)
            if fig is not None:
                header.append(fig)
        header.append(self.styled(E("h1", {"class": "title", "id": "title"}), "title", meta.title))
        if meta.subtitle:
            sub = self.styled(E("p", {"class": "standfirst"}), "subtitle", meta.subtitle)
            if self.o.epub:
                sub.set("role", "doc-subtitle")
            header.append(sub)
        if iv.interviewee and iv.interviewee.name:
            header.append(self.interviewee(iv.interviewee))
        header.append(self.byline())

        if iv.intro:
            intro = E("section", {"class": "intro", "id": "intro"})
            for b in iv.intro:
                intro.append(self.block(b))
            art.append(intro)
        for ex in iv.exchanges:
            art.append(self.exchange(ex))
        if iv.interviewer and iv.interviewer.bio:
            note = E("footer", {"class": "interviewer-note", "id": "interviewer-note"})
            p = self.styled(E("p", text="* "), "interviewer.bio", iv.interviewer.bio)
            self.number(p)
            note.append(p)
            art.append(note)
        if self.o.footnotes == "aside" and iv.notes:
            art.append(self.endnotes())
        return art

    def figure(self, image: m.Image):
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
        if image.caption or image.credit:
            cap = E("figcaption")
            if image.caption:
                cap.append(self.styled(E("span", {"class": "caption"}), "image.caption", image.caption))
            if image.caption and image.credit:
                _append_text(cap, " ")
            if image.credit:
                cap.append(self.styled(E("span", {"class": "credit"}), "image.credit", image.credit))
            fig.append(cap)
        self.number(fig)
        return fig

    def interviewee(self, person: m.Person):
        """"Interview with NAME, ROLE" (the words and the separator from styles/strings.json)."""
        p = E("p", {"class": "interviewee"})
        before, _, after = self.s.get("interviewee", name="\x00").partition("\x00")
        _append_text(p, before)
        p.append(E("span", {"class": "interviewee-name"}, text=person.name))
        if person.role:
            _append_text(p, self.s["interviewee_sep"])
            p.append(E("span", {"class": "interviewee-role"}, text=person.role))
        _append_text(p, after)
        return p

    def byline(self):
        p = E("p", {"class": "byline"})
        iv = self.iv
        if iv.interviewer:
            label = self.s.get("interview_by", name="\x00")
            before, _, after = label.partition("\x00")
            _append_text(p, before)
            name = E("span", {"class": "interviewer"}, text=iv.interviewer.name)
            p.append(name)
            _append_text(p, after)
            if iv.interviewer.bio:
                mark = E("a", {"class": "note-mark", "href": "#interviewer-note"}, text="*")
                p.append(mark)
            sep = E("span", {"class": "sep"}, text=" · ")
            p.append(sep)
        time = E("time", {"datetime": iv.meta.date.isoformat()}, text=self.s.date(iv.meta.date))
        p.append(time)
        return p

    def exchange(self, ex: m.Exchange):
        sec = E("section", {"class": "exchange", "id": ex.id})
        h = E("h2", {"class": "question"})
        self.inlines(h, ex.question)
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
    def styled(self, el, key: str, plain: str):
        """``el`` with the front-matter value ``key`` appended (its superior letters raised)."""
        self.inlines(el, self.iv.inlines_of(key, plain))
        return el

    def inlines(self, parent, nodes):
        for n in nodes:
            self.inline(parent, n)

    def inline(self, parent, n):
        if isinstance(n, m.Text):
            _append_text(parent, n.text)
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

    def note_call(self, number: int):
        note = self.notes.get(number)
        first = number not in self.seen_calls
        self.seen_calls.add(number)
        if self.o.footnotes == "float" and note is not None and first:
            span = E("span", {"class": "footnote", "id": f"fn{number}"})
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
