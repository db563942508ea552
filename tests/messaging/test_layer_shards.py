"""Chat on a channel layer sharded over two Redis servers: groups spread, each message delivered once,
and one shard down loses only its own pushes, which its sockets read back when it returns."""

import asyncio
import json
import uuid

import pytest
import redis.asyncio as aioredis
from channels.db import database_sync_to_async
from channels.layers import channel_layers, get_channel_layer

from marketplace.common import live
from messaging import events
from messaging.models import Message
from tests.messaging.conftest import redis_host
from tests.messaging.factories import conversation_with_quote
from tests.messaging.helpers import communicator, drain, session_cookie_for
from tests.messaging.servers import RedisServer

pytestmark = pytest.mark.django_db(transaction=True)

SHARDS = 2


@pytest.fixture(scope="module")
def redis_shards():
    """Two redis-servers of our own, the channel layer's hosts for this module; stopped whatever happens."""
    servers = [RedisServer() for _ in range(SHARDS)]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def sharded_layer(settings, redis_layer, redis_shards):
    """The layer as production configures it with CHANNEL_REDIS_URLS set to both servers."""
    for server in redis_shards:
        if server.process is None:  # a test that failed while one was down
            server.start()
    prefix = f"shards-{uuid.uuid4().hex[:10]}"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "messaging.layer.PipelinedPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_host(server.url) for server in redis_shards], "prefix": prefix},
        }
    }
    channel_layers.backends.clear()
    yield prefix
    channel_layers.backends.clear()


def shard_of(group: str) -> int:
    """The index of the host channels-redis publishes this group on (in the running event loop)."""
    loop_layer = get_channel_layer()._get_layer()
    return loop_layer._shards.index(loop_layer._get_shard(loop_layer._get_group_channel_name(group)))


@database_sync_to_async
def new_chat():
    conversation, client, freelancer = conversation_with_quote()
    return {
        "conv": conversation.pk,
        "client": client,
        "freelancer": freelancer,
        "client_cookie": session_cookie_for(client),
        "freelancer_cookie": session_cookie_for(freelancer),
    }


def groups_of(chat) -> dict[str, str]:
    return {
        "conversation": events.conversation_group(chat["conv"]),
        "client": live.user_group(chat["client"].pk),
        "freelancer": live.user_group(chat["freelancer"].pk),
    }


async def open_subscribed(cookie, conversation_id):
    comm = communicator(cookie)
    connected, _ = await comm.connect()
    assert connected
    await comm.send_json_to({"type": "subscribe", "conversation": conversation_id, "after": 0})
    await frames_until(comm, {"subscribed"})
    return comm


async def frames_until(comm, wanted: set[str], *, timeout: float = 5.0) -> list[dict]:
    """Every frame until one of each wanted type has come (their order differs across shards)."""
    frames = []
    async with asyncio.timeout(timeout):
        while not wanted <= {frame["type"] for frame in frames}:
            frames.append(json.loads(await comm.receive_from(timeout=timeout)))
    return frames


def send_frame(conversation_id, body):
    return {"type": "send", "conversation": conversation_id, "client_id": str(uuid.uuid4()), "body": body}


def of_type(frames, frame_type):
    return [frame for frame in frames if frame["type"] == frame_type]


async def test_chat_over_two_redis_shards_delivers_each_message_once_with_the_unread_counts(
    sharded_layer, redis_shards
):
    # Given conversations until both hosts carry conversation groups and members' groups.
    def shards_used(kind):
        return {shard_of(group) for chat in chats for name, group in groups_of(chat).items() if kind(name)}

    chats = []
    while (
        len(chats) < 4
        or shards_used(lambda name: name == "conversation") != set(range(SHARDS))
        or shards_used(lambda name: name != "conversation") != set(range(SHARDS))
    ):
        assert len(chats) < 20, "20 conversations and still a host unused"
        chats.append(await new_chat())
    sockets = []
    for chat in chats:
        chat["client_socket"] = await open_subscribed(chat["client_cookie"], chat["conv"])
        chat["freelancer_socket"] = await open_subscribed(chat["freelancer_cookie"], chat["conv"])
        sockets += [chat["client_socket"], chat["freelancer_socket"]]

    # Each server holds the subscriptions of exactly the groups hashed to it, once per process.
    expected = {index: set() for index in range(SHARDS)}
    for chat in chats:
        for group in groups_of(chat).values():
            expected[shard_of(group)].add(f"{sharded_layer}__group__{group}")
    for index, server in enumerate(redis_shards):
        async with aioredis.from_url(server.url) as client:
            subscribed = {
                name.decode()
                for name in await client.pubsub_channels(f"{sharded_layer}__group__messaging.*")
                if b"messaging.probe." not in name
            }
            assert subscribed == expected[index]
            every_group = set().union(*expected.values())
            counts = dict(await client.pubsub_numsub(*sorted(every_group)))
            # One subscription per process, however many of its sockets joined; none on the other host.
            assert {name.decode(): n for name, n in counts.items()} == {
                name: int(name in expected[index]) for name in every_group
            }
    assert all(expected.values())

    # When each client writes in their conversation.
    for chat in chats:
        await chat["client_socket"].send_json_to(send_frame(chat["conv"], f"Bonjour {chat['conv']}"))

    # Then each freelancer gets that message once, and their unread count.
    for chat in chats:
        ack = of_type(await frames_until(chat["client_socket"], {"ack"}), "ack")[0]
        frames = await frames_until(chat["freelancer_socket"], {"message", "unread"})
        frames += await drain(chat["freelancer_socket"], timeout=0.3)
        messages = of_type(frames, "message")
        assert [(m["message"]["id"], m["message"]["body"]) for m in messages] == [
            (ack["id"], f"Bonjour {chat['conv']}")
        ]
        assert of_type(frames, "unread")[-1]["conversations"] == {str(chat["conv"]): 1}
    saved = await database_sync_to_async(lambda: Message.objects.count())()
    assert saved == len(chats)
    for comm in sockets:
        await comm.disconnect()


async def test_one_shard_down_only_its_pushes_wait_and_its_sockets_catch_up_when_it_is_back(
    sharded_layer, redis_shards
):
    # Given one conversation wholly on the host that stays up and one whose group is on the other.
    up = down = None
    for _ in range(30):
        chat = await new_chat()
        groups = groups_of(chat)
        if up is None and shard_of(groups["conversation"]) == shard_of(groups["freelancer"]) == 0:
            up = chat
        elif down is None and shard_of(groups["conversation"]) == 1:
            down = chat
        if up and down:
            break
    assert up and down, "no conversation for each shard in 30"
    for chat in (up, down):
        chat["client_socket"] = await open_subscribed(chat["client_cookie"], chat["conv"])
        chat["freelancer_socket"] = await open_subscribed(chat["freelancer_cookie"], chat["conv"])

    # When the second host stops and both clients write.
    redis_shards[1].stop()
    for chat in (up, down):
        await chat["client_socket"].send_json_to(send_frame(chat["conv"], "pendant la panne"))
    acks = {}
    for chat in (up, down):
        acks[chat["conv"]] = of_type(await frames_until(chat["client_socket"], {"ack"}, timeout=30), "ack")[0]["id"]

    # Then both are saved, and the conversation on the host still up is delivered live.
    saved = await database_sync_to_async(lambda: set(Message.objects.values_list("id", flat=True)))()
    assert saved == set(acks.values())
    live_frames = await frames_until(up["freelancer_socket"], {"message", "unread"})
    assert [m["message"]["id"] for m in of_type(live_frames, "message")] == [acks[up["conv"]]]
    assert of_type(live_frames, "unread")[-1]["conversations"] == {str(up["conv"]): 1}
    assert of_type(await drain(down["freelancer_socket"], timeout=1.0), "message") == []

    # And when the host is back (empty), the other freelancer reads the missed message, once.
    redis_shards[1].start()
    caught_up = await frames_until(down["freelancer_socket"], {"message"}, timeout=30)
    caught_up += await drain(down["freelancer_socket"], timeout=1.0)
    assert [m["message"]["id"] for m in of_type(caught_up, "message")] == [acks[down["conv"]]]
    live_frames += await drain(up["freelancer_socket"], timeout=0.5)
    assert [m["message"]["id"] for m in of_type(live_frames, "message")] == [acks[up["conv"]]]

    # Live delivery works again on the returned host.
    await asyncio.sleep(0.5)
    await down["client_socket"].send_json_to(send_frame(down["conv"], "après la panne"))
    after = of_type(await frames_until(down["freelancer_socket"], {"message"}, timeout=10), "message")
    assert [m["message"]["body"] for m in after] == ["après la panne"]
    for chat in (up, down):
        await chat["client_socket"].disconnect()
        await chat["freelancer_socket"].disconnect()
