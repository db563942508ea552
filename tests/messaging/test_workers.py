"""Two uvicorn worker processes behind one Redis: a message sent on one reaches a socket on the other."""

import asyncio
import json
import uuid

import pytest
import websockets

from tests.messaging.factories import conversation_with_quote
from tests.messaging.helpers import session_cookie_for
from tests.messaging.servers import UvicornWorker, database_url_for_tests

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_workers(settings, redis_layer):
    prefix = redis_layer["CONFIG"]["prefix"]
    redis_url = redis_layer["CONFIG"]["hosts"][0]["address"]
    workers = [
        UvicornWorker(database_url=database_url_for_tests(settings), redis_url=redis_url, prefix=prefix)
        for _ in range(2)
    ]
    yield workers
    for worker in workers:
        worker.stop()


async def ws_connect(worker, cookie):
    return await websockets.connect(
        worker.url.replace("http", "ws") + "/ws/",
        origin=worker.url,
        additional_headers={"Cookie": cookie},
        compression=None,
    )


async def next_frame(ws, frame_type, timeout=5.0):
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == frame_type:
                return frame


def test_message_sent_to_one_worker_reaches_a_socket_on_the_other(two_workers):
    conversation, client, freelancer = conversation_with_quote()
    client_cookie, freelancer_cookie = session_cookie_for(client), session_cookie_for(freelancer)

    async def scenario():
        a = await ws_connect(two_workers[0], client_cookie)
        b = await ws_connect(two_workers[1], freelancer_cookie)
        for ws in (a, b):
            await ws.send(json.dumps({"type": "subscribe", "conversation": conversation.pk, "after": 0}))
            await next_frame(ws, "subscribed")
        client_id = str(uuid.uuid4())
        await a.send(
            json.dumps(
                {
                    "type": "send",
                    "conversation": conversation.pk,
                    "client_id": client_id,
                    "body": "D'un worker à l'autre",
                }
            )
        )
        ack = await next_frame(a, "ack")
        received = await next_frame(b, "message")
        unread = await next_frame(b, "unread")
        # And back the other way, with typing and the read receipt.
        await b.send(json.dumps({"type": "typing", "conversation": conversation.pk}))
        typing = await next_frame(a, "typing")
        await b.send(json.dumps({"type": "read", "conversation": conversation.pk, "up_to": ack["id"]}))
        seen = await next_frame(a, "read")
        await a.close()
        await b.close()
        return ack, received, unread, typing, seen

    ack, received, unread, typing, seen = asyncio.run(scenario())

    assert received["message"]["id"] == ack["id"]
    assert received["message"]["body"] == "D'un worker à l'autre"
    assert unread["total"] == 1
    assert typing["user"] == freelancer.pk
    assert seen["up_to"] == ack["id"]


def test_socket_from_another_origin_is_refused_by_a_real_worker(two_workers):
    conversation, client, _freelancer = conversation_with_quote()
    cookie = session_cookie_for(client)

    async def scenario():
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            await websockets.connect(
                two_workers[0].url.replace("http", "ws") + "/ws/",
                origin="https://evil.example.com",
                additional_headers={"Cookie": cookie},
            )
        return refused.value.response.status_code

    assert asyncio.run(scenario()) == 403
