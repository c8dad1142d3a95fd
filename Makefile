# The book's commands. A fresh machine needs two: `make book`, then `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
# One BLAS/OpenMP thread per process: the chapters' matrices are small, and on a 2-core machine
# running two test workers, multi-threaded BLAS oversubscribes the cores and stalls (a product
# that takes 0.5 ms alone took hundreds of ms). Set them in the environment to override.
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BUILD  := _build
# A warning (-W) or a broken reference (-n) fails the build; --keep-going lists them all.
JB_FLAGS := -W -n --keep-going
# jupyter-cache keys a page on its code cells only: key the cache on the package and the pins
# too, so the book never shows outputs of code that no longer exists.
CODE_HASH = $(shell cat requirements.txt code/pyproject.toml $$(find code/mlmath -type f -name '*.py' \
              | LC_ALL=C sort) | sha256sum | cut -c1-16)

# MathJax 3 for the browser tests (the pages load it from a CDN; the tests serve this copy).
MATHJAX_VERSION := 3.2.2
MATHJAX := $(VENV)/mathjax/node_modules/mathjax

.PHONY: help venv book test pytest browser-deps bench serve lint notebooks clean

help:
	@echo "make book       create .venv, install requirements.txt and mlmath, build _build/html"
	@echo "make test       build the book (warnings fail), then every test, as CI does"
	@echo "make browser-deps  MathJax for the browser tests (needs npm; Chromium: apt-get install chromium)"
	@echo "make bench     fit and predict time and peak memory of each estimator against its twin, and the autograd engine against PyTorch, one thread each (~6 min; --quick: python code/benchmarks/bench_estimators.py --quick)"
	@echo "make serve      serve _build/html at http://localhost:8000"
	@echo "make lint       ruff over code/ and tests/"
	@echo "make notebooks  write .ipynb copies of the chapters under notebooks/ (for Colab)"
	@echo "make clean      remove _build (keep .venv)"

venv: $(STAMP)

$(STAMP): requirements.txt code/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check --no-deps --no-build-isolation -e code
	$(BIN)/python -m pip check
	touch $@

book: $(STAMP)
	@mkdir -p $(BUILD)
	@if [ "$$(cat $(BUILD)/.code-hash 2>/dev/null)" != "$(CODE_HASH)" ]; then \
	  echo "code/ or requirements.txt changed since the last build: re-executing every chapter"; \
	  rm -rf $(BUILD)/.jupyter_cache $(BUILD)/.doctrees $(BUILD)/html $(BUILD)/jupyter_execute; \
	fi
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "$(CODE_HASH)" > $(BUILD)/.code-hash
	@echo "The book is in $(BUILD)/html/index.html (make serve to browse it)."

# The tests compare each chapter's re-executed outputs with those of the build: build first.
# The browser tests run where Chromium and MathJax are installed and say so where they are not.
test: book lint browser-deps pytest

pytest: $(STAMP)
	$(BIN)/python -m pytest -n 2

browser-deps: $(STAMP)
	@if [ -f $(MATHJAX)/es5/tex-mml-chtml.js ]; then :; \
	elif command -v npm >/dev/null; then \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/mathjax mathjax@$(MATHJAX_VERSION); \
	else echo "npm not found: the browser tests will be skipped (they need MathJax from npm)"; fi
	@command -v chromium >/dev/null || echo "chromium not found: the browser tests will be skipped (apt-get install chromium)"

bench: $(STAMP)
	$(BIN)/python code/benchmarks/bench_estimators.py

serve:
	@test -f $(BUILD)/html/index.html || { echo "No book yet: run make book first."; exit 1; }
	$(BIN)/python -m http.server 8000 --directory $(BUILD)/html

lint: $(STAMP)
	$(BIN)/ruff check code tests conftest.py book/_ext

notebooks: $(STAMP)
	rm -rf notebooks
	for f in $$(grep -oE 'book/[a-z_/]+' _toc.yml); do \
	  if grep -q '^kernelspec:' $$f.md; then \
	    mkdir -p notebooks/$$(dirname $$f); \
	    $(BIN)/jupytext --quiet --to ipynb --output notebooks/$$f.ipynb $$f.md; \
	  fi; \
	done

clean:
	rm -rf $(BUILD)
