"""The payment record and its contests in Debian's Chromium, desktop (1280) and phone (390): the client page,
the project page a freelancer reads before quoting, the client's contest, the freelancer's answer, staff's
decision in the admin; axe-core finds no serious violation."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from invoicing.models import ContestStatus, InvoiceStatus, PaymentContest
from projects.models import PaidAsAgreed, ProjectStatus
from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.browser.test_accessibility import AXE_JS, AXE_RUN, FAILING_IMPACTS, FAILING_RULES
from tests.factories import FreelancerProfileFactory, InvoiceFactory, ProjectFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/invoices-record")


@pytest.fixture(autouse=True)
def _browser_settings(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.ELASTICSEARCH_URL = ""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _world() -> dict:
    today = timezone.localdate()

    def ago(days):
        return today - datetime.timedelta(days=days)

    client = UserFactory(name="Fromagerie du Littoral", email="fromagerie@exemple.qc.ca")
    freelancer = FreelancerProfileFactory(display_name="Julie Ouellet").user
    for due, received in [(200, 203), (150, 150), (120, 108), (90, 60)]:
        InvoiceFactory(
            client=client,
            freelancer=freelancer,
            issued_on=ago(due + 30),
            due_on=ago(due),
            status=InvoiceStatus.CONFIRMED,
            received_on=ago(received),
        )
    InvoiceFactory(client=client, freelancer=freelancer, issued_on=ago(60), due_on=ago(30), status=InvoiceStatus.PAID)
    overdue = InvoiceFactory(
        client=client, freelancer=freelancer, issued_on=ago(45), due_on=ago(15), client_name="Fromagerie du Littoral"
    )
    InvoiceFactory(client=client, freelancer=freelancer)
    for answer in (PaidAsAgreed.YES, PaidAsAgreed.LATE):
        ReviewFactory(
            project=ProjectFactory(owner=client, status=ProjectStatus.COMPLETED),
            author=FreelancerProfileFactory().user,
            subject=client,
            author_is_client=False,
            paid_as_agreed=answer,
        )
    project = ProjectFactory(owner=client, title="Étiquettes pour les fromages affinés")
    reader = FreelancerProfileFactory(display_name="Marc Gagnon").user
    staff = UserFactory(is_staff=True, is_superuser=True, name="Équipe")
    return {
        "client": client,
        "freelancer": freelancer,
        "overdue": overdue,
        "project": project,
        "reader": reader,
        "staff": staff,
    }


def _open_as(new_page, asgi_server, user, phone):
    page = new_page(phone=phone)
    page.context.add_init_script(path=str(AXE_JS))
    if user is not None:
        name, value = session_cookie_for(user).split("=", 1)
        page.context.add_cookies([{"name": name, "value": value, "url": asgi_server.url}])
    return page


def _check(page, name: str, phone: bool, *, axe: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{'390' if phone else '1280'}.png"), full_page=True)
    if axe:
        violations = page.evaluate(AXE_RUN, [list(FAILING_IMPACTS), list(FAILING_RULES)])
        assert violations == [], violations


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_record_is_read_contested_answered_and_decided(asgi_server, new_page, phone):
    world = off_the_browser_thread(_world)
    base = asgi_server.url

    # Anyone reads the record on the client's page.
    page = _open_as(new_page, asgi_server, None, phone)
    page.goto(f"{base}/clients/{world['client'].pk}/")
    record = page.locator("#dossier-paiement")
    assert record.locator("dd").first.inner_text() == "7"
    assert "Délai médian : 6 jours après l'échéance" in record.inner_text()
    assert "Dont 1 payée selon le client, non confirmée par le pigiste." in record.inner_text()
    assert "1 oui, 1 en retard, sur 2 réponses." in record.inner_text()
    _check(page, "client-page", phone)

    # A freelancer reads it beside the project before quoting.
    page = _open_as(new_page, asgi_server, world["reader"], phone)
    page.goto(f"{base}/projets/{world['project'].pk}/")
    card = page.locator(".client-card")
    assert "7 factures reçues en 24 mois" in card.inner_text()
    assert "2 impayées après l'échéance" in card.inner_text()
    _check(page, "project-page-freelancer", phone)

    # The client contests the overdue invoice.
    page = _open_as(new_page, asgi_server, world["client"], phone)
    page.goto(f"{base}/factures/{world['overdue'].pk}/contester/")
    page.get_by_role("button", name="Envoyer la contestation").click()
    assert page.get_by_text("Ce champ est obligatoire.").is_visible()
    _check(page, "contest-form-error", phone)
    page.get_by_role("textbox", name="Explication").fill(
        "Payé par chèque n° 482 le 3 novembre ; la banque confirme l'encaissement."
    )
    _check(page, "contest-form", phone)
    page.get_by_role("button", name="Envoyer la contestation").click()
    page.wait_for_url("**/contestations/*/")
    assert page.get_by_text("Contestation envoyée").first.is_visible()
    _check(page, "contest-detail-client-open", phone)
    contest = off_the_browser_thread(lambda: PaymentContest.objects.get(invoice=world["overdue"]))

    # The freelancer answers once.
    page = _open_as(new_page, asgi_server, world["freelancer"], phone)
    page.goto(f"{base}/contestations/{contest.pk}/")
    _check(page, "contest-detail-freelancer-form", phone)
    page.get_by_role("textbox", name="Votre réponse").fill(
        "Aucun chèque reçu : le relevé du mois de novembre est joint au dossier."
    )
    page.get_by_role("button", name="Envoyer ma réponse").click()
    assert page.get_by_text("Réponse envoyée").first.is_visible()
    assert page.get_by_role("button", name="Envoyer ma réponse").count() == 0

    # Staff decide in the admin.
    page = _open_as(new_page, asgi_server, world["staff"], phone)
    page.goto(f"{base}/admin/invoicing/paymentcontest/{contest.pk}/change/")
    assert "Aucun chèque reçu" in page.inner_text("body")
    page.locator("select[name=decision]").select_option("0")
    page.locator("textarea[name=decision_note]").fill("Le client n'a pas fourni la preuve de l'encaissement.")
    _check(page, "contest-admin", phone, axe=False)  # Django's own admin templates
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/invoicing/paymentcontest/")
    decided = off_the_browser_thread(lambda: PaymentContest.objects.get(pk=contest.pk))
    assert decided.status == ContestStatus.REJECTED and decided.decided_by_id == world["staff"].pk

    page = _open_as(new_page, asgi_server, world["client"], phone)
    page.goto(f"{base}/contestations/{contest.pk}/")
    assert "Le client n'a pas fourni la preuve" in page.inner_text("main")
    _check(page, "contest-detail-decided", phone)
