#!/usr/bin/env bash
# A real one-node Elasticsearch 8 for the tests, without Docker: search/elasticsearch builds a small
# launcher from Maven Central jars (the Elasticsearch server and its transport-netty4 module) and runs
# the node inside one JVM, on 127.0.0.1 only.
#
#   scripts/elasticsearch.sh start <port> <workdir>   build if needed, start, wait for yellow, print the URL
#   scripts/elasticsearch.sh stop <workdir>           stop what start left running there, wait for exit
#   scripts/elasticsearch.sh status <workdir>         print the URL and exit 0 if running, else exit 1
#   scripts/elasticsearch.sh build                    only build (mvn package), e.g. to warm ~/.m2
#
# Two nodes forming one cluster "marketplace-test" on 127.0.0.1 (tests/search/test_cluster.py):
#   scripts/elasticsearch.sh start-cluster <http-port-1> <http-port-2> <workdir> [<transport-1> <transport-2>]
#       starts both JVMs (node N in <workdir>/node-N, a normal one-node workdir: its own data, log and pid),
#       each seeding discovery with both transport ports (default: each HTTP port + 1) and both named as
#       initial master nodes; waits until both answer health with 2 nodes, yellow or better; prints the two
#       URLs, one per line. Heap -Xms256m -Xmx512m each (ES_JAVA_OPTS still overrides).
#   scripts/elasticsearch.sh stop-cluster <workdir>    stop both nodes (in parallel), wait for exit
#   scripts/elasticsearch.sh status-cluster <workdir>  print both URLs and exit 0 if both are in the cluster
#   scripts/elasticsearch.sh stop <workdir>/node-N     stop one node only (the cluster carries on without it)
# Two master-eligible nodes cannot outvote each other: Elasticsearch keeps only one of them (the elected
# master) in the voting configuration, so the cluster survives losing the *other* node, not the master.
# Production wants three master-eligible nodes; two are enough here to show replicas keep every document.
#
# start prints progress on stderr and the URL alone as its last line on stdout, so
#   ES_URL=$(scripts/elasticsearch.sh start 9250 /tmp/es-test)
# works. Starting again while running on the same port just prints the URL. Each fresh start wipes
# <workdir>/data unless ES_TEST_KEEP_DATA=1. The node's output goes to <workdir>/elasticsearch.log.
#
# Environment: ES_JAVA_OPTS (appended to the JVM options, so it can override them: the heap is
# -Xms512m -Xmx1g, and -XX:TieredStopAtLevel=1 (C1 JIT only) halves the start-up on 2 cores;
# -XX:TieredStopAtLevel=4 restores the full JIT), ES_START_TIMEOUT (seconds, default 180),
# ES_TEST_LOG_LEVEL (default INFO), JAVA_HOME, MVN.
#
# The node has the server's own analysis components plus the subset of the analysis-common module
# that search/elasticsearch/src/main/java/marketplace/esnode/AnalysisSubsetPlugin.java re-registers
# (Maven Central has no analysis-common for 8.x); an index naming another analysis type is refused
# with "Unknown filter type". The percolator is a subset too (Maven Central has no 8.x percolator
# module): search/elasticsearch/src/main/java/marketplace/esnode/PercolatorSubsetPlugin.java gives the
# node a `percolator` field type and a `percolate` query (one inline document) for stored queries made
# of bool, term, terms, match, exists and match_all; storing any other query type is refused with
# "query type [x] is not supported". No x-pack: no security, no painless scripts, no ML.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$ROOT/search/elasticsearch"
MAIN_CLASS="marketplace.esnode.Launcher"
JAR="$PROJECT/target/es-test-node-1.0.jar"
MVN="${MVN:-mvn}"

say() { echo "elasticsearch.sh: $*" >&2; }
die() { say "$*"; exit 1; }

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME/bin/java"; else command -v java || die "java not found (Java 17+ is needed)"; fi
}

# Build when the jar or its class path is missing, or a source/pom is newer than the jar.
build() {
  mkdir -p "$PROJECT/target"
  (
    # One build at a time, whatever the workdirs of concurrent starts.
    flock -w 600 7 || die "another build holds $PROJECT/target/.build.lock"
    if [[ -f "$JAR" && -d "$PROJECT/target/lib" && -z "$(find "$PROJECT/pom.xml" "$PROJECT/src" -newer "$JAR" -print -quit)" ]]; then
      exit 0
    fi
    say "building the launcher (mvn package; a first run downloads ~80 MB into ~/.m2 from Maven Central)"
    # A changed pom may change versions: drop the old class path (a running node keeps its open jars).
    if [[ -f "$JAR" && "$PROJECT/pom.xml" -nt "$JAR" ]]; then rm -rf "$PROJECT/target/lib"; fi
    if ! "$MVN" -q -B -f "$PROJECT/pom.xml" package >"$PROJECT/target/build.log" 2>&1; then
      cat "$PROJECT/target/build.log" >&2
      die "mvn package failed"
    fi
    touch "$JAR"
  ) 7>"$PROJECT/target/.build.lock"
}

# Is $1 a live process running our launcher with --dir $2?
is_ours() {
  local pid="$1" dir="$2" cmd
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  cmd="$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null)" || return 1
  grep -qxF "$MAIN_CLASS" <<<"$cmd" && grep -qxF -- "$dir" <<<"$cmd"
}

# Launchers started on this workdir, from the pid file or, if that was lost, from /proc.
our_pids() {
  local dir="$1" pid recorded=""
  [[ -f "$dir/elasticsearch.pid" ]] && recorded="$(cat "$dir/elasticsearch.pid")"
  if [[ -n "$recorded" ]] && is_ours "$recorded" "$dir"; then echo "$recorded"; fi
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    [[ "$pid" == "$recorded" ]] && continue
    if is_ours "$pid" "$dir"; then echo "$pid"; fi
  done
  return 0
}

health_ok() {  # answers yellow or green, and is our cluster
  local body
  body="$(curl -sf --max-time 5 "http://127.0.0.1:$1/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null)" || return 1
  grep -q '"cluster_name":"marketplace-test"' <<<"$body" && grep -q '"timed_out":false' <<<"$body"
}

abs_dir() { mkdir -p "$1" && (cd "$1" && pwd -P); }

# Start one launcher JVM in the background: spawn <port> <dir> <heap options> [launcher options...];
# prints its pid. The caller holds the workdir's lock and has built.
spawn() {
  local port="$1" dir="$2" heap="$3" java pid
  shift 3
  java="$(java_bin)"
  [[ "${ES_TEST_KEEP_DATA:-0}" == 1 ]] || rm -rf "$dir/data"
  rm -rf "$dir/tmp"
  mkdir -p "$dir/tmp"
  # shellcheck disable=SC2086  # heap and ES_JAVA_OPTS are lists of options
  nohup "$java" \
    $heap -XX:TieredStopAtLevel=1 -XX:-OmitStackTraceInFastThrow \
    -Dfile.encoding=UTF-8 -Djava.io.tmpdir="$dir/tmp" -Djava.locale.providers=SPI,CLDR \
    -Djna.nosys=true -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true \
    -Dio.netty.recycler.maxCapacityPerThread=0 -Dlog4j.shutdownHookEnabled=false \
    -Dlog4j2.disable.jmx=true -Dlog4j2.formatMsgNoLookups=true \
    ${ES_JAVA_OPTS:-} \
    -cp "$PROJECT/target/classes:$PROJECT/target/lib/*" \
    "$MAIN_CLASS" --port "$port" --dir "$dir" "$@" \
    >"$dir/elasticsearch.log" 2>&1 </dev/null 9>&- 8>&- 7>&- &
  pid=$!
  echo "$pid" >"$dir/elasticsearch.pid"
  echo "$port" >"$dir/elasticsearch.port"
  say "started pid $pid, log $dir/elasticsearch.log"
  echo "$pid"
}

cmd_start() {
  [[ $# == 2 ]] || die "usage: $0 start <port> <workdir>"
  local port="$1" dir pid
  [[ "$port" =~ ^[0-9]+$ ]] && (( port > 0 && port < 65536 )) || die "not a port: $port"
  dir="$(abs_dir "$2")"

  exec 9>"$dir/.lock"
  flock -w 300 9 || die "another start/stop holds $dir/.lock"

  pid="$(our_pids "$dir" | head -n1)"
  if [[ -n "$pid" ]]; then
    local running_port
    running_port="$(cat "$dir/elasticsearch.port" 2>/dev/null || echo '?')"
    [[ "$running_port" == "$port" ]] || die "already running in $dir on port $running_port (pid $pid): stop it first"
    if health_ok "$port"; then
      say "already running (pid $pid)"
      echo "http://127.0.0.1:$port"
      return 0
    fi
    say "pid $pid is running but not answering yet; waiting for it"
  else
    if curl -s --max-time 3 -o /dev/null "http://127.0.0.1:$port/"; then
      die "something else already answers on 127.0.0.1:$port"
    fi
    build
    pid="$(spawn "$port" "$dir" "-Xms512m -Xmx1g")"
  fi

  local timeout="${ES_START_TIMEOUT:-180}" start_s=$SECONDS
  until health_ok "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$dir/elasticsearch.log" >&2 || true
      rm -f "$dir/elasticsearch.pid"
      die "the node exited before it was ready (log: $dir/elasticsearch.log)"
    fi
    if (( SECONDS - start_s >= timeout )); then
      tail -n 40 "$dir/elasticsearch.log" >&2 || true
      flock -u 9
      cmd_stop "$dir" || true
      die "not ready after ${timeout}s (log: $dir/elasticsearch.log)"
    fi
    sleep 0.5
  done
  say "ready after $((SECONDS - start_s))s"
  echo "http://127.0.0.1:$port"
}

cmd_stop() {
  [[ $# == 1 ]] || die "usage: $0 stop <workdir>"
  [[ -d "$1" ]] || { say "no such workdir: $1 (nothing to stop)"; return 0; }
  local dir pids pid
  dir="$(cd "$1" && pwd -P)"
  exec 8>"$dir/.lock"
  flock -w 300 8 || die "another start/stop holds $dir/.lock"
  pids="$(our_pids "$dir" | sort -u)"
  if [[ -z "$pids" ]]; then
    say "not running"
    rm -f "$dir/elasticsearch.pid"
    return 0
  fi
  for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
  local deadline=$((SECONDS + 60))
  for pid in $pids; do
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      say "pid $pid did not stop within 60s after SIGTERM: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    fi
  done
  rm -f "$dir/elasticsearch.pid"
  say "stopped (pid $(echo $pids))"
}

cmd_status() {
  [[ $# == 1 ]] || die "usage: $0 status <workdir>"
  [[ -d "$1" ]] || exit 1
  local dir pid port
  dir="$(cd "$1" && pwd -P)"
  pid="$(our_pids "$dir" | head -n1)"
  [[ -n "$pid" ]] || { say "not running"; exit 1; }
  port="$(cat "$dir/elasticsearch.port" 2>/dev/null || true)"
  if [[ -n "$port" ]] && health_ok "$port"; then
    echo "http://127.0.0.1:$port"
  else
    say "pid $pid is running but not answering"
    exit 1
  fi
}

# --- Two nodes forming one cluster (for the replica test; the one-node commands above are unchanged) ---

CLUSTER_HEAP="-Xms256m -Xmx512m"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_port() { [[ "$1" =~ ^[0-9]+$ ]] && (( $1 > 0 && $1 < 65536 )) || die "not a port: $1"; }

cluster_ok() {  # $1 answers for our cluster, formed with $2 nodes, yellow or green
  local body
  body="$(curl -sf --max-time 5 "http://127.0.0.1:$1/_cluster/health?wait_for_nodes=$2&wait_for_status=yellow&timeout=1s" 2>/dev/null)" || return 1
  grep -q '"cluster_name":"marketplace-test"' <<<"$body" && grep -q '"timed_out":false' <<<"$body" \
    && grep -q "\"number_of_nodes\":$2," <<<"$body"
}

cmd_start_cluster() {
  [[ $# == 3 || $# == 5 ]] || die "usage: $0 start-cluster <http-port-1> <http-port-2> <workdir> [<transport-port-1> <transport-port-2>]"
  local http=("$1" "$2") transport dir i pids=() seeds names
  transport=("${4:-$(( $1 + 1 ))}" "${5:-$(( $2 + 1 ))}")
  for i in 0 1; do check_port "${http[$i]}"; check_port "${transport[$i]}"; done
  dir="$(abs_dir "$3")"
  exec 7>"$dir/.lock"
  flock -w 300 7 || die "another start-cluster/stop-cluster holds $dir/.lock"

  for i in 0 1; do
    mkdir -p "$dir/node-$((i + 1))"
    [[ -z "$(our_pids "$(abs_dir "$dir/node-$((i + 1))")")" ]] || die "a node of $dir is already running: stop-cluster first"
  done
  for i in 0 1; do
    ! listening "${http[$i]}" || die "something else already listens on 127.0.0.1:${http[$i]}"
    ! listening "${transport[$i]}" || die "something else already listens on 127.0.0.1:${transport[$i]}"
  done
  build
  seeds="127.0.0.1:${transport[0]},127.0.0.1:${transport[1]}"
  names="marketplace-test-node-1,marketplace-test-node-2"
  # Both JVMs at once: neither can elect a master (nor answer health) until the other has joined.
  for i in 0 1; do
    pids+=("$(spawn "${http[$i]}" "$(abs_dir "$dir/node-$((i + 1))")" "$CLUSTER_HEAP" \
      --node-name "marketplace-test-node-$((i + 1))" --transport-port "${transport[$i]}" \
      --seed-hosts "$seeds" --initial-master-nodes "$names")")
  done

  local timeout="${ES_START_TIMEOUT:-180}" start_s=$SECONDS
  until cluster_ok "${http[0]}" 2 && cluster_ok "${http[1]}" 2; do
    for i in 0 1; do
      if ! kill -0 "${pids[$i]}" 2>/dev/null; then
        tail -n 40 "$dir/node-$((i + 1))/elasticsearch.log" >&2 || true
        flock -u 7
        cmd_stop_cluster "$dir" || true
        die "node $((i + 1)) exited before the cluster formed (log: $dir/node-$((i + 1))/elasticsearch.log)"
      fi
    done
    if (( SECONDS - start_s >= timeout )); then
      tail -n 20 "$dir/node-1/elasticsearch.log" "$dir/node-2/elasticsearch.log" >&2 || true
      flock -u 7
      cmd_stop_cluster "$dir" || true
      die "the cluster did not form within ${timeout}s (logs: $dir/node-*/elasticsearch.log)"
    fi
    sleep 0.5
  done
  say "cluster of 2 nodes ready after $((SECONDS - start_s))s"
  echo "http://127.0.0.1:${http[0]}"
  echo "http://127.0.0.1:${http[1]}"
}

cmd_stop_cluster() {
  [[ $# == 1 ]] || die "usage: $0 stop-cluster <workdir>"
  [[ -d "$1" ]] || { say "no such workdir: $1 (nothing to stop)"; return 0; }
  local dir node
  dir="$(cd "$1" && pwd -P)"
  exec 7>"$dir/.lock"
  flock -w 300 7 || die "another start-cluster/stop-cluster holds $dir/.lock"
  # In parallel: each stop waits for its JVM to close.
  for node in "$dir"/node-*/; do
    [[ -d "$node" ]] && (cmd_stop "${node%/}") &
  done
  wait
}

cmd_status_cluster() {
  [[ $# == 1 ]] || die "usage: $0 status-cluster <workdir>"
  [[ -d "$1" ]] || exit 1
  local dir node port urls=() missing=0
  dir="$(cd "$1" && pwd -P)"
  for node in "$dir"/node-1 "$dir"/node-2; do
    port="$(cat "$node/elasticsearch.port" 2>/dev/null || true)"
    if [[ -d "$node" && -n "$(our_pids "$node")" && -n "$port" ]] && cluster_ok "$port" 2; then
      urls+=("http://127.0.0.1:$port")
    else
      say "${node##*/} is not running or not in a cluster of 2"
      missing=1
    fi
  done
  (( missing == 0 )) || exit 1
  printf '%s\n' "${urls[@]}"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  status) shift; cmd_status "$@" ;;
  start-cluster) shift; cmd_start_cluster "$@" ;;
  stop-cluster) shift; cmd_stop_cluster "$@" ;;
  status-cluster) shift; cmd_status_cluster "$@" ;;
  build) build ;;
  *) die "usage: $0 start <port> <workdir> | stop <workdir> | status <workdir> | build
       | start-cluster <http-port-1> <http-port-2> <workdir> [<transport-port-1> <transport-port-2>]
       | stop-cluster <workdir> | status-cluster <workdir>" ;;
esac
