"""The print edition's output intent and total ink (issue 14, "Print").

A4 and A5 print for FOGRA39 (a profile made with ArgyllCMS from Fogra's FOGRA39L data),
letter for SWOP; the lead photo is converted with the chosen profile and stays within the
condition's total ink (300 %). Read with pikepdf, Pillow and Ghostscript.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageCms, ImageDraw

from conftest import ROOT, build, run_cli

from pressroom.checks import core

FIXTURES = ROOT / "tests" / "fixtures" / "print"
ICC_DIR = ROOT / "styles" / "icc"
FOGRA39 = ICC_DIR / "fogra39l-coated-300.icc"
SWOP = ICC_DIR / "artifex-swop-cmyk.icc"

#: The photo's patches (RGB), six to a row, in the top two thirds; a black-to-white ramp below.
PATCHES = [(0, 0, 90), (0, 0, 0), (90, 0, 0), (0, 70, 0), (40, 0, 60), (0, 40, 60),
           (0, 0, 255), (255, 0, 0), (0, 255, 0), (20, 20, 20), (60, 30, 10), (10, 10, 40)]
PHOTO = (1200, 800)


def dark_photo(path: Path) -> None:
    """Saturated dark colours (the hardest for total ink) and a ramp from black to white."""
    w, h = PHOTO
    img = Image.new("RGB", PHOTO)
    draw = ImageDraw.Draw(img)
    pw, ph = w // 6, h // 3
    for i, rgb in enumerate(PATCHES):
        x, y = (i % 6) * pw, (i // 6) * ph
        draw.rectangle((x, y, x + pw - 1, y + ph - 1), fill=rgb)
    for x in range(w):
        v = x * 255 // (w - 1)
        draw.line((x, 2 * ph, x, h - 1), fill=(v, v, v))
    img.save(path)


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dark")
    shutil.copy(FIXTURES / "dark-photo.md", folder / "dark-photo.md")
    dark_photo(folder / "dark.png")
    return folder / "dark-photo.md"


@pytest.fixture(scope="module")
def prints(source, tmp_path_factory):
    out = tmp_path_factory.mktemp("dark-out")
    cache: dict[str, Path] = {}

    def get(trim: str) -> Path:
        if trim not in cache:
            sub = out / trim
            sub.mkdir()
            cache[trim] = build("print", source, sub, "--trim", trim)
        return cache[trim]

    return get


def intent_of(path: Path) -> dict:
    with pikepdf.open(path) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        oi = intents[0]
        profile = oi.DestOutputProfile
        return {"S": str(oi.S), "id": str(oi.OutputConditionIdentifier),
                "registry": str(oi.get("/RegistryName", "")), "condition": str(oi.get("/OutputCondition", "")),
                "info": str(oi.get("/Info", "")), "N": int(profile.N), "profile": profile.read_bytes()}


def check_result(name: str, path: Path, source: Path) -> dict:
    """One print check, through the check framework, on one file."""
    check = next(c for c in core.REGISTRY if c.kind == "print" and c.name == name)
    with tempfile.TemporaryDirectory() as tmp:
        ctx = core.Context(source, path.parent, core.load_model(source), Path(tmp))
        return core._run_one(ctx, check, path)


def tac_result(path: Path, source: Path) -> dict:
    return check_result("tac", path, source)


# -- the profile -----------------------------------------------------------------------------


def test_the_fogra39_profile_is_a_cmyk_printer_profile_with_its_licence():
    head = FOGRA39.read_bytes()[:128]
    assert head[12:20] == b"prtrCMYK" and head[20:24] == b"Lab " and head[36:40] == b"acsp"
    desc = ImageCms.getProfileDescription(ImageCms.getOpenProfile(str(FOGRA39)))
    assert "FOGRA39" in desc
    assert FOGRA39.stat().st_size < 200_000  # no measurement data copied in (colprof -nc)
    licence = (ICC_DIR / "FOGRA39L-zlib.txt").read_text()
    assert "Kai-Uwe Behrmann" in licence and "zlib" in licence.lower()
    script = (ICC_DIR / "make-fogra39.sh").read_text()
    assert "colprof" in script and "-l300" in script and "FOGRA39L.ti3" in script


def test_the_profile_keeps_every_srgb_colour_within_300_percent():
    """Every colour of an sRGB cube (17 steps a side), converted as the writer converts photos."""
    steps = [round(i * 255 / 16) for i in range(17)]
    cube = Image.new("RGB", (17 * 17, 17))
    cube.putdata([(r, g, b) for b in steps for r in steps for g in steps])
    transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(FOGRA39)),
                                        "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
    cmyk = ImageCms.applyTransform(cube, transform)
    totals = [sum(px) * 100 / 255 for px in cmyk.get_flattened_data()]
    assert max(totals) <= 300
    assert max(totals) > 270  # a rich black, not a K-only one
    assert cmyk.getpixel((0, 0))[3] > 200 and cmyk.getpixel((17 * 17 - 1, 16)) == (0, 0, 0, 0)


# -- the intent per trim ---------------------------------------------------------------------


@pytest.mark.parametrize("trim", ["a4", "a5"])
def test_a4_and_a5_print_for_fogra39(prints, trim):
    oi = intent_of(prints(trim))
    assert oi["S"] == "/GTS_PDFX"
    assert oi["id"] == "FOGRA39"
    assert oi["registry"] == "http://www.color.org"
    assert "ISO 12647-2" in oi["condition"] and "coated" in oi["condition"]
    assert "FOGRA39" in oi["info"] and "300%" in oi["info"]
    assert oi["N"] == 4 and oi["profile"][12:20] == b"prtrCMYK"
    assert oi["profile"] == FOGRA39.read_bytes()


def test_letter_prints_for_swop(prints):
    oi = intent_of(prints("letter"))
    assert oi["S"] == "/GTS_PDFX"
    assert oi["id"] == "Artifex CMYK SWOP Profile" and oi["registry"] == ""
    assert oi["N"] == 4 and oi["profile"][12:20] == b"prtrCMYK"
    assert oi["profile"] == SWOP.read_bytes()


def test_icc_option_overrides_the_trims_profile(source, tmp_path):
    out = tmp_path / "swop-a4.pdf"
    run_cli("pdf", source, "--trim", "a4", "--icc", SWOP.name, "-o", out)
    assert intent_of(out)["profile"] == SWOP.read_bytes()
    out = tmp_path / "fogra-letter.pdf"
    run_cli("pdf", source, "--trim", "letter", "--icc", FOGRA39.name, "-o", out)
    assert intent_of(out)["id"] == "FOGRA39" and intent_of(out)["profile"] == FOGRA39.read_bytes()


def test_a_trim_preset_without_its_own_entry_prints_for_fogra39(source, tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    for suffix in (".css", ".json"):  # a preset: its type (CSS) and its page (data)
        shutil.copy(styles / "trim" / f"a4{suffix}", styles / "trim" / f"custom{suffix}")
    out = tmp_path / "x.pdf"
    run_cli("pdf", source, "--styles", styles, "--trim", "custom", "-o", out)
    assert intent_of(out)["id"] == "FOGRA39"


# -- the photo and total ink -----------------------------------------------------------------


def embedded_photo(path: Path) -> Image.Image:
    """The lead photo as embedded in the print PDF, in CMYK as the press gets it."""
    with pikepdf.open(path) as pdf:
        images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        assert len(images) == 1
        img = pikepdf.PdfImage(images[0]).as_pil_image()
    assert img.mode == "CMYK"
    return img


def expected_cmyk(rgb, profile: Path) -> tuple:
    t = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(profile)), "RGB", "CMYK",
                                renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
    return ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), t).getpixel((0, 0))


@pytest.mark.parametrize("trim,profile", [("a4", FOGRA39), ("letter", SWOP)])
def test_the_photo_is_converted_with_the_intents_profile(prints, trim, profile):
    img = embedded_photo(prints(trim))
    assert img.size == PHOTO
    pw, ph = PHOTO[0] // 6, PHOTO[1] // 3
    other = SWOP if profile == FOGRA39 else FOGRA39
    for i, rgb in enumerate(PATCHES):
        centre = ((i % 6) * pw + pw // 2, (i // 6) * ph + ph // 2)
        got, want, wrong = img.getpixel(centre), expected_cmyk(rgb, profile), expected_cmyk(rgb, other)
        assert all(abs(a - b) <= 3 for a, b in zip(got, want)), (rgb, got, want)
        if max(abs(a - b) for a, b in zip(want, wrong)) > 10:
            assert not all(abs(a - b) <= 3 for a, b in zip(got, wrong))
    # The ramp: white paper at its right end, the press's black at its left.
    assert img.getpixel((PHOTO[0] - 2, PHOTO[1] - 10)) == (0, 0, 0, 0) or \
        sum(img.getpixel((PHOTO[0] - 2, PHOTO[1] - 10))) <= 3
    assert img.getpixel((1, PHOTO[1] - 10))[3] > 200


@pytest.mark.parametrize("trim", ["a4", "a5", "letter"])
def test_the_dark_photo_stays_within_300_percent(prints, source, trim):
    path = prints(trim)
    totals = [sum(px) * 100 / 255 for px in embedded_photo(path).get_flattened_data()]
    assert 270 < max(totals) <= 300, max(totals)
    r = tac_result(path, source)
    assert r["status"] == "pass", r["summary"]
    assert r["details"]["limit"] == 300
    peaks = [p["max_tac"] for p in r["details"]["pages"]]
    assert 270 < max(peaks) <= 300


def _add_patch(src: Path, dst: Path, cmyk: str, at=(100, 100)) -> Path:
    with pikepdf.open(src) as pdf:
        page = pdf.pages[-1]
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        page.contents_add(pdf.make_stream(f"\nQ q {cmyk} k {at[0]} {at[1]} 40 40 re f Q".encode()))
        pdf.save(dst)
    return dst


def test_the_tac_check_fails_on_a_400_percent_patch(prints, source, tmp_path):
    good = prints("a4")
    r = tac_result(_add_patch(good, tmp_path / "400.pdf", "1 1 1 1"), source)
    assert r["status"] == "fail" and "400 %" in r["summary"] and "FOGRA39" in r["summary"], r["summary"]
    r = tac_result(_add_patch(good, tmp_path / "320.pdf", "1 1 0.2 1"), source)
    assert r["status"] == "fail" and "320 %" in r["summary"], r["summary"]
    # Exactly at the limit passes.
    r = tac_result(_add_patch(good, tmp_path / "300.pdf", "1 1 1 0"), source)
    assert r["status"] == "pass", r["summary"]
    # Outside the trim (in the slug, where the crop marks are in registration at 400 %) does not count.
    with pikepdf.open(good) as pdf:
        trim = [float(v) for v in pdf.pages[-1].TrimBox]
    r = tac_result(_add_patch(good, tmp_path / "slug.pdf", "1 1 1 1", at=(trim[0] - 45, trim[1] - 45)), source)
    assert r["status"] == "pass", r["summary"]



def test_the_output_intent_check_names_the_condition_and_wants_a_printer_profile(prints, source, tmp_path):
    good = prints("a4")
    r = check_result("output-intent", good, source)
    assert r["status"] == "pass" and "FOGRA39 (http://www.color.org)" in r["summary"], r["summary"]

    def edited(name, edit):
        with pikepdf.open(good) as pdf:
            edit(pdf.Root.OutputIntents[0])
            pdf.save(tmp_path / name)
        return check_result("output-intent", tmp_path / name, source)

    def input_profile(oi):  # a CMYK profile of another device class (a scanner's)
        data = bytearray(oi.DestOutputProfile.read_bytes())
        data[12:16] = b"scnr"
        oi.DestOutputProfile.write(bytes(data))

    assert edited("scnr.pdf", input_profile)["status"] == "fail"
    assert edited("noid.pdf", lambda oi: oi.__setattr__("OutputConditionIdentifier", pikepdf.String("")))["status"] == "fail"


def test_a_broken_intents_file_stops_the_build_with_one_line(source, tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    out = tmp_path / "x.pdf"
    (styles / "icc" / "intents.json").write_text('{"defaults": ["a4"]}')
    proc = run_cli("pdf", source, "--styles", styles, "-o", out, check=False)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "intents.json is not a valid intents file" in proc.stderr
    (styles / "icc" / "intents.json").write_text('{"defaults": {"a4": "gone.icc"}}')
    proc = run_cli("pdf", source, "--styles", styles, "-o", out, check=False)
    assert proc.returncode == 1 and "no ICC profile 'gone.icc'" in proc.stderr, proc.stderr
    proc = run_cli("pdf", source, "--styles", styles, "--trim", "a5", "-o", out, check=False)
    assert proc.returncode == 1 and "no default ICC profile for the trim 'a5'" in proc.stderr, proc.stderr
    assert not out.exists()


def test_make_picks_the_trims_profile_and_icc_overrides_it(tmp_path):
    from conftest import copy_project, make

    tree = copy_project(tmp_path / "tree")
    target = "build/the-future-of-migration.pdf"
    intents = {}
    for name, args in (("default", ()), ("letter", ("TRIM=letter",)), ("icc", ("ICC=artifex-swop-cmyk.icc",))):
        proc = make(tree, target, *args)
        assert proc.returncode == 0, proc.stderr
        intents[name] = intent_of(tree / target)
        (tree / target).unlink()
    assert intents["default"]["id"] == "FOGRA39" and intents["default"]["profile"] == FOGRA39.read_bytes()
    assert intents["letter"]["profile"] == SWOP.read_bytes()
    assert intents["icc"]["profile"] == SWOP.read_bytes()
