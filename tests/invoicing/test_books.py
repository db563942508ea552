"""The freelancer's books: figures per month, unpaid invoices by age, taxes per quarter, the CSV and its API."""

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone, translation

from invoicing import books
from invoicing.models import InvoiceStatus
from marketplace.common.errors import PermissionDenied, ValidationFailed
from tests.api import api_as
from tests.factories import FreelancerProfileFactory, InvoiceFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

CENT = Decimal("0.01")
D = datetime.date


def bill(freelancer, issued, subtotal="1000.00", *, status=InvoiceStatus.ISSUED, due=None, received=None, **extra):
    """An invoice with TPS and TVQ computed on `subtotal`, due 30 days after `issued` unless told."""
    subtotal = Decimal(subtotal)
    tps = (subtotal * Decimal("0.05")).quantize(CENT, ROUND_HALF_UP)
    tvq = (subtotal * Decimal("0.09975")).quantize(CENT, ROUND_HALF_UP)
    return InvoiceFactory(
        freelancer=freelancer,
        issued_on=issued,
        due_on=due or issued + datetime.timedelta(days=30),
        status=status,
        received_on=received,
        subtotal=subtotal,
        tps=tps,
        tvq=tvq,
        total=subtotal + tps + tvq,
        **extra,
    )


@pytest.fixture
def freelancer():
    return FreelancerProfileFactory(display_name="Julie Ouellet").user


# --- Per month ----------------------------------------------------------------------------------------------


def test_months_count_invoiced_by_issue_date_and_paid_by_confirmed_receipt(freelancer):
    today = D(2026, 2, 10)
    bill(freelancer, D(2026, 1, 5), "1000.00", status=InvoiceStatus.CONFIRMED, received=D(2026, 2, 3))
    bill(freelancer, D(2026, 1, 31), "500.00")
    # The client says it is paid, the freelancer has not confirmed: invoiced, not paid.
    bill(freelancer, D(2026, 1, 20), "100.00", status=InvoiceStatus.PAID, paid_on=D(2026, 1, 25))
    bill(freelancer, D(2025, 12, 31), "200.00", status=InvoiceStatus.CONFIRMED, received=D(2026, 1, 2))
    bill(freelancer, D(2025, 12, 15), "300.00", status=InvoiceStatus.CANCELLED)  # counts nowhere
    bill(freelancer, D(2025, 2, 28), "700.00")  # thirteen months back: out of the chart

    months = books.books_months(user=freelancer, today=today)

    assert [m.month for m in months] == [D(2025, m, 1) for m in range(3, 13)] + [D(2026, 1, 1), D(2026, 2, 1)]
    by_month = {m.month: m for m in months}
    january, december, february = by_month[D(2026, 1, 1)], by_month[D(2025, 12, 1)], by_month[D(2026, 2, 1)]
    assert (january.invoiced_count, january.invoiced_subtotal, january.invoiced_total) == (
        3,
        Decimal("1600.00"),
        Decimal("1839.61"),
    )
    assert (january.paid_count, january.paid_total) == (1, Decimal("229.95"))  # December's 200 $, received Jan. 2
    assert (december.invoiced_count, december.invoiced_total) == (1, Decimal("229.95"))
    assert (december.paid_count, december.paid_total) == (0, Decimal("0"))
    assert (february.invoiced_count, february.paid_count, february.paid_subtotal) == (0, 1, Decimal("1000.00"))
    assert february.paid_total == Decimal("1149.75")
    assert sum(m.invoiced_total for m in months) == Decimal("2069.56")


# --- Unpaid by age ------------------------------------------------------------------------------------------


def test_unpaid_invoices_fall_in_their_age_by_days_past_due(freelancer):
    today = D(2026, 6, 15)
    issued = D(2025, 1, 2)

    def due(days_late, subtotal="100.00", **extra):
        return bill(freelancer, issued, subtotal, due=today - datetime.timedelta(days=days_late), **extra)

    due(-10)
    due(0)  # due today: not late yet
    due(1)
    due(30)
    due(31, "200.00", status=InvoiceStatus.PAID, paid_on=D(2026, 5, 1))  # the client's word: still unpaid
    due(60, "200.00")
    due(61, "300.00", status=InvoiceStatus.DISPUTED)
    due(90, "300.00")
    due(91, "400.00")
    due(200, "400.00")
    due(45, "999.00", status=InvoiceStatus.CONFIRMED, received=D(2026, 6, 1))  # paid
    due(45, "999.00", status=InvoiceStatus.CANCELLED)  # cancelled

    ages = books.books_ages(user=freelancer, today=today)

    assert [(g.key, g.count, g.total) for g in ages] == [
        ("not_due", 2, Decimal("229.96")),
        ("1_30", 2, Decimal("229.96")),
        ("31_60", 2, Decimal("459.90")),
        ("61_90", 2, Decimal("689.86")),
        ("over_90", 2, Decimal("919.80")),
    ]
    assert [(i.days_late, i.status) for i in ages[2].invoices] == [(60, "emise"), (31, "payee")]
    assert [i.days_late for i in ages[0].invoices] == [0, -10]
    assert [i.days_late for i in ages[4].invoices] == [200, 91]


# --- Taxes per quarter --------------------------------------------------------------------------------------


def test_taxes_per_quarter_by_invoice_date_across_a_year_boundary(freelancer):
    today = D(2026, 2, 10)
    # Issued in December, paid in January: its taxes belong to the fourth quarter (the invoice's date).
    bill(freelancer, D(2025, 12, 31), "1000.00", status=InvoiceStatus.CONFIRMED, received=D(2026, 1, 15))
    bill(freelancer, D(2025, 10, 1), "200.00")
    bill(freelancer, D(2025, 11, 5), "5000.00", status=InvoiceStatus.CANCELLED)
    bill(freelancer, D(2026, 1, 1), "300.00")
    # A small supplier's invoice (no taxes) counts in the sales only.
    InvoiceFactory(freelancer=freelancer, issued_on=D(2026, 2, 1), subtotal="80.00", tps=0, tvq=0, total="80.00")
    bill(freelancer, D(2024, 3, 31), "999.00")  # before the eighth quarter back

    quarters = books.books_quarters(user=freelancer, today=today)

    assert [(q.year, q.number) for q in quarters] == [
        (2026, 1),
        (2025, 4),
        (2025, 3),
        (2025, 2),
        (2025, 1),
        (2024, 4),
        (2024, 3),
        (2024, 2),
    ]
    q1, q4 = quarters[0], quarters[1]
    assert (q1.start, q1.end) == (D(2026, 1, 1), D(2026, 3, 31))
    assert (q1.count, q1.subtotal, q1.tps, q1.tvq) == (2, Decimal("380.00"), Decimal("15.00"), Decimal("29.93"))
    assert (q4.start, q4.end) == (D(2025, 10, 1), D(2025, 12, 31))
    assert (q4.count, q4.subtotal, q4.tps, q4.tvq) == (2, Decimal("1200.00"), Decimal("60.00"), Decimal("119.70"))
    assert all(q.count == 0 and q.tps == 0 for q in quarters[2:])


# --- Whose books --------------------------------------------------------------------------------------------


def test_another_members_invoices_never_appear(freelancer):
    today = timezone.localdate()
    bill(freelancer, today, "100.00", client=UserFactory(name="Boulangerie Ouellet"))
    other = FreelancerProfileFactory().user
    bill(other, today, "9000.00", client=UserFactory(name="Client d'un autre"), status=InvoiceStatus.CONFIRMED)
    bill(other, today - datetime.timedelta(days=200), "9000.00", due=today - datetime.timedelta(days=100))
    # The freelancer as someone else's client: an invoice received is not in their books.
    bill(other, today, "7000.00", client=freelancer)

    summary = books.books_summary(user=freelancer, today=today)
    text = books.books_csv(user=freelancer)

    assert summary.months[-1].invoiced_total == Decimal("114.98")
    assert sum(m.paid_total for m in summary.months) == 0
    assert summary.unpaid_total == Decimal("114.98")
    assert sum(q.subtotal for q in summary.quarters) == Decimal("100.00")
    assert "Boulangerie Ouellet" in text and "Client d'un autre" not in text and "7000.00" not in text


def test_books_are_refused_to_a_member_who_is_no_freelancer():
    client = UserFactory()
    with pytest.raises(PermissionDenied, match="réservés aux pigistes"):
        books.books_summary(user=client)
    with pytest.raises(PermissionDenied):
        books.books_csv(user=client)


def test_a_freelancer_without_a_profile_keeps_the_books_of_their_invoices():
    former = UserFactory()
    bill(former, timezone.localdate(), "100.00")
    assert books.books_summary(user=former).months[-1].invoiced_count == 1


def test_the_figures_take_the_same_few_queries_whatever_the_number_of_invoices(
    freelancer, django_assert_max_num_queries
):
    today = timezone.localdate()
    for days in range(0, 400, 10):
        bill(freelancer, today - datetime.timedelta(days=days), status=InvoiceStatus.CONFIRMED, received=today)
        bill(freelancer, today - datetime.timedelta(days=days), due=today - datetime.timedelta(days=days // 2))
    with django_assert_max_num_queries(6):
        summary = books.books_summary(user=freelancer, today=today)
    assert summary.unpaid_count == 40


# --- CSV ----------------------------------------------------------------------------------------------------


def _rows(text):
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_lists_every_invoice_with_cancelled_ones_amounts_with_a_dot(freelancer):
    client = UserFactory(name="Érablière Côté & fils")
    bill(freelancer, D(2026, 3, 2), "1000.00", number=2, client=client, client_name="Érablière Côté & fils")
    bill(
        freelancer,
        D(2026, 1, 15),
        "1234.50",
        number=1,
        status=InvoiceStatus.CONFIRMED,
        paid_on=D(2026, 2, 1),
        received=D(2026, 2, 3),
        client_name="Café Ébène",
    )
    bill(freelancer, D(2026, 4, 1), "50.00", number=3, status=InvoiceStatus.CANCELLED, client_name="Annulé inc.")

    rows = _rows(books.books_csv(user=freelancer))

    assert rows[0] == [
        "Numéro",
        "Date de la facture",
        "Échéance",
        "Client",
        "Sous-total",
        "TPS",
        "TVQ",
        "Total",
        "Statut",
        "Payée le (selon le client)",
        "Reçue le",
    ]
    assert rows[1] == [
        "1",
        "2026-01-15",
        "2026-02-14",
        "Café Ébène",
        "1234.50",
        "61.73",
        "123.14",
        "1419.37",
        "Paiement reçu",
        "2026-02-01",
        "2026-02-03",
    ]
    assert rows[2][:4] == ["2", "2026-03-02", "2026-04-01", "Érablière Côté & fils"]
    assert rows[2][7:] == ["1149.75", "Émise", "", ""]
    assert rows[3][0] == "3" and rows[3][8] == "Annulée"
    assert len(rows) == 4


def test_csv_bytes_are_utf8_with_a_bom_so_excel_reads_the_accents(freelancer):
    bill(freelancer, D(2026, 1, 15), client_name="Théâtre d'Été")
    data = books.books_csv(user=freelancer).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Théâtre d'Été".encode() in data
    assert data.count(b"\r\n") == 2


def test_csv_writes_a_name_that_looks_like_a_formula_as_text(freelancer):
    bill(freelancer, D(2026, 1, 15), client_name='=HYPERLINK("http://x.invalid","Payez ici")')
    assert _rows(books.books_csv(user=freelancer))[1][3] == '\'=HYPERLINK("http://x.invalid","Payez ici")'


def test_csv_period_keeps_the_invoices_dated_within_it_both_days_included(freelancer):
    for number, day in enumerate([D(2025, 12, 31), D(2026, 1, 1), D(2026, 3, 31), D(2026, 4, 1)], start=1):
        bill(freelancer, day, number=number)
    start, end = books.books_csv_period(date_from="2026-01-01", date_to="2026-03-31")
    rows = _rows(books.books_csv(user=freelancer, date_from=start, date_to=end))
    assert [row[0] for row in rows[1:]] == ["2", "3"]
    only_from = books.books_csv_period(date_from="2026-03-31", date_to="")
    assert [r[0] for r in _rows(books.books_csv(user=freelancer, date_from=only_from[0]))[1:]] == ["3", "4"]


@pytest.mark.parametrize(
    "bad", ["2026-13-01", "2026-02-30", "01/02/2026", "20260101", "demain", "2026-1-5", " 2026-01-05", " "]
)
def test_csv_period_refuses_a_date_not_written_aaaa_mm_jj(bad):
    with pytest.raises(ValidationFailed) as refused:
        books.books_csv_period(date_from=bad, date_to="2026-03-31")
    assert refused.value.errors == {"from": ["Entrez une date valide (AAAA-MM-JJ), par exemple 2026-01-31."]}


def test_csv_period_refuses_an_end_before_its_start():
    with pytest.raises(ValidationFailed) as refused:
        books.books_csv_period(date_from="2026-03-01", date_to="2026-02-28")
    assert refused.value.errors == {"to": ["La date de fin doit suivre la date de début."]}


def test_csv_in_english_for_an_english_reader(freelancer):
    bill(freelancer, D(2026, 1, 15), status=InvoiceStatus.CANCELLED)
    with translation.override("en"):
        rows = _rows(books.books_csv(user=freelancer))
    assert rows[0][:3] == ["Number", "Invoice date", "Due date"]
    assert rows[1][8] == "Cancelled"


# --- API ----------------------------------------------------------------------------------------------------


def test_api_gives_the_figures_of_the_page(freelancer):
    today = timezone.localdate()
    bill(freelancer, today, "1000.00")
    bill(freelancer, today - datetime.timedelta(days=80), "200.00", due=today - datetime.timedelta(days=45))
    bill(freelancer, today, "300.00", status=InvoiceStatus.CANCELLED)

    body = api_as(freelancer).get("/api/v1/me/books/").json()

    assert body["today"] == today.isoformat()
    assert len(body["months"]) == 12 and body["months"][-1]["month"] == today.replace(day=1).isoformat()
    assert body["months"][-1]["invoiced_total"] == "1149.75"
    assert body["unpaid_count"] == 2 and body["unpaid_total"] == "1379.70"
    late = next(age for age in body["ages"] if age["key"] == "31_60")
    assert (late["count"], late["total"], late["label"]) == (1, "229.95", "31 à 60 jours de retard")
    assert late["invoices"][0]["days_late"] == 45
    assert len(body["quarters"]) == 8
    assert sum(Decimal(quarter["tps"]) for quarter in body["quarters"]) == Decimal("60.00")


def test_api_refuses_the_books_to_a_client_and_to_nobody():
    assert api_as(UserFactory()).get("/api/v1/me/books/").status_code == 403
    assert api_as(UserFactory()).get("/api/v1/me/books/invoices.csv").status_code == 403
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/me/books/").status_code == 401


def test_api_csv_export_and_its_bad_dates(freelancer):
    bill(freelancer, D(2026, 1, 15), number=1)
    bill(freelancer, D(2026, 5, 15), number=2)
    api = api_as(freelancer)

    response = api.get("/api/v1/me/books/invoices.csv", {"from": "2026-01-01", "to": "2026-01-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="factures-2026-01-01-2026-01-31.csv"'
    assert [row[0] for row in _rows(response.content.decode("utf-8"))[1:]] == ["1"]

    refused = api.get("/api/v1/me/books/invoices.csv", {"from": "15/01/2026"})
    assert refused.status_code == 400
    assert refused.json() == {"from": ["Entrez une date valide (AAAA-MM-JJ), par exemple 2026-01-31."]}
    backwards = api.get("/api/v1/me/books/invoices.csv", {"from": "2026-02-01", "to": "2026-01-01"})
    assert backwards.status_code == 400 and "to" in backwards.json()
