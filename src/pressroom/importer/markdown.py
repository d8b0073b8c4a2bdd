"""The imported interview as a source: YAML front matter (PyYAML's safe dumper) and a CommonMark
body that the project's reader reads back into the same nodes (text escaped where Markdown
would take it for markup)."""

from __future__ import annotations

import re

import yaml

from .. import model as m

#: What is markup anywhere in a line: backslashes, backticks, asterisks and brackets; an
#: underscore not between two letters or digits; a "<" that could open a tag or an autolink; an
#: "&" that could start an entity. Nothing else is escaped, so an address in the text keeps
#: its length (the reader limits a run of characters without a space).
_SPECIAL = re.compile(r"([\\`*\[\]])|(?<![^\W_])_|_(?![^\W_])|<(?=[A-Za-z/!?])|&(?=#?[A-Za-z0-9]+;)")
#: What is markup at the start of a line: headings, quotes, list marks, setext underlines.
_LINE_START = re.compile(r"^([#>+=\-|~])|^(\d{1,9})([.)])")


def front_matter(front: dict) -> str:
    data = {}
    for key, value in front.items():
        if isinstance(value, dict):
            value = {k: v for k, v in value.items() if v}
            if not value:
                continue
        elif not value:
            continue
        data[key] = value
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6, default_flow_style=False)
    return "---\n" + text + "---\n"


def escape(text: str) -> str:
    return _SPECIAL.sub(lambda mo: "\\" + mo.group(0), text)


def _code(text: str) -> str:
    longest = max((len(r) for r in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = text.startswith("`") or text.endswith("`") or (
        text.startswith(" ") and text.endswith(" ") and text.strip(" ") != "")
    return f"{fence} {text} {fence}" if pad else f"{fence}{text}{fence}"


def _dest(href: str) -> str:
    """A link's destination as Markdown: the address as the author typed it where markdown-it
    makes the same one of it (the model holds it percent-encoded: "[" as "%5B"), so that a long
    address keeps the length the reader allows."""
    from urllib.parse import unquote

    from markdown_it.common.normalize_url import normalizeLink

    typed = unquote(href)
    if typed != href and "\n" not in typed and normalizeLink(typed) == href:
        href = typed
    if re.search(r"[\s<>()]", href) or not href:
        return "<" + re.sub(r"([\\<>])", r"\\\1", href) + ">"
    return re.sub(r"\\|&(?=#?[A-Za-z0-9]+;)", lambda mo: "\\" + mo.group(0), href)


class Writer:
    def __init__(self, labels: dict[int, str]):
        self.labels = labels

    def inlines(self, nodes) -> str:
        out = []
        for n in nodes:
            if isinstance(n, m.Text):
                out.append(escape(n.text))
            elif isinstance(n, m.Superscript):
                out.append(escape(n.text))
            elif isinstance(n, m.Code):
                out.append(_code(n.text))
            elif isinstance(n, m.Emphasis):
                out.append("*" + self.inlines(n.children) + "*")
            elif isinstance(n, m.Strong):
                out.append("**" + self.inlines(n.children) + "**")
            elif isinstance(n, m.Link):
                out.append("[" + self.inlines(n.children) + "](" + _dest(n.href) + ")")
            elif isinstance(n, m.LineBreak):
                out.append("\\\n")
            elif isinstance(n, m.NoteRef):
                out.append(f"[^{self.labels[n.number]}]")
        text = "".join(out)
        return "\n".join(_LINE_START.sub(lambda mo: "\\" + mo.group(1) if mo.group(1) else mo.group(2) + "\\" + mo.group(3),
                                         line) for line in text.split("\n"))

    def blocks(self, blocks, indent: str = "") -> list[str]:
        """Each block as its lines (without the indent of the container), blank lines between."""
        out: list[str] = []
        prev_list_marker = None
        for b in blocks:
            if out:
                out.append("")
            if isinstance(b, m.Paragraph):
                out.extend(self.inlines(b.children).split("\n"))
                prev_list_marker = None
            elif isinstance(b, m.BlockQuote):
                inner = self.blocks(b.children)
                if b.attribution:
                    inner += ["", "-- " + self.inlines(b.attribution)]
                out.extend(("> " + line) if line else ">" for line in inner)
                prev_list_marker = None
            elif isinstance(b, m.List):
                # Two lists in a row need different marks, or Markdown makes them one.
                marker = ("." if prev_list_marker != "." else ")") if b.ordered else ("-" if prev_list_marker != "-" else "*")
                prev_list_marker = marker
                tight = all(len(item.children) <= 1 for item in b.items)
                for i, item in enumerate(b.items):
                    mark = f"{b.start + i}{marker} " if b.ordered else f"{marker} "
                    lines = self.blocks(item.children)
                    if not lines:
                        lines = [""]
                    pad = " " * len(mark)
                    if i and not tight:
                        out.append("")
                    out.append((mark + lines[0]).rstrip())
                    out.extend((pad + line) if line else "" for line in lines[1:])
        return out

    def note(self, label: str, blocks) -> list[str]:
        lines = self.blocks(blocks) or [""]
        first = f"[^{label}]: " + lines[0]
        return [first] + [("    " + line) if line else "" for line in lines[1:]]


def source(front: dict, intro, exchanges, notes) -> str:
    """The source text: front matter, introduction, ``## `` questions with their answers, notes."""
    labels = {i + 1: label for i, (label, _blocks) in enumerate(notes)}
    w = Writer(labels)
    parts = [front_matter(front)]
    if intro:
        parts.append("\n".join(w.blocks(intro)) + "\n")
    for question, answer in exchanges:
        parts.append("## " + w.inlines(question).replace("\\\n", " ").replace("\n", " ") + "\n")
        if answer:
            parts.append("\n".join(w.blocks(answer)) + "\n")
    for label, blocks in notes:
        parts.append("\n".join(w.note(label, blocks)) + "\n")
    return "\n".join(parts)
