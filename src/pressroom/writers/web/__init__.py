"""The web edition: one self-contained, accessible HTML page per interview.

The page is the shared markup of ``html.py`` (readers' footnotes as ``<aside>`` notes after the
text, no caption for a photo that is not there) made plain HTML5 for the web:

- everything inline: the stylesheet (``styles/fonts.css``'s stacks, ``languages.css``,
  ``web.css``), the fonts as WOFF2 subsets (``fonts``), the photo at most
  ``styles/web.json``'s ``photo.max_width`` pixels wide (``photo``); a Content-Security-Policy
  that allows nothing else (no request leaves the file, no script runs); no JavaScript;
- landmarks (``main``, the page's ``footer``), DPUB-ARIA roles and accessible names for the
  note calls and back-links;
- what search engines and social sites read (``meta``): title, description, canonical address
  (front matter ``url``), OpenGraph, Twitter card, schema.org JSON-LD.

The same model gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

from lxml import etree
from lxml import html as lxml_html

from ... import __version__
from ... import html as H
from ... import model as m
from ...styles import Styles
from . import fonts, meta
from .photo import data_uri

__all__ = ["write"]

XHTML_PREFIX = f"{{{H.XHTML}}}"


def write(interview: m.Interview, styles: Styles) -> bytes:
    """The web edition as UTF-8 bytes."""
    settings = json.loads(styles.path("web.json").read_text(encoding="utf-8"))
    strings = styles.strings(interview.meta.lang)
    image = interview.image
    src = size = None
    if image is not None and image.path:
        shot = settings["photo"]
        src, width, height = data_uri(image, shot["max_width"], shot["jpeg_quality"])
        size = (width, height)
    root = H.build(interview, strings, H.HtmlOptions(footnotes="aside", placeholder="caption", image_src=src, web=True))
    _plain_html(root)
    _web_semantics(root, interview, strings, size, styles.strings)
    css = _stylesheet(root, styles, settings)
    _head(root, interview, settings, css, size)
    text = lxml_html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode", method="html")
    # libxml2's HTML serializer knows HTML 4's empty elements, not <wbr>: it writes "</wbr>", a
    # stray end tag for the Nu checker. A "</" in text is always escaped, so this is markup.
    text = text.replace("</wbr>", "")
    return (text.rstrip("\n") + "\n").encode("utf-8")


def _plain_html(root) -> None:
    """XHTML elements as HTML ones: no namespace, no xml:lang (``lang`` says it), no PDF-only
    attributes."""
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith(XHTML_PREFIX):
            el.tag = el.tag[len(XHTML_PREFIX):]
        for name in list(el.attrib):
            if name.startswith("{") or name == "data-bookmark":
                del el.attrib[name]
    etree.cleanup_namespaces(root)


def alternates(iv: m.Interview) -> list[tuple[str, str, str]]:
    """The publication's language editions, this one included, as (lang, address, title), by
    language: an edition's canonical address (front matter ``url``), else its page's file name,
    which ``make`` writes beside this one (``x.fr.html``)."""
    own = (iv.meta.lang, iv.meta.url or f"{iv.source_name}.html", iv.meta.title)
    others = [(e.lang, e.url or f"{e.source_name}.html", e.title) for e in iv.editions]
    return sorted([own, *others], key=lambda x: x[0].lower())


def _editions_nav(body, main, iv: m.Interview, strings, languages) -> None:
    """A skip link, then the language switcher: each edition by its name in its own language,
    this one marked as the current page."""
    skip = etree.Element("a", {"class": "skip", "href": "#main"})
    skip.text = strings["skip_to_content"]
    nav = etree.Element("nav", {"class": "editions", "aria-label": strings["languages_label"]})
    ul = etree.SubElement(nav, "ul")
    for lang, href, _title in alternates(iv):
        li = etree.SubElement(ul, "li")
        name = languages(lang).own("language_name") or lang
        if lang == iv.meta.lang:
            el = etree.SubElement(li, "a", {"href": "#main", "aria-current": "page", "lang": lang})
        else:
            el = etree.SubElement(li, "a", {"href": href, "hreflang": lang, "lang": lang, "rel": "alternate"})
        if languages(lang).own("language_name") and _direction(lang) != iv.meta.script_direction:
            el.set("dir", _direction(lang))
        el.text = name
    body.insert(body.index(main), skip)
    body.insert(body.index(main), nav)


def _direction(lang: str) -> str:
    return "rtl" if lang.split("-")[0].lower() in m.RTL_LANGUAGES else "ltr"


def _web_semantics(root, iv: m.Interview, strings, size, languages) -> None:
    body = root.find("body")
    article = body.find("article")
    main = etree.SubElement(body, "main", {"id": "main"})
    main.append(article)
    if iv.editions:
        _editions_nav(body, main, iv, strings, languages)
    for img in article.iter("img"):
        if size:
            img.set("width", str(size[0]))
            img.set("height", str(size[1]))
        img.set("decoding", "async")
    for a in article.iter("a"):
        cls = (a.get("class") or "").split()
        if "noteref" in cls:
            number = (a.text or "").strip()
            a.set("role", "doc-noteref")
            a.set("aria-label", strings.get("note_call", n=number))
        elif "note-back" in cls:
            a.set("role", "doc-backlink")
            a.set("aria-label", f"{(a.text or '').strip()} {strings['note_back']}")
            a.attrib.pop("title", None)
        elif "note-mark" in cls:
            a.set("aria-label", strings["about"])
    for ol in article.iter("ol"):
        # A long number needs a wider indent than the list's (web.css: ol.digits-N).
        last = int(ol.get("start") or 1) + len(ol.findall("li")) - 1
        digits = len(str(abs(last)))
        if digits > 2:
            ol.set("class", f"digits-{min(digits, 10)}")
    for sec in article.iter("section"):
        if sec.get("class") == "intro":
            sec.tag = "div"  # no heading of its own: not a section of the outline
        if "footnotes" in (sec.get("class") or "").split():
            sec.set("role", "doc-endnotes")
            sec.set("id", "notes")
            title = sec.find("h2")
            if title is not None:
                title.set("id", "notes-title")
                sec.set("aria-labelledby", "notes-title")
            for aside in sec.iter("aside"):
                aside.set("role", "doc-footnote")
    if iv.meta.rights or iv.meta.publisher:
        # The page's contentinfo: who publishes it, and its rights.
        foot = etree.SubElement(body, "footer", {"class": "colophon"})
        etree.SubElement(foot, "p").text = strings["header_sep"].join(
            x for x in (iv.meta.publisher, iv.meta.rights) if x)


def _text_of(wrapper) -> str:
    return "".join(wrapper.etree_element.itertext())


def _stylesheet(root, styles: Styles, settings: dict) -> str:
    """The page's one stylesheet: the fonts it uses, the families by language, the typography
    of every language, the web edition's own rules; comments and blank space dropped."""
    import cssselect2

    own = [_clean_css(styles.path(name).read_text(encoding="utf-8")) for name in settings["stylesheets"]]
    generated = "".join(re.findall(r'content:\s*"([^"]*)"', "\n".join(own)))
    extra = settings.get("always", "") + _css_unescape(generated)
    wrapper = cssselect2.ElementWrapper.from_html_root(root)
    elements = list(wrapper.iter_subtree())
    body = next(e for e in elements if e.local_name == "body")
    texts = {}
    for key, selector in settings["faces"].items():
        compiled = [s for s in cssselect2.compile_selector_list(selector)]
        text = "".join(_text_of(e) for e in elements if any(s.test(e) for s in compiled))
        if text.strip():  # a face that sets nothing on this page is not embedded
            # Capitals too: the stylesheets set some text in capitals (text-transform).
            texts[key] = text + text.upper() + extra + settings.get("extra", {}).get(key, "")
    page_text = _text_of(body)
    faces, stacks = fonts.font_faces(styles.path("fonts.css"), settings, texts, page_text)
    # No newline at the end: the Nu checker hashes the text without it, browsers with it, and
    # the policy's hash must be the same for both.
    return "\n".join([faces, _clean_css(stacks)] + own).rstrip()


def _css_unescape(text: str) -> str:
    return re.sub(r"\\([0-9a-fA-F]{1,6})\s?", lambda mo: chr(int(mo.group(1), 16)), text)


def _clean_css(text: str) -> str:
    """The stylesheet without comments, and without the declarations only EPUB reading systems
    read (``-epub-``)."""
    import tinycss2

    out = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        out.append(_clean_rule(rule))
    return "\n".join(x for x in out if x)


def _clean_rule(rule) -> str:
    import tinycss2

    if rule.type == "qualified-rule":
        decls = [d for d in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)]
        body = []
        for d in decls:
            if d.type == "declaration":
                if d.lower_name.startswith("-epub-"):
                    continue
                body.append(f"{d.name}:{tinycss2.serialize(d.value).strip()}{' !important' if d.important else ''}")
            elif d.type == "qualified-rule":  # nested rule
                body.append(_clean_rule(d))
        prelude = " ".join(tinycss2.serialize(rule.prelude).split())
        return f"{prelude}{{{';'.join(body)}}}" if body else ""
    if rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports"):
        inner = [_clean_rule(r) for r in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                                          skip_whitespace=True)]
        prelude = " ".join(tinycss2.serialize(rule.prelude).split())
        return f"@{rule.at_keyword} {prelude}{{{''.join(x for x in inner if x)}}}"
    if rule.type == "at-rule":
        return " ".join(rule.serialize().split())
    return ""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _head(root, iv: m.Interview, settings: dict, css: str, size) -> None:
    head = root.find("head")
    charset, title = head.find("meta"), head.find("title")
    for child in list(head):
        head.remove(child)
    desc = meta.description(iv)
    ld_text = meta.json_ld(iv, desc, size)
    # The policy names the stylesheet and the JSON-LD data block by their hashes: nothing else
    # inline applies, and nothing at all is fetched (the fonts and photo are data: URIs).
    policy = (settings["content_security_policy"].replace("{style}", _hash(css))
              .replace("{script}", _hash(ld_text)))
    head.append(charset)
    head.append(etree.Element("meta", {"http-equiv": "Content-Security-Policy", "content": policy}))
    head.append(etree.Element("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}))
    head.append(etree.Element("meta", {"name": "color-scheme", "content": "light dark"}))
    head.append(etree.Element("meta", {"name": "generator", "content": f"pressroom {__version__}"}))
    title.text = iv.meta.title
    head.append(title)
    for attr, name, content in meta.tags(iv, desc, settings):
        head.append(etree.Element("meta", {attr: name, "content": content}))
    if iv.meta.url:
        head.append(etree.Element("link", {"rel": "canonical", "href": iv.meta.url}))
    if iv.editions:  # every language edition, this one too (as search engines ask)
        for lang, href, _title in alternates(iv):
            head.append(etree.Element("link", {"rel": "alternate", "hreflang": lang, "href": href}))
    ld = etree.Element("script", {"type": "application/ld+json"})
    ld.text = ld_text
    head.append(ld)
    style = etree.Element("style")
    style.text = css
    head.append(style)
