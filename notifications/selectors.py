"""Reads of the notifications app: a member's notifications and how many wait unread."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from marketplace.common.errors import NotFound
from notifications.models import Notification


def notification_list_for_recipient(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The member's notifications, newest first (the API pages through them)."""
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def notification_get_for_recipient(*, user, notification_id: int) -> Notification:
    """The member's own notification; someone else's does not exist for them."""
    notification = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notification is None:
        raise NotFound(_("Cette notification n'existe pas."))
    return notification


def notification_list(*, user, limit: int = 100) -> list[Notification]:
    """The member's latest notifications, for their page."""
    return list(Notification.objects.filter(recipient=user)[:limit])


def unread_notification_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
