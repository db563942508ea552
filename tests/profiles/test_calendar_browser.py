"""« Mon calendrier » in Debian's Chromium, desktop and phone: ticking weeks, saving, seeing them kept."""

import datetime

import pytest
from django.utils import timezone

from profiles.models import BookedWeek
from profiles.selectors import week_of
from tests.factories import FreelancerProfileFactory, UserFactory

from .test_browser import PASSWORD, _log_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _browser_settings(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_booking_weeks_on_desktop_and_phone(asgi_server, new_page, screenshot):
    monday = week_of(timezone.localdate())
    for phone in (False, True):
        email = f"julie-{'phone' if phone else 'desktop'}@exemple.qc.ca"
        user = UserFactory(email=email)
        user.set_password(PASSWORD)
        user.save()
        profile = FreelancerProfileFactory(user=user, display_name="Julie Tremblay")
        page = new_page(phone=phone)
        _log_in(page, asgi_server.url, email)
        page.goto(f"{asgi_server.url}/mon-profil/")
        page.get_by_role("link", name="Mon calendrier").first.click()
        page.wait_for_url("**/mon-profil/calendrier/")
        assert page.locator("input[name=weeks]").count() >= 27

        for n in (1, 2):
            page.locator(f"input[value='{(monday + datetime.timedelta(weeks=n)).isoformat()}']").check()
        assert page.locator("[data-calendar-status]").inner_text() == "2 modification(s) non enregistrée(s)"
        assert page.locator(".calendar-week:has(input:checked)").first.get_by_text("Réservée").is_visible()
        screenshot(page, f"calendar-ticked-{'phone' if phone else 'desktop'}")
        page.get_by_role("button", name="Enregistrer mon calendrier").click()
        page.wait_for_load_state()

        assert page.get_by_text("Votre calendrier est enregistré.").is_visible()
        assert page.locator("input[name=weeks]:checked").count() == 2
        assert page.locator("[data-calendar-status]").inner_text() == "2 semaine(s) réservée(s)"
        assert sorted(BookedWeek.objects.filter(profile=profile).values_list("week_start", flat=True)) == [
            monday + datetime.timedelta(weeks=1),
            monday + datetime.timedelta(weeks=2),
        ]
        screenshot(page, f"calendar-saved-{'phone' if phone else 'desktop'}")
        page.goto(f"{asgi_server.url}/pigistes/{profile.pk}/")
        assert page.get_by_text("Libre cette semaine").is_visible()
        screenshot(page, f"calendar-profile-{'phone' if phone else 'desktop'}")


def test_searching_who_is_free_between_two_dates_on_desktop_and_phone(asgi_server, new_page, screenshot, settings):
    settings.ELASTICSEARCH_URL = ""  # the database backend: this page's look, not the engine
    monday = week_of(timezone.localdate())
    free = FreelancerProfileFactory(display_name="Julie Tremblay")
    busy = FreelancerProfileFactory(display_name="Marc Gagnon")
    BookedWeek.objects.create(profile=busy, week_start=monday + datetime.timedelta(weeks=2))
    BookedWeek.objects.create(profile=free, week_start=monday)
    for phone in (False, True):
        page = new_page(phone=phone)
        page.goto(f"{asgi_server.url}/recherche/pigistes/")
        if phone and page.locator("summary").first.is_visible():
            page.locator("summary").first.click()
        page.fill("input[name=free_from]", (monday + datetime.timedelta(weeks=2)).isoformat())
        page.fill("input[name=free_to]", (monday + datetime.timedelta(weeks=2, days=4)).isoformat())
        page.locator("input[name=free_to]").press("Enter")
        page.wait_for_url("**free_from=*")
        assert page.get_by_text("Julie Tremblay").is_visible()
        assert page.get_by_text("Marc Gagnon").count() == 0
        assert page.get_by_text("Libre à partir de la semaine du").first.is_visible()
        screenshot(page, f"calendar-search-{'phone' if phone else 'desktop'}")
