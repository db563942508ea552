"""Writes on issuing: billing details, issuing an invoice (the one way), cancelling it while unpaid.

An invoice takes the next number of its freelancer's own sequence: the InvoiceSequence row is locked
(`select_for_update`) in the transaction that inserts the invoice, so two racing issues get consecutive
numbers, never a gap or a duplicate (on SQLite the IMMEDIATE transactions serialise them). A cancelled
invoice keeps its number: a gap-free series never reuses one.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing import selectors
from invoicing.models import (
    BillingProfile,
    Invoice,
    InvoiceEvent,
    InvoiceEventKind,
    InvoiceLine,
    InvoiceSequence,
    InvoiceStatus,
)
from invoicing.pdf import invoice_pdf_render
from invoicing.taxes import invoice_totals
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.common.inputs import FieldErrors, clean_text, parse_date, parse_decimal
from marketplace.common.storage import stored_files_delete
from notifications.models import NotificationKind
from notifications.services import notify
from profiles.models import Municipality

MAX_LINES = 50
MAX_NOTE = 2000
MAX_DESCRIPTION = 300
# What the columns hold (12 digits, 2 decimals): a larger figure is a typing error, refused with a message.
MAX_AMOUNT = Decimal("9999999999.99")
MAX_QUANTITY = Decimal("99999999.99")
MAX_DUE_DAYS = 365

_GST = re.compile(r"[0-9]{9}RT[0-9]{4}")
_QST = re.compile(r"[0-9]{10}TQ[0-9]{4}")
# Canadian postal codes: no D, F, I, O, Q, U anywhere, nor W or Z first.
_POSTAL = re.compile(r"([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z])([0-9][ABCEGHJ-NPRSTV-Z][0-9])")


def invoice_url(invoice_id: int) -> str:
    return reverse("invoice-detail", args=[invoice_id])


def billing_url() -> str:
    return reverse("billing-profile")


def _compact(value) -> str:
    return re.sub(r"[\s\-]", "", str(value or "")).upper()


def tax_numbers_clean(*, gst_number, qst_number, errors: FieldErrors) -> tuple[str, str]:
    """Both numbers normalised ("123456789RT0001", "1234567890TQ0001"), both empty, or their errors."""
    gst, qst = _compact(gst_number), _compact(qst_number)
    if gst and not _GST.fullmatch(gst):
        errors.add("gst_number", _("Numéro de TPS invalide : 9 chiffres, RT, puis 4 chiffres (ex. 123456789 RT 0001)."))
    if qst and not _QST.fullmatch(qst):
        errors.add(
            "qst_number", _("Numéro de TVQ invalide : 10 chiffres, TQ, puis 4 chiffres (ex. 1234567890 TQ 0001).")
        )
    if gst and not qst and "gst_number" not in errors:
        errors.add(
            "qst_number",
            _(
                "Inscrit·e aux taxes : entrez aussi votre numéro de TVQ (ou laissez les deux vides si vous êtes petit fournisseur)."
            ),
        )
    if qst and not gst and "qst_number" not in errors:
        errors.add(
            "gst_number",
            _(
                "Inscrit·e aux taxes : entrez aussi votre numéro de TPS (ou laissez les deux vides si vous êtes petit fournisseur)."
            ),
        )
    return gst, qst


def postal_code_clean(value, *, errors: FieldErrors, required: bool = True) -> str:
    """A Canadian postal code written "G0R 1A0", whatever its case and spacing."""
    compact = _compact(value)
    if not compact:
        if required:
            errors.add("postal_code", _("Ce champ est obligatoire."))
        return ""
    match = _POSTAL.fullmatch(compact)
    if match is None:
        errors.add(
            "postal_code", _("Code postal invalide : lettre, chiffre, lettre, chiffre, lettre, chiffre (ex. G0R 1A0).")
        )
        return ""
    return f"{match[1]} {match[2]}"


@transaction.atomic
def billing_profile_save(
    *,
    user,
    legal_name,
    address,
    postal_code,
    municipality_id: int | None = None,
    gst_number="",
    qst_number="",
) -> BillingProfile:
    """Create or replace the member's billing details; every field is checked and all errors shown at once."""
    errors = FieldErrors()
    name = clean_text(legal_name, field="legal_name", errors=errors, max_length=200, required=True)
    street = clean_text(address, field="address", errors=errors, max_length=300, required=True)
    postal = postal_code_clean(postal_code, errors=errors)
    municipality = None
    if municipality_id is not None:
        municipality = Municipality.objects.filter(pk=municipality_id).first()
        if municipality is None:
            errors.add("municipality", _("Cette municipalité n'existe pas."))
    gst, qst = tax_numbers_clean(gst_number=gst_number, qst_number=qst_number, errors=errors)
    errors.raise_if_any()
    profile, _created = BillingProfile.objects.update_or_create(
        user=user,
        defaults={
            "legal_name": name,
            "address": street,
            "municipality": municipality,
            "postal_code": postal,
            "gst_number": gst,
            "qst_number": qst,
        },
    )
    return profile


def _address(profile: BillingProfile | None) -> str:
    """The address block as printed: street, then "Municipality (Québec)  G0R 1A0"."""
    if profile is None:
        return ""
    place = " ".join(
        part
        for part in (f"{profile.municipality.name} (Québec)" if profile.municipality else "", profile.postal_code)
        if part
    )
    return "\n".join(part for part in (profile.address, place) if part)


def _clean_lines(items: Sequence[Mapping], errors: FieldErrors) -> list[dict]:
    """Each line's description, quantity, unit price and amount; a zero or negative one is refused."""
    if not isinstance(items, Sequence) or isinstance(items, str) or not items:
        errors.add("lines", _("Ajoutez au moins une ligne à la facture."))
        return []
    if len(items) > MAX_LINES:
        errors.add("lines", _("%(max)s lignes au plus.") % {"max": MAX_LINES})
        return []
    lines = []
    for index, item in enumerate(items, start=1):
        item = item if isinstance(item, Mapping) else {}
        prefix = _("Ligne %(n)s : ") % {"n": index}
        line_errors = FieldErrors()
        description = clean_text(
            item.get("description"), field="description", errors=line_errors, max_length=MAX_DESCRIPTION, required=True
        )
        quantity = parse_decimal(item.get("quantity", 1), field="quantity", errors=line_errors, required=True)
        unit_price = parse_decimal(item.get("unit_price"), field="unit_price", errors=line_errors, required=True)
        if quantity is not None:
            if quantity <= 0:
                line_errors.add("quantity", _("La quantité doit être plus grande que zéro."))
            elif quantity > MAX_QUANTITY or quantity != quantity.quantize(Decimal("0.01")):
                line_errors.add("quantity", _("Quantité invalide (deux décimales au plus)."))
        if unit_price is not None:
            if unit_price <= 0:
                line_errors.add("unit_price", _("Le prix doit être plus grand que zéro."))
            elif unit_price > MAX_AMOUNT or unit_price != unit_price.quantize(Decimal("0.01")):
                line_errors.add("unit_price", _("Prix invalide (au cent près, 9 999 999 999,99 $ au plus)."))
        if line_errors:
            for field_errors in line_errors.errors.values():
                for message in field_errors:
                    errors.add("lines", f"{prefix}{message}")
            continue
        amount = (quantity * unit_price).quantize(Decimal("0.01"))
        if amount > MAX_AMOUNT:
            errors.add("lines", f"{prefix}{_('Montant trop grand.')}")
            continue
        lines.append(
            {
                "description": description,
                "quantity": quantity,
                "unit_price": unit_price,
                "amount": amount,
                "position": index - 1,
            }
        )
    return lines


def _next_number(freelancer) -> int:
    """The freelancer's next number, its sequence row locked until the caller's transaction ends."""
    sequence = InvoiceSequence.objects.select_for_update().filter(freelancer=freelancer).first()
    if sequence is None:
        # The first invoice: two racing firsts both try to create the row; the loser reads the winner's.
        try:
            with transaction.atomic():
                InvoiceSequence.objects.create(freelancer=freelancer)
        except IntegrityError:
            pass
        sequence = InvoiceSequence.objects.select_for_update().get(freelancer=freelancer)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def invoice_issue(
    *,
    user,
    milestone_id: int | None = None,
    engagement_id: int | None = None,
    project_id: int | None = None,
    lines: Sequence[Mapping],
    due_on=None,
    note="",
) -> Invoice:
    """Issue an invoice from an approved milestone, an approved/completed engagement, or a project (work agreed
    outside the engagement flow): number, snapshots, totals, PDF in private storage, the client told.

    Refusals (nothing saved): no billing details, a source that can't be billed (see invoice_source_get),
    a zero or negative line, no line, a due date before the issue date, a malformed tax number.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            invoice = _issue(
                user=user,
                milestone_id=milestone_id,
                engagement_id=engagement_id,
                project_id=project_id,
                lines=lines,
                due_on=due_on,
                note=note,
                stored=stored,
            )
    except BaseException:
        # Rolled back: the PDF saved inside the transaction must not outlive its row.
        stored_files_delete([(Invoice._meta.get_field("pdf").storage, name) for name in stored])
        raise
    return invoice


def _issue(*, user, milestone_id, engagement_id, project_id, lines, due_on, note, stored: list[str]) -> Invoice:
    profile = selectors.billing_profile_get(user=user)
    if profile is None or not profile.legal_name or not profile.address:
        raise ValidationFailed(
            _(
                "Entrez d'abord vos coordonnées de facturation (nom légal, adresse, numéros de taxes) dans « Mon compte › Facturation »."
            ),
            action_url=billing_url(),
        )
    # A profile saved before the rules (or by staff) is checked again: a malformed number never reaches a PDF.
    tax_errors = FieldErrors()
    tax_numbers_clean(gst_number=profile.gst_number, qst_number=profile.qst_number, errors=tax_errors)
    if tax_errors:
        raise ValidationFailed(
            _("Vos numéros de taxes sont invalides : corrigez-les dans « Mon compte › Facturation »."),
            action_url=billing_url(),
        )
    source = selectors.invoice_source_get(
        user=user, milestone_id=milestone_id, engagement_id=engagement_id, project_id=project_id, for_update=True
    )
    errors = FieldErrors()
    clean = _clean_lines(lines, errors)
    issued_on = timezone.localdate()
    due = parse_date(due_on, field="due_on", errors=errors) if due_on not in (None, "") else source.default_due_on
    if due is not None and "due_on" not in errors:
        if due < issued_on:
            errors.add("due_on", _("L'échéance ne peut pas précéder la date de la facture."))
        elif due > issued_on + datetime.timedelta(days=MAX_DUE_DAYS):
            errors.add("due_on", _("L'échéance doit tomber dans l'année qui suit la facture."))
    text = clean_text(note, field="note", errors=errors, max_length=MAX_NOTE)
    totals = invoice_totals(amounts=[line["amount"] for line in clean], tax_registered=profile.is_tax_registered)
    if clean and totals.total > MAX_AMOUNT:
        errors.add("lines", _("Le total de la facture est trop grand."))
    errors.raise_if_any()

    client = source.client
    client_profile = selectors.billing_profile_get(user=client)
    invoice = Invoice.objects.create(
        freelancer=user,
        client=client,
        engagement=source.engagement,
        milestone=source.milestone,
        project=source.project,
        number=_next_number(user),
        issued_on=issued_on,
        due_on=due,
        language="en" if (client.language or "").lower().startswith("en") else "fr",
        freelancer_name=profile.legal_name,
        freelancer_address=_address(profile),
        gst_number=profile.gst_number,
        qst_number=profile.qst_number,
        client_name=client_profile.legal_name if client_profile else (client.name or client.public_name),
        client_address=_address(client_profile),
        subtotal=totals.subtotal,
        tps=totals.tps,
        tvq=totals.tvq,
        total=totals.total,
        note=text,
    )
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=invoice,
                description=line["description"],
                quantity=line["quantity"],
                unit_price=line["unit_price"],
                amount=line["amount"],
                position=line["position"],
            )
            for line in clean
        ]
    )
    InvoiceEvent.objects.create(invoice=invoice, actor=user, kind=InvoiceEventKind.ISSUED)
    # Rendered and stored last, inside the transaction: a PDF that fails leaves no invoice behind.
    pdf_bytes = invoice_pdf_render(invoice, lines=list(invoice.lines.all()))
    invoice.pdf.save(f"facture-{invoice.number}.pdf", ContentFile(pdf_bytes), save=False)
    stored.append(invoice.pdf.name)
    invoice.save(update_fields=["pdf", "updated_at"])
    notify(
        recipient=client,
        kind=NotificationKind.INVOICE_ISSUED,
        params={
            "name": profile.legal_name,
            "number": invoice.number,
            "total": str(invoice.total),
            "due_on": invoice.due_on.isoformat(),
        },
        url=invoice_url(invoice.pk),
    )
    return invoice


@transaction.atomic
def invoice_cancel(*, user, invoice_id: int) -> Invoice:
    """The freelancer cancels an invoice nobody has paid; it keeps its number (never reused)."""
    invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
    if invoice is None or not invoice.is_party(user):
        raise NotFound(_("Cette facture n'existe pas."))
    if user.pk != invoice.freelancer_id:
        raise PermissionDenied(_("Seul le pigiste qui l'a émise peut annuler une facture."))
    if invoice.status == InvoiceStatus.CANCELLED:
        raise Conflict(_("Cette facture est déjà annulée."))
    if invoice.status != InvoiceStatus.ISSUED or invoice.paid_on is not None:
        raise Conflict(_("Cette facture a été marquée payée : elle ne peut plus être annulée."))
    invoice.status = InvoiceStatus.CANCELLED
    invoice.cancelled_at = timezone.now()
    invoice.save(update_fields=["status", "cancelled_at", "updated_at"])
    InvoiceEvent.objects.create(invoice=invoice, actor=user, kind=InvoiceEventKind.CANCELLED)
    return invoice
