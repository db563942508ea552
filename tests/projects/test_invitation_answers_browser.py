"""Answering an invitation in Chromium: the dashboard's buttons, and the answer on the client's project page."""

import pytest

from projects.services import invitation_send
from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.factories import FreelancerProfileFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.embedded


def _signed_in(new_page, base, user, *, phone=False):
    page = new_page(phone=phone)
    name, value = session_cookie_for(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": base}])
    return page


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_freelancer_declines_from_the_dashboard_and_the_client_sees_it(asgi_server, new_page, screenshot, phone):
    base = asgi_server.url
    owner = UserFactory(name="Fromagerie du Littoral")
    project = ProjectFactory(owner=owner, title="Étiquettes pour nos fromages")
    profile = FreelancerProfileFactory(display_name="Julie Gagnon")
    off_the_browser_thread(
        invitation_send, user=owner, project_id=project.pk, freelancer_profile_id=profile.pk, message="Bonjour Julie"
    )
    page = _signed_in(new_page, base, profile.user, phone=phone)

    page.goto(f"{base}/tableau-de-bord/")
    invitation = page.locator(".invitation")
    decline = invitation.get_by_role("button", name="Décliner l'invitation : Étiquettes pour nos fromages")
    assert invitation.get_by_role("button", name="Accepter l'invitation : Étiquettes pour nos fromages").is_visible()
    screenshot(page, f"projects-dashboard-invitation-{'phone' if phone else 'desktop'}")
    with page.expect_navigation():
        decline.click()

    assert page.get_by_text("Invitation déclinée.").is_visible()
    assert page.locator(".invitation").count() == 0
    client_page = _signed_in(new_page, base, owner, phone=phone)
    client_page.goto(f"{base}/projets/{project.pk}/#invitations")
    assert client_page.locator("#invitations").get_by_text("Déclinée").is_visible()
    client_page.evaluate("window.scrollTo(0, 0)")  # a full-page capture taken mid-page repeats the sticky header
    screenshot(client_page, f"projects-invitation-declined-owner-{'phone' if phone else 'desktop'}")
