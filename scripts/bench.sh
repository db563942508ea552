#!/usr/bin/env bash
# `make bench`: start the services as production runs them (unless their URLs are given), build the
# data, run every benchmark under bench/ (or BENCH=name), print each one's summary line together at
# the end, stop what was started.
#
#   make bench                           every benchmark, full sizes (long: seeding, then minutes each)
#   make bench BENCH=pages               one of: pages search matching images chat load chat-processes
#   make bench BENCH_SIZE=small          tiny sizes: a smoke check of the scripts, not a measurement
#   make bench BENCH=pages BENCH_ARGS="--requests 100"   extra options for the one benchmark
#
# Services as production: PostgreSQL durable (PG_BENCH_DURABLE=1: no fsync=off, synchronous_commit=off
# or full_page_writes=off), Elasticsearch with the full JIT and a 2 GB heap (ES_JAVA_OPTS overrides),
# rate limits on. Given DATABASE_URL / REDIS_URL / ELASTICSEARCH_URL are used as they are; their
# settings are printed so that a flattering one shows. load and chat-processes run when their scripts exist.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL=(pages search matching images chat load chat-processes)
BENCH="${BENCH:-}"
BENCH_SIZE="${BENCH_SIZE:-full}"
BENCH_ARGS="${BENCH_ARGS:-}"
if [ -n "$BENCH" ]; then
    case " ${ALL[*]} " in
    *" $BENCH "*) SELECTED=("$BENCH") ;;
    *) echo "Unknown BENCH=$BENCH: one of ${ALL[*]}" >&2; exit 2 ;;
    esac
else
    SELECTED=("${ALL[@]}")
fi

source scripts/bootstrap.sh
bootstrap_dev
source scripts/services.sh
trap stop_started EXIT

needs() {  # needs <service>: whether a selected benchmark uses it
    local name
    for name in "${SELECTED[@]}"; do
        case "$1:$name" in
        postgres:images) ;;
        postgres:*) return 0 ;;
        redis:chat | redis:chat-processes | redis:load) return 0 ;;
        elasticsearch:search | elasticsearch:matching | elasticsearch:load) return 0 ;;
        esac
    done
    return 1
}

export PG_BENCH_DURABLE=1
export ES_JAVA_OPTS="${ES_JAVA_OPTS:--Xms2g -Xmx2g -XX:TieredStopAtLevel=4}"
if needs postgres && [ -z "${DATABASE_URL:-}" ]; then start_postgres; fi
if needs redis && [ -z "${REDIS_URL:-}" ]; then start_redis; fi
if needs elasticsearch && [ -z "${ELASTICSEARCH_URL:-}" ]; then start_elasticsearch; fi
# Rate limits stay on: a benchmark that plays many users gives each its own address or account.
unset RATELIMIT_ENABLED

echo "==> Services"
.venv/bin/python - <<'EOF'
import json, os, urllib.request

url = os.environ.get("DATABASE_URL", "")
if url.startswith("postgres"):
    import psycopg

    with psycopg.connect(url.rpartition("/")[0].replace("postgres://", "postgresql://") + "/postgres") as conn:
        shown = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in ("fsync", "synchronous_commit", "full_page_writes")}
    durable = shown == {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
    print(f"PostgreSQL {url.rpartition('@')[2]}: {shown}{'' if durable else '  <- NOT durable: flatters writes'}")
es = os.environ.get("ELASTICSEARCH_URL")
if es:
    nodes = json.load(urllib.request.urlopen(es.rstrip("/") + "/_nodes/jvm", timeout=10))["nodes"]
    for node in nodes.values():
        jit = [a for a in node["jvm"].get("input_arguments", []) if "TieredStopAtLevel" in a]
        heap = node["jvm"]["mem"]["heap_max_in_bytes"] / 2**30
        print(f"Elasticsearch {node['name']}: heap {heap:.1f} GB, {jit[-1] if jit else 'full JIT'}")
if os.environ.get("REDIS_URL"):
    print(f"Redis {os.environ['REDIS_URL'].rpartition('@')[2]}")
EOF

small() { [ "$BENCH_SIZE" = small ]; }
BASE_URL="${DATABASE_URL:-}"
BASE_URL="${BASE_URL%/*}"

args_for() {
    case "$1" in
    pages) small && echo "--database bench_pages_small --profiles 400 --projects 2000 --quotes 6000 --requests 30" ;;
    search) small && echo "--database bench_search_small --profiles 400 --projects 2000 --quotes 3000 --queries 100" ;;
    matching) small && echo "--profiles 500 --saved-searches 500 --runs 10 --sample 20" ;;
    images) small && echo "--photos 2" ;;
    chat) echo "--database-url $BASE_URL/bench_chat"; small && echo "--clients 20 --duration 10 --procs 1" ;;
    # At full size the load steps up (50, 100, 200, 400 users): the summary line is the 200-user step's,
    # and the step table gives the capacity per 2 cores.
    load) if small; then echo "--database bench_load_small --profiles 400 --projects 2000 --quotes 6000 --users 10 --duration 20"; else echo "--step"; fi ;;
    chat-processes) echo "--database-url $BASE_URL/bench_chat"; small && echo "--clients 20 --duration 10 --procs 1" ;;
    esac
    return 0
}

LOGS="$(mktemp -d /tmp/marketplace-bench.XXXXXX)"
SUMMARY=()
status=0

# The data the pages benchmark reads, built first so that its seeding time is not in any measurement.
for name in "${SELECTED[@]}"; do
    if [ "$name" = pages ]; then
        echo "==> Data (bench/data.py)"
        if small; then
            .venv/bin/python bench/data.py --database bench_pages_small --profiles 400 --projects 2000 --quotes 6000
        else
            .venv/bin/python bench/data.py --database bench_pages
        fi
    fi
done

for name in "${SELECTED[@]}"; do
    script="bench/${name//-/_}.py"
    if [ ! -f "$script" ]; then
        SUMMARY+=("BENCH $name | not run: $script does not exist")
        continue
    fi
    echo "==> $name ($script)"
    # shellcheck disable=SC2046
    set +e
    .venv/bin/python "$script" $(args_for "$name") $BENCH_ARGS 2>&1 | tee "$LOGS/$name.log"
    code=${PIPESTATUS[0]}
    set -e
    line=$(grep '^BENCH ' "$LOGS/$name.log" | tail -1 || true)
    if [ -z "$line" ]; then
        line="BENCH $name | no summary line (exit $code; output in $LOGS/$name.log)"
        status=1
    elif [ "$code" -ne 0 ]; then
        line="$line (exit $code)"
        status=1
    fi
    SUMMARY+=("$line")
done

echo
echo "==> Summary ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), size $BENCH_SIZE)"
printf '%s\n' "${SUMMARY[@]}"
exit $status
