# The two set-up commands of the README:
#   make serve   install what is needed, build the site and serve it (an edit rebuilds only the
#                pages it changes: see hooks/casebook.py)
#   make test    install what is needed (Chromium too) and run every test
# Everything installs into .venv from requirements.lock (pinned, hashed), then the casebook's own
# package (generator/, editable) without dependencies, so nothing has to patch sys.path.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test lint validate new schema lock npm chromium bench

$(VENV)/installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

serve: $(VENV)/installed
	@echo "Building the casebook; it will be served at http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(PY) -m mkdocs serve --dirty --dev-addr $(HOST):$(PORT)

build: $(VENV)/installed
	$(PY) -m mkdocs build

validate: $(VENV)/installed
	$(PY) -m generator validate

new: $(VENV)/installed
	$(PY) -m generator new "$(SLUG)" $(if $(NAME),--name "$(NAME)")

schema: $(VENV)/installed
	$(PY) -m generator schema

# Lint and format check first: a problem stops the run before the (slower) tests.
test: lint $(VENV)/installed node_modules/installed chromium
	$(PY) -m pytest -n 2 --dist loadfile

lint: $(VENV)/installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Node packages for the tests (axe-core), exactly as package-lock.json pins them. node_modules/ is
# not in git; the stamp (inside it, so npm ci's clean install removes it too) records the install.
node_modules/installed: package-lock.json | npm
	npm ci --no-audit --no-fund --silent
	touch $@

# npm from Debian when it is missing (the CI container has Python but no Node).
npm:
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing Debian's npm for the accessibility tests (axe-core)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; }
	@command -v npm >/dev/null 2>&1 || { echo "npm is still missing: the accessibility tests cannot run" >&2; exit 1; }

# Browser tests drive Debian's Chromium (Playwright cannot download browsers here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium is still missing: the browser tests cannot run" >&2; exit 1; }

# Re-pin requirements.lock from requirements.in with uv, which runs from a venv of its own.
lock:
	$(PYTHON) -m venv .cache/lock-venv
	.cache/lock-venv/bin/pip install --quiet --disable-pip-version-check uv
	.cache/lock-venv/bin/uv pip compile requirements.in --generate-hashes --python-version 3.11 -o requirements.lock

# Benchmark at 50, 500, 1,000 and 5,000 synthetic cases; writes BENCHMARKS.md and the README's headline (takes a while).
bench: $(VENV)/installed chromium
	$(PY) bench/run.py
