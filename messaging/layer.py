"""channels-redis' pub/sub channel layer, plus several group sends in one Redis round trip.

The stock layer publishes one message at a time behind a lock, each waiting for Redis' reply: a
busy event loop then caps a process at one publish per loop turn or two, and pushes queued up
seconds behind the writes. `group_send_many` pipelines a batch instead (same channel names, same
serialisation, same order), so the pushes waiting at any moment leave together.

channels-redis has no public API for this: `group_send_many` uses private parts of its pub/sub layer
(`_get_layer()`, the loop layer's `_get_group_channel_name()`, `_get_shard()` and `_shards`, a
shard's `_ensure_redis()` and `_redis`), so that its pushes reach exactly the Redis channels and connection
pool that the stock `group_send` and the subscribers use. They are kept for a measured win (bench/chat.py:
one publish at a time fell seconds behind at 500 sockets). Check them when upgrading channels-redis:
tests/messaging/test_layer.py fails if any of them moves, and so do the socket tests of
tests/messaging/test_consumers.py (no message reaches the other participant).
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from channels_redis.pubsub import RedisPubSubChannelLayer

from marketplace.common import live


class _SubscriberOutageFilter(logging.Filter):
    """channels-redis logs a traceback each second while its subscriber connection can't reach Redis
    ("Unexpected exception in receive task"): note the outage instead, so it is written once
    (marketplace.common.live), and let any other error through."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, live.UNREACHABLE):
            live.layer_unreachable(exc)
            return False
        return True


# The logger's name is channels-redis' module name: tests/messaging/test_outage_logs.py sees its
# tracebacks again if it changes.
logging.getLogger("channels_redis.pubsub").addFilter(_SubscriberOutageFilter())


class PipelinedPubSubChannelLayer(RedisPubSubChannelLayer):
    """RedisPubSubChannelLayer whose pushes can be sent as one pipeline per Redis shard."""

    async def group_send_many(self, pushes: list[tuple[str, dict]]) -> None:
        """Publish `(group, message)` pairs, each group's in order, in one round trip per shard.

        With several hosts (settings.CHANNEL_REDIS_URLS) the shards are sent to at once, and one
        that is down costs only its own pushes: `live.PushesFailed` says how many were skipped.
        """
        loop_layer = self._get_layer()
        by_shard: dict = {}
        for group, message in pushes:
            name = loop_layer._get_group_channel_name(group)
            shard = loop_layer._get_shard(name)
            # A group always hashes to the same shard: its pushes keep their order in that pipeline.
            by_shard.setdefault(shard, []).append((name, self.serialize(message)))
        if len(by_shard) == 1:
            [(shard, items)] = by_shard.items()
            await self._publish_pipelined(shard, items)
            return
        shards = list(by_shard.items())
        results = await asyncio.gather(
            *(self._publish_pipelined(shard, items) for shard, items in shards), return_exceptions=True
        )
        failed = [
            (len(items), result) for (_shard, items), result in zip(shards, results, strict=True) if result is not None
        ]
        for _count, result in failed:
            if not isinstance(result, Exception):
                raise result  # CancelledError and the like
        if failed:
            raise live.PushesFailed([error for _count, error in failed], skipped=sum(n for n, _e in failed))

    @staticmethod
    async def _publish_pipelined(shard, items) -> None:
        shard._ensure_redis()
        # A pooled connection of its own (not the subscriber's): no need for the shard's lock,
        # which only guards the layer's one-by-one publishes and its subscriptions.
        pipe = shard._redis.pipeline(transaction=False)
        for name, data in items:
            pipe.publish(name, data)
        await pipe.execute()

    def group_per_shard(self, prefix: str) -> list[str]:
        """A fresh group name landing on each Redis shard, in the hosts' order (the outage watch
        probes every host through them: one host down must be noticed as well as all of them)."""
        loop_layer = self._get_layer()
        shards = loop_layer._shards
        names: list[str | None] = [None] * len(shards)
        while None in names:
            group = f"{prefix}{uuid.uuid4().hex}"
            index = shards.index(loop_layer._get_shard(loop_layer._get_group_channel_name(group)))
            if names[index] is None:
                names[index] = group
        return names
