"""What the web edition's <head> says about the interview: description, canonical address,
OpenGraph and Twitter card tags, and schema.org JSON-LD, all from the model."""

from __future__ import annotations

import json

from ... import model as m

#: A description longer than this is cut at a word (search engines show about 160 characters).
DESCRIPTION_MAX = 300


def description(iv: m.Interview) -> str:
    """The standfirst, else the start of the introduction or of the first answer, else the title."""
    text = iv.meta.subtitle
    if not text:
        first = next((b for b in iv.intro + tuple(b for ex in iv.exchanges for b in ex.answer)
                      if isinstance(b, m.Paragraph)), None)
        text = m.plain_text(first) if first is not None else iv.meta.title
    text = " ".join(text.split())
    if len(text) > DESCRIPTION_MAX:
        cut = text[:DESCRIPTION_MAX].rsplit(" ", 1)[0] if " " in text[:DESCRIPTION_MAX] else text[:DESCRIPTION_MAX]
        text = cut.rstrip(",;:.-–— ") + "…"
    return text


def locale(lang: str, table: dict) -> str | None:
    """The OpenGraph locale (``fr_FR``): the tag's own region, else the language's in ``table``."""
    parts = lang.split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    if region:
        return f"{parts[0].lower()}_{region.upper()}"
    return table.get(parts[0].lower())


def _person(p: m.Person | None) -> dict | None:
    if p is None or not p.name:
        return None
    out = {"@type": "Person", "name": p.name}
    if p.role:
        out["jobTitle"] = p.role
    if p.bio:
        out["description"] = " ".join(p.bio.split())
    return out


def json_ld(iv: m.Interview, desc: str, image: tuple[int, int] | None) -> str:
    """The schema.org NewsArticle, as the text of a ``<script type="application/ld+json">``."""
    meta = iv.meta
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": meta.title,
        "description": desc,
        "datePublished": meta.date.isoformat(),
        "dateModified": meta.modified_at.isoformat().replace("+00:00", "Z"),
        "inLanguage": meta.lang,
    }
    if meta.url:
        data["url"] = meta.url
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": meta.url}
    if meta.identifier:
        data["identifier"] = meta.identifier
    author = _person(iv.interviewer)
    if author:
        data["author"] = author
    about = _person(iv.interviewee)
    if about:
        data["about"] = about
    if meta.publisher:
        data["publisher"] = {"@type": "Organization", "name": meta.publisher}
    if meta.section:
        data["articleSection"] = meta.section
    if meta.keywords:
        data["keywords"] = list(meta.keywords)
    if meta.rights:
        data["copyrightNotice"] = meta.rights
    if image is not None and iv.image is not None:
        img = {"@type": "ImageObject", "width": image[0], "height": image[1]}
        if iv.image.alt:
            img["description"] = iv.image.alt
        if iv.image.caption:
            img["caption"] = iv.image.caption
        if iv.image.credit:
            img["creditText"] = iv.image.credit
        data["image"] = img
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    # Nothing in the script's text may end it or open markup: '<', '>' and '&' as JSON escapes.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def tags(iv: m.Interview, desc: str, settings: dict) -> list[tuple[str, str, str]]:
    """(attribute, name, content) of each <meta>: name= for description and the Twitter card,
    property= for OpenGraph."""
    meta = iv.meta
    out = [("name", "description", desc)]
    if iv.interviewer and iv.interviewer.name:
        out.append(("name", "author", iv.interviewer.name))
    if meta.keywords:
        out.append(("name", "keywords", ", ".join(meta.keywords)))
    out += [("property", "og:type", "article"), ("property", "og:title", meta.title),
            ("property", "og:description", desc)]
    loc = locale(meta.lang, settings.get("og_locale", {}))
    if loc:
        out.append(("property", "og:locale", loc))
    for edition in iv.editions:  # the publication's other language editions
        other = locale(edition.lang, settings.get("og_locale", {}))
        if other:
            out.append(("property", "og:locale:alternate", other))
    if meta.url:
        out.append(("property", "og:url", meta.url))
    if meta.publisher:
        out.append(("property", "og:site_name", meta.publisher))
    out.append(("property", "article:published_time", meta.date.isoformat()))
    out.append(("property", "article:modified_time", meta.modified_at.isoformat().replace("+00:00", "Z")))
    if meta.section:
        out.append(("property", "article:section", meta.section))
    for k in meta.keywords:
        out.append(("property", "article:tag", k))
    out += [("name", "twitter:card", "summary"), ("name", "twitter:title", meta.title),
            ("name", "twitter:description", desc)]
    return out
