#!/usr/bin/env bash
# `make run`: virtualenv, SQLite, migrations, demo data on first start, then the site.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
bootstrap_run

export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py load_municipalities
.venv/bin/python manage.py seed_demo --if-empty

# Background work beside the site: tasks (emails, reminders, exports) and the search outbox
# (saved-search notices; indexing too when Elasticsearch is configured).
.venv/bin/python manage.py task_worker >var/worker.log 2>&1 &
worker=$!
.venv/bin/python manage.py search_outbox_drain --loop >var/search-outbox.log 2>&1 &
drain=$!
trap 'kill $worker $drain 2>/dev/null || true' EXIT

echo "==> http://127.0.0.1:8000"
.venv/bin/python manage.py runserver 127.0.0.1:8000
