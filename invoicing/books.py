"""The freelancer's books (reads only): invoiced and paid per month, unpaid invoices by age, taxes per quarter, CSV.

Every figure is a database aggregate over the freelancer's own invoices (a handful of queries whatever their
number), the same on SQLite and PostgreSQL. Cancelled invoices count in no figure; they stay in the CSV.
An invoice is "paid" once the freelancer confirmed its receipt (the client's word alone is not money in).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from invoicing.models import Invoice, InvoiceStatus
from marketplace.common.errors import PermissionDenied
from marketplace.common.inputs import FieldErrors, iso_date
from profiles.models import FreelancerProfile

MONTHS = 12
QUARTERS = 8
# The unpaid invoices listed by name under their age (the amounts per age count them all).
UNPAID_LISTED = 200
UNPAID_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PAID, InvoiceStatus.DISPUTED)
ZERO = Decimal("0.00")

# Age of an unpaid invoice in days past its due date: (key, label, first day, last day or None).
AGES = (
    ("not_due", gettext_lazy("Pas encore échues"), None, 0),
    ("1_30", gettext_lazy("1 à 30 jours de retard"), 1, 30),
    ("31_60", gettext_lazy("31 à 60 jours de retard"), 31, 60),
    ("61_90", gettext_lazy("61 à 90 jours de retard"), 61, 90),
    ("over_90", gettext_lazy("Plus de 90 jours de retard"), 91, None),
)


@dataclass
class Month:
    month: datetime.date  # its first day
    invoiced_count: int = 0
    invoiced_subtotal: Decimal = ZERO
    invoiced_total: Decimal = ZERO
    paid_count: int = 0
    paid_subtotal: Decimal = ZERO
    paid_total: Decimal = ZERO


@dataclass
class AgeGroup:
    key: str
    label: str
    count: int = 0
    total: Decimal = ZERO
    invoices: list[Invoice] = field(default_factory=list)


@dataclass
class Quarter:
    start: datetime.date  # its first day
    count: int = 0
    subtotal: Decimal = ZERO
    tps: Decimal = ZERO
    tvq: Decimal = ZERO
    total: Decimal = ZERO

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def number(self) -> int:
        return (self.start.month - 1) // 3 + 1

    @property
    def end(self) -> datetime.date:
        return _add_months(self.start, 3) - datetime.timedelta(days=1)


@dataclass
class Books:
    today: datetime.date
    months: list[Month]
    ages: list[AgeGroup]
    quarters: list[Quarter]

    @property
    def unpaid_count(self) -> int:
        return sum(group.count for group in self.ages)

    @property
    def unpaid_total(self) -> Decimal:
        return sum((group.total for group in self.ages), ZERO)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _as_date(value) -> datetime.date:
    # Trunc gives a date on a DateField; a datetime only if a backend ever hands one back.
    return value.date() if isinstance(value, datetime.datetime) else value


def books_access(*, user) -> None:
    """The books are a freelancer's: a profile, or invoices issued (kept after the profile is deleted)."""
    if user.is_authenticated and (
        FreelancerProfile.objects.filter(user_id=user.pk).exists() or Invoice.objects.filter(freelancer=user).exists()
    ):
        return
    raise PermissionDenied(_("Les livres sont réservés aux pigistes : ils réunissent les factures que vous émettez."))


def _counted(user):
    """The freelancer's invoices that count in the figures: every one but the cancelled."""
    return Invoice.objects.filter(freelancer=user).exclude(status=InvoiceStatus.CANCELLED).order_by()


def books_months(*, user, today: datetime.date) -> list[Month]:
    """The last MONTHS months, oldest first: invoiced by issue date, paid by the confirmed receipt date."""
    first = _add_months(today, -(MONTHS - 1))
    after = _add_months(today, 1)
    months = {_add_months(first, i): Month(month=_add_months(first, i)) for i in range(MONTHS)}
    invoiced = (
        _counted(user)
        .filter(issued_on__gte=first, issued_on__lt=after)
        .annotate(period=TruncMonth("issued_on"))
        .values("period")
        .annotate(count=Count("id"), subtotal=Sum("subtotal"), total=Sum("total"))
    )
    for row in invoiced:
        month = months[_as_date(row["period"])]
        month.invoiced_count = row["count"]
        month.invoiced_subtotal, month.invoiced_total = row["subtotal"], row["total"]
    paid = (
        _counted(user)
        .filter(status=InvoiceStatus.CONFIRMED, received_on__gte=first, received_on__lt=after)
        .annotate(period=TruncMonth("received_on"))
        .values("period")
        .annotate(count=Count("id"), subtotal=Sum("subtotal"), total=Sum("total"))
    )
    for row in paid:
        month = months[_as_date(row["period"])]
        month.paid_count, month.paid_subtotal, month.paid_total = row["count"], row["subtotal"], row["total"]
    return list(months.values())


def _age_filter(today: datetime.date, first: int | None, last: int | None) -> Q:
    """Invoices `first` to `last` days past due (None: no bound); "not due" is 0 days or less."""
    condition = Q()
    if first is not None:
        condition &= Q(due_on__lte=today - datetime.timedelta(days=first))
    if last is not None:
        condition &= Q(due_on__gte=today - datetime.timedelta(days=last))
    return condition


def books_ages(*, user, today: datetime.date) -> list[AgeGroup]:
    """Unpaid invoices (issued, paid by the client's word, or disputed) by days past their due date."""
    unpaid = _counted(user).filter(status__in=UNPAID_STATUSES)
    sums = {}
    for key, _label, first, last in AGES:
        condition = _age_filter(today, first, last)
        sums[f"{key}_count"] = Count("id", filter=condition)
        sums[f"{key}_total"] = Sum("total", filter=condition)
    figures = unpaid.aggregate(**sums)
    groups = [
        AgeGroup(key=key, label=str(label), count=figures[f"{key}_count"], total=figures[f"{key}_total"] or ZERO)
        for key, label, _first, _last in AGES
    ]
    listed = unpaid.only("id", "number", "client_name", "issued_on", "due_on", "total", "status", "paid_on").order_by(
        "due_on", "number"
    )[:UNPAID_LISTED]
    by_key = {group.key: group for group in groups}
    for invoice in listed:
        invoice.days_late = (today - invoice.due_on).days
        by_key[_age_key(invoice.days_late)].invoices.append(invoice)
    return groups


def _age_key(days_late: int) -> str:
    """The age group of an invoice `days_late` days past due (zero or less: not due yet)."""
    for key, _label, first, last in AGES:
        if (first is None or days_late >= first) and (last is None or days_late <= last):
            return key
    raise AssertionError(days_late)  # AGES covers every whole number


def books_quarters(*, user, today: datetime.date) -> list[Quarter]:
    """TPS and TVQ of the last QUARTERS calendar quarters, newest first, by the invoice's date (accrual)."""
    current = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    first = _add_months(current, -3 * (QUARTERS - 1))
    quarters = {_add_months(first, 3 * i): Quarter(start=_add_months(first, 3 * i)) for i in range(QUARTERS)}
    rows = (
        _counted(user)
        .filter(issued_on__gte=first, issued_on__lt=_add_months(current, 3))
        .annotate(period=TruncQuarter("issued_on"))
        .values("period")
        .annotate(count=Count("id"), subtotal=Sum("subtotal"), tps=Sum("tps"), tvq=Sum("tvq"), total=Sum("total"))
    )
    for row in rows:
        quarter = quarters[_as_date(row["period"])]
        quarter.count, quarter.subtotal, quarter.tps = row["count"], row["subtotal"], row["tps"]
        quarter.tvq, quarter.total = row["tvq"], row["total"]
    return list(reversed(quarters.values()))


def books_summary(*, user, today: datetime.date | None = None) -> Books:
    """Every figure of the books page, for a freelancer (PermissionDenied for anyone else)."""
    books_access(user=user)
    today = today or timezone.localdate()
    return Books(
        today=today,
        months=books_months(user=user, today=today),
        ages=books_ages(user=user, today=today),
        quarters=books_quarters(user=user, today=today),
    )


# --- The CSV export ------------------------------------------------------------------------------------------


def books_csv_period(*, date_from, date_to) -> tuple[datetime.date | None, datetime.date | None]:
    """The export's optional period (AAAA-MM-JJ, on the invoice date); ValidationFailed naming each bad field."""
    errors = FieldErrors()
    days = {}
    for name, value in (("from", date_from), ("to", date_to)):
        text = value or ""  # an empty box of the page's form: no bound
        days[name] = iso_date(text) if text and text == text.strip() else None
        if text and days[name] is None:
            errors.add(name, _("Entrez une date valide (AAAA-MM-JJ), par exemple 2026-01-31."))
    if days["from"] and days["to"] and days["from"] > days["to"]:
        errors.add("to", _("La date de fin doit suivre la date de début."))
    errors.raise_if_any()
    return days["from"], days["to"]


# A cell a spreadsheet would run as a formula ("=HYPERLINK(…)" typed as a client's name) is written as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def books_csv_filename(*, date_from: datetime.date | None, date_to: datetime.date | None) -> str:
    parts = ["factures"] + [day.isoformat() for day in (date_from, date_to) if day]
    return "-".join(parts) + ".csv"


def books_csv(*, user, date_from: datetime.date | None = None, date_to: datetime.date | None = None) -> str:
    """Every invoice of the freelancer in the period (cancelled ones too), oldest first, as CSV text.

    It starts with a byte-order mark so Excel reads the accents as UTF-8; amounts have a dot and two decimals
    (1149.75), dates are AAAA-MM-JJ, statuses are in the reader's language.
    """
    books_access(user=user)
    invoices = Invoice.objects.filter(freelancer=user)
    if date_from:
        invoices = invoices.filter(issued_on__gte=date_from)
    if date_to:
        invoices = invoices.filter(issued_on__lte=date_to)
    invoices = invoices.only(
        "number",
        "issued_on",
        "due_on",
        "client_name",
        "subtotal",
        "tps",
        "tvq",
        "total",
        "status",
        "paid_on",
        "received_on",
    ).order_by("issued_on", "number")
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            _("Numéro"),
            _("Date de la facture"),
            _("Échéance"),
            _("Client"),
            _("Sous-total"),
            _("TPS"),
            _("TVQ"),
            _("Total"),
            _("Statut"),
            _("Payée le (selon le client)"),
            _("Reçue le"),
        ]
    )
    labels = dict(InvoiceStatus.choices)
    for invoice in invoices.iterator(chunk_size=500):
        writer.writerow(
            [
                invoice.number,
                invoice.issued_on.isoformat(),
                invoice.due_on.isoformat(),
                _text_cell(invoice.client_name),
                f"{invoice.subtotal:.2f}",
                f"{invoice.tps:.2f}",
                f"{invoice.tvq:.2f}",
                f"{invoice.total:.2f}",
                str(labels.get(invoice.status, invoice.status)),
                invoice.paid_on.isoformat() if invoice.paid_on else "",
                invoice.received_on.isoformat() if invoice.received_on else "",
            ]
        )
    return out.getvalue()
