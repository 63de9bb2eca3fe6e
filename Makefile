# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: run test lint bench frontend clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "The portal needs Python 3.11 or newer (found $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-runtime: requirements.txt constraints.txt | $(BIN)/python
	$(PIP) install -r requirements.txt -c constraints.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed-runtime
	$(PIP) install -r requirements-dev.txt -c constraints.txt
	@touch $@

# make run PORT=8001 serves on another port; emails link there too (PORTAL_BASE_URL).
PORT ?= 8000
ADDRESS = 127.0.0.1:$(PORT)
DEMO_ENV = DJANGO_DEBUG=true DJANGO_REQUIRE_2FA=false PORTAL_BASE_URL=http://$(ADDRESS)

## run: set up .venv, migrate, load reference and demo data, start the portal on :8000 (PORT=)
run: $(VENV)/.installed-runtime
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py load_reference_data
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	@echo
	@echo "The portal is at http://$(ADDRESS)/ (demo sign-ins: the logins above, e.g. regional.lead@example.org, one password for all). Ctrl+C stops it."
	@echo
	$(DEMO_ENV) $(BIN)/python manage.py runserver $(ADDRESS)

## test: the whole suite (SQLite unless DATABASE_URL points at PostgreSQL) on its own settings (tests/settings.py)
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## lint: ruff's checks and formatting
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## bench: national-scale benchmark on PostgreSQL (seeds portal_bench at scale 10 if needed; docs/benchmark.md)
bench: $(VENV)/.installed-runtime
	$(BIN)/python scripts/bench.py

## frontend: rebuild static/ and the axe asset from the pinned npm packages (needs npm)
frontend:
	bash scripts/build_frontend.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
