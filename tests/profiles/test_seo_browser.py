"""A freelancer hides their profile from search engines in the profile editor, in Chromium, desktop and phone."""

import shutil
from pathlib import Path

import pytest

from profiles.models import FreelancerProfile
from tests.factories import FreelancerProfileFactory, UserFactory

pytestmark = pytest.mark.browser
PASSWORD = "motdepasse-solide-123"
SHOTS = Path("/tmp/shots/seo")


@pytest.fixture(autouse=True)
def _browser_settings(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_freelancer_hides_and_shows_their_profile_to_search_engines(asgi_server, new_page, screenshot):
    user = UserFactory(email="julie@exemple.qc.ca")
    user.set_password(PASSWORD)
    user.save()
    profile = FreelancerProfileFactory(user=user, display_name="Julie Tremblay")
    public_url = f"{asgi_server.url}/pigistes/{profile.pk}/"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for phone, indexable in ((False, False), (True, True)):
        page = new_page(phone=phone)
        page.goto(f"{asgi_server.url}/comptes/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("form [type=submit]")
        page.wait_for_load_state()
        page.goto(f"{asgi_server.url}/mon-profil/")
        box = page.get_by_label("Mon profil peut apparaître dans les moteurs de recherche (Google, Bing…)")
        assert box.is_checked() is not indexable  # as left by the previous round (checked at first)
        box.set_checked(indexable)
        box.scroll_into_view_if_needed()
        name = f"profile-edit-search-engines-{'phone' if phone else 'desktop'}"
        shutil.copy(screenshot(page, name), SHOTS / f"{name}.png")
        page.click("form.profile-form button[type=submit]")
        page.wait_for_url(public_url)

        response = page.request.get(public_url)
        robots = page.locator('meta[name="robots"]')
        if indexable:
            assert "x-robots-tag" not in response.headers and robots.count() == 0
            assert page.locator('link[rel="canonical"]').get_attribute("href").endswith(f"/pigistes/{profile.pk}/")
        else:
            assert response.headers["x-robots-tag"] == "noindex" and robots.get_attribute("content") == "noindex"
        assert FreelancerProfile.objects.get(pk=profile.pk).indexable_by_search_engines is indexable
