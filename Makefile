# Seiton value-chain KPI warehouse — `make` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEITON := $(BIN)/seiton
PORT ?= 8501
SCALE ?= medium
export UV_COMPILE_BYTECODE := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help setup demo serve refresh test test-fast lint bench bench-meters stress docs browser clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e . --config-settings editable_mode=compat
	@touch $(STAMP)

setup: $(STAMP) ## create the virtual environment and install (idempotent)

demo: setup ## set up, generate the small demo business, refresh, serve on http://localhost:8501
	SEITON_DEMO_MODE=1 $(SEITON) init
	SEITON_DEMO_MODE=1 $(SEITON) demo-data --scale small --if-empty
	$(SEITON) refresh --quiet
	SEITON_DEMO_MODE=1 $(SEITON) serve --port $(PORT)

serve: setup ## serve the app (no demo data generated)
	$(SEITON) serve --port $(PORT)

refresh: setup ## load + build + publish
	$(SEITON) refresh

browser: ## install Debian's chromium for the browser tests when missing (root)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install -y chromium'"; exit 1; fi; }

test: setup browser ## run every test: Python, dbt build with data and unit tests, browser
	$(BIN)/pytest -q -n 2 --dist loadfile

test-fast: setup ## the tests without the browser and end-to-end pipeline ones
	$(BIN)/pytest -q -m "not e2e and not browser"

# sqlfluff's dbt templater compiles the project, so profiles.yml needs SEITON_BUILD_WAREHOUSE:
# lint points it (and dbt's target/ and logs/) at a scratch folder, never at a real warehouse.
lint: setup ## ruff, sqlfluff (dbt templater), the marts documentation check and the doc references
	$(BIN)/ruff check .
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cd dbt_project && \
	  SEITON_BUILD_WAREHOUSE="$$tmp/lint.duckdb" DBT_TARGET_PATH="$$tmp/target" DBT_LOG_PATH="$$tmp/logs" \
	  ../$(BIN)/sqlfluff lint models tests
	$(BIN)/python scripts/check_dbt_docs.py
	$(BIN)/python scripts/check_doc_refs.py
	$(BIN)/python scripts/generate_mx_holidays.py --check

docs: setup ## build dbt's docs site and serve it offline on http://localhost:8081 (seiton docs)
	$(SEITON) docs

bench: setup ## benchmark at SCALE=small|medium|large (default medium)
	$(BIN)/python -m bench.run --scale $(SCALE)

bench-meters: setup ## a 50 MB fleet-agent export through seiton import-meters (docs/meter-readings.md)
	$(BIN)/python -m bench.meter_import

stress: setup browser ## the reliability scenarios at full repetition
	SEITON_STRESS=1 $(BIN)/pytest -q -m "stress"

clean: ## remove generated data (keeps the virtual environment)
	rm -rf data dbt_project/target dbt_project/logs
