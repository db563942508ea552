"""A Redis outage writes two lines in a worker's log, not a traceback per lost push."""

import asyncio
import json
import re
import time
import uuid

import pytest
import websockets

from tests.messaging.factories import conversation_with_quote
from tests.messaging.helpers import session_cookie_for
from tests.messaging.servers import RedisServer, UvicornWorker, database_url_for_tests

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES_EACH = 10  # under the limit of 20 messages per 10 seconds per member


@pytest.fixture
def redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


async def ws_connect(worker, cookie):
    return await websockets.connect(
        worker.url.replace("http", "ws") + "/ws/",
        origin=worker.url,
        additional_headers={"Cookie": cookie},
        compression=None,
    )


async def next_frame(ws, frame_type, timeout=10.0):
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == frame_type:
                return frame


def send_frame(conversation_id, body):
    return json.dumps({"type": "send", "conversation": conversation_id, "client_id": str(uuid.uuid4()), "body": body})


def wait_for_line(path, pattern, *, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if re.search(pattern, path.read_text()):
            return
        time.sleep(0.1)
    raise AssertionError(f"No line matching {pattern!r} in the worker's log:\n{path.read_text()}")


def test_a_redis_outage_writes_one_line_when_the_layer_goes_and_one_with_the_count_when_it_is_back(
    settings, redis, tmp_path
):
    conversation, client, freelancer = conversation_with_quote()
    log = tmp_path / "worker.log"
    worker = UvicornWorker(
        database_url=database_url_for_tests(settings),
        redis_url=redis.url,
        prefix="outage-logs",
        log_path=log,
        log_level="INFO",
    )
    cookies = [session_cookie_for(client), session_cookie_for(freelancer)]

    async def scenario():
        sockets = [await ws_connect(worker, cookie) for cookie in cookies]
        for ws in sockets:
            await ws.send(json.dumps({"type": "subscribe", "conversation": conversation.pk, "after": 0}))
            await next_frame(ws, "subscribed")

        redis.stop()
        # Each message is saved and acknowledged; its two pushes (the message, the recipient's
        # unread counts) are lost.
        for n in range(MESSAGES_EACH):
            for ws in sockets:
                await ws.send(send_frame(conversation.pk, f"pendant la panne {n}"))
                await next_frame(ws, "ack")
        # Long enough for the layer's subscriber connection to fail a few times (once a second).
        await asyncio.sleep(3)
        redis.start()
        await asyncio.to_thread(wait_for_line, log, "Channel layer back")

        # Live again.
        await sockets[0].send(send_frame(conversation.pk, "après la panne"))
        received = await next_frame(sockets[1], "message", timeout=15)
        while received["message"]["body"] != "après la panne":
            received = await next_frame(sockets[1], "message", timeout=15)
        for ws in sockets:
            await ws.close()

    try:
        asyncio.run(scenario())
    finally:
        worker.stop()

    lines = log.read_text().splitlines()
    # Nothing per push, nothing per second of the layer's own subscriber: no traceback at all.
    assert not [line for line in lines if "Traceback" in line or "Live push" in line or "channels_redis" in line], lines
    gone = [line for line in lines if "Channel layer unreachable" in line]
    back = [line for line in lines if "Channel layer back" in line]
    assert len(gone) == 1, lines
    assert "WARNING marketplace.common.live" in gone[0]
    assert "Connection refused" in gone[0]
    assert len(back) == 1, lines
    assert f"{4 * MESSAGES_EACH} live pushes were skipped" in back[0]
