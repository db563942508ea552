"""« Mes livres » (/factures/livres/) and its CSV download, as a freelancer, a client and a visitor see them."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from invoicing.models import InvoiceStatus
from tests.factories import FreelancerProfileFactory, UserFactory
from tests.invoicing.test_books import bill

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

NNBSP, NBSP = "\u202f", "\u00a0"
FRENCH_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


@pytest.fixture
def freelancer():
    return FreelancerProfileFactory(display_name="Julie Ouellet").user


def test_the_freelancer_reads_the_figures_in_french_money(client, freelancer):
    today = timezone.localdate()
    bill(freelancer, today, "1000.00", status=InvoiceStatus.CONFIRMED, received=today, client_name="Café Ébène")
    late = bill(
        freelancer,
        today - datetime.timedelta(days=60),
        "2000.00",
        due=today - datetime.timedelta(days=40),
        client_name="Fromagerie du Littoral",
        number=41,
    )
    bill(freelancer, today, "5000.00", status=InvoiceStatus.CANCELLED)
    client.force_login(freelancer)

    page = client.get(reverse("books")).content.decode()

    # The chart, its description and the same figures in the table.
    assert 'role="img"' in page and "Facturé et payé par mois, taxes incluses" in page
    assert f"3{NNBSP}449,25{NBSP}$ facturés, 1{NNBSP}149,75{NBSP}$ reçus" in page
    assert f'<td class="num">1{NNBSP}149,75{NBSP}$</td>' in page
    # The late invoice under its age, with its amount and lateness; the cancelled one nowhere in the totals.
    assert "31 à 60 jours de retard" in page and "Fromagerie du Littoral" in page
    assert f"2{NNBSP}299,50{NBSP}$" in page and "40 jours de retard" in page
    assert "5" + NNBSP + "749" not in page
    assert f'<a href="{reverse("invoice-detail", args=[late.pk])}">Facture n° {late.number}</a>' in page
    # Taxes: the rule is written on the page.
    assert "Selon la date de la facture, et non celle du paiement" in page
    same_quarter = (today.year, (today.month - 1) // 3) == (late.issued_on.year, (late.issued_on.month - 1) // 3)
    for tps in ["150,00"] if same_quarter else ["50,00", "100,00"]:
        assert f'<td class="num">{tps}{NBSP}$</td>' in page
    # Dates in the reader's language.
    assert f"{FRENCH_MONTHS[today.month - 1]} {today.year}" in page


def test_the_page_in_english_for_an_english_reader(client, freelancer):
    bill(freelancer, timezone.localdate(), "1000.00")
    client.force_login(freelancer)
    page = client.get(reverse("books"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My books" in page and "GST and QST collected per quarter" in page and "$1,149.75" in page


def test_a_client_without_freelancer_profile_is_refused(client):
    client.force_login(UserFactory())
    response = client.get(reverse("books"))
    assert response.status_code == 403
    assert "réservés aux pigistes" in response.content.decode()
    assert client.get(reverse("books-csv")).status_code == 403


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("books"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_page_takes_a_few_queries_whatever_the_number_of_invoices(
    client, freelancer, django_assert_max_num_queries
):
    today = timezone.localdate()
    for days in range(0, 300, 10):
        bill(freelancer, today - datetime.timedelta(days=days), due=today - datetime.timedelta(days=days // 2))
    client.force_login(freelancer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("books")).status_code == 200


def test_csv_download_from_the_page(client, freelancer):
    bill(freelancer, datetime.date(2026, 1, 15), "1000.00", number=1, client_name="Théâtre d'Été")
    bill(freelancer, datetime.date(2026, 2, 15), "1000.00", number=2, status=InvoiceStatus.CANCELLED)
    client.force_login(freelancer)

    response = client.get(reverse("books-csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="factures.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffNuméro,Date de la facture,")
    assert "1,2026-01-15,2026-02-14,Théâtre d'Été,1000.00,50.00,99.75,1149.75,Émise,," in text
    assert "2,2026-02-15,2026-03-17," in text and ",Annulée,," in text


def test_bad_dates_come_back_on_the_page_with_a_clear_error(client, freelancer):
    bill(freelancer, timezone.localdate(), "1000.00")
    client.force_login(freelancer)

    response = client.get(reverse("books-csv"), {"from": "31/01/2026", "to": "2026-02-30"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert page.count("Entrez une date valide (AAAA-MM-JJ), par exemple 2026-01-31.") == 2
    assert 'value="31/01/2026"' in page and 'aria-invalid="true"' in page
    backwards = client.get(reverse("books-csv"), {"from": "2026-03-01", "to": "2026-01-01"}).content.decode()
    assert "La date de fin doit suivre la date de début." in backwards


def test_the_dashboard_links_a_freelancer_to_the_books(client, freelancer):
    client.force_login(freelancer)
    assert reverse("books") in client.get(reverse("dashboard")).content.decode()
    client.force_login(UserFactory())
    assert reverse("books") not in client.get(reverse("dashboard")).content.decode()


def test_the_chart_has_a_bar_per_month_with_figures_and_no_comma_coordinates(client, freelancer):
    today = timezone.localdate()
    for months_back in range(12):
        index = today.year * 12 + today.month - 1 - months_back
        bill(freelancer, datetime.date(index // 12, index % 12 + 1, 1), str(Decimal(100 * (months_back + 1))))
    client.force_login(freelancer)
    page = client.get(reverse("books")).content.decode()
    assert page.count('class="bar-invoiced"') == 12
    assert page.count('class="bar-paid"') == 0
    svg = page[page.index('<figure class="books-chart">') : page.index("</figure>")]
    coordinates = re.findall(r' (?:x|y|width|height)="([^"]*)"', svg)
    assert len(coordinates) > 48 and all(re.fullmatch(r"[0-9]+(\.[0-9]+)?%?", c) for c in coordinates), coordinates


@pytest.mark.parametrize(
    ("largest", "labels"),
    [
        ("4081.52", ["0 $", "1 500 $", "3 000 $", "4 500 $"]),
        ("1149.75", ["0 $", "300 $", "600 $", "900 $", "1 200 $"]),
        ("0", ["0 $", "1 $"]),
    ],
)
def test_the_chart_scale_is_round_and_holds_the_largest_bar(largest, labels):
    from invoicing.books import Month
    from invoicing.views.books import _chart

    months = [Month(month=datetime.date(2026, m, 1)) for m in range(1, 13)]
    months[3].paid_total = Decimal(largest)
    chart = _chart(months)
    assert [line["label"].replace(NNBSP, " ").replace(NBSP, " ") for line in chart["grid"]] == labels
    assert chart["columns"][3]["paid"]["y"] >= chart["grid"][-1]["y"]
