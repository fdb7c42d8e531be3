# FieldOS front door. `make run` serves the demo; `make test` is what CI runs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run test lint format test-sqlite test-postgres bench calibrate migrate demo clean load fuzz browser-deps scale

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py setup_demo

# The web server and a background worker (simulations, training); Ctrl-C stops both.
# The worker is supervised (restarted when it exits) and recovers dead workers' jobs;
# the install's own SECRET_KEY is generated into .env (git-ignored) on the first run.
run: demo
	@bash scripts/dev-secret.sh .env
	@echo "Serving FieldOS on http://$(HOST):$(PORT)/  (admin: /admin/, API docs: /api/docs/)"
	@trap 'kill 0' INT TERM EXIT; \
		$(PY) manage.py run_worker --supervise --no-reload --interval 0.5 & \
		$(PY) manage.py runserver $(HOST):$(PORT)

# ruff, then the import contracts in pyproject.toml (layers, pure packages, no cycles).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Debian's chromium + chromedriver for tests/browser/, installed only when missing.
browser-deps:
	@bash scripts/browser-deps.sh

# Two pytest workers (pytest-xdist): the machines have two cores.
PYTEST_WORKERS ?= 2

test-sqlite: install browser-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS) --cov --cov-report=term --cov-fail-under=90 $(PYTEST_ARGS)

test-postgres: install browser-deps
	bash scripts/test-postgres.sh -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: lint test-sqlite test-postgres

# Each benchmarks/<name>_bench.py prints JSON lines; `make bench BENCH=engine` runs one.
BENCH ?=
bench: install
	@for script in $(if $(BENCH),benchmarks/$(BENCH)_bench.py,benchmarks/*_bench.py); do \
		BENCH=$(BENCH) $(PY) $$script || exit 1; done

# Every pass-game band of the calibration table, measured on the demo and a perturbed set;
# exits non-zero on a FAIL (docs/engine.md).
calibrate: install
	$(PY) benchmarks/calibrate.py

# Long schemathesis run: FUZZ_EXAMPLES (default 100) positive + negative cases per operation.
fuzz: install
	bash scripts/fuzz.sh $(PYTEST_ARGS)

$(VENV)/.load-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev,load]'
	touch $@

# Load test (docs/load.md): PostgreSQL + gunicorn + db_worker + locust, 50 users, 60 s.
load: $(VENV)/.load-installed
	bash scripts/load.sh

# Scale-out on PostgreSQL (docs/scale.md): one large run with 1, 2 and 4 db_workers (speed-up,
# identical metrics) and a small run of another team behind a big one.
scale: install
	bash scripts/scale.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage htmlcov
