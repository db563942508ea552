"""Loi 25 requests: a member's data archives and their account deletion with its grace period."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.common.models import TimeStampedModel


class DataExport(TimeStampedModel):
    """One archive of everything a member gave us, built in the background, downloadable by them only."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En préparation")
        READY = "ready", _("Prête")
        FAILED = "failed", _("Échec")
        EXPIRED = "expired", _("Expirée")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    # The link's secret: random, never the row id, so a link can't be guessed from another one.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    # Key of the zip in the private storage (random, see marketplace.common.storage.random_key).
    file_key = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "profiles_dataexport"  # Made by profiles before this app existed; the rows stay.
        ordering = ["-created_at", "-id"]
        verbose_name = _("export de données")
        verbose_name_plural = _("exports de données")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="one_pending_export_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.status} {self.created_at:%Y-%m-%d}"


class AccountDeletion(TimeStampedModel):
    """A member's request to delete their account; carried out after a grace period unless they log in."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Prévue")
        CANCELLED = "cancelled", _("Annulée")
        COMPLETED = "completed", _("Effectuée")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deletion_requests")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    purge_after = models.DateTimeField(db_index=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "profiles_accountdeletion"  # Made by profiles before this app existed; the rows stay.
        ordering = ["-created_at", "-id"]
        verbose_name = _("suppression de compte")
        verbose_name_plural = _("suppressions de compte")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="one_pending_deletion_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.status}"
