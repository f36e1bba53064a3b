# The two set-up commands of the README:
#   make serve   install what is needed, build the site and serve it
#   make test    install what is needed (Chromium too) and run every test
# Everything installs into .venv from requirements.lock (pinned, hashed).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test validate new schema lock chromium bench

$(VENV)/installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

serve: $(VENV)/installed
	@echo "Building the casebook; it will be served at http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(PY) -m mkdocs serve --dev-addr $(HOST):$(PORT)

build: $(VENV)/installed
	$(PY) -m mkdocs build

validate: $(VENV)/installed
	$(PY) -m generator validate

new: $(VENV)/installed
	$(PY) -m generator new "$(SLUG)" $(if $(NAME),--name "$(NAME)")

schema: $(VENV)/installed
	$(PY) -m generator schema

test: $(VENV)/installed node_modules/installed chromium
	$(PY) -m pytest

# Node packages for the tests (axe-core), exactly as package-lock.json pins them.
node_modules/installed: package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Browser tests drive Debian's Chromium (Playwright cannot download browsers here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium is still missing: the browser tests cannot run" >&2; exit 1; }

lock:
	$(PY) -m pip install --quiet uv && $(VENV)/bin/uv pip compile requirements.in --generate-hashes --python-version 3.11 -o requirements.lock; $(PY) -m pip uninstall --quiet -y uv

# Benchmark at 50, 500, 1,000 and 5,000 synthetic cases; writes BENCHMARKS.md (takes a while).
bench: $(VENV)/installed chromium
	$(PY) bench/run.py
