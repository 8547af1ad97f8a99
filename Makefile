# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
RUNTIME := $(VENV)/.installed-runtime
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test soak lint typecheck unit bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip

# What running the server needs.
$(RUNTIME): pyproject.toml | $(BIN)/python
	$(PIP) -e '.[postgres,sklearn,s3]'
	touch $@

# Everything, test tools included; the browser tests use Debian's Chromium (Playwright's
# own browser download cannot work offline).
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(PIP) -e '.[dev,postgres,sklearn,s3]'
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	touch $@ $(RUNTIME)

HOST ?= 127.0.0.1
PORT ?= 5000

run: $(RUNTIME)
	$(BIN)/modelreg server --host $(HOST) --port $(PORT)

lint: $(INSTALLED)
	$(BIN)/ruff check src tests bench examples scripts
	$(BIN)/ruff format --check src tests bench examples scripts

typecheck: $(INSTALLED)
	$(BIN)/mypy

unit: $(INSTALLED)
	$(BIN)/pytest -n 2

test: lint typecheck unit

# The long fault and load tests (pytest marker `soak`, left out of `make test`): minutes.
soak: $(INSTALLED)
	$(BIN)/pytest -m soak -v

# Every benchmark side by side with MLflow; rewrites the generated part of docs/benchmarks.md.
# The full run takes about 40 minutes on a quiet 2-core machine; `make bench QUICK=1` (small sizes, short runs,
# four to seven minutes) checks that the suite works. BENCH_ARGS passes more options to run_all.py.
QUICK ?=
BENCH_ARGS ?=
bench: $(INSTALLED)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run_all.py $(if $(QUICK),--quick) $(BENCH_ARGS)

# The reference pages of docs/ (Python API, REST API), generated from the code.
docs: $(INSTALLED)
	$(BIN)/python scripts/generate_docs.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
