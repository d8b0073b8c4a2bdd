#!/usr/bin/env python3
"""Make the shipped Simplified Chinese fonts from the full Noto CJK collections.

    .venv/bin/python styles/fonts/cjk/subset_cjk.py [--from DIR] [--full] [--extra-text FILE ...]

Reads the Debian ``fonts-noto-cjk`` collections (``Noto{Serif,Sans}CJK-{Regular,Bold}.ttc``,
SIL OFL 1.1), takes the Simplified Chinese face (``... CJK SC``) of each, subsets it to the
coverage below and writes ``styles/fonts/cjk/NotoSerifCJKscGB-*.otf`` and
``NotoSansCJKscGB-*.otf``. The output is deterministic for a given input.

Coverage (the default):
- every character of GB 2312 (6763 hanzi, plus its punctuation, symbols, full-width
  forms, kana, Greek, Cyrillic and box drawing), as Python's ``gb2312`` codec decodes them;
- Basic Latin and Latin-1, General Punctuation U+2000-206F, CJK Symbols and Punctuation
  U+3000-303F, vertical forms U+FE10-FE1F, CJK compatibility forms U+FE30-FE4F and
  Halfwidth and Fullwidth Forms U+FF00-FFEF;
- every character of the files given with ``--extra-text`` (for a name or a rare
  hanzi outside GB 2312: add it there and run the script again).
OpenType features kept: kerning, marks, ligatures, vertical forms (``vert``/``vrt2``),
full/half/proportional widths and the punctuation-spacing features (``halt``, ``palt``,
``vhal``, ``vpal``). Dropped: ``locl`` (the Japanese, Korean and Traditional Chinese glyph
variants, which would double the size), ``aalt``, ``dlig``, ``hist``, ``ruby``, ``vjmo``.

``--full`` writes the whole SC face without subsetting (about 15-25 MB per file): use it to
set text with characters beyond GB 2312 without listing them. The family and PostScript
names get a ``GB`` suffix in both cases, so the shipped fonts can never be confused with a
system-installed Noto CJK (the test suite checks that every PDF embeds only shipped fonts).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = Path(__file__).resolve().parent
DEBIAN = Path("/usr/share/fonts/opentype/noto")
#: (collection, output stem, family, style); the SC face is found by its name.
FACES = [
    ("NotoSerifCJK-Regular.ttc", "NotoSerifCJKscGB-Regular", "Noto Serif CJK SC GB", "Regular"),
    ("NotoSerifCJK-Bold.ttc", "NotoSerifCJKscGB-Bold", "Noto Serif CJK SC GB", "Bold"),
    ("NotoSansCJK-Regular.ttc", "NotoSansCJKscGB-Regular", "Noto Sans CJK SC GB", "Regular"),
    ("NotoSansCJK-Bold.ttc", "NotoSansCJKscGB-Bold", "Noto Sans CJK SC GB", "Bold"),
]
FEATURES = ["ccmp", "liga", "kern", "mark", "mkmk", "vert", "vrt2", "vkrn", "fwid", "hwid", "pwid",
            "halt", "palt", "vhal", "vpal"]
RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFE10, 0xFE1F),
          (0xFE30, 0xFE4F), (0xFF00, 0xFFEF)]


def gb2312() -> set[int]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def coverage(extra_files=()) -> set[int]:
    chars = gb2312()
    for a, b in RANGES:
        chars.update(range(a, b + 1))
    for f in extra_files:
        chars.update(ord(c) for c in Path(f).read_text(encoding="utf-8") if not c.isspace())
    return chars


def sc_face(collection: Path):
    ttc = TTCollection(str(collection))
    for font in ttc.fonts:
        name = font["name"].getDebugName(1) or ""
        if name.endswith("CJK SC") and "Mono" not in name:
            return font
    raise SystemExit(f"{collection}: no Simplified Chinese face")


def rename(font, family: str, style: str, ps: str) -> None:
    name = font["name"]
    full = f"{family} {style}" if style != "Regular" else family
    for rec in list(name.names):
        if rec.nameID in (16, 17, 21, 22):
            name.removeNames(nameID=rec.nameID)
    for nid, value in ((1, family), (2, style), (3, f"{ps};pressroom-subset"), (4, full), (6, ps)):
        name.setName(value, nid, 3, 1, 0x409)
        name.setName(value, nid, 1, 0, 0)
    cff = font["CFF "].cff
    cff.fontNames = [ps]
    top = cff.topDictIndex[0]
    top.FullName = full
    top.FamilyName = family


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--from", dest="src", type=Path, default=DEBIAN, help="folder of the Noto CJK .ttc files")
    p.add_argument("--full", action="store_true", help="keep every glyph (no subsetting)")
    p.add_argument("--extra-text", action="append", default=[], help="add every character of this UTF-8 file")
    p.add_argument("--out", type=Path, default=HERE)
    args = p.parse_args(argv)
    chars = coverage(args.extra_text)
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor() as pool:
        for line in pool.map(make, [(args, chars, *face) for face in FACES]):
            print(line)


def make(job) -> str:
    args, chars, ttc, stem, family, style = job
    font = sc_face(args.src / ttc)
    if not args.full:
        opts = subset.Options()
        opts.layout_features = FEATURES
        opts.name_IDs = ["*"]
        opts.name_languages = ["*"]
        opts.name_legacy = True
        opts.notdef_outline = True
        opts.glyph_names = False
        opts.hinting = True
        opts.desubroutinize = False
        opts.recalc_timestamp = False
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=sorted(chars))
        sub.subset(font)
    rename(font, family, style, stem)
    out = args.out / f"{stem}.otf"
    font.save(str(out))
    cmap = font.getBestCmap()
    return f"{out.name}: {len(cmap)} characters, {len(font.getGlyphOrder())} glyphs, {out.stat().st_size // 1024} KiB"


if __name__ == "__main__":
    main()
