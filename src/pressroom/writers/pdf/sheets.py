"""Stylesheets of an edition: the trim presets (their page rules made from the trim's data), the ICC output intents, the fonts the sheets declare."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template


from ...errors import BuildError
from ...styles import TRIM_LENGTHS, Styles


EDITIONS = ("print", "screen")
DEFAULT_TRIM = "a4"
#: The template of a trim preset's page rules (styles/trim/; the preset's data fills it in).
PAGE_TEMPLATE = "page.css.in"
#: Which profile is the output intent of which trim, and the printing condition each profile
#: describes, are data: styles/icc/intents.json.
INTENTS_FILE = "intents.json"
#: The bleed, as written to every page's BleedBox (trim + BLEED_MM on each side). The CSS
#: bleed area (print.css) is larger: the crop marks sit in the slug beyond the bleed.

# -- styles: trim presets and ICC profiles --------------------------------------------------

def _bare_name(kind: str, name: str) -> str:
    if not name or name != Path(name).name or name.startswith(".") or "\\" in name:
        raise BuildError(f"{kind} {name!r} must be a plain file name, not a path")
    return name


def trim_sheet(styles: Styles, trim: str | None) -> Path:
    """The stylesheet of a trim preset (styles/trim/<name>.css: its type sizes, photo height,
    columns); its page size and margins are data (``page_rules``)."""
    name = _bare_name("trim preset", trim or DEFAULT_TRIM)
    styles.trim(name)  # an unknown preset is refused, with the presets there
    return styles.path("trim", f"{name}.css")


def page_rules(styles: Styles, trim: str | None) -> str:
    """The print page of a trim preset as CSS: the @page size and margins (mirrored) and the
    --top/--inner/--outer properties, from its data (styles/trim/<name>.json, which the DOCX
    writer reads too) through the template styles/trim/page.css.in."""
    data = styles.trim(_bare_name("trim preset", trim or DEFAULT_TRIM))
    template = styles.path("trim", PAGE_TEMPLATE)
    try:
        return Template(template.read_text(encoding="utf-8")).substitute(
            {key: data.css(key) for key in TRIM_LENGTHS})
    except (KeyError, ValueError) as e:
        raise BuildError(f"{template} is not a valid page template: {e}") from None


@dataclass(frozen=True)
class Sheet:
    """A stylesheet of an edition: a file of styles/, or (``text``) CSS made from data of
    styles/ through ``path``, its template."""

    path: Path
    text: str | None = None

    def css(self, **options):
        """The sheet as a ``weasyprint.CSS`` (``options``: its other arguments)."""
        import weasyprint

        if self.text is None:
            return weasyprint.CSS(filename=str(self.path), **options)
        return weasyprint.CSS(string=self.text, base_url=str(self.path), **options)


def _intents(styles: Styles) -> dict:
    import json

    path = styles.path("icc", INTENTS_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        defaults, conditions = data["defaults"], data.get("conditions", {})
        if not isinstance(defaults, dict) or not isinstance(conditions, dict):
            raise ValueError("'defaults' and 'conditions' must be objects")
    except (ValueError, KeyError) as e:
        raise BuildError(f"{path} is not a valid intents file: {e}") from None
    return data


def default_icc(styles: Styles, trim: str | None) -> str:
    """The output-intent profile of a trim preset (styles/icc/intents.json, '*' for any other)."""
    defaults = _intents(styles)["defaults"]
    name = defaults.get(trim or DEFAULT_TRIM, defaults.get("*"))
    if not name:
        raise BuildError(f"no default ICC profile for the trim {trim or DEFAULT_TRIM!r} in "
                         f"{styles.root / 'icc' / INTENTS_FILE} (add it, or a '*' entry)")
    return name


def icc_profile(styles: Styles, name: str | None, trim: str | None = None) -> Path:
    """The output-intent profile ``name`` (by default the trim's) from styles/icc/, checked to be
    a CMYK printer profile."""
    name = _bare_name("ICC profile", name or default_icc(styles, trim))
    folder = styles.root / "icc"
    path = folder / name
    if not path.is_file():
        known = ", ".join(sorted(p.name for p in folder.glob("*.ic[cm]"))) or "none"
        raise BuildError(f"no ICC profile {name!r} in {folder} (profiles are only read from there); "
                         f"available: {known}")
    head = path.read_bytes()[:128]
    if len(head) < 128 or head[36:40] != b"acsp":
        raise BuildError(f"{path} is not an ICC profile")
    device_class, space = head[12:16].decode("latin-1"), head[16:20].decode("latin-1").strip()
    if device_class != "prtr" or space != "CMYK":
        raise BuildError(f"{path} is a {space} {device_class!r} profile; the print edition needs a "
                         "CMYK output profile (device class 'prtr', colour space CMYK)")
    try:
        from PIL import ImageCms

        ImageCms.getOpenProfile(str(path))
    except Exception as e:  # noqa: BLE001 - any failure means the profile is unusable
        raise BuildError(f"{path} cannot be read as an ICC profile: {e}") from None
    return path


INTENT_KEYS = ("OutputConditionIdentifier", "RegistryName", "OutputCondition", "Info")


def output_condition(styles: Styles, profile: Path) -> dict[str, str]:
    """The OutputIntent's condition entries for a profile: from styles/icc/intents.json when it
    lists the profile, else the profile's own description for the identifier, condition and info."""
    listed = _intents(styles)["conditions"].get(profile.name)
    if listed is None:
        desc = _profile_description(profile)
        return {"OutputConditionIdentifier": desc, "OutputCondition": desc, "Info": desc}
    unknown = set(listed) - set(INTENT_KEYS)
    if unknown or not isinstance(listed.get("OutputConditionIdentifier"), str) or \
            not all(isinstance(v, str) for v in listed.values()):
        raise BuildError(f"{styles.root / 'icc' / INTENTS_FILE}: the condition of {profile.name} needs a text "
                         f"OutputConditionIdentifier and only text {', '.join(INTENT_KEYS)}")
    return {k: listed[k] for k in INTENT_KEYS if k in listed}


def _profile_description(path: Path) -> str:
    from PIL import ImageCms

    desc = ImageCms.getProfileDescription(ImageCms.getOpenProfile(str(path))).strip()
    return desc or path.name


def stylesheets(styles: Styles, edition: str, trim: str | None) -> list[Sheet]:
    sheets = [Sheet(styles.path(name)) for name in ("fonts.css", "base.css", f"{edition}.css")]
    if edition == "print":
        sheets.append(Sheet(trim_sheet(styles, trim)))
        sheets.append(Sheet(styles.path("trim", PAGE_TEMPLATE), page_rules(styles, trim)))
    sheets.append(Sheet(styles.path("languages.css")))  # per-language typography, last (issue 6)
    return sheets


def _declared_families(fonts_css: Path) -> set[str]:
    """The font families declared by @font-face in styles/fonts.css."""
    import tinycss2

    families = set()
    for rule in tinycss2.parse_stylesheet(fonts_css.read_text(encoding="utf-8"), True, True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "font-face":
            for decl in tinycss2.parse_declaration_list(rule.content, True, True):
                if decl.type == "declaration" and decl.lower_name == "font-family":
                    families.add(tinycss2.serialize(decl.value).strip().strip("\"'"))
    return families
