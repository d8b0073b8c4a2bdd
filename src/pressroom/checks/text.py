"""Text fidelity: the model's words, in order, in the text a real reader extracts.

Extraction: pdftotext (poppler) for the PDFs, the DOCX's own XML (python-docx's
package reader plus lxml), lxml on the EPUB's spine XHTML and an HTML5 parser (tinyhtml5) on the web edition's
body (without its scripts and styles).

The expected text is cut into *passages* (the title, the standfirst, the body
from the introduction to the last answer, each footnote, the interviewer's name
and note, the caption and credit). Each passage must appear token for token and
in order; other text (running heads, page numbers, note calls, footnotes floated
to a page foot) may come in between, since it is not a loss.

Tokens are words, numbers and single punctuation marks, compared after NFKC and
case folding, so spacing around punctuation, a note call set against its word
("tongue1."), ligatures, capitals set by CSS and line breaks do not count; each
CJK character is a token (those scripts put no spaces
between words, and a layout engine may break a line anywhere).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
import zipfile
from pathlib import Path

from .. import model as m
from .core import Outcome, check, run_tool

NOTE = "\x00"  # stands for a note call in the expected text
#: Directional marks, embeddings and isolates, and the invisible format characters a writer adds
#: for line breaking (zero-width space after "/" in an address, word joiners between CJK
#: characters): none of them is text.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\u061c\ufeff\u00ad]")
#: A hyphen that touches a letter or digit: compared as if it were not there, since a layout
#: engine may break a line after it and pdftotext then drops it ("plain-" + "-text" comes out as
#: "plain-text"). A lost word still fails; a dash between spaces is still a token.
_WORD_HYPHEN = re.compile(r"(?<=\w)[-\u2010\u2011]+|[-\u2010\u2011]+(?=\w)")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_LETTER = f"(?:[^\\W\\d{_CJK}]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])"
_TOKEN = re.compile(f"{_LETTER}+(?:[-\u2010\u2011'\u2019]{_LETTER}+)*|\\d+|[{_CJK}]|[^\\s{NOTE}]")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


#: Stands for a hyphen that ends a page's text (``words(..., page_end=True)``).
PAGE_HYPHEN = "\x01"


def words(text: str, page_end: bool = False) -> list[str]:
    """The tokens of a text, case-folded (small caps and capitals are styling, not loss).

    With ``page_end``, a hyphen after a letter at the end of a line that no letter follows (the
    foot of a page) is kept as the token PAGE_HYPHEN, for PageText to join the word overleaf.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    # Hyphenation added by a layout engine (U+2010 at a line end) is not text, and a hyphen of the
    # text that ends a line belongs to its word ("wide-" + "ranging"): join the lines, then compare
    # words without their hyphens.
    text = re.sub("(?<=\\w)[-\u2010\u2011][ \t]*\n\\s*(?=[^\\W\\d_])", "", text)
    # An address broken after "_" (a letter to the tokenizer): "utm_" + "source" is one word.
    text = re.sub("(?<=\\S_)[ \t]*\n\\s*(?=\\S)", "", text)
    if page_end:
        text = re.sub("(?<=[^\\W\\d_])[-\u2010\u2011][ \t]*(?=\n|$)", " " + PAGE_HYPHEN, text)
    text = _WORD_HYPHEN.sub("", text)
    return _TOKEN.findall(text.casefold())


# -- what the model says --------------------------------------------------------


def _inline_text(nodes) -> str:
    return m.plain_text(nodes, note=NOTE)


def passages(interview: m.Interview, kind: str | None = None) -> list[tuple[str, str]]:
    """(name, text) of every passage of the model that the output ``kind`` shows.

    ``kind`` is "print", "screen", "epub", "docx" or "html"; None expects every passage. Without a
    photo file, only the editions for the art desk (print: the FPO box, DOCX: the FPO frame)
    carry the caption and credit; the readers' editions (screen, EPUB, web) show neither.
    """
    meta = interview.meta
    out = [("title", meta.title)]
    if meta.subtitle:
        out.append(("standfirst", meta.subtitle))
    body = [_inline_text(interview.intro)]
    for ex in interview.exchanges:
        body.append(_inline_text(ex.question) + "\n")
        body.append(_inline_text(ex.answer))
    out.append(("body", "".join(body)))
    for note in interview.notes:
        out.append((f"footnote {note.number}", _inline_text(note.children)))
    # "Interview with NAME, ROLE" in the title block (the words around them are styles).
    if interview.interviewee:
        out.append(("interviewee", interview.interviewee.name))
        out.append(("interviewee role", interview.interviewee.role))
    if interview.interviewer:
        out.append(("interviewer", interview.interviewer.name))
        if interview.interviewer.bio:
            out.append(("interviewer note", interview.interviewer.bio))
    image = interview.image
    if image and (image.path is not None or kind in (None, "print", "docx")):
        for key in ("caption", "credit"):
            value = getattr(image, key)
            if value:
                out.append((f"image {key}", value))
    return [(name, text) for name, text in out if text.strip()]


#: A token at least this long may come out of a PDF in pieces: a word too long for any line
#: breaks at the margin with no hyphen (overflow-wrap, styles/base.css), and pdftotext reads each
#: line's piece as a word. Its pieces, one after the other and joined, are the word.
LONG_TOKEN = 20


def _pieces(w: str, actual: list[str], k: int) -> int | None:
    """If ``actual[k:j]`` joined is ``w`` (a long token in pieces), j; else None."""
    joined, j = "", k
    while j < len(actual) and len(joined) < len(w) and w.startswith(joined + actual[j]):
        joined += actual[j]
        j += 1
    return j if joined == w and j - k > 1 else None


def first_miss(expected: list[str], actual: list[str]) -> int | None:
    """None if ``expected`` is a subsequence of ``actual`` (a long token may be found in pieces,
    ``_pieces``); else the index of the first token not found."""
    k = 0
    for i, w in enumerate(expected):
        while k < len(actual):
            if actual[k] == w:
                k += 1
                break
            end = _pieces(w, actual, k) if len(w) >= LONG_TOKEN and w.startswith(actual[k]) else None
            if end is not None:
                k = end
                break
            k += 1
        else:
            return i
    return None


def _wordlike(token: str) -> bool:
    return any(c.isalnum() for c in token)


def _report(misses: list[dict], counted: int) -> Outcome:
    if misses:
        first = misses[0]
        return Outcome(False, f"{first['passage']}: “{first['missing']}” (token {first['token']}) missing or out "
                              f"of order near “{first['near']}”", {"tokens": counted, "missing": misses})
    return Outcome(True, f"{counted} tokens (words, numbers, marks) in order", {"tokens": counted, "missing": []})


def _miss(name: str, expected: list[str], i: int) -> dict:
    context = " ".join(expected[max(0, i - 4): i + 5])
    return {"passage": name, "token": i, "missing": expected[i], "near": context}


def fidelity(interview: m.Interview, text: str, pages: "PageText | None" = None, *,
             kind: str | None = None) -> Outcome:
    """Every passage of the model (as output ``kind`` shows it), token for token and in order, in ``text``.

    With ``pages`` (a PDF's text page by page), a passage may also be found in the text with each
    page's running heads and folios taken out, the footnotes set apart, and a word hyphenated
    across a page break joined again: what a reader reads across the break. Right-to-left text is
    compared like any other: the PDFs carry it in logical order (/ActualText).
    """
    actual = words(text)
    misses = []
    counted = 0
    for name, passage in passages(interview, kind):
        expected = words(passage)
        counted += len(expected)
        miss = first_miss(expected, actual)
        if miss is not None and pages is not None:
            miss = first_miss(expected, pages.reading_tokens)
        if miss is not None:
            misses.append(_miss(name, expected, miss))
    return _report(misses, counted)


# -- a PDF page by page -----------------------------------------------------------


def _digit_value(token: str) -> int | None:
    try:
        return int("".join(str(unicodedata.digit(c)) for c in token)) if token else None
    except (TypeError, ValueError):
        return None


class PageText:
    """A PDF's text as a reader reads it across pages.

    ``pages`` is pdftotext's text, one string a page. On each page, the lines at its top and foot
    that are running heads (the title, the publication and section: the model's own words) or the
    folio ("3", "3 / 12") are taken out; then each footnote's text is found on the page where it is
    set and set apart; a word hyphenated at the foot of a page is joined with its end at the top of
    the next one. ``reading_tokens`` is the body as read; ``note_pages`` and ``call_pages`` say
    where each note starts and where it is called (1-based page numbers).
    """

    def __init__(self, interview: m.Interview, pages: list[str]):
        self.interview = interview
        self.pages = pages
        self.count = len(pages)
        units = [words(interview.meta.title)]
        meta = interview.meta
        units.append(words(f"{meta.publisher} {meta.section}"))
        units.extend(words(u) for u in (meta.publisher, meta.section) if u)
        self.units = [[t for t in u if _wordlike(t)] for u in units]
        self.units = [u for u in self.units if u]
        page_tokens = [words("\n".join(self._strip_furniture(text, i + 1)), page_end=True)
                       for i, text in enumerate(pages)]
        self.note_pages: dict[int, int] = {}
        self._set_apart_notes(page_tokens)
        self.reading_tokens, self.token_page = self._join(page_tokens)
        self.call_pages = self._calls()

    # running heads and folios
    def _is_folio(self, toks: list[str], number: int) -> bool:
        values = [_digit_value(t) for t in toks if t not in ("/", "|", "·", "-", "–", "—")]
        if not values or any(v is None for v in values):
            return False
        return values[0] == number and (len(values) == 1 or (len(values) == 2 and values[1] == self.count))

    def _is_running_head(self, toks: list[str]) -> bool:
        rest = [t for t in toks if _wordlike(t)]
        if not rest:
            return False
        used = 0
        while rest:
            for u in self.units:
                if rest[:len(u)] == u:
                    rest = rest[len(u):]
                    break
                if rest[-len(u):] == u:  # right-to-left heads may come in visual order
                    rest = rest[:-len(u)]
                    break
            else:
                return False
            used += 1
            if used > 4:
                return False
        return True

    def _strip_furniture(self, text: str, number: int) -> list[str]:
        lines = text.split("\n")

        def furniture(line: str) -> bool:
            toks = words(line)
            return not toks or self._is_folio(toks, number) or self._is_running_head(toks)

        top = 0
        while top < len(lines) and top < 8 and furniture(lines[top]):
            top += 1
        foot = len(lines)
        while foot > top and len(lines) - foot < 8 and furniture(lines[foot - 1]):
            foot -= 1
        return lines[top:foot]

    # footnotes
    def _set_apart_notes(self, page_tokens: list[list[str]]) -> None:
        """Find each note's text (from the foot up) on the first page that has it; take it out."""
        for note in self.interview.notes:
            expected = words(_inline_text(note.children))
            if not expected:
                continue
            head = expected[:min(len(expected), 6)]
            for p, toks in enumerate(page_tokens):
                at = _rfind(toks, expected)
                length = len(expected)
                if at is None:
                    # A note that runs on to the next page: its start ends this page's notes.
                    at = _rfind(toks, head)
                    length = len(head)
                if at is None:
                    continue
                start = at
                # its number ("3", "3.") before it
                while start > 0 and start > at - 3 and not _wordlike(toks[start - 1]):
                    start -= 1
                if start > 0 and _digit_value(toks[start - 1]) == note.number:
                    start -= 1
                del toks[start:at + length]
                self.note_pages[note.number] = p + 1
                break

    # across page breaks
    def _join(self, page_tokens: list[list[str]]) -> tuple[list[str], list[int]]:
        out: list[str] = []
        page_of: list[int] = []
        joining = False
        for p, toks in enumerate(page_tokens):
            toks = list(toks)
            ends = bool(toks) and toks[-1] == PAGE_HYPHEN
            toks = [t for t in toks if t != PAGE_HYPHEN]  # a marker not at the page's end: a hyphen only
            if joining and out and toks and _wordlike(out[-1]) and _wordlike(toks[0]):
                # "effect-" at the foot of the last page, "ive" here: one word, read where it starts
                out[-1] = out[-1] + toks.pop(0)
            out.extend(toks)
            page_of.extend([p + 1] * len(toks))
            joining = ends
        return out, page_of

    def _calls(self) -> dict[int, int]:
        """The page of the first call of each note, from where the body's words are read."""
        iv = self.interview
        segments: list[tuple[str, int]] = []  # (text before the call, note number)
        text: list[str] = []

        def walk(n):
            if isinstance(n, (tuple, list)):
                for x in n:
                    walk(x)
            elif isinstance(n, m.NoteRef):
                segments.append(("".join(text), n.number))
            elif isinstance(n, (m.Text, m.Code, m.Superscript)):  # as model.plain_text reads them
                text.append(n.text)
            elif isinstance(n, m.LineBreak):
                text.append("\n")
            elif dataclasses.is_dataclass(n):
                for f in dataclasses.fields(n):
                    if f.name in ("children", "items", "question", "answer"):
                        walk(getattr(n, f.name))
                if isinstance(n, m.Paragraph):
                    text.append("\n")
                elif isinstance(n, m.BlockQuote) and n.attribution:
                    walk(n.attribution)
                    text.append("\n")

        walk(iv.intro)
        for ex in iv.exchanges:
            walk(ex.question)
            text.append("\n")
            walk(ex.answer)
        body = words("".join(text))
        where = align(body, self.reading_tokens)
        calls: dict[int, int] = {}
        if where is None:
            return calls
        for before, number in segments:
            if number in calls:
                continue
            i = len(words(before)) - 1
            if i < 0:
                i = 0
            if i < len(where):
                calls[number] = self.token_page[where[i]]
        return calls


def _rfind(tokens: list[str], run: list[str]) -> int | None:
    """The start of the last occurrence of ``run`` in ``tokens``, contiguous."""
    n = len(run)
    for i in range(len(tokens) - n, -1, -1):
        if tokens[i:i + n] == run:
            return i
    return None


def align(expected: list[str], actual: list[str]) -> list[int] | None:
    """Where each expected token is found in ``actual`` (as first_miss matches), or None."""
    out = []
    k = 0
    for w in expected:
        bare = w.replace("-", "") if "-" in w else None
        while k < len(actual) and actual[k] != w and actual[k] != bare:
            k += 1
        if k == len(actual):
            return None
        out.append(k)
        k += 1
    return out


# -- what the outputs say -------------------------------------------------------


def pdf_text(path: Path) -> str:
    # The default mode: reading order from the layout, right-to-left lines in logical order
    # (-raw gives them in visual order). It drops a hyphen that ends a line ("wide-" +
    # "ranging" = "wideranging"): first_miss forgives exactly that.
    proc = run_tool(["pdftotext", "-enc", "UTF-8", str(path), "-"], timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"pdftotext failed: {proc.stderr.decode(errors='replace').strip()[:200]}")
    return proc.stdout.decode("utf-8")


def _paragraph_text(p) -> str:
    parts = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        if el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append(" ")
    return "".join(parts)


def docx_text(path: Path) -> str:
    """Every paragraph of the body (tables and frames included), then the footnotes."""
    from lxml import etree

    import docx

    body = docx.Document(str(path)).element.body
    parts = []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for p in body.iter(f"{W}p"):
            # A text box's fallback (VML) copy repeats its text: read the primary choice only.
            if any(a.tag.endswith("}Fallback") for a in p.iterancestors()):
                continue
            parts.append(_paragraph_text(p))
        if "word/footnotes.xml" in names:
            notes = etree.fromstring(z.read("word/footnotes.xml"))
            for fn in notes.findall(f"{W}footnote"):
                if fn.get(f"{W}type") in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                parts.extend(_paragraph_text(p) for p in fn.iter(f"{W}p"))
    return "\n".join(parts)


def epub_spine(path: Path) -> list[tuple[str, bytes]]:
    """(name, XHTML bytes) of the spine documents, in reading order."""
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_path))
        base = opf_path.rpartition("/")[0]
        manifest = {i.get("id"): i.get("href") for i in opf.iter("{*}item")}
        out = []
        for ref in opf.iter("{*}itemref"):
            href = manifest[ref.get("idref")]
            name = f"{base}/{href}" if base else href
            out.append((name, z.read(name)))
        return out


_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "div", "section",
           "article", "aside", "header", "footer", "nav", "figure", "figcaption", "blockquote", "table",
           "tr", "td", "th", "caption", "br", "hr", "main", "pre", "address"}


def _xhtml_text(el, parts: list[str]) -> None:
    """Text as a reading system lays it out: inline elements run on, blocks start a new line."""
    local = el.tag.rpartition("}")[2] if isinstance(el.tag, str) else ""
    block = local in _BLOCKS
    if block:
        parts.append("\n")
    if isinstance(el.tag, str) and el.text:
        parts.append(el.text)
    for child in el:
        _xhtml_text(child, parts)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append("\n")


def epub_text(path: Path) -> str:
    """The text of the spine documents, in spine order."""
    from lxml import etree

    parts: list[str] = []
    for _name, data in epub_spine(path):
        body = etree.fromstring(data).find("{*}body")
        if body is not None:
            _xhtml_text(body, parts)
    return "".join(parts)


def pdf_pages(text: str) -> list[str]:
    """pdftotext's text cut into pages (it ends each page with a form feed)."""
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def xhtml_text(data: bytes, html: bool = False) -> str:
    """The text of an XHTML document's body (or, with ``html``, an HTML one), blocks on lines of their own."""
    from lxml import etree

    parts: list[str] = []
    root = etree.fromstring(data, etree.HTMLParser(encoding="utf-8")) if html else etree.fromstring(data)
    body = root.find("{*}body") if not html else root.find("body")
    if body is not None:
        _xhtml_text(body, parts)
    return "".join(parts)


def html_text(path: Path) -> str:
    """The text of the web edition's body as a browser shows it: no <head>, <script>, <style> or
    <template> (JSON-LD, CSS and fonts are not text a reader reads)."""
    import xml.etree.ElementTree as ET

    import tinyhtml5
    from lxml import etree

    # An HTML5 parser, as browsers parse the page (libxml2's HTML 4 parser does not know that
    # <wbr> is empty: it nests what follows each one, and past its depth limit drops the text).
    tree = tinyhtml5.parse(path.read_bytes(), namespace_html_elements=False, transport_encoding="utf-8")
    root = etree.fromstring(ET.tostring(tree, encoding="utf-8"))
    etree.strip_elements(root, "script", "style", "template", "head", etree.Comment, with_tail=False)
    body = root.find("body")
    parts: list[str] = []
    if body is not None:
        _xhtml_text(body, parts)
    return "".join(parts)


EXTRACT = {"print": pdf_text, "screen": pdf_text, "epub": epub_text, "docx": docx_text, "html": html_text}


def _page_text(ctx, kind, path) -> PageText:
    text = ctx.memo(("text", kind), lambda: EXTRACT[kind](path))
    return ctx.memo(("pages", kind), lambda: PageText(ctx.interview, pdf_pages(text)))


def _fidelity_check(kind):
    def fn(ctx, path):
        text = ctx.memo(("text", kind), lambda: EXTRACT[kind](path))
        if kind in ("print", "screen"):
            return fidelity(ctx.interview, text, pages=_page_text(ctx, kind, path), kind=kind)
        return fidelity(ctx.interview, text, kind=kind)

    fn.__name__ = f"text_{kind}"
    return fn


def note_placement(interview: m.Interview, pages: PageText) -> Outcome:
    """Every footnote starts on the page of its first call."""
    problems, placed = [], []
    for note in interview.notes:
        call, at = pages.call_pages.get(note.number), pages.note_pages.get(note.number)
        if call is None:
            problems.append(f"the call of note {note.number} was not found")
        elif at is None:
            problems.append(f"note {note.number} (called on page {call}) was not found")
        elif at != call:
            problems.append(f"note {note.number} is set on page {at}, its call on page {call}")
        else:
            placed.append(note.number)
    details = {"notes": len(interview.notes), "calls": pages.call_pages, "notes_on": pages.note_pages}
    if not interview.notes:
        return Outcome(True, "no footnotes", details)
    return Outcome.from_problems(problems, f"{len(placed)} notes, each on the page of its call", details)


def _placement_check(kind):
    def fn(ctx, path):
        return note_placement(ctx.interview, _page_text(ctx, kind, path))

    fn.__name__ = f"notes_{kind}"
    return fn


_TOOL = {"print": "pdftotext", "screen": "pdftotext", "epub": "lxml", "docx": "python-docx/lxml", "html": "tinyhtml5"}
for _kind in ("print", "screen"):
    check(_kind, "note-pages", "every footnote on the page of its call")(_placement_check(_kind))
for _kind in ("print", "screen", "epub", "docx", "html"):
    check(_kind, "text", f"text fidelity ({_TOOL[_kind]})")(_fidelity_check(_kind))
