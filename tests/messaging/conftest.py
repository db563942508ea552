"""Messaging fixtures: the real Redis channel layer under a prefix of its own for each test."""

import os
import uuid

import pytest
from channels.layers import channel_layers

from tests.conftest import EMBEDDED_PASS


def redis_host(url: str) -> dict:
    """redis-py 8 reads with a 5 s socket timeout by default, as long as channels_redis' blocking pop:
    idle sockets would fail every 5 s. Read timeout above the pop's, connect timeout short."""
    return {"address": url, "socket_timeout": 15, "socket_connect_timeout": 2, "max_connections": 1000}


@pytest.fixture(autouse=True)
def redis_layer(settings):
    """channels_redis (the pub/sub layer, as in production) on the real Redis, with a prefix no other
    test (or engineer) shares; in the embedded pass, the in-memory layer `make run` uses."""
    if EMBEDDED_PASS:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
        channel_layers.backends.clear()
        yield settings.CHANNEL_LAYERS["default"]
        channel_layers.backends.clear()
        return
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        raise pytest.UsageError("REDIS_URL must point at Redis for the messaging tests.")
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "messaging.layer.PipelinedPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_host(redis_url)], "prefix": f"msgtest-{uuid.uuid4().hex[:10]}"},
        }
    }
    channel_layers.backends.clear()
    yield settings.CHANNEL_LAYERS["default"]
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def no_email_checks_pending():
    """Each test starts with no "unread messages" check remembered by this process."""
    from messaging import tasks

    tasks._checks_pending.clear()
    yield
    tasks._checks_pending.clear()
