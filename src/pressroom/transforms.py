"""Language-aware rewriting of the model, between the reader and the writers.

Format-independent typography has one home here, so no writer repeats it. Only text is
rewritten: link targets, inline code, and URLs or e-mail addresses written in the text are
left exactly as they are. The source file is never touched. In order:

1. Smart punctuation, every language, with the marks of ``styles/typography.json``:
   straight quotes become the language's quotation marks, ``'`` in a word an apostrophe,
   ``--`` a dash (spaced or not, by language), ``---`` an em dash, ``2020--2023`` a range
   dash, ``...`` an ellipsis. Each paragraph, question or metadata string is read as one
   text across its inline nodes (emphasis, links, code and note calls count as the text they
   stand for), so ``"*word*"``, ``*"word"*`` and a quote after a link are decided by what is
   around them. Whether a quote opens or closes follows the characters beside it, as in
   pandoc's and CommonMark's smart punctuation: after a space, the start, an opening bracket
   or a dash it opens; before a space, the end or punctuation it closes; between two letters
   ``'`` is an apostrophe. Openings and closings of the same kind (``"`` or ``'``) are then
   paired like brackets; the nesting depth picks the marks (English “ ‘ ’ ”, Spanish
   « “ ‘ ’ ” », …), a quotation typed with ``'`` outside any other starting at the second
   level (English ‘so-called’, French “soi-disant”). An unpaired ``'`` is an apostrophe (``'tis``,
   ``students'``); ``'`` and ``"`` right after a digit, outside a quotation, are primes
   (5′10″).
2. The spacing rules of the language:

   - French: a narrow no-break space (U+202F) before ; : ! ? and inside « » (replacing any
     space the author typed there), none inside times and ratios (10:30).
   - Spanish: no space after the opening ¿ ¡ nor before the closing ? !, none inside « ».
   - Russian: a no-break space before a dash between words and after one-letter words
     (prepositions and conjunctions), so neither starts or ends a line; and in "2023 г.".

3. French superior letters: ordinals (1er, 1re, 2e, 2nd, 2de, XXIe) and abbreviations (Mme,
   Mlle, Mgr, Dr; Me before a name) get their letters as ``Superscript`` nodes, in the text
   and, for the front-matter values the editions show (title, standfirst, section, caption,
   credit, the interviewer's note, the interviewee's role), in ``Interview.styled`` (the
   plain value stays in its field for metadata, bookmarks and running heads). Not in code,
   URLs, numbers such as ``2e5`` or hexadecimal.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import unicodedata

from . import model as m

NBSP = "\u00a0"  # no-break space
NNBSP = "\u202f"  # narrow no-break space
_SPACES = " \u00a0\u202f\u2009"

#: Runs that no rule may touch: URLs, www. addresses and e-mail addresses in the text.
#: Trailing sentence punctuation is not part of the address.
_PROTECTED = re.compile(
    r"(?:https?://|mailto:|www\.)[^\s«»<>\"]*[^\s«»<>\".,;:!?)\]]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)


def _outside_protected(fn):
    """Apply ``fn`` to the parts of a text between protected runs."""

    def apply(text: str) -> str:
        out, last = [], 0
        for mo in _PROTECTED.finditer(text):
            out.append(fn(text[last:mo.start()]))
            out.append(mo.group())
            last = mo.end()
        out.append(fn(text[last:]))
        return "".join(out)

    return apply


def _french_part(text: str) -> str:
    def before_mark(mo):
        # One narrow no-break space before ; : ! ? (a run such as "?!" counts once), whatever
        # the author typed there; none right after an opening bracket.
        prev = text[mo.start() - 1] if mo.start() else ""
        return mo.group(1) if prev in "([{" and prev else NNBSP + mo.group(1)

    text = re.sub(rf"[{_SPACES}]*([;:!?]+)", before_mark, text)
    # No space in times and ratios: 10:30, 2:1.
    text = re.sub(rf"(\d){NNBSP}:(?=\d)", r"\1:", text)
    # Guillemets: a narrow no-break space inside.
    text = re.sub(rf"([«‹])[{_SPACES}]*", "\\1" + NNBSP, text)
    text = re.sub(rf"[{_SPACES}]*([»›])", NNBSP + "\\1", text)
    return text


def _spanish_part(text: str) -> str:
    text = re.sub(rf"([¿¡])[{_SPACES}]+", r"\1", text)
    text = re.sub(rf"(?<=\S)[{_SPACES}]+([?!])", r"\1", text)
    text = re.sub(rf"«[{_SPACES}]+", "«", text)
    text = re.sub(rf"[{_SPACES}]+»", "»", text)
    return text


_RU_ONE_LETTER = re.compile(r"(?<![\w\-])([авикосуяАВИКОСУЯ])[ ](?=\w)")


def _russian_part(text: str) -> str:
    text = re.sub(r"(?<=\w) ([—–]) ", NBSP + r"\1 ", text)
    text = _RU_ONE_LETTER.sub(r"\1" + NBSP, text)
    text = re.sub(r"(\d) (гг?\.)", r"\1" + NBSP + r"\2", text)
    return text


_french = _outside_protected(_french_part)
_spanish = _outside_protected(_spanish_part)
_russian = _outside_protected(_russian_part)

_RULES = {"fr": _french, "es": _spanish, "ru": _russian}


def rule_for(lang: str):
    """The text rule of a BCP 47 language tag, or None."""
    return _RULES.get(lang.split("-")[0].lower())


def _map_text(node, fn):
    if isinstance(node, m.Text):
        return m.Text(fn(node.text))
    if isinstance(node, (m.Code, m.LineBreak, m.NoteRef, m.Superscript)):
        return node
    if isinstance(node, m.Link):
        return m.Link(node.href, tuple(_map_text(c, fn) for c in node.children))
    if dataclasses.is_dataclass(node):
        changes = {}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
                changes[f.name] = tuple(_map_text(c, fn) for c in value)
        return dataclasses.replace(node, **changes) if changes else node
    return node


# --------------------------------------------------------------------------
# Smart punctuation

#: Stands, in the flattened text of a paragraph, for an inline node without text of its own
#: to rewrite (inline code, a note call): a word character that no rule changes.
_OBJECT = "\ufffc"
_CJK = re.compile("[\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
                  "\U00020000-\U0002fa1f]")
_TYPED_SPACES = " \t\u00a0"
_DASHES = re.compile(r"(?<!-)(-{2,3})(?!-)")
_DOTS = re.compile(r"(?<!\.)(\.{6}|\.{3})(?!\.)")
_STRAIGHT = re.compile("[\"']")
_CANDIDATE = re.compile("[\"']|--|\\.\\.\\.")
_INCHES = re.compile(r"\d'\d{1,2}$")  # before the " of 5'10"
_DECADE = re.compile(r"'\d\d(?!\d)")  # '90s

# Roles of a straight quote, from its neighbours (pass 1), then after pairing (pass 2).
_OPEN, _CLOSE, _EITHER, _CLOSE_OR_APOS, _CLOSE_OR_PRIME, _APOS, _PRIME = range(7)


def _opening_context(c: str | None) -> bool:
    """May a quote after ``c`` open? After the start, a space, an opening bracket or quote,
    a dash or a slash."""
    if c is None or c.isspace():
        return True
    return unicodedata.category(c) in ("Ps", "Pi", "Pd") or c == "/"


def _closing_context(c: str | None) -> bool:
    """May a quote before ``c`` close? Before the end, a space, or punctuation that is not an
    opening bracket or quote."""
    if c is None or c.isspace():
        return True
    return unicodedata.category(c) in ("Pe", "Pf", "Po", "Pd")


def _wordlike(c: str | None) -> bool:
    return c is not None and (c.isalnum() or c == _OBJECT) and not _CJK.match(c)


def _role(text: str, i: int, elisions=()) -> int:
    q = text[i]
    prev = text[i - 1] if i else None
    nxt = text[i + 1] if i + 1 < len(text) else None
    if q == '"' and _INCHES.search(text[max(i - 4, 0):i]):
        return _PRIME  # the inches of 5'10"
    if prev is not None and prev.isdigit() and not (q == "'" and nxt is not None and nxt.isalpha()):
        return _CLOSE_OR_PRIME  # 5'10", or the end of "in 2023"
    if q == "'" and _opening_context(prev) and any(
            text[i:i + len(e)].lower() == e and not _wordlike(text[i + len(e):i + len(e) + 1] or None)
            for e in elisions):
        return _APOS  # 'tis, 'em (styles/typography.json "elisions")
    if q == "'" and _wordlike(prev) and _wordlike(nxt):
        return _APOS  # it's, l'avenir, O'Brien, the 1990's
    if _opening_context(prev):
        if q == "'" and text.startswith("'n'", i) and (i + 3 == len(text) or text[i + 3].isspace()):
            return _APOS  # rock 'n' roll (both marks)
        if q == "'" and _DECADE.match(text, i):
            return _APOS  # '90s, '68
        return _EITHER if nxt is None or nxt.isspace() else _OPEN
    if _closing_context(nxt):
        return _CLOSE_OR_APOS if q == "'" and _wordlike(prev) else _CLOSE
    return _EITHER


def _quote_marks(text: str, protected: set[int], rules: dict) -> dict[int, str]:
    """The mark of every straight quote of ``text`` that is not protected: {index: mark}."""
    quotes = [mo.start() for mo in _STRAIGHT.finditer(text) if mo.start() not in protected]
    elisions = tuple(rules.get("elisions", ()))
    roles = {i: _role(text, i, elisions) for i in quotes}
    for i in quotes:  # the second mark of 'n'
        if roles[i] == _APOS and text.startswith("'n'", i) and i + 2 in roles:
            roles[i + 2] = _APOS
    partner: dict[int, int] = {}
    result: dict[int, str] = {}
    stack: list[int] = []
    unpaired_close: set[int] = set()
    for i in quotes:
        role, q = roles[i], text[i]
        if role == _APOS:
            continue
        if role == _PRIME:
            result[i] = rules["primes"][1]
            continue
        same = next((k for k in range(len(stack) - 1, -1, -1) if text[stack[k]] == q), None)
        if role == _OPEN or (role == _EITHER and same is None):
            stack.append(i)
        elif same is not None:
            partner[i] = stack[same]
            del stack[same:]  # what opened inside and never closed stays unpaired
        elif role == _CLOSE_OR_PRIME:
            result[i] = rules["primes"][0 if q == "'" else 1]
        elif q == "'":
            roles[i] = _APOS
        else:
            unpaired_close.add(i)
    closers = set(partner)
    opened = set(partner.values())
    marks = rules["quotes"]
    depth_at: dict[int, int] = {}
    depth, offset = 0, 0
    for i in quotes:
        if i in result:
            continue
        if roles[i] == _APOS or (text[i] == "'" and i not in opened and i not in closers):
            result[i] = rules["apostrophe"]  # 'tis, 'em: an opening that never closed
            continue
        if i in closers:
            depth = depth_at[partner[i]]
        elif i in unpaired_close:
            depth = max(depth - 1, 0)
        else:  # an opening, paired or not (a quotation that runs on into the next paragraph)
            if depth == 0:  # a quotation typed with ' starts at the second level: 'so-called'
                offset = 1 if text[i] == "'" else 0
            depth_at[i] = depth
            result[i] = marks[(depth + offset) % len(marks)][0]
            depth += 1
            continue
        result[i] = marks[(depth + offset) % len(marks)][1]
    return result


def _dashes_and_dots(text: str, protected: set[int], rules: dict, out: dict[int, str]) -> None:
    n = len(text)
    for mo in _DASHES.finditer(text):
        a, b = mo.span()
        lo, hi = a, b
        while lo and text[lo - 1] in _TYPED_SPACES:
            lo -= 1
        while hi < n and text[hi] in _TYPED_SPACES:
            hi += 1
        if not protected.isdisjoint(range(lo, hi)):
            continue
        if b - a == 2 and a and text[a - 1].isdigit() and b < n and text[b].isdigit():
            out[a], out[a + 1] = rules["range"], ""
            continue
        before, mark, after = rules["dash" if b - a == 2 else "em_dash"]
        typed_before, typed_after = text[lo:a], text[b:hi]
        at_edge = lo == 0 or text[lo - 1] == "\n" or hi == n or text[hi] == "\n"
        if at_edge or before is None:
            before = typed_before
        if at_edge or after is None:
            after = typed_after
        for k in range(lo, hi):
            out[k] = ""
        out[a] = before + mark + after
    for mo in _DOTS.finditer(text):
        a, b = mo.span()
        if not protected.isdisjoint(range(a, b)):
            continue
        mark = rules["ellipsis"] if b - a == 3 else rules.get("ellipsis_long")
        if mark is None:
            continue
        out.update({k: "" for k in range(a + 1, b)})
        out[a] = mark


def smarten(text: str, rules: dict) -> str:
    """Smart punctuation of one plain text (``rules``: ``Styles.typography(lang)``)."""
    out = _replacements(text, rules, set())
    return _apply_replacements(text, 0, out) if out else text


def _replacements(text: str, rules: dict, protected: set[int]) -> dict[int, str]:
    """What the characters of ``text`` that change become: {index: text, often empty}."""
    if not _CANDIDATE.search(text):
        return {}
    protected = set(protected)
    for mo in _PROTECTED.finditer(text):
        protected.update(range(mo.start(), mo.end()))
    out: dict[int, str] = {}
    _dashes_and_dots(text, protected, rules, out)
    out.update(_quote_marks(text, protected, rules))
    return out


def _apply_replacements(text: str, start: int, out: dict[int, str], keys: list[int] | None = None) -> str:
    """``text`` (which starts at ``start`` in the flattened run) with the replacements in ``out``;
    ``keys``: the sorted indices of ``out``."""
    keys = sorted(out) if keys is None else keys
    pieces, last = [], 0
    for k in keys[bisect.bisect_left(keys, start):bisect.bisect_left(keys, start + len(text))]:
        pieces.append(text[last:k - start])
        pieces.append(out[k])
        last = k - start + 1
    pieces.append(text[last:])
    return "".join(pieces)


def _flatten(nodes, chars: list[str], protected: set[int], pos: list[int]) -> None:
    for n in nodes:
        if isinstance(n, m.Text):
            chars.append(n.text)
            pos[0] += len(n.text)
        elif isinstance(n, (m.Emphasis, m.Strong, m.Link)):
            _flatten(n.children, chars, protected, pos)
        else:  # code, note call, superscript: one protected character; a line break: a space
            chars.append("\n" if isinstance(n, m.LineBreak) else _OBJECT)
            protected.add(pos[0])
            pos[0] += 1


def _rebuild(nodes, out: dict[int, str], pos: list[int], keys: list[int]) -> tuple:
    result = []
    for n in nodes:
        if isinstance(n, m.Text):
            start, end = pos[0], pos[0] + len(n.text)
            pos[0] = end
            i = bisect.bisect_left(keys, start)
            if i < len(keys) and keys[i] < end:
                text = _apply_replacements(n.text, start, out, keys)
                if text:
                    result.append(m.Text(text))
            else:
                result.append(n)
        elif isinstance(n, m.Link):
            result.append(m.Link(n.href, _rebuild(n.children, out, pos, keys)))
        elif isinstance(n, (m.Emphasis, m.Strong)):
            result.append(type(n)(_rebuild(n.children, out, pos, keys)))
        else:
            pos[0] += 1
            result.append(n)
    return tuple(result)


def smarten_inlines(nodes: tuple, rules: dict) -> tuple:
    """Smart punctuation of one run of inline nodes (a paragraph, a question), read as one text."""
    chars: list[str] = []
    protected: set[int] = set()
    _flatten(nodes, chars, protected, [0])
    out = _replacements("".join(chars), rules, protected)
    return _rebuild(nodes, out, [0], sorted(out)) if out else nodes


# --------------------------------------------------------------------------
# French superior letters

_ROMAN = r"(?:(?=[MDCLXVI]{2})M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})|[IVX])"
_NOT_BEFORE = r"(?<![\w.,#+])"
_NOT_AFTER = r"(?![\w\u00b7]|[-+\u2212]\d)"


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _superior_pattern(table: dict) -> re.Pattern:
    """One pattern for the superior letters of ``table`` (the "superior" block of typography.json):
    group ``base`` stays on the line, group ``sup`` is raised."""
    ordinals = table.get("ordinals", {})
    branches = []
    for key, suffixes in ordinals.items():
        number = r"\d+" if key == "*" else re.escape(key)
        branches.append(f"(?P<base{len(branches)}>{number})(?P<sup{len(branches)}>{_alternatives(suffixes)})")
    if table.get("roman"):
        branches.append(f"(?P<base{len(branches)}>{_ROMAN})(?P<sup{len(branches)}>{_alternatives(table['roman'])})")
    for key, lookahead in (("abbreviations", ""), ("before_name", r"(?=[ \u00a0\u202f]+[A-ZÀ-ÖØ-Þ])")):
        for word in table.get(key, ()):
            base, _, sup = word.partition("^")
            branches.append(f"(?P<base{len(branches)}>{re.escape(base)})(?P<sup{len(branches)}>{re.escape(sup)})"
                            + lookahead)
    return re.compile(_NOT_BEFORE + "(?:" + "|".join(f"(?:{b})" for b in branches) + ")" + _NOT_AFTER)


def _superiors_in_text(text: str, pattern: re.Pattern) -> list:
    nodes: list = []
    last = 0
    protected = [(mo.start(), mo.end()) for mo in _PROTECTED.finditer(text)]
    for mo in pattern.finditer(text):
        if any(a < mo.end() and mo.start() < b for a, b in protected):
            continue
        groups = {k: v for k, v in mo.groupdict().items() if v is not None}
        base = next(v for k, v in groups.items() if k.startswith("base"))
        sup = next(v for k, v in groups.items() if k.startswith("sup"))
        nodes.append(text[last:mo.start()] + base)
        nodes.append(m.Superscript(sup))
        last = mo.end()
    nodes.append(text[last:])
    return [m.Text(x) if isinstance(x, str) else x for x in nodes if x != ""]


def superiors_inlines(nodes: tuple, pattern: re.Pattern) -> tuple:
    result = []
    for n in nodes:
        if isinstance(n, m.Text):
            result.extend(_superiors_in_text(n.text, pattern))
        elif isinstance(n, m.Link):
            result.append(m.Link(n.href, superiors_inlines(n.children, pattern)))
        elif isinstance(n, (m.Emphasis, m.Strong)):
            result.append(type(n)(superiors_inlines(n.children, pattern)))
        else:
            result.append(n)
    return tuple(result)


# --------------------------------------------------------------------------
# The whole interview


def _map_runs(node, fn):
    """Apply ``fn`` to every run of inline nodes of a block, exchange or footnote."""
    if isinstance(node, m.Paragraph):
        return m.Paragraph(fn(node.children))
    if isinstance(node, m.Exchange):
        return dataclasses.replace(node, question=fn(node.question),
                                   answer=tuple(_map_runs(b, fn) for b in node.answer))
    if isinstance(node, m.BlockQuote) and node.attribution:
        return dataclasses.replace(node, children=tuple(_map_runs(b, fn) for b in node.children),
                                   attribution=fn(node.attribution))
    if isinstance(node, (m.BlockQuote, m.ListItem, m.Footnote)):
        return dataclasses.replace(node, children=tuple(_map_runs(b, fn) for b in node.children))
    if isinstance(node, m.List):
        return dataclasses.replace(node, items=tuple(_map_runs(i, fn) for i in node.items))
    return node


def _strings(obj, fn, names):
    if obj is None:
        return None
    return dataclasses.replace(obj, **{n: fn(getattr(obj, n)) for n in names})


_META = ("title", "subtitle", "section", "publisher", "rights")
_INTERVIEWER = ("name", "bio")
_INTERVIEWEE = ("name", "role", "bio")
_IMAGE = ("alt", "caption", "credit")


def _everywhere(iv: m.Interview, text_fn, runs_fn) -> m.Interview:
    return dataclasses.replace(
        iv,
        meta=_strings(iv.meta, text_fn, _META) if text_fn else iv.meta,
        interviewer=_strings(iv.interviewer, text_fn, _INTERVIEWER) if text_fn else iv.interviewer,
        interviewee=_strings(iv.interviewee, text_fn, _INTERVIEWEE) if text_fn else iv.interviewee,
        image=_strings(iv.image, text_fn, _IMAGE) if text_fn else iv.image,
        intro=tuple(_map_runs(b, runs_fn) for b in iv.intro),
        exchanges=tuple(_map_runs(e, runs_fn) for e in iv.exchanges),
        notes=tuple(_map_runs(n, runs_fn) for n in iv.notes),
    )


def _link_for(text: str) -> str | None:
    """The link target of an address written in the text, or None if it is not one."""
    from urllib.parse import urlsplit

    if "@" in text and "://" not in text and not text.startswith(("mailto:", "www.")):
        href = "mailto:" + text
    elif text.startswith("www."):
        href = "https://" + text
    else:
        href = text
    from urllib.parse import quote, urlunsplit

    try:
        parts = urlsplit(href)
        if parts.scheme in ("http", "https") and not parts.hostname:
            return None
    except ValueError:
        return None
    # The link target is a valid URL (EPUBCheck RSC-020): characters an address may be typed with
    # but a URL may not hold there ("[", "]", spaces…) are percent-encoded; the text is as typed.
    safe = "/:@!$&'()*+,;=-._~%"
    return urlunsplit((parts.scheme, parts.netloc, quote(parts.path, safe=safe), quote(parts.query, safe=safe + "?"),
                       quote(parts.fragment, safe=safe + "?#")))


def calls_before_punctuation(nodes: tuple, marks: str, keep: frozenset) -> tuple:
    """A note call typed after a closing mark of ``marks`` ("chose.[^1]") set before it
    ("chose[^1]."), with the space the language puts before the mark (French: "vrai[^2] ?").
    Left as typed: after a digit ("en 2023.[^1]": "2023¹" reads as a power), after the point of
    an abbreviation of ``keep`` or an initial ("etc.[^1]"), and where the mark is not at the end
    of a plain text node (inside emphasis, a link or code, after a closing quotation mark)."""
    if not marks or not any(isinstance(n, m.NoteRef) for n in nodes):
        return nodes
    tail_re = re.compile(f"([\u00a0\u202f]?[{re.escape(marks)}]+)$")
    out = list(nodes)
    i = 0
    while i < len(out) - 1:
        n = out[i]
        if not (isinstance(n, m.Text) and isinstance(out[i + 1], m.NoteRef)):
            i += 1
            continue
        mo = tail_re.search(n.text)
        head = n.text[:mo.start()] if mo else ""
        word = re.search(r"(\S*)$", head).group(1) if mo else ""
        if (not mo or not head or not (head[-1].isalpha() or head[-1] in ")]")
                or ("." in mo.group(1) and (word in keep or word.lower() in keep or len(word) == 1
                                            or "." in word))):
            i += 1
            continue
        j = i + 1
        while j < len(out) and isinstance(out[j], m.NoteRef):
            j += 1
        moved = mo.group(1)
        out[i] = m.Text(head)
        if j < len(out) and isinstance(out[j], m.Text):
            out[j] = m.Text(moved + out[j].text)
        else:
            out.insert(j, m.Text(moved))
        i = j
    return tuple(out)


def autolink_inlines(nodes: tuple) -> tuple:
    """Web and e-mail addresses written in the text become links to themselves (readers click
    them in the screen PDF and the EPUB; PDF/UA wants a printed address to be a link). Not
    inside a link or code."""
    out: list = []
    for n in nodes:
        if isinstance(n, m.Text) and ("." in n.text):
            last = 0
            for mo in _PROTECTED.finditer(n.text):
                href = _link_for(mo.group())
                if href is None:
                    continue
                if mo.start() > last:
                    out.append(m.Text(n.text[last:mo.start()]))
                out.append(m.Link(href, (m.Text(mo.group()),)))
                last = mo.end()
            if last == 0:
                out.append(n)
            elif last < len(n.text):
                out.append(m.Text(n.text[last:]))
        elif isinstance(n, (m.Emphasis, m.Strong)):
            out.append(dataclasses.replace(n, children=autolink_inlines(n.children)))
        else:
            out.append(n)
    return tuple(out)


def apply(interview: m.Interview, styles=None) -> m.Interview:
    """Apply the rules of the interview's language (``styles``: a ``Styles``, default the
    project's ``styles/``)."""
    if styles is None:
        from .styles import open_styles

        styles = open_styles()
    lang = interview.meta.lang
    typo = styles.typography(lang)
    iv = _everywhere(interview, lambda t: smarten(t, typo), lambda r: smarten_inlines(r, typo))
    iv = _everywhere(iv, None, autolink_inlines)
    rule = rule_for(lang)
    if rule is not None:
        iv = dataclasses.replace(
            iv,
            meta=_strings(iv.meta, rule, _META),
            interviewer=_strings(iv.interviewer, rule, ("bio",)),
            interviewee=_strings(iv.interviewee, rule, ("role",)),
            image=_strings(iv.image, rule, _IMAGE),
            intro=tuple(_map_text(b, rule) for b in iv.intro),
            exchanges=tuple(_map_text(e, rule) for e in iv.exchanges),
            notes=tuple(_map_text(n, rule) for n in iv.notes),
        )
    if typo.get("calls_before"):
        keep = frozenset(typo.get("calls_keep", ()))
        iv = _everywhere(iv, None, lambda r: calls_before_punctuation(r, typo["calls_before"], keep))
    if typo.get("superior"):
        pattern = _superior_pattern(typo["superior"])
        iv = _everywhere(iv, None, lambda r: superiors_inlines(r, pattern))
        styled = []
        for key, obj, name in (("title", iv.meta, "title"), ("subtitle", iv.meta, "subtitle"),
                               ("section", iv.meta, "section"), ("image.caption", iv.image, "caption"),
                               ("image.credit", iv.image, "credit"), ("interviewer.bio", iv.interviewer, "bio"),
                               ("interviewee.role", iv.interviewee, "role")):
            value = getattr(obj, name, "") if obj is not None else ""
            nodes = superiors_inlines((m.Text(value),), pattern) if value else ()
            if any(isinstance(n, m.Superscript) for n in nodes):
                styled.append((key, nodes))
        iv = dataclasses.replace(iv, styled=tuple(styled))
    return iv
