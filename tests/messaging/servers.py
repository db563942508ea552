"""Real servers for the multi-process and outage tests: uvicorn workers and a private Redis."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 20.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"Server on port {port} exited with {process.returncode}.")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"Nothing listens on port {port}.")


class RedisServer:
    """A redis-server of our own on a free port, without persistence: a restart forgets everything."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(  # noqa: S603 (fixed argv, our own binaries)
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class UvicornWorker:
    """`uvicorn marketplace.asgi:application` in its own process, on the test database.

    `port` lets a restarted worker take its predecessor's place (browsers reconnect to the same
    address); `log_path` keeps its log output (stdout and stderr) in a file for the test to read;
    `start_timeout` bounds the wait for its port (starting takes over 15 s on a loaded machine);
    `extra_env` adds to or overrides its environment.
    """

    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        prefix: str,
        port: int | None = None,
        settings_module: str = "marketplace.settings",
        log_path: Path | None = None,
        log_level: str = "WARNING",
        start_timeout: float = 20.0,
        extra_env: dict[str, str] | None = None,
    ):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            CHANNELS_PREFIX=prefix,
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SETTINGS_MODULE=settings_module,
            TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            LOG_LEVEL=log_level,
        )
        env.update(extra_env or {})
        self.log = open(log_path, "ab") if log_path is not None else None  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(  # noqa: S603 (fixed argv, our own binaries)
            [
                sys.executable,
                "-m",
                "uvicorn",
                "marketplace.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--ws-per-message-deflate",
                "false",
                "--ws-max-size",
                "262144",
                "--lifespan",
                "off",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT if self.log is not None else None,
        )
        try:
            wait_for_port(self.port, timeout=start_timeout, process=self.process)
        except RuntimeError:
            self.kill()  # a worker that never listened is not left running
            raise

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._close_log()

    def kill(self):
        """Die at once, as a crashed or OOM-killed worker does: no socket is closed cleanly."""
        self.process.kill()
        self.process.wait(timeout=10)
        self._close_log()

    def _close_log(self):
        if self.log is not None:
            self.log.close()
            self.log = None


def database_url_for_tests(settings) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
