"""The background task worker (`manage.py task_worker`): django-tasks-db's worker, made to last.

django-tasks-db's `db_worker` ended on the first error of an unreachable database, and a task whose
worker was killed stayed RUNNING forever. This worker runs the same loop (we subclass it rather than
patch the library) and adds two things:

- Database outages: an OperationalError anywhere in the loop no longer ends the process. It waits
  until the database answers (marketplace/common/db_outage.py, one log line each way), puts back in the
  queue the task it was running if the outage interrupted it, and carries on.
- A lease on running tasks: a thread writes the worker's heartbeat (WorkerHeartbeat) every quarter
  lease, also while a long task runs, and puts back in the queue the RUNNING tasks whose worker has
  been silent for TASKS_LEASE_SECONDS. After MAX_ATTEMPTS lost workers a task is marked failed
  instead: one that kills its worker (out of memory) must not loop forever.

So a task runs at least once and may run twice: each task is written to be safe to run again, and
each says how in its docstring (the e-mail tasks claim their e-mail before it leaves: at most once).
Run only this worker against a database: a plain `db_worker` writes no heartbeat, so the tasks it
runs for longer than a lease would be taken back. We build on the library's `Worker` (its loop,
signals and run_task): tests/marketplace/test_task_worker*.py run the real process and catch an
upgrade that changes them.
"""

from __future__ import annotations

import datetime
import logging
import threading

from django.db import connections, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from marketplace.common.db_outage import DATABASE_ERRORS, database_wait
from marketplace.common.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# Heartbeats of workers gone this long are deleted.
HEARTBEAT_KEEP = datetime.timedelta(days=1)


class WorkerLost(Exception):
    """Recorded as the error of a task whose workers kept dying while running it."""


def worker_heartbeat(*, worker_id: str, now: datetime.datetime | None = None) -> None:
    """Record that `worker_id` is alive."""
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": now or timezone.now()})


def tasks_requeue_abandoned(
    *,
    backend_name: str,
    lease: datetime.timedelta,
    lost_worker_id: str | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Put back in the queue the running tasks whose worker is gone; returns how many.

    A task is abandoned when its worker (the last of its `worker_ids`) wrote no heartbeat for a lease
    and it started more than a lease ago (a worker beats before its first task, and every quarter
    lease). `lost_worker_id` is a worker that knows it lost its task to a database outage.
    """
    now = now or timezone.now()
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gt=now - lease).values_list("worker_id", flat=True))
    requeued = 0
    with transaction.atomic():
        running = DBTaskResult.objects.running().filter(backend_name=backend_name).select_for_update(skip_locked=True)
        for result in running:
            owner = result.worker_ids[-1] if result.worker_ids else None
            just_started = result.started_at is not None and result.started_at > now - lease
            if owner != lost_worker_id and (owner in alive or just_started):
                continue
            if len(result.worker_ids) >= MAX_ATTEMPTS:
                result.set_failed(
                    WorkerLost(f"{len(result.worker_ids)} workers stopped while running this task; not retried.")
                )
                logger.error("Task %s (%s) failed: its workers kept dying.", result.pk, result.task_path)
            else:
                result.status = TaskResultStatus.READY
                result.save(update_fields=["status"])
                logger.warning(
                    "Task %s (%s) was left running by worker %s, silent for %s s: queued again.",
                    result.pk,
                    result.task_path,
                    owner,
                    int(lease.total_seconds()),
                )
            requeued += 1
    return requeued


class TaskWorker(Worker):
    """django-tasks-db's worker, through database outages, with a heartbeat and the lease."""

    def __init__(self, *, lease: datetime.timedelta, **kwargs):
        super().__init__(**kwargs)
        self.lease = lease
        self._stopping = threading.Event()
        self._heartbeat = threading.Thread(target=self._beat, name="task-worker-heartbeat", daemon=True)

    def run(self) -> None:
        self._heartbeat.start()
        try:
            self._run_through_outages()
        finally:
            self._stopping.set()
            self._heartbeat.join(timeout=10)

    def _run_through_outages(self) -> None:
        after_outage = False
        while True:
            try:
                if after_outage:
                    # A task it was running when the database went: the library could not record how it ended.
                    tasks_requeue_abandoned(
                        backend_name=self.backend_name, lease=self.lease, lost_worker_id=self.worker_id
                    )
                    after_outage = False
                return super().run()
            except DATABASE_ERRORS as error:
                database_wait(error=error, log=logger)
                self.startup_delay = False
                after_outage = True

    def _beat(self) -> None:
        every = max(self.lease.total_seconds() / 4, 0.5)
        while not self._stopping.is_set():
            try:
                now = timezone.now()
                worker_heartbeat(worker_id=self.worker_id, now=now)
                tasks_requeue_abandoned(backend_name=self.backend_name, lease=self.lease, now=now)
                WorkerHeartbeat.objects.filter(seen_at__lt=now - HEARTBEAT_KEEP).delete()
            except DATABASE_ERRORS:
                # The main loop logs the outage once; the heartbeat just tries again.
                logger.debug("Heartbeat of worker %s not written.", self.worker_id, exc_info=True)
            except Exception:
                logger.exception("Heartbeat of worker %s failed.", self.worker_id)
            finally:
                connections.close_all()
            self._stopping.wait(every)
