"""The owner's "Pigistes près de votre projet" in Chromium, desktop and phone: distance, availability, one-click invitation."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from profiles.models import BookedWeek
from profiles.selectors import week_of
from projects.models import Invitation
from tests.factories import FreelancerProfileFactory, ProjectFactory, SkillFactory, UserFactory

from .factories import place
from .test_matching import SAINT_PASCAL, place_at

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

PASSWORD = "motdepasse-solide-123"
SHOTS = Path("/tmp/shots/matching")


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch, settings):
    # Playwright's sync API keeps an event loop running in this thread; our few ORM calls are synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.ELASTICSEARCH_URL = ""


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/comptes/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_url(lambda url: "/comptes/login/" not in url)


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_owner_invites_a_nearby_photographer_in_one_click(asgi_server, new_page):
    saint_pascal = place_at("Saint-Pascal", *SAINT_PASCAL, geonames_id=6_000_101)
    photo = SkillFactory(name="Photographie")
    owner = UserFactory(email="fromagerie@exemple.qc.ca", name="Fromagerie du Littoral")
    kim = FreelancerProfileFactory(
        display_name="Kim Lévesque",
        headline="Photographe d'entreprise et de mariage",
        municipality=place("Kamouraska"),
        travel_radius_km=30,
        remote=False,
        skills=[photo],
    )
    FreelancerProfileFactory(
        display_name="Samuel Dionne",
        headline="Photographe et vidéaste",
        municipality=saint_pascal,
        travel_radius_km=10,
        skills=[photo],
    )
    lou = FreelancerProfileFactory(
        display_name="Louise Pelletier-Bérubé",
        headline="Photographe culinaire, studio mobile",
        municipality=place("Rivière-du-Loup"),
        travel_radius_km=60,
        skills=[photo],
    )
    BookedWeek.objects.create(profile=lou, week_start=week_of(timezone.localdate()) + datetime.timedelta(weeks=1))
    FreelancerProfileFactory(display_name="Max Montréal", municipality=place("Montréal"), skills=[photo])
    project = ProjectFactory(
        owner=owner,
        title="Photos de notre fromagerie",
        category="photo_video",
        municipality=saint_pascal,
        skills=[photo],
        starts_on=timezone.localdate() + datetime.timedelta(days=2),
    )

    page = new_page()
    log_in(page, asgi_server.url, owner.email)
    page.goto(f"{asgi_server.url}/projets/{project.pk}/")
    block = page.locator("#nearby-freelancers")
    expect(block.get_by_role("heading", name="Pigistes près de votre projet")).to_be_visible()
    expect(block.locator(".nearby h3")).to_have_text(["Samuel Dionne", "Kim Lévesque", "Louise Pelletier-Bérubé"])
    expect(block).not_to_contain_text("Max Montréal")
    expect(block.locator(".nearby").nth(1)).to_contain_text("à 6 km")
    shoot(page, "project-nearby-desktop")

    block.locator(f".nearby[data-profile-id='{kim.pk}'] button").click()
    page.wait_for_url(f"**/projets/{project.pk}/")
    expect(page.locator(f"#nearby-freelancers .nearby[data-profile-id='{kim.pk}']")).to_contain_text("Invité·e")
    assert Invitation.objects.filter(project=project, freelancer=kim.user).exists()

    phone = new_page(phone=True)
    log_in(phone, asgi_server.url, owner.email)
    phone.goto(f"{asgi_server.url}/projets/{project.pk}/")
    expect(phone.locator("#nearby-freelancers")).to_be_visible()
    shoot(phone, "project-nearby-phone")
