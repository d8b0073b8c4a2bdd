"""Where a line may break inside a web address, and where it may not (issue 14).

Shared by the reader (the limits on words and addresses) and by the markup of every format
(``html.py`` for the PDF editions and the EPUB, ``writers/docx/content.py``). Nothing here
changes the model's text: the break opportunities are added by each format at render time.

- A URL or e-mail address (as the reader and the transforms recognise it) may break only
  after ``/ ? & . - _``, never with an added hyphen.
- Any other word must be at most ``MAX_WORD`` characters (see reader/limits.py for the number).
"""

from __future__ import annotations

import re

#: URLs, www. addresses and e-mail addresses written in the text. Trailing sentence
#: punctuation is not part of the address (the same runs that transforms.py leaves alone).
ADDRESS = re.compile(
    r"(?:https?://|mailto:|www\.)[^\s«»<>\"]*[^\s«»<>\".,;:!?)\]]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
#: An address may break after any of these (after the last of a run: "https://" is one).
BREAK_AFTER = "/?&.-_"
#: The longest address that builds (the de-facto URL limit of browsers and servers).
MAX_ADDRESS = 2048

#: Han, kana and their punctuation: text in these scripts may break between any two
#: characters (UAX #14), so it has no "words" for the word limit.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_BREAKS = re.compile(f"[{CJK}\u3000-\u303f\uff00-\uffef]")


def unbreakable_runs(word: str) -> list[str]:
    """A space-free word cut where CJK text may break: the runs a line cannot break inside."""
    return [run for run in _CJK_BREAKS.split(word) if run]


_PART = re.compile(r"[^/?&.\-_]*[/?&.\-_]+|[^/?&.\-_]+")


def address_parts(address: str) -> list[str]:
    """The address cut after each run of break characters: a line may break between parts."""
    return _PART.findall(address)


def split_addresses(text: str) -> list[tuple[bool, str]]:
    """``text`` as (is_address, part) pieces, in order, covering all of it."""
    out, last = [], 0
    for mo in ADDRESS.finditer(text):
        if mo.start() > last:
            out.append((False, text[last:mo.start()]))
        out.append((True, mo.group()))
        last = mo.end()
    if last < len(text):
        out.append((False, text[last:]))
    return out
