"""The engagement ("mandat") opened by an accepted quote: what was agreed, its milestones, deliveries, history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common.models import TimeStampedModel
from marketplace.common.storage import RandomKey, get_private_storage
from projects.models import Project, Quote


class EngagementStatus(models.TextChoices):
    IN_PROGRESS = "en_cours", _("En cours")
    DELIVERED = "livre", _("Livré")
    # Everything approved, but the project could not be marked completed (it was no longer awarded).
    APPROVED = "approuve", _("Approuvé")
    COMPLETED = "termine", _("Terminé")


class MilestoneStatus(models.TextChoices):
    PROPOSED = "propose", _("Proposé")
    ACCEPTED = "accepte", _("Accepté")
    DELIVERED = "livre", _("Livré")
    CHANGES_REQUESTED = "modifications_demandees", _("Modifications demandées")
    APPROVED = "approuve", _("Approuvé")


class DeliveryStatus(models.TextChoices):
    PENDING = "en_attente", _("En attente de réponse")
    APPROVED = "approuvee", _("Approuvée")
    AUTO_APPROVED = "approuvee_auto", _("Approuvée automatiquement")
    CHANGES_REQUESTED = "modifications_demandees", _("Modifications demandées")


class Engagement(TimeStampedModel):
    """What client and freelancer agreed when the quote was accepted, frozen at that moment."""

    quote = models.OneToOneField(Quote, on_delete=models.CASCADE, related_name="engagement")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="engagements")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="engagements_as_client")
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="engagements_as_freelancer"
    )
    # Total before taxes; null for an hourly quote without an estimate of hours.
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="CAD")
    pricing = models.CharField(max_length=10)
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    charges_taxes = models.BooleanField(default=True)
    delivery_days = models.PositiveIntegerField(null=True, blank=True)
    delivery_date = models.DateField(null=True, blank=True)
    # The quote's line items at acceptance: [{"description", "amount", "position"}], amounts as strings.
    lines = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=EngagementStatus.choices, default=EngagementStatus.IN_PROGRESS)
    # Who proposed the milestones waiting for the other side's agreement (null: none waiting).
    milestones_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mandat")
        verbose_name_plural = _("mandats")

    def __str__(self):
        return f"{self.project} — {self.freelancer}"

    def is_party(self, user) -> bool:
        return user.is_authenticated and user.pk in (self.client_id, self.freelancer_id)


class Milestone(models.Model):
    """A part of the work with its amount and due date, agreed by both sides."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("titre"), max_length=200)
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    due_on = models.DateField(_("échéance"))
    status = models.CharField(max_length=24, choices=MilestoneStatus.choices, default=MilestoneStatus.PROPOSED)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="milestone_amount_positive")]

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """The freelancer hands over a milestone (or the whole work, milestone null); the client answers."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="deliveries")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries")
    message = models.TextField(_("message"), max_length=5000)
    status = models.CharField(max_length=24, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    # The 14 days until automatic approval, and the reminders, count from here.
    delivered_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    change_reason = models.TextField(_("raison"), max_length=3000, blank=True)
    reminded_7_at = models.DateTimeField(null=True, blank=True)
    reminded_13_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["delivered_at", "id"]
        verbose_name = _("livraison")
        verbose_name_plural = _("livraisons")
        constraints = [
            # Delivering twice: one delivery waiting for an answer per milestone, and per whole work.
            models.UniqueConstraint(
                fields=["milestone"],
                condition=Q(status="en_attente") & Q(milestone__isnull=False),
                name="one_pending_delivery_per_milestone",
            ),
            models.UniqueConstraint(
                fields=["engagement"],
                condition=Q(status="en_attente") & Q(milestone__isnull=True),
                name="one_pending_whole_delivery",
            ),
        ]

    def __str__(self):
        return f"{self.engagement} — {self.delivered_at:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.status == DeliveryStatus.PENDING


class DeliveryFile(models.Model):
    """A file handed over with a delivery; private, served only to both sides."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=RandomKey("engagements"), storage=get_private_storage, max_length=200)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class EventKind(models.TextChoices):
    OPENED = "opened", _("Mandat ouvert")
    MILESTONES_PROPOSED = "milestones_proposed", _("Jalons proposés")
    MILESTONES_ACCEPTED = "milestones_accepted", _("Jalons acceptés")
    DELIVERED = "delivered", _("Travail livré")
    APPROVED = "approved", _("Livraison approuvée")
    AUTO_APPROVED = "auto_approved", _("Livraison approuvée automatiquement")
    CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
    COMPLETED = "completed", _("Mandat terminé")


class EngagementEvent(models.Model):
    """The engagement's history, as both sides see it."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="events")
    # Null: the platform (automatic approval), or an erased account.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    milestone = models.ForeignKey(Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.kind
