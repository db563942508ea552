"""« Mes livres » in Debian's Chromium at 1280 and 390 px with a year of invoices: the chart is drawn and fits,
its figures are in the table, a bad export date comes back with its message, the CSV downloads; axe-core finds
no serious violation."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from invoicing.models import InvoiceStatus
from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.browser.test_accessibility import AXE_JS, AXE_RUN, FAILING_IMPACTS, FAILING_RULES
from tests.factories import FreelancerProfileFactory, UserFactory
from tests.invoicing.test_books import bill

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
SHOTS = Path("/tmp/shots/books")
CLIENTS = ["Fromagerie du Littoral", "Café Ébène", "Érablière Côté & fils", "Théâtre d'Été"]


@pytest.fixture(autouse=True)
def _browser_settings(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.ELASTICSEARCH_URL = ""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _year_of_invoices():
    """A freelancer with two invoices a month for a year: most paid a few weeks later, some late, one cancelled."""
    freelancer = FreelancerProfileFactory(display_name="Julie Ouellet").user
    clients = [UserFactory(name=name) for name in CLIENTS]
    today = timezone.localdate()
    number = 0
    for months_back in range(12, -1, -1):
        index = today.year * 12 + today.month - 1 - months_back
        for day, amount in ((1, 800 + 150 * (months_back % 5)), (17, 1200 + 300 * (months_back % 3))):
            issued = datetime.date(index // 12, index % 12 + 1, day)
            if issued > today:
                continue
            number += 1
            client = clients[number % len(clients)]
            received = issued + datetime.timedelta(days=25 + number % 20)
            paid = received <= today and number % 6 != 0
            bill(
                freelancer,
                issued,
                str(Decimal(amount)),
                number=number,
                client=client,
                client_name=client.name,
                status=InvoiceStatus.CONFIRMED if paid else InvoiceStatus.ISSUED,
                received=received if paid else None,
            )
    bill(freelancer, today, "640.00", number=number + 1, status=InvoiceStatus.CANCELLED, client_name="Annulé inc.")
    return freelancer


def _open_as(new_page, asgi_server, user, phone):
    page = new_page(phone=phone)
    page.context.add_init_script(path=str(AXE_JS))
    name, value = session_cookie_for(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": asgi_server.url}])
    return page


def _check(page, name: str, phone: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{'390' if phone else '1280'}.png"), full_page=True)
    violations = page.evaluate(AXE_RUN, [list(FAILING_IMPACTS), list(FAILING_RULES)])
    assert violations == [], violations


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_books_read_well_on_desktop_and_phone(asgi_server, new_page, phone):
    freelancer = off_the_browser_thread(_year_of_invoices)
    page = _open_as(new_page, asgi_server, freelancer, phone)
    page.goto(f"{asgi_server.url}/factures/livres/")

    chart = page.get_by_role("img", name="Facturé et payé par mois, taxes incluses")
    assert page.locator(".books-chart rect.bar-invoiced").count() == 12
    assert page.locator(".books-chart rect.bar-paid").count() >= 10
    # Nothing wider than the screen: the chart scales, the tables scroll inside their card if they must.
    width = 390 if phone else 1280
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = chart.bounding_box()
    assert box["width"] > (240 if phone else 900) and box["x"] + box["width"] <= width
    # On a phone the months are initials; on a desktop their short names.
    label = page.locator(".books-chart .label-short" if phone else ".books-chart .label-long").first
    assert label.is_visible()
    assert page.locator("#table-par-mois tbody tr").count() == 12
    for table in ("par-mois", "impayees", "taxes"):  # every column on screen, no sideways scrolling
        assert page.evaluate(
            f"(e => e.scrollWidth <= e.clientWidth)(document.querySelector('#table-{table}').parentNode)"
        )
    assert page.locator("#table-taxes tbody tr").count() == 8
    _check(page, "books", phone)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".books-chart").screenshot(path=str(SHOTS / f"chart-{'390' if phone else '1280'}.png"))

    page.goto(f"{asgi_server.url}/factures/livres/factures.csv?from=01/01/2026")
    assert page.get_by_text("Entrez une date valide (AAAA-MM-JJ), par exemple 2026-01-31.").is_visible()
    _check(page, "books-bad-date", phone)


def test_the_csv_downloads_from_the_page(asgi_server, new_page):
    freelancer = off_the_browser_thread(_year_of_invoices)
    page = _open_as(new_page, asgi_server, freelancer, False)
    page.goto(f"{asgi_server.url}/factures/livres/")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger le CSV").click()
    download = download_info.value
    assert download.suggested_filename == "factures.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbfNum\xc3\xa9ro,")
    text = data.decode("utf-8")
    assert "Érablière Côté & fils" in text and ",Annulée," in text
