#!/usr/bin/env bash
# `make test`: provision what is missing, start every service the suite needs on
# 127.0.0.1 (unless its URL is given), run pytest, stop what was started.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/bootstrap.sh
bootstrap_dev
apt_install_test_deps
npm_test_deps

# The layers of the house (pyproject.toml [tool.importlinter], README "Layers"): an upward import fails
# the run before any service starts.
echo "==> Import contract"
.venv/bin/lint-imports

source scripts/services.sh
trap stop_started EXIT

[ -n "${DATABASE_URL:-}" ] || start_postgres
[ -n "${REDIS_URL:-}" ] || start_redis
[ -n "${ELASTICSEARCH_URL:-}" ] || start_elasticsearch
[ -n "${TEST_S3_ENDPOINT_URL:-}" ] || start_s3
[ -n "${TEST_S3RVER_ENDPOINT_URL:-}" ] || start_s3rver

set +e
echo "==> Main pass: PostgreSQL, Redis, Elasticsearch, S3, Chromium"
# shellcheck disable=SC2086
.venv/bin/python -m pytest --durations=30 ${PYTEST_ARGS:-}
status=$?
set -e
bash scripts/test-embedded.sh || status=$?
exit $status
