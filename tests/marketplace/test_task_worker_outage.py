"""The task worker outlives a 10 s PostgreSQL outage: one log line, then back to work.

It runs against a PostgreSQL cluster of the test's own (a copy of the test database), which the test
stops and starts again; the suite's shared server is never touched.
"""

import time

import pytest

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


def _enqueue_line(database_url: str, path, text: str) -> None:
    run_django(
        "from tests.marketplace.worker_tasks import write_line\n"
        f"write_line.enqueue(path={str(path)!r}, text={text!r})\n",
        database_url=database_url,
    )


def _lines(path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_the_task_worker_waits_out_a_database_outage_and_runs_the_work_queued_after_it(private_postgres, tmp_path):
    database_url = private_postgres.url()
    done = tmp_path / "done.txt"
    worker = ManagePy(
        "task_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval=0.2",
        database_url=database_url,
        log=tmp_path / "worker.log",
    )
    try:
        _enqueue_line(database_url, done, "avant")
        wait_until(lambda: _lines(done) == ["avant"], timeout=30, what="the worker to run the first task")

        private_postgres.stop()
        time.sleep(OUTAGE_SECONDS)
        assert worker.alive(), worker.log_text()
        private_postgres.start()

        _enqueue_line(database_url, done, "après")
        wait_until(lambda: _lines(done) == ["avant", "après"], timeout=40, what="the worker to carry on")
        assert worker.alive()
    finally:
        worker.stop()

    log = worker.log_text()
    assert log.count("Database unavailable") == 1, log
    assert log.count("Database back after") == 1, log
    assert "Traceback" not in log, log
