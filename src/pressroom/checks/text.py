"""Text fidelity: the model's words, in order, in the text a real reader extracts.

Extraction: pdftotext (poppler) for the PDFs, the DOCX's own XML (python-docx's
package reader plus lxml) and lxml on the EPUB's spine XHTML.

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

import re
import unicodedata
import zipfile
from pathlib import Path

from .. import model as m
from .core import Outcome, check, run_tool

NOTE = "\x00"  # stands for a note call in the expected text
_HARAKAT = re.compile("[\u064b-\u065f\u0670]")
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_LETTER = f"(?:[^\\W\\d{_CJK}]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])"
_TOKEN = re.compile(f"{_LETTER}+(?:[-\u2010\u2011'\u2019]{_LETTER}+)*|\\d+|[{_CJK}]|[^\\s{NOTE}]")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def words(text: str) -> list[str]:
    """The tokens of a text, case-folded (small caps and capitals are styling, not loss)."""
    text = unicodedata.normalize("NFKC", text)
    text = _BIDI.sub("", text)  # directional marks and embeddings are not text
    # Arabic vowel marks are optional and a PDF may set them as glyphs of their own.
    text = _HARAKAT.sub("", text)
    # Hyphenation added by a layout engine (U+2010 at a line end, soft hyphens) is not text...
    text = re.sub("\u2010[ \t]*\n\\s*", "", text)
    text = text.replace("\u00ad", "")
    # ...but a hyphen of the text that ends a line belongs to its word: "wide-" + "ranging".
    text = re.sub(r"(?<=\w)([-\u2011])[ \t]*\n\s*(?=\w)", r"\1", text)
    return _TOKEN.findall(text.casefold())


# -- what the model says --------------------------------------------------------


def _inline_text(nodes) -> str:
    return m.plain_text(nodes, note=NOTE)


def passages(interview: m.Interview, kind: str | None = None) -> list[tuple[str, str]]:
    """(name, text) of every passage of the model that the output ``kind`` shows.

    ``kind`` is "print", "screen", "epub" or "docx"; None expects every passage. Without a
    photo file, only the editions for the art desk (print: the FPO box, DOCX: the FPO frame)
    carry the caption and credit; the readers' editions (screen, EPUB) show neither.
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


def first_miss(expected: list[str], actual: list[str], window: int = 0) -> int | None:
    """None if ``expected`` is a subsequence of ``actual``; else the index of the first token not found.

    A hyphenated word may come without its hyphen: pdftotext drops a hyphen that ends a line.
    With a ``window``, a token may also come up to that many tokens before the furthest one
    matched so far (each actual token is used once): local disorder within a line is forgiven,
    a lost token or a moved sentence is not.
    """
    used: set[int] = set()
    high = 0
    for i, w in enumerate(expected):
        bare = w.replace("-", "") if "-" in w else None
        k = max(0, high - window)
        while k < len(actual) and (k in used or (actual[k] != w and actual[k] != bare)):
            k += 1
        if k == len(actual):
            return i
        used.add(k)
        high = max(high, k + 1)
    return None


#: pdftotext (poppler 22) can split a right-to-left line whose words carry vowel marks into
#: several lines, out of order, cut a word where a mark was ("مترجمًا" as "مترجم ا"), and give
#: the letters of a ligature in visual order ("إلى" as "إىل"). For right-to-left PDFs the check
#: therefore compares letter streams (spaces and punctuation dropped), each letter found at most this many
#: letters before the furthest one matched: a lost word or a moved sentence still fails.
RTL_PDF_WINDOW = 12


def _wordlike(token: str) -> bool:
    return any(c.isalnum() for c in token)


def _first_miss_letters(expected: list[str], letters: list[str], window: int) -> int | None:
    """Like first_miss on the letters of the words; returns the index of the first token missed.

    Punctuation is left out: poppler moves the marks around a left-to-right quotation inside a
    right-to-left line ("«On … idées»:" comes out as "،»On … idées« :").
    """
    stream: list[str] = []
    owner: list[int] = []
    for i, token in enumerate(expected):
        if not _wordlike(token):
            continue
        stream.extend(token)
        owner.extend([i] * len(token))
    miss = first_miss(stream, letters, window * 2)
    return None if miss is None else owner[miss]


def fidelity(interview: m.Interview, text: str, window: int = 0, *, kind: str | None = None) -> Outcome:
    actual = words(text)
    missing = []
    counted = 0
    letters = list("".join(t for t in actual if _wordlike(t))) if window else None
    for name, passage in passages(interview, kind):
        expected = words(passage)
        counted += len(expected)
        if window:
            miss = _first_miss_letters(expected, letters, window)
        else:
            miss = first_miss(expected, actual, window)
        if miss is not None:
            context = " ".join(expected[max(0, miss - 4): miss + 5])
            missing.append({"passage": name, "token": miss, "missing": expected[miss], "near": context})
    if missing:
        first = missing[0]
        return Outcome(False, f"{first['passage']}: “{first['missing']}” (token {first['token']}) missing or out "
                              f"of order near “{first['near']}”",
                       {"tokens": counted, "missing": missing, "window": window})
    order = f"in order (within {window} tokens)" if window else "in order"
    return Outcome(True, f"{counted} tokens (words, numbers, marks) {order}",
                   {"tokens": counted, "missing": [], "window": window})


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


def pdf_window(interview: m.Interview) -> int:
    return RTL_PDF_WINDOW if interview.meta.script_direction == "rtl" else 0


EXTRACT = {"print": pdf_text, "screen": pdf_text, "epub": epub_text, "docx": docx_text}


def _fidelity_check(kind):
    def fn(ctx, path):
        text = ctx.memo(("text", kind), lambda: EXTRACT[kind](path))
        return fidelity(ctx.interview, text, pdf_window(ctx.interview) if kind in ("print", "screen") else 0,
                        kind=kind)

    fn.__name__ = f"text_{kind}"
    return fn


_TOOL = {"print": "pdftotext", "screen": "pdftotext", "epub": "lxml", "docx": "python-docx/lxml"}
for _kind in ("print", "screen", "epub", "docx"):
    check(_kind, "text", f"text fidelity ({_TOOL[_kind]})")(_fidelity_check(_kind))
