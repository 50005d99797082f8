# Dauys: `make run` (serve with demo data) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
# Links in emails and .ics files point at the port actually served (override for a public name).
SITE_URL ?= http://127.0.0.1:$(PORT)
FANOUT_RECIPIENTS ?= 5000
# py-spy each surge figure this long (0: off; needs `pip install py-spy`, not a project dependency;
# it adds about a minute)
PROFILE_SECONDS ?= 0
VENV := .venv
BIN := $(VENV)/bin
PYVER := $(shell cat .python-version 2>/dev/null)

# Find a Python >= 3.12: the pinned pyenv version first, then python3.13/python3.12/python3 on PATH.
define find_python
for c in "$${PYENV_ROOT:-$$HOME/.pyenv}/versions/$(PYVER)/bin/python3" $$(ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 2>/dev/null) \
         "$$(command -v python3.13)" "$$(command -v python3.12)" "$$(command -v python3)"; do \
  [ -n "$$c" ] && [ -x "$$c" ] && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$c"; exit 0; }; \
done; exit 1
endef

.PHONY: help run test test-fast lint bench install install-dev messages check-deploy clean screenshots

help:
	@echo "make run    install, migrate, load demo data and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   install and run the whole test suite (PostgreSQL and Redis when reachable)"
	@echo "make test-fast  unit tests on SQLite, a process per core, no services, under a minute: leaves out"
	@echo "                integration, e2e and slow tests (API fuzzing, permission matrix, makemessages, deploy check)"
	@echo "make bench  run the benchmarks in bench/ (needs PostgreSQL and Redis)"
	@echo "make screenshots  the main pages at 390 and 1280 px into docs/screenshots/"

$(BIN)/python:
	@py="$$( $(find_python) )" || { echo "Dauys needs Python 3.12 or newer, and none was found."; \
	  echo "Install one, e.g. 'pyenv install 3.12' or 'apt-get install python3.12 python3.12-venv', then run make again."; exit 1; }; \
	echo "Using $$py ($$($$py --version))"; "$$py" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python manage.py migrate --noinput
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py seed_demo
	@if [ -n "$$REDIS_URL" ]; then \
	  echo "REDIS_URL is set: starting web, Celery worker and beat (honcho, Procfile)"; \
	  PATH="$(abspath $(BIN)):$$PATH" PORT=$(PORT) SITE_URL=$(SITE_URL) $(BIN)/honcho start -f Procfile; \
	else \
	  SITE_URL=$(SITE_URL) $(BIN)/python manage.py serve 127.0.0.1:$(PORT); \
	fi

test: install-dev
	@exports="$$($(BIN)/python -m portal.devtools services)" || exit 1; eval "$$exports"; \
	$(BIN)/ruff check . && $(BIN)/ruff format --check --quiet . && \
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=portal.settings.test >/dev/null && \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Unit tests only, under a minute: no services (SQLite in memory, eager Celery, local-memory cache),
# whatever the environment names; the whole suite is `make test`. Left out: `integration` and `e2e`, and
# `slow` (over 2 s of CPU each, or a third of the run together: the API fuzz run, which is not even
# collected as building its cases takes seconds; the permission matrix's rows; makemessages over the
# tree; the CSP sweep of every page; check --deploy and the production probe in a second process;
# collectstatic with the manifest storage). Also:
# - the test database is made from the models (--no-migrations): the reference data the migrations
#   load comes from post_migrate and tests/conftest.py; migration tests are integration tests;
# - TEST_FAST_WORKERS processes (pytest-xdist), each with its own in-memory database;
# - bytecode (and pytest's rewritten test modules) cached under var/pycache even when the environment
#   says PYTHONDONTWRITEBYTECODE: compiling it all again was half of each process's start.
TEST_FAST_WORKERS ?= auto
test-fast: install-dev
	env -u DATABASE_URL -u REDIS_URL -u REQUIRE_SERVICES -u PYTHONDONTWRITEBYTECODE \
	  PYTHONPYCACHEPREFIX="$(CURDIR)/var/pycache" \
	  $(BIN)/python -m pytest -m "not integration and not e2e and not slow" --ignore=tests/test_api_fuzz.py \
	  --no-migrations -n $(TEST_FAST_WORKERS) -q $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: install-dev
	@exports="$$(REQUIRE_SERVICES=1 $(BIN)/python -m portal.devtools services)" || exit 1; eval "$$exports"; \
	$(BIN)/python bench/run_all.py --fanout-recipients $(FANOUT_RECIPIENTS) --profile-seconds $(PROFILE_SECONDS)

messages: install-dev
	$(BIN)/python manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages_py

# Screenshots of the main pages at 390 and 1280 px into docs/screenshots/ (demo data, throwaway database).
screenshots: install-dev
	$(BIN)/python docs/screenshots/take.py

check-deploy: install
	DJANGO_SETTINGS_MODULE=portal.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  ALLOWED_HOSTS=dauys.example.kz $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
