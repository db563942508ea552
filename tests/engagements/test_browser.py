"""The engagement page in Debian's Chromium, desktop (1280) and phone (390), for the client and the freelancer:
agreed terms, milestones, a delivery sent back then delivered again, approved from the page; axe-core finds
no serious violation."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from engagements import services
from engagements.models import DeliveryStatus, Engagement
from projects import services as project_services
from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.browser.test_accessibility import AXE_JS, AXE_RUN, FAILING_IMPACTS, FAILING_RULES
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory
from tests.privacy.factories import PDF_BYTES

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/h9")


@pytest.fixture(autouse=True)
def _browser_settings(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.ELASTICSEARCH_URL = ""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _world() -> Engagement:
    client = UserFactory(name="Fromagerie du Littoral", email="fromagerie@exemple.qc.ca")
    freelancer = FreelancerProfileFactory(display_name="Julie Ouellet").user
    project = ProjectFactory(owner=client, title="Site web de la Fromagerie du Littoral")
    quote = QuoteFactory(project=project, freelancer=freelancer, amount="3500.00")
    quote.line_items.create(description="Maquettes et identité", amount="1500.00", position=0)
    quote.line_items.create(description="Intégration bilingue", amount="2000.00", position=1)
    project_services.quote_accept(user=client, quote_id=quote.pk)
    engagement = quote.engagement
    soon = timezone.localdate() + datetime.timedelta(days=10)
    services.milestones_propose(
        user=freelancer,
        engagement_id=engagement.pk,
        items=[
            {"title": "Maquettes", "amount": "1500", "due_on": soon},
            {"title": "Site en ligne", "amount": "2000", "due_on": soon + datetime.timedelta(days=20)},
        ],
    )
    first, _second = services.milestones_accept(user=client, engagement_id=engagement.pk)
    delivery = services.delivery_submit(
        user=freelancer,
        engagement_id=engagement.pk,
        milestone_id=first.pk,
        message="Voici trois pistes de maquettes.",
        uploads=[SimpleUploadedFile("maquettes.pdf", PDF_BYTES)],
    )
    services.delivery_request_changes(
        user=client, engagement_id=engagement.pk, delivery_id=delivery.pk, reason="Le bleu est trop foncé."
    )
    services.delivery_submit(
        user=freelancer, engagement_id=engagement.pk, milestone_id=first.pk, message="Bleu éclairci, comme demandé."
    )
    return engagement


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
def test_both_sides_follow_the_engagement_and_the_client_approves_from_the_page(asgi_server, new_page, phone):
    engagement = off_the_browser_thread(_world)
    url = f"{asgi_server.url}/mandats/{engagement.pk}/"

    freelancer_page = _open_as(new_page, asgi_server, engagement.freelancer, phone)
    freelancer_page.goto(url)
    assert "En attente de la réponse du client." in freelancer_page.inner_text("main")
    assert freelancer_page.get_by_role("button", name="Marquer comme livré").is_visible()
    _check(freelancer_page, "engagement-freelancer", phone)

    page = _open_as(new_page, asgi_server, engagement.client, phone)
    page.goto(url)
    main = page.inner_text("main")
    assert "Maquettes et identité" in main and "Le bleu est trop foncé." in main
    _check(page, "engagement-client", phone)

    page.get_by_role("button", name="Approuver la livraison").click()
    page.wait_for_url(f"**/mandats/{engagement.pk}/#livraisons")
    assert page.get_by_text("Livraison approuvée.").first.is_visible()
    _check(page, "engagement-client-approved", phone)
    statuses = off_the_browser_thread(lambda: list(engagement.deliveries.values_list("status", flat=True)))
    assert statuses.count(DeliveryStatus.APPROVED) == 1
