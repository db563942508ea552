"""Request ids: in and out as X-Request-ID, on every log line, carried into background tasks; JSON logs."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django_tasks import task

from marketplace.common.logging import JsonFormatter, RequestIdFilter, bind_request_id, current_request_id

BASE_DIR = Path(__file__).resolve().parents[2]
SEEN_IN_TASK = []


@task()
def remember_request_id(*, request_id: str | None = None) -> None:
    """A background task that logs under the request id it was given."""
    with bind_request_id(request_id):
        SEEN_IN_TASK.append(current_request_id())
        logging.getLogger("marketplace.tests").info("task ran")


@pytest.fixture
def json_log():
    """Capture the lines a production handler (request-id filter + JSON formatter) would write."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ("django.request", "marketplace.tests")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.mark.django_db
def test_incoming_request_id_is_sent_back(client):
    response = client.get(reverse("about"), HTTP_X_REQUEST_ID="proxy-req-0123456789")
    assert response["X-Request-ID"] == "proxy-req-0123456789"


@pytest.mark.django_db
def test_a_request_without_id_gets_a_fresh_one_per_request(client):
    first = client.get(reverse("about"))["X-Request-ID"]
    second = client.get(reverse("about"))["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and re.fullmatch(r"[0-9a-f]{32}", second)
    assert first != second


@pytest.mark.django_db
@pytest.mark.parametrize("forged", ["abc", "evil\nFAKE LOG LINE 0123", "x" * 200, "<script>alert(1)</script>"])
def test_an_unsafe_incoming_request_id_is_replaced(client, forged):
    response = client.get(reverse("about"), HTTP_X_REQUEST_ID=forged)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_log_lines_written_during_a_request_carry_its_id(client, json_log):
    response = client.get("/cette-page-n-existe-pas/", HTTP_X_REQUEST_ID="req-not-found-42")

    assert response.status_code == 404
    [line] = [entry for entry in json_log() if entry["logger"] == "django.request"]
    assert line["request_id"] == "req-not-found-42"
    assert line["level"] == "WARNING"
    assert line["message"] == "Not Found: /cette-page-n-existe-pas/"
    assert line["status_code"] == 404
    assert (line["method"], line["path"]) == ("GET", "/cette-page-n-existe-pas/")


def test_a_task_logs_under_the_id_of_the_request_that_started_it(json_log):
    SEEN_IN_TASK.clear()
    with bind_request_id("req-started-task-7"):
        handed_over = current_request_id()
    assert current_request_id() is None

    remember_request_id.enqueue(request_id=handed_over)

    assert SEEN_IN_TASK == ["req-started-task-7"]
    assert [entry["request_id"] for entry in json_log() if entry["message"] == "task ran"] == ["req-started-task-7"]
    assert current_request_id() is None


def test_json_lines_hold_extras_and_the_traceback(json_log):
    logger = logging.getLogger("marketplace.tests")
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("quote failed", extra={"quote_id": 42})

    [line] = json_log()
    assert line["message"] == "quote failed"
    assert line["level"] == "ERROR"
    assert line["quote_id"] == 42
    assert line["request_id"] == "-"
    assert "ValueError: boom" in line["exception"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


def test_log_format_json_makes_the_server_write_json_lines():
    script = "import django, logging; django.setup(); logging.getLogger('marketplace').warning('Bonjour é')"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings", "LOG_FORMAT": "json"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    [line] = [json.loads(raw) for raw in result.stderr.splitlines() if raw.startswith("{")]
    assert line["message"] == "Bonjour é"
    assert line["logger"] == "marketplace"
    assert line["request_id"] == "-"
