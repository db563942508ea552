"""The HTTP handler: views beyond the cap wait their turn, and a request gives back its connection."""

import asyncio

import pytest
from asgiref.testing import ApplicationCommunicator
from django.db import connections

from marketplace.common.handlers import MarketplaceASGIHandler
from tests.marketplace.slow_urls import Running

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


def get_many(path: str, count: int) -> list[tuple[int, bytes]]:
    """`count` GET requests at once through a fresh handler; each one's status and body."""
    handler = MarketplaceASGIHandler()

    async def one():
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"testserver")],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        communicator = ApplicationCommunicator(handler, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(timeout=30)
        body = b""
        while True:
            message = await communicator.receive_output(timeout=30)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.wait(timeout=30)
        return start["status"], body

    async def all_at_once():
        return await asyncio.gather(*(one() for _ in range(count)))

    return asyncio.run(all_at_once())


@pytest.fixture
def slow_site(settings):
    settings.ROOT_URLCONF = "tests.marketplace.slow_urls"
    Running.reset()
    yield
    Running.reset()


def test_requests_beyond_the_cap_wait_their_turn_and_all_get_their_page(slow_site, settings):
    settings.HTTP_MAX_IN_FLIGHT = 2

    answers = get_many("/lent/", 6)

    assert answers == [(200, b"0 membres")] * 6
    assert Running.most == 2


def test_without_a_cap_every_request_runs_its_view_at_once(slow_site, settings):
    settings.HTTP_MAX_IN_FLIGHT = 0

    answers = get_many("/lent/", 6)

    assert answers == [(200, b"0 membres")] * 6
    assert Running.most == 6


def test_a_request_closes_its_database_connection_when_its_view_returns(slow_site, settings, monkeypatch):
    # With persistent connections asked for, Django would leave the connection open in a thread that
    # ends with the request: open until the garbage collector finds it, never used again.
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 60)

    answers = get_many("/lent/", 3)

    assert answers == [(200, b"0 membres")] * 3
    assert len(Running.connections) == 3
    assert [wrapper.connection for wrapper in Running.connections] == [None, None, None]
