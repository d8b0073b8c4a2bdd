"""DOCX writer: the model on the reference template ``styles/reference.docx``.

Like pandoc's ``--reference-doc``: the template holds every style, the footer with its page
number, the footnote separators and the list definitions. The writer empties the template's
body, sets the page of the print edition's trim (``styles/trim/<name>.json``, mirrored
margins) and adds the interview, giving every paragraph and every formatted run a named style;
it defines no style and sets no font size or colour. Per-document data (fonts per script,
figure size) comes from ``styles/docx.json``.

- ``content``: the title block (``titleblock.py``), the blocks and inlines as paragraphs and
  runs, the footnotes, the running head;
- ``template``: the reference template, its page set-up, language and direction, and the
  removal of what Word adds to a saved template;
- ``ooxml``: low-level WordprocessingML (elements, lengths, text, bookmarks, core properties);
- ``pressroom.docprops`` (shared with the importer): the custom document properties
  (``docProps/custom.xml``) that ``pressroom import`` reads back.

With ``translate_to`` (``pressroom docx --translate-to fr``, ``make kit LANG=fr``) the document
is the translator's copy: the same text, set in the target language (see ``for_translation``).

The output is reproducible: core dates are the source's date, there are no rsids or
timestamps, and the zip is normalised (``package.normalise_zip``).
"""

from __future__ import annotations

import dataclasses

from ... import docprops
from ... import model as m
from ...styles import Styles
from .content import Writer
from .ooxml import CORE_PROPERTY_MAX, clean, core_properties
from .template import CHAR_STYLE_IDS, STYLE_IDS, TABLE_STYLE_IDS, Template, load_data

__all__ = ["write", "clean", "CORE_PROPERTY_MAX", "STYLE_IDS", "CHAR_STYLE_IDS", "TABLE_STYLE_IDS"]


def write(interview: m.Interview, styles: Styles, trim: str | None = None,
          translate_to: str | None = None) -> bytes:
    """The interview as DOCX bytes, on the page of the print edition's ``trim`` (a preset in
    ``styles/trim/``; default: ``styles/docx.json``'s); with ``translate_to`` (a BCP 47 tag), the
    translator's copy in that language (``for_translation``)."""
    if translate_to:
        interview = for_translation(interview, translate_to)
    data = load_data(styles)
    trim = trim or data.get("trim", "a4")
    # A small page gets a smaller photo (styles/docx.json "figure" "by_trim"), so that the title
    # block still starts on the first page beside it.
    figure = dict(data["figure"])
    figure.update(figure.pop("by_trim", {}).get(trim, {}))
    data = {**data, "figure": figure}
    strings = styles.strings(interview.meta.lang)
    template = Template(styles)
    writer = Writer(interview, strings, data, template)
    template.empty_body()
    template.page(styles.trim(trim))
    writer.build()
    template.sanitise()
    if writer.rtl:
        template.right_to_left()
    template.language(interview.meta.lang, writer.rtl, data)
    core_properties(template.doc.core_properties, interview)
    # The front matter values that the text does not show exactly, for pressroom import.
    template.custom_properties(docprops.properties_xml(interview))
    return template.save()


def for_translation(interview: m.Interview, lang: str) -> m.Interview:
    """The interview as the translator gets it (``make kit``): the original's text, with the
    target language ``lang`` wherever the writer sets one (the document's language for spelling
    and hyphenation, its direction, the words pressroom writes, the core and custom properties),
    and no identifier or address: a translation is another edition, which gets its own (and
    the editions it sits beside are found when it comes back as a source)."""
    meta = dataclasses.replace(interview.meta, lang=lang, identifier="", url="")
    return dataclasses.replace(interview, meta=meta, editions=())
