"""The translator's kit: ``make kit LANG=fr`` (issue 18; README, "Translations").

The kit of a language is ``build/kit/<LANG>/``: for each source not already in that language, the
DOCX writer's output set in the target language (``pressroom docx --translate-to LANG``, written
by the Makefile's rule), and ``README.txt``, which tells the translator what to change and what to
leave. This module writes the two things around the DOCXs:

- ``rules``: ``build/kit/<LANG>.mk``, which the Makefile includes: the kit's DOCXs
  (``KIT_FILES``), read from the models; and ``build/kit/<LANG>.skipped``, a line for each
  source skipped (already in the language; an edition in another language, since the kit is
  made from the original; an original with its edition in the language already);
- ``readme``: the translator's README, from the template ``styles/kit/README.txt``: its
  placeholders are ``{name}`` and ``{language}``, the language's name short and in full
  (``styles/strings.json``, "languages"), ``{tag}`` and ``{files}``, the kit's files. No date, no clock:
  the same kit gives the same bytes.

``python -m pressroom.kit rules --lang fr --build build -o build/kit/fr.mk STEM...``
``python -m pressroom.kit readme --lang fr -o build/kit/fr/README.txt FILE...``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import BuildError, SourceError
from .outputs import MODEL_SUFFIX
from .package import write_atomic

#: The template of the translator's README, in the styles folder.
README_TEMPLATE = ("kit", "README.txt")


def same_language(a: str, b: str) -> bool:
    """Whether two BCP 47 tags name the same language (tags are case-insensitive)."""
    return a.lower() == b.lower()


def rules(lang: str, build: str, stems: list[str]) -> tuple[str, str]:
    """The Make variables of the kit of ``lang`` (its DOCXs), and the lines saying which
    sources it skips and why: a source already in ``lang``; an edition in another language
    (the kit is made from the publication's original, README "Language editions"); an original
    whose publication has its ``lang`` edition already."""
    from .reader.editions import edition_base

    files, notes = [], []
    models = {stem: _model(Path(build) / f"{stem}{MODEL_SUFFIX}") for stem in stems}
    for stem, iv in models.items():
        if same_language(iv.meta.lang, lang):
            notes.append(f"kit: source/{stem}.md is already in {lang}: skipped")
            continue
        base, _ = edition_base(stem, iv.meta.lang)
        stems_of = sorted([(iv.meta.lang.lower(), stem)] + [(e.lang.lower(), e.source_name) for e in iv.editions])
        original = base if any(s == base for _, s in stems_of) else stems_of[0][1]
        if stem != original:
            notes.append(f"kit: source/{stem}.md is the {iv.meta.lang} edition of source/{original}.md, "
                         "from which the kit is made: skipped")
            continue
        done = [e for e in iv.editions if same_language(e.lang, lang)]
        if done:
            notes.append(f"kit: source/{stem}.md has its {lang} edition already, source/{done[0].source_name}.md: "
                         "skipped (delete or rename it to translate again)")
            continue
        files.append(f"{build}/kit/{lang}/{stem}.{lang}.docx")
    return (f"# Made by `python -m pressroom.kit rules` (src/pressroom/kit.py) for make kit LANG={lang}: do not edit.\n"
            f"KIT_FILES := {' '.join(files)}\n", "".join(line + "\n" for line in notes))


def _model(path: Path):
    from .model import ModelFileError, from_json

    try:
        return from_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise SourceError(str(path), 1, f"cannot read the model file: {getattr(e, 'strerror', None) or e}",
                          "build it again from its source (make)") from None
    except (ModelFileError, TypeError, ValueError, KeyError) as e:
        raise SourceError(str(path), 1, f"not a model this pressroom can read: {e}",
                          "build it again from its source (make)") from None


def language_names(lang: str, table: dict) -> tuple[str, str]:
    """How the README names the language, short and in full: ``French``, ``French (français,
    fr)``; the tag alone when ``styles/strings.json`` ("languages") does not name it."""
    primary = lang.split("-")[0].lower()
    english = table.get("en", {}).get("languages", {}).get(primary)
    block = table.get(primary)
    own = block.get("languages", {}).get(primary) if isinstance(block, dict) else None
    if not english:
        return lang, lang
    names = [n for n in (own,) if n and n != english]
    return english, f"{english} ({', '.join([*names, lang])})"


def readme(lang: str, files: list[str], styles) -> bytes:
    """The translator's README of the kit of ``lang`` holding ``files`` (names in the folder)."""
    path = styles.path(*README_TEMPLATE)
    table = json.loads(styles.path("strings.json").read_text(encoding="utf-8"))
    template = path.read_text(encoding="utf-8")
    listed = "\n".join(f"  {name}" for name in sorted(files)) or "  (none: every source is in this language)"
    try:
        name, full = language_names(lang, table)
        text = template.format(name=name, language=full, tag=lang, files=listed)
    except (KeyError, IndexError, ValueError) as e:
        raise SourceError(str(path), 1, f"the template has a placeholder it cannot fill: {e}",
                          "use {name}, {language}, {tag} and {files} only; write a brace as {{ or }}") from None
    return text.encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pressroom.kit", description="the translator's kit (make kit)")
    sub = p.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("rules", help="the Make variables of a kit: its DOCXs and the sources skipped")
    sp.add_argument("--lang", required=True)
    sp.add_argument("--build", default="build")
    sp.add_argument("-o", "--output", required=True)
    sp.add_argument("stems", nargs="*", metavar="STEM")
    sp = sub.add_parser("readme", help="the translator's README")
    sp.add_argument("--lang", required=True)
    sp.add_argument("--styles", help="styles folder (default: the project's styles/)")
    sp.add_argument("-o", "--output", required=True)
    sp.add_argument("files", nargs="*", metavar="FILE")
    args = p.parse_args(argv)
    try:
        if args.command == "rules":
            data, notes = rules(args.lang, args.build, args.stems)
            write_atomic(str(Path(args.output).with_suffix(".skipped")), notes.encode("utf-8"))
            data = data.encode("utf-8")
        else:
            from .styles import open_styles

            data = readme(args.lang, args.files, open_styles(args.styles))
        write_atomic(args.output, data)
    except SourceError as e:
        print(e.format(), file=sys.stderr)
        return 2
    except BuildError as e:
        print(f"pressroom: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"pressroom: cannot write {e.filename or args.output}: {e.strerror or e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("pressroom: interrupted; no output written", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
