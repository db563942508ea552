"""Background work of the messaging app; each task fetches by id and is safe to run twice."""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

# Notification e-mails moved to the notifications app; tasks queued before the move name this path.
from notifications.tasks import send_notification_email  # noqa: F401

logger = logging.getLogger(__name__)


@task()
def email_unread_messages(*, conversation_id: int | None = None) -> int:
    """Send the "unread messages" emails that are due (all conversations, or one).

    Safe to run again after its worker died: each e-mail is claimed (`last_emailed_*`) before it
    leaves, so a rerun sends the ones not claimed yet and none twice (at most once per e-mail).
    """
    from messaging.services import unread_email_next_due, unread_messages_email

    sent = unread_messages_email(conversation_id=conversation_id)
    if conversation_id is not None:
        # Unread messages that were not due yet (a streak that began while this check was pending,
        # see `schedule_unread_email_check`): check again when the oldest of them is.
        due = unread_email_next_due(conversation_id=conversation_id)
        if due is not None:
            schedule_unread_email_check(conversation_id=conversation_id, due=due)
    return sent


# Conversation id → when the check this process last scheduled for it runs. A streak that starts
# before then needs no task of its own (that check schedules the next one): in a live chat each
# reply starts a streak, and a task row per reply cost as much as saving the message.
_checks_pending: dict[int, datetime.datetime] = {}


def schedule_unread_email_check(*, conversation_id: int, due: datetime.datetime | None = None) -> None:
    """After a message, check that conversation again once the 10 minutes have passed.

    Backends that can't defer (the immediate one in tests) rely on the periodic sweep
    (`manage.py messaging_unread_emails`) instead; running now would find nothing due.
    """
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return
    from messaging.services import UNREAD_EMAIL_AFTER

    now = timezone.now()
    pending = _checks_pending.get(conversation_id)
    if due is None and pending is not None and pending > now:
        return
    run_after = (due or now + UNREAD_EMAIL_AFTER) + datetime.timedelta(seconds=5)
    if len(_checks_pending) > 10_000:
        for key in [key for key, at in _checks_pending.items() if at <= now]:
            del _checks_pending[key]
    try:
        email_unread_messages.using(run_after=run_after).enqueue(conversation_id=conversation_id)
        _checks_pending[conversation_id] = run_after
    except Exception:
        # The message is saved; the periodic sweep will send the email if this enqueue failed.
        import logging

        logging.getLogger(__name__).warning("Could not schedule the unread-messages email.", exc_info=True)
