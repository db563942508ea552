"""Pushes from a process with no web server (the task worker, the search outbox drain): every one is
delivered, and they share one Redis connection instead of opening one each."""

import asyncio

import pytest
import redis
from channels.layers import get_channel_layer

from marketplace.common import live

# Main pass only: the Redis layer's connections are what this counts.
pytestmark = pytest.mark.django_db


def test_pushes_from_a_command_are_all_delivered_over_one_redis_connection(redis_url):
    member_id = 424242
    server_stats = redis.Redis.from_url(redis_url)

    def push_twenty():
        for n in range(20):
            live.push_to_user(member_id, {"type": "messaging.notification", "notification": {"id": n}})

    async def scenario():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(live.user_group(member_id), channel)
        connections_before = server_stats.info("stats")["total_connections_received"]
        # From a thread of no server's, as a management command pushes.
        await asyncio.to_thread(push_twenty)
        connections_after = server_stats.info("stats")["total_connections_received"]
        events = [await asyncio.wait_for(layer.receive(channel), timeout=5) for _ in range(20)]
        await layer.group_discard(live.user_group(member_id), channel)
        return events, connections_after - connections_before

    events, new_connections = asyncio.run(scenario())

    assert [event["notification"]["id"] for event in events] == list(range(20))
    assert new_connections <= 1
