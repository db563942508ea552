"""messaging.layer on the real Redis: pipelined group sends reach the same subscribers as the stock ones.

`group_send_many` and `group_per_shard` lean on private parts of channels-redis' pub/sub layer; this is
the test that fails when an upgrade moves them.
"""

import asyncio
import contextlib
import uuid

import pytest
from channels.layers import get_channel_layer

from marketplace.common import live
from messaging.layer import PipelinedPubSubChannelLayer
from tests.messaging.conftest import redis_host
from tests.messaging.servers import free_port


async def test_group_send_many_delivers_every_push_in_order_to_each_groups_members():
    layer = get_channel_layer()
    assert isinstance(layer, PipelinedPubSubChannelLayer)
    first, second = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("messaging.test.a", first)
    await layer.group_add("messaging.test.b", second)
    await layer.group_add("messaging.test.b", first)

    await layer.group_send_many(
        [
            ("messaging.test.a", {"type": "messaging.x", "n": 1}),
            ("messaging.test.b", {"type": "messaging.x", "n": 2}),
            ("messaging.test.a", {"type": "messaging.x", "n": 3}),
        ]
    )

    async with asyncio.timeout(5):
        to_first = [(await layer.receive(first))["n"] for _ in range(3)]
        to_second = [(await layer.receive(second))["n"]]
    assert to_first == [1, 2, 3]
    assert to_second == [2]
    # Nothing else arrives: each push was published once.
    extra = None
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(0.3):
            extra = await layer.receive(first)
    assert extra is None
    await layer.group_discard("messaging.test.a", first)
    await layer.group_discard("messaging.test.b", first)
    await layer.group_discard("messaging.test.b", second)


async def test_group_per_shard_names_one_group_landing_on_each_host(redis_url):
    # `group_per_shard` (the outage watch's probes) relies on the loop layer's `_shards` too.
    layer = PipelinedPubSubChannelLayer(hosts=[redis_url, redis_url, redis_url], prefix="shardtest")
    loop_layer = layer._get_layer()
    groups = layer.group_per_shard("messaging.probe.")
    shards = [loop_layer._get_shard(loop_layer._get_group_channel_name(group)) for group in groups]
    assert shards == loop_layer._shards
    assert all(group.startswith("messaging.probe.") for group in groups)
    await layer.flush()


async def test_group_send_many_with_one_host_down_still_sends_the_other_hosts_pushes(redis_url):
    down = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    layer = PipelinedPubSubChannelLayer(
        hosts=[redis_host(redis_url), redis_host(down)], prefix=f"shardtest-{uuid.uuid4().hex[:8]}"
    )
    up_group, down_group = layer.group_per_shard("messaging.test.")
    channel = None
    while channel is None:  # a channel name that lands on the host that answers
        with contextlib.suppress(*live.UNREACHABLE):
            channel = await layer.new_channel()
    await layer.group_add(up_group, channel)

    with pytest.raises(live.PushesFailed) as failed:
        await layer.group_send_many(
            [
                (up_group, {"type": "messaging.x", "n": 1}),
                (down_group, {"type": "messaging.x", "n": 2}),
                (up_group, {"type": "messaging.x", "n": 3}),
                (down_group, {"type": "messaging.x", "n": 4}),
            ]
        )

    assert failed.value.skipped == 2
    assert all(isinstance(error, live.UNREACHABLE) for error in failed.value.errors)
    async with asyncio.timeout(5):
        assert [(await layer.receive(channel))["n"] for _ in range(2)] == [1, 3]
    await layer.group_discard(up_group, channel)
    await layer.flush()
