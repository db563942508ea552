"""A client's contest of an "unpaid past due" mark: the client explains, the freelancer answers once, staff decide.

Each step locks the contest's invoice row first, so two contests or two decisions can't cross; the partial
unique constraint `one_open_contest_per_invoice` backs "one open contest at a time".
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.models import ContestStatus, Invoice, InvoiceEvent, InvoiceEventKind, PaymentContest
from invoicing.selectors import invoice_unpaid_past_due
from marketplace.common.errors import Conflict, NotFound, PermissionDenied
from marketplace.common.inputs import FieldErrors, clean_text
from notifications.models import NotificationKind
from notifications.services import notify

MAX_MESSAGE = 3000


def contest_url(contest_id: int) -> str:
    return reverse("contest-detail", args=[contest_id])


def _message(value, *, field: str) -> str:
    errors = FieldErrors()
    text = clean_text(value, field=field, errors=errors, max_length=MAX_MESSAGE, required=True)
    errors.raise_if_any()
    return text


def invoice_contest(*, user, invoice_id: int, message: str) -> PaymentContest:
    """The client contests the invoice's "unpaid past due" mark with an explanation; the freelancer is told."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
        if invoice is None or not invoice.is_party(user):
            raise NotFound(_("Cette facture n'existe pas."))
        if user.pk != invoice.client_id:
            raise PermissionDenied(_("Seul le client peut contester une facture impayée."))
        text = _message(message, field="message")
        if not invoice_unpaid_past_due(invoice):
            raise Conflict(_("Seule une facture impayée après son échéance, comptée au dossier, peut être contestée."))
        if PaymentContest.objects.filter(invoice=invoice, status=ContestStatus.OPEN).exists():
            raise Conflict(_("Une contestation de cette facture attend déjà une décision."))
        try:
            with transaction.atomic():
                contest = PaymentContest.objects.create(invoice=invoice, client_message=text)
        except IntegrityError:
            # Unreachable under the row lock; kept so a race without it still answers in words.
            raise Conflict(_("Une contestation de cette facture attend déjà une décision.")) from None
        InvoiceEvent.objects.create(invoice=invoice, actor=user, kind=InvoiceEventKind.CONTESTED, note=text)
        notify(
            recipient=invoice.freelancer,
            kind=NotificationKind.INVOICE_CONTESTED,
            params={"number": invoice.number, "name": user.public_name},
            url=contest_url(contest.pk),
        )
    return contest


def _contest_locked(contest_id: int) -> PaymentContest:
    """The contest, its invoice row locked first (the order every contest write takes)."""
    invoice_id = PaymentContest.objects.filter(pk=contest_id).values_list("invoice_id", flat=True).first()
    if invoice_id is None:
        raise NotFound(_("Cette contestation n'existe pas."))
    Invoice.objects.select_for_update().filter(pk=invoice_id).first()
    return PaymentContest.objects.select_for_update().select_related("invoice").get(pk=contest_id)


def contest_answer(*, user, contest_id: int, message: str) -> PaymentContest:
    """The freelancer answers the client's contest, once, before staff decide."""
    with transaction.atomic():
        contest = _contest_locked(contest_id)
        invoice = contest.invoice
        if not invoice.is_party(user):
            raise NotFound(_("Cette contestation n'existe pas."))
        if user.pk != invoice.freelancer_id:
            raise PermissionDenied(_("Seul le pigiste qui a émis la facture peut répondre à la contestation."))
        text = _message(message, field="message")
        if contest.freelancer_message:
            raise Conflict(_("Vous avez déjà répondu à cette contestation."))
        if contest.status != ContestStatus.OPEN:
            raise Conflict(_("L'équipe a déjà tranché cette contestation."))
        contest.freelancer_message = text
        contest.save(update_fields=["freelancer_message", "updated_at"])
    return contest


def contest_decide(*, staff_user, contest_id: int, upheld: bool, note: str) -> PaymentContest:
    """Staff decide an open contest: upheld, the invoice leaves the client's record; rejected, it stays.

    The decision is logged on the contest (who, when, why) and in the invoice's history; both sides are told.
    """
    if not (staff_user.is_authenticated and staff_user.is_staff):
        raise PermissionDenied(_("Réservé à l'équipe de modération."))
    with transaction.atomic():
        contest = _contest_locked(contest_id)
        text = _message(note, field="note")
        if contest.status != ContestStatus.OPEN:
            raise Conflict(_("L'équipe a déjà tranché cette contestation."))
        invoice = contest.invoice
        contest.status = ContestStatus.UPHELD if upheld else ContestStatus.REJECTED
        contest.decided_by = staff_user
        contest.decided_at = timezone.now()
        contest.decision_note = text
        contest.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
        if upheld:
            invoice.excluded_from_record = True
            invoice.save(update_fields=["excluded_from_record", "updated_at"])
        # The outcome in the team's words, as the history shows it to both sides.
        InvoiceEvent.objects.create(
            invoice=invoice,
            actor=staff_user,
            kind=InvoiceEventKind.DECIDED,
            note=f"{contest.get_status_display()} — {text}",
        )
        # An erased member (Loi 25) reads nothing any more: only the live side is told.
        for recipient in (r for r in (invoice.client, invoice.freelancer) if r.erased_at is None):
            notify(
                recipient=recipient,
                kind=NotificationKind.CONTEST_DECIDED,
                params={"number": invoice.number, "upheld": "1" if upheld else "", "note": text},
                url=contest_url(contest.pk),
            )
    return contest
