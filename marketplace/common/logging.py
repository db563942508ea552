"""Structured logs and the request id that ties a request to the log lines and tasks it causes.

`RequestIdMiddleware` (marketplace/common/middleware.py) binds the id for the request. To carry it into a
background task, pass it as an argument and bind it in the task:

    from marketplace.common.logging import bind_request_id, current_request_id

    send_digest.enqueue(user_id=user.pk, request_id=current_request_id())

    @task()
    def send_digest(*, user_id: int, request_id: str | None = None):
        with bind_request_id(request_id):
            ...  # every log line here carries the request's id
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# What we accept from a proxy's X-Request-ID: short and printable, so it cannot forge log lines.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def new_request_id() -> str:
    """A fresh random request id."""
    return uuid.uuid4().hex


def clean_request_id(value: str | None) -> str:
    """The incoming id if it is safe to log, else a fresh one."""
    if value and _VALID_REQUEST_ID.match(value):
        return value
    return new_request_id()


def current_request_id() -> str | None:
    """The id of the request (or task) being handled, to pass into the tasks it starts."""
    return _request_id.get()


@contextmanager
def bind_request_id(request_id: str | None) -> Iterator[str]:
    """Make `request_id` (or a fresh id when None) the current one inside the block."""
    request_id = clean_request_id(request_id)
    token = _request_id.set(request_id)
    try:
        yield request_id
    finally:
        _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Put the current request id on every record as `request_id` ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            # django.request logs a 4xx/5xx after the middleware returned, but passes the request along.
            from_request = getattr(getattr(record, "request", None), "request_id", None)
            record.request_id = _request_id.get() or from_request or "-"
        return True


# Attributes every LogRecord has; anything else was passed with `extra=` and is worth keeping.
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _request_id.get(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_") and key != "request":
                entry[key] = value
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = getattr(request, "method", None)
            entry["path"] = request.path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
