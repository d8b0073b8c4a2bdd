"""The shared intermediate model of an interview.

Plain, typed, immutable data. Nothing here knows about Markdown, YAML, HTML,
PDF, DOCX or EPUB: the reader builds these objects, the transforms rewrite
them, and every writer reads them.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Union

# --------------------------------------------------------------------------
# Inline nodes


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Emphasis:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Superscript:
    """Superior letters of the text itself, such as the "er" of French "1er" or the "me" of
    "Mme" (set by the transforms; not a note call)."""

    text: str


@dataclass(frozen=True)
class Link:
    href: str
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph."""


@dataclass(frozen=True)
class NoteRef:
    """A call to footnote number ``number`` (1-based, in order of first call)."""

    number: int


Inline = Union[Text, Emphasis, Strong, Code, Superscript, Link, LineBreak, NoteRef]

# --------------------------------------------------------------------------
# Block nodes


@dataclass(frozen=True)
class Paragraph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class BlockQuote:
    """A quotation; ``attribution`` is who said it (the source's closing "-- name" line), or empty."""

    children: tuple[Block, ...]
    attribution: tuple[Inline, ...] = ()


@dataclass(frozen=True)
class ListItem:
    children: tuple[Block, ...]


@dataclass(frozen=True)
class List:
    ordered: bool
    start: int
    items: tuple[ListItem, ...]


Block = Union[Paragraph, BlockQuote, List]

# --------------------------------------------------------------------------
# The interview


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""
    bio: str = ""


@dataclass(frozen=True)
class Image:
    """The lead photo.

    ``path`` is the absolute path of the image file, already checked by the
    reader (it names the file; its bytes are read through ``pressroom.photo.photo_bytes``), or ``None`` when the source names no file (the photo is still to
    come: print sets an FPO box, see the README).
    """

    alt: str
    caption: str = ""
    credit: str = ""
    path: str | None = None
    media_type: str | None = None
    width: int = 0
    height: int = 0
    #: SHA-256 (hex) of the bytes the reader checked; every writer embeds exactly these bytes
    #: (``pressroom.photo.photo_bytes``), never whatever the path holds later.
    sha256: str = ""


@dataclass(frozen=True)
class Exchange:
    """One question and its answer."""

    id: str
    question: tuple[Inline, ...]
    answer: tuple[Block, ...]


@dataclass(frozen=True)
class Footnote:
    number: int
    label: str
    children: tuple[Block, ...]


@dataclass(frozen=True)
class Metadata:
    title: str
    date: _dt.date
    lang: str
    subtitle: str = ""
    publisher: str = ""
    rights: str = ""
    identifier: str = ""
    keywords: tuple[str, ...] = ()
    section: str = ""
    #: When a corrected edition was made (front matter ``modified``), in UTC; None: not set.
    modified: _dt.datetime | None = None
    #: The web edition's canonical address (front matter ``url``), or "".
    url: str = ""

    @property
    def modified_at(self) -> _dt.datetime:
        """The editions' modification time, in UTC: ``modified``, else the publication date at
        00:00 (reproducible: never the clock)."""
        if self.modified is not None:
            return self.modified.astimezone(_dt.timezone.utc)
        return _dt.datetime.combine(self.date, _dt.time(0, 0), tzinfo=_dt.timezone.utc)

    @property
    def script_direction(self) -> str:
        """``rtl`` for right-to-left languages, else ``ltr``."""
        primary = self.lang.split("-")[0].lower()
        return "rtl" if primary in RTL_LANGUAGES else "ltr"


RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"})


@dataclass(frozen=True)
class Edition:
    """Another language edition of the same publication: a source beside this one whose name
    differs by its language suffix (``x.md``, ``x.fr.md``). Its files are built beside this
    one's, named by ``source_name`` (``build/x.fr.html``)."""

    lang: str
    title: str
    #: Its publication identifier (``identifiers.identifier`` of its metadata).
    identifier: str
    source_name: str
    #: Its web edition's canonical address, or "".
    url: str = ""


@dataclass(frozen=True)
class Interview:
    meta: Metadata
    interviewer: Person | None
    interviewee: Person | None
    image: Image | None
    intro: tuple[Block, ...]
    exchanges: tuple[Exchange, ...]
    notes: tuple[Footnote, ...] = field(default=())
    source_name: str = ""
    #: Front-matter values that the transforms set with inline nodes (French superior letters,
    #: "XXIe siècle"), as (key, inlines) pairs; keys: "title", "subtitle", "section",
    #: "image.caption", "image.credit", "interviewer.bio", "interviewee.role". The plain value
    #: stays in its field, for metadata, bookmarks and running heads.
    styled: tuple[tuple[str, tuple[Inline, ...]], ...] = field(default=())
    #: The publication's other language editions, by language tag (the reader finds them).
    editions: tuple[Edition, ...] = field(default=())

    def inlines_of(self, key: str, plain: str) -> tuple[Inline, ...]:
        """What to set for the front-matter value ``key`` (whose plain text is ``plain``)."""
        for k, nodes in self.styled:
            if k == key:
                return nodes
        return (Text(plain),) if plain else ()


# --------------------------------------------------------------------------
# JSON: the model as a file (``build/<stem>.model.json``), read back by every writer

#: The version of the JSON layout below. Loading refuses any other: a model file written by
#: another version of pressroom is rebuilt from its source, never half-understood.
SCHEMA = 2

#: Every node and record type, by the name the JSON gives it.
TYPES = {cls.__name__: cls for cls in (
    Text, Emphasis, Strong, Code, Superscript, Link, LineBreak, NoteRef,
    Paragraph, BlockQuote, ListItem, List,
    Person, Image, Exchange, Footnote, Metadata, Edition, Interview)}


class ModelFileError(ValueError):
    """A model file that this version cannot load (another schema, or not a model at all)."""


def _encode(obj):
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {"type": type(obj).__name__}
        for f in dataclasses.fields(obj):
            out[f.name] = _encode(getattr(obj, f.name))
        return out
    if isinstance(obj, (tuple, list)):
        return [_encode(x) for x in obj]
    if isinstance(obj, (_dt.date, _dt.datetime)):
        return obj.isoformat()
    return obj


def to_dict(interview: Interview) -> dict:
    return {"schema": SCHEMA, **_encode(interview)}


def to_json(interview: Interview) -> str:
    return json.dumps(to_dict(interview), ensure_ascii=False, indent=2) + "\n"


def _decode(value):
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if not isinstance(value, dict):
        return value
    name = value.get("type")
    cls = TYPES.get(name)
    if cls is None:
        raise ModelFileError(f"unknown node type {name!r}")
    fields = {f.name for f in dataclasses.fields(cls)}
    unknown = set(value) - fields - {"type", "schema"}
    if unknown:
        raise ModelFileError(f"{name} has no field {sorted(unknown)[0]!r}")
    kwargs = {k: _decode(v) for k, v in value.items() if k in fields}
    if cls is Metadata:
        kwargs["date"] = _dt.date.fromisoformat(kwargs["date"])
        if kwargs.get("modified") is not None:
            kwargs["modified"] = _dt.datetime.fromisoformat(kwargs["modified"])
    return cls(**kwargs)


def from_dict(data: dict) -> Interview:
    """The model that ``to_dict`` was given, equal to it field for field."""
    if not isinstance(data, dict) or data.get("type") != "Interview":
        raise ModelFileError("not an interview model")
    if data.get("schema") != SCHEMA:
        raise ModelFileError(f"model schema {data.get('schema')!r}, this pressroom reads schema {SCHEMA}")
    return _decode(data)


def from_json(text: str) -> Interview:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ModelFileError(f"not JSON ({e.msg}, line {e.lineno})") from None
    return from_dict(data)


# --------------------------------------------------------------------------
# Helpers shared by writers and checks (pure functions of the model)


def plain_text(nodes, note: str = "") -> str:
    """The text of inline or block nodes, without markup; each note call becomes ``note``."""
    parts: list[str] = []

    def walk(n):
        if isinstance(n, (tuple, list)):
            for x in n:
                walk(x)
        elif isinstance(n, (Text, Code, Superscript)):
            parts.append(n.text)
        elif isinstance(n, LineBreak):
            parts.append("\n")
        elif isinstance(n, NoteRef):
            parts.append(note)
        elif isinstance(n, (Emphasis, Strong, Link, Paragraph, BlockQuote, ListItem)):
            walk(n.children)
            if isinstance(n, Paragraph):
                parts.append("\n")
            elif isinstance(n, BlockQuote) and n.attribution:
                walk(n.attribution)
                parts.append("\n")
        elif isinstance(n, List):
            walk(n.items)

    walk(nodes)
    return "".join(parts)
