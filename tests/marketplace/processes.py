"""Real processes for the worker tests: `manage.py` commands, and a PostgreSQL cluster of the test's own.

The private cluster is started like scripts/services.sh starts the suite's (initdb and pg_ctl as the
postgres system user), on a free port, so an outage test stops it without disturbing anyone else.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, every: float = 0.2, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}.")


def database_url_of_tests(settings) -> str:
    """The URL of the test database this test process uses (pytest-django's copy)."""
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def process_env(*, database_url: str, **extra: str) -> dict:
    """The environment of a project process on `database_url`: no other outside service, no debug."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "ELASTICSEARCH_URL", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL"}
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=f"test-{uuid.uuid4().hex}{uuid.uuid4().hex}",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        LOG_LEVEL="INFO",
        LOG_FORMAT="text",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_django(code: str, *, database_url: str) -> str:
    """Run Python `code` in a fresh Django process on `database_url`; returns what it printed."""
    script = "import django\ndjango.setup()\n" + code
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=process_env(database_url=database_url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class ManagePy:
    """A long-running `manage.py` command in its own process, its stdout and stderr in one log file."""

    def __init__(self, *args: str, database_url: str, log: Path, **env: str):
        self.log = log
        self._log_file = open(log, "ab")  # noqa: SIM115 (closed in stop/kill)
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=process_env(database_url=database_url, **env),
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL: no clean-up, as when the machine or the OOM killer takes it."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log_file.close()

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_file.close()


def _pg_bin() -> Path:
    return sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own: stop it, start it again, nobody else notices."""

    def __init__(self):
        self.port = free_port()
        # Under /tmp rather than pytest's tmp_path: the postgres user must reach it.
        self.dir = Path(tempfile.mkdtemp(prefix="marketplace-private-pg-"))
        self.data = self.dir / "data"
        self.bin = _pg_bin()

    def url(self, database: str = "marketplace") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _as_postgres(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 (PostgreSQL's own binaries)
            [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres", "--", *args],
            check=True,
            capture_output=True,
            timeout=90,
            **kwargs,
        )

    def create(self) -> None:
        self.data.mkdir()
        shutil.chown(self.dir, "postgres", "postgres")
        shutil.chown(self.data, "postgres", "postgres")
        self.dir.chmod(0o755)
        self._as_postgres(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.start()

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data} -c fsync=off -c synchronous_commit=off"
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log"), "-w", "-t", "60",
            "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def copy_database(self, source_url: str, *, database: str = "marketplace") -> None:
        """A copy of the (test) database at `source_url`, schema and rows, as `database` here."""
        self._as_postgres(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), database)
        dump = subprocess.run(  # noqa: S603
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", "-d", source_url],
            check=True,
            capture_output=True,
            timeout=90,
        )
        subprocess.run(  # noqa: S603
            [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(database)],
            input=dump.stdout,
            check=True,
            capture_output=True,
            timeout=90,
        )

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # Already stopped.
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
