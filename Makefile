# pressroom: source/*.md -> build/<stem>.pdf, .screen.pdf, .epub, .docx
#   make            all formats of every source
#   make pdf        print (PDF/X-4) and screen (PDF/UA-1) editions
#   make epub | docx | test | clean
# Options: TRIM=a4|a5|letter  ICC=<profile in styles/icc/>
.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
BUILD   := build
TRIM    ?= a4
ICC     ?=

SOURCES := $(wildcard source/*.md)
STEMS   := $(basename $(notdir $(SOURCES)))
PDFS    := $(STEMS:%=$(BUILD)/%.pdf) $(STEMS:%=$(BUILD)/%.screen.pdf)
EPUBS   := $(STEMS:%=$(BUILD)/%.epub)
DOCXS   := $(STEMS:%=$(BUILD)/%.docx)

# An output is rebuilt when its source, anything in styles/ or anything in src/ changes.
# Files beside a source (its photo) are dependencies of every output of that folder.
STYLE_FILES := $(shell find styles -type f 2>/dev/null)
CODE_FILES  := $(shell find src -type f -name '*.py' 2>/dev/null)
ASSETS      := $(filter-out $(SOURCES),$(wildcard source/*))
DEPS        := $(STYLE_FILES) $(CODE_FILES) $(ASSETS) $(STAMP) Makefile
PRESSROOM   := $(PY) -m pressroom
PDF_OPTS    := --trim $(TRIM) $(if $(ICC),--icc $(ICC))

.PHONY: all pdf epub docx test clean proof bench
all: pdf epub docx
pdf: $(PDFS)
epub: $(EPUBS)
docx: $(DOCXS)

# The virtual environment, with the project installed (editable) and its pinned dependencies.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

$(BUILD)/%.screen.pdf: source/%.md $(DEPS)
	$(PRESSROOM) pdf $< --edition screen -o $@

$(BUILD)/%.pdf: source/%.md $(DEPS)
	$(PRESSROOM) pdf $< --edition print $(PDF_OPTS) -o $@

$(BUILD)/%.epub: source/%.md $(DEPS)
	$(PRESSROOM) epub $< -o $@

$(BUILD)/%.docx: source/%.md $(DEPS)
	$(PRESSROOM) docx $< -o $@

# Ace by DAISY (EPUB accessibility checker), pinned, run headless on the system's chromium.
# No browser download: PUPPETEER_EXECUTABLE_PATH points tests at /usr/bin/chromium.
$(VENV)/ace/.installed: | $(STAMP)
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

test: $(STAMP) $(VENV)/ace/.installed
	$(PY) -m pytest -q

# Benchmarks against pandoc and the cost curve (tests/bench/bench.py; results in build/bench/).
# Options for the script go in BENCH_ARGS, e.g. make bench BENCH_ARGS='--runs 3 --scales 1,10'.
bench: $(STAMP)
	$(PY) tests/bench/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(BUILD)
