"""``pressroom all`` (issue 9): every format from one process, byte for byte what the
separate commands write, and nothing written when one of them fails. ``make``, ``make check``
and ``make dist`` build with it, so it is compared on sources that exercise every path:
the interview, a source with a photo file, right-to-left Arabic and Chinese."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, SOURCE, SUFFIX, build, run_cli

LANG = ROOT / "tests" / "fixtures" / "lang"


def test_all_matches_the_separate_commands(outputs, tmp_path):
    run_cli("all", SOURCE, "--outdir", tmp_path)
    for kind, suffix in SUFFIX.items():
        built = tmp_path / (SOURCE.stem + suffix)
        assert built.read_bytes() == outputs[kind].read_bytes(), f"{kind}: 'all' differs from the separate command"


def _photo_source(folder: Path) -> Path:
    from PIL import Image, ImageDraw

    from test_epub import PHOTO_SOURCE

    im = Image.new("RGB", (1200, 800), (40, 80, 120))
    ImageDraw.Draw(im).ellipse((300, 200, 900, 600), fill=(220, 180, 90))
    im.save(folder / "photo.jpg", quality=85)
    src = folder / "rivers.md"
    src.write_text(PHOTO_SOURCE, encoding="utf-8")
    return src


def _compare(src: Path, tmp_path: Path, *styles: str) -> None:
    separate, together = tmp_path / "separate", tmp_path / "all"
    separate.mkdir()
    for kind in SUFFIX:
        build(kind, src, separate, *styles)
    run_cli("all", src, "--outdir", together, *styles)
    for kind, suffix in SUFFIX.items():
        name = src.stem + suffix
        assert (together / name).read_bytes() == (separate / name).read_bytes(), \
            f"{src.name} {kind}: 'all' differs from the separate command"


@pytest.mark.parametrize("source", ["photo", "ar", "zh"])
def test_all_matches_the_separate_commands_on_other_sources(source, tmp_path):
    src = _photo_source(tmp_path) if source == "photo" else LANG / f"{source}.md"
    _compare(src, tmp_path)


def test_a_shared_sheet_with_a_colour_profile_reaches_every_edition(tmp_path):
    """Sheets both PDF editions load are parsed once inside 'all'; an @color-profile in one
    only takes effect while it is parsed, so such a sheet must be parsed for each edition."""
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    with open(styles / "base.css", "a", encoding="utf-8") as f:
        f.write("\n@color-profile --proof { src: url(icc/artifex-swop-cmyk.icc);"
                " components: cyan, magenta, yellow, black; }\n"
                "h1 { color: color(--proof 0.1 0.9 0.2 0); }\n")
    _compare(SOURCE, tmp_path, "--styles", styles)
    import pikepdf

    with pikepdf.open(tmp_path / "all" / (SOURCE.stem + ".screen.pdf")) as pdf:
        spaces = [cs for page in pdf.pages for cs in page.Resources.get("/ColorSpace", {}).values()]
        assert any(isinstance(cs, pikepdf.Array) and cs[0] == "/ICCBased" for cs in spaces), \
            "the screen edition's title is not in the sheet's colour profile"


def test_all_writes_nothing_when_a_format_fails(tmp_path):
    proc = run_cli("all", SOURCE, "--outdir", tmp_path, "--trim", "nosuch", check=False)
    assert proc.returncode == 1 and "nosuch" in proc.stderr
    assert not any(tmp_path.iterdir())
