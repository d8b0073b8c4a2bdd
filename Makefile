# pressroom: source/*.md -> build/<stem>.model.json -> build/<stem>.pdf, .screen.pdf, .epub, .docx
# `make help` lists the targets and options. The stages, one process per file, in parallel:
#   source/x.md -> build/x.model.json (the reader) -> each writer (src/pressroom/outputs.py);
#   the print PDF also writes build/x.pages.json, which the EPUB's page-list reads.
# Every output depends on what its writer actually used (build/*.d, written by the writer as a
# compiler writes them), on its model and on the options it follows (build/options/).
.DELETE_ON_ERROR:
.SUFFIXES:
# Nothing made on the way (an option file, a model, a page map) is removed as intermediate.
.SECONDARY:
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
# Options are remembered in build/options/ until given again (`make TRIM=a5`, then `make`: A5).
TRIM    ?= $(or $(file < $(BUILD)/options/trim),a4)
ICC     ?= $(file < $(BUILD)/options/icc)

# Parallel by default: as many jobs as the machine has cores, unless -j is given (-j1: one).
# make 4.3 shows no command-line flag in $(MAKEFLAGS) while it reads the makefile, so make's own
# arguments are read (Linux /proc); a sub-make (MAKELEVEL > 0) keeps its parent's jobs.
JOBS_GIVEN := $(shell tr '\0' '\n' < /proc/$$PPID/cmdline 2>/dev/null | grep -qE '^(-[a-zA-Z]*j|--jobs)' && echo yes)
ifeq ($(JOBS_GIVEN)$(filter-out 0,$(MAKELEVEL)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif
MAKEFLAGS += --no-builtin-rules

# Source names are data. A name Make cannot carry (a space, a quote or one of $ % # : ; \ * ? [ ] ( )
# { } < > | & = ! `) is never put in a recipe: it is named on one line of stderr, the other sources
# are built, and the build then fails.
HASH    := \#
UNSAFE  := *[][ 	"$$%$(HASH):;\\*?(){}<>|&=!`'"'"']*
SOURCES := $(shell find source -maxdepth 1 -type f -name '*.md' ! -name '$(UNSAFE)' 2>/dev/null | LC_ALL=C sort)
REFUSED := $(shell find source -maxdepth 1 -type f -name '*.md' -name '$(UNSAFE)' 2>/dev/null | wc -l)
# (Once: not again when make reads the Makefile a second time, after writing build/outputs.mk.)
ifneq ($(REFUSED),0)
ifeq ($(MAKE_RESTARTS),)
$(shell find source -maxdepth 1 -type f -name '*.md' -name '$(UNSAFE)' -exec printf \
  '%s:1: this file name cannot be built by make: it has a space, a quote or a sign make or the shell reads (hint: rename it with letters, digits and - _ . only)\n' {} \; >&2)
endif
endif
STEMS   := $(basename $(notdir $(SOURCES)))
MODELS  := $(STEMS:%=$(BUILD)/%.model.json)
# The code of this tree (also when .venv is shared with another copy of the project).
PRESSROOM := PYTHONPATH='$(CURDIR)/src' $(PY) -m pressroom
ACE     := $(VENV)/ace/.installed
WEBCHECK := $(VENV)/web/.installed
DIST    := $(BUILD)/dist

# Quiet by default: one short line per step (`  PDF     build/x.pdf`); V=1 shows the commands.
V ?= 0
ifeq ($(V),1)
Q   :=
say  =
else
Q   := @
say  = @printf '  %-7s %s\n' '$(1)' '$(2)'
endif

GOALS := $(or $(MAKECMDGOALS),all)
.PHONY: all model kit test clean proof bench check dist verify-repro fresh-test help FORCE

# `make clean` with other goals (`make -j2 clean all`): clean first, then make the others.
ifneq ($(and $(filter clean,$(GOALS)),$(filter-out clean,$(GOALS))),)
AFTER := $(filter-out clean,$(GOALS))
$(firstword $(AFTER)): clean
	@$(MAKE) --no-print-directory $(AFTER)
$(wordlist 2,$(words $(AFTER)),$(AFTER)): $(firstword $(AFTER))
	@:
clean:
	rm -rf $(BUILD)
else

# all: every group of the table of outputs (pdf epub docx html, from build/outputs.mk).
all:
ifneq ($(REFUSED),0)
	@echo "make: $(REFUSED) source(s) not built: their file names cannot be built (see above)" >&2; exit 2
endif

help:
	@echo 'pressroom: build the editions of source/*.md into build/ (one process per file, in parallel)'
	@echo '  make             every output of every source (print and screen PDF, EPUB, DOCX, web edition)'
	@echo '  make pdf|epub|docx|html|model   one format (model: the reader'"'"'s build/<stem>.model.json)'
	@echo '  make check       every check on every output; re-runs only what changed (build/check.json)'
	@echo '  make dist        hand-off bundles in build/dist/ from the checked outputs'
	@echo '  make kit LANG=fr the translator'"'"'s kit in build/kit/fr/: a DOCX set in French per source, and a README'
	@echo '  make proof       every PDF page as PNG, and a contact sheet; each web edition at 375 and 1280 px; in build/proof/'
	@echo '  make test        the test suite (installs what it needs)   make bench   speed and memory'
	@echo '  make verify-repro   two builds, other clock and time zone: identical hashes'
	@echo '  make fresh-test  make pdf and make test on a fresh Debian 12 (root, long)   make clean'
	@echo 'Options: TRIM=a4|a5|letter (print PDF, its EPUB page-list, DOCX page)  ICC=<styles/icc/ profile>'
	@echo '         V=1 (show the commands)  -j N (jobs; default: the cores)  -k (build the other sources on an error)'

# The table of outputs (src/pressroom/outputs.py) as Make rules; the system Python writes them.
ifeq ($(filter-out help clean fresh-test,$(GOALS)),)
else
include $(BUILD)/outputs.mk
-include $(wildcard $(BUILD)/*.d)
endif
$(BUILD)/outputs.mk: src/pressroom/outputs.py
	@command -v $(PYTHON) >/dev/null || { echo "pressroom: make needs Python 3.11 or later, and $(PYTHON) is not installed (Debian: apt-get install python3 python3-venv; see README, 'A fresh machine')" >&2; exit 2; }
	@mkdir -p $(@D)
	@$(PYTHON) src/pressroom/outputs.py make > $@.part && mv -f $@.part $@

model: $(MODELS)

# The reader: source -> model. Its dependency file names the reader's modules, the styles the
# transforms read and the photo it checked.
$(BUILD)/%.model.json: source/%.md $(BUILD)/editions/%.list $(STAMP)
	$(call say,MODEL,$@)
	$(Q)$(PRESSROOM) model $< -o $@ --deps $@.d

# Language editions (x.md, x.fr.md, x.ar.md: src/pressroom/reader/editions.py): each model names
# the others, so it is rebuilt when one of them changes (its .d file names them) and when one is
# added or removed: build/editions/<stem>.list holds the names of the sources that may be its
# editions (<base>.md and <base>.*.md, a superset), and, as the option files, it has a rule only
# when that list has changed (so `make -n` shows only what would be rebuilt).
define editions_rule
ifneq ($$(wildcard $(BUILD)/editions/$(1).list)-$$(file < $(BUILD)/editions/$(1).list),$(BUILD)/editions/$(1).list-$(2))
$(BUILD)/editions/$(1).list: FORCE
	@mkdir -p $$(@D) && printf '%s\n' '$(2)' > $$@
endif
endef
$(foreach s,$(STEMS),$(eval $(call editions_rule,$(s),$(sort $(wildcard source/$(basename $(s)).md source/$(basename $(s)).*.md)))))

# Options are files: one per option, written only when its value changes, so that `make
# TRIM=a5` rebuilds what follows the trim (print PDF, page map, EPUB, DOCX) and nothing else.
# The rule exists only for an option whose file is missing or says another value (`make -n`
# then shows what the change would rebuild).
define option_rule
ifneq ($$(wildcard $(BUILD)/options/$(1))-$$(file < $(BUILD)/options/$(1)),$(BUILD)/options/$(1)-$(2))
$(BUILD)/options/$(1): FORCE
	@mkdir -p $$(@D) && printf '%s\n' '$(2)' > $$@
endif
endef
$(eval $(call option_rule,trim,$(TRIM)))
$(eval $(call option_rule,icc,$(ICC)))
FORCE:

# The versions of the checkers: rewritten only when they change (a package upgraded).
$(BUILD)/tools.json: $(STAMP) $(WEBCHECK) $(wildcard /var/lib/dpkg/status) | $(ACE)
	$(Q)$(PRESSROOM) tools -o $@

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

# Ace by DAISY (EPUB accessibility checker), pinned, run headless on the system's chromium.
# No browser download: PUPPETEER_EXECUTABLE_PATH points tests at /usr/bin/chromium.
$(VENV)/ace/.installed: | $(STAMP) $(SYSTEM_TEST)
	PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1 \
	  npm install --prefix $(VENV)/ace --no-audit --no-fund --save-exact @daisy/ace-cli@1.4.6
	@touch $@

# The web edition's checkers, pinned in .ci/web/package.json and locked (with every dependency) in
# .ci/web/package-lock.json: the Nu HTML Checker (vnu-jar, run on the system's Java), axe-core and
# puppeteer-core (which drives the system's chromium). `npm ci` installs exactly the locked tree,
# again whenever the pins change; no install scripts (vnu-jar's would download a Java) and no
# browser download. (The real path: npm ci refuses a prefix reached through a symbolic link.)
WEB_PINS := .ci/web/package.json .ci/web/package-lock.json
$(WEBCHECK): $(WEB_PINS) | $(STAMP) $(SYSTEM_TEST)
	@mkdir -p $(@D) && cp $(WEB_PINS) $(@D)/
	PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 \
	  npm ci --prefix "$$(realpath $(@D))" --no-audit --no-fund --ignore-scripts
	@touch $@

# Proofs: every page of every PDF as PNG in build/proof/, plus one contact sheet per PDF; each web
# edition as Chromium shows it, full page, 375 and 1280 px wide (<stem>.html-375.png, -1280.png).
PROOF_DPI ?= 100
proof: $(PDF_GOAL) $(HTML_GOAL) | $(WEBCHECK)
	@rm -rf $(BUILD)/proof && mkdir -p $(BUILD)/proof
	@for pdf in $(PDF_GOAL); do \
	  name=$$(basename $$pdf .pdf); \
	  pdftoppm -r $(PROOF_DPI) -png $$pdf $(BUILD)/proof/$$name || exit 1; \
	  $(PY) -m pressroom.writers.pdf contact-sheet $(BUILD)/proof/$$name.contact.png \
	    $$(ls $(BUILD)/proof/$$name-*.png | sort -V) || exit 1; \
	  echo "proof: $(BUILD)/proof/$$name-*.png, $(BUILD)/proof/$$name.contact.png"; \
	done
	@for html in $(HTML_GOAL); do \
	  PYTHONPATH='$(CURDIR)/src' $(PY) -m pressroom.checks.web shots $$html $(BUILD)/proof > /dev/null || exit 1; \
	  echo "proof: $(BUILD)/proof/$$(basename $$html)-375.png, $(BUILD)/proof/$$(basename $$html)-1280.png"; \
	done

# Two complete builds (outputs, checks, bundles) in fresh folders: the second at a later time and
# 26 hours east (UTC-12, then UTC+14: the local dates always differ). Every SHA-256 must match.
REPRO := $(BUILD)/repro
verify-repro: $(STAMP) $(ACE) $(WEBCHECK)
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

test: $(SYSTEM_TEST) $(STAMP) $(ACE) $(WEBCHECK)
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


# The translator's kit (README, "Translations"): `make kit LANG=fr` writes build/kit/fr/, one DOCX per
# source not already in that language (the DOCX writer's output, set in the target language:
# `pressroom docx --translate-to fr`) and README.txt for the translator (styles/kit/README.txt).
# LANG must be given on the command line (the environment's LANG is the locale, not a target) and
# be a BCP 47 tag. The kit is no published output: neither checked nor bundled. Which sources
# already are in LANG is read from their models, in build/kit/<LANG>.mk (src/pressroom/kit.py);
# each DOCX's dependency file is in build/kit/<LANG>.deps/, out of the folder sent out.
ifneq ($(filter kit,$(GOALS)),)
KIT_LANG := $(if $(filter command line,$(origin LANG)),$(strip $(LANG)))
# Letters, digits and hyphens only (then the shell may see it), one word, then the tag's shape.
KIT_REST := $(KIT_LANG)
$(foreach c,a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F G H I J K L M N O P Q R S T U V W X Y Z 0 1 2 3 4 5 6 7 8 9 -,$(eval KIT_REST := $$(subst $(c),,$$(KIT_REST))))
KIT_OK := $(if $(and $(KIT_LANG),$(if $(KIT_REST),,ok),$(filter 1,$(words $(KIT_LANG)))),$(shell printf '%s\n' '$(KIT_LANG)' | grep -Ex '[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*'))
ifeq ($(KIT_OK),)
$(error make kit: give the target language, e.g. make kit LANG=fr)
endif
KIT_DIR  := $(BUILD)/kit/$(KIT_LANG)
KIT_MK   := $(BUILD)/kit/$(KIT_LANG).mk
KIT_DEPS := $(BUILD)/kit/$(KIT_LANG).deps
KIT_PY   := PYTHONPATH='$(CURDIR)/src' $(PY) -m pressroom.kit
include $(KIT_MK)
-include $(wildcard $(KIT_DEPS)/*.d)
$(KIT_MK): $(MODELS) src/pressroom/kit.py $(STAMP)
	$(Q)$(KIT_PY) rules --lang $(KIT_LANG) --build $(BUILD) -o $@ $(STEMS)
kit: $(KIT_FILES) $(KIT_DIR)/README.txt
	@cat $(KIT_MK:.mk=.skipped)
$(KIT_DIR)/%.$(KIT_LANG).docx: $(BUILD)/%.model.json $(BUILD)/options/trim $(STAMP)
	$(call say,KIT,$@)
	$(Q)$(PRESSROOM) docx $< --translate-to $(KIT_LANG) $(if $(TRIM),--trim $(TRIM)) -o $@ --deps $(KIT_DEPS)/$*.d
$(KIT_DIR)/README.txt: $(KIT_MK) styles/kit/README.txt styles/strings.json $(STAMP)
	$(call say,KIT,$@)
	$(Q)$(KIT_PY) readme --lang $(KIT_LANG) -o $@ $(notdir $(KIT_FILES))
endif

# The release gate (src/pressroom/checks/): each output's checks are a target of their own,
# build/<stem>.<output>.check.json, rebuilt when the output, its model or the checks' code changes.
# `make check` then gathers them (running nothing again) into one table and build/check.json,
# and exits non-zero on any failure.
check: $(CHECK_FILES)
	$(Q)$(PRESSROOM) check --collect $(SOURCES) --build $(BUILD) --report $(BUILD)/check.json

# Hand-off bundles (src/pressroom/dist.py): build/dist/<stem>-print/ and <stem>-distribution/,
# each with manifest.json, and each as a zip. Only checked outputs are bundled; the check results
# are used as they are.
dist: $(CHECK_FILES)
	$(Q)$(PRESSROOM) check --collect --quiet $(SOURCES) --build $(BUILD) --report $(BUILD)/check.json
	$(call say,DIST,$(DIST)/)
	$(Q)$(PRESSROOM) dist $(SOURCES) --build $(BUILD) --out $(DIST)

clean:
	rm -rf $(BUILD)
endif
