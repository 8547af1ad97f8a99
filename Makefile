# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
EXTRAS := dev,postgres,sklearn,s3

.PHONY: run test lint typecheck unit bench clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[$(EXTRAS)]'
	touch $@

run: $(INSTALLED)
	$(BIN)/modelreg db upgrade
	$(BIN)/modelreg models list

lint: $(INSTALLED)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(INSTALLED)
	$(BIN)/mypy

unit: $(INSTALLED)
	$(BIN)/pytest -n 2

test: lint typecheck unit

bench: $(INSTALLED)
	$(BIN)/python bench/registry_store.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
