"""Pieces shared by every app's models.

Models defined here belong to the `marketplace` app (Django finds the app by module path), so
their tables and migrations stay in marketplace/migrations.
"""

from django.db import models


class TimeStampedModel(models.Model):
    """Adds `created_at` and `updated_at`, both aware UTC."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """A running task worker (`manage.py task_worker`) says it is alive.

    The tasks of a worker silent for TASKS_LEASE_SECONDS run again: see marketplace/common/task_worker.py.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.seen_at:%Y-%m-%d %H:%M:%S})"
