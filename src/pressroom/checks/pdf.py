"""PDF checks: preflight of the print edition (PDF/X-4) and tagging of the screen edition (PDF/UA-1).

Everything is read from the file with pikepdf, Ghostscript and poppler; the screen edition is
also given to two independent PDF/UA-1 validators, page-validation and outloud.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from .core import Outcome, ToolMissing, check, run_tool

MM = Decimal("72") / Decimal("25.4")
MIN_BLEED_MM = 3
#: Named trim sizes, in mm (for reports; the check itself compares boxes).
TRIMS = {"a4": (210, 297), "a5": (148, 210), "letter": (215.9, 279.4)}


def _open(ctx, path):
    import pikepdf

    return ctx.memo(("pdf", str(path)), lambda: pikepdf.open(path))


def _box(page, name):
    box = page.obj.get(name)
    return [float(x) for x in box] if box is not None else None


def trim_of(pdf) -> dict:
    """The trim size of the first page, in mm, with its preset name when it is one."""
    box = _box(pdf.pages[0], "/TrimBox") or _box(pdf.pages[0], "/MediaBox")
    w, h = (box[2] - box[0]) / float(MM), (box[3] - box[1]) / float(MM)
    name = next((k for k, (tw, th) in TRIMS.items() if abs(tw - w) < 0.5 and abs(th - h) < 0.5), "custom")
    return {"name": name, "width_mm": round(w, 1), "height_mm": round(h, 1)}


# -- print: PDF/X markers --------------------------------------------------------


@check("print", "pdfx", "PDF/X-4 markers (XMP, Trapped, title)")
def pdfx_markers(ctx, path):
    pdf = _open(ctx, path)
    problems = []
    with pdf.open_metadata() as xmp:
        version = xmp.get("{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion")
        title = xmp.get("{http://purl.org/dc/elements/1.1/}title")
        trapped = xmp.get("{http://ns.adobe.com/pdf/1.3/}Trapped")
    if not version or not str(version).startswith("PDF/X-4"):
        problems.append(f"XMP GTS_PDFXVersion is {version!r}, not PDF/X-4")
    if str(pdf.pdf_version) < "1.6":
        problems.append(f"PDF version {pdf.pdf_version} (PDF/X-4 needs 1.6)")
    info_trapped = pdf.trailer.get("/Info", {}).get("/Trapped") if "/Info" in pdf.trailer else None
    if str(trapped) not in ("True", "False") and str(info_trapped) not in ("/True", "/False"):
        problems.append("Trapped is not declared True or False")
    if not title:
        problems.append("no dc:title in XMP")
    if pdf.Root.get("/Encrypt") or pdf.trailer.get("/Encrypt"):
        problems.append("encrypted")
    details = {"GTS_PDFXVersion": str(version) if version else None, "pdf_version": str(pdf.pdf_version)}
    return Outcome.from_problems(problems, f"{version}, PDF {pdf.pdf_version}", details)


@check("print", "output-intent", "output intent with a CMYK profile")
def output_intent(ctx, path):
    """A GTS_PDFX OutputIntent naming its condition, with an embedded CMYK printer profile
    (header: device class ``prtr``, colour space ``CMYK``, ``acsp``; ``N`` 4)."""
    pdf = _open(ctx, path)
    intents = pdf.Root.get("/OutputIntents")
    if not intents:
        return Outcome(False, "no OutputIntents in the catalog", {"intents": []})
    found = []
    ok = False
    for oi in intents:
        prof = oi.get("/DestOutputProfile")
        data = prof.read_bytes() if prof is not None else b""
        space = data[16:20].decode("latin-1").strip() if len(data) >= 20 else None
        device_class = data[12:16].decode("latin-1") if len(data) >= 40 and data[36:40] == b"acsp" else None
        entry = {"S": str(oi.get("/S")), "OutputConditionIdentifier": str(oi.get("/OutputConditionIdentifier", "")),
                 "RegistryName": str(oi.get("/RegistryName", "")), "OutputCondition": str(oi.get("/OutputCondition", "")),
                 "profile_colour_space": space, "profile_class": device_class,
                 "N": int(prof.get("/N", 0)) if prof is not None else None}
        found.append(entry)
        if entry["S"] == "/GTS_PDFX" and space == "CMYK" and entry["N"] == 4 and device_class == "prtr" \
                and entry["OutputConditionIdentifier"].strip():
            ok = True
    if not ok:
        return Outcome(False, "no GTS_PDFX output intent with an OutputConditionIdentifier and an embedded "
                              "CMYK printer profile", {"intents": found})
    gts = next(f for f in found if f["S"] == "/GTS_PDFX")
    registry = f" ({gts['RegistryName']})" if gts["RegistryName"] else ""
    return Outcome(True, f"GTS_PDFX, condition {gts['OutputConditionIdentifier']}{registry}, CMYK printer profile",
                   {"intents": found})


@check("print", "boxes", "TrimBox and BleedBox on every page")
def boxes(ctx, path):
    pdf = _open(ctx, path)
    problems = []
    pages = []
    bleed_pt = float(MIN_BLEED_MM * MM) - 0.05
    for i, page in enumerate(pdf.pages, 1):
        media, trim, bleed = (_box(page, n) for n in ("/MediaBox", "/TrimBox", "/BleedBox"))
        pages.append({"page": i, "trim": trim, "bleed": bleed})
        if trim is None or bleed is None:
            problems.append(f"page {i}: " + " and ".join(n for n, b in (("TrimBox", trim), ("BleedBox", bleed)) if b is None)
                            + " missing")
            continue
        if not _inside(trim, bleed) or (media and not _inside(bleed, media)):
            problems.append(f"page {i}: boxes not nested (trim ⊂ bleed ⊂ media)")
        margins = [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]]
        if min(margins) < bleed_pt:
            problems.append(f"page {i}: bleed {min(margins) / float(MM):.1f} mm, less than {MIN_BLEED_MM} mm")
    sizes = {(round(p["trim"][2] - p["trim"][0], 1), round(p["trim"][3] - p["trim"][1], 1)) for p in pages if p["trim"]}
    if len(sizes) > 1:
        problems.append(f"pages of different trim sizes: {sorted(sizes)}")
    details = {"pages": len(pdf.pages), "trim": trim_of(pdf) if pdf.pages else None}
    if problems:
        return Outcome(False, "; ".join(problems[:3]) + (" …" if len(problems) > 3 else ""),
                       {**details, "problems": problems})
    t = details["trim"]
    return Outcome(True, f"{len(pdf.pages)} pages, trim {t['name']} {t['width_mm']}×{t['height_mm']} mm, "
                         f"bleed ≥ {MIN_BLEED_MM} mm", details)


#: Text stays at least this far inside the trim (print) or the page's edge (screen): the
#: printer's safe area; a line run past the margin, or off the page, comes closer.
SAFE_MM = 3


def text_outside(pdf, path: Path, box_name: str) -> list[str]:
    """Words whose box comes within SAFE_MM of the edge of each page's ``box_name`` (TrimBox,
    else MediaBox), or lies past it: "page N: word" (pdftotext -bbox, in MediaBox coordinates
    from its top left)."""
    import html as _html

    proc = run_tool(["pdftotext", "-bbox", str(path), "-"], timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"pdftotext failed: {proc.stderr.decode(errors='replace').strip()[:200]}")
    out = proc.stdout.decode("utf-8", errors="replace")
    safe = float(SAFE_MM * MM)
    found = []
    for n, (page, text) in enumerate(zip(pdf.pages, out.split("<page ")[1:]), 1):
        media = _box(page, "/MediaBox")
        box = _box(page, box_name) or media
        left, right = box[0] - media[0] + safe, box[2] - media[0] - safe
        top, bottom = media[3] - box[3] + safe, media[3] - box[1] - safe
        for x0, y0, x1, y1, word in re.findall(
                r'xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)<', text):
            if float(x0) < left - 0.5 or float(x1) > right + 0.5 or float(y0) < top - 0.5 or float(y1) > bottom + 0.5:
                found.append(f"page {n}: {_html.unescape(word)[:40]}")
    return found


def _safe_area(ctx, path, box_name: str, where: str) -> Outcome:
    pdf = _open(ctx, path)
    found = text_outside(pdf, path, box_name)
    if found:
        return Outcome(False, f"{len(found)} word(s) within {SAFE_MM} mm of {where} or past it: "
                              + "; ".join(found[:3]) + (" …" if len(found) > 3 else ""), {"words": found[:50]})
    return Outcome(True, f"all text at least {SAFE_MM} mm inside {where}", {})


@check("print", "safe-area", "text inside the trim's safe area (3 mm)")
def safe_area_print(ctx, path):
    return _safe_area(ctx, path, "/TrimBox", "the trim")


@check("screen", "safe-area", "text on the page, 3 mm from its edges")
def safe_area_screen(ctx, path):
    return _safe_area(ctx, path, "/MediaBox", "the page's edge")


def _inside(a, b, eps=0.01):
    return a[0] >= b[0] - eps and a[1] >= b[1] - eps and a[2] <= b[2] + eps and a[3] <= b[3] + eps


# -- walking the page tree -------------------------------------------------------


def _streams(pdf):
    """Yield (where, stream-or-page, resources) for every content stream: pages, forms, patterns, appearances."""
    import pikepdf

    seen = set()

    def resources_of(obj, inherited):
        res = obj.get("/Resources")
        return res if res is not None else inherited

    def forms(res, where):
        if res is None:
            return
        for key in ("/XObject", "/Pattern"):
            d = res.get(key)
            if d is None:
                continue
            for name, x in d.items():
                if not isinstance(x, pikepdf.Stream) or x.objgen in seen and x.objgen != (0, 0):
                    continue
                seen.add(x.objgen)
                if x.get("/Subtype") == "/Form" or x.get("/PatternType") == 1:
                    sub = resources_of(x, res)
                    yield f"{where} {key[1:]} {name}", x, sub
                    yield from forms(sub, f"{where} {key[1:]} {name}")

    for i, page in enumerate(pdf.pages, 1):
        res = page.obj.get("/Resources")
        yield f"page {i}", page, res
        yield from forms(res, f"page {i}")
        for annot in page.obj.get("/Annots", []):
            ap = annot.get("/AP")
            if ap is None:
                continue
            for key in ("/N", "/R", "/D"):
                app = ap.get(key)
                if app is None:
                    continue
                states = [app] if isinstance(app, pikepdf.Stream) else list(app.values())
                for st in states:
                    if isinstance(st, pikepdf.Stream) and st.objgen not in seen:
                        seen.add(st.objgen)
                        sub = resources_of(st, None)
                        yield f"page {i} annotation {annot.get('/Subtype')}", st, sub
                        yield from forms(sub, f"page {i} annotation")


def _colour_space_family(cs, res, depth=0) -> str:
    """The family of a colour space (DeviceRGB, DeviceCMYK, ICCBased-3, …), resolving names and bases."""
    import pikepdf

    if depth > 8 or cs is None:
        return "unknown"
    if isinstance(cs, pikepdf.Name):
        name = str(cs)
        if name in ("/DeviceRGB", "/RGB"):
            return "DeviceRGB"
        if name in ("/DeviceCMYK", "/CMYK"):
            return "DeviceCMYK"
        if name in ("/DeviceGray", "/G"):
            return "DeviceGray"
        if name == "/Pattern":
            return "Pattern"
        named = res.get("/ColorSpace", {}).get(name) if res is not None else None
        return _colour_space_family(named, res, depth + 1) if named is not None else f"unresolved {name}"
    if isinstance(cs, pikepdf.Array) and len(cs):
        family = str(cs[0])
        if family == "/ICCBased":
            return f"ICCBased-{int(cs[1].get('/N', 0))}"
        if family in ("/Indexed", "/I"):
            return _colour_space_family(cs[1], res, depth + 1)
        if family in ("/Separation", "/DeviceN"):
            alt = _colour_space_family(cs[2], res, depth + 1)
            return "DeviceRGB" if alt == "DeviceRGB" else family[1:]
        if family == "/Pattern" and len(cs) > 1:
            return _colour_space_family(cs[1], res, depth + 1)
        return family[1:]
    return "unknown"


RGB_OPS = {"rg", "RG"}


def rgb_uses(pdf) -> list[str]:
    """Every place DeviceRGB is used: content operators, images, shadings, groups, annotation colours."""
    import pikepdf

    found = []
    for where, obj, res in _streams(pdf):
        group = (obj.obj if isinstance(obj, pikepdf.Page) else obj).get("/Group")
        if group is not None and _colour_space_family(group.get("/CS"), res) == "DeviceRGB":
            found.append(f"{where}: transparency group in DeviceRGB")
        try:
            instructions = pikepdf.parse_content_stream(obj)
        except pikepdf.PdfError as e:
            found.append(f"{where}: unreadable content ({e})")
            continue
        ops = {}
        for operands, op in instructions:
            op = str(op)
            if op in RGB_OPS:
                ops[op] = ops.get(op, 0) + 1
            elif op in ("cs", "CS") and _colour_space_family(operands[0], res) == "DeviceRGB":
                ops[op] = ops.get(op, 0) + 1
            elif op == "INLINE IMAGE":
                cs = operands[0].obj.get("/CS", operands[0].obj.get("/ColorSpace"))
                if _colour_space_family(cs, res) == "DeviceRGB":
                    ops["inline image"] = ops.get("inline image", 0) + 1
        if ops:
            found.append(f"{where}: DeviceRGB colour ({', '.join(f'{k}×{v}' for k, v in sorted(ops.items()))})")
        if res is None:
            continue
        for name, x in (res.get("/XObject") or {}).items():
            if x.get("/Subtype") == "/Image" and _colour_space_family(x.get("/ColorSpace"), res) == "DeviceRGB":
                found.append(f"{where}: image {name} in DeviceRGB")
        for name, sh in (res.get("/Shading") or {}).items():
            if _colour_space_family(sh.get("/ColorSpace"), res) == "DeviceRGB":
                found.append(f"{where}: shading {name} in DeviceRGB")
        for name, pat in (res.get("/Pattern") or {}).items():
            sh = pat.get("/Shading")
            if sh is not None and _colour_space_family(sh.get("/ColorSpace"), res) == "DeviceRGB":
                found.append(f"{where}: shading pattern {name} in DeviceRGB")
        for name, gs in (res.get("/ExtGState") or {}).items():
            smask = gs.get("/SMask")
            if isinstance(smask, pikepdf.Dictionary) and "/G" in smask:
                g = smask.G.get("/Group")
                if g is not None and _colour_space_family(g.get("/CS"), res) == "DeviceRGB":
                    found.append(f"{where}: soft mask {name} in DeviceRGB")
    for i, page in enumerate(pdf.pages, 1):
        for annot in page.obj.get("/Annots", []):
            for key in ("/C", "/IC"):
                c = annot.get(key)
                if c is not None and len(c) == 3:
                    found.append(f"page {i}: {annot.get('/Subtype')} annotation colour {key} is RGB")
            mk = annot.get("/MK")
            if mk is not None:
                for key in ("/BG", "/BC"):
                    c = mk.get(key)
                    if c is not None and len(c) == 3:
                        found.append(f"page {i}: widget {key} is RGB")
    return found


@check("print", "colour", "no DeviceRGB (content, XObjects, annotations)")
def no_rgb(ctx, path):
    found = rgb_uses(_open(ctx, path))
    if found:
        return Outcome(False, found[0] + (f" (+{len(found) - 1} more)" if len(found) > 1 else ""), {"rgb": found})
    return Outcome(True, "CMYK and grey only", {"rgb": []})


def font_problems(pdf) -> tuple[list[str], list[str]]:
    """(names of the fonts used, problems): every font must carry its font program."""
    fonts, problems = {}, []
    for where, obj, res in _streams(pdf):
        if res is None:
            continue
        for name, font in (res.get("/Font") or {}).items():
            key = font.objgen if font.objgen != (0, 0) else (where, name)
            if key in fonts:
                continue
            base = str(font.get("/BaseFont", name))[1:]
            fonts[key] = base
            subtype = str(font.get("/Subtype"))
            if subtype == "/Type3":
                continue
            target = font.DescendantFonts[0] if subtype == "/Type0" else font
            desc = target.get("/FontDescriptor")
            if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"{base} ({subtype[1:]}) is not embedded ({where})")
    return sorted(set(fonts.values())), problems


@check("print", "fonts", "fonts embedded")
def fonts_embedded(ctx, path):
    names, problems = font_problems(_open(ctx, path))
    if problems:
        return Outcome(False, problems[0] + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""),
                       {"fonts": names, "problems": problems})
    if not names:
        return Outcome(False, "no fonts at all (text drawn as outlines or missing)", {"fonts": []})
    return Outcome(True, f"{len(names)} fonts, all embedded", {"fonts": names})


# -- print: ink ------------------------------------------------------------------


def _inkcov(path: Path, text_only: bool) -> list[list[float]]:
    args = ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dUseTrimBox", "-sDEVICE=inkcov", "-o", "-"]
    if text_only:
        args[5:5] = ["-dFILTERIMAGE", "-dFILTERVECTOR"]
    proc = run_tool(args + [str(path)], timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"ghostscript failed: {proc.stderr.decode(errors='replace').strip()[:200]}")
    rows = []
    for line in proc.stdout.decode().splitlines():
        nums = re.findall(r"\d+\.\d+", line)
        if len(nums) >= 4 and "CMYK" in line:
            rows.append([float(x) for x in nums[:4]])
    return rows


def _draws_image(obj, res, depth=0) -> bool:
    """Whether a content stream paints an image: ``Do`` of an image XObject (through forms too), or inline."""
    import pikepdf

    if depth > 10:
        return False
    for operands, op in pikepdf.parse_content_stream(obj):
        op = str(op)
        if op == "INLINE IMAGE":
            return True
        if op == "Do" and res is not None:
            x = (res.get("/XObject") or {}).get(str(operands[0]))
            if x is None:
                continue
            if x.get("/Subtype") == "/Image":
                return True
            if x.get("/Subtype") == "/Form":
                sub = x.get("/Resources")
                if _draws_image(x, sub if sub is not None else res, depth + 1):
                    return True
    return False


def image_pages(pdf) -> set[int]:
    """Pages that paint an image (resources shared between pages do not count: only what is drawn)."""
    return {i for i, page in enumerate(pdf.pages, 1) if _draws_image(page, page.obj.get("/Resources"))}


@check("print", "ink", "K only: text, and every page without a photo (Ghostscript inkcov)")
def k_only(ctx, path):
    """The print spec (styles/print.css): text is 100 % K, and a page without a photo prints
    on the black plate only. Measured inside the TrimBox (crop marks are on every plate)."""
    text = _inkcov(path, text_only=True)
    full = _inkcov(path, text_only=False)
    photos = image_pages(_open(ctx, path))
    pages, problems = [], []
    for i, (t, f) in enumerate(zip(text, full), 1):
        entry = {"page": i, "photo": i in photos, "text_inkcov": dict(zip("CMYK", t)),
                 "page_inkcov": dict(zip("CMYK", f))}
        pages.append(entry)
        if any(t[:3]):
            problems.append(f"page {i}: text uses C, M or Y (C {t[0]:.5f} M {t[1]:.5f} Y {t[2]:.5f})")
        if i not in photos and any(f[:3]):
            problems.append(f"page {i} (no photo): prints on C, M or Y plates, not K only")
    details = {"pages": pages}
    if len(text) != len(_open(ctx, path).pages) or len(full) != len(text):
        return Outcome(False, "Ghostscript did not measure every page", details)
    if problems:
        return Outcome(False, problems[0] + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""),
                       {**details, "problems": problems})
    k_pages = sum(1 for p in pages if not p["photo"])
    return Outcome(True, f"text on K only; {k_pages} of {len(pages)} pages (those without a photo) on K only",
                   details)


#: Total area coverage (C+M+Y+K, in %) allowed by a printing condition, by the output intent's
#: OutputConditionIdentifier; any other condition is held to DEFAULT_TAC.
TAC_LIMITS = {"FOGRA39": 300, "FOGRA39L": 300, "CGATS TR 001": 300, "SWOP": 300,
              "Artifex CMYK SWOP Profile": 300}
DEFAULT_TAC = 300
#: Resolution of the CMYK rendering that is measured (dpi).
TAC_DPI = 150


def _condition(pdf) -> str:
    for oi in pdf.Root.get("/OutputIntents") or []:
        if str(oi.get("/S")) == "/GTS_PDFX":
            return str(oi.get("/OutputConditionIdentifier", ""))
    return ""


def max_tac(path: Path, work: Path, dpi: int = TAC_DPI) -> list[dict]:
    """Per page: the highest C+M+Y+K (in %) of any pixel inside the TrimBox, rendered in CMYK
    by Ghostscript (tiff32nc, colours as written: no colour management of DeviceCMYK), and
    the box (in mm from the trim's top left) of the pixels at that maximum."""
    from PIL import Image, ImageMath

    args = ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dUseTrimBox", "-dNOINTERPOLATE",
            f"-r{dpi}", "-sDEVICE=tiff32nc", "-o", str(work / "page-%04d.tif"), str(path)]
    proc = run_tool(args, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"ghostscript failed: {proc.stderr.decode(errors='replace').strip()[:200]}")
    pages = []
    for tif in sorted(work.glob("page-*.tif")):
        with Image.open(tif) as im:
            c, m, y, k = im.convert("CMYK").split()
        total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
        peak = total.getextrema()[1]
        where = ImageMath.lambda_eval(lambda a: a["t"] >= peak, t=total).getbbox() if peak else None
        mm = 25.4 / dpi
        pages.append({"page": len(pages) + 1, "max_tac": round(peak * 100 / 255, 1),
                      "at_mm": [round(v * mm, 1) for v in where] if where else None})
        tif.unlink()
    return pages


@check("print", "tac", "total ink (C+M+Y+K) within the output condition's limit")
def total_area_coverage(ctx, path):
    """The highest total ink on any pixel inside the trim, against the limit of the intent's
    printing condition (300 % for FOGRA39). Crop marks (registration, 400 %) lie outside the trim."""
    pdf = _open(ctx, path)
    condition = _condition(pdf)
    limit = TAC_LIMITS.get(condition, DEFAULT_TAC)
    pages = max_tac(path, ctx.scratch("tac"))
    details = {"condition": condition, "limit": limit, "dpi": TAC_DPI, "pages": pages}
    if len(pages) != len(pdf.pages):
        return Outcome(False, "Ghostscript did not render every page", details)
    over = [p for p in pages if p["max_tac"] > limit]
    if over:
        p = over[0]
        return Outcome(False, f"page {p['page']}: total ink {p['max_tac']:g} % at {p['at_mm']} mm, over the "
                              f"{limit} % of {condition or 'the condition'}"
                              + (f" (+{len(over) - 1} more pages)" if len(over) > 1 else ""), details)
    peak = max(p["max_tac"] for p in pages) if pages else 0
    return Outcome(True, f"max total ink {peak:g} % (limit {limit} %, {condition or 'no condition'})", details)


# -- screen: tagging -------------------------------------------------------------


def _struct_elements(root):
    """Yield every structure element dictionary under the StructTreeRoot."""
    import pikepdf

    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.objgen != (0, 0):
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        if "/S" in node:
            yield node
        kids = node.get("/K")
        if kids is not None:
            stack.append(kids)


def _outline_titles(pdf) -> list[tuple[int, str]]:
    out = []
    with pdf.open_outline() as outline:
        def walk(items, depth):
            for item in items:
                out.append((depth, item.title))
                walk(item.children, depth + 1)
        walk(outline.root, 0)
    return out


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@check("screen", "tags", "tagged PDF (StructTreeRoot, MarkInfo, PDF/UA id)")
def tagged(ctx, path):
    pdf = _open(ctx, path)
    problems = []
    root = pdf.Root.get("/StructTreeRoot")
    elements = list(_struct_elements(root)) if root is not None else []
    if root is None:
        problems.append("no StructTreeRoot")
    elif not elements:
        problems.append("empty structure tree")
    mark = pdf.Root.get("/MarkInfo")
    if mark is None or not bool(mark.get("/Marked", False)):
        problems.append("MarkInfo /Marked is not true")
    with pdf.open_metadata() as xmp:
        part = xmp.get("{http://www.aiim.org/pdfua/ns/id/}part")
    if str(part) != "1":
        problems.append(f"XMP pdfuaid:part is {part!r}, not 1")
    roles = {}
    for el in elements:
        roles[str(el.S)[1:]] = roles.get(str(el.S)[1:], 0) + 1
    if elements and not any(r.startswith("H") for r in roles):
        problems.append("no heading elements")
    details = {"elements": dict(sorted(roles.items()))}
    return Outcome.from_problems(problems, f"{len(elements)} structure elements, Marked, PDF/UA-1", details)


@check("screen", "lang-title", "/Lang and DisplayDocTitle")
def lang_title(ctx, path):
    pdf = _open(ctx, path)
    problems = []
    lang = str(pdf.Root.get("/Lang", ""))
    expected = ctx.interview.meta.lang
    if not lang:
        problems.append("no /Lang in the catalog")
    elif lang.split("-")[0].lower() != expected.split("-")[0].lower():
        problems.append(f"/Lang is {lang!r}, the source says {expected!r}")
    prefs = pdf.Root.get("/ViewerPreferences")
    if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
        problems.append("ViewerPreferences /DisplayDocTitle is not true")
    with pdf.open_metadata() as xmp:
        title = xmp.get("{http://purl.org/dc/elements/1.1/}title")
    if _norm(title or "") != _norm(ctx.interview.meta.title):
        problems.append(f"dc:title is {title!r}, not the source's title")
    details = {"lang": lang, "title": str(title) if title else None}
    return Outcome.from_problems(problems, f"/Lang {lang}, title shown", details)


@check("screen", "figures", "/Alt on every Figure")
def figures(ctx, path):
    pdf = _open(ctx, path)
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return Outcome(False, "no StructTreeRoot", {})
    rolemap = {str(k): str(v) for k, v in (root.get("/RoleMap") or {}).items()}
    figs = [el for el in _struct_elements(root) if rolemap.get(str(el.S), str(el.S)) == "/Figure"]
    missing = [i for i, el in enumerate(figs, 1) if not str(el.get("/Alt", "")).strip()]
    alts = [str(el.get("/Alt", "")) for el in figs]
    image = ctx.interview.image
    details = {"figures": len(figs), "alt": alts}
    if missing:
        return Outcome(False, f"{len(missing)} of {len(figs)} Figure elements have no /Alt", details)
    if image and image.path:
        if not figs:
            return Outcome(False, "the lead photo is not tagged as a Figure", details)
        if not any(_norm(image.alt) in _norm(a) for a in alts):
            return Outcome(False, "no Figure carries the photo's alt text from the source", details)
    if not figs:
        return Outcome(True, "no figures (the source has no photo file)", details)
    return Outcome(True, f"{len(figs)} figures, all with /Alt", details)


@check("screen", "outline", "outline: title and every question")
def outline(ctx, path):
    from .text import _inline_text

    titles = _outline_titles(_open(ctx, path))
    names = [_norm(t) for _d, t in titles]
    expected = [ctx.interview.meta.title] + [_inline_text(ex.question) for ex in ctx.interview.exchanges]
    missing = [e for e in expected if _norm(e.replace("\x00", "")) not in names]
    details = {"entries": [t for _d, t in titles]}
    if not titles:
        return Outcome(False, "no outline (bookmarks)", details)
    if missing:
        return Outcome(False, f"{len(missing)} headings not in the outline, first: “{missing[0][:60]}”", details)
    return Outcome(True, f"{len(titles)} bookmarks", details)


def page_count(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


# -- screen: independent PDF/UA-1 validators --------------------------------------
#
# veraPDF, the reference PDF/UA validator, is not packaged anywhere these machines install
# from (PyPI, Debian, npm), so two independent checkers run instead, both pinned in the test
# extras: page-validation (the Rust checker "page", profile ua1, which reports the Matterhorn
# rules it tested) and outloud (PDF/UA-1 and WCAG 2.2, JSON output).

#: outloud warnings that are accepted, each with its reason and the test that decides whether
#: one finding is covered. Everything else outloud reports, errors and warnings, fails.
OUTLOUD_ACCEPTED = {
    "HDG-011": "the questions are the interview's headings: they are its structure, and "
               "screen-reader users move from question to question (README, 'Screen edition')",
    "TXT-004": "an Arabic letter has up to five glyphs (isolated, initial, medial, final, and "
               "the lam of lam-alef), each mapped to that letter",
    "TAG-002": "the running head (publication, section and title), a pagination artifact; outloud "
               "takes a line that repeats on fewer than two pages for prose",
}


def _page_validation():
    try:
        import page
    except ImportError:
        raise ToolMissing("page-validation is not installed (it is in the test extras: "
                          "pip install -e '.[test]')") from None
    return page


@check("screen", "page-ua1", "PDF/UA-1: page-validation (Matterhorn rules)")
def page_ua1(ctx, path):
    page = _page_validation()
    try:
        report = page.validate_pdf(str(path), profile="ua1")
    except page.PageError as e:
        return Outcome(False, f"page-validation cannot read the file: {type(e).__name__}: {e}", {})
    failures = [{"rule": f.rule_id, "message": f.message, "category": f.category.value,
                 "object": f.object_id.object_number if f.object_id is not None else None}
                for f in report.failures]
    rules = report.rules
    details = {"validator": f"page-validation {page.__version__}", "profile": report.profile.value,
               "compliant": report.is_compliant, "rules_tested": rules.total, "rules_passed": rules.passed,
               "rules_failed": rules.failed, "checks_failed": report.checks.failed, "failures": failures}
    if not report.is_compliant or failures:
        ids = sorted({f["rule"] for f in failures})
        first = next(f for f in failures if f["rule"] == ids[0]) if ids else None
        return Outcome(False, f"{rules.failed} of {rules.total} rules failed"
                       + (f": {first['rule']} ({first['message']})" if first else "")
                       + (f" (+{len(ids) - 1} more rules)" if len(ids) > 1 else ""), details)
    return Outcome(True, f"{rules.total} rules tested, all passed (PDF/UA-1)", details)


def _accepted(finding: dict, ctx) -> bool:
    """Whether one outloud finding is a known, explained false alarm (OUTLOUD_ACCEPTED)."""
    rule, text = finding.get("rule"), finding.get("message", "")
    if rule not in OUTLOUD_ACCEPTED or finding.get("severity") not in ("warning", "error"):
        return False
    if rule == "HDG-011":
        return finding["severity"] == "warning" and text.startswith("/H2 ")
    if rule == "TXT-004":
        mo = re.fullmatch(r"font \S+: \d+ different codes all map to ((?:U\+[0-9A-F]{4,6} ?)+) '.*'", text)
        return (finding["severity"] == "warning" and mo is not None
                and all(0x0600 <= int(u[2:], 16) <= 0x06FF or 0xFB50 <= int(u[2:], 16) <= 0xFEFF
                        for u in mo.group(1).split()))
    if rule == "TAG-002":
        # Every line shown must be the running head: words of the publisher, section and title.
        meta = ctx.interview.meta
        vocabulary = set(_words(" ".join(filter(None, (meta.publisher, meta.section, meta.title)))))
        lines = [s for s in (finding.get("evidence") or "").split("; ") if s]
        if not lines or finding.get("count", 1) > len(lines):
            return False
        for line in lines:
            cut = line.endswith("…")
            ws = _words(line.rstrip("…"))
            if not ws or not set(ws[:-1] if cut else ws) <= vocabulary:
                return False
            if cut and not any(v.startswith(ws[-1]) for v in vocabulary):
                return False
        return True
    return False


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


@check("screen", "outloud", "PDF/UA-1 and WCAG 2.2: outloud")
def outloud_check(ctx, path):
    import importlib.util
    import json
    import sys

    if importlib.util.find_spec("outloud") is None:
        raise ToolMissing("outloud is not installed (it is in the test extras: pip install -e '.[test]')")
    proc = run_tool([sys.executable, "-m", "outloud.cli", str(path), "--json", "-", "--fail-on", "never"],
                    timeout=600)
    try:
        result = json.loads(proc.stdout)["results"][0]
    except (ValueError, KeyError, IndexError):
        err = proc.stderr.decode(errors="replace").strip().splitlines()
        return Outcome(False, f"outloud gave no report (exit {proc.returncode}): {err[-1] if err else ''}"[:300], {})
    if result.get("error"):
        return Outcome(False, f"outloud cannot read the file: {result['error']}", {"verdict": result.get("verdict")})
    findings = [{k: f[k] for k in ("rule", "severity", "message", "page", "count", "evidence") if k in f}
                for f in result["findings"] if f.get("severity") in ("error", "warning")]
    accepted = [f for f in findings if _accepted(f, ctx)]
    problems = [f for f in findings if f not in accepted]
    runs = result.get("rules", [])
    ran = sorted(r["rule"] for r in runs if r.get("status") == "ran")
    crashed = sorted(r["rule"] for r in runs if r.get("status") == "crashed")
    statuses: dict[str, dict[str, int]] = {}
    for framework, rows in sorted((result.get("criteria") or {}).items()):
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        statuses[framework] = dict(sorted(counts.items()))
    details = {"validator": f"outloud {_outloud_version()}", "outloud_verdict": result.get("verdict"),
               "counts": result.get("counts"), "rules_run": len(ran), "rules_in_catalogue": len(runs),
               "rules": ran, "crashed": crashed, "criteria": statuses,
               "problems": problems,
               "accepted": [{**f, "reason": OUTLOUD_ACCEPTED[f["rule"]]} for f in accepted]}
    names = {"pass": "pass", "not-applicable": "not applicable", "manual": "need a person"}
    matterhorn = statuses.get("pdfua1", {})
    order = sorted(matterhorn, key=lambda s: (list(names).index(s) if s in names else -1, s))
    tested = (f"{len(ran)} rules run; Matterhorn checkpoints: "
              + ", ".join(f"{matterhorn[s]} {names.get(s, s)}" for s in order))
    if crashed:
        problems = problems + [{"rule": r, "severity": "error", "message": "rule crashed"} for r in crashed]
    if problems:
        first = problems[0]
        errors = sum(1 for f in problems if f["severity"] == "error")
        return Outcome(False, f"{errors} errors, {len(problems) - errors} warnings: {first['rule']} "
                              f"{first['message']}"[:300] + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""),
                       details)
    kinds = sorted({f["rule"] for f in accepted})
    note = ("; accepted (see details): " + ", ".join(
        f"{r} ×{sum(f.get('count', 1) for f in accepted if f['rule'] == r)}" for r in kinds)) if accepted else ""
    return Outcome(True, f"no error or warning left ({tested}){note}", details)


def _outloud_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("outloud")
    except metadata.PackageNotFoundError:
        return "missing"
