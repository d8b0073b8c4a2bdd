"""Every photo Pillow can open is placed right, or refused with one line (issue 19): 1-bit,
grey 8 and 16 bits, palette with alpha, LA, RGB 16 bits, CMYK JPEG, a JPEG with no JFIF or Exif
marker, a phone's MPO, EXIF orientation (also in the DOCX), a PNG with a damaged ICC profile."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageStat
from pikepdf import PdfImage

from conftest import build, run_cli

W, H = 240, 160


def _png16(path: Path, channels: int) -> None:
    """A 16-bit PNG (grey or RGB) written by hand: a dark left half, a light right half."""
    rows = []
    for _y in range(H):
        row = b"\0"
        for x in range(W):
            v = 12000 if x < W // 2 else 52000
            row += struct.pack(">" + "H" * channels, *([v] * channels))
        rows.append(row)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    colour = 0 if channels == 1 else 2
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 16, colour, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")
    path.write_bytes(png)


def _halves(mode: str, dark, light) -> Image.Image:
    im = Image.new(mode, (W, H), light)
    im.paste(Image.new(mode, (W // 2, H), dark), (0, 0))
    return im


def make_photo(kind: str, d: Path) -> Path:
    if kind == "grey16":
        _png16(d / "p.png", 1)
        return d / "p.png"
    if kind == "rgb16":
        _png16(d / "p.png", 3)
        return d / "p.png"
    if kind == "1bit":
        _halves("1", 0, 1).save(d / "p.png")
    elif kind == "grey8":
        _halves("L", 47, 203).save(d / "p.png")
    elif kind == "LA":
        _halves("LA", (47, 255), (203, 255)).save(d / "p.png")
    elif kind == "P-alpha":
        im = _halves("RGB", (47, 47, 47), (203, 203, 203)).convert("P")
        im.info["transparency"] = 255
        im.save(d / "p.png", transparency=0 if False else None)
    elif kind == "cmyk-jpeg":
        _halves("CMYK", (0, 0, 0, 210), (0, 0, 0, 50)).save(d / "p.jpg", quality=95)
        return d / "p.jpg"
    elif kind in ("bare-jpeg", "mpo", "rotated"):
        im = _halves("RGB", (47, 47, 47), (203, 203, 203))
        if kind == "mpo":
            im.save(d / "p.jpg", format="MPO", save_all=True, append_images=[im.copy()], quality=95)
        elif kind == "rotated":
            exif = Image.Exif()
            exif[0x0112] = 6  # shown turned a quarter clockwise
            im.save(d / "p.jpg", quality=95, exif=exif)
        else:
            buf = io.BytesIO()
            im.save(buf, format="JPEG", quality=95)
            data = buf.getvalue()
            # Drop the APP0 (JFIF) segment: a valid JPEG that python-docx's header reader rejects.
            assert data[2:4] == b"\xff\xe0"
            seg = struct.unpack(">H", data[4:6])[0]
            (d / "p.jpg").write_bytes(data[:2] + data[4 + seg:])
        return d / "p.jpg"
    return d / "p.png"


SOURCE = """---
title: Photo modes
date: 2024-05-01
lang: en
publisher: UN Today
image:
  file: {file}
  alt: Two grey halves, dark on the left.
  caption: A test photo
  credit: © Test
---

## A question?

An answer.
"""

KINDS = ["1bit", "grey8", "grey16", "LA", "P-alpha", "rgb16", "cmyk-jpeg", "bare-jpeg", "mpo", "rotated"]


def _placed(pdf: Path) -> Image.Image:
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            for _name, obj in page.images.items():  # noqa (pikepdf 10: the page's own images)
                return PdfImage(obj).as_pil_image().convert("L")
    raise AssertionError(f"no image in {pdf}")


def _left_right(im: Image.Image) -> tuple[float, float]:
    w, h = im.size
    left = ImageStat.Stat(im.crop((0, 0, w // 3, h))).mean[0]
    right = ImageStat.Stat(im.crop((2 * w // 3, 0, w, h))).mean[0]
    return left, right


@pytest.mark.parametrize("kind", KINDS)
def test_every_photo_mode_is_placed_right(kind, tmp_path):
    photo = make_photo(kind, tmp_path)
    src = tmp_path / "photo.md"
    src.write_text(SOURCE.format(file=photo.name), encoding="utf-8")
    for edition in ("print", "screen"):
        out = build(edition, src, tmp_path)
        im = _placed(out)
        if kind == "rotated":
            assert im.size[1] > im.size[0], "the EXIF orientation was not applied"
            continue
        left, right = _left_right(im)
        # Dark on the left, light on the right: not a white (or black) box.
        assert left < 110 and right > 150 and right - left > 80, (edition, kind, left, right)
    docx = build("docx", src, tmp_path)
    with zipfile.ZipFile(docx) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 1
        with Image.open(io.BytesIO(z.read(media[0]))) as im:
            im = im.convert("L")
            if kind == "rotated":
                assert im.size[1] > im.size[0], "the DOCX shows the photo on its side"
            else:
                left, right = _left_right(im)
                assert left < 110 and right > 150, ("docx", kind, left, right)


def test_a_png_with_a_damaged_colour_profile_is_refused(tmp_path):
    im = _halves("RGB", (47, 47, 47), (203, 203, 203))
    im.save(tmp_path / "p.png", icc_profile=b"\0" * 200)
    src = tmp_path / "photo.md"
    src.write_text(SOURCE.format(file="p.png"), encoding="utf-8")
    proc = run_cli("pdf", src, "-o", tmp_path / "x.pdf", check=False)
    assert proc.returncode == 2 and "damaged colour profile" in proc.stderr and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"{src}:7: ")
