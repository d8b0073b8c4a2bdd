"""The table of outputs: every file that a build makes from one interview model.

One entry per output. The CLI's commands, the Makefile's rules (``python3 -m pressroom.outputs
make``, included by the Makefile as ``build/outputs.mk``), the checks, ``dist`` and the tests are
made from this table, so a new output is one writer module plus one entry here.

An entry says:

- ``name``: the output's name (``pressroom check --only print``, the check reports);
- ``suffix``: the file beside the model, ``build/<stem><suffix>``;
- ``command`` and ``args``: the CLI command that writes it (``pressroom pdf --edition print``);
- ``writer``: the module that writes it (it never imports another writer, nor the reader);
- ``options``: the build options (``TRIM``, ``ICC``) the output follows; each is a file under
  ``build/options/`` that the rule depends on, so changing one rebuilds exactly what it changes;
- ``makes``: files the writer writes beside the output for other rules to read (the print
  edition's page map);
- ``reads``: such files of other outputs that this one reads (the EPUB reads the page map, so it
  follows the print edition's pages).

This module imports nothing from pressroom and nothing outside the standard library: the
Makefile runs it with the system's Python before the project's environment exists.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

#: The reader's output, which every writer reads.
MODEL_SUFFIX = ".model.json"
#: The print edition's page map, which the EPUB's page-list follows.
PAGES_SUFFIX = ".pages.json"


@dataclass(frozen=True)
class Output:
    name: str
    suffix: str
    label: str
    command: str
    writer: str
    args: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    makes: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    #: The Makefile's short name for the step (its one line per file).
    verb: str = ""
    #: Groups of outputs that `make <group>` builds (``make pdf``: both editions).
    groups: tuple[str, ...] = field(default=())
    #: The hand-off bundle of ``make dist`` that carries it: "print" (to the printer) or
    #: "distribution" (retailers, libraries, the web, partners).
    bundle: str = "distribution"


OUTPUTS: tuple[Output, ...] = (
    Output("print", ".pdf", "print PDF", "pdf", "pressroom.writers.pdf", ("--edition", "print"),
           options=("trim", "icc"), makes=(PAGES_SUFFIX,), verb="PDF", groups=("pdf",), bundle="print"),
    Output("screen", ".screen.pdf", "screen PDF", "pdf", "pressroom.writers.pdf", ("--edition", "screen"),
           verb="PDF", groups=("pdf",)),
    Output("epub", ".epub", "EPUB", "epub", "pressroom.writers.epub",
           reads=(PAGES_SUFFIX,), verb="EPUB", groups=("epub",)),
    Output("docx", ".docx", "DOCX", "docx", "pressroom.writers.docx",
           options=("trim",), verb="DOCX", groups=("docx",)),
    Output("html", ".html", "web edition", "html", "pressroom.writers.web", verb="HTML", groups=("html",)),
)

BY_NAME = {o.name: o for o in OUTPUTS}
NAMES = tuple(o.name for o in OUTPUTS)
SUFFIX = {o.name: o.suffix for o in OUTPUTS}
LABEL = {o.name: o.label for o in OUTPUTS}
#: The option name in the Makefile (``TRIM=a5``) and on the command line (``--trim a5``).
OPTIONS = {"trim": ("TRIM", "--trim"), "icc": ("ICC", "--icc")}
#: The outputs of each bundle of ``make dist``, in the table's order.
BUNDLES = {b: tuple(o.name for o in OUTPUTS if o.bundle == b) for b in ("print", "distribution")}
#: Which output makes each side file.
MADE_BY = {suffix: o for o in OUTPUTS for suffix in o.makes}
#: The commands of the CLI that write an output, with the writer module of each.
COMMANDS = {o.command: o.writer for o in OUTPUTS}


def groups() -> dict[str, list[Output]]:
    out: dict[str, list[Output]] = {}
    for o in OUTPUTS:
        for g in o.groups:
            out.setdefault(g, []).append(o)
    return out


# ---------------------------------------------------------------------------
# The Makefile's rules


def makefile() -> str:
    """The rules of every output, for ``include``: one rule and one process per file.

    Each output depends on its model, the option files it follows, the side files it reads and
    its dependency file (``build/<stem><suffix>.d``, written by the writer as a compiler writes
    one: the modules it imported and the styles and assets it opened). Each check result
    (``build/<stem>.<name>.check.json``) depends on its output, the model and the checks' own
    dependency file.
    """
    lines = ["# Made by `python3 -m pressroom.outputs make` from src/pressroom/outputs.py: do not edit.",
             f"OUTPUT_NAMES := {' '.join(NAMES)}"]
    for o in OUTPUTS:
        files = f"$(STEMS:%=$(BUILD)/%{o.suffix})"
        lines.append(f"{o.name.upper()}_FILES := {files}")
    for g, outs in groups().items():
        lines.append(f"{g.upper()}_GOAL := " + " ".join(f"$({o.name.upper()}_FILES)" for o in outs))
    lines.append("ALL_FILES := " + " ".join(f"$({o.name.upper()}_FILES)" for o in OUTPUTS))
    # `make pdf`, `make html`, …: one goal per group; `make` (all) builds every group.
    lines.append(f"OUTPUT_GROUPS := {' '.join(groups())}")
    lines.append(".PHONY: $(OUTPUT_GROUPS)")
    lines += [f"{g}: $({g.upper()}_GOAL)" for g in groups()]
    lines.append("all: $(OUTPUT_GROUPS)")
    lines.append("CHECK_FILES := " + " ".join(f"$(STEMS:%=$(BUILD)/%.{o.name}.check.json)" for o in OUTPUTS))
    lines.append("")
    for o in OUTPUTS:
        opts = " ".join(f"$(BUILD)/options/{x}" for x in o.options)
        reads = " ".join(f"$(BUILD)/%{s}" for s in o.reads)
        flags = " ".join(f"$(if $({OPTIONS[x][0]}),{OPTIONS[x][1]} $({OPTIONS[x][0]}))" for x in o.options)
        read_flags = " ".join(f"--pages $(BUILD)/$*{s}" for s in o.reads if s == PAGES_SUFFIX)
        make_flags = " ".join(f"--pages-out $(BUILD)/$*{s}" for s in o.makes if s == PAGES_SUFFIX)
        target = f"$(BUILD)/%{o.suffix}"
        if o.makes:  # the side files come from the same run: a grouped pattern rule
            target = " ".join([target] + [f"$(BUILD)/%{s}" for s in o.makes]) + " &"
        lines += [
            f"{target}: $(BUILD)/%{MODEL_SUFFIX} {opts} {reads} $(STAMP)".replace("  ", " ").rstrip(),
            f"\t$(call say,{o.verb},$(BUILD)/$*{o.suffix})",
            f"\t$(Q)$(PRESSROOM) {o.command} $< {' '.join(o.args)} {flags} {read_flags} {make_flags} "
            f"-o $(BUILD)/$*{o.suffix} --deps $(BUILD)/$*{o.suffix}.d".replace("  ", " "),
            "",
            f"$(BUILD)/%.{o.name}.check.json: $(BUILD)/%{o.suffix} $(BUILD)/%{MODEL_SUFFIX} source/%.md "
            f"$(BUILD)/tools.json $(STAMP) | $(ACE) $(WEBCHECK)",
            f"\t$(call say,CHECK,$(BUILD)/$*{o.suffix})",
            f"\t$(Q)$(PRESSROOM) check source/$*.md --only {o.name} --build $(BUILD) "
            f"--result $@ --deps $@.d",
            "",
        ]
    return "\n".join(line.replace("  ", " ") if line.startswith("\t") else line for line in lines) + "\n"


def main(argv: list[str]) -> int:
    if argv == ["make"]:
        sys.stdout.write(makefile())
        return 0
    if argv == ["names"]:
        print(" ".join(NAMES))
        return 0
    print("usage: python3 -m pressroom.outputs make|names", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
