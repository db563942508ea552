"""Background work of the notifications app; each task fetches by id and is safe to run twice."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from marketplace.common.emails import email_signature
from marketplace.common.logging import bind_request_id
from marketplace.common.mailer import email_send_after_commit
from notifications import hooks
from notifications.models import Notification
from notifications.texts import notification_text

logger = logging.getLogger(__name__)


@task()
def send_notification_email(*, notification_id: int, request_id: str | None = None) -> None:
    """Email one notification, at most once; its log lines carry the id of the request that caused it.

    Run again after its worker died, it sends nothing more: `emailed_at` is committed before the relay
    is called (see marketplace/common/mailer.py). A lost e-mail beats a duplicate; the notification is on the site.
    """
    with bind_request_id(request_id):
        _send_notification_email(notification_id=notification_id)


def _send_notification_email(*, notification_id: int) -> None:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None:
            return
        recipient = notification.recipient
        if not hooks.email_allowed(user=recipient, kind=notification.kind):
            # Turned off, or wanted in the daily digest: `emailed_at` stays empty for the digest.
            return
        with translation.override(recipient.language or "fr-ca"):
            text = notification_text(notification)
            body = text.body
            if notification.url:
                body = f"{body}\n\n{settings.SITE_URL}{notification.url}".strip()
            body += "\n\n" + email_signature()
        claimed_at = timezone.now()
        notification.emailed_at = claimed_at
        notification.save(update_fields=["emailed_at"])
        email_send_after_commit(
            to=recipient.email,
            subject=text.title,
            body=body,
            give_back=lambda: Notification.objects.filter(pk=notification_id, emailed_at=claimed_at).update(
                emailed_at=None
            ),
        )
    logger.info("Notification %s emailed to user %s", notification_id, recipient.pk)
