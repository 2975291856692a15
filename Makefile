# The two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= instance
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-long ingest serve system-deps ocr-deps lint samples bench clean

run: $(VENV)/.installed ocr-deps ingest serve

ingest: $(VENV)/.installed
	@# A file that fails is reported; the samples and the rest of the inbox are still served.
	-$(BIN)/stdsearch --data $(DATA) ingest corpus/samples corpus/inbox

serve: $(VENV)/.installed
	$(BIN)/stdsearch --data $(DATA) serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test system-deps
	$(BIN)/pytest -n auto --dist loadgroup --no-loadscope-reorder -m "not long"

test-long: $(VENV)/.installed-test system-deps
	$(BIN)/pytest -m long

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

system-deps:
	@bash .ci/system-deps.sh

# Tesseract with chi_sim, installed as root; otherwise the apt command is printed and the
# site runs without OCR.
ocr-deps:
	@bash .ci/system-deps.sh --ocr

lint: $(VENV)/.installed-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

samples: $(VENV)/.installed-test
	$(BIN)/python -m corpus.typeset

bench: $(VENV)/.installed-test system-deps
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python -m tests.bench

clean:
	rm -rf $(VENV) $(DATA) *.egg-info
