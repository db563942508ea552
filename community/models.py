"""Groups (and cohorts), their bulletin boards and their events."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.common.models import TimeStampedModel
from profiles.models import Mrc, Municipality


class OrganiserKind(models.TextChoices):
    CHAMBER = "chambre", _("Chambre de commerce")
    CJE = "cje", _("Carrefour jeunesse-emploi")
    SADC = "sadc", _("SADC")
    COOPERATIVE = "cooperative", _("Coopérative")
    MEMBER = "membre", _("Membre")


class GroupAccess(models.TextChoices):
    PUBLIC = "public", _("Public")
    ON_REQUEST = "sur_demande", _("Sur demande")
    INVITATION = "invitation", _("Sur invitation")


class Group(TimeStampedModel):
    """A group of members; a cohort is a group whose events form one series with the same registered seats."""

    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    access = models.CharField(_("accès"), max_length=12, choices=GroupAccess.choices, default=GroupAccess.PUBLIC)
    organiser_kind = models.CharField(
        _("organisé par"), max_length=12, choices=OrganiserKind.choices, default=OrganiserKind.MEMBER
    )
    mrc = models.ForeignKey(
        Mrc, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("MRC")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("municipalité")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    is_cohort = models.BooleanField(_("cohorte"), default=False)
    # A cohort's seats and deadline cover its whole series of events.
    seats = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, validators=[MinValueValidator(6), MaxValueValidator(12)]
    )
    registration_deadline = models.DateTimeField(_("date limite d'inscription"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("groupe")
        verbose_name_plural = _("groupes")

    def __str__(self):
        return self.name


class GroupRole(models.TextChoices):
    ORGANISER = "organisateur", _("Organisateur·rice")
    MEMBER = "membre", _("Membre")


class GroupMembershipStatus(models.TextChoices):
    REQUESTED = "demande", _("Demande envoyée")
    INVITED = "invite", _("Invité·e")
    ACTIVE = "actif", _("Membre")
    LEFT = "parti", _("A quitté")
    REMOVED = "retire", _("Retiré·e")


class GroupMembership(TimeStampedModel):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(max_length=12, choices=GroupRole.choices, default=GroupRole.MEMBER)
    status = models.CharField(
        max_length=10, choices=GroupMembershipStatus.choices, default=GroupMembershipStatus.ACTIVE
    )
    # The bulletin board's unread count: posts after this mark that are not the member's own.
    last_read_post_id = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["group", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "member"],
                condition=Q(status__in=["demande", "invite", "actif"]),
                name="group_one_current_membership",
            )
        ]


class Post(TimeStampedModel):
    """A bulletin-board post, or a reply to one (`parent`)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    body = models.TextField(max_length=5000)

    class Meta:
        ordering = ["id"]


class Event(TimeStampedModel):
    """A meeting of a group: in a place (municipality and address) or online."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("titre"), max_length=160)
    theme = models.CharField(_("thème"), max_length=160, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("municipalité")
    )
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    online_url = models.URLField(_("lien en ligne"), blank=True)
    # For an event of a cohort, the cohort's seats apply and this stays empty.
    capacity = models.PositiveIntegerField(_("capacité"), null=True, blank=True, validators=[MinValueValidator(1)])
    registration_deadline = models.DateTimeField(_("date limite d'inscription"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # A cancelled event stays visible (marked cancelled) so that registered members understand why.
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start")
        ]

    def __str__(self):
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "inscrit", _("Inscrit·e")
    WAITING = "attente", _("Liste d'attente")
    CANCELLED = "annule", _("Annulée")


class Registration(TimeStampedModel):
    """A seat at one event, or (cohort) at every event of the series: exactly one of `event` and `cohort`."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, blank=True, related_name="registrations")
    cohort = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True, related_name="registrations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations")
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, cohort__isnull=True) | Q(event__isnull=True, cohort__isnull=False),
                name="registration_event_xor_cohort",
            ),
            models.UniqueConstraint(
                fields=["event", "member"], condition=~Q(status="annule"), name="registration_one_per_event"
            ),
            models.UniqueConstraint(
                fields=["cohort", "member"], condition=~Q(status="annule"), name="registration_one_per_cohort"
            ),
        ]


class CalendarFeed(TimeStampedModel):
    """The secret address of a member's iCalendar feed; a new token revokes the old address."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
