"""A web process on psycopg's pool, as production runs it: connections are taken, given back and
reused, never more than the pool's size, and pages and chat both get theirs under a burst."""

import asyncio
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection

from tests.messaging.factories import conversation_with_quote
from tests.messaging.helpers import session_cookie_for
from tests.messaging.servers import UvicornWorker, database_url_for_tests
from tests.messaging.test_cross_process import Client, has_message

# The server is another process: it only sees committed rows. Main pass only (a pool is PostgreSQL's).
pytestmark = pytest.mark.django_db(transaction=True)

POOL_SIZE = 4


@pytest.fixture
def pooled_server(redis_url):
    server = UvicornWorker(
        database_url=database_url_for_tests(settings),
        redis_url=redis_url,
        prefix="pool-test",
        start_timeout=60.0,
        extra_env={"DATABASE_POOL": "1", "DATABASE_POOL_MAX_SIZE": str(POOL_SIZE), "HTTP_MAX_IN_FLIGHT": "2"},
    )
    try:
        yield server
    finally:
        server.stop()


def server_backends() -> set[int]:
    """The PostgreSQL backends connected to the test database, other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def burst(url: str, count: int) -> list[int]:
    def fetch(_):
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own test server)
            return response.status

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(fetch, range(count)))


def test_pages_share_a_bounded_pool_of_connections_that_outlive_the_requests(pooled_server):
    page = f"{pooled_server.url}/projets/"

    assert burst(page, 30) == [200] * 30
    after_first = server_backends()
    assert burst(page, 30) == [200] * 30
    after_second = server_backends()

    assert 1 <= len(after_first) <= POOL_SIZE
    # The second burst was served by the connections the first one opened.
    assert after_second == after_first


def test_chat_gets_its_connections_while_pages_take_theirs(pooled_server):
    conversation, client, freelancer = conversation_with_quote()
    client_cookie, freelancer_cookie = session_cookie_for(client), session_cookie_for(freelancer)

    async def scenario():
        async with Client(pooled_server, client_cookie) as sender, Client(pooled_server, freelancer_cookie) as reader:
            await sender.subscribe(conversation.pk)
            await reader.subscribe(conversation.pk)
            pages = asyncio.get_running_loop().run_in_executor(None, burst, f"{pooled_server.url}/projets/", 30)
            sent = [await sender.send(conversation.pk, f"Message {n} pendant la cohue") for n in range(5)]
            for message_id in sent:
                await reader.wait_for(has_message(message_id))
            return await pages, reader.bodies()

    statuses, bodies = asyncio.run(scenario())

    assert statuses == [200] * 30
    assert bodies == [f"Message {n} pendant la cohue" for n in range(5)]
    assert len(server_backends()) <= POOL_SIZE
