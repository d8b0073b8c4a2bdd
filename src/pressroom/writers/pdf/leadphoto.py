"""The lead photo, converted for the edition (CMYK with the output intent's profile for print, sRGB for screen)."""

from __future__ import annotations

import io
from pathlib import Path


# -- the lead photo -------------------------------------------------------------------------

def prepare_image(data: bytes, edition: str, profile: Path | None) -> bytes | None:
    """The photo's bytes (``data``, as the reader checked them) as the edition embeds them, or
    None to embed ``data`` unchanged.

    print: colour photos are converted to CMYK for the output-intent profile (from their own
    embedded profile, or sRGB; relative colorimetric with black-point compensation); grey ones
    stay grey (printed with K only); CMYK ones with an embedded profile are converted to the
    output profile.
    screen: photos with an embedded profile, or in CMYK, are converted to sRGB.
    Both: EXIF orientation is applied and transparency is flattened on white.
    """
    from PIL import Image, ImageCms, ImageOps

    from ...photo import grey_to_8_bits

    with Image.open(io.BytesIO(data)) as src:
        src.load()
        fmt, icc, mode = src.format, src.info.get("icc_profile"), src.mode
        transparent = "transparency" in src.info or mode in ("RGBA", "LA", "PA", "La", "RGBa")
        rotated = src.getexif().get(0x0112, 1) not in (None, 1)
        img = ImageOps.exif_transpose(src) if rotated else src.copy()
    untouched = not (rotated or icc or transparent)
    if untouched and mode in (("L", "CMYK") if edition == "print" else ("L", "RGB")):
        return None

    # Flatten to L, RGB or CMYK.
    if transparent:
        img = img.convert("LA" if mode in ("L", "LA", "La") else "RGBA")
        base = Image.new(img.mode[:-1], img.size, "white")
        base.paste(img, mask=img.getchannel("A"))
        img = base
    elif img.mode.startswith("I") or img.mode == "F":
        # 16- and 32-bit grey: scale to 8 bits (a plain convert clips every value above 255 to white).
        img = grey_to_8_bits(img)
    elif img.mode == "1":
        img = img.convert("L")
    elif img.mode not in ("L", "RGB", "CMYK"):
        img = img.convert("RGB")
    src_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc)) if icc else None
    srgb = ImageCms.createProfile("sRGB")

    if edition == "print":
        out_profile = ImageCms.getOpenProfile(str(profile))
        if img.mode == "RGB" or (img.mode == "CMYK" and src_profile):
            # Relative colorimetric with black-point compensation: in-gamut colours stay as
            # they are, shadows are scaled to the press's black, and the profile's ink limit
            # (300 % for FOGRA39) holds.
            transform = ImageCms.buildTransform(
                src_profile or srgb, out_profile, img.mode, "CMYK",
                renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
            img = ImageCms.applyTransform(img, transform)
    else:
        if src_profile and img.mode in ("RGB", "CMYK"):
            img = ImageCms.profileToProfile(img, src_profile, srgb, outputMode="RGB")
        elif img.mode == "CMYK":
            img = img.convert("RGB")
    out = io.BytesIO()
    if img.mode == "CMYK" or fmt == "JPEG":
        img.save(out, format="JPEG", quality=95, subsampling=0)
    else:
        img.save(out, format="PNG")
    return out.getvalue()
