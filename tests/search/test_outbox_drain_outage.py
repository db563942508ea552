"""`search_outbox_drain --loop` outlives a 10 s PostgreSQL outage: one log line, then it drains again.

It runs against a PostgreSQL cluster of the test's own (a copy of the test database), which the test
stops and starts again; the suite's shared server is never touched. No Elasticsearch: the drain still
takes each entry out of the outbox (and would match saved searches), which is what we watch.
"""

import time

import psycopg
import pytest

from search.models import SearchOutboxEntry
from tests.marketplace.processes import ManagePy, PrivatePostgres, database_url_of_tests, run_django, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

OUTAGE_SECONDS = 10


@pytest.fixture
def private_postgres(settings):
    server = PrivatePostgres()
    try:
        server.create()
        server.copy_database(database_url_of_tests(settings))
        yield server
    finally:
        server.destroy()


def _record_change(database_url: str) -> None:
    # A project that doesn't exist (any more): the drain takes the entry out all the same.
    run_django(
        "from search.outbox import outbox_record_project\noutbox_record_project(project_id=999999)\n",
        database_url=database_url,
    )


def _pending(database_url: str) -> int:
    # Read straight from the private server: a Django process per look would take seconds each.
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        return connection.execute(f"SELECT count(*) FROM {SearchOutboxEntry._meta.db_table}").fetchone()[0]  # noqa: S608


def test_the_outbox_drain_waits_out_a_database_outage_and_drains_what_comes_after(private_postgres, tmp_path):
    database_url = private_postgres.url()
    drain = ManagePy(
        "search_outbox_drain", "--loop", "--interval=0.2", database_url=database_url, log=tmp_path / "drain.log"
    )
    try:
        _record_change(database_url)
        wait_until(lambda: _pending(database_url) == 0, timeout=30, what="the first drain")

        private_postgres.stop()
        time.sleep(OUTAGE_SECONDS)
        assert drain.alive(), drain.log_text()
        private_postgres.start()

        _record_change(database_url)
        wait_until(lambda: _pending(database_url) == 0, timeout=40, what="the drain to carry on")
        assert drain.alive()
    finally:
        drain.stop()

    log = drain.log_text()
    assert log.count("Database unavailable") == 1, log
    assert log.count("Database back after") == 1, log
    assert "Traceback" not in log, log
