"""Command line: ``pressroom model SOURCE -o MODEL``, ``pressroom pdf|epub|docx MODEL -o OUTPUT``,
``pressroom import DOCX -o SOURCE``.

Exit status: 0 on success, 2 on bad input (one line on stderr, no
traceback), 1 on a build failure that is not the source's fault, 130 when
interrupted (Ctrl-C, SIGTERM, SIGHUP). Whatever happens, an existing output
is either replaced whole or left untouched. Set PRESSROOM_DEBUG=1 to get the
Python traceback of an unexpected error. PRESSROOM_TEST_SIGNAL=STAGE:SIGNAL is the
tests' hook: the process sends itself SIGNAL at that stage of the build
(``package.checkpoint``), so they interrupt a build at a known point.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from pathlib import Path

from . import __version__
from .errors import BuildError, SourceError
from .outputs import BY_NAME, COMMANDS, MADE_BY, NAMES, OUTPUTS, PAGES_SUFFIX
from .package import checkpoint, write_all_atomic, install_signal_handlers, write_atomic

def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pressroom", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"pressroom {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sp, what="the interview source (Markdown with YAML front matter)"):
        sp.add_argument("source", help=what)
        sp.add_argument("--styles", help="styles folder (default: the project's styles/)")
        sp.add_argument("--deps", help="also write a Make dependency file here: the modules, styles and "
                                       "assets this run used")

    sp = sub.add_parser("model", help="read a source: the interview model as JSON (build/<stem>.model.json)")
    common(sp)
    sp.add_argument("-o", "--output", help="write the JSON here instead of standard output")

    for command in COMMANDS:
        outs = [o for o in OUTPUTS if o.command == command]
        sp = sub.add_parser(command, help="write the " + " or ".join(o.label for o in outs))
        common(sp, "the interview model (build/<stem>.model.json), or a source (.md) to read first")
        sp.add_argument("-o", "--output", required=True, help="output file")
        if command == "pdf":
            sp.add_argument("--edition", choices=[o.name for o in outs], default=outs[0].name,
                            help="print: PDF/X-4, CMYK, bleed and marks; screen: tagged PDF/UA-1, RGB")
        options = {x for o in outs for x in o.options} | {x for o in outs for s in o.reads
                                                             for x in MADE_BY[s].options}
        if command == "docx":
            sp.add_argument("--translate-to", metavar="LANG",
                            help="the translator's copy (make kit): the same text, set in the language "
                                 "LANG (BCP 47), without the original's identifier and address")
        if "trim" in options:
            sp.add_argument("--trim", default=None, help="trim size preset in styles/trim/ (a4, a5, letter)")
        if "icc" in options:
            sp.add_argument("--icc", default=None, help="CMYK output-intent profile in styles/icc/")
        if any(PAGES_SUFFIX in o.makes for o in outs):
            sp.add_argument("--pages-out", help="write the print edition's page map here (the EPUB reads it)")
        if any(PAGES_SUFFIX in o.reads for o in outs):
            sp.add_argument("--pages", help="the print edition's page map (build/<stem>.pages.json); "
                                            "without it, the print edition is laid out here first")
    _release_commands(sub)
    sp = sub.add_parser("import", help="a DOCX that pressroom wrote, after a translator's work, as a source")
    sp.add_argument("source", metavar="DOCX", help="the translated DOCX")
    sp.add_argument("-o", "--output", required=True, help="the source to write (source/<stem>.<lang>.md); "
                                                            "the photo, if any, is written beside it")
    sp.add_argument("--lang", help="the source's language (BCP 47), if not the one the DOCX is set in")
    sp.add_argument("--styles", help="styles folder (default: the project's styles/)")
    sp.add_argument("--deps", help=argparse.SUPPRESS)
    return p


def _release_commands(sub) -> None:
    """``check``, ``dist`` and ``tools`` (issue 8): they read finished outputs; see checks/ and dist.py."""
    sp = sub.add_parser("check", help="check every output of the sources: one table, a JSON report")
    sp.add_argument("sources", nargs="+", metavar="SOURCE")
    sp.add_argument("--build", default="build", help="folder holding the outputs (default: build)")
    sp.add_argument("--report", help="also write the whole report here (JSON); each source's report "
                                     "goes to BUILD/<stem>.check.json")
    sp.add_argument("--only", help="comma-separated outputs to check: " + ",".join(NAMES))
    sp.add_argument("--result", help="check one output of one source (--only) and write its result here, "
                                     "for --collect (the Makefile's check targets)")
    sp.add_argument("--collect", action="store_true",
                    help="run nothing: gather the results that --result wrote into the reports and the table")
    sp.add_argument("--deps", help="with --result: also write a Make dependency file here")
    sp.add_argument("-q", "--quiet", action="store_true", help="print the table only when a check fails")
    sp = sub.add_parser("dist", help="hand-off bundles (folders, manifests, zips) of checked outputs")
    sp.add_argument("sources", nargs="+", metavar="SOURCE")
    sp.add_argument("--build", default="build", help="folder holding the outputs and check reports")
    sp.add_argument("--out", default=None, help="where the bundles go (default: BUILD/dist)")
    sp = sub.add_parser("tools", help="the versions of the checkers, as JSON (build/tools.json)")
    sp.add_argument("-o", "--output", required=True)


def main(argv: list[str] | None = None) -> int:
    install_signal_handlers()
    args = _parser().parse_args(argv)
    _quiet_libraries()
    try:
        return _run(args)
    except SourceError as e:
        print(e.format(), file=sys.stderr)
        return 2
    except BuildError as e:
        print(f"pressroom: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        _ignore_further_signals()  # a second Ctrl-C must not turn this line into a traceback
        from .package import outputs_written

        if outputs_written():
            # The signal was held back until every rename was done: the outputs are all new and
            # whole, only the dependency file is missing (make builds them again next time).
            print("pressroom: interrupted after the outputs were written; no dependency file written",
                  file=sys.stderr)
        else:
            print("pressroom: interrupted; no output written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as e:  # a bug (or a BaseException such as WeasyPrint's FatalURLFetchingError):
        if os.environ.get("PRESSROOM_DEBUG"):  # still one line, never a half-written output
            raise
        message = " ".join(str(e).split())[:300]
        if isinstance(e, OSError) and "cannot load library" in message:  # cffi: WeasyPrint's Pango
            print(f"pressroom: WeasyPrint cannot load a system library ({message[:160]}): install Pango and "
                  "HarfBuzz (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b "
                  "libharfbuzz-subset0; see README, 'A fresh machine')", file=sys.stderr)
            return 1
        print(f"pressroom: internal error: {type(e).__name__}: {message} "
              "(please report it; PRESSROOM_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 1


def _quiet_libraries() -> None:
    """stderr holds pressroom's one line and nothing else: what WeasyPrint, fontTools, Pillow
    and Python's warnings log goes nowhere (the PDF writer collects WeasyPrint's errors itself
    and turns them into its one line). PRESSROOM_DEBUG=1 shows every message."""
    if os.environ.get("PRESSROOM_DEBUG"):
        logging.basicConfig(level=logging.WARNING, format="%(name)s: %(levelname)s: %(message)s")
        return
    logging.captureWarnings(True)  # warnings.warn() goes to the "py.warnings" logger
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(logging.NullHandler())  # no handler at all would print through logging.lastResort
    root.setLevel(logging.WARNING)


def _run(args) -> int:
    if getattr(args, "deps", None):
        from . import deps

        deps.start()
    if args.command in ("check", "dist", "tools"):
        from .dist import run_command

        return run_command(args)
    from .styles import open_styles

    output = getattr(args, "output", None)
    if output and Path(output).resolve() == Path(args.source).resolve():
        raise SourceError(args.source, 1, "the output file is the source itself",
                          "give another file name after -o")
    styles = open_styles(args.styles)
    if args.command == "import":
        return _import(args, styles)
    if args.command == "model":
        from . import reader, transforms
        from .model import to_json

        text = to_json(transforms.apply(reader.read(args.source), styles))
        if args.output:
            _commit([(args.output, text.encode("utf-8"))], args)
        else:
            sys.stdout.write(text)
        return 0
    interview = _interview(args.source, styles)
    out = BY_NAME[args.edition] if args.command == "pdf" else next(o for o in OUTPUTS if o.command == args.command)
    options = {"edition": args.edition} if args.command == "pdf" else {}
    for name in ("trim", "icc"):
        if name in out.options and getattr(args, name, None) is not None:
            options[name] = getattr(args, name)
    if getattr(args, "translate_to", None) is not None:
        options["translate_to"] = _target_lang(args.translate_to)
        if options["translate_to"] is None:
            print(f"pressroom: --translate-to {args.translate_to!r} is not a BCP 47 language tag "
                  "(hint: use a tag such as en, fr, es, ar, ru or zh-Hans)", file=sys.stderr)
            return 2
    files = []
    if PAGES_SUFFIX in out.reads:
        options["pages"] = _page_map(args, interview, styles)
    pages_out = getattr(args, "pages_out", None)
    if pages_out and PAGES_SUFFIX in out.makes:
        options["pages_out"] = []
    elif pages_out:
        raise BuildError(f"the {out.label} has no page map to write (--pages-out is for the print edition)")
    writer = importlib.import_module(out.writer)
    files.append((args.output, writer.write(interview, styles, **options)))
    if pages_out:
        from . import pagemap

        files.append((pages_out, pagemap.dumps(options["pages_out"])))
    _commit(files, args)
    return 0


def _import(args, styles) -> int:
    """``pressroom import``: the source (and photo) written all or nothing; notes on stderr."""
    from .importer import import_docx

    result = import_docx(args.source, args.output, styles, lang=args.lang)
    _commit(result.files, args)
    for line in result.messages:
        print(line, file=sys.stderr)
    return 0


def _target_lang(tag: str) -> str | None:
    """``--translate-to``'s language as the reader writes a source's (``zh-hans`` -> ``zh-Hans``),
    or None if it is not a BCP 47 tag."""
    from .reader.front_matter import _BCP47, _canonical_lang

    return _canonical_lang(tag) if _BCP47.match(tag) else None


def _interview(path: str, styles):
    """The model a writer reads: the reader's JSON file, or (for a ``.md`` given by hand) the
    source read and transformed here."""
    if not path.endswith(".json"):
        from . import reader, transforms

        return transforms.apply(reader.read(path), styles)
    from .model import ModelFileError, from_json

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SourceError(path, 1, f"cannot read the model file: {getattr(e, 'strerror', None) or e}",
                          "build it again from its source (make)") from None
    try:
        return from_json(text)
    except (ModelFileError, TypeError, ValueError, KeyError) as e:
        raise SourceError(path, 1, f"not a model this pressroom can read: {e}",
                          "build it again from its source (make)") from None


def _page_map(args, interview, styles) -> list:
    """The print edition's page map: the file ``--pages`` names, else laid out here by the writer
    that makes it (as ``make`` runs it in its own process, but without writing its PDF)."""
    from . import pagemap

    if args.pages:
        try:
            return pagemap.loads(Path(args.pages).read_bytes())
        except (OSError, ValueError) as e:
            raise SourceError(args.pages, 1, f"cannot read the page map: {getattr(e, 'strerror', None) or e}",
                              "build the print edition again (make)") from None
    maker = MADE_BY[PAGES_SUFFIX]
    options = {"trim": args.trim} if getattr(args, "trim", None) else {}
    return importlib.import_module(maker.writer).page_map(interview, styles, **options)


def _commit(files: list, args) -> None:
    """Write the outputs all or nothing, then the dependency file (only after a success)."""
    checkpoint("built")
    try:
        if len(files) == 1:
            write_atomic(files[0][0], files[0][1])
        else:
            write_all_atomic(files)
    except OSError as e:
        raise BuildError(f"cannot write {e.filename or 'the outputs'}: {e.strerror or e}; no output written") from None
    if getattr(args, "deps", None):
        from . import deps

        deps.write(args.deps, [f for f, _ in files])


def _ignore_further_signals() -> None:
    import signal

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        try:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX, or not the main thread
            pass


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
