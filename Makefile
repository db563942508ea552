.PHONY: run test test-embedded worker lint messages bench

PYTEST_ARGS ?=

# The site with demo data at http://127.0.0.1:8000, no other server needed.
run:
	@bash scripts/run.sh

# The whole suite against real PostgreSQL, Redis, Elasticsearch, S3 and Chromium.
test:
	@PYTEST_ARGS="$(PYTEST_ARGS)" bash scripts/test.sh

# Every benchmark (or BENCH=pages|search|matching|images|chat|load|chat-processes) on services run as
# production, one summary line each at the end; BENCH_SIZE=small for a smoke check (scripts/bench.sh).
bench:
	@BENCH="$(BENCH)" BENCH_SIZE="$(BENCH_SIZE)" BENCH_ARGS="$(BENCH_ARGS)" bash scripts/bench.sh

# The import contract (pyproject.toml [tool.importlinter], README "Layers") is part of the lint.
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports

# makemessages reads the settings, which refuse the development key with DJANGO_DEBUG off: a random one.
messages: export DJANGO_SECRET_KEY ?= $(shell .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')
messages:
	.venv/bin/python manage.py makemessages -l fr_CA -l en --ignore=.venv --ignore=tests --ignore=bench
	.venv/bin/python manage.py makemessages -d djangojs -l fr_CA -l en --ignore=.venv --ignore=staticfiles

# Only the embedded pass (no outside service); `make test` runs it after the main pass.
test-embedded:
	@bash -c 'source scripts/bootstrap.sh && bootstrap_dev && npm_test_deps' && PYTEST_ARGS="$(PYTEST_ARGS)" bash scripts/test-embedded.sh
