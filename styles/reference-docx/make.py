#!/usr/bin/env python3
"""Build ``styles/reference.docx``: the DOCX writer's reference template.

Like pandoc's ``--reference-doc``, the template holds every style the writer
uses, the page set-up, the footer with its page number, the footnote
separators and the list definitions. The writer (src/pressroom/writers/docx.py)
opens it, empties the body, and adds the interview; it never defines a style.

Editors restyle every DOCX by editing the template's styles in Word or
LibreOffice (Modify Style...) and saving it back as ``styles/reference.docx``,
or by editing the style table below and running this script again:

    .venv/bin/python styles/reference-docx/make.py

The package is written from scratch, not derived from python-docx's default
template, so it carries none of its boilerplate (thumbnail, customXml,
stylesWithEffects, "python-docx" as creator, rsids, theme fonts). Fonts are
the project's Noto Serif and Noto Sans (styles/docx.json); page size and
margins are read from styles/trim/a4.css, the print edition's trim (the writer
reads that file again at build time, so outputs follow it even before the
template is rebuilt). The zip is
written with fixed timestamps, so running the script twice gives the same bytes.

The body holds one sample paragraph per style, so opening the template shows
what each style looks like.
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
STYLES = HERE.parent
OUT = STYLES / "reference.docx"
sys.path.insert(0, str(STYLES.parent / "src"))

from pressroom.package import normalise_zip  # noqa: E402

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'

DATA = json.loads((STYLES / "docx.json").read_text(encoding="utf-8"))
SERIF = DATA["families"]["serif"]
SANS = DATA["families"]["sans"]
MONO = DATA["families"]["mono"]  # inline code (issue 14)
CS = DATA["default_script_fonts"]["cs"]
EA = DATA["default_script_fonts"]["eastAsia"]

# Colours (RGB, from styles/screen.css): accent, rules, secondary text.
ACCENT = "005E9A"
RULE = "969696"
GREY = "5A5A5A"


def mm(v: float) -> int:
    """Millimetres to twentieths of a point (twips)."""
    return round(v / 25.4 * 1440)


def pt(v: float) -> int:
    """Points to twips."""
    return round(v * 20)


# --------------------------------------------------------------------------
# Page: the print edition's trim (styles/trim/a4.css).

def page_from_css(css: str) -> dict:
    """Trim size and recto margins, read by the writer's own parser (the writer
    reads them again at build time, so outputs follow later changes to the CSS)."""
    from pressroom.writers.docx import page_geometry

    g = page_geometry(css)
    return {"w": g["width"], "h": g["height"], "top": g["top"], "outside": g["outside"],
            "bottom": g["bottom"], "inside": g["inside"]}


PAGE = page_from_css((STYLES / "trim" / f'{DATA.get("trim", "a4")}.css').read_text(encoding="utf-8"))
TEXT_WIDTH = mm(PAGE["w"] - PAGE["inside"] - PAGE["outside"])

# --------------------------------------------------------------------------
# XML helpers that write children in the order the schema requires.

PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
             "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
             "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
             "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
             "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr"]
RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
             "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
             "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
             "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"]


def el(tag: str, attrs: dict | None = None, inner: str = "") -> str:
    a = "".join(f" w:{k}={quoteattr(str(v))}" for k, v in (attrs or {}).items())
    return f"<w:{tag}{a}/>" if not inner else f"<w:{tag}{a}>{inner}</w:{tag}>"


def props(tag: str, order: list[str], items: dict) -> str:
    """items: child tag -> attrs dict, or a raw XML string (inner) for complex children."""
    if not items:
        return ""
    unknown = set(items) - set(order)
    assert not unknown, unknown
    kids = []
    for name in order:
        if name in items:
            v = items[name]
            kids.append(el(name, inner=v) if isinstance(v, str) else el(name, v))
    return el(tag, inner="".join(kids))


def fonts(family: str) -> dict:
    kind = "serif" if family == SERIF else "sans"  # the monospace's other scripts: the sans
    return {"ascii": family, "hAnsi": family, "eastAsia": EA[kind], "cs": CS[kind]}


def size(points: float) -> dict:
    hp = round(points * 2)
    return {"sz": {"val": hp}, "szCs": {"val": hp}}


def line(factor: float, before: float = 0, after: float = 0) -> dict:
    return {"spacing": {"before": pt(before), "after": pt(after), "line": round(240 * factor), "lineRule": "auto"}}


ON = {}

# --------------------------------------------------------------------------
# The styles. (type, id, name, based on, next, pPr items, rPr items, extra)
# Names in lower case ("footnote text", "caption", "header") are Word's own
# built-in names; Word shows them capitalised.

PARA, CHAR = "paragraph", "character"

STYLE_TABLE = [
    # Paragraph styles
    (PARA, "Normal", "Normal", None, None,
     {"widowControl": ON, **line(1.45)},
     {"rFonts": fonts(SERIF), **size(10.5)}),
    (PARA, "Kicker", "Kicker", "Normal", "Title",
     {"keepNext": ON, "suppressAutoHyphens": ON, **line(1.2, after=9)},
     {"rFonts": fonts(SANS), "b": ON, "bCs": ON, "caps": ON, "color": {"val": ACCENT},
      "spacing": {"val": 20}, **size(8.5)}),
    (PARA, "Title", "Title", "Normal", "Subtitle",
     {"keepNext": ON, "keepLines": ON, "suppressAutoHyphens": ON, **line(1.08, before=4, after=8),
      "outlineLvl": {"val": 0}},
     {"rFonts": fonts(SANS), "b": ON, "bCs": ON, "spacing": {"val": -6}, "kern": {"val": 28}, **size(30)}),
    (PARA, "Subtitle", "Subtitle", "Normal", "Byline",
     {"keepNext": ON, "suppressAutoHyphens": ON, **line(1.35, after=9)},
     {"rFonts": fonts(SERIF), **size(13.5)}),
    (PARA, "Interviewee", "Interviewee", "Normal", "Byline",
     {"keepNext": ON, "suppressAutoHyphens": ON, **line(1.3, after=6)},
     {"rFonts": fonts(SANS), **size(9.5)}),
    (PARA, "Byline", "Byline", "Normal", "Intro",
     {"suppressAutoHyphens": ON, **line(1.3, after=22)},
     {"rFonts": fonts(SANS), **size(8.5)}),
    (PARA, "Figure", "Figure", "Normal", "Caption",
     {"keepNext": ON, "suppressAutoHyphens": ON, "spacing": {"before": 0, "after": 0, "line": 240, "lineRule": "auto"},
      "jc": {"val": "center"}},
     {}),
    (PARA, "FPO", "FPO Placeholder", "Normal", None,
     {"keepNext": ON, "suppressAutoHyphens": ON, **line(1.2), "jc": {"val": "center"}},
     {"rFonts": fonts(SANS), "b": ON, "bCs": ON, "caps": ON, "spacing": {"val": 18}, **size(11)}),
    (PARA, "Caption", "caption", "Normal", "Title",
     {"suppressAutoHyphens": ON, **line(1.35, before=5, after=14)},
     {"rFonts": fonts(SANS), **size(7.5)}),
    # Text is set ragged right (aligned to its start), hyphenated in the document's language
    # (w:autoHyphenation in settings): Word and LibreOffice justify without the print edition's
    # spacing limits, and their justified lines came out with word gaps of nearly three spaces.
    (PARA, "Intro", "Intro", "Normal", "IntroContinued",
     {},
     {}),
    (PARA, "IntroContinued", "Intro Continued", "Intro", "IntroContinued",
     {"ind": {"firstLine": pt(12.5)}},
     {}),
    (PARA, "Question", "Question", "Normal", "Answer",
     {"keepNext": ON, "keepLines": ON, "suppressAutoHyphens": ON, **line(1.35, before=12, after=5),
      "outlineLvl": {"val": 1}},
     {"rFonts": fonts(SANS), "b": ON, "bCs": ON, "color": {"val": ACCENT}, **size(10.5)}),
    (PARA, "Answer", "Answer", "Normal", "AnswerContinued",
     {},
     {}),
    (PARA, "AnswerContinued", "Answer Continued", "Answer", "AnswerContinued",
     {"ind": {"firstLine": pt(12.5)}},
     {}),
    (PARA, "BlockText", "Block Text", "Normal", None,
     {**line(1.4, before=6, after=6), "ind": {"left": pt(16), "right": pt(16)}},
     {**size(10)}),
    (PARA, "Attribution", "Attribution", "BlockText", None,
     {"keepLines": ON, "suppressAutoHyphens": ON, **line(1.4, before=0, after=6), "jc": {"val": "right"}},
     {"i": ON, "iCs": ON}),
    (PARA, "ListBullet", "List Bullet", "Normal", None,
     {"numPr": el("numId", {"val": 1}), **line(1.45, before=2, after=2)},
     {}),
    (PARA, "ListNumber", "List Number", "Normal", None,
     {"numPr": el("numId", {"val": 2}), **line(1.45, before=2, after=2)},
     {}),
    (PARA, "ListContinue", "List Continue", "Normal", None,
     {**line(1.45, before=2, after=2), "ind": {"left": mm(7)}},
     {}),
    (PARA, "InterviewerNote", "Interviewer Note", "Normal", None,
     {"keepLines": ON, "pBdr": el("top", {"val": "single", "sz": 4, "space": 6, "color": RULE}),
      **line(1.35, before=22)},
     {"i": ON, "iCs": ON, **size(8.5)}),
    (PARA, "FootnoteText", "footnote text", "Normal", None,
     {"suppressAutoHyphens": ON, **line(1.3, after=2)},
     {**size(8)}),
    (PARA, "Header", "header", "Normal", None,
     {"tabs": el("tab", {"val": "right", "pos": TEXT_WIDTH}), "suppressAutoHyphens": ON, **line(1.2)},
     {"rFonts": fonts(SANS), **size(7.5)}),
    (PARA, "Footer", "footer", "Normal", None,
     {"suppressAutoHyphens": ON, **line(1.2), "jc": {"val": "center"}},
     {"rFonts": fonts(SANS), **size(8)}),
    # Character styles
    (CHAR, "DefaultParagraphFont", "Default Paragraph Font", None, None, {}, {}),
    (CHAR, "Emphasis", "Emphasis", "DefaultParagraphFont", None, {}, {"i": ON, "iCs": ON}),
    (CHAR, "Strong", "Strong", "DefaultParagraphFont", None, {}, {"b": ON, "bCs": ON}),
    (CHAR, "StrongEmphasis", "Strong Emphasis", "DefaultParagraphFont", None, {},
     {"b": ON, "bCs": ON, "i": ON, "iCs": ON}),
    (CHAR, "Code", "Code", "DefaultParagraphFont", None, {},
     {"rFonts": fonts(MONO), **size(9)}),
    (CHAR, "Superior", "Superior Letters", "DefaultParagraphFont", None, {},
     {"vertAlign": {"val": "superscript"}}),
    (CHAR, "Hyperlink", "Hyperlink", "DefaultParagraphFont", None, {},
     {"color": {"val": ACCENT}, "u": {"val": "single"}}),
    (CHAR, "FootnoteReference", "footnote reference", "DefaultParagraphFont", None, {},
     {"vertAlign": {"val": "superscript"}}),
    (CHAR, "Interviewer", "Interviewer", "DefaultParagraphFont", None, {},
     {"b": ON, "bCs": ON}),
    (CHAR, "IntervieweeName", "Interviewee Name", "DefaultParagraphFont", None, {},
     {"b": ON, "bCs": ON}),
    (CHAR, "HeaderPublication", "Header Publication", "DefaultParagraphFont", None, {},
     {"b": ON, "bCs": ON}),
    (CHAR, "Credit", "Credit", "DefaultParagraphFont", None, {},
     {"color": {"val": GREY}}),
    (CHAR, "HeaderSection", "Header Section", "DefaultParagraphFont", None, {},
     {"b": ON, "bCs": ON, "caps": ON, "color": {"val": ACCENT}, "spacing": {"val": 15}}),
]

# Styles Word's UI offers prominently (Quick Styles gallery), in order.
QUICK = ["Kicker", "Title", "Subtitle", "Interviewee", "Byline", "Intro", "IntroContinued", "Question", "Answer",
         "AnswerContinued", "BlockText", "Attribution", "InterviewerNote", "Caption", "Credit", "Emphasis",
         "Strong"]


def style_xml(entry) -> str:
    kind, sid, name, based, nxt, ppr, rpr = entry
    attrs = {"type": kind, "styleId": sid}
    if sid in ("Normal", "DefaultParagraphFont"):
        attrs["default"] = 1
    inner = el("name", {"val": name})
    if based:
        inner += el("basedOn", {"val": based})
    if nxt:
        inner += el("next", {"val": nxt})
    if sid == "DefaultParagraphFont":
        inner += el("uiPriority", {"val": 1}) + el("semiHidden") + el("unhideWhenUsed")
    else:
        prio = QUICK.index(sid) + 1 if sid in QUICK else 40
        inner += el("uiPriority", {"val": prio})
        if sid in QUICK or sid == "Normal":
            inner += el("qFormat")
    if kind == PARA:
        inner += props("pPr", PPR_ORDER, ppr)
    inner += props("rPr", RPR_ORDER, rpr)
    return el("style", attrs, inner)


TABLE_STYLES = (
    # Word's default table style, and the frame of the FPO placeholder.
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
    '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
    '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
    '</w:tblCellMar></w:tblPr></w:style>'
    '<w:style w:type="table" w:styleId="FPOFrame"><w:name w:val="FPO Frame"/><w:basedOn w:val="TableNormal"/>'
    '<w:uiPriority w:val="60"/>'
    '<w:tblPr><w:tblBorders>'
    f'<w:top w:val="dashed" w:sz="6" w:space="0" w:color="auto"/>'
    f'<w:left w:val="dashed" w:sz="6" w:space="0" w:color="auto"/>'
    f'<w:bottom w:val="dashed" w:sz="6" w:space="0" w:color="auto"/>'
    f'<w:right w:val="dashed" w:sz="6" w:space="0" w:color="auto"/>'
    '</w:tblBorders></w:tblPr>'
    '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="EBEBEB"/><w:vAlign w:val="center"/></w:tcPr>'
    '</w:style>'
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
)


def styles_xml() -> str:
    defaults = (
        "<w:docDefaults><w:rPrDefault>"
        + props("rPr", RPR_ORDER, {"rFonts": fonts(SERIF), **size(10.5),
                                   "lang": {"val": "en-US", "eastAsia": "zh-CN", "bidi": "ar-SA"}})
        + "</w:rPrDefault><w:pPrDefault>"
        + props("pPr", PPR_ORDER, line(1.45))
        + "</w:pPrDefault></w:docDefaults>"
    )
    body = "".join(style_xml(s) for s in STYLE_TABLE)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {NS}>'
            + defaults + body + TABLE_STYLES + "</w:styles>")


# --------------------------------------------------------------------------
# Lists: one bullet and one decimal definition (nine levels each).

BULLETS = ["\u2022", "\u2013", "\u25e6"]


def numbering_xml() -> str:
    def levels(fmt: str) -> str:
        out = []
        for lvl in range(9):
            left = mm(6.5 * (lvl + 1))
            if fmt == "bullet":
                num = el("numFmt", {"val": "bullet"}) + el("lvlText", {"val": BULLETS[lvl % 3]})
            else:
                num = el("numFmt", {"val": ["decimal", "lowerLetter", "lowerRoman"][lvl % 3]}) + \
                      el("lvlText", {"val": f"%{lvl + 1}."})
            out.append(el("lvl", {"ilvl": lvl},
                          el("start", {"val": 1}) + num + el("lvlJc", {"val": "left"})
                          + el("pPr", inner=el("ind", {"left": left, "hanging": mm(5)}))))
        return "".join(out)

    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering {NS}>'
            + el("abstractNum", {"abstractNumId": 1}, el("multiLevelType", {"val": "hybridMultilevel"}) + levels("bullet"))
            + el("abstractNum", {"abstractNumId": 2}, el("multiLevelType", {"val": "hybridMultilevel"}) + levels("decimal"))
            + el("num", {"numId": 1}, el("abstractNumId", {"val": 1}))
            + el("num", {"numId": 2}, el("abstractNumId", {"val": 2}))
            + "</w:numbering>")


# --------------------------------------------------------------------------


def settings_xml() -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings {NS}>'
            '<w:zoom w:percent="100"/>'
            '<w:mirrorMargins/>'
            '<w:defaultTabStop w:val="709"/>'
            '<w:autoHyphenation/>'
            '<w:hyphenationZone w:val="357"/>'
            '<w:doNotHyphenateCaps/>'
            '<w:characterSpacingControl w:val="doNotCompress"/>'
            '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
            '<w:compat><w:doNotExpandShiftReturn/><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
            '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
            '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
            '</w:settings>')


def font_table_xml() -> str:
    fams = [(SERIF, "roman"), (SANS, "swiss"), (CS["serif"], "roman"), (CS["sans"], "swiss"),
            (EA["serif"], "roman"), (EA["sans"], "swiss")]
    body = "".join(el("font", {"name": n}, el("family", {"val": f}) + el("pitch", {"val": "variable"}))
                   for n, f in fams)
    # Fixed pitch, family "modern": where Noto Sans Mono is missing, Word and LibreOffice
    # substitute another monospace, not a proportional face.
    body += el("font", {"name": MONO}, el("family", {"val": "modern"}) + el("pitch", {"val": "fixed"}))
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts {NS}>{body}</w:fonts>'


def footnotes_xml() -> str:
    def sep(i: int, kind: str, mark: str) -> str:
        return (f'<w:footnote w:type="{kind}" w:id="{i}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/>'
                f'<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:{mark}/></w:r></w:p></w:footnote>')

    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {NS}>'
            + sep(-1, "separator", "separator") + sep(0, "continuationSeparator", "continuationSeparator")
            + "</w:footnotes>")


def header_xml() -> str:
    # Filled by the writer: the section label, a tab, the title.
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {NS}>'
            '<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr></w:p></w:hdr>')


def footer_xml() -> str:
    # The page number: a PAGE field with "1" as its cached result.
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr {NS}>'
            '<w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:t>1</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            '</w:p></w:ftr>')


def theme_xml() -> str:
    """A minimal theme (Word requires the part). Its fonts are the project's; the
    styles name their fonts directly, so editing the theme changes no style."""
    def srgb(name, val):
        return f'<a:{name}><a:srgbClr val="{val}"/></a:{name}>'

    colours = "".join([
        '<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>',
        '<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>',
        srgb("dk2", "1A1A1A"), srgb("lt2", "EBEBEB"), srgb("accent1", ACCENT), srgb("accent2", "5A5A5A"),
        srgb("accent3", "969696"), srgb("accent4", "7F7F7F"), srgb("accent5", "BFBFBF"), srgb("accent6", "404040"),
        srgb("hlink", ACCENT),
        srgb("folHlink", "5A2D82"),
    ])

    def font(kind):
        return (f'<a:latin typeface="{SANS if kind == "major" else SERIF}"/><a:ea typeface=""/><a:cs typeface=""/>')

    solid = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="6350">{solid}</a:ln>'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="pressroom">'
        f'<a:themeElements><a:clrScheme name="pressroom">{colours}</a:clrScheme>'
        f'<a:fontScheme name="pressroom"><a:majorFont>{font("major")}</a:majorFont>'
        f'<a:minorFont>{font("minor")}</a:minorFont></a:fontScheme>'
        '<a:fmtScheme name="pressroom">'
        f'<a:fillStyleLst>{solid * 3}</a:fillStyleLst>'
        f'<a:lnStyleLst>{line * 3}</a:lnStyleLst>'
        f'<a:effectStyleLst>{"<a:effectStyle><a:effectLst/></a:effectStyle>" * 3}</a:effectStyleLst>'
        f'<a:bgFillStyleLst>{solid * 3}</a:bgFillStyleLst>'
        '</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>'
    )


def sample_body() -> str:
    def p(style: str, text: str, runs: str = "") -> str:
        return (f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
                f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>{runs}</w:p>')

    def r(style: str, text: str) -> str:
        return f'<w:r><w:rPr><w:rStyle w:val="{style}"/></w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'

    return "".join([
        p("Kicker", "Kicker"),
        p("FPO", "FPO Placeholder"),
        p("Caption", "Caption ", r("Credit", "Credit")),
        p("Title", "Title"),
        p("Subtitle", "Subtitle: the standfirst"),
        p("Interviewee", "Interviewee: Interview with ", r("IntervieweeName", "Interviewee Name")),
        p("Byline", "Byline: Interview by ", r("Interviewer", "Interviewer") + r("Interviewer", "*")),
        p("Intro", "Intro: the first paragraph before the questions."),
        p("IntroContinued", "Intro Continued: the paragraphs after it."),
        p("Question", "Question"),
        p("Answer", "Answer: the first paragraph of an answer, with ",
          r("Emphasis", "Emphasis") + r("Strong", " Strong") + r("StrongEmphasis", " Strong Emphasis")
          + r("Code", " Code") + r("Hyperlink", " Hyperlink") + r("FootnoteReference", "1")),
        p("AnswerContinued", "Answer Continued: the paragraphs after it, such as the 1",
          r("Superior", "er") + '<w:r><w:t xml:space="preserve"> of French, in Superior Letters.</w:t></w:r>'),
        p("BlockText", "Block Text: a quotation."),
        p("Attribution", "\u2014\u00a0Attribution: who said it"),
        p("ListBullet", "List Bullet"),
        p("ListNumber", "List Number"),
        p("ListContinue", "List Continue: a second paragraph in a list item."),
        p("InterviewerNote", "* Interviewer Note"),
        p("FootnoteText", "Footnote Text"),
    ])


def document_xml() -> str:
    sect = (
        '<w:sectPr>'
        '<w:headerReference w:type="default" r:id="rIdHeaderDefault"/>'
        '<w:headerReference w:type="first" r:id="rIdHeaderFirst"/>'
        '<w:footerReference w:type="default" r:id="rIdFooterDefault"/>'
        '<w:footerReference w:type="first" r:id="rIdFooterFirst"/>'
        f'<w:pgSz w:w="{mm(PAGE["w"])}" w:h="{mm(PAGE["h"])}"/>'
        f'<w:pgMar w:top="{mm(PAGE["top"])}" w:right="{mm(PAGE["outside"])}" w:bottom="{mm(PAGE["bottom"])}" '
        f'w:left="{mm(PAGE["inside"])}" w:header="{mm(11)}" w:footer="{mm(12)}" w:gutter="0"/>'
        '<w:cols w:space="720"/>'
        '<w:titlePg/>'
        '<w:docGrid w:linePitch="360"/>'
        '</w:sectPr>'
    )
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NS}><w:body>'
            + sample_body() + sect + "</w:body></w:document>")


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"""

RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOC_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="{RT}/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="{RT}/settings" Target="settings.xml"/><Relationship Id="rIdFontTable" Type="{RT}/fontTable" Target="fontTable.xml"/><Relationship Id="rIdNumbering" Type="{RT}/numbering" Target="numbering.xml"/><Relationship Id="rIdTheme" Type="{RT}/theme" Target="theme/theme1.xml"/><Relationship Id="rIdFootnotes" Type="{RT}/footnotes" Target="footnotes.xml"/><Relationship Id="rIdHeaderDefault" Type="{RT}/header" Target="header1.xml"/><Relationship Id="rIdHeaderFirst" Type="{RT}/header" Target="header2.xml"/><Relationship Id="rIdFooterDefault" Type="{RT}/footer" Target="footer1.xml"/><Relationship Id="rIdFooterFirst" Type="{RT}/footer" Target="footer2.xml"/></Relationships>"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>pressroom reference document</dc:title><dc:creator>pressroom</dc:creator><cp:lastModifiedBy>pressroom</cp:lastModifiedBy><cp:revision>1</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">2023-01-01T00:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2023-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>pressroom</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"""


def build() -> bytes:
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "docProps/core.xml": CORE,
        "docProps/app.xml": APP,
        "word/document.xml": document_xml(),
        "word/_rels/document.xml.rels": DOC_RELS,
        "word/styles.xml": styles_xml(),
        "word/settings.xml": settings_xml(),
        "word/fontTable.xml": font_table_xml(),
        "word/numbering.xml": numbering_xml(),
        "word/footnotes.xml": footnotes_xml(),
        "word/theme/theme1.xml": theme_xml(),
        "word/header1.xml": header_xml(),
        "word/header2.xml": header_xml(),
        "word/footer1.xml": footer_xml(),
        "word/footer2.xml": footer_xml(),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    return normalise_zip(buf.getvalue(), first=("[Content_Types].xml",))


if __name__ == "__main__":
    data = build()
    OUT.write_bytes(data)
    print(f"wrote {OUT} ({len(data)} bytes)")
