# pressroom: source/*.md -> build/<stem>.pdf, .screen.pdf, .epub, .docx
#   make            all formats of every source
#   make pdf        print (PDF/X-4) and screen (PDF/UA-1) editions
#   make epub | docx | test | clean
#   make fresh-test     make pdf and make test on a minimal Debian 12 (chroot; root, long)
#   make check          every check on every output: one table, build/check.json
#   make dist           hand-off bundles in build/dist/ (after the checks pass)
#   make verify-repro   builds the bundles twice (other time zone, later) and compares hashes
# Options: TRIM=a4|a5|letter  ICC=<profile in styles/icc/>  V=1 (show the commands)
#          ONE_PROCESS=1|0 (one `pressroom all` per source, or one process per file; see below)
.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

# The rules below need GNU make 4.3 or later (grouped targets, `&:`).
ifeq ($(filter grouped-target,$(.FEATURES)),)
$(error GNU make 4.3 or later is needed (this is $(MAKE_VERSION)): install it, e.g. from your system's packages, and run it as make or gmake)
endif

PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
BUILD   := build
TRIM    ?= a4
ICC     ?=

# Source names are data. A name Make cannot carry (a space, a quote or one of $ % # : ; \ * ? [ ] ( )
# { } < > | & = ! `) is never put in a recipe: it is named on one line of stderr, the other sources
# are built, and the build then fails.
HASH    := \#
UNSAFE  := *[][ 	"$$%$(HASH):;\\*?(){}<>|&=!`'"'"']*
SOURCES := $(shell find source -maxdepth 1 -type f -name '*.md' ! -name '$(UNSAFE)' 2>/dev/null | LC_ALL=C sort)
REFUSED := $(shell find source -maxdepth 1 -type f -name '*.md' -name '$(UNSAFE)' 2>/dev/null | wc -l)
ifneq ($(REFUSED),0)
$(shell find source -maxdepth 1 -type f -name '*.md' -name '$(UNSAFE)' -exec printf \
  '%s:1: this file name cannot be built by make: it has a space, a quote or a sign make or the shell reads (hint: rename it with letters, digits and - _ . only)\n' {} \; >&2)
endif
STEMS   := $(basename $(notdir $(SOURCES)))
PDFS    := $(STEMS:%=$(BUILD)/%.pdf) $(STEMS:%=$(BUILD)/%.screen.pdf)
EPUBS   := $(STEMS:%=$(BUILD)/%.epub)
DOCXS   := $(STEMS:%=$(BUILD)/%.docx)

# An output is rebuilt when its source, anything in styles/ or anything in src/ changes.
# Files beside a source (its photo) are dependencies of every output of that folder.
STYLE_FILES := $(shell find styles -type f 2>/dev/null)
CODE_FILES  := $(shell find src -type f -name '*.py' 2>/dev/null)
ASSETS      := $(shell find source -maxdepth 1 -type f ! -name '*.md' ! -name '$(UNSAFE)' 2>/dev/null | LC_ALL=C sort)
DEPS        := $(STYLE_FILES) $(CODE_FILES) $(ASSETS) $(STAMP) Makefile
PRESSROOM   := $(PY) -m pressroom
PDF_OPTS    := --trim $(TRIM) $(if $(ICC),--icc $(ICC))
ACE         := $(VENV)/ace/.installed
DIST        := $(BUILD)/dist

# Quiet by default: one short line per step (`  PDF     build/x.pdf`); V=1 shows the commands.
V ?= 0
ifeq ($(V),1)
Q   :=
say  =
else
Q   := @
say  = @printf '  %-7s %s\n' '$(1)' '$(2)'
endif

.PHONY: all pdf epub docx test clean proof bench check dist verify-repro fresh-test
all: pdf epub docx
ifneq ($(REFUSED),0)
	@echo "make: $(REFUSED) source(s) not built: their file names cannot be built (see above)" >&2; exit 2
endif
pdf: $(PDFS)
epub: $(EPUBS)
docx: $(DOCXS)

# The system packages (.ci/packages.txt) each goal needs: .ci/setup checks them, installs the missing
# ones (Debian/Ubuntu, as root) or stops with one line naming them. A stamp per group keeps the
# check out of the way; it is redone when the list (or .ci/setup) changes, and the tests' check
# also when Debian's package database does (a package removed since is then put back or named).
SETUP       := .ci/setup
SYSTEM_DEPS := .ci/packages.txt $(SETUP)
SYSTEM_PDF  := $(VENV)/.system-pdf
SYSTEM_TEST := $(VENV)/.system-test
SYSTEM_BENCH := $(VENV)/.system-bench
$(SYSTEM_PDF): $(SYSTEM_DEPS)
	$(Q)PYTHON=$(PYTHON) $(SETUP) --for 'make $(or $(MAKECMDGOALS),all)' --stamp $@ pdf
$(SYSTEM_TEST): $(SYSTEM_DEPS) $(wildcard /var/lib/dpkg/status)
	$(Q)PYTHON=$(PYTHON) $(SETUP) --for 'make $(or $(MAKECMDGOALS),all)' --stamp $@ pdf test
$(SYSTEM_BENCH): $(SYSTEM_DEPS) $(wildcard /var/lib/dpkg/status)
	$(Q)PYTHON=$(PYTHON) $(SETUP) --for 'make $(or $(MAKECMDGOALS),all)' --stamp $@ pdf test bench

# The virtual environment, with the project installed (editable) and its pinned dependencies.
$(STAMP): pyproject.toml | $(SYSTEM_PDF)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

# How the files are made. `make`, `make all`, `make check`, `make dist`: one `pressroom all`
# process per source writes its four files (a grouped target). Imports, fonts and the print
# edition's layout (which the EPUB's page-list follows) are then paid once, about twice as fast.
# `make pdf`, `make epub`, `make docx`, `make proof` or a single file: one process per file, that
# format only. One process per source is used only when every goal is one of those listed below
# (so `make all pdf` runs one process per file). The bytes are the same either way;
# ONE_PROCESS=1 or ONE_PROCESS=0 forces one way. With ONE_PROCESS=1 any of a source's four
# targets builds all four (`make pdf ONE_PROCESS=1` also writes the EPUB and the DOCX).
ifeq ($(origin ONE_PROCESS),undefined)
ONE_PROCESS := $(if $(filter-out all check dist verify-repro test clean bench,$(or $(MAKECMDGOALS),all)),0,1)
endif

ifeq ($(ONE_PROCESS),1)
$(BUILD)/%.pdf $(BUILD)/%.screen.pdf $(BUILD)/%.epub $(BUILD)/%.docx &: source/%.md $(DEPS)
	$(call say,ALL,$(BUILD)/$*.pdf .screen.pdf .epub .docx)
	$(Q)$(PRESSROOM) all $< --outdir $(BUILD) $(PDF_OPTS)
else
$(BUILD)/%.screen.pdf: source/%.md $(DEPS)
	$(call say,PDF,$@)
	$(Q)$(PRESSROOM) pdf $< --edition screen -o $@

$(BUILD)/%.pdf: source/%.md $(DEPS)
	$(call say,PDF,$@)
	$(Q)$(PRESSROOM) pdf $< --edition print $(PDF_OPTS) -o $@

$(BUILD)/%.epub: source/%.md $(DEPS)
	$(call say,EPUB,$@)
	$(Q)$(PRESSROOM) epub $< --trim $(TRIM) -o $@

$(BUILD)/%.docx: source/%.md $(DEPS)
	$(call say,DOCX,$@)
	$(Q)$(PRESSROOM) docx $< -o $@
endif

# Ace by DAISY (EPUB accessibility checker), pinned, run headless on the system's chromium.
# No browser download: PUPPETEER_EXECUTABLE_PATH points tests at /usr/bin/chromium.
$(VENV)/ace/.installed: | $(STAMP) $(SYSTEM_TEST)
	PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1 \
	  npm install --prefix $(VENV)/ace --no-audit --no-fund --save-exact @daisy/ace-cli@1.4.6
	@touch $@

# Proofs: every page of every PDF as PNG in build/proof/, plus one contact sheet per PDF.
PROOF_DPI ?= 100
proof: $(PDFS)
	@rm -rf $(BUILD)/proof && mkdir -p $(BUILD)/proof
	@for pdf in $(PDFS); do \
	  name=$$(basename $$pdf .pdf); \
	  pdftoppm -r $(PROOF_DPI) -png $$pdf $(BUILD)/proof/$$name || exit 1; \
	  $(PY) -m pressroom.writers.pdf contact-sheet $(BUILD)/proof/$$name.contact.png \
	    $$(ls $(BUILD)/proof/$$name-*.png | sort -V) || exit 1; \
	  echo "proof: $(BUILD)/proof/$$name-*.png, $(BUILD)/proof/$$name.contact.png"; \
	done

# The release gate (src/pressroom/checks/): every check on every output, one summary table,
# build/check.json and build/<stem>.check.json; exits non-zero on any failure.
check: all $(ACE)
	$(Q)$(PRESSROOM) check $(SOURCES) --build $(BUILD) --report $(BUILD)/check.json

# Hand-off bundles (src/pressroom/dist.py): build/dist/<stem>-print/ and <stem>-distribution/,
# each with manifest.json, and each as a zip. Only checked outputs are bundled.
dist: all $(ACE)
	$(call say,CHECK,$(BUILD)/check.json)
	$(Q)$(PRESSROOM) check --quiet $(SOURCES) --build $(BUILD) --report $(BUILD)/check.json
	$(call say,DIST,$(DIST)/)
	$(Q)$(PRESSROOM) dist $(SOURCES) --build $(BUILD) --out $(DIST)

# Two complete builds (outputs, checks, bundles) in fresh folders: the second at a later time and
# 26 hours east (UTC-12, then UTC+14: the local dates always differ). Every SHA-256 must match.
REPRO := $(BUILD)/repro
verify-repro: $(STAMP) $(ACE)
	@rm -rf $(REPRO)
	$(call say,REPRO,first build in $(REPRO)/a (TZ=Etc/GMT+12))
	$(Q)TZ=Etc/GMT+12 $(MAKE) --no-print-directory BUILD=$(REPRO)/a dist
	$(Q)sleep 2
	$(call say,REPRO,second build in $(REPRO)/b (TZ=Pacific/Kiritimati, later))
	$(Q)TZ=Pacific/Kiritimati $(MAKE) --no-print-directory BUILD=$(REPRO)/b dist
	$(Q)for d in a b; do (cd $(REPRO)/$$d && find . -type f | LC_ALL=C sort | xargs sha256sum) > $(REPRO)/$$d.sha256; done
	$(Q)if diff -u $(REPRO)/a.sha256 $(REPRO)/b.sha256; then \
	  echo "verify-repro: $$(wc -l < $(REPRO)/a.sha256) files, identical hashes"; \
	else echo "verify-repro: the two builds differ (above)" >&2; exit 1; fi

test: $(SYSTEM_TEST) $(STAMP) $(ACE)
	$(PY) -m pytest -q

# Benchmarks against pandoc and the cost curve (tests/bench/bench.py; results in build/bench/).
# Options for the script go in BENCH_ARGS, e.g. make bench BENCH_ARGS='--runs 3 --scales 1,10'.
bench: $(SYSTEM_BENCH) $(STAMP)
	$(PY) tests/bench/bench.py $(BENCH_ARGS)

# The two commands on a fresh machine: a minimal Debian 12 root (debootstrap), the README's
# packages only, a clone of the current commit, then make pdf and make test in a chroot (root only;
# takes long; not part of make test). FRESH_ROOT=<dir> says where (default /work/fresh-root/bookworm).
fresh-test:
	.ci/fresh-test $(FRESH_ROOT)

clean:
	rm -rf $(BUILD)
