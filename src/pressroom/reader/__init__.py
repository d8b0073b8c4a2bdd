"""Source reader: Markdown with YAML front matter -> the interview model.

The parsing is done by well-kept libraries: markdown-it-py (CommonMark) with
the mdit-py-plugins front-matter and footnote plugins, and PyYAML's safe
loader. This package only maps their output onto the model and reports every
problem as a ``SourceError`` that names ``file:line``.

- ``source``: ``read`` (the file) and ``parse`` (its text), and the walk that puts the parts
  together into the model;
- ``limits``: the size and count limits, the character rules (the refused characters) and
  the checks made before parsing;
- ``front_matter``: the YAML front matter: its loader, the keys and their checks, the people,
  the lead image and its photo, the dates;
- ``body``: the Markdown body: markdown-it, the blocks and inlines, the exchanges, the
  footnotes, a quote's attribution.
"""

from ..errors import SourceError
from .front_matter import _opened_path  # noqa: F401 - tests/test_hostile_more.py imports it from here
from .limits import MAX_FOOTNOTES, MAX_LINES, MAX_PARAGRAPH, MAX_TITLE, MAX_WORD
from .source import parse, read, source_lines

__all__ = ["MAX_FOOTNOTES", "MAX_LINES", "MAX_PARAGRAPH", "MAX_TITLE", "MAX_WORD", "SourceError", "parse", "read", "source_lines"]
