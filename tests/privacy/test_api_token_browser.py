"""The API token section of the account page in Chromium, desktop and phone: create, see it once, revoke."""

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.embedded

PASSWORD = "motdepasse-solide-123"


def _login(page, base, email):
    page.goto(f"{base}/comptes/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_url(lambda url: "/comptes/login/" not in url)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_member_creates_copies_and_revokes_their_api_token(asgi_server, new_page, screenshot, phone):
    base = asgi_server.url
    member = UserFactory(email="josee@exemple.qc.ca", name="Josée Tremblay")
    page = new_page(phone=phone)
    _login(page, base, "josee@exemple.qc.ca")
    page.goto(f"{base}/compte/confidentialite/#api")
    section = page.locator("#api")

    with page.expect_navigation():
        section.get_by_role("button", name="Créer un jeton").click()

    key = Token.objects.get(user=member).key
    field = page.get_by_label("Votre nouveau jeton : copiez-le maintenant, il ne sera plus affiché.")
    assert field.input_value() == key
    box = field.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    # The form posts to …#api: the browser lands on the section, not at the top of the page.
    assert page.url.endswith("#api")
    page.evaluate("window.scrollTo(0, 0)")  # a full-page capture taken mid-page repeats the sticky header
    screenshot(page, f"privacy-api-token-{'phone' if phone else 'desktop'}")

    page.goto(f"{base}/compte/confidentialite/")
    assert key not in page.content()
    with page.expect_navigation():
        page.locator("#api").get_by_role("button", name="Révoquer le jeton").click()
    assert page.get_by_text("Jeton révoqué : il ne donne plus accès à votre compte.").is_visible()
    assert not Token.objects.filter(user=member).exists()
    assert page.locator("#api").get_by_role("button", name="Créer un jeton").is_visible()
