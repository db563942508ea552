"""Chat benchmark: N WebSocket clients in N/2 conversations against ONE uvicorn process and Redis.

Each client sends a message every `--interval` seconds for `--duration` seconds; we measure the
round trip from the sender's `send` to the other participant's `message` frame (and the sender's
`ack`), check that every message saved was delivered exactly once, and measure the same round trip
through raw Redis pub/sub in the same run and the same client processes (the ratio is the figure).
The clients run in `--procs` processes (one Python process holding 500 sockets was the bottleneck);
the server under test is always one uvicorn process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5433/messaging_bench REDIS_URL=redis://127.0.0.1:6380/3 \\
        .venv/bin/python bench/chat.py                      # 500 clients, 60 s (the issue's figure)
    .venv/bin/python bench/chat.py --clients 100 --duration 20   # smaller, when time is short

Targets: delivered == sent, p95 < 50 ms, ratio < 10.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The benchmarks run with DEBUG off, where the settings refuse the development key; their servers inherit this one.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500, help="WebSocket clients (two per conversation).")
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds of sending.")
    parser.add_argument("--interval", type=float, default=2.0, help="Seconds between two messages of a client.")
    parser.add_argument(
        "--procs", type=int, default=4, help="Client processes (the load generator, not the server: one uvicorn)."
    )
    parser.add_argument("--port", type=int, default=0, help="Port of the uvicorn process (0: a free one).")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6380/3"))
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5433/messaging_bench")
    )
    return parser.parse_args()


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values):
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "mean": statistics.fmean(ms) if ms else float("nan"),
    }


# --- Data ------------------------------------------------------------------------------------


def ensure_database(database_url: str) -> None:
    """Create the bench database if needed and migrate it."""
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
    )


def seed(pairs: int):
    """`pairs` conversations (client + freelancer + project) and a session cookie per member."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from messaging.models import Conversation, Message, Participant
    from profiles.models import User
    from projects.models import Category, Project, ProjectStatus

    run = uuid.uuid4().hex[:8]
    users = User.objects.bulk_create(
        [User(email=f"bench-{run}-{i}@exemple.qc.ca", name=f"Bench {i}", password="!") for i in range(pairs * 2)]
    )
    today = timezone.localdate()
    projects = Project.objects.bulk_create(
        [
            Project(
                owner=users[2 * i],
                title=f"Projet banc d'essai {i}",
                description="Banc d'essai de la messagerie.",
                category=Category.WEB,
                quotes_due=today,
                status=ProjectStatus.OPEN,
                published_at=timezone.now(),
            )
            for i in range(pairs)
        ]
    )
    conversations = Conversation.objects.bulk_create(
        [Conversation(project=projects[i], client=users[2 * i], freelancer=users[2 * i + 1]) for i in range(pairs)]
    )
    Participant.objects.bulk_create(
        [Participant(conversation=c, user_id=uid) for c in conversations for uid in (c.client_id, c.freelancer_id)]
    )
    cookies = {}
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies[user.pk] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    members = [(c.pk, uid) for c in conversations for uid in (c.client_id, c.freelancer_id)]
    conversation_ids = [c.pk for c in conversations]

    def saved_count():
        return Message.objects.filter(conversation_id__in=conversation_ids).count()

    return members, cookies, saved_count


# --- Server ------------------------------------------------------------------------------------


def start_server(port: int, database_url: str, redis_url: str, prefix: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        # Same Redis client options as the settings' layer hosts (read and connect timeouts, pool size).
        "REDIS_URL": redis_url
        + ("&" if "?" in redis_url else "?")
        + "socket_timeout=15&socket_connect_timeout=2&max_connections=2000",
        "CHANNELS_PREFIX": prefix,
        "DATABASE_CONN_MAX_AGE": "300",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "marketplace.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws-per-message-deflate",
            "false",
            "--ws-max-size",
            "262144",
            "--lifespan",
            "off",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        if process.poll() is not None:
            raise SystemExit("uvicorn exited")
        time.sleep(0.1)
    raise SystemExit("uvicorn did not start")


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server process so far (Linux /proc), to see how busy it ran."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- Load ----------------------------------------------------------------------------------------
#
# The clients run in several processes (one Python process holding 500 sockets was itself the
# bottleneck). Both members of a conversation, and both ends of a pub/sub pair, live in the same
# process, so a round trip is timed on one clock; the raw Redis pairs use the same processes, event
# loop and JSON handling as the WebSocket clients, so the ratio compares like with like.


class Stats:
    def __init__(self):
        self.sent = 0
        self.acked = 0
        self.delivered = 0
        self.duplicates = 0
        self.errors: list[dict] = []
        self.sent_at: dict[str, float] = {}
        self.seen: set[tuple[int, str]] = set()
        self.rtt: list[float] = []
        self.ack_rtt: list[float] = []
        self.disconnects = 0
        self.connected = 0

    def result(self) -> dict:
        return {
            "sent": self.sent,
            "acked": self.acked,
            "delivered": self.delivered,
            "duplicates": self.duplicates,
            "errors": self.errors[:3],
            "error_count": len(self.errors),
            "rtt": self.rtt,
            "ack_rtt": self.ack_rtt,
            "disconnects": self.disconnects,
            "connected": self.connected,
        }

    @staticmethod
    def merge(results: list[dict]) -> Stats:
        total = Stats()
        for r in results:
            total.sent += r["sent"]
            total.acked += r["acked"]
            total.delivered += r["delivered"]
            total.duplicates += r["duplicates"]
            total.errors += r["errors"]
            total.rtt += r["rtt"]
            total.ack_rtt += r["ack_rtt"]
            total.disconnects += r["disconnects"]
            total.connected += r["connected"]
        total.error_count = sum(r["error_count"] for r in results)
        return total


async def paced(send_one, *, start_at: float, stop_at: float, interval: float) -> None:
    """Call `send_one` every `interval` seconds until `stop_at` or until it returns False: the chat and its
    baseline send at the same pace. Everyone starts together, spread over one interval so the load is even."""
    next_send = start_at + random.random() * interval
    while True:
        await asyncio.sleep(max(0.0, next_send - time.monotonic()))
        if time.monotonic() >= stop_at or not await send_one():
            return
        next_send += interval


async def ws_client(url, origin, cookie, conversation_id, user_id, stats, start_at, stop_at, interval):
    import websockets

    ws = await websockets.connect(
        url,
        origin=origin,
        additional_headers={"Cookie": cookie},
        compression=None,
        open_timeout=120,
        max_queue=None,
        ping_interval=None,
    )
    await ws.send(json.dumps({"type": "subscribe", "conversation": conversation_id, "after": 0}))

    async def reader():
        with contextlib.suppress(websockets.ConnectionClosed):
            await read_frames()

    async def read_frames():
        async for raw in ws:
            frame = json.loads(raw)
            kind = frame["type"]
            if kind == "message":
                message = frame["message"]
                if message["sender"] == user_id:
                    continue
                key = (user_id, message["client_id"])
                if key in stats.seen:
                    stats.duplicates += 1
                    continue
                stats.seen.add(key)
                stats.delivered += 1
                sent = stats.sent_at.get(message["client_id"])
                if sent is not None:
                    stats.rtt.append(time.monotonic() - sent)
            elif kind == "ack":
                stats.acked += 1
                sent = stats.sent_at.get(frame["client_id"])
                if sent is not None:
                    stats.ack_rtt.append(time.monotonic() - sent)
            elif kind == "error":
                stats.errors.append(frame)

    async def send_one() -> bool:
        if reading.done():
            stats.disconnects += 1
            return False
        client_id = str(uuid.uuid4())
        stats.sent_at[client_id] = time.monotonic()
        stats.sent += 1
        try:
            await ws.send(
                json.dumps(
                    {
                        "type": "send",
                        "conversation": conversation_id,
                        "client_id": client_id,
                        "body": f"Bonjour {client_id[:8]}",
                    }
                )
            )
        except websockets.ConnectionClosed:
            stats.disconnects += 1
            return False
        return True

    reading = asyncio.create_task(reader())
    stats.connected += 1
    await paced(send_one, start_at=start_at, stop_at=stop_at, interval=interval)
    return ws, reading


async def pubsub_member(redis_url, channel, peer_channel, stats, start_at, stop_at, interval, delay=0.0):
    """The same traffic over raw Redis pub/sub: a subscriber connection per member, JSON payloads,
    each member publishing to its peer's channel like a chat message to the other participant.
    A member that cannot connect is counted as an error (None), not a crash of the whole run."""
    import redis.asyncio as redis

    await asyncio.sleep(delay)  # connections spread out as the sockets' are
    client = redis.from_url(redis_url, socket_timeout=None, socket_connect_timeout=30)
    pubsub = client.pubsub()
    try:
        await pubsub.subscribe(channel)
        await pubsub.get_message(timeout=5)  # subscribe confirmation
    except (OSError, redis.RedisError) as error:
        stats.errors.append({"pubsub_connect": repr(error)})
        return None

    async def reader():
        async for item in pubsub.listen():
            if item["type"] != "message":
                continue
            payload = json.loads(item["data"])
            stats.delivered += 1
            stats.rtt.append(time.monotonic() - payload["t"])

    async def publish_one() -> bool:
        stats.sent += 1
        body = {
            "type": "message",
            "message": {"client_id": str(uuid.uuid4()), "body": "Bonjour"},
            "t": time.monotonic(),
        }
        await client.publish(peer_channel, json.dumps(body))
        return True

    reading = asyncio.create_task(reader())
    stats.connected += 1
    await paced(publish_one, start_at=start_at, stop_at=stop_at, interval=interval)
    return client, pubsub, reading


async def run_load(job: dict) -> tuple[dict, dict]:
    """One client process: its share of the conversations, over WebSocket (each member on its server) and
    over raw pub/sub."""
    start_at, stop_at, interval = job["start_at"], job["stop_at"], job["interval"]
    ws_stats, ps_stats = Stats(), Stats()
    ws_tasks = []
    for i, (conversation_id, user_id, cookie, port) in enumerate(job["members"]):
        url, origin = f"ws://127.0.0.1:{port}/ws/", f"http://127.0.0.1:{port}"
        ws_tasks.append(
            asyncio.create_task(
                ws_client(url, origin, cookie, conversation_id, user_id, ws_stats, start_at, stop_at, interval)
            )
        )
        if i % 25 == 24:
            await asyncio.sleep(0.25)  # don't open every socket in the same instant
    ps_tasks = [
        asyncio.create_task(
            pubsub_member(
                job["redis_url"],
                f"{job['prefix']}:ps:{index}",
                f"{job['prefix']}:ps:{index ^ 1}",
                ps_stats,
                start_at,
                stop_at,
                interval,
                delay=0.25 * (position // 25),
            )
        )
        for position, index in enumerate(job["pubsub_indexes"])
    ]
    ws_results = await asyncio.gather(*ws_tasks)
    ps_results = await asyncio.gather(*ps_tasks)
    # Let in-flight deliveries land.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (ws_stats.delivered < ws_stats.sent or ps_stats.delivered < ps_stats.sent):
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # a duplicate would come by now
    for ws, reading in ws_results:
        reading.cancel()
        with contextlib.suppress(Exception):
            await ws.close()
    for client, pubsub, reading in filter(None, ps_results):
        reading.cancel()
        await pubsub.aclose()
        await client.aclose()
    return ws_stats.result(), ps_stats.result()


def client_process(job: dict) -> tuple[dict, dict]:
    """Entry point of a client process (spawned): its own event loop, uvloop like the server's."""
    try:
        import uvloop

        return uvloop.run(run_load(job))
    except ImportError:
        return asyncio.run(run_load(job))


def run_clients(args, members, cookies, ports: list[int], prefix) -> tuple[Stats, Stats]:
    """Run the clients in `args.procs` processes against the servers on `ports`; their stats merged.

    With several servers, the two members of a conversation sit on different ones (the client side
    alternating, so each server holds as many of either side): every message crosses processes.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    procs = max(1, min(args.procs, len(members) // 2))
    # Whole conversations per client process (members come in pairs), dealt round-robin.
    shares = [[] for _ in range(procs)]
    indexes = [[] for _ in range(procs)]
    for pair in range(len(members) // 2):
        for side, index in enumerate((2 * pair, 2 * pair + 1)):
            conversation_id, user_id = members[index]
            port = ports[(pair + side) % len(ports)]
            shares[pair % procs].append((conversation_id, user_id, cookies[user_id], port))
            indexes[pair % procs].append(index)
    warmup = 10.0 + len(members) / 40  # time to open every socket before the clock starts
    start_at = time.monotonic() + warmup
    jobs = [
        {
            "redis_url": args.redis_url,
            "prefix": prefix,
            "members": shares[k],
            "pubsub_indexes": indexes[k],
            "start_at": start_at,
            "stop_at": start_at + args.duration,
            "interval": args.interval,
        }
        for k in range(procs)
    ]
    print(
        f"{len(members)} sockets on {len(ports)} server process(es) and {len(members)} pub/sub subscribers in "
        f"{procs} client processes; sending from {warmup:.0f} s for {args.duration:.0f} s",
        flush=True,
    )
    with ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(client_process, jobs))
    return Stats.merge([r[0] for r in results]), Stats.merge([r[1] for r in results])


def main():
    args = parse_args()
    if args.clients % 2:
        raise SystemExit("--clients must be even (two per conversation)")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["REDIS_URL"] = args.redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    print(f"Preparing {args.database_url} …")
    ensure_database(args.database_url)
    members, cookies, saved_count = seed(args.clients // 2)
    prefix = f"bench-{uuid.uuid4().hex[:6]}"
    if not args.port:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            args.port = sock.getsockname()[1]
    server = start_server(args.port, args.database_url, args.redis_url, prefix)
    try:
        before = saved_count()
        cpu_before, wall_before = server_cpu_seconds(server.pid), time.monotonic()
        ws_stats, ps_stats = run_clients(args, members, cookies, [args.port], prefix)
        cpu, wall = server_cpu_seconds(server.pid) - cpu_before, time.monotonic() - wall_before
        saved = saved_count() - before
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            print("uvicorn did not stop within 15 s of SIGTERM; killed")
            server.kill()

    ws = summary(ws_stats.rtt)
    ack = summary(ws_stats.ack_rtt)
    ps = summary(ps_stats.rtt)
    print()
    print(
        f"clients {args.clients} in {args.clients // 2} conversations, one message / {args.interval:g} s each, {args.duration:g} s, one uvicorn process"
    )
    print(
        f"WebSocket: {ws_stats.connected} connected, sent {ws_stats.sent}, acked {ws_stats.acked}, saved {saved}, delivered {ws_stats.delivered}, duplicates {ws_stats.duplicates}, errors {ws_stats.error_count}, disconnects {ws_stats.disconnects}"
    )
    print(
        f"  send → other participant: p50 {ws['p50']:.1f} ms  p95 {ws['p95']:.1f} ms  p99 {ws['p99']:.1f} ms  (mean {ws['mean']:.1f})"
    )
    print(f"  send → ack:               p50 {ack['p50']:.1f} ms  p95 {ack['p95']:.1f} ms  p99 {ack['p99']:.1f} ms")
    print(
        f"Redis pub/sub (same run, same client processes): {ps_stats.connected} subscribed, "
        f"{ps_stats.error_count} could not connect, sent {ps_stats.sent}, delivered {ps_stats.delivered}"
    )
    print(f"  publish → subscriber:     p50 {ps['p50']:.1f} ms  p95 {ps['p95']:.1f} ms  p99 {ps['p99']:.1f} ms")
    print(
        f"server CPU: {cpu:.1f} s over {wall:.0f} s of load (connect, send, drain): {100 * cpu / wall:.0f} % of a core"
    )
    ratio = ws["p95"] / ps["p95"] if ps["p95"] else float("inf")
    print(f"ratio p95 WebSocket / pub/sub: {ratio:.1f}")
    ok = ws_stats.delivered == saved == ws_stats.sent and ws_stats.duplicates == 0
    print(
        f"targets: no message lost {'OK' if ok else 'FAILED'} · p95 < 50 ms {'OK' if ws['p95'] < 50 else 'MISSED'}"
        f" · ratio < 10 {'OK' if ratio < 10 else 'MISSED'}"
    )
    if ws_stats.errors:
        print("first errors:", ws_stats.errors[:3])
    from bench.summary import Summary, print_summary

    print_summary(
        Summary(
            name="chat",
            figure=ws["p95"],
            baseline=ps["p95"],
            unit="ms",
            ratio=ratio,
            target="nothing lost, p95 < 50 ms and ratio < 10",
            met=ok and ws["p95"] < 50 and ratio < 10,
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
