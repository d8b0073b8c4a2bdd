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
    from PIL import ImageCms

    from ...photo import flatten, open_upright

    img, fmt, icc, mode, transparent, rotated = open_upright(data)
    untouched = not (rotated or icc or transparent)
    if untouched and mode in (("L", "CMYK") if edition == "print" else ("L", "RGB")):
        return None
    img = flatten(img, mode, transparent)
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
