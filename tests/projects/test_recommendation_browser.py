"""Acceptance in Chromium: invitation → "pas disponible — je recommande…" → the client invites the colleague in one
click → the colleague quotes; and "Recommander à un collègue" from an open project."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from projects.models import Invitation, InvitationStatus, Quote, Recommendation, Visibility
from projects.services import invitation_send
from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.factories import FreelancerProfileFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.embedded

SHOTS = Path("/tmp/shots/recommend")


def _signed_in(new_page, base, user, *, phone=False):
    page = new_page(phone=phone)
    name, value = session_cookie_for(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": base}])
    return page


def _shot(page, name: str, phone: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # a full-page capture taken mid-page repeats the sticky header
    page.screenshot(path=str(SHOTS / f"{name}-{390 if phone else 1280}.png"), full_page=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_pass_on_then_the_client_invites_the_colleague_who_quotes(asgi_server, new_page, phone):
    base = asgi_server.url
    owner = UserFactory(name="Fromagerie du Littoral")
    # Invite-only: the colleague sees the project only once the client invites them.
    project = ProjectFactory(owner=owner, title="Photos du nouveau menu", visibility=Visibility.INVITED)
    julie = FreelancerProfileFactory(display_name="Julie Gagnon")
    lea = FreelancerProfileFactory(display_name="Léa Bouchard", headline="Photographe culinaire à Kamouraska")
    off_the_browser_thread(
        invitation_send, user=owner, project_id=project.pk, freelancer_profile_id=julie.pk, message="Bonjour Julie"
    )
    project_url = f"{base}/projets/{project.pk}/"

    # The invited freelancer is booked: she passes it on to Léa.
    page = _signed_in(new_page, base, julie.user, phone=phone)
    page.goto(project_url)
    answer = page.locator("#invitation-answer")
    expect(answer.get_by_role("button", name="Je soumissionne")).to_be_visible()
    answer.get_by_text("Pas disponible — je recommande…").click()
    answer.get_by_label("Collègue 1").fill("Léa Bouchard")
    answer.get_by_label("Un mot pour le client et vos collègues (facultatif)").fill(
        "Léa a photographié les plats du bistro voisin, très beau travail."
    )
    _shot(page, "answer-form", phone)
    with page.expect_navigation():
        answer.get_by_role("button", name="Recommander au client").click()
    expect(page.get_by_text("Merci ! Le client voit votre recommandation")).to_be_visible()
    expect(page.locator("#invitation-answer")).to_have_count(0)

    # The client sees Léa's card, who recommended her and why, and invites her in one click.
    client_page = _signed_in(new_page, base, owner, phone=phone)
    client_page.goto(f"{project_url}#recommendations")
    card = client_page.locator("#recommendations .recommended")
    expect(card.get_by_role("link", name="Léa Bouchard")).to_be_visible()
    expect(card.get_by_text("Photographe culinaire à Kamouraska")).to_be_visible()
    expect(card.get_by_text("Recommandé·e par Julie Gagnon")).to_be_visible()
    expect(card.get_by_text("très beau travail")).to_be_visible()
    expect(client_page.locator("#invitations").get_by_text("Pas disponible")).to_be_visible()
    _shot(client_page, "client-recommendations", phone)
    with client_page.expect_navigation():
        card.get_by_role("button", name="Inviter Léa Bouchard").click()
    expect(client_page.get_by_text("Invitation envoyée à Léa Bouchard.")).to_be_visible()
    expect(client_page.locator("#recommendations").get_by_text("Invité·e")).to_be_visible()
    _shot(client_page, "client-recommendations-invited", phone)

    # Léa, now invited, quotes.
    lea_page = _signed_in(new_page, base, lea.user, phone=phone)
    lea_page.goto(project_url)
    expect(lea_page.locator("#invitation-answer")).to_be_visible()
    form = lea_page.locator("#quote-form")
    form.locator("input[name=pricing][value=fixed]").check()
    form.locator("#id_amount").fill("850")
    form.locator("#id_delivery_days").fill("10")
    form.locator("input[name=charges_taxes][value='1']").check()
    form.locator("#id_message").fill("Bonjour, Julie m'a recommandée : voici ma soumission pour les photos du menu.")
    form.get_by_role("button", name="Envoyer ma soumission").click()
    lea_page.wait_for_url(f"{project_url}#my-quote")
    expect(lea_page.get_by_text("Votre soumission est envoyée.")).to_be_visible()

    quote = Quote.objects.get(project=project)
    assert quote.freelancer == lea.user
    invitation = Invitation.objects.get(project=project, freelancer=lea.user)
    assert invitation.status == InvitationStatus.ACCEPTED
    assert Recommendation.objects.get().invitation == invitation
    assert Invitation.objects.get(project=project, freelancer=julie.user).status == InvitationStatus.UNAVAILABLE
    # Her profile now says one colleague recommended her, without naming Julie.
    lea_page.goto(f"{base}/pigistes/{lea.pk}/")
    expect(lea_page.get_by_text("recommandé·e par 1 collègue")).to_be_visible()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_any_freelancer_sends_an_open_project_to_a_colleague(asgi_server, new_page, phone):
    base = asgi_server.url
    project = ProjectFactory(title="Étiquettes pour nos fromages")
    marc = FreelancerProfileFactory(display_name="Marc Pelletier")
    lea = FreelancerProfileFactory(display_name="Léa Bouchard")

    page = _signed_in(new_page, base, marc.user, phone=phone)
    page.goto(f"{base}/projets/{project.pk}/")
    recommend = page.locator("#recommend")
    recommend.get_by_text("Recommander à un collègue").click()
    recommend.get_by_label("Collègue 1").fill(f"{base}/pigistes/{lea.pk}/")
    recommend.get_by_label("Un mot pour le client et vos collègues (facultatif)").fill("Ça te ressemble !")
    _shot(page, "recommend-form", phone)
    with page.expect_navigation():
        recommend.get_by_role("button", name="Envoyer à mon collègue").click()

    expect(page.get_by_text("Projet recommandé à Léa Bouchard.")).to_be_visible()
    assert Recommendation.objects.get().colleague == lea.user
