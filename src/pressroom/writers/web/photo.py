"""The lead photo for the web edition: sRGB, upright, at most ``max_width`` pixels wide."""

from __future__ import annotations

import base64
import io

from ...photo import flatten, open_upright, photo_bytes


def data_uri(image, max_width: int, quality: int) -> tuple[str, int, int]:
    """The photo of ``image`` (a model ``Image``) as a ``data:`` URI, with its width and height
    in pixels.

    A JPEG or PNG in grey or RGB, upright, without an embedded profile and no wider than
    ``max_width`` is embedded as the reader checked it. Any other photo is turned upright
    (EXIF orientation), converted to sRGB from its embedded profile (or plainly, from CMYK),
    flattened on white if it has transparency, scaled down to ``max_width`` (Lanczos) and saved
    again: JPEG at ``quality`` from a JPEG, PNG otherwise, without its metadata (EXIF, XMP).
    """
    from PIL import Image, ImageCms

    data = photo_bytes(image)
    img, fmt, icc, mode, transparent, rotated = open_upright(data)
    media = "image/jpeg" if fmt == "JPEG" else "image/png"
    if (fmt in ("JPEG", "PNG") and mode in ("L", "RGB") and not (rotated or icc or transparent)
            and img.width <= max_width):
        return _uri(media, data), img.width, img.height
    img = flatten(img, mode, transparent)
    if icc and img.mode in ("RGB", "CMYK"):
        img = ImageCms.profileToProfile(img, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                        ImageCms.createProfile("sRGB"), outputMode="RGB")
    elif img.mode == "CMYK":
        img = img.convert("RGB")
    if img.width > max_width:
        height = max(1, round(img.height * max_width / img.width))
        img = img.resize((max_width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "JPEG":
        img.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
        media = "image/jpeg"
    else:
        img.save(out, format="PNG", optimize=True)
        media = "image/png"
    return _uri(media, out.getvalue()), img.width, img.height


def _uri(media: str, data: bytes) -> str:
    return f"data:{media};base64," + base64.b64encode(data).decode("ascii")
