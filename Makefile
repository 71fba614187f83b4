# One command to run the main job, one to run the tests. Both set up what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: setup run run-offline test lint unit integration e2e bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	rm -f $(VENV)/.installed-* && touch $@

## run: the local stack on the embedded default (live feeds, or the offline snapshot when offline)
run: setup
	$(BIN)/headlinez up $(ARGS)

## run-offline: the local stack on the 26 news feeds of the 2026-02-18 snapshot
run-offline: setup
	$(BIN)/headlinez up --feeds-dir ../shared/data/feeds/fastfeedparser/benchmark_data/files \
		--now 2026-02-18T04:00:00Z $(ARGS)

lint: setup
	$(BIN)/ruff check shared functions tests benchmarks
	$(BIN)/mypy
	$(BIN)/cfn-lint template.yaml

## test: lint, then every test (unit, integration, e2e)
test: lint
	$(BIN)/pytest -n 2 --durations=15 tests

unit: setup
	$(BIN)/pytest -q tests/unit

bench: setup
	$(BIN)/python benchmarks/ingest_bench.py

clean:
	rm -rf $(VENV) .headlinez .pytest_cache .mypy_cache .ruff_cache
