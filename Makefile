# The command contract (DESIGN.md): make run · make test · make bench.
# Needs only Python >= 3.11 with venv and pip; everything else is installed into .venv.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
MANAGE := $(BIN)/python manage.py
PYTEST_WORKERS ?= 2
REPORTS := var/test-reports
TIMINGS := $(REPORTS)/timings.txt
PG_DEFAULT_URL := postgres://postgres@127.0.0.1:5432/test

# The PostgreSQL pass runs when DATABASE_URL points at PostgreSQL, or when CRM_REQUIRE_POSTGRES=1 (then the
# default local server is used unless DATABASE_URL says otherwise).
is_true = $(filter 1 true yes on,$(1))
PG_TEST_URL := $(if $(filter postgres%,$(DATABASE_URL)),$(DATABASE_URL),$(if $(call is_true,$(CRM_REQUIRE_POSTGRES)),$(PG_DEFAULT_URL)))

# $(call stage,NAME,COMMAND): run COMMAND under a heading, record how long it took.
define stage
	@printf '\n\033[1m==> %s\033[0m\n' '$(1)'
	@mkdir -p $(REPORTS); t0=$$(date +%s%N); rc=0; { $(2); } || rc=$$?; t1=$$(date +%s%N); \
	  printf '  %-30s %7.1fs  %s\n' '$(1)' "$$(( (t1 - t0) / 1000000 ))e-3" "$$([ $$rc = 0 ] && echo ok || echo FAILED)" \
	    >> $(TIMINGS); \
	  exit $$rc
endef

.PHONY: help run serve worker test check lint ruff format-check format typecheck importlint migrations-check messages-check \
	pytest-sqlite pytest-postgres bench messages compilemessages install install-dev clean

help:
	@echo "make run              install, migrate, load demo data, serve http://127.0.0.1:8000 with a job worker"
	@echo "make test             every check and test (SQLite; PostgreSQL too when DATABASE_URL/CRM_REQUIRE_POSTGRES)"
	@echo "make bench            the benchmark suite (writes bench/results/)"
	@echo "make messages         update crm/locale/es/LC_MESSAGES/django.po"
	@echo "make compilemessages  compile the .po files"
	@echo "make format           ruff format + ruff check --fix"

# --- installation (cached by stamp files inside .venv) ------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.stamp-install: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.stamp-install-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	@touch $@ $(VENV)/.stamp-install

install: $(VENV)/.stamp-install
install-dev: $(VENV)/.stamp-install-dev

# --- run ----------------------------------------------------------------------------------------------------

run: install $(MO)
	$(BIN)/crm migrate --noinput
	@if $(BIN)/crm help demo >/dev/null 2>&1; then \
	  $(BIN)/crm demo --if-empty; \
	else \
	  echo "note: the demo command is not available yet; starting with an empty database."; \
	  echo "      create a login with: $(BIN)/crm createadmin --email you@example.com"; \
	fi
	@echo
	@echo "Starting the CRM on http://127.0.0.1:8000 (web server + job worker). Stop with Ctrl+C."
	@echo
	@$(BIN)/crm worker & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null || true; wait $$worker 2>/dev/null || true' EXIT; \
	  trap 'exit 130' INT TERM; \
	  $(BIN)/crm serve --host 127.0.0.1 --port 8000

serve: install
	$(BIN)/crm serve

worker: install
	$(BIN)/crm worker

# --- test ---------------------------------------------------------------------------------------------------

test: export CRM_FAST_PASSWORD_HASHER = 1
test: install-dev
	@mkdir -p $(REPORTS) && rm -f $(TIMINGS) $(REPORTS)/*.xml
	@status=0; $(MAKE) --no-print-directory check || status=$$?; \
	  printf '\nmake test timings:\n'; cat $(TIMINGS) 2>/dev/null || true; \
	  $(BIN)/python -c "$$TOTALS_PY" $(REPORTS)/*.xml; \
	  if [ $$status != 0 ]; then echo "make test: FAILED (make -k test runs every stage and lists each failure)"; fi; \
	  exit $$status

check: ruff format-check typecheck importlint migrations-check messages-check pytest-sqlite pytest-postgres

lint: ruff format-check

ruff: install-dev
	$(call stage,ruff check,$(BIN)/ruff check .)

format-check: install-dev
	$(call stage,ruff format --check,$(BIN)/ruff format --check .)

typecheck: install-dev
	$(call stage,mypy,$(BIN)/mypy crm config)

importlint: install-dev
	$(call stage,import-linter,$(BIN)/lint-imports)

migrations-check: install-dev
	$(call stage,makemigrations --check,env -u DATABASE_URL $(MANAGE) makemigrations --check --dry-run)

# The catalogues are compiled with Babel (repeatable output, no GNU gettext needed on a user's machine);
# when msgfmt is present it also checks the format strings.
PO := crm/locale/es/LC_MESSAGES/django.po
MO := crm/locale/es/LC_MESSAGES/django.mo
COMPILE_MESSAGES_CHECK := $(BIN)/pybabel compile -d crm/locale -D django -l es --statistics && \
  if command -v msgfmt >/dev/null; then msgfmt --check-format -o /dev/null $(PO); fi

$(MO): $(PO) | $(VENV)/.stamp-install
	$(BIN)/pybabel compile -d crm/locale -D django -l es --statistics

messages-check: install-dev
	$(call stage,translations,$(COMPILE_MESSAGES_CHECK))

# Browser tests (marker `browser`) run in the SQLite pass, once; the PostgreSQL pass leaves them out.
PYTEST := CRM_FAST_PASSWORD_HASHER=1 $(BIN)/pytest -n $(PYTEST_WORKERS)
PYTEST_SQLITE := env -u DATABASE_URL $(PYTEST) --junitxml=$(REPORTS)/sqlite.xml
PYTEST_POSTGRES := DATABASE_URL='$(PG_TEST_URL)' $(PYTEST) -m 'not browser' --junitxml=$(REPORTS)/postgres.xml

pytest-sqlite: install-dev
	@mkdir -p $(REPORTS)
	$(call stage,pytest (SQLite + browser),$(PYTEST_SQLITE))

pytest-postgres: install-dev
ifeq ($(PG_TEST_URL),)
	@echo
	@echo "==> PostgreSQL pass skipped: set DATABASE_URL=$(PG_DEFAULT_URL) (or CRM_REQUIRE_POSTGRES=1) to run it."
else
	@mkdir -p $(REPORTS)
	$(call stage,pytest (PostgreSQL),$(PYTEST_POSTGRES))
endif

define TOTALS_PY
import sys, xml.etree.ElementTree as ET
import os
t = dict(tests=0, failures=0, errors=0, skipped=0)
paths = [p for p in sys.argv[1:] if os.path.exists(p)]
if not paths:
    sys.exit(0)
for path in paths:
    for suite in ET.parse(path).getroot().iter("testsuite"):
        for k in t:
            t[k] += int(suite.get(k, 0))
failed = t["failures"] + t["errors"]
passed = t["tests"] - failed - t["skipped"]
print(f"total: {passed} passed, {failed} failed, {t['skipped']} skipped")
endef
export TOTALS_PY

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# --- bench, translations ------------------------------------------------------------------------------------

bench: install-dev
	$(BIN)/python bench/run.py
	nice -n 19 $(BIN)/python bench/sales.py

messages: install
	@mkdir -p crm/locale
	$(MANAGE) makemessages -l es --add-location=file --no-obsolete \
	  --ignore=.venv --ignore=var --ignore=bench --ignore='tests/*' --ignore='*/tests/*'

compilemessages: install
	$(BIN)/pybabel compile -d crm/locale -D django -l es --statistics

clean:
	rm -rf $(REPORTS) .mypy_cache .ruff_cache
