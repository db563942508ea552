"""/healthz and /readyz against the real services, and with each one pointed at a dead port."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _dead_port() -> int:
    # A port that was free a moment ago: nothing listens there, connections are refused at once.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def elasticsearch_url():
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.fail("ELASTICSEARCH_URL must point at the Elasticsearch node (make test starts one).")
    return url


def test_healthz_answers_without_touching_any_service(client, settings):
    # No django_db mark: any database access here would raise. Redis points at a dead port.
    settings.REDIS_URL = f"redis://127.0.0.1:{_dead_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
@pytest.mark.elasticsearch
def test_readyz_reports_each_real_service_ready(client, settings, elasticsearch_url, s3_bucket):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.ELASTICSEARCH_URL = elasticsearch_url

    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "redis": "ok",
        "elasticsearch": "ok",
        "storage": "ok",
    }
    assert all(check["duration_ms"] >= 0 for check in body["checks"].values())


@pytest.mark.django_db
def test_readyz_reports_unconfigured_services_as_not_configured_and_stays_ready(client, settings):
    settings.REDIS_URL = ""
    settings.ELASTICSEARCH_URL = ""
    settings.AWS_STORAGE_BUCKET_NAME = ""

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": {"status": "ok", "duration_ms": response.json()["checks"]["database"]["duration_ms"]},
        "redis": {"status": "not configured"},
        "elasticsearch": {"status": "not configured"},
        "storage": {"status": "ok", "duration_ms": response.json()["checks"]["storage"]["duration_ms"]},
    }


@pytest.mark.django_db
def test_readyz_is_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_dead_port()}/0"
    settings.ELASTICSEARCH_URL = ""

    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["status"] == "down"
    assert body["checks"]["redis"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_readyz_is_503_when_elasticsearch_is_down(client, settings):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_dead_port()}"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["elasticsearch"]["status"] == "down"
    assert response.json()["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_readyz_is_503_when_the_s3_server_is_down(client, settings, s3_bucket):
    settings.ELASTICSEARCH_URL = ""
    settings.AWS_S3_ENDPOINT_URL = f"http://127.0.0.1:{_dead_port()}"
    settings.STORAGES = {**settings.STORAGES}  # rebuild the storages with the dead endpoint

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["status"] == "down"


@pytest.mark.django_db
def test_readyz_is_503_when_the_bucket_is_missing(client, settings, s3_bucket):
    settings.ELASTICSEARCH_URL = ""
    settings.AWS_STORAGE_BUCKET_NAME = "no-such-bucket-here"
    settings.STORAGES = {**settings.STORAGES}

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {
        "status": "down",
        "error": "ClientError",
        "duration_ms": response.json()["checks"]["storage"]["duration_ms"],
    }


def test_readyz_is_503_when_the_database_is_down():
    # A separate process: this one's database connection belongs to the test database.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/readyz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{_dead_port()}/nothing",
        "REDIS_URL": "",
        "ELASTICSEARCH_URL": "",
        "AWS_STORAGE_BUCKET_NAME": "",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"]["checks"]["database"] == {
        "status": "down",
        "error": "OperationalError",
        "duration_ms": answer["body"]["checks"]["database"]["duration_ms"],
    }
    assert answer["body"]["checks"]["redis"] == {"status": "not configured"}


def test_probes_answer_on_the_real_asgi_server_for_any_host(asgi_server, settings):
    import urllib.request

    settings.ELASTICSEARCH_URL = ""
    request = urllib.request.Request(f"{asgi_server.url}/readyz", headers={"Host": "10.0.0.12:8000"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the test server)
        body = json.loads(response.read())
    assert response.status == 200
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["elasticsearch"] == {"status": "not configured"}
