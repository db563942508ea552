"""What the HTTP benchmarks share: the project under uvicorn on a free port, and percentiles."""

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_database(name: str, *, script: str, needs_elasticsearch: bool = False) -> str:
    """The URL of the benchmark's own PostgreSQL database `name` (created if missing, kept between runs),
    beside the one DATABASE_URL names; exits with a message when the services it needs aren't given."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit(f"bench/{script} needs DATABASE_URL pointing at PostgreSQL.")
    if needs_elasticsearch and not os.environ.get("ELASTICSEARCH_URL"):
        sys.exit(f"bench/{script} needs ELASTICSEARCH_URL (scripts/elasticsearch.sh start <port> <dir>).")
    base = url.rpartition("/")[0]
    with psycopg.connect(base.replace("postgres://", "postgresql://") + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def asgi_server(**env: str) -> Iterator[int]:
    """Serve the project in one uvicorn process (production-like settings); yield its port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "marketplace.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--no-access-log"],
        cwd=ROOT,
        env=dict(os.environ, DJANGO_DEBUG="0", LOG_LEVEL="WARNING", **env),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)
