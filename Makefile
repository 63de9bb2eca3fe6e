# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
# Only for `make test`: the test settings run with DJANGO_DEBUG false, which needs a key.
TEST_SECRET_KEY := tests-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz

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
DEMO_ENV = DJANGO_DEBUG=true DJANGO_REQUIRE_2FA=false PORTAL_BASE_URL=http://127.0.0.1:$(PORT)

## run: set up .venv, migrate, load reference and demo data, start the portal on :8000
run: $(VENV)/.installed-runtime
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py load_reference_data
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	@echo "The portal is starting at http://127.0.0.1:$(PORT) (sign in with a demo login above)."
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite (SQLite unless DATABASE_URL points at PostgreSQL)
test: $(VENV)/.installed-dev
	BENCH=1 DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(TEST_SECRET_KEY)} $(BIN)/python -m pytest $(PYTEST_ARGS)

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
