# Two set-up commands: `make run` and `make test`. Each does its own set-up on a bare machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
STATIC := cspr/static/govuk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup setup-test assets chromium libreoffice lint bench clean

## Set-up steps (idempotent; stamp files skip work already done)
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(STATIC)/app.css: node_modules/.installed cspr/assets/app.scss
	bash scripts/build-assets.sh

assets: $(STATIC)/app.css

chromium:
	@command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || \
	  ($(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# PDF copies of documents; about 20 seconds to install here. The app works without it.
libreoffice:
	@command -v soffice >/dev/null || command -v libreoffice >/dev/null || \
	  ($(SUDO) apt-get update -qq && \
	   $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui)

# git checks storage/ out readable by all; the data directory is for this account alone.
setup: $(VENV)/.installed assets
	@[ -n "$$CSPR_DATA_DIR" ] || [ ! -d storage ] || chmod 700 storage
	$(VENV)/bin/flask --app app init

setup-test: $(VENV)/.installed-test assets chromium libreoffice

## The two commands the README promises
run: setup
	@if [ -n "$(DEMO)" ]; then CSPR_PORT=$(PORT) $(VENV)/bin/flask --app app demo || true; fi
	$(PY) -m cspr.serve --host 127.0.0.1 --port $(PORT)

test: setup-test lint
	$(VENV)/bin/pytest -q

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check cspr tests bench scripts app.py
	$(VENV)/bin/mypy
	$(VENV)/bin/bandit -q -c pyproject.toml -r cspr -ll

bench: setup-test
	@command -v wrk >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) node_modules $(STATIC) .pytest_cache .mypy_cache .ruff_cache artifacts
