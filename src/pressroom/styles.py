"""Access to ``styles/``: the folder that holds everything about appearance.

Writers ask this module for paths (CSS, fonts, ICC profiles, the DOCX
reference template), for the localised fixed strings and for the page of a
trim preset (``styles/trim/<name>.json``); nothing about appearance is
hard-coded in Python.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError


def default_dir() -> Path:
    env = os.environ.get("PRESSROOM_STYLES")
    if env:
        return Path(env).resolve()
    # src/pressroom/styles.py -> the repository's styles/
    return Path(__file__).resolve().parents[2] / "styles"


@dataclass(frozen=True)
class Styles:
    root: Path

    def path(self, *parts: str) -> Path:
        p = self.root.joinpath(*parts)
        if not p.exists():
            raise BuildError(f"styles file missing: {p}")
        return p

    def strings(self, lang: str) -> "Strings":
        return Strings(_load_strings(str(self.path("strings.json"))), lang)

    def trim(self, name: str) -> "Trim":
        """The page of the trim preset ``name`` (``styles/trim/<name>.json``).

        An unknown name, or one that is not a plain file name, is refused with the presets there.
        """
        folder = self.root / "trim"
        path = folder / f"{name}.json"
        if not name or name != Path(name).name or name.startswith(".") or not path.is_file():
            known = ", ".join(sorted(p.stem for p in folder.glob("*.json")))
            raise BuildError(f"unknown trim preset {name!r}; presets in {folder}: {known}")
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            return Trim.from_data(name, data)
        except (OSError, ValueError, TypeError) as e:
            raise BuildError(f"cannot read the trim preset {path}: {e}") from None

    def typography(self, lang: str) -> dict:
        """The smart-punctuation settings of a BCP 47 tag (``styles/typography.json``).

        Blocks are looked up from the least to the most specific form of the tag
        (``zh``, ``zh-hant``, ``zh-hant-tw``) and laid over ``default`` in that order.
        """
        table = _load_strings(str(self.path("typography.json")))
        subtags = lang.lower().replace("_", "-").split("-")
        merged = {k: v for k, v in table["default"].items() if not k.startswith("_")}
        for i in range(1, len(subtags) + 1):
            block = table.get("-".join(subtags[:i]))
            if block:
                merged.update({k: v for k, v in block.items() if not k.startswith("_")})
        return merged


#: The units a trim file may give its lengths in, as millimetres.
TRIM_UNITS_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}
#: The lengths of a trim file.
TRIM_LENGTHS = ("width", "height", "top", "bottom", "inside", "outside")


@dataclass(frozen=True)
class Trim:
    """A trim preset's page: its size and the type area's distance from the trim, in ``unit``.

    ``inside`` is the binding side's margin (left on a recto), ``outside`` the other.
    """

    name: str
    unit: str
    width: float
    height: float
    top: float
    bottom: float
    inside: float
    outside: float

    @classmethod
    def from_data(cls, name: str, data: dict) -> "Trim":
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        unit = data.get("unit", "mm")
        if unit not in TRIM_UNITS_MM:
            raise ValueError(f"unit {unit!r} is not one of {', '.join(TRIM_UNITS_MM)}")
        values = {}
        for key in TRIM_LENGTHS:
            value = data.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{key!r} must be a positive number")
            values[key] = value
        if values["inside"] + values["outside"] >= values["width"] or \
                values["top"] + values["bottom"] >= values["height"]:
            raise ValueError("the margins leave no type area")
        return cls(name, unit, **values)

    def mm(self, key: str) -> float:
        """The length ``key`` in millimetres."""
        return getattr(self, key) * TRIM_UNITS_MM[self.unit]

    def css(self, key: str) -> str:
        """The length ``key`` as CSS writes it (``22mm``, ``0.85in``)."""
        value = getattr(self, key)
        number = str(int(value)) if float(value).is_integer() else repr(float(value))
        return number + self.unit


def open_styles(root: str | os.PathLike | None = None) -> Styles:
    root = Path(root).resolve() if root else default_dir()
    if not (root / "strings.json").exists():
        raise BuildError(f"no styles folder at {root}")
    return Styles(root)


@functools.lru_cache(maxsize=8)
def _load_strings(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Strings:
    """Localised labels for one language, falling back to English."""

    def __init__(self, table: dict, lang: str):
        primary = lang.split("-")[0].lower()
        self.lang = lang
        self._own = table.get(primary, {})
        self._en = table["en"]

    def __getitem__(self, key: str):
        return self._own.get(key, self._en[key])

    def get(self, key: str, **fields) -> str:
        return self[key].format(**fields)

    def own(self, key: str):
        """The language's own value of ``key``, or None (no English fallback): a language's
        name in that language, say."""
        return self._own.get(key)

    def date(self, d: _dt.date) -> str:
        month = self["months"][d.month - 1]
        # Optional per-language day forms, e.g. French "1er" for the first of the month.
        day = self._own.get("days", {}).get(str(d.day), d.day)
        return self["date"].format(d=day, month=month, Y=d.year)
