"""An invoice's payment in Debian's Chromium, desktop (1280) and phone (390): the client acknowledges it and marks
it paid, the freelancer says the money never came, the client marks it paid again, the freelancer confirms; each
button asks to confirm first, and axe-core finds no serious violation on the panel or the confirmation pages."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from invoicing.models import Invoice, InvoiceStatus
from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.browser.test_accessibility import AXE_JS, AXE_RUN, FAILING_IMPACTS, FAILING_RULES
from tests.factories import FreelancerProfileFactory, InvoiceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
SHOTS = Path("/tmp/shots/invoices-payment")


@pytest.fixture(autouse=True)
def _browser_settings(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.ELASTICSEARCH_URL = ""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _world() -> Invoice:
    client = UserFactory(name="Fromagerie du Littoral", email="fromagerie@exemple.qc.ca")
    freelancer = FreelancerProfileFactory(display_name="Julie Ouellet").user
    today = timezone.localdate()
    return InvoiceFactory(
        client=client,
        freelancer=freelancer,
        number=12,
        client_name="Fromagerie du Littoral",
        freelancer_name="Julie Ouellet",
        acknowledged_at=None,  # agreed outside an engagement: the client acknowledges it first
        issued_on=today - datetime.timedelta(days=12),
        due_on=today + datetime.timedelta(days=18),
    )


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


def _status(invoice) -> str:
    return off_the_browser_thread(lambda: Invoice.objects.get(pk=invoice.pk).status)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_payment_path_on_the_invoice_page(asgi_server, new_page, phone):
    invoice = off_the_browser_thread(_world)
    detail = f"{asgi_server.url}/factures/{invoice.pk}/"
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

    client = _open_as(new_page, asgi_server, invoice.client, phone)
    client.goto(detail)
    panel = client.locator("#paiement")
    assert panel.get_by_role("button", name="Reconnaître cette facture").is_visible()
    assert panel.get_by_label("Date du paiement").input_value() == timezone.localdate().isoformat()
    _check(client, "1-client-panel", phone)

    panel.get_by_role("button", name="Reconnaître cette facture").click()
    client.wait_for_url("**/reconnaitre/")
    assert client.get_by_role("heading", name="Reconnaître la facture n° 12 ?").is_visible()
    _check(client, "2-client-acknowledge-confirm", phone)
    client.get_by_role("button", name="Oui, reconnaître cette facture").click()
    client.wait_for_url(f"**/factures/{invoice.pk}/#paiement")
    assert "Facture reconnue" in client.content()

    client.locator("#paiement").get_by_label("Date du paiement").fill(yesterday)
    client.locator("#paiement").get_by_role("button", name="Marquer comme payée").click()
    client.wait_for_url("**/payee/")
    assert client.get_by_label("Date du paiement").input_value() == yesterday
    _check(client, "3-client-mark-paid-confirm", phone)
    client.get_by_role("button", name="Oui, marquer comme payée").click()
    client.wait_for_url(f"**/factures/{invoice.pk}/#paiement")
    assert _status(invoice) == InvoiceStatus.PAID

    freelancer = _open_as(new_page, asgi_server, invoice.freelancer, phone)
    freelancer.goto(detail)
    panel = freelancer.locator("#paiement")
    assert panel.get_by_label("Date de réception").input_value() == yesterday
    _check(freelancer, "4-freelancer-panel", phone)
    panel.get_by_label("Paiement non reçu ? Dites-le au client").fill("Rien reçu sur le compte au 30 novembre.")
    panel.get_by_role("button", name="Paiement non reçu").click()
    freelancer.wait_for_url("**/paiement-non-recu/")
    _check(freelancer, "5-freelancer-dispute-confirm", phone)
    freelancer.get_by_role("button", name="Oui, signaler le paiement non reçu").click()
    freelancer.wait_for_url(f"**/factures/{invoice.pk}/#paiement")
    assert _status(invoice) == InvoiceStatus.DISPUTED

    client.goto(detail)
    assert "Rien reçu sur le compte au 30 novembre." in client.locator("#paiement").inner_text()
    _check(client, "6-client-after-dispute", phone)
    client.locator("#paiement").get_by_role("button", name="Marquer comme payée").click()
    client.get_by_role("button", name="Oui, marquer comme payée").click()
    client.wait_for_url(f"**/factures/{invoice.pk}/#paiement")

    freelancer.goto(detail)
    freelancer.locator("#paiement").get_by_role("button", name="Confirmer la réception").click()
    freelancer.wait_for_url("**/reception/")
    _check(freelancer, "7-freelancer-confirm-receipt", phone)
    freelancer.get_by_role("button", name="Oui, confirmer la réception").click()
    freelancer.wait_for_url(f"**/factures/{invoice.pk}/#paiement")
    assert _status(invoice) == InvoiceStatus.CONFIRMED
    history = freelancer.locator("#paiement ol").inner_text()
    for line in ("Facture reconnue par le client", "Marquée payée par le client", "Réception confirmée"):
        assert line in history
    _check(freelancer, "8-freelancer-confirmed", phone)
