"""The package: metadata (accessibility included, derived from the content) and the ebooklib book."""

from __future__ import annotations

import io

from ... import model as m
from ...errors import BuildError
from ...identifiers import identifier
from ...photo import photo_bytes
from ...package import normalise_zip
from ...styles import Strings
from .parts import CHAPTER, CONFORMS_TO, COVER_IMAGE, COVER_PAGE, CSS, LANG_CSS, NAV, XML_LANG
from .cover import cover_document
from .chapter import _image_name
from .navigation import _question_text, nav_document


# ---------------------------------------------------------------------------
# Accessibility metadata, derived from the content


def accessibility(interview: m.Interview, strings: Strings, has_page_list: bool) -> list[tuple[str, str]]:
    """(property, value) pairs of EPUB Accessibility 1.1 metadata, in order."""
    images = [interview.image] if interview.image and interview.image.path else []
    all_alt = all(im.alt.strip() for im in images)
    props: list[tuple[str, str]] = [("schema:accessMode", "textual")]
    if images:
        props.append(("schema:accessMode", "visual"))
    if all_alt:
        props.append(("schema:accessModeSufficient", "textual"))
    if images:
        props.append(("schema:accessModeSufficient", "textual,visual"))
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "ARIA", "displayTransformability"]
    if images and all_alt:
        features.append("alternativeText")
    if has_page_list:
        features += ["pageBreakMarkers", "pageNavigation"]
    props += [("schema:accessibilityFeature", f) for f in features]
    props.append(("schema:accessibilityHazard", "none"))
    summary = strings["a11y_summary"]
    if images and all_alt:
        summary += " " + strings["a11y_summary_image"]
    props.append(("schema:accessibilitySummary", summary))
    return props


# ---------------------------------------------------------------------------
# Packaging


def _package(interview, styles, strings, chapter: bytes, markers: list[int], cover_png: bytes) -> bytes:
    from ebooklib import epub

    meta = interview.meta
    book = epub.EpubBook()
    book.set_identifier(identifier(meta))
    book.set_title(meta.title)
    book.set_language(meta.lang)
    if meta.script_direction == "rtl":
        book.set_direction("rtl")
    if interview.interviewer:
        book.add_author(interview.interviewer.name, role="ivr", uid="interviewer")
    if interview.interviewee:
        book.add_metadata("DC", "contributor", interview.interviewee.name, {"id": "interviewee"})
        book.add_metadata(None, "meta", "ive", {"refines": "#interviewee", "property": "role",
                                                  "scheme": "marc:relators"})
    if meta.subtitle:
        book.add_metadata("DC", "description", meta.subtitle)
    if meta.publisher:
        book.add_metadata("DC", "publisher", meta.publisher)
    if meta.rights:
        book.add_metadata("DC", "rights", meta.rights)
    book.add_metadata("DC", "date", meta.date.isoformat())
    for kw in meta.keywords:
        book.add_metadata("DC", "subject", kw)
    # The publication's other language editions, by their identifiers (each refined with its
    # language), so that a library links the French EPUB to the English one.
    for n, edition in enumerate(interview.editions, 1):
        book.add_metadata("DC", "relation", edition.identifier, {"id": f"edition-{n}"})
        book.add_metadata(None, "meta", edition.lang, {"refines": f"#edition-{n}", "property": "dcterms:language"})

    def prop(name, value, **extra):
        book.add_metadata(None, "meta", value, {"property": name, **extra})

    for name, value in accessibility(interview, strings, bool(markers)):
        prop(name, value)
    prop("dcterms:conformsTo", CONFORMS_TO, id="conformance")
    prop("a11y:certifiedBy", meta.publisher or "pressroom", refines="#conformance")
    if markers:
        prop("pageBreakSource", identifier(meta, "print"))
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})

    def item(uid, name, media_type, content, properties=()):
        it = epub.EpubItem(uid=uid, file_name=name, media_type=media_type, content=content)
        it.properties = list(properties)
        book.add_item(it)
        return it

    item("css", CSS, "text/css", styles.path(CSS).read_bytes())
    item("css-languages", LANG_CSS, "text/css", styles.path(LANG_CSS).read_bytes())
    item("cover-image", COVER_IMAGE, "image/png", cover_png, ["cover-image"])
    cover_page = item("cover", COVER_PAGE, "application/xhtml+xml", cover_document(interview, strings))
    image_name = _image_name(interview.image)
    if image_name:
        item("photo", image_name, interview.image.media_type or "image/jpeg",
             photo_bytes(interview.image))
    chapter_item = item("interview", CHAPTER, "application/xhtml+xml", chapter)
    nav = epub.EpubNav(uid="nav", file_name=NAV, title=strings["contents"],
                       direction=meta.script_direction)
    book.add_item(nav)
    book.add_item(epub.EpubNcx())

    book.toc = [(epub.Section(meta.title, f"{CHAPTER}#title"),
                 [epub.Link(f"{CHAPTER}#{ex.id}", _question_text(ex), f"toc-{ex.id}")
                  for ex in interview.exchanges])]
    if interview.notes:
        book.toc.append(epub.Link(f"{CHAPTER}#footnotes", strings["footnotes"], "toc-footnotes"))
    book.spine = [cover_page, nav, chapter_item]
    book.guide = [
        {"type": "cover", "href": COVER_PAGE, "title": strings["cover"]},
        {"type": "toc", "href": NAV, "title": strings["contents"]},
        {"type": "text", "href": CHAPTER, "title": strings["start"]},
    ]

    nav_bytes = nav_document(interview, strings, markers)

    class Writer(epub.EpubWriter):
        def _write_opf_file(self, root):
            root.set(XML_LANG, meta.lang)
            if meta.script_direction == "rtl":
                root.set("dir", "rtl")
            super()._write_opf_file(root)

        def _get_nav(self, item):
            return nav_bytes

    modified = meta.modified_at  # dcterms:modified: the front matter's 'modified', else the date
    buf = io.BytesIO()
    writer = Writer(buf, book, {"epub3_pages": False, "epub3_landmark": False, "mtime": modified,
                                "raise_exceptions": True})
    writer.process()
    try:
        writer.write()
    except Exception as e:  # ebooklib reports its own failures with bare exceptions
        raise BuildError(f"EPUB packaging failed: {e}") from e
    return normalise_zip(buf.getvalue(), first=("mimetype",), stored=("mimetype",))
