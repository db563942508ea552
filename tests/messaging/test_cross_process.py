"""Chat across two real uvicorn processes on one Redis: each message reaches the socket on the other process
exactly once, in order, and a socket whose process restarted catches up from its last id (issue 15)."""

import asyncio
import contextlib
import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import websockets
from django.conf import settings

from tests.messaging.factories import conversation_with_quote
from tests.messaging.helpers import session_cookie_for
from tests.messaging.servers import UvicornWorker, database_url_for_tests

# The servers are other processes: they only see committed rows. Main pass only (real PostgreSQL and Redis).
pytestmark = pytest.mark.django_db(transaction=True)

START_TIMEOUT = 60.0  # a uvicorn process takes over 15 s to start on a loaded 2-core machine
QUIET = 0.5  # seconds without a frame after which a socket is taken to have received everything


class Processes:
    """Two uvicorn processes sharing the test database and one channel-layer prefix on the test's Redis."""

    def __init__(self, database_url: str, redis_url: str):
        self.options = {
            "database_url": database_url,
            "redis_url": redis_url,
            "prefix": f"xproc-{uuid.uuid4().hex[:8]}",
            "start_timeout": START_TIMEOUT,
        }
        # Started side by side: the wait for the second overlaps the first's.
        with ThreadPoolExecutor(2) as pool:
            starts = [pool.submit(UvicornWorker, **self.options) for _ in range(2)]
        self.workers = [start.result() for start in starts if start.exception() is None]
        if len(self.workers) < 2:
            self.stop()
            next(start for start in starts if start.exception() is not None).result()

    def restart(self, index: int) -> None:
        """Start process `index` again on its port (clients reconnect to the same address)."""
        port = self.workers[index].port
        self.workers[index] = UvicornWorker(port=port, **self.options)

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()  # harmless on a process already stopped


@pytest.fixture(scope="module")
def processes(django_db_setup):
    """Started once for the module, on the test database pytest-django created; stopped even on failure."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        raise pytest.UsageError("REDIS_URL must point at Redis for the messaging tests.")
    started = Processes(database_url_for_tests(settings), redis_url)
    try:
        yield started
    finally:
        started.stop()


class Client:
    """One member's socket on one process; every frame it receives is kept, in arrival order."""

    def __init__(self, worker: UvicornWorker, cookie: str):
        self.worker, self.cookie = worker, cookie
        self.frames: list[dict] = []
        self._arrived = asyncio.Event()

    async def __aenter__(self):
        self.ws = await websockets.connect(
            self.worker.url.replace("http", "ws") + "/ws/",
            origin=self.worker.url,
            additional_headers={"Cookie": self.cookie},
            compression=None,
        )
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader

    async def _read(self):
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                self.frames.append(json.loads(raw))
                self._arrived.set()

    async def closed(self, *, timeout: float = 20.0) -> None:
        """Wait until the server has closed the socket."""
        await asyncio.wait_for(asyncio.shield(self._reader), timeout=timeout)

    async def wait_for(self, predicate, *, timeout: float = 20.0) -> dict:
        """The first frame kept (from the start) for which `predicate` holds, waiting for it if needed."""
        async with asyncio.timeout(timeout):
            while True:
                for frame in self.frames:
                    if predicate(frame):
                        return frame
                self._arrived.clear()
                await self._arrived.wait()

    async def settle(self) -> None:
        """Wait until no frame has come for QUIET seconds (a duplicate would have come by then)."""
        while True:
            count = len(self.frames)
            await asyncio.sleep(QUIET)
            if len(self.frames) == count:
                return

    async def subscribe(self, conversation_id: int, *, after: int = 0) -> None:
        await self.ws.send(json.dumps({"type": "subscribe", "conversation": conversation_id, "after": after}))
        await self.wait_for(lambda f: f["type"] == "subscribed" and f["conversation"] == conversation_id)

    async def send(self, conversation_id: int, body: str) -> int:
        """Send a message and return its server id once acknowledged."""
        client_id = str(uuid.uuid4())
        frame = {"type": "send", "conversation": conversation_id, "client_id": client_id, "body": body}
        await self.ws.send(json.dumps(frame))
        ack = await self.wait_for(lambda f: f["type"] == "ack" and f["client_id"] == client_id)
        return ack["id"]

    def message_ids(self) -> list[int]:
        return [f["message"]["id"] for f in self.frames if f["type"] == "message"]

    def bodies(self) -> list[str]:
        return [f["message"]["body"] for f in self.frames if f["type"] == "message"]

    def unread_totals(self) -> list[int]:
        return [f["total"] for f in self.frames if f["type"] == "unread" and "total" in f]


def has_message(message_id):
    return lambda frame: frame["type"] == "message" and frame["message"]["id"] == message_id


def test_a_message_sent_on_one_process_reaches_the_other_process_once_each_way(processes):
    conversation, client, freelancer = conversation_with_quote()
    client_cookie, freelancer_cookie = session_cookie_for(client), session_cookie_for(freelancer)

    async def scenario():
        async with (
            Client(processes.workers[0], client_cookie) as on_a,
            Client(processes.workers[1], freelancer_cookie) as on_b,
        ):
            await on_a.subscribe(conversation.pk)
            await on_b.subscribe(conversation.pk)

            to_b = await on_a.send(conversation.pk, "Envoyé sur A, lu sur B")
            await on_b.wait_for(has_message(to_b))
            await on_b.wait_for(lambda f: f["type"] == "unread" and f.get("total") == 1)

            to_a = await on_b.send(conversation.pk, "Réponse de B vers A")
            await on_a.wait_for(has_message(to_a))
            await on_a.wait_for(lambda f: f["type"] == "unread" and f.get("total") == 1)

            await asyncio.gather(on_a.settle(), on_b.settle())
            return to_b, to_a, on_a, on_b

    to_b, to_a, on_a, on_b = asyncio.run(scenario())

    assert to_a > to_b
    # Each socket shows both messages (its own and the other side's), once each, in id order.
    assert on_a.message_ids() == [to_b, to_a]
    assert on_b.message_ids() == [to_b, to_a]
    assert on_b.bodies() == ["Envoyé sur A, lu sur B", "Réponse de B vers A"]
    # The recipient's badge: 0 on connect, 1 after the other side's message; never a count for one's own.
    assert on_b.unread_totals() == [0, 1]
    assert on_a.unread_totals() == [0, 1]
    unread_for_b = next(f for f in on_b.frames if f["type"] == "unread" and f.get("total") == 1)
    assert unread_for_b["conversations"] == {str(conversation.pk): 1}


def test_a_socket_whose_process_restarted_catches_up_once_in_order(processes):
    conversation, client, freelancer = conversation_with_quote()
    client_cookie, freelancer_cookie = session_cookie_for(client), session_cookie_for(freelancer)

    async def scenario():
        async with Client(processes.workers[0], client_cookie) as on_a:
            await on_a.subscribe(conversation.pk)
            async with Client(processes.workers[1], freelancer_cookie) as on_b:
                await on_b.subscribe(conversation.pk)
                first = await on_a.send(conversation.pk, "Avant l'arrêt")
                await on_b.wait_for(has_message(first))
                last_seen = on_b.message_ids()[-1]

                # B's process stops: its socket is closed under it.
                await asyncio.to_thread(processes.workers[1].stop)
                await on_b.closed()
                missed = [
                    await on_a.send(conversation.pk, "Pendant l'arrêt, 1"),
                    await on_a.send(conversation.pk, "Pendant l'arrêt, 2"),
                ]
                before_restart = on_b.message_ids()

            await asyncio.to_thread(processes.restart, 1)
            async with Client(processes.workers[1], freelancer_cookie) as again:
                await again.subscribe(conversation.pk, after=last_seen)
                await again.wait_for(has_message(missed[-1]))
                # Live delivery works again on the new process too.
                after = await on_a.send(conversation.pk, "Après le redémarrage")
                await again.wait_for(has_message(after))
                await again.settle()
            return first, last_seen, missed, after, before_restart, again

    first, last_seen, missed, after, before_restart, again = asyncio.run(scenario())

    assert last_seen == first
    assert before_restart == [first]
    # Catch-up from the database after its last id, then live: each message once, in id order, none before.
    assert again.message_ids() == [*missed, after]
    assert again.bodies() == ["Pendant l'arrêt, 1", "Pendant l'arrêt, 2", "Après le redémarrage"]
    # On connect, the badge counts what B has not read, the missed messages included.
    assert again.unread_totals()[0] == 3
