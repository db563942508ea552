"""Writes on an invoice's payment: the client acknowledges it or says they paid, the freelancer confirms or disputes.

Every transition locks the invoice row first (`select_for_update`) and checks its status under the lock, so two
racing clicks settle cleanly: the second sees the first one's commit and gets a 409. Each writes an
InvoiceEvent (the history both sides read) and tells the other side through `notify`, in one transaction.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from invoicing.models import Invoice, InvoiceEvent, InvoiceEventKind, InvoiceStatus
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.common.inputs import FieldErrors, clean_text, parse_date
from notifications.models import NotificationKind
from notifications.services import notify

MAX_DISPUTE_NOTE = 2000
# The statuses each action starts from; the payment panel reads them too, so it offers only what would work.
MARK_PAID_FROM = frozenset({InvoiceStatus.ISSUED, InvoiceStatus.DISPUTED})
CONFIRM_FROM = frozenset({InvoiceStatus.ISSUED, InvoiceStatus.PAID, InvoiceStatus.DISPUTED})
DISPUTE_FROM = frozenset({InvoiceStatus.PAID})
# Still waiting for the money: what the overdue reminders chase.
UNPAID = frozenset({InvoiceStatus.ISSUED, InvoiceStatus.DISPUTED})
# Overdue reminders: at the due date, 7 days after, 30 days after (reminders_sent 1, 2, 3).
REMINDER_DAYS = (0, 7, 30)


def invoice_url(invoice_id: int) -> str:
    return reverse("invoice-detail", args=[invoice_id])


def _event(invoice: Invoice, kind: str, *, actor=None, note: str = "") -> InvoiceEvent:
    return InvoiceEvent.objects.create(invoice=invoice, kind=kind, actor=actor, note=note)


def _lock_for_party(*, user, invoice_id: int) -> Invoice:
    """The invoice, row-locked, if `user` is its client or freelancer; anyone else gets a 404."""
    invoice = Invoice.objects.select_for_update(of=("self",)).select_related("client", "freelancer")
    invoice = invoice.filter(pk=invoice_id).first()
    if invoice is None or not invoice.is_party(user):
        raise NotFound(_("Cette facture n'existe pas."))
    return invoice


def _check_not_cancelled(invoice: Invoice) -> None:
    if invoice.status == InvoiceStatus.CANCELLED:
        raise Conflict(_("Cette facture est annulée."))


def _check_not_confirmed(invoice: Invoice) -> None:
    if invoice.status == InvoiceStatus.CONFIRMED:
        raise Conflict(
            _("Le pigiste a déjà confirmé la réception du paiement le %(date)s : c'est définitif.")
            % {"date": date_format(invoice.received_on)}
        )


def _payment_day(value, *, field: str) -> datetime.date:
    """The date typed (AAAA-MM-JJ), required; its rules against the invoice are checked under the lock."""
    errors = FieldErrors()
    day = parse_date(value, field=field, errors=errors)
    errors.raise_if_any()
    if day is None:
        raise ValidationFailed(_("Entrez une date (AAAA-MM-JJ)."), field=field)
    return day


def _check_payment_day(invoice: Invoice, day: datetime.date, *, field: str) -> None:
    """A payment happens on or after the invoice date, and not later than today (America/Toronto)."""
    if day < invoice.issued_on:
        raise ValidationFailed(
            _("La date ne peut pas précéder la date de la facture (%(date)s).")
            % {"date": date_format(invoice.issued_on)},
            field=field,
        )
    if day > timezone.localdate():
        raise ValidationFailed(_("La date ne peut pas être dans le futur."), field=field)


@transaction.atomic
def invoice_acknowledge(*, user, invoice_id: int) -> Invoice:
    """The client acknowledges an invoice for work agreed outside the engagement flow: from now on it counts."""
    invoice = _lock_for_party(user=user, invoice_id=invoice_id)
    if user.pk != invoice.client_id:
        raise PermissionDenied(_("Seul le client de la facture peut la reconnaître."))
    if invoice.engagement_id is not None:
        raise Conflict(_("Cette facture vient d'un mandat convenu ici : elle compte déjà, rien à reconnaître."))
    _check_not_cancelled(invoice)
    if invoice.acknowledged_at is not None:
        raise Conflict(
            _("Vous avez déjà reconnu cette facture le %(date)s.")
            % {"date": date_format(timezone.localdate(invoice.acknowledged_at))}
        )
    invoice.acknowledged_at = timezone.now()
    invoice.save(update_fields=["acknowledged_at", "updated_at"])
    _event(invoice, InvoiceEventKind.ACKNOWLEDGED, actor=user)
    notify(
        recipient=invoice.freelancer,
        kind=NotificationKind.INVOICE_ACKNOWLEDGED,
        params=_params(invoice, name=invoice.client_name, date=None),
        url=invoice_url(invoice.pk),
    )
    return invoice


def invoice_mark_paid(*, user, invoice_id: int, paid_on) -> Invoice:
    """The client says they paid, on `paid_on`; again after the freelancer said the money never came."""
    day = _payment_day(paid_on, field="paid_on")
    with transaction.atomic():
        invoice = _lock_for_party(user=user, invoice_id=invoice_id)
        if user.pk != invoice.client_id:
            raise PermissionDenied(_("Seul le client peut marquer la facture payée."))
        _check_not_cancelled(invoice)
        _check_not_confirmed(invoice)
        if invoice.status == InvoiceStatus.PAID:
            raise Conflict(
                _("Vous avez déjà marqué cette facture payée le %(date)s.") % {"date": date_format(invoice.paid_on)}
            )
        _check_payment_day(invoice, day, field="paid_on")
        invoice.status = InvoiceStatus.PAID
        invoice.paid_on = day
        invoice.paid_reported_at = timezone.now()
        update_fields = ["status", "paid_on", "paid_reported_at", "updated_at"]
        if invoice.engagement_id is None and invoice.acknowledged_at is None:
            # Saying one paid an invoice owns it: it counts in the record like an acknowledged one.
            invoice.acknowledged_at = invoice.paid_reported_at
            update_fields.append("acknowledged_at")
        invoice.save(update_fields=update_fields)
        _event(invoice, InvoiceEventKind.PAID, actor=user, note=day.isoformat())
        notify(
            recipient=invoice.freelancer,
            kind=NotificationKind.INVOICE_PAID,
            params=_params(invoice, name=invoice.client_name, date=day),
            url=invoice_url(invoice.pk),
        )
    return invoice


def invoice_confirm_receipt(*, user, invoice_id: int, received_on) -> Invoice:
    """The freelancer confirms the money arrived on `received_on`, whether or not the client marked it paid. Final."""
    day = _payment_day(received_on, field="received_on")
    with transaction.atomic():
        invoice = _lock_for_party(user=user, invoice_id=invoice_id)
        if user.pk != invoice.freelancer_id:
            raise PermissionDenied(_("Seul·e le ou la pigiste qui a émis la facture peut confirmer la réception."))
        _check_not_cancelled(invoice)
        _check_not_confirmed(invoice)
        _check_payment_day(invoice, day, field="received_on")
        invoice.status = InvoiceStatus.CONFIRMED
        invoice.received_on = day
        invoice.save(update_fields=["status", "received_on", "updated_at"])
        _event(invoice, InvoiceEventKind.CONFIRMED, actor=user, note=day.isoformat())
        notify(
            recipient=invoice.client,
            kind=NotificationKind.PAYMENT_CONFIRMED,
            params=_params(invoice, name=invoice.freelancer_name, date=day),
            url=invoice_url(invoice.pk),
        )
    return invoice


def invoice_dispute_payment(*, user, invoice_id: int, note: str) -> Invoice:
    """The freelancer says the money the client marked paid never came; the client may mark it paid again."""
    errors = FieldErrors()
    note = clean_text(note, field="note", errors=errors, max_length=MAX_DISPUTE_NOTE)
    errors.raise_if_any()
    if not note:
        raise ValidationFailed(_("Dites au client ce qui manque (rien reçu, montant incomplet…)."), field="note")
    with transaction.atomic():
        invoice = _lock_for_party(user=user, invoice_id=invoice_id)
        if user.pk != invoice.freelancer_id:
            raise PermissionDenied(
                _("Seul·e le ou la pigiste qui a émis la facture peut signaler un paiement non reçu.")
            )
        _check_not_cancelled(invoice)
        _check_not_confirmed(invoice)
        if invoice.status == InvoiceStatus.DISPUTED:
            raise Conflict(_("Vous avez déjà signalé que ce paiement n'est pas arrivé ; le client en est avisé."))
        if invoice.status not in DISPUTE_FROM:
            raise Conflict(_("Le client n'a pas encore marqué cette facture payée : rien à contester."))
        invoice.status = InvoiceStatus.DISPUTED
        invoice.disputed_at = timezone.now()
        invoice.dispute_note = note
        invoice.save(update_fields=["status", "disputed_at", "dispute_note", "updated_at"])
        _event(invoice, InvoiceEventKind.DISPUTED, actor=user, note=note)
        notify(
            recipient=invoice.client,
            kind=NotificationKind.PAYMENT_DISPUTED,
            params={**_params(invoice, name=invoice.freelancer_name, date=invoice.paid_on), "note": note},
            url=invoice_url(invoice.pk),
        )
    return invoice


def _params(invoice: Invoice, *, name: str, date: datetime.date | None) -> dict:
    params = {"number": invoice.number, "name": name, "total": str(invoice.total)}
    if date is not None:
        params["date"] = date.isoformat()
    return params


def _reminder_stage(invoice: Invoice, today: datetime.date) -> int:
    """How many reminders should have gone out by `today`: 1 from the due date, 2 from +7 days, 3 from +30."""
    late = (today - invoice.due_on).days
    return sum(1 for days in REMINDER_DAYS if late >= days)


def _counting_unpaid() -> Q:
    """Unpaid invoices that count in the client's record (the same rule as Invoice.counts_in_record)."""
    return Q(status__in=UNPAID, excluded_from_record=False) & (
        Q(engagement__isnull=False) | Q(acknowledged_at__isnull=False)
    )


def invoices_remind_overdue(*, now: datetime.datetime | None = None) -> int:
    """Remind clients of unpaid invoices at the due date, +7 and +30 days; returns how many reminders went out.

    Idempotent and safe to run concurrently: each invoice is re-read under its row lock and a reminder is sent
    only when `reminders_sent` is below the stage reached. A run that missed a stage (the scheduler was down)
    sends one reminder, not a burst: the count jumps to the stage reached. One transaction per invoice, so one
    failure undoes nothing else.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_due = today - datetime.timedelta(days=REMINDER_DAYS[0])
    candidate_ids = list(
        Invoice.objects.filter(_counting_unpaid(), due_on__lte=first_due, reminders_sent__lt=len(REMINDER_DAYS))
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for invoice_id in candidate_ids:
        with transaction.atomic():
            invoice = (
                Invoice.objects.select_for_update(of=("self",))
                .select_related("client")
                .filter(_counting_unpaid(), pk=invoice_id)
                .first()
            )
            if invoice is None:
                continue
            stage = _reminder_stage(invoice, today)
            if invoice.reminders_sent >= stage:
                continue
            invoice.reminders_sent = stage
            invoice.save(update_fields=["reminders_sent", "updated_at"])
            _event(invoice, InvoiceEventKind.REMINDED, note=str(stage))
            notify(
                recipient=invoice.client,
                kind=NotificationKind.INVOICE_OVERDUE,
                params={
                    **_params(invoice, name=invoice.freelancer_name, date=invoice.due_on),
                    "days_late": (today - invoice.due_on).days,
                },
                url=invoice_url(invoice.pk),
            )
            sent += 1
    return sent
