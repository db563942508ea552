"""Issuing an invoice in Debian's Chromium, desktop (1280) and phone (390): a freelancer with an approved milestone
fills their billing details, sees the total computed live, issues the invoice and opens its PDF; the client reads
it. axe-core finds no serious violation on any of these pages."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.browser.test_accessibility import AXE_JS, AXE_RUN, FAILING_IMPACTS, FAILING_RULES
from tests.factories import FreelancerProfileFactory, MunicipalityFactory, ProjectFactory, QuoteFactory, UserFactory
from tests.invoicing.issuing_setup import approve_first_milestone

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/invoices-issuing")


@pytest.fixture(autouse=True)
def _browser_settings(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.ELASTICSEARCH_URL = ""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _world():
    client = UserFactory(name="Fromagerie du Littoral", email="fromagerie@exemple.qc.ca")
    freelancer = FreelancerProfileFactory(display_name="Julie Ouellet").user
    project = ProjectFactory(owner=client, title="Site web de la Fromagerie du Littoral")
    quote = QuoteFactory(project=project, freelancer=freelancer, amount="3500.00")
    quote.line_items.create(description="Maquettes et identité", amount="1500.00", position=0)
    quote.line_items.create(description="Intégration bilingue", amount="2000.00", position=1)
    from projects import services as project_services

    project_services.quote_accept(user=client, quote_id=quote.pk)
    milestone = approve_first_milestone(quote.engagement)
    place = MunicipalityFactory(name="Saint-Jean-Port-Joli")
    return milestone, place


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
def test_a_freelancer_fills_billing_details_issues_an_invoice_and_opens_its_pdf(asgi_server, new_page, phone):
    milestone, place = off_the_browser_thread(_world)
    engagement = milestone.engagement
    page = _open_as(new_page, asgi_server, engagement.freelancer, phone)

    page.goto(f"{asgi_server.url}/mandats/{engagement.pk}/")
    page.get_by_role("link", name="Facturer Maquettes").click()
    page.wait_for_url("**/factures/nouvelle/?milestone=*")
    assert "entrez vos coordonnées de facturation" in page.inner_text("main")
    _check(page, "form-without-billing", phone)

    page.get_by_role("link", name="Entrer mes coordonnées de facturation").click()
    page.wait_for_url("**/mon-compte/facturation/**")
    page.get_by_label("Nom légal").fill("Julie Ouellet, design graphique")
    page.get_by_label("Adresse").fill("12, rue de l'Église")
    page.get_by_label("Municipalité").fill("Saint-Jean-Port")
    page.get_by_role("option", name="Saint-Jean-Port-Joli").first.click()
    page.get_by_label("Code postal").fill("g0r1g0")
    page.get_by_label("Numéro de TPS").fill("123456789 RT 0001")
    page.get_by_label("Numéro de TVQ").fill("1234567890 TQ 0001")
    _check(page, "billing", phone)
    page.get_by_role("button", name="Enregistrer").click()

    page.wait_for_url("**/factures/nouvelle/?milestone=*")
    main = page.inner_text("main")
    assert "Émise au nom de Julie Ouellet, design graphique" in main
    totals = page.locator("[data-invoice-totals]")
    assert "1\u202f724,63\u00a0$" in totals.inner_text()  # 1 500 $ + 75,00 $ + 149,63 $
    # A second line: the total follows as it is typed.
    page.locator('input[name="lines-1-description"]').fill("Révisions")
    page.locator('input[name="lines-1-quantity"]').fill("2")
    page.locator('input[name="lines-1-unit_price"]').fill("50")
    assert "1\u202f839,60\u00a0$" in totals.inner_text()  # 1 600 $ + 80,00 $ + 159,60 $
    _check(page, "form", phone)
    page.get_by_role("button", name="Émettre la facture").click()

    page.wait_for_url("**/factures/*/")
    assert "Facture n° 1 émise : le client en est avisé." in page.inner_text("body")
    main = page.inner_text("main")
    assert "Julie Ouellet, design graphique" in main and "Saint-Jean-Port-Joli (Québec) G0R 1G0" in main
    assert "1\u202f839,60\u00a0$" in main
    _check(page, "detail-freelancer", phone)

    pdf_link = page.get_by_role("link", name="Télécharger le PDF")
    response = page.request.get(asgi_server.url + pdf_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.body())).pages[0].extract_text().replace("\u00a0", " ")
    for expected in ("Facture n° 1", "N° de TPS : 123456789RT0001", "1 600,00 $", "80,00 $", "159,60 $", "1 839,60 $"):
        assert expected in text, expected

    page.goto(f"{asgi_server.url}/factures/")
    _check(page, "list-freelancer", phone)

    client_page = _open_as(new_page, asgi_server, engagement.client, phone)
    client_page.goto(f"{asgi_server.url}/factures/")
    client_page.get_by_role("link", name="n° 1").click()
    assert "Julie Ouellet, design graphique" in client_page.inner_text("main")
    assert not client_page.get_by_role("button", name="Annuler la facture").count()
    _check(client_page, "detail-client", phone)
