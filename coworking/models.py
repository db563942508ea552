"""Shared workspaces (coworking): a directory with proximity search."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.common.models import TimeStampedModel
from profiles.models import Municipality

# Above this, a figure is a typo (10 Gbit/s is already a data centre's uplink).
MAX_MBPS = 10_000
MAX_PRICE = 100_000
MAX_ROOMS = 500


class SpaceStatus(models.TextChoices):
    PROPOSED = "propose", _("Proposé")
    APPROVED = "approuve", _("Approuvé")
    REFUSED = "refuse", _("Refusé")


class CoworkingSpace(TimeStampedModel):
    """A shared workspace; only approved ones are listed and searched."""

    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=3000)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coworking_spaces",
        verbose_name=_("municipalité"),
    )
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    # The space's own point, else its municipality's; none at all: listed, never found by distance.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    desks = models.PositiveIntegerField(_("postes de travail"), default=0)
    closed_offices = models.PositiveIntegerField(_("bureaux fermés"), default=0)
    meeting_rooms = models.PositiveIntegerField(_("salles de réunion"), default=0)
    has_studio = models.BooleanField(_("studio"), default=False)
    internet_mbps = models.PositiveIntegerField(_("Internet (Mbit/s)"), null=True, blank=True)
    price_hour = models.DecimalField(_("prix à l'heure"), max_digits=8, decimal_places=2, null=True, blank=True)
    price_day = models.DecimalField(_("prix à la journée"), max_digits=8, decimal_places=2, null=True, blank=True)
    price_month = models.DecimalField(_("prix au mois"), max_digits=8, decimal_places=2, null=True, blank=True)
    opening_hours = models.TextField(_("heures d'ouverture"), blank=True, max_length=500)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    # 300 characters as typed, plus the "https://" added to an address typed without one.
    website = models.URLField(_("site web"), blank=True, max_length=308)
    status = models.CharField(_("statut"), max_length=10, choices=SpaceStatus.choices, default=SpaceStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_coworking_spaces", verbose_name=_("gestionnaires")
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("espace de travail partagé")
        verbose_name_plural = _("espaces de travail partagés")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="coworking_point_whole_and_on_earth",
            ),
            models.CheckConstraint(
                condition=(Q(price_hour__isnull=True) | Q(price_hour__gte=0))
                & (Q(price_day__isnull=True) | Q(price_day__gte=0))
                & (Q(price_month__isnull=True) | Q(price_month__gte=0)),
                name="coworking_prices_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(internet_mbps__isnull=True) | Q(internet_mbps__gte=1, internet_mbps__lte=MAX_MBPS),
                name="coworking_internet_speed_sane",
            ),
        ]
        indexes = [models.Index(fields=["status", "latitude", "longitude"], name="coworking_status_point_idx")]

    def __str__(self):
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == SpaceStatus.APPROVED

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class CoworkingPhoto(TimeStampedModel):
    """A photo of a space, stored by the image pipeline (marketplace.common.images)."""

    space = models.ForeignKey(CoworkingSpace, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="coworking/")
    thumbnail = models.ImageField(upload_to="coworking/")
    thumbnail_jpeg = models.ImageField(upload_to="coworking/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.space_id} #{self.position}"
