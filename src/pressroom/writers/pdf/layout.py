"""Layout passes: WeasyPrint's layout, then hyphen ladders and loose lines fitted, laid out again until none is left (or the pass limit)."""

from __future__ import annotations

import re

from lxml import etree

from ... import html as H
from ... import model as m
from ...styles import Styles
from .document import LONG_WORD, _add_class, _root_for


# -- layout passes ----------------------------------------------------------------------------

#: At most this many hyphenated lines in a row (issue 14). WeasyPrint 70 has no
#: hyphenate-limit-lines, so ``laid_out`` enforces it after layout.
MAX_HYPHENATED_LINES = 2
#: Layouts tried at most (each pass fixes the first ladder of every paragraph).
MAX_LAYOUT_PASSES = 6


def _line_texts(line) -> list:
    from weasyprint.formatting_structure import boxes

    return [b for b in line.descendants() if isinstance(b, boxes.TextBox) and b.text]


def _hyphenated_word(lines: list, j: int):
    """(WeasyPrint element of its text, word, occurrence) of the word hyphenated at the end of
    lines[j]: the occurrence counts the whole-word occurrences before it in that element's own
    text (0-based). None if it cannot be told."""
    texts = _line_texts(lines[j])
    last = texts[-1]
    mark = last.style["hyphenate_character"]
    head = re.search(r"([\w\u00ad]+)$", last.text[:-len(mark)])
    following = _line_texts(lines[j + 1])
    rest = re.match(r"[\w\u00ad]+", following[0].text) if following else None
    if not head or not rest:
        return None
    word = head.group(1) + rest.group(0)
    # The element's own text up to the break, with the hyphenation marks taken out.
    before = []
    for line in lines[:j + 1]:
        line_texts = _line_texts(line)
        for t in line_texts:
            if t.element is last.element and t.element_tag == last.element_tag:
                text = t.text
                if t is line_texts[-1] and text.endswith(mark):
                    text = text[:-len(mark)]
                before.append(text)
    joined = "".join(before) + rest.group(0)
    count = len(re.findall(rf"(?<![\w\u00ad]){re.escape(word)}(?![\w\u00ad])", joined)) - 1
    return last.element, word, count


def hyphen_ladders(document, page_turns: bool = True) -> list[tuple[object, list]]:
    """Hyphenations to undo, the first of every paragraph: a run of more than
    MAX_HYPHENATED_LINES hyphenated lines, or a hyphenated last line of a page (the word would
    be cut by the page turn, and the folio read into it). Each as (the paragraph's WeasyPrint
    element, the words that may be kept whole to fix it, best first, each as
    ``_hyphenated_word`` gives it): for a run, the words at the ends of its last
    MAX_HYPHENATED_LINES + 1 lines, last line first. Without ``page_turns``, runs only."""
    from weasyprint.formatting_structure import boxes

    lines_of: dict[int, list] = {}
    pages_of: dict[int, list] = {}
    order: list = []
    for n, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if isinstance(box, boxes.LineBox) and box.element is not None:
                if id(box.element) not in lines_of:
                    lines_of[id(box.element)] = []
                    pages_of[id(box.element)] = []
                    order.append(box.element)
                lines_of[id(box.element)].append(box)
                pages_of[id(box.element)].append(n)
    found = []
    for block in order:
        lines, pages = lines_of[id(block)], pages_of[id(block)]
        run = 0
        for i, line in enumerate(lines):
            texts = _line_texts(line)
            last = texts[-1] if texts else None
            mark = last.style["hyphenate_character"] if last is not None else None
            if not (last is not None and mark and last.text.endswith(mark) and i + 1 < len(lines)):
                run = 0
                continue
            run += 1
            if page_turns and pages[i + 1] != pages[i]:
                words = [_hyphenated_word(lines, i)]
            elif run > MAX_HYPHENATED_LINES:
                words = [_hyphenated_word(lines, j) for j in range(i, i - MAX_HYPHENATED_LINES - 1, -1)]
            else:
                continue
            # A word too long for a line must stay breakable (its soft hyphens, below).
            found.append((block, [w for w in words if w is not None
                                  and len(w[1].replace("\u00ad", "")) < LONG_WORD]))
            break
    return found


#: A justified line whose word gap is wider than this many normal spaces is loose (issue 14:
#: "about twice" is a defect; the writer aims lower, so that one measured in the PDF, with the
#: glyphs' side bearings, stays under 2).
LOOSE_RATIO = 1.7
#: The normal word space of the shipped fonts, in em (their space glyphs: 0.26 for Noto Serif
#: and Sans, 0.221 for Noto Naskh Arabic, 0.22-0.26 for Noto CJK).
SPACE_EM = {"Pressroom Naskh": 0.221}
SPACE_EM_DEFAULT = 0.26
#: What ``laid_out`` may try on a paragraph with a loose line, in this order (``data-fit`` in
#: base.css: a little tighter or looser tracking, narrower spaces); the best one is kept.
FIT_VARIANTS = ("tight", "tighter", "tightest", "loose", "looser", "words", "tight-words")


def loose_lines(document) -> dict[int, tuple[object, float]]:
    """Justified lines with a word gap above LOOSE_RATIO normal spaces, worst per paragraph:
    {id(element): (WeasyPrint element, worst ratio)}; WeasyPrint adds the justification to
    every space of a line alike (``justification_spacing``)."""
    from weasyprint.formatting_structure import boxes

    out: dict[int, tuple[object, float]] = {}
    for page in document.pages:
        for line in page._page_box.descendants():
            if not isinstance(line, boxes.LineBox) or line.element is None:
                continue
            for t in _line_texts(line):
                extra = getattr(t, "justification_spacing", 0) or 0
                if extra <= 0 or " " not in t.text:
                    continue
                family = t.style["font_family"][0] if t.style["font_family"] else ""
                space = SPACE_EM.get(family, SPACE_EM_DEFAULT) * t.style["font_size"]
                # The gap as set: the space, its justification, word- and letter-spacing
                # (after the letter before it and after the space itself).
                tracking = t.style["letter_spacing"] if t.style["letter_spacing"] != "normal" else 0
                ratio = (space + extra + t.style["word_spacing"] + 2 * tracking) / space
                if ratio > LOOSE_RATIO and ratio > out.get(id(line.element), (None, 0))[1]:
                    out[id(line.element)] = (line.element, ratio)
    return out


def _is_note(el) -> bool:
    return etree_local(el.tag) == "span" and "footnote" in (el.get("class") or "").split()


#: Elements an HTML parser takes as empty: written "<br/>", never "<br></br>".
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def trial_root(root, paths: list[list[int]]):
    """A copy of ``root`` for trying FIT_VARIANTS: the paragraphs at ``paths`` whole, their
    ancestors and their ancestors' children kept (so that every selector matches them as in
    ``root``: ``p + p``, ``:first-child``, ``:last-of-type``), every other element emptied of
    its text and descendants except its notes (so that each call keeps its number, and its
    width). In one column with no floats beside the text (the
    shipped trims, styles/print.css) a paragraph's lines depend only on its own text, style and
    measure, so they break here as in the whole document, at a fraction of its layout."""
    trial = etree.fromstring(H.to_bytes(root))
    kept = [el for el in (_element_at(trial, path) for path in paths) if el is not None]
    protected = {d for el in kept for d in el.iter()}
    ancestors = {a for el in kept for a in el.iterancestors()}

    def empty(el):
        if etree_local(el.tag) in _VOID:
            return
        notes = [d for d in el.iterdescendants() if isinstance(d.tag, str) and _is_note(d)
                 and not any(_is_note(a) for a in d.iterancestors() if a is not el)]
        for child in list(el):
            el.remove(child)
        el.text = ""  # "<p></p>", not "<p/>", which an HTML parser leaves open
        for note in notes:
            note.tail = None
            el.append(note)

    body = trial.find(f"{{{H.XHTML}}}body")
    stack = [body] if body is not None else []
    while stack:
        el = stack.pop()
        el.text = ""
        for child in list(el):
            child.tail = None
            if not isinstance(child.tag, str):
                el.remove(child)
            elif child in protected:
                continue  # a paragraph tried, whole (also when it holds another one tried)
            elif child in ancestors:
                stack.append(child)
            elif not _is_note(child):
                empty(child)
    return trial


def _path(el, parents: dict) -> list[int]:
    """Child indices from the root to ``el`` (elements only); ``parents`` maps child to parent."""
    out = []
    while el in parents:
        parent = parents[el]
        out.append([c for c in parent if isinstance(c.tag, str)].index(el))
        el = parent
    return out[::-1]


def etree_local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _element_at(root, path: list[int]):
    el = root
    for i in path:
        kids = [c for c in el if isinstance(c.tag, str)]
        if i >= len(kids):
            return None
        el = kids[i]
    return el


def _mark_word(root, candidate):
    """Mark a word that ``_hyphenated_word`` found, given as (path of its element, the
    element's tag, word, occurrence), not to be hyphenated; returns the span or None."""
    path, tag, word, occurrence = candidate
    target = _element_at(root, path)
    if target is None or etree_local(target.tag) != tag:
        return None
    return _no_hyphen(target, word, occurrence)


def _unwrap(span) -> None:
    """Undo ``_no_hyphen``: the span's text goes back into its parent."""
    parent = span.getparent()
    text = (span.text or "") + (span.tail or "")
    previous = span.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(span)


def _no_hyphen(el, word: str, occurrence: int):
    """Wrap the occurrence-th whole-word ``word`` of el's own text in <span class="nohyphen">."""
    slots = [(el, "text")] + [(c, "tail") for c in el]
    seen = 0
    for node, attr in slots:
        value = getattr(node, attr) or ""
        for mo in re.finditer(rf"(?<![\w\u00ad]){re.escape(word)}(?![\w\u00ad])", value):
            if seen < occurrence:
                seen += 1
                continue
            # Without its soft hyphens: they would still be break points.
            span = H.E("span", {"class": "nohyphen"}, text=word.replace("\u00ad", ""))
            span.tail = value[mo.end():]
            setattr(node, attr, value[:mo.start()])
            if attr == "text":
                el.insert(0, span)
            else:
                node.addnext(span)
            return span
    return None


def laid_out(interview: m.Interview, styles: Styles, edition: str, render):
    """The edition laid out by ``render(html_string) -> (weasyprint.HTML, Document)``, with
    two passes WeasyPrint has no property for (issue 14). Deterministic: the same source gives
    the same passes and the same bytes. Returns (weasyprint.HTML, Document).

    1. Hyphen ladders: the word that would end a third hyphenated line in a row (or, if that
       makes the paragraph loose, the line before it) is marked not to be hyphenated
       (``.nohyphen``), and the text laid out again; so is a word hyphenated across a page.
    2. Loose lines: every paragraph with a justified line looser than LOOSE_RATIO is laid out
       with each of FIT_VARIANTS (all such paragraphs at once: a paragraph's lines depend only
       on its own text and measure), and keeps the variant whose worst line is tightest,
       provided it makes no hyphen ladder.
    """
    root = _root_for(interview, styles, edition)
    doc, document = render(H.to_bytes(root).decode("utf-8"))
    def settle(doc, document):
        # The ladder being fixed in each paragraph: (candidates, index tried, the span, ratio before).
        fixing: dict[tuple, list] = {}
        for _ in range(MAX_LAYOUT_PASSES):
            parents = {c: p for p in doc.etree_element.iter() for c in p}
            loose = {tuple(_path(el, parents)): r for el, r in loose_lines(document).values()}
            changed = False
            # A fix that made its paragraph loose is undone, and the run's line before tried instead.
            retried = set()
            for key, state in list(fixing.items()):
                candidates, index, span, ratio_before = state
                if loose.get(key, 1.0) <= max(ratio_before, LOOSE_RATIO) or index + 1 >= len(candidates):
                    continue
                if span is not None:
                    _unwrap(span)
                state[1] = index + 1
                state[2] = _mark_word(root, candidates[index + 1])
                retried.add(key)
                changed = True
            for block, words in hyphen_ladders(document):
                key = tuple(_path(block, parents))
                if key in retried:
                    continue
                # A ladder in a paragraph already fixed is a later run: the earlier fix stays.
                candidates = [(_path(el, parents), etree_local(el.tag), w, n) for el, w, n in words]
                span = _mark_word(root, candidates[0]) if candidates else None
                if span is not None:
                    fixing[key] = [candidates, 0, span, loose.get(key, 1.0)]
                    changed = True
            if not changed:
                break
            doc, document = render(H.to_bytes(root).decode("utf-8"))
        return doc, document

    doc, document = settle(doc, document)

    loose = loose_lines(document)
    if not loose:
        return doc, document
    parents = {c: p for p in doc.etree_element.iter() for c in p}
    paths = {key: _path(el, parents) for key, (el, _ratio) in loose.items()}
    best = {key: (ratio, None) for key, (_el, ratio) in loose.items()}
    # Each variant is tried on the loose paragraphs alone (``trial_root``); a hyphenation across
    # a page turn there says nothing of the whole document's pages (``settle`` below sees those).
    # A paragraph that a variant left with no loose line (ratio 1) cannot do better: the later
    # variants are tried on the others only.
    for variant in FIT_VARIANTS:
        active = {key: path for key, path in paths.items() if best[key][0] > 1.0}
        if not active:
            break
        trial = trial_root(root, list(active.values()))
        for path in active.values():
            _add_class(_element_at(trial, path), variant)
        t_doc, t_document = render(H.to_bytes(trial).decode("utf-8"))
        t_parents = {c: p for p in t_doc.etree_element.iter() for c in p}
        t_loose = {tuple(_path(el, t_parents)): r for el, r in loose_lines(t_document).values()}
        laddered = {tuple(_path(el, t_parents)) for el, _words in hyphen_ladders(t_document, page_turns=False)}
        for key, path in active.items():
            if tuple(path) in laddered:
                continue
            ratio = t_loose.get(tuple(path), 1.0)
            if ratio < best[key][0] - 0.01:
                best[key] = (ratio, variant)
    chosen = [(paths[key], variant) for key, (_r, variant) in best.items() if variant]
    if chosen:
        for path, variant in chosen:
            _add_class(_element_at(root, path), variant)
        doc, document = render(H.to_bytes(root).decode("utf-8"))
        # The variants change the paragraphs' heights, so the pages may now break elsewhere.
        doc, document = settle(doc, document)
    return doc, document
