"""The whole path after a quote in Debian's Chromium (desktop, 1280), clicked as users do: the client accepts, the
freelancer delivers, the client asks for changes, the freelancer delivers again, the client approves; the
freelancer issues the invoice (its PDF read back), the client marks it paid, the freelancer confirms receipt,
and the client's payment record changes. Then the 14-day automatic approval, with a moved clock."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from engagements import services as engagement_services
from engagements.models import DeliveryStatus, Engagement, EngagementStatus
from invoicing.models import Invoice, InvoiceStatus
from invoicing.taxes import invoice_totals
from marketplace.common.money import format_money as money
from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.factories import FreelancerProfileFactory, MunicipalityFactory, ProjectFactory, QuoteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
SHOTS = Path("/tmp/shots/whole-path")


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch, settings):
    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls are synchronous.
    settings.ELASTICSEARCH_URL = ""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _world() -> dict:
    client = UserFactory(name="Fromagerie du Littoral", email="fromagerie@exemple.qc.ca")
    freelancer = FreelancerProfileFactory(display_name="Julie Ouellet").user
    project = ProjectFactory(owner=client, title="Site web de la Fromagerie du Littoral")
    quote = QuoteFactory(project=project, freelancer=freelancer, amount="3500.00")
    quote.line_items.create(description="Maquettes et identité", amount="1500.00", position=0)
    quote.line_items.create(description="Intégration bilingue", amount="2000.00", position=1)
    MunicipalityFactory(name="Saint-Jean-Port-Joli")
    return {"client": client, "freelancer": freelancer, "project": project, "quote": quote}


def _open_as(new_page, asgi_server, user):
    page = new_page()
    name, value = session_cookie_for(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": asgi_server.url}])
    return page


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)


def _spaced(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _figure(page, label: str) -> str:
    """The figure beside `label` in the client's payment record."""
    return page.locator("#dossier-paiement .record-figures div").filter(has_text=label).locator("dd").inner_text()


def _accept_quote(asgi_server, client_page, world) -> Engagement:
    client_page.goto(f"{asgi_server.url}/projets/{world['project'].pk}/")
    client_page.locator(f"#quote-{world['quote'].pk}").get_by_role("link", name="Accepter").click()
    client_page.wait_for_url("**/accepter/")
    _shot(client_page, "01-client-accept-confirm")
    client_page.get_by_role("button", name="Oui, accepter cette soumission").click()
    client_page.wait_for_url(f"**/projets/{world['project'].pk}/#quotes")
    return off_the_browser_thread(
        lambda: Engagement.objects.select_related("client", "freelancer").get(quote=world["quote"])
    )


def _open_engagement_from_list(asgi_server, page, title: str) -> None:
    page.goto(f"{asgi_server.url}/mandats/")
    page.get_by_role("link", name=title).click()
    page.wait_for_url("**/mandats/*/")


def _deliver(page, message: str) -> None:
    page.locator("#deliver-message").fill(message)
    page.get_by_role("button", name="Marquer comme livré").click()
    page.wait_for_url("**/mandats/*/#livraisons")
    assert page.get_by_text("Livraison envoyée : le client en est avisé.").first.is_visible()


def test_accept_deliver_change_deliver_approve_invoice_paid_confirmed_and_the_record(asgi_server, new_page):
    world = off_the_browser_thread(_world)
    base = asgi_server.url
    title = world["project"].title
    client_page = _open_as(new_page, asgi_server, world["client"])
    freelancer_page = _open_as(new_page, asgi_server, world["freelancer"])

    # Before: no invoice on the client's record.
    client_page.goto(f"{base}/clients/{world['client'].pk}/")
    assert (
        "Aucune facture de ce client dans les 24 derniers mois."
        in client_page.locator("#dossier-paiement").inner_text()
    )
    _shot(client_page, "00-client-record-before")

    # 1. The client accepts the quote: the engagement opens.
    engagement = _accept_quote(asgi_server, client_page, world)
    detail = f"{base}/mandats/{engagement.pk}/"

    # 2. The freelancer delivers the whole work; the client asks for changes; delivered again; approved.
    _open_engagement_from_list(asgi_server, freelancer_page, title)
    assert "3\u202f500,00\u00a0$" in freelancer_page.inner_text("main")
    _deliver(freelancer_page, "Voici le site complet, en français et en anglais.")
    assert "En attente de la réponse du client." in freelancer_page.inner_text("main")
    _shot(freelancer_page, "02-freelancer-delivered")

    client_page.goto(detail)
    assert "Voici le site complet, en français et en anglais." in client_page.inner_text("main")
    client_page.get_by_label("Demander des modifications (raison)").fill("Le menu anglais mène à une page vide.")
    client_page.get_by_role("button", name="Demander des modifications").click()
    client_page.wait_for_url(f"**/mandats/{engagement.pk}/#livraisons")
    assert client_page.get_by_text("Demande de modifications envoyée au pigiste.").first.is_visible()
    _shot(client_page, "03-client-asked-for-changes")

    freelancer_page.goto(detail)
    assert "Le menu anglais mène à une page vide." in freelancer_page.inner_text("main")
    _deliver(freelancer_page, "Menu anglais corrigé : toutes les pages sont en ligne.")

    client_page.goto(detail)
    client_page.get_by_role("button", name="Approuver la livraison").click()
    client_page.wait_for_url(f"**/mandats/{engagement.pk}/#livraisons")
    assert client_page.get_by_text("Livraison approuvée.").first.is_visible()
    assert client_page.locator("h1 + .status").inner_text() == "Terminé"
    _shot(client_page, "04-client-approved")
    statuses = off_the_browser_thread(
        lambda: list(engagement.deliveries.order_by("delivered_at").values_list("status", flat=True))
    )
    assert statuses == [DeliveryStatus.CHANGES_REQUESTED, DeliveryStatus.APPROVED]

    # 3. The freelancer fills their billing details and issues the invoice from the engagement page.
    freelancer_page.goto(detail)
    freelancer_page.get_by_role("link", name="Facturer", exact=True).click()
    freelancer_page.wait_for_url("**/factures/nouvelle/?engagement=*")
    freelancer_page.get_by_role("link", name="Entrer mes coordonnées de facturation").click()
    freelancer_page.wait_for_url("**/mon-compte/facturation/**")
    freelancer_page.get_by_label("Nom légal").fill("Julie Ouellet, design graphique")
    freelancer_page.get_by_label("Adresse").fill("12, rue de l'Église")
    freelancer_page.get_by_label("Municipalité").fill("Saint-Jean-Port")
    freelancer_page.get_by_role("option", name="Saint-Jean-Port-Joli").first.click()
    freelancer_page.get_by_label("Code postal").fill("g0r1g0")
    freelancer_page.get_by_label("Numéro de TPS").fill("123456789 RT 0001")
    freelancer_page.get_by_label("Numéro de TVQ").fill("1234567890 TQ 0001")
    freelancer_page.get_by_role("button", name="Enregistrer").click()
    freelancer_page.wait_for_url("**/factures/nouvelle/?engagement=*")

    # The worked rule (invoicing/taxes.py): 3 500,00 $ → TPS 175,00 $, TVQ 349,125 → 349,13 $, total 4 024,13 $.
    totals = invoice_totals(amounts=[Decimal("3500.00")], tax_registered=True)
    assert totals == (Decimal("3500.00"), Decimal("175.00"), Decimal("349.13"), Decimal("4024.13"))
    expected = [_spaced(money(amount)) for amount in totals]
    assert expected == ["3 500,00 $", "175,00 $", "349,13 $", "4 024,13 $"]
    shown = _spaced(freelancer_page.locator("[data-invoice-totals]").inner_text())
    for amount in expected:
        assert amount in shown, amount
    _shot(freelancer_page, "05-freelancer-invoice-form")
    freelancer_page.get_by_role("button", name="Émettre la facture").click()
    freelancer_page.wait_for_url("**/factures/*/")
    assert "Facture n° 1 émise : le client en est avisé." in freelancer_page.inner_text("body")
    _shot(freelancer_page, "06-freelancer-invoice-issued")
    invoice = off_the_browser_thread(lambda: Invoice.objects.get(engagement=engagement))
    assert (invoice.number, invoice.subtotal, invoice.tps, invoice.tvq, invoice.total) == (1, *totals)

    pdf_link = freelancer_page.get_by_role("link", name="Télécharger le PDF")
    response = freelancer_page.request.get(base + pdf_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = _spaced("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages))
    for needed in ("Facture n° 1", "N° de TPS : 123456789RT0001", "Fromagerie du Littoral", *expected):
        assert needed in text, needed

    # 4. The client opens the invoice and marks it paid today; the freelancer confirms receipt.
    today = timezone.localdate().isoformat()
    client_page.goto(f"{base}/factures/")
    client_page.get_by_role("link", name="n° 1").click()
    client_page.wait_for_url(f"**/factures/{invoice.pk}/")
    assert "4\u202f024,13\u00a0$" in client_page.inner_text("main")
    panel = client_page.locator("#paiement")
    panel.get_by_label("Date du paiement").fill(today)
    _shot(client_page, "07-client-invoice")
    panel.get_by_role("button", name="Marquer comme payée").click()
    client_page.wait_for_url("**/payee/")
    assert client_page.get_by_label("Date du paiement").input_value() == today
    client_page.get_by_role("button", name="Oui, marquer comme payée").click()
    client_page.wait_for_url(f"**/factures/{invoice.pk}/#paiement")
    assert off_the_browser_thread(lambda: Invoice.objects.get(pk=invoice.pk).status) == InvoiceStatus.PAID

    freelancer_page.goto(f"{base}/factures/{invoice.pk}/")
    freelancer_page.locator("#paiement").get_by_role("button", name="Confirmer la réception").click()
    freelancer_page.wait_for_url("**/reception/")
    freelancer_page.get_by_role("button", name="Oui, confirmer la réception").click()
    freelancer_page.wait_for_url(f"**/factures/{invoice.pk}/#paiement")
    history = freelancer_page.locator("#paiement ol").inner_text()
    assert "Marquée payée par le client" in history and "Réception confirmée" in history
    _shot(freelancer_page, "08-freelancer-confirmed")
    confirmed = off_the_browser_thread(lambda: Invoice.objects.get(pk=invoice.pk))
    assert confirmed.status == InvoiceStatus.CONFIRMED and confirmed.received_on == timezone.localdate()

    # 5. The client's record now counts the invoice, paid on time.
    client_page.goto(f"{base}/clients/{world['client'].pk}/")
    assert _figure(client_page, "Factures reçues") == "1"
    assert _figure(client_page, "Payées à temps") == "1"
    assert _figure(client_page, "Payées en retard") == "0"
    assert _figure(client_page, "Impayées après l'échéance") == "0"
    _shot(client_page, "09-client-record-after")


def test_a_delivery_left_14_days_without_an_answer_is_approved_automatically(asgi_server, new_page):
    world = off_the_browser_thread(_world)
    base = asgi_server.url
    client_page = _open_as(new_page, asgi_server, world["client"])
    freelancer_page = _open_as(new_page, asgi_server, world["freelancer"])
    engagement = _accept_quote(asgi_server, client_page, world)
    detail = f"{base}/mandats/{engagement.pk}/"

    freelancer_page.goto(detail)
    _deliver(freelancer_page, "Voici le site complet.")
    client_page.goto(detail)
    assert (
        "Sans réponse de votre part, la livraison sera approuvée automatiquement après 14 jours."
        in client_page.inner_text("main")
    )

    # The daily follow-up, with the clock moved: 13 days later only a reminder, 14 days later the approval.
    delivered_at = off_the_browser_thread(lambda: engagement.deliveries.get().delivered_at)
    follow_up = engagement_services.deliveries_follow_up
    later = off_the_browser_thread(follow_up, now=delivered_at + datetime.timedelta(days=13))
    assert later == {"reminded": 1, "approved": 0}
    client_page.reload()
    assert client_page.get_by_role("button", name="Approuver la livraison").is_visible()
    later = off_the_browser_thread(follow_up, now=delivered_at + datetime.timedelta(days=14))
    assert later == {"reminded": 0, "approved": 1}

    for name, page in (("client", client_page), ("freelancer", freelancer_page)):
        page.goto(detail)
        delivery = page.locator("#livraisons article.delivery").first
        assert delivery.locator(".status").inner_text() == "Approuvée automatiquement"
        assert "Livraison approuvée automatiquement" in page.locator("ol.history").inner_text()
        assert page.locator("h1 + .status").inner_text() == "Terminé"
        assert page.get_by_role("button", name="Approuver la livraison").count() == 0
        assert page.get_by_role("button", name="Marquer comme livré").count() == 0
        _shot(page, f"10-auto-approved-{name}")
    assert off_the_browser_thread(lambda: Engagement.objects.get(pk=engagement.pk).status) == (
        EngagementStatus.COMPLETED
    )
