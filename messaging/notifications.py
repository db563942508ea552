"""The one place that notifies members: in the site, live on their socket, and by email."""

from django.db import transaction
from django.utils import translation

from messaging.models import Notification, NotificationKind


def notify(*, recipient, kind: NotificationKind, title, body="", url: str = "") -> Notification:
    """Record a notification for `recipient`; after commit, push it live and email it in the background.

    `title` and `body` may be lazy translations: they are rendered in the recipient's language.
    """
    with translation.override(recipient.language or "fr-ca"):
        notification = Notification.objects.create(
            recipient=recipient, kind=kind, title=str(title)[:200], body=str(body), url=url
        )

    def after_commit():
        from marketplace.logging import current_request_id
        from messaging import events
        from messaging.tasks import send_notification_email

        events.notification_created(notification)
        send_notification_email.enqueue(notification_id=notification.pk, request_id=current_request_id())

    transaction.on_commit(after_commit)
    return notification
