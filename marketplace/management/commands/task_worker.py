"""Run the background tasks: django-tasks-db's `db_worker`, through database outages and dead workers.

Same options as `db_worker`; the loop is marketplace.common.task_worker.TaskWorker.
"""

import datetime
import os

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from marketplace.common.task_worker import TaskWorker


class Command(db_worker.Command):
    help = "Run the background task worker (db_worker that outlives database outages and retakes lost tasks)."

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        # As db_worker's own handle(), building our worker instead of the library's.
        self.configure_logging(verbosity)
        reload = reload and not batch
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = TaskWorker(
            lease=datetime.timedelta(seconds=settings.TASKS_LEASE_SECONDS),
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # Only in the child process the reloader runs.
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
