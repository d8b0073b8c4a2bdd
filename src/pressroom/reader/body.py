"""The Markdown body: markdown-it-py (CommonMark) with the mdit-py-plugins front-matter and
footnote plugins; the blocks, the inlines, the exchanges (a ``## `` question and its answer),
the footnotes and a quote's attribution line.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .. import breaks
from .. import model as m
from .limits import _MD_MAX_NESTING, _NOTE_DEF, MAX_ADDRESS, MAX_NESTING, MAX_PARAGRAPH, MAX_WORD, _refused_char, address_problem

LINK_SCHEMES = ("http", "https", "mailto")
#: A link whose text holds a footnote call: "[text[^1]](https://…)".
_CALL_IN_LINK = re.compile(r"\[(?:[^\[\]]|\[\^[^\]\s]+\])*\[\^[^\]\s]+\](?:[^\[\]]|\[\^[^\]\s]+\])*\]\(")


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": _MD_MAX_NESTING})
    # Inline notes (^[text]) are off: a note is a [^label] call and a [^label]: definition.
    md.use(front_matter_plugin).use(footnote_plugin, inline=False)
    md.validateLink = lambda url: True  # we check schemes ourselves, with a clear error
    return md


_MD = _parser()


class Body:
    """The body, as methods of ``source._Reader`` (``self.error``, ``self.lines``,
    ``self.fm_offset``, ``self.footnote_env``, ``self.note_numbers``)."""

    def body(self, tokens):
        notes_tokens = []
        main = []
        in_notes = False
        for t in tokens:
            if t.type == "footnote_block_open":
                in_notes = True
            if in_notes:
                notes_tokens.append(t)
            else:
                main.append(t)
            if t.type == "footnote_block_close":
                in_notes = False
        self._check_footnote_labels()

        intro: list[m.Block] = []
        exchanges: list[m.Exchange] = []
        current_q = None
        current_blocks: list[m.Block] = []
        pos = 0
        last_line = 1

        def flush():
            if current_q is not None:
                q_inlines, q_line = current_q
                if not current_blocks:
                    raise self.error(q_line, "this question has no answer",
                                     "write the answer as paragraphs below the '## ' question")
                exchanges.append(m.Exchange(id=f"q{len(exchanges) + 1}", question=q_inlines, answer=tuple(current_blocks)))

        while pos < len(main):
            t = main[pos]
            if t.map:
                last_line = t.map[0] + 1
            if t.type == "heading_open":
                line = t.map[0] + 1
                if t.tag != "h2":
                    if t.tag == "h1":
                        raise self.error(line, "level-1 heading in the body",
                                         "the title comes from the front matter 'title'; questions are '## '")
                    raise self.error(line, f"{t.tag} heading in the body; only '## ' questions are supported",
                                     "make it a '## ' question, or bold text with **…**")
                inline = main[pos + 1]
                q = self.inlines(inline.children or [], line)
                if not _visible(m.plain_text(q)):
                    raise self.error(line, "empty question heading", "write the question after '## '")
                if any(isinstance(n, m.NoteRef) for n in _walk_inlines(q)):
                    # A call in a heading lands in the bookmarks and the navigation ("migration?1").
                    raise self.error(line, "a footnote call in a question",
                                     "put the call in the answer, after the word it belongs to")
                flush()
                current_q = (q, line)
                current_blocks = []
                pos += 3
                continue
            block, pos = self.block(main, pos, depth=0)
            (current_blocks if current_q is not None else intro).append(block)
        flush()
        if not exchanges:
            raise self.error(last_line, "the interview has no questions",
                             "write each question as a level-2 heading: '## What is …?'")
        notes = self.notes(notes_tokens)
        return tuple(intro), tuple(exchanges), notes

    def block(self, tokens, pos, depth):
        t = tokens[pos]
        line = (t.map[0] + 1) if t.map else 1
        if depth > MAX_NESTING or t.level > MAX_NESTING * 2 + 2:
            raise self.error(line, "quotes or lists are nested too deeply", f"keep them within {MAX_NESTING} levels")
        if t.type == "paragraph_open":
            inline = tokens[pos + 1]
            if any(_CALL_IN_LINK.search(text) for text in self._paragraph_lines(line)):
                raise self.error(line, "a footnote call inside a link's text",
                                 "put the call after the link: [the text](https://…)[^1]")
            children = self.inlines(inline.children or [], line)
            if len(m.plain_text(children)) > MAX_PARAGRAPH:
                raise self.error(line, f"paragraph longer than {MAX_PARAGRAPH} characters",
                                 "split it into several paragraphs with blank lines")
            return m.Paragraph(children), pos + 3
        if t.type == "blockquote_open":
            children, pos = self.blocks_until(tokens, pos + 1, "blockquote_close", depth + 1)
            return _attributed(children, self._attribution), pos
        if t.type in ("bullet_list_open", "ordered_list_open"):
            ordered = t.type == "ordered_list_open"
            start = int(t.attrs.get("start", 1)) if ordered else 1
            close = t.type.replace("_open", "_close")
            items = []
            pos += 1
            while tokens[pos].type != close:
                if tokens[pos].type != "list_item_open":  # pragma: no cover - markdown-it guarantees this
                    raise self.error(line, "malformed list", "")
                children, pos = self.blocks_until(tokens, pos + 1, "list_item_close", depth + 1)
                items.append(m.ListItem(children))
            return m.List(ordered=ordered, start=start, items=tuple(items)), pos + 1
        if t.type in ("html_block",):
            raise self.error(line, "raw HTML is not allowed in the source",
                             "write it in Markdown, or escape the '<' as '\\<' to show it as text")
        if t.type in ("fence", "code_block"):
            raise self.error(line, "code blocks are not supported in an interview",
                             "remove the indentation or the ``` fence; use `code` for inline code")
        if t.type == "hr":
            raise self.error(line, "thematic breaks (---, ***) are not supported in the body",
                             "start a new question with '## ' instead")
        raise self.error(line, f"unsupported Markdown ({t.type})", "use paragraphs, quotes, lists and '## ' questions")

    def blocks_until(self, tokens, pos, close, depth):
        out = []
        self._attribution = None
        while tokens[pos].type != close:
            start = pos
            block, pos = self.block(tokens, pos, depth)
            out.append(block)
            # A quote's last paragraph may end with an attribution line ("-- name"): kept aside,
            # with its own inline nodes, for _attributed.
            last = tokens[pos].type == close == "blockquote_close" and tokens[start].type == "paragraph_open"
            self._attribution = self._split_attribution(tokens[start + 1], start) if last else None
        return tuple(out), pos + 1

    def _split_attribution(self, inline, start):
        """(text nodes before the attribution line, attribution nodes) of a quote's last paragraph, or None."""
        kids = list(inline.children or [])
        line = (inline.map[0] + 1) if inline.map else 1
        for i in range(len(kids) - 1, -2, -1):
            if i >= 0 and kids[i].type not in ("softbreak", "hardbreak"):
                continue
            first = kids[i + 1] if i + 1 < len(kids) else None
            mo = _ATTRIBUTION.match(first.content) if first is not None and first.type == "text" else None
            if mo is None:
                return None
            rest = [first.copy(content=first.content[mo.end():])] if first.content[mo.end():] else []
            rest += kids[i + 2:]
            before = self.inlines(kids[:max(i, 0)], line)
            after = self.inlines(rest, line)
            if not m.plain_text(after).strip():
                return None
            return before, after
        return None  # pragma: no cover - the loop returns

    def inlines(self, children, line) -> tuple[m.Inline, ...]:
        stack: list[tuple[str, list, dict]] = [("root", [], {})]
        for c in children:
            ty = c.type
            if ty == "text":
                self._check_chars(c.content, line)
                self._check_text(c.content, line)
                stack[-1][1].append(m.Text(c.content))
            elif ty == "softbreak":
                stack[-1][1].append(m.Text(" "))
            elif ty == "hardbreak":
                stack[-1][1].append(m.LineBreak())
            elif ty == "code_inline":
                self._check_chars(c.content, line)
                stack[-1][1].append(m.Code(c.content))
            elif ty in ("em_open", "strong_open", "link_open"):
                if len(stack) > MAX_NESTING:
                    raise self.error(line, "emphasis or links nested too deeply", "simplify the formatting")
                attrs = dict(c.attrs or {})
                if ty == "link_open":
                    self._check_link(attrs.get("href", ""), line)
                stack.append((ty, [], attrs))
            elif ty in ("em_close", "strong_close", "link_close"):
                kind, kids, attrs = stack.pop()
                kids = tuple(_merge_text(kids))
                if kind == "em_open":
                    node = m.Emphasis(kids)
                elif kind == "strong_open":
                    node = m.Strong(kids)
                else:
                    if not _visible(m.plain_text(kids)):
                        raise self.error(line, "a link with no text",
                                         "write the words to click between the brackets: [IOM's site](https://…)")
                    node = m.Link(attrs.get("href", ""), kids)
                stack[-1][1].append(node)
            elif ty == "footnote_ref":
                label = c.meta["label"]
                if label not in self.note_numbers:
                    self.note_numbers[label] = len(self.note_numbers) + 1
                stack[-1][1].append(m.NoteRef(self.note_numbers[label]))
            elif ty == "html_inline":
                raise self.error(line, f"raw HTML is not allowed in the source: {c.content[:40]}",
                                 "write it in Markdown, or escape the '<' as '\\<' to show it as text")
            elif ty == "image":
                raise self.error(line, "images in the body are not supported",
                                 "the lead photo goes in the front matter 'image'")
            else:
                raise self.error(line, f"unsupported Markdown ({ty})", "remove it or write it as plain text")
        return tuple(_merge_text(stack[0][1]))

    def _check_text(self, content, line):
        for word in content.split():
            if len(word) > MAX_WORD:
                for run in breaks.unbreakable_runs(word):
                    if len(run) > MAX_WORD:
                        self._check_long_word(run, line)
        undefined = re.search(r"\[\^([^\]\s]+)\]", content)
        if undefined and not self._typed_unescaped(undefined.group(), line):
            undefined = None  # written \[^1]: literal text, as the author asked
        if undefined:
            raise self.error(line, f"footnote [^{undefined.group(1)}] is used but never defined",
                             f"add a line '[^{undefined.group(1)}]: the note' at the end of the source")

    def _paragraph_lines(self, line: int) -> list[str]:
        """The source lines of the block starting at ``line`` (up to the next blank line)."""
        out = []
        for text in self.lines[line - 1:]:
            if not text.strip():
                break
            out.append(text)
        return out

    def _typed_unescaped(self, call: str, line: int) -> bool:
        """Whether the block at ``line`` has ``call`` ("[^x]") without a backslash before it."""
        pattern = re.compile(r"(?<!\\)" + re.escape(call))
        return any(pattern.search(text) for text in self._paragraph_lines(line))


    def _check_chars(self, content: str, line: int):
        """Characters given as entities (&#12;, &#x202E;) follow the rules of typed ones."""
        found = _refused_char(content, "control character",
                              "delete the entity; use a blank line to separate paragraphs")
        if found:
            raise self.error(line, f"{found[0]} in the text (written as an entity)", found[1])

    def _check_long_word(self, word: str, line: int):
        """A word over MAX_WORD is refused unless it is an address (with text around it) whose
        parts between break opportunities, and the text around it, are within MAX_WORD."""
        rest = 0
        for is_address, piece in breaks.split_addresses(word):
            if not is_address:
                rest += len(piece)
                continue
            if len(piece) > MAX_ADDRESS:
                raise self.error(line, f"a web or e-mail address of {len(piece)} characters is too long",
                                 f"addresses may have up to {MAX_ADDRESS} characters; shorten it, "
                                 "e.g. drop its tracking parameters, or link a shorter address")
            longest = max(breaks.address_parts(piece), key=len)
            if len(longest) > MAX_WORD:
                raise self.error(line, f"an address has a run of {len(longest)} characters with no "
                                 "/ ? & . - or _ where a line could break",
                                 f"shorten '{longest[:30]}…' or link the address from shorter text")
        if rest > MAX_WORD or rest == len(word):
            raise self.error(line, f"a word of {len(word)} characters cannot be set on a line",
                             f"add spaces, or shorten it: words may have up to {MAX_WORD} characters")

    def _check_link(self, href: str, line: int):
        written = unquote(href)  # as the author wrote it, before markdown-it's percent-encoding
        if len(written) > MAX_ADDRESS:
            raise self.error(line, f"link target of {len(written)} characters is too long",
                             f"addresses may have up to {MAX_ADDRESS} characters; link a shorter address")
        scheme = re.match(r"^([a-z][a-z0-9+.-]*):", href.strip(), re.I)
        shown = href if len(href) < 60 else href[:57] + "…"
        if not scheme or scheme.group(1).lower() not in LINK_SCHEMES:
            raise self.error(line, f"link target '{shown}' is not an http, https or mailto URL",
                             "write a full address such as https://www.iom.int/")
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(href.strip())
            host = parts.hostname if parts.scheme.lower() != "mailto" else None
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            raise self.error(line, f"link target '{shown}' is not a valid address",
                             "check the brackets and the port, e.g. https://www.iom.int/") from None
        if parts.scheme.lower() == "mailto":
            if not re.fullmatch(r"[^@\s/?]+@[^@\s/?]+\.[^@\s/?]+(\?.*)?", parts.path + (f"?{parts.query}" if parts.query else "")):
                raise self.error(line, f"link target '{shown}' has no e-mail address",
                                 "write mailto: and the address, e.g. mailto:press@un.org")
        elif not host or not re.fullmatch(r"[\w.-]+|[0-9a-f:.]+", host, re.I):
            raise self.error(line, f"link target '{shown}' has no host name",
                             "write a full address such as https://www.iom.int/")
        else:
            problem = address_problem(href.strip())
            if problem:
                raise self.error(line, f"link target '{shown}' {problem}",
                                 "write the address as the browser shows it, e.g. https://www.iom.int/")

    def _definition_lines(self) -> dict[str, list[int]]:
        """The lines where each footnote is defined: at a line's start, or inside quotes and lists."""
        out: dict[str, list[int]] = {}
        for i, line in enumerate(self.lines[self.fm_offset:], self.fm_offset + 1):
            mo = _NOTE_DEF.match(line)
            if mo:
                out.setdefault(mo.group(1), []).append(i)
        return out

    def _check_footnote_labels(self):
        defined = self._definition_lines()
        for label, lines in defined.items():
            if len(lines) > 1 and f":{label}" in self.footnote_env.get("refs", {}):
                raise self.error(lines[1], f"footnote [^{label}] is defined twice (lines {lines[0]} and {lines[1]})",
                                 "keep one definition and delete or rename the other")
        for key, ident in self.footnote_env.get("refs", {}).items():
            if ident == -1:
                label = key[1:]
                line = (defined.get(label) or [1])[0]
                raise self.error(line, f"footnote [^{label}] is defined but never used",
                                 f"call it in the text with [^{label}], or delete it")

    def notes(self, tokens) -> tuple[m.Footnote, ...]:
        defs: dict[str, tuple[m.Block, ...]] = {}
        from_text = set(self.note_numbers)
        pos = 0
        while pos < len(tokens):
            t = tokens[pos]
            if t.type == "footnote_open":
                label = t.meta["label"]
                pos += 1
                blocks = []
                while tokens[pos].type != "footnote_close":
                    if tokens[pos].type == "footnote_anchor":
                        pos += 1
                        continue
                    if tokens[pos].type == "paragraph_close":  # after anchors were skipped
                        pos += 1
                        continue
                    block, pos = self.block(tokens, pos, depth=1)
                    blocks.append(block)
                defs[label] = tuple(blocks)
            pos += 1
        for label in self.note_numbers:
            if label not in from_text:
                # Word and LibreOffice cannot hold a note whose only call is inside another note.
                line = (self._definition_lines().get(label) or [1])[0]
                raise self.error(line, f"footnote [^{label}] is called only from another footnote",
                                 "call it in the text too, or fold its text into the note that calls it")
        notes = []
        for label, number in sorted(self.note_numbers.items(), key=lambda kv: kv[1]):
            notes.append(m.Footnote(number=number, label=label, children=defs.get(label, ())))
        return tuple(notes)


#: Format characters (zero-width spaces and joiners, word joiner, BOM) show nothing.
def _visible(text: str) -> bool:
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Zs", "Zl", "Zp") for ch in text)


def _walk_inlines(nodes):
    for n in nodes:
        yield n
        kids = getattr(n, "children", None)
        if kids:
            yield from _walk_inlines(kids)


#: The start of a quote's attribution line: two hyphens, or em dashes or horizontal bars (Chinese "——").
_ATTRIBUTION = re.compile(r"^[ \t]*(?:--|[\u2014\u2015]+)[ \t\u00a0]*")


def _attributed(children, split) -> m.BlockQuote:
    """The quote, with its last paragraph's attribution line (``split``) moved to ``attribution``."""
    if split is None:
        return m.BlockQuote(children)
    before, after = split
    body = children[:-1] + ((m.Paragraph(before),) if before else ())
    if not body:  # a quote that is nothing but "-- name" is a quote, not an attribution
        return m.BlockQuote(children)
    return m.BlockQuote(body, attribution=after)


def _merge_text(nodes):
    out = []
    for n in nodes:
        if isinstance(n, m.Text) and out and isinstance(out[-1], m.Text):
            out[-1] = m.Text(out[-1].text + n.text)
        else:
            out.append(n)
    return out
