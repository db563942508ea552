#!/usr/bin/env bash
# Provision, start and stop the real services the test suite needs, on 127.0.0.1.
# Sourced by scripts/test.sh; each start_* is skipped when its URL is given by the environment.
set -euo pipefail

SERVICES_DIR="${SERVICES_DIR:-$(mktemp -d /tmp/marketplace-services.XXXXXX)}"
STARTED=()

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

apt_install() {
    # Install the Debian packages that are missing, once.
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> apt-get install ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

pg_bin() {
    ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1
}

start_postgres() {
    apt_install postgresql
    local port bin data
    port=$(free_port)
    bin=$(pg_bin)
    data="$SERVICES_DIR/postgres"
    mkdir -p "$data"
    chown postgres:postgres "$data" "$SERVICES_DIR"
    chmod 755 "$SERVICES_DIR"
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres system user.
    runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # The tests trade durability for speed; the benchmarks (scripts/bench.sh sets PG_BENCH_DURABLE=1)
    # measure a durable server, as production runs it.
    local speed="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${PG_BENCH_DURABLE:-0}" = 1 ] && speed=""
    runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $data $speed -c max_connections=200" start >/dev/null
    STARTED+=("postgres")
    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/marketplace"
    echo "==> PostgreSQL on 127.0.0.1:$port"
}

stop_postgres() {
    runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$SERVICES_DIR/postgres" -m fast -w stop >/dev/null 2>&1 || true
}

start_redis() {
    apt_install redis-server
    local port
    port=$(free_port)
    mkdir -p "$SERVICES_DIR/redis"
    redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --save "" --appendonly no \
        --dir "$SERVICES_DIR/redis" --pidfile "$SERVICES_DIR/redis/redis.pid" --logfile "$SERVICES_DIR/redis/redis.log"
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    STARTED+=("redis")
    export REDIS_URL="redis://127.0.0.1:$port/0"
    export TEST_REDIS_PORT="$port" TEST_REDIS_DIR="$SERVICES_DIR/redis"
    echo "==> Redis on 127.0.0.1:$port"
}

stop_redis() {
    if [ -f "$SERVICES_DIR/redis/redis.pid" ]; then
        kill "$(cat "$SERVICES_DIR/redis/redis.pid")" 2>/dev/null || true
    fi
}

start_elasticsearch() {
    local port
    port=$(free_port)
    bash "$(dirname "${BASH_SOURCE[0]}")/elasticsearch.sh" start "$port" "$SERVICES_DIR/elasticsearch"
    STARTED+=("elasticsearch")
    export ELASTICSEARCH_URL="http://127.0.0.1:$port"
    export TEST_ELASTICSEARCH_DIR="$SERVICES_DIR/elasticsearch" TEST_ELASTICSEARCH_PORT="$port"
    echo "==> Elasticsearch on 127.0.0.1:$port"
}

stop_elasticsearch() {
    bash "$(dirname "${BASH_SOURCE[0]}")/elasticsearch.sh" stop "$SERVICES_DIR/elasticsearch" || true
}

start_s3() {
    local port
    port=$(free_port)
    mkdir -p "$SERVICES_DIR/s3"
    .venv/bin/python -m moto.server -H 127.0.0.1 -p "$port" >"$SERVICES_DIR/s3/moto.log" 2>&1 &
    echo $! >"$SERVICES_DIR/s3/moto.pid"
    for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
    STARTED+=("s3")
    export AWS_S3_ENDPOINT_URL="http://127.0.0.1:$port"
    export TEST_S3_ENDPOINT_URL="$AWS_S3_ENDPOINT_URL"
    echo "==> S3 (moto) on 127.0.0.1:$port"
}

stop_s3() {
    if [ -f "$SERVICES_DIR/s3/moto.pid" ]; then
        kill "$(cat "$SERVICES_DIR/s3/moto.pid")" 2>/dev/null || true
    fi
}

start_s3rver() {
    # moto serves the S3 API and its bucket policy but never lets a signed link expire; s3rver
    # (npm) enforces X-Amz-Expires, so the test of an expired link runs against it.
    local port dir
    port=$(free_port)
    dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/s3rver"
    [ -x "$dir/node_modules/.bin/s3rver" ] || npm ci --prefix "$dir" --no-audit --no-fund --silent
    mkdir -p "$SERVICES_DIR/s3rver/data"
    node "$dir/node_modules/.bin/s3rver" --address 127.0.0.1 --port "$port" --silent \
        --directory "$SERVICES_DIR/s3rver/data" >"$SERVICES_DIR/s3rver/s3rver.log" 2>&1 &
    echo $! >"$SERVICES_DIR/s3rver/s3rver.pid"
    for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
    STARTED+=("s3rver")
    export TEST_S3RVER_ENDPOINT_URL="http://127.0.0.1:$port"
    echo "==> S3 (s3rver, signed-link expiry) on 127.0.0.1:$port"
}

stop_s3rver() {
    if [ -f "$SERVICES_DIR/s3rver/s3rver.pid" ]; then
        kill "$(cat "$SERVICES_DIR/s3rver/s3rver.pid")" 2>/dev/null || true
    fi
}

stop_started() {
    local svc
    for svc in "${STARTED[@]}"; do
        "stop_$svc"
    done
    rm -rf "$SERVICES_DIR"
}
