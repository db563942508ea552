"""Notification fixtures: the socket tests use the messaging tests' channel layer (real Redis, own prefix)."""

from tests.messaging.conftest import redis_layer  # noqa: F401
