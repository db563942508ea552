"""How the site's own e-mails leave: after the commit that decided them, from a background task.

Every sender follows one pattern. Inside a short transaction it takes the row that says "emailed"
under its lock, sets it (the claim) and renders the message; `email_send_after_commit` then hands the
message to the relay once that transaction has committed, so a slow relay never holds a lock or a
transaction open. Callers run in tasks (`messaging.tasks`, `privacy.tasks`), never in a request.

At most once, never twice: the claim is committed before the relay is called, so a task run again
after its worker died mid-send finds it and sends nothing. A relay that refuses (an exception) gives
the claim back, so the next run tries again. The member always has the notification on the site.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def email_send_after_commit(*, to: str, subject: str, body: str, give_back: Callable[[], None] | None = None) -> None:
    """Send one plain-text e-mail once the current transaction commits (at once outside a transaction).

    `give_back` undoes the caller's claim when the relay fails; the error is then raised again so
    the task shows it as failed.
    """

    def send() -> None:
        try:
            send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[to])
        except Exception:
            if give_back is not None:
                give_back()
            raise

    transaction.on_commit(send)
