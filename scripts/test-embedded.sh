#!/usr/bin/env bash
# The embedded pass: the tests marked `embedded`, on the settings `make run` uses (SQLite file,
# in-memory channel layer, database search, local media, console email), with no outside service.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> Embedded pass: SQLite, in-memory channel layer, database search, local media"
# shellcheck disable=SC2086
exec env -u DATABASE_URL -u REDIS_URL -u ELASTICSEARCH_URL -u AWS_STORAGE_BUCKET_NAME -u AWS_S3_ENDPOINT_URL \
    -u EMAIL_URL MARKETPLACE_TEST_PASS=embedded .venv/bin/python -m pytest --durations=30 ${PYTEST_ARGS:-}
