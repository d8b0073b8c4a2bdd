"""Language editions: sources beside each other that share a stem and differ by a language
suffix (``x.md``, ``x.fr.md``, ``x.ar.md``) are editions of one publication (issue 18).

- ``split_stem``: a file stem's base and language suffix (``x.fr`` -> ``x``, ``fr``);
- ``EditionChecks.own_edition``: the rules on the source's own name (its suffix is its language);
- ``EditionChecks.editions``: the other editions, read from the source's folder (only files named
  ``<base>.md`` or ``<base>.<suffix>.md``, each read as a source of its own and refused as one).

A suffix whose language is one of ISO 639-1's two-letter codes (``fr``, ``zh-Hans``, ``pt-BR``)
always names a language, and must be the source's ``lang``; any other (``x.fil.md``) names one
only when it is the source's language, so that ``notes.old.md`` or ``x.v2.md`` stays a
publication of its own.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .. import identifiers
from .. import model as m
from ..errors import SourceError

#: ISO 639-1: the two-letter language codes (ISO 639-2's table, its alpha-2 column).
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da
de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz
ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln
lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi
pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti
tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split())

_SUFFIX = re.compile(r"^(?P<base>.+)\.(?P<tag>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)$")


def split_stem(stem: str) -> tuple[str, str]:
    """``(base, suffix)`` of a stem whose last part is shaped as a language tag, else ``(stem, "")``."""
    match = _SUFFIX.match(stem)
    if not match:
        return stem, ""
    return match["base"], match["tag"]


def _primary(tag: str) -> str:
    return tag.split("-")[0].lower()


def edition_base(stem: str, lang: str) -> tuple[str, str]:
    """``(base, suffix)``: the publication a source of this stem and language belongs to, and the
    language its name gives (``""``: none, the stem is the base)."""
    base, suffix = split_stem(stem)
    if not suffix:
        return stem, ""
    if _primary(suffix) in ISO_639_1 or _primary(suffix) == _primary(lang):
        return base, suffix
    return stem, ""


def suffix_language(stem: str) -> str:
    """The language a file name gives whatever its content says (``x.fr`` -> ``fr``), or ""."""
    _, suffix = split_stem(stem)
    return suffix if suffix and _primary(suffix) in ISO_639_1 else ""


def _same_tag(a: str, b: str) -> bool:
    return a.lower() == b.lower()


class EditionChecks:
    """For ``_Reader`` (source.py): needs ``name``, ``base_dir``, ``error`` and ``key_line``."""

    def own_edition(self, meta: m.Metadata) -> None:
        stem = Path(self.name).stem
        _, suffix = edition_base(stem, meta.lang)
        if suffix and not _language_matches(suffix, meta.lang):
            raise self.error(
                self.key_line("lang"),
                f"the file name says this is the '{suffix}' edition, but its lang is '{meta.lang}'",
                f"set lang: {suffix}, or rename the file (an edition in {meta.lang} is named "
                f"{split_stem(stem)[0]}.{meta.lang}.md)")

    def editions(self, meta: m.Metadata, read_one) -> tuple[m.Edition, ...]:
        """The publication's other editions, by language; ``read_one(path)`` reads a source."""
        if self.base_dir is None:
            return ()
        path = Path(self.name)
        base, _ = edition_base(path.stem, meta.lang)
        own_id = identifiers.identifier(meta)
        try:
            # Regular files only, as make takes sources (find -type f): a link is not followed,
            # so nothing outside the folder is read.
            names = sorted(e.name for e in os.scandir(self.base_dir)
                           if e.name.endswith(".md") and (e.name == f"{base}.md" or e.name.startswith(f"{base}."))
                           and e.is_file(follow_symlinks=False))
        except OSError:
            return ()
        out: list[m.Edition] = []
        for name in names:
            other = self.base_dir / name
            try:
                if os.path.samefile(other, path):
                    continue
            except OSError:
                continue
            if other.stem != base and split_stem(other.stem)[0] != base:
                continue  # x.y.fr.md is an edition of x.y, not of x
            if suffix_language(other.stem) or other.stem == base:
                iv = read_one(other)  # certainly an edition: its errors are this build's too
            else:
                try:  # x.old.md: an edition only if it is in "old"; if unreadable, not one
                    iv = read_one(other)
                except SourceError:
                    continue
            if edition_base(other.stem, iv.meta.lang)[0] != base:
                continue
            if _same_tag(iv.meta.lang, meta.lang):
                raise self.error(
                    self.key_line("lang"), f"{name} is also an edition in '{meta.lang}': two editions of "
                    "one publication cannot have the same language",
                    f"give this one its own language, or rename one of the files (an edition in fr is {base}.fr.md)")
            other_id = identifiers.identifier(iv.meta)
            if other_id == own_id:
                given = "identifier" if meta.identifier else "title and date"
                raise self.error(
                    self.key_line("identifier" if meta.identifier else "title"),
                    f"this edition and {name} have the same {given}, so both would be the publication "
                    f"{own_id}",
                    "give each language edition an identifier of its own, e.g. the original's with "
                    "the language after it" if meta.identifier else
                    "translate the title, or give one of them an identifier: of its own")
            out.append(m.Edition(lang=iv.meta.lang, title=iv.meta.title, identifier=other_id,
                                 source_name=other.stem, url=iv.meta.url))
        return tuple(sorted(out, key=lambda e: e.lang.lower()))


def _language_matches(suffix: str, lang: str) -> bool:
    """``x.fr.md`` in ``fr-CA`` is the French edition; ``x.fr-CA.md`` must be in ``fr-CA``."""
    if "-" in suffix:
        return _same_tag(suffix, lang)
    return _primary(lang) == suffix.lower()
