"""The YAML front matter: PyYAML's safe loader made stricter, the keys and their checks, the
people, the lead image and its photo file, the dates.
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

import yaml

from .. import model as m
from ..errors import SourceError
from .limits import MAX_IMAGE_PIXELS, MAX_TITLE, MAX_YAML_DEPTH, _refused_char, address_problem

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
    "url": str,
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


def _opened_path(fd: int) -> Path | None:
    """Where the open file ``fd`` really is (Linux: its /proc/self/fd link), or None when the
    system does not say."""
    try:
        link = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None
    return Path(link) if link.startswith("/") and not link.endswith(" (deleted)") else None


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


class FrontMatter:
    """The front matter, as methods of ``source._Reader`` (``self.error``, ``self.key_lines``,
    ``self.fm_offset``, ``self.base_dir``)."""

    def key_line(self, *path) -> int:
        while path:
            if path in self.key_lines:
                return self.key_lines[path]
            path = path[:-1]
        return self.fm_offset

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
        if len(title) > MAX_TITLE:
            raise self.error(self.key_line("title"), f"the title has {len(title)} characters; a title may have "
                             f"up to {MAX_TITLE}", "shorten it, and put the rest in 'subtitle' (the standfirst)")
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
            url=self._url(text("url")),
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

    def _url(self, value: str) -> str:
        """``url``: the web edition's canonical address, an absolute http(s) address or nothing."""
        if not value:
            return ""
        from urllib.parse import urlsplit

        line = self.key_line("url")
        hint = "write the address where the web edition is published, e.g. url: https://example.org/interviews/the-future"
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError as e:
            raise self.error(line, f"url '{value}' is not an address ({e})", hint) from None
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise self.error(line, f"url '{value}' is not an absolute http or https address", hint)
        problem = address_problem(value)
        if problem:
            raise self.error(line, f"url '{value}' {problem}", hint)
        if re.search(r"[\s<>\"'`\\]", value):
            raise self.error(line, f"url '{value}' has a space, quote, angle bracket or backslash in it",
                             "write them percent-encoded (%20 for a space)")
        return value

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
        found = _refused_char(value, "the invalid character", "remove the escape sequence from the value")
        if found:
            raise self.error(line, f"'{where}' contains {found[0]}", found[1])

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
                        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
                    except Exception:
                        raise self.error(line, f"image.file '{file}' has a damaged colour profile (ICC)",
                                         "export the photo again with its colour profile (sRGB or Adobe RGB)") from None
                    # The profile must describe the pixels: an RGB photo with a CMYK profile
                    # cannot be converted for print or screen.
                    space = (profile.profile.xcolor_space or "").strip().upper()
                    pixels = {"L": "GRAY", "LA": "GRAY", "I;16": "GRAY", "I": "GRAY", "RGB": "RGB", "RGBA": "RGB",
                              "P": "RGB", "CMYK": "CMYK", "YCbCr": "RGB"}.get(im.mode)
                    if pixels and space and space != pixels:
                        raise self.error(line, f"image.file '{file}' has {im.mode} pixels but a {space} colour "
                                         "profile (ICC)", "export the photo again with the profile of its own "
                                         "colours (sRGB or Adobe RGB for a colour photo)")
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
