"""Live pushes of the notifications app, to the recipient's open sockets (marketplace.common.live)."""

from __future__ import annotations

from django.utils import translation

from marketplace.common import live
from notifications.selectors import unread_notification_count
from notifications.texts import notification_text


def notification_created(notification) -> None:
    """Push a new notification to its recipient's open sockets, worded in the recipient's language."""
    # After the commit of whoever caused it (often another member, in another language).
    with translation.override(notification.recipient.language or "fr-ca"):
        text = notification_text(notification)
    live.push_to_user(
        notification.recipient_id,
        {
            "type": "messaging.notification",
            "notification": {
                "id": notification.pk,
                "kind": notification.kind,
                "title": text.title,
                "body": text.body,
                "url": notification.url,
                "created_at": notification.created_at.isoformat(),
            },
            "unread": unread_notification_count(user=notification.recipient),
        },
    )
