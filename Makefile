# NPS Hub: `make run` serves the demo at http://127.0.0.1:8000/, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PORT  # settings build the demo's links (NPSHUB_BASE_URL's default) on it
RESPONSES ?= 20000

.PHONY: run serve worker beat test install clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Embedded set-up: SQLite, in-process cache, a real Celery worker on kombu's filesystem broker.
run: export DJANGO_DEBUG ?= 1
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --responses $(RESPONSES)
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Serving NPS Hub at http://$(HOST):$(PORT)/ (Ctrl-C stops the server and the worker)"
	@$(BIN)/celery -A npshub worker --beat --loglevel=warning --concurrency=2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' INT TERM EXIT; \
	$(BIN)/uvicorn npshub.asgi:application --host $(HOST) --port $(PORT) --timeout-graceful-shutdown 2

# Separate processes for scale-out set-ups (PostgreSQL + Redis): see README.
serve: install
	$(BIN)/uvicorn npshub.asgi:application --host $(HOST) --port $(PORT) --workers $${WEB_CONCURRENCY:-2}
worker: install
	$(BIN)/celery -A npshub worker --loglevel=info
beat: install
	$(BIN)/celery -A npshub beat --loglevel=info

# Every test, on the database named by DATABASE_URL (SQLite when unset), in a fresh temp folder,
# over plain HTTP (HTTPS=0), with a key as long as production demands (never use it there).
TEST_SECRET_KEY := test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-never-in-production
test: install
	@tmp=$$(mktemp -d /tmp/npshub-test.XXXXXX); \
	SECRET_KEY=$(TEST_SECRET_KEY) DJANGO_DEBUG=0 HTTPS=0 STATIC_MANIFEST=0 WHITENOISE_USE_FINDERS=1 NPSHUB_VAR_DIR=$$tmp \
	$(BIN)/pytest $(PYTEST_ARGS); status=$$?; rm -rf $$tmp; exit $$status

# Statistics benchmark on its own databases (bench/data/, npshub_bench): make bench BENCH_ARGS="--db postgres --rows 10000000"
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf var
