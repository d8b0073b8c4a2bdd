"""Is the print edition press-ready? Holds: what would make a printer stop the job.

A hold is not a defect of the file (the checks pass it): it is a reason the file is a proof and not
the final file for the press. ``make check`` prints each hold on a line of its own and the report
says ``"press_ready": false``; ``make dist`` then bundles the print edition as a proof.

- **FPO box**: the source names no photo file, so the print edition carries a marked box where the
  lead photo goes.
- **Photo resolution**: offset printing wants at least 300 ppi at the printed size. The effective
  resolution of every image placed on a page is read from the PDF itself (poppler's pdfimages, the
  image's pixels over its placed size). Under 300 ppi is a hold; under 225 ppi the reason says the
  photo will print visibly soft.
"""

from __future__ import annotations

from pathlib import Path

from .core import hold, run_tool

#: Offset printing: at least this many pixels per inch at the printed size...
MIN_PPI = 300
#: ...and below this a photo prints visibly soft (between the two: a warning-level hold).
SOFT_PPI = 225


@hold("print", "fpo", "FPO box in place of the lead photo")
def fpo(ctx, path):
    image = ctx.interview.image
    if image is not None and image.path is None:
        return [{"reason": "FPO box in place of the lead photo: the source names no photo file "
                           "(hint: add image.file to the front matter)"}]
    return []


def placed_images(path: Path) -> list[dict]:
    """Every image drawn on a page: page, pixel size and effective x/y ppi (pdfimages -list)."""
    proc = run_tool(["pdfimages", "-list", str(path)], timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"pdfimages failed: {proc.stderr.decode(errors='replace').strip()[:200]}")
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    out = []
    for line in lines[2:]:  # a header and a rule
        cols = line.split()
        if len(cols) < 14 or cols[2] not in ("image", "stencil"):
            continue
        out.append({"page": int(cols[0]), "type": cols[2], "width": int(cols[3]), "height": int(cols[4]),
                    "x_ppi": int(cols[12]), "y_ppi": int(cols[13])})
    return out


@hold("print", "photo-ppi", f"photo resolution at its printed size (at least {MIN_PPI} ppi)")
def photo_resolution(ctx, path):
    holds = []
    for img in placed_images(path):
        if img["type"] != "image":
            continue
        ppi = min(img["x_ppi"], img["y_ppi"])
        if ppi >= MIN_PPI:
            continue
        size = f"{img['width']}×{img['height']} px"
        soft = ppi < SOFT_PPI
        level = f"under {SOFT_PPI} ppi: it will print visibly soft" if soft else f"under {MIN_PPI} ppi"
        holds.append({"reason": f"photo on page {img['page']} is {ppi} ppi at its printed size ({size}), "
                                f"{level} (hint: supply a photo of at least "
                                f"{-(-img['width'] * MIN_PPI // ppi)} px across)",
                      "page": img["page"], "ppi": ppi, "pixels": [img["width"], img["height"]],
                      "severity": "hold" if soft else "warn"})
    return holds


# -- what a RIP shows ------------------------------------------------------------------------

from .core import Outcome, check  # noqa: E402


def cid_problems(pdf, checked: list | None = None) -> list[str]:
    """Embedded CID-keyed CFF fonts (Identity-H) whose codes a RIP would read as other glyphs.

    With Identity-H a code is a CID, which a conforming reader (Ghostscript, Acrobat, a printer's
    RIP) looks up in the CFF's charset; WeasyPrint writes glyph ids. Unless the charset maps each
    CID to the glyph of the same number, text comes out as other glyphs or empty boxes, while
    poppler (which uses the glyph id) shows it right. ISO 14289-1 7.21.8 says the same.
    """
    import io

    from fontTools.ttLib import TTFont

    problems = []
    seen = set()
    for page in pdf.pages:
        fonts = (page.obj.get("/Resources") or {}).get("/Font") or {}
        for _name, font in fonts.items():
            if font.get("/Subtype") != "/Type0" or str(font.get("/Encoding")) != "/Identity-H":
                continue
            for desc in font.get("/DescendantFonts") or []:
                fd = desc.get("/FontDescriptor") or {}
                ff = fd.get("/FontFile3")
                if ff is None or desc.get("/Subtype") != "/CIDFontType0" or ff.objgen in seen:
                    continue
                seen.add(ff.objgen)
                if checked is not None:
                    checked.append(str(desc.get("/BaseFont")))
                data = ff.read_bytes()
                try:
                    if ff.get("/Subtype") == "/OpenType":
                        cff = TTFont(io.BytesIO(data), lazy=True)["CFF "].cff
                    else:
                        from fontTools.cffLib import CFFFontSet

                        cff = CFFFontSet()
                        cff.decompile(io.BytesIO(data), None)
                except Exception as e:  # a font we cannot read is not vouched for
                    problems.append(f"{desc.get('/BaseFont')}: unreadable font program ({type(e).__name__})")
                    continue
                top = cff.topDictIndex[0]
                if not hasattr(top, "ROS"):
                    continue
                charset = list(top.charset)
                off = [i for i, name in enumerate(charset[1:], 1) if name != f"cid{i:05d}"]
                if off:
                    problems.append(f"{desc.get('/BaseFont')}: {len(off)} of {len(charset) - 1} glyphs have a CID other "
                                    f"than their glyph id (a RIP shows other glyphs or empty boxes)")
    return problems


@check("print", "cid", "CJK fonts: a RIP reads each code as the glyph it is")
def cid_fonts(ctx, path):
    import pikepdf

    checked: list[str] = []
    with pikepdf.open(path) as pdf:
        problems = cid_problems(pdf, checked)
    passed = f"{len(checked)} CID-keyed fonts, CID = glyph id in each" if checked else "no CID-keyed font"
    return Outcome.from_problems(problems, passed, {"fonts": checked, "problems": problems})
