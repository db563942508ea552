"""Reads on invoices: only their two parties see one; the sources an invoice may be issued from."""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagements.models import Engagement, EngagementStatus, Milestone, MilestoneStatus
from invoicing.models import (
    BillingProfile,
    Invoice,
    InvoiceEvent,
    InvoiceEventKind,
    InvoiceStatus,
    PaymentContest,
)
from invoicing.services import payments as payment_rules
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from projects.models import Invitation, Project, Quote

NET_DAYS = 30
# An engagement can't be cancelled today; if a status "annule" is added, no invoice is issued on it.
_ENGAGEMENT_CANCELLED = "annule"


def _not_found():
    return _("Cette facture n'existe pas.")


def billing_profile_get(*, user) -> BillingProfile | None:
    """The member's billing details, or None when they never filled them."""
    return BillingProfile.objects.select_related("municipality").filter(user=user).first()


def _with_details(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("freelancer", "client", "engagement", "milestone", "project").prefetch_related(
        "lines", Prefetch("events", queryset=InvoiceEvent.objects.select_related("actor"))
    )


def invoices_for_user(*, user, role: str | None = None) -> QuerySet:
    """The member's invoices, newest first: issued as freelancer, received as client, or both (`role` None)."""
    if role == "freelancer":
        mine = Q(freelancer=user)
    elif role == "client":
        mine = Q(client=user)
    else:
        mine = Q(freelancer=user) | Q(client=user)
    return _with_details(Invoice.objects.filter(mine)).order_by("-issued_on", "-number", "-pk")


def invoices_issued_by(*, user) -> QuerySet:
    """The invoices the member issued as freelancer, newest first."""
    return invoices_for_user(user=user, role="freelancer")


def invoices_received_by(*, user) -> QuerySet:
    """The invoices the member received as client, newest first."""
    return invoices_for_user(user=user, role="client")


def invoice_get_for_party(*, user, invoice_id: int) -> Invoice:
    """The invoice with its lines and history, for its freelancer or its client; a 404 for anyone else."""
    invoice = _with_details(Invoice.objects.filter(pk=invoice_id)).first()
    if invoice is None or not invoice.is_party(user):
        raise NotFound(_not_found())
    return invoice


def invoice_live_exists(*, engagement_id: int, milestone_id: int | None = None) -> bool:
    """Whether a non-cancelled invoice already bills this milestone, or (milestone None) this engagement."""
    live = Invoice.objects.filter(engagement_id=engagement_id).exclude(status=InvoiceStatus.CANCELLED)
    if milestone_id is not None:
        # A milestone is billed by its own invoice, or by an invoice of the whole engagement.
        return live.filter(Q(milestone_id=milestone_id) | Q(milestone__isnull=True)).exists()
    return live.exists()


@dataclass
class InvoiceSource:
    """Where an invoice comes from, who receives it, and the lines it starts with."""

    client: object
    title: str
    engagement: Engagement | None = None
    milestone: Milestone | None = None
    project: Project | None = None
    lines: list[dict] = field(default_factory=list)

    @property
    def issued_on(self) -> datetime.date:
        return timezone.localdate()

    @property
    def default_due_on(self) -> datetime.date:
        return self.issued_on + datetime.timedelta(days=NET_DAYS)


def _line(description: str, amount) -> dict:
    return {"description": description[:300], "quantity": Decimal("1"), "unit_price": amount}


def _engagement_for_freelancer(*, user, queryset: QuerySet, not_found) -> Engagement:
    engagement = queryset.first()
    if engagement is None or not engagement.is_party(user):
        raise NotFound(not_found)
    if user.pk != engagement.freelancer_id:
        raise PermissionDenied(_("Seul le pigiste du mandat peut le facturer."))
    if engagement.status == _ENGAGEMENT_CANCELLED:
        raise Conflict(_("Ce mandat est annulé : il ne peut pas être facturé."))
    return engagement


def invoice_source_get(
    *,
    user,
    milestone_id: int | None = None,
    engagement_id: int | None = None,
    project_id: int | None = None,
    for_update: bool = False,
) -> InvoiceSource:
    """What `user` may invoice: an approved milestone, an approved or completed engagement, or a project they
    quoted on or were invited to. Refuses (404, 403, 409) as the issuing service does; `for_update` row-locks
    the engagement so two issues of the same work are decided one after the other."""
    given = [value for value in (milestone_id, engagement_id, project_id) if value is not None]
    if len(given) != 1:
        raise ValidationFailed(_("Choisissez un seul jalon, mandat ou projet à facturer."), field="source")
    engagements = Engagement.objects.select_related("project", "client", "freelancer")
    if for_update:
        engagements = engagements.select_for_update(of=("self",))
    if milestone_id is not None:
        milestone = Milestone.objects.filter(pk=milestone_id).first()
        not_found = _("Ce jalon n'existe pas.")
        if milestone is None:
            raise NotFound(not_found)
        engagement = _engagement_for_freelancer(
            user=user, queryset=engagements.filter(pk=milestone.engagement_id), not_found=not_found
        )
        if milestone.status != MilestoneStatus.APPROVED:
            raise Conflict(_("Ce jalon n'est pas encore approuvé par le client : il ne peut pas être facturé."))
        if invoice_live_exists(engagement_id=engagement.pk, milestone_id=milestone.pk):
            raise Conflict(_("Ce jalon est déjà facturé. Annulez d'abord la facture émise pour en émettre une autre."))
        return InvoiceSource(
            client=engagement.client,
            title=milestone.title,
            engagement=engagement,
            milestone=milestone,
            project=engagement.project,
            lines=[_line(milestone.title, milestone.amount)],
        )
    if engagement_id is not None:
        engagement = _engagement_for_freelancer(
            user=user, queryset=engagements.filter(pk=engagement_id), not_found=_("Ce mandat n'existe pas.")
        )
        if engagement.status not in (EngagementStatus.APPROVED, EngagementStatus.COMPLETED):
            raise Conflict(_("Ce mandat n'est pas encore approuvé : facturez-le quand le client a tout approuvé."))
        if invoice_live_exists(engagement_id=engagement.pk):
            raise Conflict(
                _(
                    "Ce mandat est déjà facturé (en entier ou par jalons). Annulez d'abord la facture émise pour en émettre une autre."
                )
            )
        lines = [_line(line.get("description", ""), line.get("amount")) for line in engagement.lines or []]
        if not lines:
            lines = [_line(engagement.project.title, engagement.amount)]
        return InvoiceSource(
            client=engagement.client,
            title=engagement.project.title,
            engagement=engagement,
            project=engagement.project,
            lines=lines,
        )
    project = Project.objects.select_related("owner").filter(pk=project_id).first()
    if project is None:
        raise NotFound(_("Ce projet n'existe pas."))
    quote = Quote.objects.filter(project=project, freelancer=user).order_by("-created_at", "-pk").first()
    invited = Invitation.objects.filter(project=project, freelancer=user).exists()
    if project.owner_id == user.pk or (quote is None and not invited):
        raise PermissionDenied(
            _("Vous pouvez facturer un projet sur lequel vous avez soumissionné ou été invité·e, pas un autre.")
        )
    if Engagement.objects.filter(project=project, freelancer=user).exists():
        # The agreed work is billed from its engagement, so it can't be billed twice by two paths.
        raise Conflict(_("Ce projet a un mandat : facturez-le depuis la page du mandat."))
    return InvoiceSource(
        client=project.owner,
        title=project.title,
        project=project,
        lines=[_line(project.title, quote.estimated_total if quote is not None else None)],
    )


# --- Payment: what each side can do now, and the history -------------------------------------------------


@dataclass
class PaymentHistoryRow:
    """One line of the invoice's history: the event, and the payment date it carries (paid or received on)."""

    event: InvoiceEvent
    day: datetime.date | None = None


@dataclass
class PaymentPanel:
    """The payment actions open to the viewer of an invoice right now, and the history both sides read."""

    invoice: Invoice
    is_client: bool
    is_freelancer: bool
    can_acknowledge: bool
    can_mark_paid: bool
    can_confirm_receipt: bool
    can_dispute: bool
    today: datetime.date
    history: list[PaymentHistoryRow]

    @property
    def has_actions(self) -> bool:
        return self.can_acknowledge or self.can_mark_paid or self.can_confirm_receipt or self.can_dispute


def _history_row(event: InvoiceEvent) -> PaymentHistoryRow:
    # The payment services write the date paid or received as the note (AAAA-MM-JJ): shown as a date.
    day = None
    if event.kind in (InvoiceEventKind.PAID, InvoiceEventKind.CONFIRMED):
        try:
            day = datetime.date.fromisoformat(event.note)
        except ValueError:
            day = None
    return PaymentHistoryRow(event=event, day=day)


def invoice_payment_panel(*, user, invoice: Invoice) -> PaymentPanel:
    """What `user` (a party) may do about the payment of `invoice` now, per the rules of the payment services.

    Reads the invoice's events through the prefetch of `invoice_get_for_party` when there is one.
    """
    is_client = user.is_authenticated and user.pk == invoice.client_id
    is_freelancer = user.is_authenticated and user.pk == invoice.freelancer_id
    status = invoice.status
    return PaymentPanel(
        invoice=invoice,
        is_client=is_client,
        is_freelancer=is_freelancer,
        can_acknowledge=is_client
        and invoice.engagement_id is None
        and invoice.acknowledged_at is None
        and status != InvoiceStatus.CANCELLED,
        can_mark_paid=is_client and status in payment_rules.MARK_PAID_FROM,
        can_confirm_receipt=is_freelancer and status in payment_rules.CONFIRM_FROM,
        can_dispute=is_freelancer and status in payment_rules.DISPUTE_FROM,
        today=timezone.localdate(),
        history=[_history_row(event) for event in invoice.events.all()],
    )


# --- The client's payment record and contests (helper 4) ------------------------------------------------

RECORD_MONTHS = 24

# `Invoice.counts_in_record` as a filter: agreed here or acknowledged, not cancelled, not excluded by staff.
COUNTS_IN_RECORD = (
    ~Q(status=InvoiceStatus.CANCELLED)
    & Q(excluded_from_record=False)
    & (Q(engagement__isnull=False) | Q(acknowledged_at__isnull=False))
)


@dataclass(frozen=True)
class PaymentRecord:
    """How a client paid the invoices that count, over the last 24 months by due date; facts only.

    "Paid" means the freelancer confirmed receipt: a client's own "paid" without that confirmation stays
    unpaid, and is only counted aside (`claimed_unconfirmed`) so readers see the claim exists.
    """

    since: datetime.date  # the first due date counted
    received: int = 0  # invoices received (every one counted, due or not)
    paid_on_time: int = 0  # receipt confirmed on or before the due date
    paid_late: int = 0  # receipt confirmed after the due date
    unpaid_past_due: int = 0  # not confirmed, due date passed
    claimed_unconfirmed: int = 0  # … of those, marked paid by the client, receipt not confirmed
    not_yet_due: int = 0  # not confirmed, due date not passed
    # Median of (confirmed receipt date − due date) in whole days (a half rounded away from zero); negative:
    # before the due date. None: no receipt confirmed.
    median_days: int | None = None

    @property
    def paid(self) -> int:
        return self.paid_on_time + self.paid_late

    @property
    def median_days_abs(self) -> int | None:
        return abs(self.median_days) if self.median_days is not None else None


def record_since(today: datetime.date) -> datetime.date:
    """The same day 24 months before (28 February when that day doesn't exist)."""
    year = today.year - RECORD_MONTHS // 12
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February
        return today.replace(year=year, day=28)


def _record(rows: Iterable[tuple], *, today: datetime.date, since: datetime.date) -> PaymentRecord:
    counts = {"received": 0, "on_time": 0, "late": 0, "unpaid": 0, "claimed": 0, "pending": 0}
    delays = []
    for status, due_on, received_on in rows:
        counts["received"] += 1
        if status == InvoiceStatus.CONFIRMED and received_on is not None:
            delay = (received_on - due_on).days
            delays.append(delay)
            counts["on_time" if delay <= 0 else "late"] += 1
        elif due_on < today:
            counts["unpaid"] += 1
            if status == InvoiceStatus.PAID:
                counts["claimed"] += 1
        else:
            counts["pending"] += 1
    median = (
        int(Decimal(str(statistics.median(delays))).quantize(Decimal(1), rounding=ROUND_HALF_UP)) if delays else None
    )
    return PaymentRecord(
        since=since,
        received=counts["received"],
        paid_on_time=counts["on_time"],
        paid_late=counts["late"],
        unpaid_past_due=counts["unpaid"],
        claimed_unconfirmed=counts["claimed"],
        not_yet_due=counts["pending"],
        median_days=median,
    )


def client_payment_records(*, client_ids: Iterable[int], now: datetime.datetime | None = None) -> dict:
    """`{client_id: PaymentRecord}` for many clients in one query (a list page); every id gets one."""
    ids = {int(pk) for pk in client_ids}
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    since = record_since(today)
    rows: dict[int, list[tuple]] = {pk: [] for pk in ids}
    if ids:
        queryset = (
            Invoice.objects.filter(COUNTS_IN_RECORD, client_id__in=ids, due_on__gte=since)
            .order_by()
            .values_list("client_id", "status", "due_on", "received_on")
        )
        for client_id, *row in queryset:
            rows[client_id].append(tuple(row))
    return {pk: _record(client_rows, today=today, since=since) for pk, client_rows in rows.items()}


def client_payment_record(client_id: int, now: datetime.datetime | None = None) -> PaymentRecord:
    """A client's payment record over the last 24 months (one query), for their page and before quoting."""
    return client_payment_records(client_ids=[client_id], now=now)[int(client_id)]


def invoice_unpaid_past_due(invoice: Invoice, *, today: datetime.date | None = None) -> bool:
    """Whether the invoice shows as "unpaid past due" in its client's record: the mark a client may contest."""
    today = today or timezone.localdate()
    return invoice.counts_in_record and invoice.status != InvoiceStatus.CONFIRMED and invoice.due_on < today


def _contests() -> QuerySet:
    return PaymentContest.objects.select_related("invoice", "invoice__client", "invoice__freelancer", "decided_by")


def invoice_get_for_contest(*, user, invoice_id: int) -> Invoice:
    """The invoice with its contests (`contest_list`), for its two parties and staff; a 404 for anyone else."""
    invoice = Invoice.objects.select_related("client", "freelancer").filter(pk=invoice_id).first()
    if invoice is None or not (invoice.is_party(user) or (user.is_authenticated and user.is_staff)):
        raise NotFound(_not_found())
    invoice.contest_list = list(_contests().filter(invoice=invoice))
    return invoice


def contest_get_for_party(*, user, contest_id: int) -> PaymentContest:
    """A contest with its invoice, for the invoice's client, its freelancer and staff; a 404 for anyone else."""
    contest = _contests().filter(pk=contest_id).first()
    if contest is None or not (contest.invoice.is_party(user) or (user.is_authenticated and user.is_staff)):
        raise NotFound(_("Cette contestation n'existe pas."))
    return contest
