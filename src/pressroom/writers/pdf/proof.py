"""Proofs: the contact sheet of a PDF's pages (``make proof``)."""

from __future__ import annotations

import sys
from pathlib import Path


from ...errors import BuildError


# -- proofs ---------------------------------------------------------------------------------

def contact_sheet(pngs: list[Path], out: Path, columns: int = 4, width: int = 360) -> None:
    """One PNG with every page (the PNGs that ``pdftoppm`` rendered), in order, labelled."""
    from PIL import Image, ImageDraw

    thumbs = []
    for png in pngs:
        with Image.open(png) as im:
            im = im.convert("RGB")
            im.thumbnail((width, width * 2))
            thumbs.append((png.stem, im))
    if not thumbs:
        raise BuildError("no pages to put on the contact sheet")
    cell_w = max(t.width for _, t in thumbs) + 24
    cell_h = max(t.height for _, t in thumbs) + 40
    rows = (len(thumbs) + columns - 1) // columns
    sheet = Image.new("RGB", (cell_w * min(columns, len(thumbs)), cell_h * rows), (214, 214, 210))
    draw = ImageDraw.Draw(sheet)
    for i, (name, im) in enumerate(thumbs):
        x, y = (i % columns) * cell_w + 12, (i // columns) * cell_h + 12
        sheet.paste(im, (x, y))
        draw.rectangle((x - 1, y - 1, x + im.width, y + im.height), outline=(120, 120, 120))
        draw.text((x, y + im.height + 6), name, fill=(30, 30, 30))
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, format="PNG")


def _main(argv: list[str]) -> int:
    """``python -m pressroom.writers.pdf contact-sheet OUT.png PAGE.png...`` (used by make proof)."""
    if len(argv) < 3 or argv[0] != "contact-sheet":
        print("usage: python -m pressroom.writers.pdf contact-sheet OUT.png PAGE.png...", file=sys.stderr)
        return 2
    contact_sheet([Path(a) for a in argv[2:]], Path(argv[1]))
    return 0


