# `make run` serves the app with demo data, a worker and a scheduler; `make test` runs the suite.
# DATABASE_URL / REDIS_URL switch from SQLite and the no-server broker to PostgreSQL / Redis.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run test lint setup setup-dev static messages clean bench

# `make run` and production install requirements.txt; tests and lint add requirements-dev.txt.
setup: $(VENV)/.installed static/vendor/.built var
setup-dev: setup $(VENV)/.installed-dev

var:
	mkdir -p var/mail var/cache var/media var/staticfiles

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

static/vendor/.built: package.json package-lock.json scripts/copy-vendor.mjs
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $@

run: setup
	@bash scripts/run.sh

test: setup-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/djlint templates --lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$${SECRET_KEY:-check-deploy-$$RANDOM-$$RANDOM-key-long-enough-for-django-deploy-check} \
	  ALLOWED_HOSTS=campaigns.example.org $(PY) manage.py check --deploy --fail-level WARNING

messages: setup
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=node_modules --ignore=var --ignore=static/vendor --ignore=tests
	$(PY) manage.py compilemessages -l es --ignore=.venv

clean:
	rm -rf $(VENV) node_modules static/vendor var

# The app under gunicorn on PostgreSQL and Redis, loaded by wrk (see scripts/bench.py). BENCH_DATABASE_URL,
# BENCH_REDIS_URL, BENCH_SCALE (0.1), BENCH_DURATION (seconds a run) change what it measures.
bench: setup
	@command -v wrk >/dev/null || apt-get install -y wrk
	$(PY) scripts/bench.py
