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
