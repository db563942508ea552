"""messaging.layer on the real Redis: pipelined group sends reach the same subscribers as the stock ones.

`group_send_many` leans on private parts of channels-redis' pub/sub layer; this is the test that fails
when an upgrade moves them.
"""

import asyncio
import contextlib

from channels.layers import get_channel_layer

from messaging.layer import PipelinedPubSubChannelLayer


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
