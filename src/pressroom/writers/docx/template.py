"""The reference template of the DOCX writer, ``styles/reference.docx``, and what is set on it
around the content: the page set-up from the print trim's data (``styles/trim/<name>.json``),
the document's language, direction and fonts per script (``styles/docx.json``), and the removal
of whatever Word adds to a template when an editor saves it.

The template holds every style (``STYLE_IDS``, ``CHAR_STYLE_IDS``, ``TABLE_STYLE_IDS``: the ids
the writer uses; a test checks that the template defines them), the footer with its page
number, the footnote separators and the list definitions. Nothing here defines a style or sets
a font size or colour.
"""

from __future__ import annotations

import io
import json

from docx import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import PartFactory, XmlPart

from ...errors import BuildError
from ...package import normalise_zip
from ...styles import TRIM_LENGTHS, Styles, Trim
from .ooxml import (PPR_AFTER_BIDI, RPR_AFTER, SECTPR_AFTER_BIDI, SETTINGS_AFTER_THEMEFONTLANG, W_NS,
                    OxmlElement, qn, set_attr, twips)

# Load an existing footnotes part as XML (python-docx has no footnotes API and
# would otherwise keep the template's part as an opaque blob).
PartFactory.part_type_for[CT.WML_FOOTNOTES] = XmlPart

#: Paragraph style ids the writer uses (all defined in the template; a test checks).
STYLE_IDS = (
    "Kicker", "Figure", "FPO", "Caption", "Title", "Subtitle", "Interviewee", "Byline", "Intro",
    "IntroContinued", "Question", "Answer", "AnswerContinued", "BlockText", "Attribution", "ListBullet",
    "ListNumber", "ListContinue", "InterviewerNote", "FootnoteText", "Header", "Footer",
)
#: Character and table style ids the writer uses.
CHAR_STYLE_IDS = ("Emphasis", "Strong", "StrongEmphasis", "Code", "Superior", "Hyperlink", "FootnoteReference",
                  "Interviewer", "IntervieweeName", "Credit", "HeaderPublication", "HeaderSection")
TABLE_STYLE_IDS = ("FPOFrame",)

#: Parts an editor's Word may add when saving the template; none belongs in an output.
_DROP_RELTYPES = frozenset({
    RT.THUMBNAIL, RT.CUSTOM_XML, RT.WEB_SETTINGS, RT.GLOSSARY_DOCUMENT, RT.COMMENTS,
    RT.CUSTOM_PROPERTIES,
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate",
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.microsoft.com/office/2011/relationships/people",
    "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
    "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
    "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
    "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
})
_APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>pressroom</Application><DocSecurity>0</DocSecurity></Properties>"
)


def load_data(styles: Styles) -> dict:
    """The DOCX writer's data: ``styles/docx.json`` (default trim, fonts per script, figure size)."""
    with open(styles.path("docx.json"), encoding="utf-8") as f:
        return json.load(f)


class Template:
    """The reference template, opened as the document to write."""

    def __init__(self, styles: Styles):
        try:
            with open(styles.path("reference.docx"), "rb") as f:
                self.doc = Document(io.BytesIO(f.read()))
        except BuildError:
            raise
        except Exception as e:  # a damaged template is not the source's fault
            raise BuildError(f"cannot open the DOCX template styles/reference.docx: {e}") from e
        self.body = self.doc.element.body
        self.sectPr = self.body.find(qn("w:sectPr"))
        self.footnotes_part = self._footnotes_part()
        self.numbering = self.doc.part.numbering_part.element

    def _footnotes_part(self) -> XmlPart:
        try:
            part = self.doc.part.part_related_by(RT.FOOTNOTES)
        except KeyError:
            raise BuildError("the DOCX template has no footnotes part (word/footnotes.xml)") from None
        if not isinstance(part, XmlPart):
            raise BuildError("the DOCX template's footnotes part could not be read as XML")
        return part

    def empty_body(self) -> None:
        """Drop the template's sample paragraphs; keep the section properties."""
        for child in list(self.body):
            if child is not self.sectPr:
                self.body.remove(child)

    def page(self, trim: Trim) -> None:
        """Page size and margins of the print edition (``styles/trim/<trim>.json``).

        The template's own page set-up is replaced, so the DOCX follows the print
        trim when its data changes; the running head's right tab follows the text
        width.
        """
        geo = {key: trim.mm(key) for key in TRIM_LENGTHS}
        sz = self.sectPr.find(qn("w:pgSz"))
        mar = self.sectPr.find(qn("w:pgMar"))
        if sz is None or mar is None:
            raise BuildError("the DOCX template's section has no page size or margins")
        set_attr(sz, "w:w", twips(geo["width"]))
        set_attr(sz, "w:h", twips(geo["height"]))
        for attr, key in (("w:top", "top"), ("w:right", "outside"), ("w:bottom", "bottom"), ("w:left", "inside")):
            set_attr(mar, attr, twips(geo[key]))
        text_width = twips(geo["width"] - geo["inside"] - geo["outside"])
        header = self.doc.styles.element.find(f"{qn('w:style')}[@{qn('w:styleId')}='Header']")
        if header is not None:
            for tab in header.iter(qn("w:tab")):
                if tab.get(qn("w:val")) == "right":
                    set_attr(tab, "w:pos", text_width)

    def sanitise(self) -> None:
        """Drop what a template saved by Word may carry: thumbnails, customXml,
        stylesWithEffects, web settings, comments, the attached template's path,
        revision ids (rsids)."""
        pkg = self.doc.part.package
        for part in [pkg, *pkg.iter_parts()]:
            rels = part.rels
            for rid, rel in list(rels.items()):
                if rel.reltype in _DROP_RELTYPES:
                    del rels[rid]
                    rels._target_parts_by_rId.pop(rid, None)
        for part in pkg.iter_parts():
            if not isinstance(part, XmlPart):
                continue
            for el in list(part.element.iter()):
                if el.tag == W_NS + "rsid":  # a style's revision id
                    el.getparent().remove(el)
                    continue
                for name in [a for a in el.attrib if a.startswith(W_NS + "rsid")]:
                    del el.attrib[name]
        for rel in pkg.rels.values():
            if rel.reltype == RT.EXTENDED_PROPERTIES and not rel.is_external:
                # Word's application name, template path, counts and editing time: replaced.
                rel.target_part._blob = _APP_XML
        settings = self.doc.settings.element
        for tag in ("w:rsids", "w:attachedTemplate", "w:docVars", "w:removePersonalInformation"):
            for el in settings.findall(qn(tag)):
                settings.remove(el)

    def _all_story_roots(self):
        section = self.doc.sections[0]
        roots = [self.doc.element.body, self.footnotes_part.element]
        for hf in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            if not hf.is_linked_to_previous:
                roots.append(hf._element)
        return roots

    def right_to_left(self) -> None:
        """Every paragraph right-to-left, those the template wrote too (header, footer, footnote
        separators), and the section."""
        for root in self._all_story_roots():
            for ppr in root.iter(qn("w:pPr")):
                if ppr.find(qn("w:bidi")) is None:
                    ppr.insert_element_before(OxmlElement("w:bidi"), *PPR_AFTER_BIDI)
        if self.sectPr.find(qn("w:bidi")) is None:
            self.sectPr.insert_element_before(OxmlElement("w:bidi"), *SECTPR_AFTER_BIDI)

    def language(self, lang: str, rtl: bool, data: dict) -> None:
        """The document language ``lang`` (docDefaults, themeFontLang) and the script's settings
        from ``data`` (styles/docx.json): fonts per script, letter-spacing, italic, justification."""
        primary = lang.split("-")[0].lower()
        scripts = data["languages"].get(primary, {})
        attr = "w:bidi" if rtl else ("w:eastAsia" if "eastAsia" in scripts else "w:val")
        styles_el = self.doc.styles.element
        lang_el = styles_el.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
        if lang_el is None:
            rpr = styles_el.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
            if rpr is None:
                raise BuildError("the DOCX template has no docDefaults run properties")
            lang_el = OxmlElement("w:lang")
            rpr.insert_element_before(lang_el, "w:eastAsianLayout", "w:specVanish", "w:oMath")
        set_attr(lang_el, attr, lang)
        settings = self.doc.settings.element
        tfl = settings.find(qn("w:themeFontLang"))
        if tfl is None:
            tfl = OxmlElement("w:themeFontLang")
            settings.insert_element_before(tfl, *SETTINGS_AFTER_THEMEFONTLANG)
        set_attr(tfl, attr, lang)
        # Fonts of the language's script, matched to each style's Latin family.
        families = {v: k for k, v in data["families"].items()}
        for script_attr, by_kind in scripts.items():
            if script_attr not in ("cs", "eastAsia"):
                continue
            for rfonts in styles_el.iter(qn("w:rFonts")):
                kind = families.get(rfonts.get(qn("w:ascii")))
                kind = "sans" if kind == "mono" else kind  # code: other scripts in their sans
                if kind and kind in by_kind:
                    set_attr(rfonts, f"w:{script_attr}", by_kind[kind])
        if scripts.get("letter_spacing") is False:
            # Tracking breaks the joins of cursive scripts: drop the styles' character spacing.
            for rpr in styles_el.iter(qn("w:rPr")):
                for sp in rpr.findall(qn("w:spacing")):
                    rpr.remove(sp)
        if scripts.get("italic") is False:
            # No italic in the script: emphasis is weight (as styles/languages.css does).
            for style in styles_el.iter(qn("w:style")):
                rpr = style.find(qn("w:rPr"))
                if rpr is None:
                    continue
                italic = [el for el in rpr if el.tag in (qn("w:i"), qn("w:iCs"))]
                for el in italic:
                    rpr.remove(el)
                if italic and style.get(qn("w:styleId")) in ("Emphasis", "StrongEmphasis"):
                    for tag in ("w:b", "w:bCs"):
                        if rpr.find(qn(tag)) is None:
                            rpr.insert_element_before(OxmlElement(tag), *RPR_AFTER[tag])
        if scripts.get("justify") is False:
            for jc in list(styles_el.iter(qn("w:jc"))):
                if jc.get(qn("w:val")) == "both":
                    jc.getparent().remove(jc)

    def custom_properties(self, blob: bytes) -> None:
        """``docProps/custom.xml``, holding ``blob`` (``docprops.properties_xml``: what
        ``pressroom import`` reads back; the template's own custom properties were dropped)."""
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part

        pkg = self.doc.part.package
        part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, pkg)
        pkg.relate_to(part, RT.CUSTOM_PROPERTIES)

    def save(self) -> bytes:
        """The document as DOCX bytes, its zip normalised (reproducible)."""
        buf = io.BytesIO()
        self.doc.save(buf)
        return normalise_zip(buf.getvalue(), first=("[Content_Types].xml",))
