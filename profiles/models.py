"""Accounts, places, skills and freelancer profiles."""

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from marketplace.common.models import TimeStampedModel

# How an erased account signs what it leaves behind (reviews, conversations).
ERASED_MEMBER_NAME = _("Ancien membre")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """One account acts as client, freelancer, or both; the email address is the login."""

    email = models.EmailField(_("adresse courriel"), unique=True)
    name = models.CharField(_("nom"), max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # The language emails and notifications are written in.
    language = models.CharField(_("langue"), max_length=10, default="fr-ca")
    # Set when the account was erased under Loi 25 (privacy.services.account_purge): the row stays so
    # reviews and conversations keep their shape, signed "Ancien membre".
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name shown to other members: profile name, else account name, else the email's local part."""
        if self.erased_at is not None:
            return str(ERASED_MEMBER_NAME)
        profile = getattr(self, "freelancer_profile", None)
        if profile is not None and profile.display_name:
            return profile.display_name
        return self.name or self.email.split("@")[0]


class Region(models.TextChoices):
    """Quebec's 17 administrative regions, by their official number."""

    BAS_SAINT_LAURENT = "01", "Bas-Saint-Laurent"
    SAGUENAY_LAC_SAINT_JEAN = "02", "Saguenay–Lac-Saint-Jean"
    CAPITALE_NATIONALE = "03", "Capitale-Nationale"
    MAURICIE = "04", "Mauricie"
    ESTRIE = "05", "Estrie"
    MONTREAL = "06", "Montréal"
    OUTAOUAIS = "07", "Outaouais"
    ABITIBI_TEMISCAMINGUE = "08", "Abitibi-Témiscamingue"
    COTE_NORD = "09", "Côte-Nord"
    NORD_DU_QUEBEC = "10", "Nord-du-Québec"
    GASPESIE_ILES = "11", "Gaspésie–Îles-de-la-Madeleine"
    CHAUDIERE_APPALACHES = "12", "Chaudière-Appalaches"
    LAVAL = "13", "Laval"
    LANAUDIERE = "14", "Lanaudière"
    LAURENTIDES = "15", "Laurentides"
    MONTEREGIE = "16", "Montérégie"
    CENTRE_DU_QUEBEC = "17", "Centre-du-Québec"


class Mrc(models.Model):
    """A regional county municipality (MRC) or a territory with MRC powers, e.g. Kamouraska."""

    # The census division number the Répertoire des municipalités gives it ("14" for Kamouraska).
    code = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    region = models.CharField(max_length=2, choices=Region.choices, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("MRC")
        verbose_name_plural = _("MRC")

    def __str__(self):
        return self.name


class Municipality(models.Model):
    """A Quebec place with coordinates, its MRC and region (loaded by `load_municipalities`)."""

    # The Répertoire des municipalités code (census subdivision, e.g. "14045"); rows kept from the former
    # GeoNames list and not found in the Répertoire have none.
    code = models.CharField(max_length=7, unique=True, null=True, blank=True)
    # Former GeoNames rows keep theirs so that they are matched (and keep their ids) on reload.
    geonames_id = models.PositiveIntegerField(unique=True, null=True, blank=True)
    name = models.CharField(max_length=120, db_index=True)
    # "Municipalité", "Ville", "Paroisse", "Territoire non organisé"…, as the Répertoire gives it.
    designation = models.CharField(max_length=60, blank=True)
    # Lower case, no accents, words separated by spaces: for accent-insensitive prefix search.
    search_name = models.CharField(max_length=120, db_index=True, blank=True, default="")
    mrc = models.ForeignKey(Mrc, on_delete=models.PROTECT, null=True, blank=True, related_name="municipalities")
    region = models.CharField(max_length=2, choices=Region.choices, db_index=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    population = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipalité")
        verbose_name_plural = _("municipalités")

    def __str__(self):
        return f"{self.name} ({self.get_region_display()})"

    @property
    def full_label(self) -> str:
        """How every page and the autocomplete name a place: "Saint-Pascal — Kamouraska, Bas-Saint-Laurent"."""
        if self.mrc_id and self.mrc.name != self.name:
            return f"{self.name} — {self.mrc.name}, {self.get_region_display()}"
        return f"{self.name} — {self.get_region_display()}"


class MunicipalityAlias(models.Model):
    """A former or everyday name of a place ("Saint-Germain" for Saint-Germain-de-Kamouraska)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=120)
    search_name = models.CharField(max_length=120, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "search_name"], name="one_alias_per_spelling")]

    def __str__(self):
        return f"{self.name} → {self.municipality.name}"


def skill_key(name: str) -> str:
    """The normalised identity of a skill: case, accents and spacing don't matter."""
    return slugify(" ".join(name.split()))


class Skill(models.Model):
    """A normalised tag: "Développement Web" and "développement web" are one skill."""

    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")

    def __str__(self):
        return self.name


class Availability(models.TextChoices):
    NOW = "now", _("Disponible maintenant")
    FROM_DATE = "from_date", _("Disponible à partir d'une date")
    UNAVAILABLE = "unavailable", _("Non disponible")


class FreelancerProfile(TimeStampedModel):
    """The searchable public face of a freelancer."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="freelancer_profile")
    display_name = models.CharField(_("nom affiché"), max_length=80)
    headline = models.CharField(_("titre"), max_length=140, blank=True)
    bio = models.TextField(_("présentation"), max_length=5000, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="profiles")
    # Null means "à discuter".
    hourly_rate = models.DecimalField(
        _("taux horaire ($ CA)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    languages = models.JSONField(_("langues"), default=list, blank=True)
    availability = models.CharField(max_length=12, choices=Availability.choices, default=Availability.NOW)
    available_from = models.DateField(null=True, blank=True)
    remote = models.BooleanField(_("travail à distance"), default=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    travel_radius_km = models.PositiveIntegerField(
        _("je me déplace jusqu'à (km)"), default=0, validators=[MaxValueValidator(1500)]
    )
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    avatar_thumbnail = models.ImageField(upload_to="avatars/", blank=True)
    # The same thumbnail in JPEG for the few browsers without WebP.
    avatar_thumbnail_jpeg = models.ImageField(upload_to="avatars/", blank=True)
    avatar_size = models.PositiveIntegerField(default=0)  # bytes of the three files, for the storage quota
    # Denormalised by the review and project services for sorting and search.
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    completed_projects_count = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(default=False, help_text=_("Masqué par la modération."))
    # The freelancer's choice: when off, pages say "noindex" and the profile leaves the sitemap.
    indexable_by_search_engines = models.BooleanField(_("visible dans les moteurs de recherche"), default=True)
    # The peer directory ("bottin"): other freelancers find colleagues there, apart from client search.
    in_peer_directory = models.BooleanField(_("inscrit au bottin des travailleurs autonomes"), default=False)
    peer_looking_for = models.CharField(_("ce que je cherche"), max_length=280, blank=True)

    class Meta:
        verbose_name = _("profil de pigiste")
        verbose_name_plural = _("profils de pigistes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hourly_rate__isnull=True) | models.Q(hourly_rate__gte=0),
                name="profile_hourly_rate_not_negative",
            ),
        ]

    def __str__(self):
        return self.display_name


class BookedWeek(models.Model):
    """A week (Monday to Sunday) the freelancer is already booked."""

    profile = models.ForeignKey(FreelancerProfile, on_delete=models.CASCADE, related_name="booked_weeks")
    week_start = models.DateField()  # always a Monday

    class Meta:
        ordering = ["week_start"]
        constraints = [models.UniqueConstraint(fields=["profile", "week_start"], name="one_booking_per_week")]

    def __str__(self):
        return f"{self.profile_id} {self.week_start}"


class PortfolioItem(TimeStampedModel):
    profile = models.ForeignKey(FreelancerProfile, on_delete=models.CASCADE, related_name="portfolio_items")
    title = models.CharField(_("titre"), max_length=120)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("réalisation")
        verbose_name_plural = _("portfolio")

    def __str__(self):
        return self.title


class PortfolioImage(TimeStampedModel):
    item = models.ForeignKey(PortfolioItem, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="portfolio/")
    thumbnail = models.ImageField(upload_to="portfolio/")
    thumbnail_jpeg = models.ImageField(upload_to="portfolio/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)  # bytes of the image and its thumbnails, for the storage quota
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class Report(TimeStampedModel):
    """A member's report of a project, profile or review, for staff to review."""

    class Reason(models.TextChoices):
        SCAM = "scam", _("Arnaque ou fraude")
        DUPLICATE = "duplicate", _("Annonce en double")
        ABUSE = "abuse", _("Propos abusifs ou haineux")
        SPAM = "spam", _("Pourriel")
        NON_PAYMENT = "non_payment", _("Client qui ne paie pas")
        OTHER = "other", _("Autre")

    class Status(models.TextChoices):
        OPEN = "open", _("À traiter")
        HIDDEN = "hidden", _("Élément masqué")
        DISMISSED = "dismissed", _("Rejeté")

    reporter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reports_made")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    public_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"],
                condition=models.Q(status="open"),
                name="one_open_report_per_reporter_and_item",
            )
        ]


# --- E-mail preferences (what the Loi 25 page lets a member choose) -----------------------------------


class DigestFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Tout de suite, un courriel par avis")
    DAILY = "daily", _("Un résumé par jour, au plus")
    NEVER = "never", _("Jamais : je consulte les avis sur le site")


class EmailPreferences(models.Model):
    """Which emails a member wants; no row means every kind, right away."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="email_preferences")
    # Kinds (notifications.models.NotificationKind values, or "unread_messages") the member turned off.
    disabled_kinds = models.JSONField(default=list, blank=True)
    frequency = models.CharField(
        _("fréquence"), max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.IMMEDIATE
    )
    # New projects that fit a freelancer come often: a daily digest unless they choose otherwise.
    new_projects = models.CharField(
        _("nouveaux projets pour moi"), max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.DAILY
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("préférences de courriel")
        verbose_name_plural = _("préférences de courriel")

    def __str__(self):
        return f"{self.user_id} {self.frequency}"
