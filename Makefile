# The two commands: `make demo` and `make test`. Everything else is a helper verb.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements/constraints.txt 2>/dev/null | sha1sum | cut -c1-12)
export OMP_WAIT_POLICY := PASSIVE
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PYTHONUNBUFFERED := 1
export RAY_USAGE_STATS_ENABLED := 0

.PHONY: demo test lint unit bench install docs clean evaluate

$(STAMP): pyproject.toml requirements/constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 2; }
	@command -v java >/dev/null || { echo "error: java not found (Java 17 is required for Spark)"; exit 2; }
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -c requirements/constraints.txt -e '.[dev,platform]'
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/mfg demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check mfg tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m mfg.docs --check

test: lint
	$(PY) -m pytest tests

unit: $(STAMP)
	$(PY) -m pytest tests/unit -m "not slow"

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

evaluate: $(STAMP)
	$(PY) -m mfg.evaluation.report

docs: $(STAMP)
	$(PY) -m mfg.docs

clean:
	rm -rf var mlruns .pytest_cache .mypy_cache .ruff_cache
