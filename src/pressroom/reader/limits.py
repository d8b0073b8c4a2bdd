"""The reader's limits: the sizes and counts a source may have (``MAX_*``), and the character
rules: the characters no output may hold (control characters, non-characters and private-use
code points, bidi overrides; ``_refused_char``, which front matter values and the text of
entities are checked with).

Here too are the checks made before parsing: the source's bytes (``_decode``: size, UTF-8, the
refused characters, NFC) and ``LimitChecks`` (lines, markup characters, numeric entities,
footnotes, runs of non-blank characters).
"""

from __future__ import annotations

import re
import unicodedata

from .. import breaks
from ..errors import SourceError

# Resource limits. Every one is checked before the expensive step it guards,
# so a hostile source is refused in well under a second; the numbers were
# measured with markdown-it-py 4 on a slow 2-core VM (worst-case inline markup
# costs up to ~80 microseconds per character).
#: Sources larger than this are refused before parsing.
MAX_SOURCE_BYTES = 512 * 1024
#: Sources with more lines than this are refused before parsing.
MAX_LINES = 20_000
#: Sources with more inline-markup characters ([ * _ < ` &) are refused before parsing.
MAX_MARKUP = 20_000
#: A URL or e-mail address longer than this is refused (breaks.MAX_ADDRESS, 2,048: what
#: browsers and servers accept). Addresses break only after / ? & . - _ (breaks.py).
MAX_ADDRESS = breaks.MAX_ADDRESS
#: A run of non-blank characters longer than this is refused before parsing: room for a link
#: to a longest address written with the address as its text, "[<address>](<address>)".
MAX_RAW_WORD = 2 * MAX_ADDRESS + 8
#: Front matter longer than this is refused before YAML parsing.
MAX_FRONT_MATTER = 64 * 1024
#: YAML collections nested deeper than this are refused (front matter needs 3).
MAX_YAML_DEPTH = 8
#: A lead photo with more pixels than this is refused before it is decoded.
MAX_IMAGE_PIXELS = 50_000_000
#: Block nesting (quotes and lists) deeper than this is refused.
MAX_NESTING = 12
#: markdown-it silently drops content nested deeper than its maxNesting; ours
#: is set above anything MAX_NESTING allows, and reaching it is an error.
_MD_MAX_NESTING = 2 * MAX_NESTING + 8
#: A single word longer than this is refused. The longest words of real text are far
#: shorter: German compounds such as "Grundstücksverkehrsgenehmigungszuständigkeits-
#: übertragungsverordnung" (67 letters, a real ordinance) or the 63 letters of
#: "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz", the Finnish
#: "lentokonesuihkuturbiinimoottoriapumekaanikkoaliupseerioppilas" (61), Russian
#: "рентгеноэлектрокардиографического" (33), Arabic "فأسقيناكموه" (11). 120 leaves room for a
#: hyphenated chain of compounds ("Nord-Süd-…") and for chemical names, and is still a word that
#: hyphenation (or, where there is none, an emergency break, base.css) can set on the
#: narrowest measure (A5); tests/test_linebreak.py builds one. Addresses have their own limit,
#: and so does every part of an address between two break opportunities.
MAX_WORD = 120
#: A title longer than this is refused: it is no longer a headline, and PDF/UA checkers
#: (outloud's DOC-040) take a document title over 200 characters for an unhelpful one. The
#: rest belongs in the subtitle (the standfirst).
MAX_TITLE = 200
#: A single paragraph longer than this is refused (it cannot be set on pages).
MAX_PARAGRAPH = 20_000
#: More footnotes than this are refused. WeasyPrint lays out a page's footnote area again for
#: each note it adds: linear in the notes, but about 3.8 s of CPU per 100 one-line notes for each
#: PDF edition (measured: 100 notes 4.2 s, 500 notes 20 s, 1,000 notes 38 s, print PDF, one
#: process); 1,000 keeps the four files of any source within about two minutes.
MAX_FOOTNOTES = 1_000

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_MARKUP = re.compile(r"[\[*_<`&]")
#: Characters no output can hold: the 66 non-characters (U+FDD0–U+FDEF and the last two code
#: points of every plane) and private-use code points, which no shipped font (styles/fonts) has a
#: glyph for and which mean nothing outside the software that made them.
_UNHELD = re.compile("[\ufdd0-\ufdef\ufffe\uffff\ue000-\uf8ff\U000f0000-\U0010ffff"
                     + "".join(chr(p << 16 | 0xfffe) + chr(p << 16 | 0xffff) for p in range(1, 16)) + "]")
#: Bidi overrides force a direction on the characters that follow and can make text read otherwise
#: than it is (in a title, a link's text): refused. Isolates (U+2066–U+2069), embeddings and the
#: marks (U+200E, U+200F, U+061C), which right-to-left text uses, are kept.
_OVERRIDE = re.compile("[\u202d\u202e]")
_OVERRIDE_NAMES = {"\u202d": "a bidi override U+202D (LEFT-TO-RIGHT OVERRIDE)",
                   "\u202e": "a bidi override U+202E (RIGHT-TO-LEFT OVERRIDE)"}
_OVERRIDE_HINT = ("delete it; to set a run of the other direction use an isolate "
                  "(U+2066 LRI or U+2067 RLI … U+2069 PDI) or a mark (U+200E, U+200F)")
_UNHELD_HINT = ("no shipped font or format can show it: delete it, or type the character it stood for "
                "in place of a symbol font's or icon set's code")


def address_problem(address: str) -> str | None:
    """What makes an http(s) address invalid for browsers and HTML checkers (the WHATWG URL
    rules) though Python's urlsplit takes it, or None: a '%' without two hexadecimal digits, a
    second '#', a host of digits and dots that is not an IPv4 address."""
    import ipaddress
    from urllib.parse import urlsplit

    if re.search(r"%(?![0-9A-Fa-f]{2})", address):
        return "has a '%' that is not followed by two hexadecimal digits"
    if address.count("#") > 1:
        return "has more than one '#'"
    host = (urlsplit(address).hostname or "").rstrip(".")
    if host and re.fullmatch(r"[0-9.]+|0x[0-9a-f.x]+", host, re.I):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return f"has the host '{host}', which is not an IPv4 address"
    return None


def _unheld_name(ch: str) -> str:
    code = ord(ch)
    kind = "a non-character" if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE else "a private-use character"
    return f"{kind} U+{code:04X}"


_RAW_WORD = re.compile(r"\S{%d,}" % (MAX_RAW_WORD + 1))
_NUMERIC_ENTITY = re.compile(r"&#([0-9]{1,8}|[xX][0-9a-fA-F]{1,7});")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
#: A footnote definition "[^label]:", at a line's start or inside quotes (>) and list items.
_NOTE_DEF = re.compile(r"^(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t])))*[ \t]*\[\^([^\]\s]+)\]:")


def _refused_char(text: str, control: str, control_hint: str):
    """The first character no output may hold, as (what it is, hint), or None: a control
    character (named ``control`` U+XXXX, with ``control_hint``: how it got in differs by place),
    a character no shipped font or format holds, a bidi override."""
    bad = _CONTROL.search(text)
    if bad:
        return f"{control} U+{ord(bad.group()):04X}", control_hint
    unheld = _UNHELD.search(text)
    if unheld:
        return _unheld_name(unheld.group()), _UNHELD_HINT
    override = _OVERRIDE.search(text)
    if override:
        return _OVERRIDE_NAMES[override.group()], _OVERRIDE_HINT
    return None


def _decode(data: bytes | str, name: str) -> str:
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            raise SourceError(
                name, line, f"the file is not valid UTF-8 (byte 0x{data[e.start]:02x})",
                "save the file as UTF-8 in your editor",
            ) from None
    else:
        text = data
    if len(text) > MAX_SOURCE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise SourceError(name, 1, f"source is larger than {MAX_SOURCE_BYTES // 1024} KiB",
                          "split the interview into several sources")
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise SourceError(
            name, line, f"control character U+{ord(bad.group()):04X} in the text",
            "delete it; use a blank line to separate paragraphs",
        )
    unheld = _UNHELD.search(text)
    if unheld:
        line = text.count("\n", 0, unheld.start()) + 1
        raise SourceError(name, line, f"{_unheld_name(unheld.group())} in the text", _UNHELD_HINT)
    override = _OVERRIDE.search(text)
    if override:
        line = text.count("\n", 0, override.start()) + 1
        raise SourceError(name, line, f"{_OVERRIDE_NAMES[override.group()]} in the text", _OVERRIDE_HINT)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        line = text.count("\n", 0, e.start) + 1
        raise SourceError(name, line, "lone surrogate code point in the text", "retype the character") from None
    return nfc(text)


#: CJK compatibility ideographs: NFC maps each to its unified ideograph, but an author who typed one
#: (a name written with a variant form) meant it. They are kept as typed.
_CJK_COMPAT = re.compile("[\uf900-\ufaff\U0002f800-\U0002fa1f]+")


def nfc(text: str) -> str:
    """NFC, except that CJK compatibility ideographs are kept as typed."""
    out, last = [], 0
    for mo in _CJK_COMPAT.finditer(text):
        out.append(unicodedata.normalize("NFC", text[last:mo.start()]))
        out.append(mo.group())
        last = mo.end()
    out.append(unicodedata.normalize("NFC", text[last:]))
    return "".join(out)


class LimitChecks:
    """The checks made before parsing, as methods of ``source._Reader`` (``self.text``,
    ``self.lines``, ``self.error``)."""

    def check_limits(self):
        """Refuse, cheaply and before any parsing, sources that would take too long."""
        if len(self.lines) > MAX_LINES:
            raise self.error(MAX_LINES + 1, f"the source has more than {MAX_LINES} lines",
                             "split the interview into several sources")
        for count, mo in enumerate(_MARKUP.finditer(self.text), 1):
            if count > MAX_MARKUP:
                raise self.error(self.text.count("\n", 0, mo.start()) + 1,
                                 f"more than {MAX_MARKUP} Markdown markup characters ([ * _ < ` &) in the source",
                                 "split the interview into several sources")
        self._check_numeric_entities()
        labels: set[str] = set()
        for i, line in enumerate(self.lines, 1):
            mo = _NOTE_DEF.match(line) if "[^" in line else None
            if mo and mo.group(1) not in labels:
                labels.add(mo.group(1))
                if len(labels) > MAX_FOOTNOTES:
                    raise self.error(i, f"more than {MAX_FOOTNOTES:,} footnotes in the source",
                                     "keep the notes that matter, or split the interview into several sources")
        long = _RAW_WORD.search(self.text)
        if long:
            raise self.error(self.text.count("\n", 0, long.start()) + 1,
                             f"a word or address of {len(long.group())} characters",
                             "add spaces, or shorten it")

    def _check_numeric_entities(self):
        """&#12; or &#x85; is refused like the character typed (markdown-it would set U+FFFD for
        some of them, silently); in a code span an entity is literal text and is left alone."""
        for i, text in enumerate(self.lines, 1):
            if "&#" not in text:
                continue
            for mo in _NUMERIC_ENTITY.finditer(_CODE_SPAN.sub("", text)):
                digits = mo.group(1)
                try:
                    code = int(digits[1:], 16) if digits[:1] in "xX" else int(digits)
                except ValueError:
                    continue
                if code <= 0x10FFFF and _OVERRIDE.match(chr(code)):
                    raise self.error(i, f"{_OVERRIDE_NAMES[chr(code)]} in the text (written as {mo.group()})",
                                     _OVERRIDE_HINT)
                if code <= 0x10FFFF and _UNHELD.match(chr(code)):
                    raise self.error(i, f"{_unheld_name(chr(code))} in the text (written as {mo.group()})",
                                     _UNHELD_HINT)
                if code > 0x10FFFF or _CONTROL.match(chr(code)) or code == 0:
                    what = f"U+{code:04X}" if code <= 0x10FFFF else "a code point beyond U+10FFFF"
                    raise self.error(i, f"the entity {mo.group()} stands for {what}, which cannot be in the text",
                                     "delete the entity")
