"""Background work of the community app: reminders the day before an event; each task is safe to run twice."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks import default_task_backend, task

from community.services.events import REMINDER_BEFORE, event_reminder_send, event_reminders_send_due

logger = logging.getLogger(__name__)


@task()
def send_event_reminder(*, event_id: int) -> int:
    """Remind one event's registered members, if it is due and not reminded yet (the service claims it)."""
    return event_reminder_send(event_id=event_id)


@task()
def send_due_event_reminders() -> int:
    """The sweep (`manage.py community_event_reminders`): every event less than a day away, not reminded yet."""
    return event_reminders_send_due()


def schedule_event_reminder(*, event_id: int, starts_at: datetime.datetime) -> None:
    """Queue the event's reminder for the day before; backends that can't defer rely on the sweep alone."""
    if not default_task_backend.supports_defer:
        return
    run_after = max(starts_at - REMINDER_BEFORE, timezone.now()) + datetime.timedelta(seconds=5)
    try:
        send_event_reminder.using(run_after=run_after).enqueue(event_id=event_id)
    except Exception:
        # The event is saved; the periodic sweep sends the reminder if this enqueue failed.
        logger.warning("Could not schedule the event reminder.", exc_info=True)
