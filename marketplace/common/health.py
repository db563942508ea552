"""Liveness (`/healthz`) and readiness (`/readyz`) probes for the orchestrator and the load balancer.

`/healthz` says the process answers; it touches nothing else, so a database outage never gets
healthy web processes restarted. `/readyz` checks each outside service the site needs and answers
503 while one that is configured is down, so the load balancer stops sending traffic. A service
that is not configured (no REDIS_URL under `make run`, say) is reported "not configured", not down.
Both are served by HealthCheckMiddleware before Host validation and the HTTPS redirect: probes call
the container by IP over plain HTTP. They reveal no secrets: only each check's state, its duration
and the error's type.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse

OK = "ok"
DOWN = "down"
NOT_CONFIGURED = "not configured"
TIMEOUT_SECONDS = 2


class NotConfigured(Exception):
    """The service is not part of this deployment."""


def _check_database() -> None:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # Drop the broken connection so the next request reconnects instead of reusing it.
        connection.close()
        raise


def _check_redis() -> None:
    if not settings.REDIS_URL:
        raise NotConfigured
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()


@functools.lru_cache(maxsize=4)
def _elasticsearch_client(url: str):
    # One client per process and URL: building one costs far more than the probe itself.
    from elasticsearch import Elasticsearch

    return Elasticsearch(url, request_timeout=TIMEOUT_SECONDS, max_retries=0, retry_on_timeout=False)


def _check_elasticsearch() -> None:
    if not settings.ELASTICSEARCH_URL:
        raise NotConfigured
    health = _elasticsearch_client(settings.ELASTICSEARCH_URL).cluster.health(timeout=f"{TIMEOUT_SECONDS}s")
    if health["status"] == "red":
        raise RuntimeError("cluster status red")


def _check_storage() -> None:
    if settings.AWS_STORAGE_BUCKET_NAME:
        from marketplace.common.storage import private_storage

        # One bucket holds public/ and private/: reaching it with our credentials covers both.
        private_storage.connection.meta.client.head_bucket(Bucket=settings.AWS_STORAGE_BUCKET_NAME)
        return
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        path = Path(root)
        path.mkdir(parents=True, exist_ok=True)
        if not os.access(path, os.W_OK):
            raise PermissionError(f"{path.name} is not writable")


CHECKS: dict[str, Callable[[], None]] = {
    "database": _check_database,
    "redis": _check_redis,
    "elasticsearch": _check_elasticsearch,
    "storage": _check_storage,
}


def readiness_report() -> tuple[bool, dict]:
    """Run every check; return (ready, {name: {"status", "duration_ms"[, "error"]}})."""
    report = {}
    ready = True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except NotConfigured:
            report[name] = {"status": NOT_CONFIGURED}
            continue
        except Exception as exc:  # any failure means "down"; the type is enough to start looking
            ready = False
            report[name] = {"status": DOWN, "error": type(exc).__name__}
        else:
            report[name] = {"status": OK}
        report[name]["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    return ready, report


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answering."""
    return _no_store(JsonResponse({"status": OK}))


def readyz(request: HttpRequest) -> JsonResponse:
    """Each outside service's state; 503 while a configured one is down."""
    ready, checks = readiness_report()
    body = {"status": OK if ready else "unavailable", "checks": checks}
    return _no_store(JsonResponse(body, status=200 if ready else 503))


def _no_store(response: JsonResponse) -> JsonResponse:
    response["Cache-Control"] = "no-store"
    return response
