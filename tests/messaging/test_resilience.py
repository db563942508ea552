"""Dropped sockets and a stopped Redis: every message saved, delivered once, in order, on resume."""

import asyncio
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from rest_framework.test import APIClient

from messaging.models import Message
from tests.messaging.conftest import redis_host
from tests.messaging.factories import conversation_with_quote
from tests.messaging.helpers import communicator, drain, receive_until, session_cookie_for
from tests.messaging.servers import RedisServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chat():
    conversation, client, freelancer = conversation_with_quote()
    return {
        "conversation": conversation,
        "client": client,
        "freelancer": freelancer,
        "client_cookie": session_cookie_for(client),
        "freelancer_cookie": session_cookie_for(freelancer),
    }


async def open_subscribed(cookie, conversation_id, after=0):
    comm = communicator(cookie)
    connected, _ = await comm.connect()
    assert connected
    await comm.send_json_to({"type": "subscribe", "conversation": conversation_id, "after": after})
    await receive_until(comm, "subscribed")
    return comm


def send_frame(conversation_id, body, client_id=None):
    return {"type": "send", "conversation": conversation_id, "client_id": client_id or str(uuid.uuid4()), "body": body}


def message_ids(frames):
    return [f["message"]["id"] for f in frames if f["type"] == "message"]


async def test_socket_dropped_mid_conversation_gets_every_missed_message_once_after_reconnect(chat):
    conv = chat["conversation"].pk
    client = await open_subscribed(chat["client_cookie"], conv)
    freelancer = await open_subscribed(chat["freelancer_cookie"], conv)
    await client.send_json_to(send_frame(conv, "un"))
    await receive_until(client, "ack")
    first = (await receive_until(freelancer, "message"))["message"]["id"]

    await freelancer.disconnect()  # the freelancer's train enters a tunnel
    sent = []
    for body in ("deux", "trois", "quatre"):
        await client.send_json_to(send_frame(conv, body))
        sent.append((await receive_until(client, "ack"))["id"])

    freelancer = await open_subscribed(chat["freelancer_cookie"], conv, after=first)
    await client.send_json_to(send_frame(conv, "cinq"))
    sent.append((await receive_until(client, "ack"))["id"])
    frames = await drain(freelancer, timeout=0.5)

    assert message_ids(frames) == sent
    assert [f["message"]["body"] for f in frames if f["type"] == "message"] == ["deux", "trois", "quatre", "cinq"]
    await client.disconnect()
    await freelancer.disconnect()


async def test_send_resent_after_a_drop_before_the_ack_is_saved_once(chat):
    conv = chat["conversation"].pk
    frame = send_frame(conv, "Envoyé deux fois")
    client = await open_subscribed(chat["client_cookie"], conv)
    await client.send_json_to(frame)
    await client.disconnect()  # dropped: the client never saw an ack

    client = await open_subscribed(chat["client_cookie"], conv)
    await client.send_json_to(frame)
    frames = await drain(client, timeout=0.5)

    acks = [f for f in frames if f["type"] == "ack"]
    assert len(acks) == 1
    assert await database_sync_to_async(Message.objects.filter(client_id=frame["client_id"]).count)() == 1
    # Delivered once on this socket (by the subscription's catch-up), not again after the resend.
    assert message_ids(frames) == [acks[0]["id"]]
    await client.disconnect()


@pytest.fixture
def private_redis(settings):
    server = RedisServer()
    server.start()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "messaging.layer.PipelinedPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_host(server.url)], "prefix": "outage"},
        }
    }
    channel_layers.backends.clear()
    yield server
    server.stop()
    channel_layers.backends.clear()


async def test_redis_stopped_messages_sent_over_http_and_websocket_are_saved_and_delivered_on_resume(
    chat, private_redis
):
    conv = chat["conversation"].pk
    client = await open_subscribed(chat["client_cookie"], conv)
    freelancer = await open_subscribed(chat["freelancer_cookie"], conv)
    await client.send_json_to(send_frame(conv, "avant la panne"))
    await receive_until(client, "ack")
    before = (await receive_until(freelancer, "message"))["message"]["id"]

    private_redis.stop()

    await client.send_json_to(send_frame(conv, "pendant la panne (socket)"))
    ws_ack = await receive_until(client, "ack", timeout=30)

    @database_sync_to_async
    def post_over_http():
        api = APIClient()
        api.force_authenticate(chat["client"])
        return api.post(
            f"/api/v1/conversations/{conv}/messages/",
            {"client_id": str(uuid.uuid4()), "body": "pendant la panne (HTTP)"},
            format="json",
        )

    response = await post_over_http()
    assert response.status_code == 201
    saved = await database_sync_to_async(lambda: list(Message.objects.order_by("id").values_list("id", "body")))()
    assert [body for _id, body in saved] == ["avant la panne", "pendant la panne (socket)", "pendant la panne (HTTP)"]
    assert ws_ack["id"] == saved[1][0]

    private_redis.start()  # same port, empty: every group membership is gone
    frames = []
    async with asyncio.timeout(30):
        while message_ids(frames) != [saved[1][0], saved[2][0]]:
            frames.append(await receive_until(freelancer, "message", timeout=30))

    # Live delivery works again after the recovery, and nothing came twice.
    await asyncio.sleep(0.5)
    await client.send_json_to(send_frame(conv, "après la panne"))
    after = await receive_until(freelancer, "message", timeout=10)
    frames.append(after)
    frames += await drain(freelancer, timeout=0.5)
    assert message_ids(frames) == [saved[1][0], saved[2][0], after["message"]["id"]]
    assert after["message"]["body"] == "après la panne"
    assert before < saved[1][0]
    await client.disconnect()
    await freelancer.disconnect()


async def test_socket_opened_while_redis_is_down_gets_live_messages_once_it_is_back(chat, private_redis):
    conv = chat["conversation"].pk
    client = await open_subscribed(chat["client_cookie"], conv)
    private_redis.stop()

    freelancer = communicator(chat["freelancer_cookie"])
    connecting = asyncio.create_task(freelancer.connect(timeout=30))
    await asyncio.sleep(1)
    private_redis.start()
    connected, _ = await connecting
    assert connected
    await freelancer.send_json_to({"type": "subscribe", "conversation": conv, "after": 0})
    await receive_until(freelancer, "subscribed", timeout=10)
    await client.send_json_to(send_frame(conv, "bienvenue"))
    sent = (await receive_until(client, "ack", timeout=10))["id"]

    received = await receive_until(freelancer, "message", timeout=15)
    assert (received["message"]["id"], received["message"]["body"]) == (sent, "bienvenue")
    assert message_ids(await drain(freelancer, timeout=0.5)) == []
    await client.disconnect()
    await freelancer.disconnect()
