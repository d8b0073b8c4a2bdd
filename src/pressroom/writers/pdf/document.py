"""The edition's HTML: the shared XHTML of html.py with the edition's own markup (soft hyphens, compounds kept whole, list starts, the publication line)."""

from __future__ import annotations

import re


from ... import html as H
from ... import model as m
from ...styles import Styles
from .fetch import photo_url


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
    _running_heads(root, styles.typography(meta.lang)["running_head"])
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
#: A compound this long or longer is not kept whole: it may not fit a line of the narrowest
#: trim, and a break after one of its hyphens is better than a line run past the margin.
LONG_COMPOUND = 40


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
            if len(mo.group(0)) >= LONG_COMPOUND:
                continue
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


def _running_heads(root, limits: dict) -> None:
    """A title or kicker too long for its running head (one line on the narrowest trim, in the
    language's characters: ``running_head`` in styles/typography.json) runs there shortened, at
    a word where it has one, with an ellipsis: ``data-running-head``, which the stylesheets'
    ``string-set`` takes instead of the element's text."""
    ns = f"{{{H.XHTML}}}"
    for key, path in (("title", f".//{ns}h1[@class='title']"), ("kicker", f".//{ns}header/{ns}p[@class='kicker']")):
        el = root.find(path)
        if el is None:
            continue
        text = " ".join("".join(el.itertext()).replace("\u00ad", "").split())
        limit = int(limits[key])
        if len(text) <= limit:
            continue
        cut = text[:limit - 1]
        space = cut.rfind(" ")
        if space >= limit // 2:
            cut = cut[:space]
        el.set("data-running-head", cut.rstrip(" ,;:·-\u2013\u2014\u060c\u3001") + "\u2026")


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
