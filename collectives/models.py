"""Collectives: cooperatives, collectives and agencies of freelancers who quote together."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.common.models import TimeStampedModel
from profiles.models import Municipality


class CollectiveKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("Coopérative")
    COLLECTIVE = "collectif", _("Collectif")
    AGENCY = "agence", _("Agence")


class Collective(TimeStampedModel):
    """A profile shared by several freelancers; its skills are the union of its active members'."""

    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=CollectiveKind.choices, default=CollectiveKind.COLLECTIVE)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("municipalité")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("collectif")
        verbose_name_plural = _("collectifs")

    def __str__(self):
        return self.name


class MemberRole(models.TextChoices):
    ADMIN = "admin", _("Administrateur·rice")
    MEMBER = "membre", _("Membre")


class MembershipStatus(models.TextChoices):
    INVITED = "invite", _("Invité·e")
    ACTIVE = "actif", _("Membre")
    DECLINED = "refuse", _("Invitation refusée")
    LEFT = "parti", _("A quitté")
    REMOVED = "retire", _("Retiré·e")


class CollectiveMembership(TimeStampedModel):
    """One freelancer in one collective; rows are kept after leaving so past work stays on both profiles."""

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collective_memberships"
    )
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    status = models.CharField(max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["collective", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "member"],
                condition=Q(status__in=["invite", "actif"]),
                name="collective_one_current_membership",
            )
        ]

    def __str__(self):
        return f"{self.member_id} @ {self.collective_id} ({self.status})"
