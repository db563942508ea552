"""Admin for invoicing; decisions go through the services, as report moderation does in profiles."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from invoicing.models import BillingProfile, Invoice, InvoiceLine, PaymentContest
from invoicing.services import contests as contest_services
from marketplace.common.errors import DomainError
from marketplace.common.money import format_money

# --- Payment contests (helper 4): staff read both sides and decide ----------------------------------


class ContestDecisionForm(forms.ModelForm):
    """Staff's decision on an open contest: upheld or rejected, with the reason both sides will read."""

    decision = forms.TypedChoiceField(
        label=_("Décision"),
        choices=[
            ("", "—"),
            ("1", _("Retenir : la facture sort du dossier du client")),
            ("0", _("Rejeter : la facture reste impayée")),
        ],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )

    class Meta:
        model = PaymentContest
        fields = ["decision_note"]

    def clean(self):
        cleaned = super().clean()
        deciding = self.instance.status == "ouverte" and cleaned.get("decision") is not None
        if deciding and not (cleaned.get("decision_note") or "").strip():
            self.add_error("decision_note", _("Donnez le motif de la décision : les deux parties le liront."))
        return cleaned


@admin.register(PaymentContest)
class PaymentContestAdmin(admin.ModelAdmin):
    form = ContestDecisionForm
    list_display = [
        "created_display",
        "invoice_display",
        "client_display",
        "freelancer_display",
        "status_display",
        "decided_at_display",
    ]
    list_filter = ["status"]
    search_fields = ["client_message", "freelancer_message", "invoice__client_name", "invoice__freelancer_name"]
    readonly_fields = [
        "invoice_display",
        "client_display",
        "freelancer_display",
        "due_display",
        "client_message",
        "freelancer_message",
        "status_display",
        "decided_by_display",
        "decided_at_display",
        "created_display",
    ]

    def get_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and obj.status == "ouverte":
            return [*fields, "decision", "decision_note"]
        return [*fields, "decision_note"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != "ouverte":
            return [*self.readonly_fields, "decision_note"]
        return self.readonly_fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("invoice", "invoice__client", "invoice__freelancer", "decided_by")
        )

    @admin.display(description=_("Facture"))
    def invoice_display(self, contest):
        invoice = contest.invoice
        return format_html(
            '<a href="{}">n° {} · {}</a>',
            reverse("invoice-contest", args=[invoice.pk]),
            invoice.number,
            format_money(invoice.total),
        )

    @admin.display(description=_("Client"))
    def client_display(self, contest):
        return contest.invoice.client_name

    @admin.display(description=_("Pigiste"))
    def freelancer_display(self, contest):
        return contest.invoice.freelancer_name

    @admin.display(description=_("État"), ordering="status")
    def status_display(self, contest):
        return contest.get_status_display()

    @admin.display(description=_("Décidée par"))
    def decided_by_display(self, contest):
        return contest.decided_by.public_name if contest.decided_by else "—"

    @admin.display(description=_("Décidée le"), ordering="decided_at")
    def decided_at_display(self, contest):
        return contest.decided_at

    @admin.display(description=_("Envoyée le"), ordering="created_at")
    def created_display(self, contest):
        return contest.created_at

    @admin.display(description=_("Échéance · état"))
    def due_display(self, contest):
        return f"{contest.invoice.due_on:%Y-%m-%d} · {contest.invoice.get_status_display()}"

    def has_add_permission(self, request):
        return False  # Contests come from clients, through the site.

    def has_delete_permission(self, request, obj=None):
        return False  # A decision is a log: it stays.

    def save_model(self, request, obj, form, change):
        upheld = form.cleaned_data.get("decision")
        if obj.status != "ouverte" or upheld is None:
            return  # Nothing decided: the contest stays as it was (the note alone is never saved).
        try:
            contest_services.contest_decide(
                staff_user=request.user, contest_id=obj.pk, upheld=upheld, note=form.cleaned_data["decision_note"]
            )
        except DomainError as error:
            self.message_user(request, str(error.message), messages.ERROR)
        else:
            self.message_user(request, _("Décision enregistrée : les deux parties en sont avisées."), messages.SUCCESS)


# --- Invoices and billing details (helper 2): read only; an invoice is issued and cancelled by its freelancer -----


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Staff look; the services write (an invoice is frozen as issued, its number never reused)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fields = ["description", "quantity", "unit_price", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(_ReadOnlyAdmin):
    list_display = ["number", "freelancer_name", "client_name", "issued_on", "due_on", "total_display", "status"]
    list_filter = ["status", "issued_on"]
    search_fields = ["freelancer_name", "client_name", "freelancer__email", "client__email"]
    list_select_related = ["freelancer", "client"]
    inlines = [InvoiceLineInline]
    readonly_fields = [
        "freelancer",
        "client",
        "engagement",
        "milestone",
        "project",
        "acknowledged_at",
        "number",
        "issued_on",
        "due_on",
        "language",
        "freelancer_name",
        "freelancer_address",
        "gst_number",
        "qst_number",
        "client_name",
        "client_address",
        "subtotal",
        "tps",
        "tvq",
        "total",
        "note",
        "status",
        "paid_on",
        "received_on",
        "cancelled_at",
    ]
    fields = readonly_fields

    @admin.display(description=_("Total"), ordering="total")
    def total_display(self, invoice):
        return format_money(invoice.total)


@admin.register(BillingProfile)
class BillingProfileAdmin(_ReadOnlyAdmin):
    list_display = ["legal_name", "user", "postal_code", "is_tax_registered"]
    search_fields = ["legal_name", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "legal_name", "address", "municipality", "postal_code", "gst_number", "qst_number"]
    fields = readonly_fields

    @admin.display(boolean=True, description=_("Inscrit aux taxes"))
    def is_tax_registered(self, profile):
        return profile.is_tax_registered
