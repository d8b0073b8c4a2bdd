"""The lead photo's bytes and pixels, shared by the reader and the writers (no writer imports
another).

The reader opens the photo once, checks the opened file and reads its bytes; it records their
SHA-256 in the model's ``Image`` and keeps the bytes here. Every writer takes the photo from
``photo_bytes`` and never opens the path itself, so a file swapped during a build (a symlink to
somewhere else put in place of the photo) is never read, let alone embedded.
"""

from __future__ import annotations

import hashlib
import io

from .errors import BuildError

#: The bytes the reader checked, by SHA-256 (hex): one entry per photo read in this process.
_checked: dict[str, bytes] = {}


def remember(data: bytes) -> str:
    """Keep the checked bytes of a photo; returns their SHA-256 (hex) for the model."""
    digest = hashlib.sha256(data).hexdigest()
    _checked[digest] = data
    return digest


def photo_bytes(image) -> bytes:
    """The bytes of ``image`` (a model ``Image`` with a path) exactly as the reader checked them.
    A model read in another process is read again from its path, and refused unless its SHA-256
    is still the one the reader recorded."""
    data = _checked.get(image.sha256) if image.sha256 else None
    if data is not None:
        return data
    try:
        with open(image.path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise BuildError(f"cannot read the lead photo {image.path}: {e.strerror or e}") from None
    if hashlib.sha256(data).hexdigest() != image.sha256:
        raise BuildError(f"the lead photo {image.path} changed after it was checked; nothing written "
                         "(hint: build again once the photo is in place)")
    return data


def open_upright(data: bytes):
    """The photo's pixels turned upright (EXIF orientation), with what the editions convert by:
    (image, format, ICC profile or None, original mode, has transparency, was turned)."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as src:
        src.load()
        fmt, icc, mode = src.format, src.info.get("icc_profile"), src.mode
        transparent = "transparency" in src.info or mode in ("RGBA", "LA", "PA", "La", "RGBa")
        rotated = src.getexif().get(0x0112, 1) not in (None, 1)
        img = ImageOps.exif_transpose(src) if rotated else src.copy()
    return img, fmt, icc, mode, transparent, rotated


def flatten(img, mode: str, transparent: bool):
    """``img`` in L, RGB or CMYK: transparency flattened on white, 16- and 32-bit grey scaled to
    8 bits (a plain convert clips every value above 255 to white), 1-bit as L, others as RGB."""
    from PIL import Image

    if transparent:
        img = img.convert("LA" if mode in ("L", "LA", "La") else "RGBA")
        base = Image.new(img.mode[:-1], img.size, "white")
        base.paste(img, mask=img.getchannel("A"))
        return base
    if img.mode.startswith("I") or img.mode == "F":
        return grey_to_8_bits(img)
    if img.mode == "1":
        return img.convert("L")
    if img.mode not in ("L", "RGB", "CMYK"):
        return img.convert("RGB")
    return img


def grey_to_8_bits(img):
    """An I;16, I or F greyscale image as L, its full range kept (16-bit PNGs hold 0–65535)."""
    if img.mode == "F":
        _lo, hi = img.getextrema()
        scale = 255.0 / (hi if hi > 255 else 255.0) if hi > 0 else 1.0
        return img.point(lambda v: v * scale).convert("L")
    img = img.convert("I")
    hi = img.getextrema()[1]
    # 16-bit data (PNG, TIFF) spans 0–65535; a 32-bit image uses what its maximum says.
    top = 65535 if hi <= 65535 else hi
    return img.point(lambda v: v * (255.0 / top)).convert("L") if top > 255 else img.convert("L")


def for_office(data: bytes) -> io.BytesIO:
    """The photo as Word and LibreOffice show it: the file itself when they read it as it is;
    else its pixels turned upright (EXIF orientation), 16-bit grey scaled to 8 bits, and saved
    again (JPEG from a JPEG, PNG otherwise), for files they would show wrong or python-docx
    cannot place (a JPEG without a JFIF or Exif marker, an MPO's extra frames)."""
    from docx.image.image import Image as DocxImage
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as src:
        orientation = src.getexif().get(0x0112, 1)
        fmt, mode = src.format, src.mode
        try:
            DocxImage.from_blob(data)
            readable = True
        except Exception:
            readable = False
        if readable and orientation in (None, 1) and fmt in ("JPEG", "PNG") and mode in (
                "1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK"):
            return io.BytesIO(data)
        img = ImageOps.exif_transpose(src) if orientation not in (None, 1) else src.copy()
    if img.mode.startswith("I") or img.mode == "F":
        img = grey_to_8_bits(img)
    out = io.BytesIO()
    if fmt in ("JPEG", "MPO") and img.mode in ("L", "RGB", "CMYK"):
        img.save(out, format="JPEG", quality=95, subsampling=0, dpi=(300, 300))
    else:
        if img.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            img = img.convert("RGBA" if "A" in img.mode else "RGB")
        img.save(out, format="PNG")
    out.seek(0)
    return out
