"""Projects, quotes on them, invitations and the reviews that close them."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common.models import TimeStampedModel
from marketplace.common.storage import RandomKey, get_private_storage
from profiles.models import Municipality, Skill

MAX_AMOUNT = Decimal("10000000")  # 10 000 000 $: anything above is a typo or a joke.


class Category(models.TextChoices):
    """A fixed taxonomy that fits Quebec freelancers."""

    WEB = "web", _("Développement web et logiciel")
    DESIGN = "design", _("Design graphique")
    WRITING = "writing", _("Rédaction et traduction")
    PHOTO_VIDEO = "photo_video", _("Photo et vidéo")
    MARKETING = "marketing", _("Marketing et réseaux sociaux")
    ACCOUNTING = "accounting", _("Comptabilité et tenue de livres")
    ADMIN = "admin", _("Soutien administratif")
    TRADES = "trades", _("Métiers et rénovation")
    CONSULTING = "consulting", _("Conseil et gestion")
    TRAINING = "training", _("Formation et tutorat")
    EVENTS = "events", _("Événements et animation")
    AGRICULTURE = "agriculture", _("Agriculture et environnement")
    AUDIO_MUSIC = "audio_music", _("Audio et musique")
    LEGAL = "legal", _("Juridique et conformité")
    CARE = "care", _("Services à la personne")
    OTHER = "other", _("Autre")


class BudgetType(models.TextChoices):
    FIXED = "fixed", _("Forfait")
    HOURLY = "hourly", _("Taux horaire")
    TO_DISCUSS = "to_discuss", _("À discuter")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Publique")
    INVITED = "invited", _("Sur invitation seulement")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    # Published by an account whose e-mail is not confirmed yet: seen by its author only, opens on confirmation.
    AWAITING_EMAIL = "awaiting_email", _("En attente de confirmation de votre courriel")
    OPEN = "open", _("Ouvert")
    AWARDED = "awarded", _("Attribué")
    COMPLETED = "completed", _("Terminé")
    CANCELLED = "cancelled", _("Annulé")
    CLOSED = "closed", _("Fermé sans décision")


class Project(TimeStampedModel):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("titre"), max_length=120)
    description = models.TextField(_("description"), max_length=10000)
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    skills = models.ManyToManyField(Skill, blank=True, related_name="projects")
    budget_type = models.CharField(
        _("budget"), max_length=12, choices=BudgetType.choices, default=BudgetType.TO_DISCUSS
    )
    budget_min = models.DecimalField(_("budget minimum ($ CA)"), max_digits=10, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(_("budget maximum ($ CA)"), max_digits=10, decimal_places=2, null=True, blank=True)
    # When the work should start: matching leaves out freelancers booked that week.
    starts_on = models.DateField(_("début souhaité"), null=True, blank=True)
    deadline = models.DateField(_("échéance souhaitée"), null=True, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    remote = models.BooleanField(_("peut se faire à distance"), default=False)
    quotes_due = models.DateField(_("soumissions acceptées jusqu'au"))
    visibility = models.CharField(_("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False, help_text=_("Masqué par la modération."))

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        indexes = [
            # The public list of open projects, newest first, and its paginator's count: an index-only scan
            # of this partial index, without reading the wide rows. It replaced (status, visibility,
            # -published_at): every index of this table is opened to plan each query on it.
            models.Index(
                fields=["-published_at", "-id"],
                include=["quotes_due", "category", "remote"],
                condition=Q(status="open", visibility="public", is_hidden=False),
                name="project_open_public_idx",
            ),
            # A client's projects in one state (the dashboard's "to review" list): without it PostgreSQL
            # intersected the owner index with every completed project on the site.
            models.Index(fields=["owner", "status"], name="project_owner_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_min__lte=models.F("budget_max")),
                name="project_budget_min_not_above_max",
            ),
            models.CheckConstraint(
                condition=(Q(budget_min__isnull=True) | Q(budget_min__gt=0))
                & (Q(budget_max__isnull=True) | Q(budget_max__gt=0)),
                name="project_budget_positive",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def takes_quotes(self) -> bool:
        """Open and its quotes period not over; `project_taking_quotes()` says the same to a query."""
        return self.status == ProjectStatus.OPEN and self.quotes_due >= timezone.localdate()

    @property
    def reviews_due_at(self) -> datetime.datetime | None:
        """When the blind reviews appear even if only one side wrote theirs, and writing one ends."""
        return self.completed_at + datetime.timedelta(days=REVIEW_BLIND_DAYS) if self.completed_at else None


def project_taking_quotes() -> Q:
    """The projects still taking quotes, as a filter: the same rule as `Project.takes_quotes`."""
    return Q(status=ProjectStatus.OPEN, quotes_due__gte=timezone.localdate())


# Documents matter while the work is being chosen or done; a finished project's stay as they are.
ATTACHABLE_STATUSES = {ProjectStatus.DRAFT, ProjectStatus.AWAITING_EMAIL, ProjectStatus.OPEN, ProjectStatus.AWARDED}


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("En attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")
    UNAVAILABLE = "unavailable", _("Pas disponible")


class Invitation(TimeStampedModel):
    """A client's "demande de soumission" sent to one freelancer for one project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    freelancer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    message = models.TextField(max_length=2000, blank=True)
    # The freelancer's answer, so that the client is not left guessing; a quote counts as "accepted".
    status = models.CharField(max_length=12, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    # "Non merci" may say why; the client reads it.
    decline_reason = models.TextField(_("raison"), max_length=1000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "freelancer"], name="one_invitation_per_freelancer")]


class Recommendation(TimeStampedModel):
    """A freelancer passing a project on to a colleague, with a note ("pas disponible — je recommande…")."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="recommendations")
    recommender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations_made"
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations_received"
    )
    note = models.TextField(_("note"), max_length=1000, blank=True)
    # Set when the client invites the colleague from the recommendation.
    invitation = models.ForeignKey(Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "recommender", "colleague"], name="one_recommendation_per_colleague"
            )
        ]


class ProjectAttachment(TimeStampedModel):
    """A document the client shares with the freelancers they invite (plans, specifications, photos)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Private storage: served only through the permission-checked download view.
    file = models.FileField(upload_to=RandomKey("projects"), storage=get_private_storage, max_length=200)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("document de projet")
        verbose_name_plural = _("documents de projet")

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Pricing(models.TextChoices):
    FIXED = "fixed", _("Prix forfaitaire")
    HOURLY = "hourly", _("Taux horaire")


class QuoteStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    SHORTLISTED = "shortlisted", _("Présélectionnée")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Refusée")
    WITHDRAWN = "withdrawn", _("Retirée")


LIVE_QUOTE_STATUSES = (QuoteStatus.PENDING, QuoteStatus.SHORTLISTED)


class SystemDeclineReason(models.TextChoices):
    """Why the platform itself declined a quote; the label is what its author reads, in their language."""

    AWARDED_ELSEWHERE = "awarded_elsewhere", _("Le client a retenu une autre soumission.")
    PROJECT_CANCELLED = "project_cancelled", _("Le client a annulé le projet.")
    PROJECT_CLOSED = "project_closed", _("Le projet a été fermé sans décision du client.")


class Quote(TimeStampedModel):
    """A freelancer's soumission on a project; amounts are CAD before taxes."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="quotes")
    freelancer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quotes")
    # A joint quote ("soumission commune"): sent by `freelancer`, an admin, for this collective; its line
    # items are assigned to members. Null for a freelancer's own quote.
    collective = models.ForeignKey(
        "collectives.Collective", on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    pricing = models.CharField(_("tarification"), max_length=10, choices=Pricing.choices, default=Pricing.FIXED)
    # Fixed: the total. Hourly: the rate, and `estimated_hours` gives the estimate.
    amount = models.DecimalField(
        _("montant ($ CA)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )
    estimated_hours = models.DecimalField(_("heures estimées"), max_digits=7, decimal_places=1, null=True, blank=True)
    currency = models.CharField(max_length=3, default="CAD", editable=False)
    charges_taxes = models.BooleanField(_("TPS et TVQ en sus"), default=True)
    delivery_days = models.PositiveIntegerField(_("livraison (jours)"), null=True, blank=True)
    delivery_date = models.DateField(_("livraison (date)"), null=True, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    status = models.CharField(max_length=12, choices=QuoteStatus.choices, default=QuoteStatus.PENDING, db_index=True)
    # The client's own words. The platform's reasons are a kind (below), worded when shown.
    decline_reason = models.TextField(_("raison du refus"), max_length=1000, blank=True)
    decline_reason_kind = models.CharField(
        max_length=20, choices=SystemDeclineReason.choices, blank=True, editable=False
    )
    # True when the platform declined the quote (another quote was accepted, the project was cancelled or
    # closed), so pages don't present its reason as the client's own words.
    decline_reason_by_system = models.BooleanField(default=False, editable=False)
    revision_requested_at = models.DateTimeField(null=True, blank=True)
    revision_note = models.TextField(_("révision demandée"), max_length=1000, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("soumission")
        verbose_name_plural = _("soumissions")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "freelancer"],
                condition=Q(status__in=["pending", "shortlisted"]),
                name="one_live_quote_per_freelancer_and_project",
            ),
            models.UniqueConstraint(
                fields=["project"], condition=Q(status="accepted"), name="one_accepted_quote_per_project"
            ),
            # A collective's own rule, like its members': one live joint quote per project (null: no collective).
            models.UniqueConstraint(
                fields=["project", "collective"],
                condition=Q(status__in=["pending", "shortlisted"]),
                name="one_live_quote_per_collective_and_project",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(amount__lte=MAX_AMOUNT), name="quote_amount_in_range"),
        ]

    def __str__(self):
        return f"{self.project} — {self.freelancer}"

    @property
    def estimated_total(self) -> Decimal | None:
        """Total before taxes: the fixed amount, or rate × estimated hours."""
        if self.pricing == Pricing.FIXED:
            return self.amount
        if self.estimated_hours is None:
            return None
        return (self.amount * self.estimated_hours).quantize(Decimal("0.01"))

    @property
    def decline_reason_text(self) -> str:
        """The reason shown to readers: the platform's in the active language, the client's as written.

        A reason the platform wrote before kinds existed, and that migration 0006 did not recognise,
        is shown as it was written.
        """
        if self.decline_reason_kind:
            label = dict(SystemDeclineReason.choices).get(self.decline_reason_kind)
            if label is not None:
                return str(label)
        return self.decline_reason

    @property
    def assigned_members(self) -> list:
        """A joint quote's members who have lines, in line order, each once (from the prefetched lines)."""
        items = getattr(self, "line_item_list", None)
        if items is None:
            items = list(self.line_items.all())
        members: dict[int, object] = {}
        for item in items:
            if item.assignee_id is not None and item.assignee_id not in members:
                members[item.assignee_id] = item.assignee
        return list(members.values())

    @property
    def is_live(self) -> bool:
        """Still waiting for the client's decision."""
        return self.status in LIVE_QUOTE_STATUSES

    @property
    def delivery_eta(self):
        """The promised delivery date: the given date, or the days counted from when the quote was sent."""
        if self.delivery_date is not None:
            return self.delivery_date
        if self.delivery_days is None or self.created_at is None:
            return None
        from django.utils import timezone

        return timezone.localdate(self.created_at) + datetime.timedelta(days=self.delivery_days)


class QuoteLineItem(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="line_items")
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    position = models.PositiveIntegerField(default=0)
    # On a joint quote: the member doing this line; null is the collective itself (and every single quote).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_quote_lines"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.description


class PaidAsAgreed(models.TextChoices):
    YES = "yes", _("Oui, comme convenu")
    LATE = "late", _("Oui, mais en retard")
    NO = "no", _("Non")


# Its author may change a review this many days after writing it.
# Both sides' reviews stay hidden until both are written, or this long after the project's completion.
REVIEW_BLIND_DAYS = 14


class Review(TimeStampedModel):
    """One side's review of the other once a project is completed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_written")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_received")
    author_is_client = models.BooleanField()
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(max_length=3000, blank=True)
    # Only in a freelancer's review of the client.
    paid_as_agreed = models.CharField(max_length=4, choices=PaidAsAgreed.choices, blank=True)
    is_hidden = models.BooleanField(default=False, help_text=_("Masqué par la modération."))
    # Blind until both sides wrote theirs or REVIEW_BLIND_DAYS after completion; null while hidden from the other.
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        constraints = [
            models.UniqueConstraint(fields=["project", "author"], name="one_review_per_author_and_project"),
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_1_to_5"),
        ]

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def is_editable(self) -> bool:
        """Whether its author may still change it: until it is published."""
        return self.published_at is None


# What every page, count and rating shows of reviews: the published ones moderation did not hide.
REVIEW_SHOWN = Q(is_hidden=False, published_at__isnull=False)


class OfferStatus(models.TextChoices):
    OPEN = "open", _("En attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Refusée")
    COUNTERED = "countered", _("Contre-proposée")
    # Never stored: what an open offer reads as once its quote was accepted, declined or withdrawn otherwise.
    LAPSED = "lapsed", _("Sans suite")


class QuoteOffer(TimeStampedModel):
    """A counter-offer on a live quote: the client's, or the freelancer's answer to it; one open at a time.

    `amount` means what the quote's amount means (fixed: the total; hourly: the rate). `quote_amount` keeps the
    quote's own price when the offer was made, so the history still shows it once an accepted offer changed it.
    """

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="offers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quote_offers")
    # The side, not just the person: who answers follows from it (the client answers the freelancer's).
    from_client = models.BooleanField()
    amount = models.DecimalField(
        _("montant ($ CA)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )
    delivery_days = models.PositiveIntegerField(_("livraison (jours)"), null=True, blank=True)
    delivery_date = models.DateField(_("livraison (date)"), null=True, blank=True)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    quote_amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("raison du refus"), max_length=1000, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("contre-offre")
        verbose_name_plural = _("contre-offres")
        constraints = [
            models.UniqueConstraint(fields=["quote"], condition=Q(status="open"), name="one_open_offer_per_quote"),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=MAX_AMOUNT), name="quote_offer_amount_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.quote} — {self.amount}"

    @property
    def shown_status(self) -> str:
        """Its status as readers see it: an offer still open on a quote decided otherwise has lapsed."""
        if self.status == OfferStatus.OPEN and self.quote.status not in LIVE_QUOTE_STATUSES:
            return OfferStatus.LAPSED
        return self.status

    @property
    def shown_status_label(self) -> str:
        return str(OfferStatus(self.shown_status).label)
