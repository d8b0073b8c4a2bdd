"""Source reader: Markdown with YAML front matter -> the interview model.

The parsing is done by well-kept libraries: markdown-it-py (CommonMark) with
the mdit-py-plugins front-matter and footnote plugins, and PyYAML's safe
loader. This package only maps their output onto the model and reports every
problem as a ``SourceError`` that names ``file:line``.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import io
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .. import breaks
from .. import model as m
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
#: A single paragraph longer than this is refused (it cannot be set on pages).
MAX_PARAGRAPH = 20_000
#: More footnotes than this are refused. WeasyPrint lays out a page's footnote area again for
#: each note it adds: linear in the notes, but about 3.8 s of CPU per 100 one-line notes for each
#: PDF edition (measured: 100 notes 4.2 s, 500 notes 20 s, 1,000 notes 38 s, print PDF, one
#: process); 1,000 keeps the four files of any source within about two minutes.
MAX_FOOTNOTES = 1_000

LINK_SCHEMES = ("http", "https", "mailto")
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png",
               # A phone's MPO is a JPEG with more frames after it: every JPEG reader reads the first.
               "MPO": "image/jpeg"}

# BCP 47 well-formed language tags (RFC 5646 section 2.1), without the
# grandfathered forms. Primary language subtags of 2 or 3 letters.
_BCP47 = re.compile(
    r"""^(?P<language>[a-z]{2,3}(-[a-z]{3}){0,3})
        (-(?P<script>[a-z]{4}))?
        (-(?P<region>[a-z]{2}|[0-9]{3}))?
        (-([a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*
        (-[0-9a-wyz](-[a-z0-9]{2,8})+)*
        (-x(-[a-z0-9]{1,8})+)?$""",
    re.X | re.I,
)

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


def _unheld_name(ch: str) -> str:
    code = ord(ch)
    kind = "a non-character" if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE else "a private-use character"
    return f"{kind} U+{code:04X}"


_RAW_WORD = re.compile(r"\S{%d,}" % (MAX_RAW_WORD + 1))
#: A footnote definition "[^label]:", at a line's start or inside quotes (>) and list items.
_NUMERIC_ENTITY = re.compile(r"&#([0-9]{1,8}|[xX][0-9a-fA-F]{1,7});")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
_NOTE_DEF = re.compile(r"^(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t])))*[ \t]*\[\^([^\]\s]+)\]:")
#: A link whose text holds a footnote call: "[text[^1]](https://…)".
_CALL_IN_LINK = re.compile(r"\[(?:[^\[\]]|\[\^[^\]\s]+\])*\[\^[^\]\s]+\](?:[^\[\]]|\[\^[^\]\s]+\])*\]\(")

# --------------------------------------------------------------------------
# Front matter schema: key -> (type, required)

_PERSON_KEYS = {"interviewer": ("name", "bio"), "interviewee": ("name", "role")}
_IMAGE_KEYS = ("file", "alt", "caption", "credit")
_TOP_KEYS = {
    "title": str,
    "subtitle": str,
    "date": _dt.date,
    "modified": _dt.datetime,
    "lang": str,
    "publisher": str,
    "rights": str,
    "identifier": str,
    "keywords": list,
    "section": str,
    "interviewer": dict,
    "interviewee": dict,
    "image": dict,
}
_REQUIRED = ("title", "date", "lang")


class _Refused(yaml.MarkedYAMLError):
    """A front matter problem found while composing or constructing, with its own hint."""

    def __init__(self, problem: str, mark, hint: str):
        super().__init__(None, None, problem, mark)
        self.hint = hint


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases (no alias bombs), deep nesting
    (no RecursionError) and duplicate keys, and locating bad values.

    Scalars are text as written: YAML 1.1's implicit typing would turn ``20:20`` into 1220 (base
    60), ``010`` into 8, ``1.50`` into 1.5, ``no`` into false and ``0x1F``, ``.nan``, ``1e3`` into
    numbers. Only YAML 1.2's null (an empty value, ``~``, ``null``) is resolved; dates are read
    from their text by the keys that are dates.
    """

    _depth = 0
    yaml_implicit_resolvers: dict = {}

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise _Refused("YAML aliases (*name) are not allowed in front matter", self.peek_event().start_mark,
                           "write the value out in full")
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise _Refused(f"front matter is nested more than {MAX_YAML_DEPTH} levels deep",
                               self.peek_event().start_mark, "front matter needs at most 3 levels, e.g. image: {file: …}")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.tag == "tag:yaml.org,2002:merge":
                        raise _Refused("YAML merge keys (<<) are not allowed in front matter", key.start_mark,
                                       "write the keys out in full")
                    if key.value in seen:
                        raise _Refused(f"duplicate key '{key.value}' in front matter", key.start_mark,
                                       "each key may appear once; delete one of them")
                    seen.add(key.value)
        return super().construct_mapping(node, deep)

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except yaml.MarkedYAMLError:
            raise
        except Exception as e:  # PyYAML's constructors fail in many ways on values they do not expect
            e = str(e) or type(e).__name__
            if node.tag.endswith(":timestamp"):
                raise _Refused(f"'{node.value}' is not a valid date ({e})", node.start_mark,
                               "write a real calendar date as YYYY-MM-DD, e.g. date: 2023-12-01") from None
            raise _Refused(f"invalid value '{str(node.value)[:40]}' ({e})", node.start_mark,
                           "quote the value to keep it as text") from None


_Loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])  # to refuse it by name
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"),
                              ["~", "n", "N", ""])

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]")


# --------------------------------------------------------------------------


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": _MD_MAX_NESTING})
    # Inline notes (^[text]) are off: a note is a [^label] call and a [^label]: definition.
    md.use(front_matter_plugin).use(footnote_plugin, inline=False)
    md.validateLink = lambda url: True  # we check schemes ourselves, with a clear error
    return md


_MD = _parser()


def read(path: str | os.PathLike) -> m.Interview:
    """Read one source file into the model, or raise ``SourceError``."""
    path = Path(path)
    name = str(path)
    try:
        # Never block on a FIFO or a device: open without waiting, and read only a regular file.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                if stat.S_ISDIR(os.fstat(f.fileno()).st_mode):
                    raise IsADirectoryError
                raise SourceError(name, 1, "is not a regular file (a pipe, socket or device)",
                                  "give a .md file saved on disk")
            raw = f.read(MAX_SOURCE_BYTES + 1)
    except IsADirectoryError:
        raise SourceError(name, 1, "is a directory, not a source file", "give a .md file") from None
    except OSError as e:
        raise SourceError(name, 1, f"cannot read the source: {e.strerror}", "check the path and its permissions") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceError(
            name, 1, f"source is larger than {MAX_SOURCE_BYTES // 1024} KiB",
            "split the interview into several sources",
        )
    return parse(raw, name=name, base_dir=path.resolve().parent)


def parse(data: bytes | str, name: str = "<source>", base_dir: str | os.PathLike | None = None) -> m.Interview:
    """Parse source text (bytes or str) into the model, or raise ``SourceError``."""
    text = _decode(data, name)
    try:
        return _Reader(text, name, Path(base_dir) if base_dir else None).interview()
    except RecursionError:  # pragma: no cover - the limits above should make this unreachable
        raise SourceError(name, 1, "the source is nested too deeply to read",
                          f"keep quotes and lists within {MAX_NESTING} levels") from None


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


def _opened_path(fd: int) -> Path | None:
    """Where the open file ``fd`` really is (Linux: its /proc/self/fd link), or None when the
    system does not say."""
    try:
        link = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None
    return Path(link) if link.startswith("/") and not link.endswith(" (deleted)") else None


def _refused_char(text: str):
    """The first character no output may hold, as (kind, what it is, hint), or None: a control
    character, a character no shipped font or format holds, a bidi override."""
    bad = _CONTROL.search(text)
    if bad:
        return "control", f"U+{ord(bad.group()):04X}", ""
    unheld = _UNHELD.search(text)
    if unheld:
        return "unheld", _unheld_name(unheld.group()), _UNHELD_HINT
    override = _OVERRIDE.search(text)
    if override:
        return "override", _OVERRIDE_NAMES[override.group()], _OVERRIDE_HINT
    return None


def _find_file(base: Path, name: str) -> Path:
    """``base / name``, or the file whose name is the same text in another normalisation (macOS
    writes names in NFD; the source is read in NFC)."""
    target = base / name
    if target.exists() or os.path.lexists(target):
        return target
    parent = target.parent
    want = unicodedata.normalize("NFC", target.name)
    try:
        for entry in sorted(os.listdir(parent)):
            if unicodedata.normalize("NFC", entry) == want:
                return parent / entry
    except OSError:
        pass
    return target


class _Reader:
    def __init__(self, text: str, name: str, base_dir: Path | None):
        self.text = text
        self.name = name
        self.base_dir = base_dir
        self.lines = text.split("\n")
        self.key_lines: dict[tuple, int] = {}
        self.fm_offset = 1  # line number of the first YAML line

    # -- errors -----------------------------------------------------------
    def error(self, line: int, message: str, hint: str = "") -> SourceError:
        return SourceError(self.name, line, message, hint)

    def key_line(self, *path) -> int:
        while path:
            if path in self.key_lines:
                return self.key_lines[path]
            path = path[:-1]
        return self.fm_offset

    # -- entry --------------------------------------------------------------
    def interview(self) -> m.Interview:
        if not self.text.strip():
            raise self.error(1, "the source is empty", "start with a front matter block: ---, title:, date:, lang:, ---")
        self.check_limits()
        env: dict[str, Any] = {}
        try:
            tokens = _MD.parse(self.text, env)
        except RecursionError:
            raise self.error(1, "the Markdown is nested too deeply", f"keep quotes and lists within {MAX_NESTING} levels") from None
        # markdown-it drops what lies deeper than maxNesting; the body walk below
        # refuses such nesting where it starts, and this is the safety net.
        truncated = next((t for t in tokens if t.level >= _MD_MAX_NESTING - 1), None)
        if not tokens or tokens[0].type != "front_matter":
            if self.lines[0].rstrip() == "---":
                raise self.error(1, "front matter is not closed",
                                 "end the metadata with a line '---' before the first question")
            raise self.error(
                1, "no YAML front matter at the top of the file",
                "the file must start with a line '---', the metadata (title:, date:, lang:), and a closing '---'",
            )
        fm = tokens[0]
        if not self.lines[fm.map[1] - 1].rstrip() == "---":
            raise self.error(fm.map[0] + 1, "front matter is not closed", "end the metadata with a line '---'")
        self.fm_offset = fm.map[0] + 2
        if len(fm.content) > MAX_FRONT_MATTER:
            raise self.error(1, f"front matter is longer than {MAX_FRONT_MATTER // 1024} KiB",
                             "keep only the metadata between the '---' lines")
        meta, people, image = self.front_matter(fm.content)
        self.footnote_env = env.get("footnotes", {})
        self.note_numbers: dict[str, int] = {}
        intro, exchanges, notes = self.body(tokens[1:])
        if truncated is not None:  # pragma: no cover - the body walk refuses first
            raise self.error(truncated.map[0] + 1 if truncated.map else 1, "quotes or lists are nested too deeply",
                             f"keep them within {MAX_NESTING} levels")
        return m.Interview(
            meta=meta,
            interviewer=people.get("interviewer"),
            interviewee=people.get("interviewee"),
            image=image,
            intro=intro,
            exchanges=exchanges,
            notes=notes,
            source_name=Path(self.name).stem,
        )

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

    # -- front matter ---------------------------------------------------------
    def front_matter(self, content: str):
        try:
            loader = _Loader(content)
            try:
                node = loader.get_single_node()
                if node is not None:
                    self._record_lines(node, ())
                data = loader.construct_document(node) if node is not None else None
            finally:
                loader.dispose()
        except _Refused as e:
            line = self.fm_offset + (e.problem_mark.line if e.problem_mark else 0)
            raise self.error(line, e.problem, e.hint) from None
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line = self.fm_offset + (mark.line if mark else 0)
            problem = e.problem or e.context or "invalid YAML"
            raise self.error(line, f"YAML error in front matter: {problem}",
                             "check the indentation, and quote values that contain ': ' or start with a symbol") from None
        except yaml.YAMLError as e:
            raise self.error(self.fm_offset, f"YAML error in front matter: {e}", "check the front matter syntax") from None
        except (ValueError, TypeError, OverflowError) as e:
            raise self.error(self.fm_offset, f"invalid value in front matter: {e}", "check dates and numbers") from None
        if not isinstance(data, dict):
            raise self.error(self.fm_offset, "front matter must be a mapping of keys to values",
                             "write one 'key: value' per line, e.g. title: The future of migration")
        for key in data:
            if not isinstance(key, str):
                raise self.error(self.fm_offset, f"front matter key {key!r} is not text", "keys are words such as title, date, lang")
            if key not in _TOP_KEYS:
                close = difflib.get_close_matches(key, _TOP_KEYS, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(_TOP_KEYS)
                raise self.error(self.key_line(key), f"unknown front matter key '{key}'", hint)
        for key in _REQUIRED:
            if data.get(key) in (None, ""):
                raise self.error(self.fm_offset, f"front matter has no '{key}'",
                                 {"title": "add e.g. title: The future of migration",
                                  "date": "add e.g. date: 2023-12-01",
                                  "lang": "add e.g. lang: en"}[key])

        def text(key, *path, required=False):
            value = self._get(data, (key,) + path)
            where = (key,) + path
            if value is None:
                if required:
                    raise self.error(self.key_line(*where), f"'{'.'.join(where)}' is required", "give it a value")
                return ""
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str):
                raise self.error(self.key_line(*where), f"'{'.'.join(where)}' must be text, not {_kind(value)}",
                                 "write it as a plain line of text, quoted if it contains ': '")
            self._check_value(value, self.key_line(*where), ".".join(where))
            value = " ".join(value.split())
            if required and not value:
                raise self.error(self.key_line(*where), f"'{'.'.join(where)}' is empty", "give it a value")
            return value

        title = text("title", required=True)
        if re.search(r"(?:^|\s)[-\u2010\u2011]+$", title):
            # The title's line is followed by the date's: pdftotext (and copy and paste) takes a
            # hyphen at a line's end for a word broken there and drops it.
            raise self.error(self.key_line("title"), f"the title '{title}' ends with a lone hyphen, which PDF "
                             "readers take for a word broken at the line's end and drop",
                             "delete it, or write a dash (–) or the word it stands for")
        date = self._date(data["date"], "date")
        modified = self._modified(data["modified"], date) if data.get("modified") not in (None, "") else None
        lang = text("lang", required=True)
        if not _BCP47.match(lang):
            raise self.error(self.key_line("lang"), f"'{lang}' is not a BCP 47 language tag",
                             "use a tag such as en, fr, es, ar, ru or zh-Hans")
        lang = _canonical_lang(lang)
        keywords = data.get("keywords") or []
        if isinstance(keywords, str):
            keywords = [k for k in (s.strip() for s in keywords.split(",")) if k]
        if not isinstance(keywords, list) or not all(isinstance(k, (str, int, float)) and not isinstance(k, bool) for k in keywords):
            raise self.error(self.key_line("keywords"), "keywords must be a list of words",
                             "write e.g. keywords: [migration, IOM]")
        for k in keywords:
            self._check_value(str(k), self.key_line("keywords"), "keywords")
        for key in ("interviewer", "interviewee", "image"):
            if key in data and data[key] is not None and not isinstance(data[key], dict):
                fields = _PERSON_KEYS.get(key, _IMAGE_KEYS)
                raise self.error(self.key_line(key), f"'{key}' must be a mapping with {', '.join(fields)}",
                                 f"write e.g. {key}: {{{fields[0]}: …, {fields[1]}: …}}")
        for key, value in (("subtitle", None), ("publisher", None), ("rights", None), ("identifier", None), ("section", None)):
            text(key)  # type checks
        meta = m.Metadata(
            title=title,
            date=date,
            lang=lang,
            subtitle=text("subtitle"),
            publisher=text("publisher"),
            rights=text("rights"),
            identifier=text("identifier"),
            keywords=tuple(" ".join(str(k).split()) for k in keywords),
            section=text("section"),
            modified=modified,
        )
        people = {}
        for key, fields in _PERSON_KEYS.items():
            if data.get(key) is None:
                continue
            self._check_subkeys(data[key], key, fields)
            people[key] = m.Person(
                name=text(key, "name", required=True),
                role=text(key, "role") if "role" in fields else "",
                bio=text(key, "bio") if "bio" in fields else "",
            )
        image = None
        if data.get("image") is not None:
            self._check_subkeys(data["image"], "image", _IMAGE_KEYS)
            alt = text("image", "alt")
            if not alt:
                raise self.error(self.key_line("image"), "the lead image has no 'alt' text",
                                 "add image.alt: a sentence that describes the photo for readers who cannot see it")
            image = self._image(text("image", "file"), alt, text("image", "caption"), text("image", "credit"))
        return meta, people, image

    def _date(self, value, key: str) -> _dt.date:
        """A calendar date YYYY-MM-DD, from the text the front matter gives."""
        line = self.key_line(key)
        if not isinstance(value, str):
            raise self.error(line, f"{key} must be a calendar date YYYY-MM-DD, got {_kind(value)}",
                             "write e.g. date: 2023-12-01")
        value = value.strip()
        if _DATETIME.match(value):
            raise self.error(line, f"{key} must be a calendar date without a time, got {value!r}",
                             f"write e.g. {key}: {value[:10]}")
        mo = _DATE.match(value)
        if not mo:
            raise self.error(line, f"{key} must be a calendar date YYYY-MM-DD, got {value!r}",
                             "write e.g. date: 2023-12-01")
        try:
            date = _dt.date(int(mo.group(1)), int(mo.group(2)), int(mo.group(3)))
        except ValueError as e:
            raise self.error(line, f"'{value}' is not a valid date ({e})",
                             "write a real calendar date as YYYY-MM-DD, e.g. date: 2023-12-01") from None
        if date.year < 1000:
            # EPUB's and PDF's dates (W3CDTF, ISO 8601) need a four-digit year from 1000 on.
            raise self.error(line, f"{key} {value} is before the year 1000",
                             "write the interview's real date, e.g. date: 2023-12-01")
        return date

    def _modified(self, value, date: _dt.date) -> _dt.datetime:
        """``modified``: an ISO date (00:00 UTC) or a date and time with its time zone, in UTC,
        not before the publication date."""
        line = self.key_line("modified")
        hint = "write an ISO date or a date and time with its zone, e.g. modified: 2024-01-15 or 2024-01-15T10:30:00Z"
        if isinstance(value, str):
            text = value.strip()
            if not (_DATE.match(text) or _DATETIME.match(text)):
                if text.isdigit():
                    raise self.error(line, f"modified must be an ISO date or date and time, got {text}", hint)
                raise self.error(line, f"modified '{text}' is not an ISO date or date and time", hint)
            try:
                value = _dt.datetime.fromisoformat(text) if _DATETIME.match(text) else _dt.date.fromisoformat(text)
            except ValueError as e:
                raise self.error(line, f"modified '{text}' is not a valid date ({e})", hint) from None
        if isinstance(value, _dt.datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise self.error(line, f"modified {value.isoformat()} has no time zone",
                                 f"add one, e.g. modified: {value.isoformat()}Z for UTC or "
                                 f"{value.isoformat()}+01:00") from None
            when, day = value.astimezone(_dt.timezone.utc), value.date()
        elif isinstance(value, _dt.date):
            when, day = _dt.datetime.combine(value, _dt.time(0, 0), tzinfo=_dt.timezone.utc), value
        else:
            shown = value if isinstance(value, (int, float)) else _kind(value)
            raise self.error(line, f"modified must be an ISO date or date and time, got {shown!r}", hint)
        if day < date:
            raise self.error(line, f"modified {day.isoformat()} is before the publication date "
                                   f"{date.isoformat()}", "a corrected edition is modified on or after its date")
        return when.replace(microsecond=0)

    def _check_value(self, value: str, line: int, where: str):
        """YAML escapes ("\\x07", "\\ud800") can produce characters the raw-text check never saw."""
        found = _refused_char(value)
        if found:
            kind, what, hint = found
            if kind == "control":
                what, hint = f"the invalid character {what}", "remove the escape sequence from the value"
            raise self.error(line, f"'{where}' contains {what}", hint)

    def _check_subkeys(self, value: dict, key: str, fields):
        for sub in value:
            if sub not in fields:
                close = difflib.get_close_matches(str(sub), fields, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(fields)
                raise self.error(self.key_line(key, sub), f"unknown key '{key}.{sub}'", hint)

    def _image(self, file: str, alt: str, caption: str, credit: str) -> m.Image:
        if not file:
            return m.Image(alt=alt, caption=caption, credit=credit)
        line = self.key_line("image", "file")
        if re.match(r"^[a-z][a-z0-9+.-]*:", file, re.I) or file.startswith("//"):
            raise self.error(line, f"image.file '{file}' is a URL; remote images are not fetched",
                             "download the photo next to the source and give its file name")
        if self.base_dir is None:
            raise self.error(line, "image.file cannot be resolved for a source that is not a file", "")
        base = self.base_dir.resolve()
        candidate = Path(file)
        if candidate.is_absolute():
            raise self.error(line, f"image.file '{file}' is an absolute path",
                             "give a path relative to the source's folder")
        target = _find_file(base, str(candidate)).resolve()
        if base != target and base not in target.parents:
            raise self.error(line, f"image.file '{file}' is outside the source's folder",
                             "copy the photo into the source's folder")
        if not target.exists():
            raise self.error(line, f"image.file '{file}' does not exist",
                             "check the file name, or remove 'file:' to set a placeholder until the photo arrives")
        if not target.is_file():
            raise self.error(line, f"image.file '{file}' is not a file", "give the photo's file name")
        from PIL import Image as PILImage

        from ..photo import remember

        # The checks above read the path; the file can be swapped after them. What is checked,
        # decoded and embedded is the file that was opened: its place (the descriptor's own
        # path) and kind are checked again, its bytes are read once and every writer uses them
        # (photo.photo_bytes verifies their SHA-256).
        try:
            fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        except PermissionError:
            raise self.error(line, f"image.file '{file}' cannot be read (permission denied)",
                             "check the file's permissions") from None
        except OSError as e:
            raise self.error(line, f"image.file '{file}' cannot be opened ({e.strerror})",
                             "check the file name and its permissions") from None
        with open(fd, "rb") as f:
            opened = _opened_path(f.fileno())
            if opened is not None and base != opened and base not in opened.parents:
                raise self.error(line, f"image.file '{file}' is outside the source's folder",
                                 "copy the photo into the source's folder")
            if opened is None:  # the system does not say where it is: it must be the checked file
                here, there = os.fstat(f.fileno()), os.stat(target)
                if (here.st_dev, here.st_ino) != (there.st_dev, there.st_ino):
                    raise self.error(line, f"image.file '{file}' changed while it was being read",
                                     "build again once the photo is in place")
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise self.error(line, f"image.file '{file}' is not a file", "give the photo's file name")
            try:
                data = f.read()
            except OSError as e:
                raise self.error(line, f"image.file '{file}' cannot be read ({e.strerror})",
                                 "check the file") from None
        digest = remember(data)

        def unreadable(e):
            return self.error(line, f"image.file '{file}' is not a readable image ({type(e).__name__})",
                              "export the photo as JPEG or PNG")

        too_large = self.error(line, f"image.file '{file}' has more than {MAX_IMAGE_PIXELS // 1_000_000} megapixels",
                               f"downscale the photo below {MAX_IMAGE_PIXELS // 1_000_000} megapixels")
        try:
            with PILImage.open(io.BytesIO(data)) as im:
                fmt, (w, h) = im.format, im.size
                if fmt not in IMAGE_TYPES:
                    raise self.error(line, f"image.file '{file}' is {fmt}, not JPEG or PNG", "export the photo as JPEG or PNG")
                if w * h > MAX_IMAGE_PIXELS:
                    raise too_large
                im.verify()
            with PILImage.open(io.BytesIO(data)) as im:
                im.load()  # decodes every pixel: catches truncated and corrupt files here, not in a writer
                icc = im.info.get("icc_profile")
                if icc:
                    from PIL import ImageCms

                    try:
                        ImageCms.ImageCmsProfile(io.BytesIO(icc))
                    except Exception:
                        raise self.error(line, f"image.file '{file}' has a damaged colour profile (ICC)",
                                         "export the photo again with its colour profile (sRGB or Adobe RGB)") from None
                if im.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # turned a quarter: shown the other way round
                    w, h = h, w
        except SourceError:
            raise
        except PermissionError:
            raise self.error(line, f"image.file '{file}' cannot be read (permission denied)", "check the file's permissions") from None
        except PILImage.DecompressionBombError:
            raise too_large from None
        except Exception as e:  # Pillow fails in many ways on damaged files
            raise unreadable(e) from None
        return m.Image(alt=alt, caption=caption, credit=credit, path=str(target),
                       media_type=IMAGE_TYPES[fmt], width=w, height=h, sha256=digest)

    def _record_lines(self, node, path):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    p = path + (k.value,)
                    self.key_lines[p] = self.fm_offset + k.start_mark.line
                    if len(p) < 3:
                        self._record_lines(v, p)

    @staticmethod
    def _get(data, path):
        value = data
        for key in path:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value

    # -- body -----------------------------------------------------------------
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

    def _check_chars(self, content: str, line: int):
        """Characters given as entities (&#12;, &#x202E;) follow the rules of typed ones."""
        found = _refused_char(content)
        if found:
            kind, what, hint = found
            if kind == "control":
                what, hint = f"control character {what}", "delete the entity; use a blank line to separate paragraphs"
            raise self.error(line, f"{what} in the text (written as an entity)", hint)

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


def _kind(value) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false"}.get(type(value), type(value).__name__)


def _canonical_lang(tag: str) -> str:
    """Case-normalise a BCP 47 tag: ``zh-hans-cn`` -> ``zh-Hans-CN``."""
    parts = tag.split("-")
    out = [parts[0].lower()]
    for p in parts[1:]:
        if len(p) == 4 and p.isalpha():
            out.append(p.title())
        elif len(p) == 2 and p.isalpha():
            out.append(p.upper())
        else:
            out.append(p.lower())
    return "-".join(out)
