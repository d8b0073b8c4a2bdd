"""The DOCX's custom document properties (``docProps/custom.xml``): the front matter values
that the document's text and core properties do not show exactly, so that ``pressroom import``
can make a source again from a DOCX that pressroom wrote (issue 18).

Shared by the DOCX writer (``properties_xml``) and the importer (``read_properties``), so
neither imports the other. Each value is a text property named ``pressroom-KEY`` (Word shows
them under File > Properties > Custom; nothing in the document's text changes). A value
longer than ``CHUNK`` characters, which Word's dialog cannot hold in one property, is split
over ``pressroom-KEY``, ``pressroom-KEY.2``, … The property ``pressroom-source-version`` names
the layout (``VERSION``).
"""

from __future__ import annotations

import json
import re

from . import model as m

#: The layout of the properties below; the importer refuses a DOCX of another version.
VERSION = "1"
PREFIX = "pressroom-"
MARKER = PREFIX + "source-version"
#: Characters per property: Word's Custom Properties dialog holds at most 255.
CHUNK = 255

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
#: The format id every user-defined property carries (Word's and LibreOffice's).
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

#: The keys, in the order they are written. JSON-valued keys hold lists.
KEYS = ("title", "subtitle", "date", "modified", "lang", "publisher", "rights", "identifier",
        "keywords", "section", "url", "interviewer.name", "interviewer.bio", "interviewee.name",
        "interviewee.role", "image.file", "image.alt", "image.caption", "image.credit", "note-labels")
JSON_KEYS = frozenset({"keywords", "note-labels"})

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def values(iv: m.Interview) -> dict[str, str]:
    """The interview's front matter values as the properties hold them (empty ones left out)."""
    meta = iv.meta
    out = {
        "title": meta.title, "subtitle": meta.subtitle, "date": meta.date.isoformat(),
        "modified": meta.modified.isoformat().replace("+00:00", "Z") if meta.modified else "",
        "lang": meta.lang, "publisher": meta.publisher, "rights": meta.rights,
        "identifier": meta.identifier, "keywords": json.dumps(list(meta.keywords), ensure_ascii=False)
        if meta.keywords else "", "section": meta.section, "url": meta.url,
    }
    for key, person, fields in (("interviewer", iv.interviewer, ("name", "bio")),
                                ("interviewee", iv.interviewee, ("name", "role"))):
        for f in fields:
            out[f"{key}.{f}"] = getattr(person, f) if person else ""
    image = iv.image
    if image is not None:
        out["image.file"] = _file_name(image.path) if image.path else ""
        out["image.alt"], out["image.caption"], out["image.credit"] = image.alt, image.caption, image.credit
    if iv.notes:
        out["note-labels"] = json.dumps([n.label for n in iv.notes], ensure_ascii=False)
    return {k: _CONTROL.sub("", out[k]) for k in KEYS if out.get(k)}


def _file_name(path: str) -> str:
    return re.split(r"[\\/]", path)[-1]


def properties_xml(iv: m.Interview) -> bytes:
    """``docProps/custom.xml`` for the interview (the same bytes for the same model)."""
    from xml.sax.saxutils import escape, quoteattr

    props = [(MARKER, VERSION)]
    for key, value in values(iv).items():
        chunks = [value[i:i + CHUNK] for i in range(0, len(value), CHUNK)]
        for n, chunk in enumerate(chunks, 1):
            props.append((PREFIX + key + (f".{n}" if n > 1 else ""), chunk))
    # The publication's other language editions (``pressroom-edition-fr``: its identifier), for
    # whoever files the document; not front matter, so the importer leaves them (the reader
    # finds a source's editions beside it).
    for edition in iv.editions:
        props.append((f"{PREFIX}edition-{edition.lang}", _CONTROL.sub("", edition.identifier)))
    body = "".join(
        f'<property fmtid="{FMTID}" pid="{pid}" name={quoteattr(name)}><vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate(props, 2))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">{body}</Properties>').encode("utf-8")


def read_properties(root) -> dict[str, str]:
    """The pressroom values of a parsed ``docProps/custom.xml`` (lxml root), chunks joined, by
    key (``KEYS``), with the marker as ``source-version``; other properties are left out."""
    found: dict[str, str] = {}
    for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
        name = prop.get("name") or ""
        if not name.startswith(PREFIX):
            continue
        text = "".join(el.text or "" for el in prop)
        found[name[len(PREFIX):]] = text
    out: dict[str, str] = {}
    if "source-version" in found:
        out["source-version"] = found["source-version"]
    for key in KEYS:
        if key not in found:
            continue
        parts, n = [found[key]], 2
        while f"{key}.{n}" in found:
            parts.append(found[f"{key}.{n}"])
            n += 1
        out[key] = "".join(parts)
    return out
