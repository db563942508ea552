"""The task worker takes back the tasks of a worker that died, and a retaken e-mail task sends nothing twice."""

import datetime
import json

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from marketplace.common.models import WorkerHeartbeat
from marketplace.common.task_worker import tasks_requeue_abandoned
from notifications.models import Notification, NotificationKind
from notifications.services import notify
from tests.factories import UserFactory
from tests.marketplace.processes import ManagePy, database_url_of_tests, wait_until
from tests.marketplace.worker_tasks import write_line

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = datetime.timedelta(seconds=60)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _running(*, workers: list[str], started_ago: datetime.timedelta) -> str:
    result = write_line.enqueue(path="/dev/null", text="x")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - started_ago, worker_ids=workers
    )
    return result.id


def _status(result_id: str) -> str:
    return DBTaskResult.objects.get(pk=result_id).status


@pytest.mark.embedded
def test_a_task_whose_worker_fell_silent_for_a_lease_is_queued_again_and_no_other(database_queue):
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="vivant", seen_at=now - datetime.timedelta(seconds=5))
    WorkerHeartbeat.objects.create(worker_id="mort", seen_at=now - datetime.timedelta(minutes=2))
    abandoned = _running(workers=["mort"], started_ago=datetime.timedelta(minutes=5))
    alive = _running(workers=["mort", "vivant"], started_ago=datetime.timedelta(minutes=5))
    just_claimed = _running(workers=["nouveau"], started_ago=datetime.timedelta(seconds=10))
    finished = write_line.enqueue(path="/dev/null", text="x").id
    DBTaskResult.objects.filter(pk=finished).update(status=TaskResultStatus.SUCCESSFUL, worker_ids=["mort"])

    assert tasks_requeue_abandoned(backend_name="default", lease=LEASE) == 1

    assert _status(abandoned) == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=abandoned).worker_ids == ["mort"]  # The history stays.
    assert _status(alive) == TaskResultStatus.RUNNING
    assert _status(just_claimed) == TaskResultStatus.RUNNING
    assert _status(finished) == TaskResultStatus.SUCCESSFUL


@pytest.mark.embedded
def test_a_task_that_lost_three_workers_is_marked_failed_instead_of_looping(database_queue):
    poison = _running(workers=["un", "deux", "trois"], started_ago=datetime.timedelta(minutes=5))

    assert tasks_requeue_abandoned(backend_name="default", lease=LEASE) == 1

    result = DBTaskResult.objects.get(pk=poison)
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "marketplace.common.task_worker.WorkerLost"
    assert "3 workers stopped while running this task" in result.traceback


@pytest.mark.embedded
def test_a_worker_back_from_a_database_outage_queues_again_the_task_it_was_running(database_queue):
    WorkerHeartbeat.objects.create(worker_id="moi", seen_at=timezone.now())
    mine = _running(workers=["moi"], started_ago=datetime.timedelta(seconds=3))
    other = _running(workers=["autre"], started_ago=datetime.timedelta(seconds=3))

    assert tasks_requeue_abandoned(backend_name="default", lease=LEASE, lost_worker_id="moi") == 1

    assert _status(mine) == TaskResultStatus.READY
    assert _status(other) == TaskResultStatus.RUNNING


def _worker(settings, tmp_path, name: str, *, mail_delay: float) -> ManagePy:
    return ManagePy(
        "task_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval=0.2",
        database_url=database_url_of_tests(settings),
        log=tmp_path / f"{name}.log",
        EMAIL_BACKEND="tests.marketplace.mail_backends.FileRecordingBackend",
        TEST_MAIL_RECORD=str(tmp_path / "relay.jsonl"),
        TEST_MAIL_DELAY=str(mail_delay),
        TASKS_LEASE_SECONDS="2",
    )


def _relayed(tmp_path) -> list[dict]:
    record = tmp_path / "relay.jsonl"
    return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []


def test_a_worker_killed_while_the_relay_has_the_e_mail_leaves_the_task_to_another_that_never_sends_twice(
    database_queue, settings, tmp_path
):
    member = UserFactory(email="julie@exemple.qc.ca")
    notification = notify(
        recipient=member, kind=NotificationKind.QUOTE_RECEIVED, params={"title": "Logo", "name": "Marc"}
    )
    [queued] = DBTaskResult.objects.all()

    first = _worker(settings, tmp_path, "first", mail_delay=120)  # A relay that never answers.
    try:
        wait_until(lambda: len(_relayed(tmp_path)) == 1, timeout=30, what="the e-mail to reach the relay")
        first.kill()
    finally:
        first.stop()
    assert _status(queued.pk) == TaskResultStatus.RUNNING

    second = _worker(settings, tmp_path, "second", mail_delay=0)
    try:
        wait_until(
            lambda: _status(queued.pk) == TaskResultStatus.SUCCESSFUL,
            timeout=30,
            what="the second worker to take the task back",
        )
        assert second.alive()
    finally:
        second.stop()

    # The first worker's e-mail had gone; its claim made the rerun send nothing.
    assert [(email["to"], email["subject"]) for email in _relayed(tmp_path)] == [
        (["julie@exemple.qc.ca"], "Nouvelle soumission pour « Logo »")
    ]
    result = DBTaskResult.objects.get(pk=queued.pk)
    assert len(result.worker_ids) == 2
    assert DBTaskResult.objects.count() == 1
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None
    assert "queued again" in second.log_text()
