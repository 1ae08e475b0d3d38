# Everything a developer or CI needs, from a fresh machine with Python 3.12+.
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# A local key for `make run` and `make test`, made once per checkout; production sets its own.
SECRET_KEY_FILE := $(VENV)/secret-key

.PHONY: run test bench lint format migrations-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $(SECRET_KEY_FILE)
	touch $@

DEV := DJANGO_SECRET_KEY=$$(cat $(SECRET_KEY_FILE)) DJANGO_DEBUG=1 $(BIN)/python manage.py
PORT ?= 8000

# The web server in front, the task worker and the scheduler beside it. Ctrl-C reaches all
# three; the trap also stops the two in the background when the server exits on its own.
# The worker does not reload on code changes (its reloader's child would outlive a kill).
run: $(VENV)/.installed
	$(DEV) migrate --no-input
	$(DEV) seed_demo --if-empty
	$(DEV) db_worker --no-reload & worker=$$!; \
	$(DEV) schedule --every 60 & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait' EXIT INT TERM; \
	$(DEV) runserver 127.0.0.1:$(PORT)

# The whole suite, browser tests included, on every core (pytest-xdist); DATABASE_URL picks
# the database (SQLite by default). PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
test: $(VENV)/.installed
	DJANGO_SECRET_KEY=$$(cat $(SECRET_KEY_FILE)) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Production-like gunicorn on loopback under wrk; see tests/bench/run.py and docs/performance.md.
bench: $(VENV)/.installed
	DJANGO_SECRET_KEY=$$(cat $(SECRET_KEY_FILE)) $(BIN)/python -m tests.bench.run

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SECRET_KEY=lint $(BIN)/mypy

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.installed
	DJANGO_SECRET_KEY=$$(cat $(SECRET_KEY_FILE)) $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
