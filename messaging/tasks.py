"""Background work of the messaging app; each task fetches by id and is safe to run twice."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from messaging.models import Notification


@task()
def send_notification_email(*, notification_id: int) -> None:
    """Email one notification, once."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None:
            return
        recipient = notification.recipient
        with translation.override(recipient.language or "fr-ca"):
            body = notification.body
            if notification.url:
                body = f"{body}\n\n{settings.SITE_URL}{notification.url}".strip()
            body += "\n\n— " + _("L'équipe Pigiste QC")
            send_mail(
                subject=notification.title,
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[recipient.email],
            )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
