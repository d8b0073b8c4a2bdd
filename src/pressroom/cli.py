"""Command line: ``pressroom pdf|epub|docx|model SOURCE -o OUTPUT``, ``pressroom all SOURCE --outdir DIR``.

Exit status: 0 on success, 2 on bad input (one line on stderr, no
traceback), 1 on a build failure that is not the source's fault, 130 when
interrupted (Ctrl-C, SIGTERM, SIGHUP). Whatever happens, an existing output
is either replaced whole or left untouched. Set PRESSROOM_DEBUG=1 to get the
Python traceback of an unexpected error.
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
from .package import write_all_atomic, install_signal_handlers, write_atomic

FORMATS = {
    "pdf": "pressroom.writers.pdf",
    "epub": "pressroom.writers.epub",
    "docx": "pressroom.writers.docx",
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pressroom", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"pressroom {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sp):
        sp.add_argument("source", help="the interview source (Markdown with YAML front matter)")
        sp.add_argument("--styles", help="styles folder (default: the project's styles/)")

    sp = sub.add_parser("model", help="print the interview model as JSON")
    common(sp)
    sp.add_argument("-o", "--output", help="write the JSON here instead of standard output")

    for name in FORMATS:
        sp = sub.add_parser(name, help=f"write the {name.upper()}")
        common(sp)
        sp.add_argument("-o", "--output", required=True, help="output file")
        if name == "pdf":
            sp.add_argument("--edition", choices=("print", "screen"), default="print",
                            help="print: PDF/X-4, CMYK, bleed and marks; screen: tagged PDF/UA-1, RGB")
            sp.add_argument("--trim", default=None, help="trim size preset in styles/trim/ (a4, a5, letter)")
            sp.add_argument("--icc", default=None, help="CMYK output-intent profile in styles/icc/")
        if name == "epub":
            sp.add_argument("--trim", default=None,
                            help="trim size of the print edition whose pages the page-list follows (default a4)")

    sp = sub.add_parser("all", help="write every format in one process (faster than one process each)")
    common(sp)
    sp.add_argument("--outdir", required=True,
                    help="folder for <stem>.pdf, <stem>.screen.pdf, <stem>.epub and <stem>.docx")
    sp.add_argument("--trim", default=None, help="trim size of the print edition (and of the EPUB's page-list)")
    sp.add_argument("--icc", default=None, help="CMYK output-intent profile of the print edition")
    _release_commands(sub)
    return p


def _release_commands(sub) -> None:
    """``check`` and ``dist`` (issue 8): they read finished outputs; see checks/ and dist.py."""
    sp = sub.add_parser("check", help="check every output of the sources: one table, a JSON report")
    sp.add_argument("sources", nargs="+", metavar="SOURCE")
    sp.add_argument("--build", default="build", help="folder holding the outputs (default: build)")
    sp.add_argument("--report", help="also write the whole report here (JSON); each source's report "
                                     "goes to BUILD/<stem>.check.json")
    sp.add_argument("--only", help="comma-separated outputs to check: print,screen,epub,docx")
    sp.add_argument("-q", "--quiet", action="store_true", help="print the table only when a check fails")
    sp = sub.add_parser("dist", help="hand-off bundles (folders, manifests, zips) of checked outputs")
    sp.add_argument("sources", nargs="+", metavar="SOURCE")
    sp.add_argument("--build", default="build", help="folder holding the outputs and check reports")
    sp.add_argument("--out", default=None, help="where the bundles go (default: BUILD/dist)")


#: What ``pressroom all`` writes: suffix, format, PDF edition (as the Makefile's rules do).
ALL_OUTPUTS = ((".pdf", "pdf", "print"), (".epub", "epub", None),
               (".screen.pdf", "pdf", "screen"), (".docx", "docx", None))


def _run_all(interview, styles, args) -> int:
    """Every format from one model in one process: the imports, WeasyPrint's start-up and
    the fonts are loaded once, and the EPUB's page-list reuses the print edition's layout
    (so the EPUB comes right after it). Nothing is written until every output is built."""
    from .writers.pdf import shared_layout

    stem = Path(args.source).stem
    built = []
    with shared_layout():
        for suffix, fmt, edition in ALL_OUTPUTS:
            writer = importlib.import_module(FORMATS[fmt])
            if edition == "print":
                options = {"edition": "print", "trim": args.trim, "icc": args.icc}
            elif edition == "screen":
                options = {"edition": "screen", "trim": None, "icc": None}
            elif fmt == "epub":
                options = {"trim": args.trim}
            else:
                options = {}
            built.append((Path(args.outdir) / (stem + suffix), writer.write(interview, styles, **options)))
    # All or nothing: a full disk or an interrupt while writing leaves every earlier output as
    # it was, so "no output written" is true.
    try:
        write_all_atomic(built)
    except OSError as e:
        raise BuildError(f"cannot write {e.filename or 'the outputs'}: {e.strerror or e}; no output written") from None
    return 0


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
    if args.command in ("check", "dist"):
        from .dist import run_command

        return run_command(args)
    from . import reader, transforms
    from .styles import open_styles

    output = getattr(args, "output", None)
    if output and Path(output).resolve() == Path(args.source).resolve():
        raise SourceError(args.source, 1, "the output file is the source itself",
                          "give another file name after -o")
    read = reader.read(args.source)
    styles = open_styles(args.styles)
    interview = transforms.apply(read, styles)
    if args.command == "model":
        from .model import to_json

        text = to_json(interview)
        if args.output:
            _write(args.output, text.encode("utf-8"))
        else:
            sys.stdout.write(text)
        return 0
    if args.command == "all":
        return _run_all(interview, styles, args)
    writer = importlib.import_module(FORMATS[args.command])
    options = {}
    if args.command == "pdf":
        options = {"edition": args.edition, "trim": args.trim, "icc": args.icc}
    elif args.command == "epub":
        options = {"trim": args.trim}
    data = writer.write(interview, styles, **options)
    _write(Path(args.output), data)
    return 0


def _ignore_further_signals() -> None:
    import signal

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        try:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX, or not the main thread
            pass


def _write(path, data: bytes) -> None:
    try:
        write_atomic(path, data)
    except OSError as e:
        raise BuildError(f"cannot write {path}: {e.strerror or e}") from None


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
