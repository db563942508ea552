"""Writes of the notifications app: `notify`, the one way any app tells a member something, and reading them.

A notification is recorded in the caller's transaction; after the commit it is pushed live to the
recipient's open sockets and e-mailed by a background task (their e-mail preferences permitting).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise

from marketplace.common.logging import current_request_id
from notifications import events, hooks
from notifications.models import Notification, NotificationKind
from notifications.tasks import send_notification_email


def notify(*, recipient, kind: NotificationKind, params: Mapping | None = None, url: str = "") -> Notification:
    """Record a notification for `recipient`; after commit, push it live and email it in the background.

    `params` fill the kind's text (see notifications/texts.py): plain JSON values (str, int, bool, list),
    the members' own words as they wrote them.
    """
    # JSON can't hold a lazy string; parameters are names and members' words, never our own text.
    params = {key: str(value) if isinstance(value, Promise) else value for key, value in (params or {}).items()}
    notification = Notification.objects.create(recipient=recipient, kind=kind, params=params, url=url)

    def after_commit():
        events.notification_created(notification)
        send_notification_email.enqueue(notification_id=notification.pk, request_id=current_request_id())

    transaction.on_commit(after_commit)
    return notification


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or every) unread notification of `user` as read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    changed = qs.update(read_at=timezone.now())
    if changed:
        transaction.on_commit(lambda: hooks.unread_changed(user_id=user.pk))
    return changed
