"""Invoices a freelancer issues to a client, their gap-free numbers, and the payment facts behind a client's record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagements.models import Engagement, Milestone
from marketplace.common.models import TimeStampedModel
from marketplace.common.storage import RandomKey, get_private_storage
from profiles.models import Municipality
from projects.models import Project


class BillingProfile(TimeStampedModel):
    """The name and address a member bills under or is billed at, and a freelancer's tax registration numbers."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="billing_profile")
    legal_name = models.CharField(_("nom légal"), max_length=200)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    postal_code = models.CharField(_("code postal"), max_length=7, blank=True)
    # Both empty: a small supplier, who charges no tax. Checked: 123456789 RT 0001 and 1234567890 TQ 0001.
    gst_number = models.CharField(_("numéro de TPS"), max_length=20, blank=True)
    qst_number = models.CharField(_("numéro de TVQ"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("coordonnées de facturation")
        verbose_name_plural = _("coordonnées de facturation")

    def __str__(self):
        return self.legal_name

    @property
    def is_tax_registered(self) -> bool:
        return bool(self.gst_number and self.qst_number)


class InvoiceSequence(models.Model):
    """A freelancer's last invoice number: locked and moved in the transaction that issues the next one."""

    freelancer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.freelancer_id}: {self.last_number}"


class InvoiceStatus(models.TextChoices):
    ISSUED = "emise", _("Émise")
    PAID = "payee", _("Payée selon le client")
    CONFIRMED = "confirmee", _("Paiement reçu")
    DISPUTED = "contestee", _("Paiement non reçu")
    CANCELLED = "annulee", _("Annulée")


class Invoice(TimeStampedModel):
    """One invoice, frozen as issued: both parties' names and addresses, tax numbers, lines and totals.

    It outlives both accounts: a deleted member's invoices stay (anonymised) in the other side's books and
    in the client's payment record.
    """

    freelancer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invoices_issued")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invoices_received")
    # From the engagement flow (an approved milestone, or the whole engagement) …
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices")
    # … or for work found here and agreed outside it: counts once the client acknowledges it.
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    number = models.PositiveIntegerField(_("numéro"))
    issued_on = models.DateField(_("date de la facture"), default=timezone.localdate)
    due_on = models.DateField(_("échéance"))
    language = models.CharField(max_length=8, default="fr")
    currency = models.CharField(max_length=3, default="CAD")

    # Snapshots at issue: an invoice never changes when a profile does.
    freelancer_name = models.CharField(max_length=200)
    freelancer_address = models.TextField(blank=True)
    gst_number = models.CharField(max_length=20, blank=True)
    qst_number = models.CharField(max_length=20, blank=True)
    client_name = models.CharField(max_length=200)
    client_address = models.TextField(blank=True)

    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    tps = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    tvq = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    pdf = models.FileField(upload_to=RandomKey("invoices"), storage=get_private_storage, max_length=200, blank=True)

    status = models.CharField(max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED)
    # What the client says (the date they paid), then what the freelancer says (the date it arrived).
    paid_on = models.DateField(_("payée le"), null=True, blank=True)
    paid_reported_at = models.DateTimeField(null=True, blank=True)
    received_on = models.DateField(_("reçue le"), null=True, blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    dispute_note = models.TextField(max_length=2000, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The overdue reminders already sent: 0 none, 1 at the due date, 2 at +7 days, 3 at +30 days.
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    # Staff upheld a client's contest of "unpaid": the invoice leaves the client's record (the row stays).
    excluded_from_record = models.BooleanField(default=False)

    class Meta:
        ordering = ["-issued_on", "-number"]
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        constraints = [
            models.UniqueConstraint(fields=["freelancer", "number"], name="invoice_number_unique_per_freelancer"),
            models.CheckConstraint(condition=Q(number__gte=1), name="invoice_number_positive"),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("issued_on")), name="invoice_due_after_issue"),
        ]

    def __str__(self):
        return f"{self.freelancer_name} n° {self.number}"

    def is_party(self, user) -> bool:
        return user.is_authenticated and user.pk in (self.client_id, self.freelancer_id)

    @property
    def counts_in_record(self) -> bool:
        """Whether it is a fact of the client's record: agreed here, or acknowledged by the client."""
        return (
            self.status != InvoiceStatus.CANCELLED
            and not self.excluded_from_record
            and (self.engagement_id is not None or self.acknowledged_at is not None)
        )


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantité"), max_digits=10, decimal_places=2, default=1)
    unit_price = models.DecimalField(_("prix unitaire"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.description


class ContestStatus(models.TextChoices):
    OPEN = "ouverte", _("En attente d'une décision")
    UPHELD = "retenue", _("Retenue : la facture sort du dossier")
    REJECTED = "rejetee", _("Rejetée : la facture reste impayée")


class PaymentContest(TimeStampedModel):
    """A client's contest of an "unpaid" invoice, both sides' words, and staff's logged decision."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="contests")
    client_message = models.TextField(_("explication du client"), max_length=3000)
    freelancer_message = models.TextField(_("réponse du pigiste"), max_length=3000, blank=True)
    status = models.CharField(max_length=8, choices=ContestStatus.choices, default=ContestStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("motif de la décision"), max_length=3000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contestation")
        verbose_name_plural = _("contestations")
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"], condition=Q(status="ouverte"), name="one_open_contest_per_invoice"
            ),
        ]


class InvoiceEventKind(models.TextChoices):
    ISSUED = "emise", _("Facture émise")
    ACKNOWLEDGED = "reconnue", _("Facture reconnue par le client")
    PAID = "payee", _("Marquée payée par le client")
    CONFIRMED = "confirmee", _("Réception confirmée")
    DISPUTED = "contestee", _("Paiement non reçu")
    REMINDED = "rappel", _("Rappel de retard")
    CANCELLED = "annulee", _("Facture annulée")
    CONTESTED = "contestation", _("Contestation du client")
    DECIDED = "decision", _("Décision de l'équipe")


class InvoiceEvent(models.Model):
    """The invoice's history, shown to both sides; staff decisions are logged here too."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=InvoiceEventKind.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.kind} #{self.invoice_id}"
