"""Chat benchmark across processes: N WebSocket clients on TWO uvicorn processes behind one Redis.

The N/2 conversations each have their two sides on different server processes (the client on one, the
freelancer on the other, alternating), so every message crosses from one process to the other through
the channel layer. Each client sends every `--interval` seconds for `--duration` seconds; we check that
every message saved was delivered exactly once to the other side, measure send → the other participant's
`message` frame, and measure the same round trip through raw Redis pub/sub from the same client processes
in the same run (the baseline; ratio = p95 / baseline p95). Each server process's CPU is reported.
The clients, the data and the servers are bench/chat.py's (same seeding, same client code, same uvicorn
options); only the placement of the sockets differs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5433/messaging_bench REDIS_URL=redis://127.0.0.1:6380/3 \\
        .venv/bin/python bench/chat_processes.py                 # 2,000 clients, 60 s (issue 15's figure)
    .venv/bin/python bench/chat_processes.py --clients 40 --duration 10   # a smoke check

Targets: nothing lost (delivered == saved == sent, no duplicate), p95 < 100 ms, ratio <= 10.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import chat  # noqa: E402  (also sets the secret key the servers inherit, DEBUG being off)
from bench._serve import free_port  # noqa: E402
from bench.summary import Summary, print_summary  # noqa: E402

SERVERS = 2
TARGET_P95_MS = 100.0
TARGET_RATIO = 10.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=2000, help="WebSocket clients (two per conversation).")
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds of sending.")
    parser.add_argument("--interval", type=float, default=2.0, help="Seconds between two messages of a client.")
    parser.add_argument("--procs", type=int, default=4, help="Client processes (the load generator).")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6380/3"))
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5433/messaging_bench")
    )
    return parser.parse_args()


# --- Load ------------------------------------------------------------------------------------------
#
# bench/chat.py's clients (`chat.run_clients`) with two server ports: both members of a conversation (and
# both ends of a pub/sub pair) live in the same client process, so a round trip is timed on one clock;
# only their sockets go to different servers.


# --- Run -------------------------------------------------------------------------------------------


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        print(f"uvicorn {server.pid} did not stop within 15 s of SIGTERM; killed")
        server.kill()
        server.wait(timeout=10)


def main():
    args = parse_args()
    if args.clients % 2:
        raise SystemExit("--clients must be even (two per conversation)")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["REDIS_URL"] = args.redis_url
    os.environ["DJANGO_DEBUG"] = "0"  # production settings in the servers, as bench/_serve.py runs them
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    print(f"Preparing {args.database_url} …", flush=True)
    chat.ensure_database(args.database_url)
    members, cookies, saved_count = chat.seed(args.clients // 2)
    prefix = f"bench-{uuid.uuid4().hex[:6]}"  # one channel-layer prefix: both servers share the groups
    ports = []
    while len(ports) < SERVERS:
        port = free_port()
        if port not in ports:
            ports.append(port)
    servers: list[subprocess.Popen] = []
    try:
        for port in ports:
            servers.append(chat.start_server(port, args.database_url, args.redis_url, prefix))
        before = saved_count()
        cpu_before, wall_before = [chat.server_cpu_seconds(s.pid) for s in servers], time.monotonic()
        ws_stats, ps_stats = chat.run_clients(args, members, cookies, ports, prefix)
        cpu = [chat.server_cpu_seconds(s.pid) - c for s, c in zip(servers, cpu_before, strict=True)]
        wall = time.monotonic() - wall_before
        saved = saved_count() - before
    finally:
        for server in servers:
            stop_server(server)

    ws, ack, ps = chat.summary(ws_stats.rtt), chat.summary(ws_stats.ack_rtt), chat.summary(ps_stats.rtt)
    print()
    print(
        f"clients {args.clients} in {args.clients // 2} conversations, each side on a different one of "
        f"{SERVERS} uvicorn processes, one message / {args.interval:g} s each, {args.duration:g} s"
    )
    print(
        f"WebSocket: {ws_stats.connected} connected, sent {ws_stats.sent}, acked {ws_stats.acked}, saved {saved}, "
        f"delivered {ws_stats.delivered}, duplicates {ws_stats.duplicates}, errors {ws_stats.error_count}, "
        f"disconnects {ws_stats.disconnects}"
    )
    print(
        f"  send → other participant (other process): p50 {ws['p50']:.1f} ms  p95 {ws['p95']:.1f} ms  "
        f"p99 {ws['p99']:.1f} ms  (mean {ws['mean']:.1f})"
    )
    print(f"  send → ack:  p50 {ack['p50']:.1f} ms  p95 {ack['p95']:.1f} ms  p99 {ack['p99']:.1f} ms")
    print(
        f"Redis pub/sub (same run, same client processes): {ps_stats.connected} subscribed, "
        f"{ps_stats.error_count} could not connect, sent {ps_stats.sent}, delivered {ps_stats.delivered}"
    )
    print(f"  publish → subscriber:  p50 {ps['p50']:.1f} ms  p95 {ps['p95']:.1f} ms  p99 {ps['p99']:.1f} ms")
    for number, (server, seconds) in enumerate(zip(servers, cpu, strict=True), start=1):
        print(
            f"server process {number} (pid {server.pid}): CPU {seconds:.1f} s over {wall:.0f} s of load "
            f"(connect, send, drain): {100 * seconds / wall:.0f} % of a core"
        )
    ratio = ws["p95"] / ps["p95"] if ps["p95"] else float("inf")
    print(f"ratio p95 WebSocket / pub/sub: {ratio:.1f}")
    nothing_lost = ws_stats.delivered == saved == ws_stats.sent and ws_stats.duplicates == 0
    if ws_stats.errors:
        print("first errors:", ws_stats.errors[:3])
    print_summary(
        Summary(
            name="chat-processes",
            figure=ws["p95"],
            baseline=ps["p95"],
            unit="ms",
            ratio=ratio,
            target=f"nothing lost, p95 < {TARGET_P95_MS:g} ms and ratio <= {TARGET_RATIO:g}",
            met=nothing_lost and ws["p95"] < TARGET_P95_MS and ratio <= TARGET_RATIO,
        )
    )
    return 0 if nothing_lost else 1


if __name__ == "__main__":
    sys.exit(main())
