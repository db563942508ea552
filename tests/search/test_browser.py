"""The search pages in Chromium, desktop and phone, on the real node."""

import datetime
import os
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from search import client as search_client
from search import indexing
from tests.factories import FreelancerProfileFactory, ProjectFactory, SkillFactory

from .conftest import sync_index
from .factories import place

pytestmark = [pytest.mark.browser, pytest.mark.elasticsearch]


@pytest.fixture
def live_search(asgi_server, settings, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
    if not settings.ELASTICSEARCH_URL:
        pytest.fail("ELASTICSEARCH_URL is not set: run the suite with `make test`.")
    settings.ELASTICSEARCH_INDEX_PREFIX = f"test_browser_{uuid.uuid4().hex[:8]}"
    search_client.mark_up()
    indexing.ensure_indices()
    rdl, rimouski, quebec = place("Rivière-du-Loup"), place("Rimouski"), place("Québec")
    design, web, logo = (
        SkillFactory(name="Design graphique"),
        SkillFactory(name="Développement web"),
        SkillFactory(name="Logo"),
    )
    FreelancerProfileFactory(
        display_name="Alice Tremblay",
        headline="Graphiste et illustratrice",
        municipality=rdl,
        skills=[design, logo],
        rating_average=Decimal("4.8"),
        rating_count=12,
    )
    FreelancerProfileFactory(
        display_name="Bruno Côté",
        headline="Graphiste pour PME et OBNL",
        municipality=rimouski,
        travel_radius_km=150,
        hourly_rate=Decimal("70"),
        skills=[design],
        bio="Je conçois des identités visuelles pour les entreprises du Bas-Saint-Laurent depuis 2012.",
    )
    FreelancerProfileFactory(
        display_name="Julie Gagnon",
        headline="Développeuse Web à Québec",
        municipality=quebec,
        hourly_rate=None,
        skills=[web],
    )
    ProjectFactory(
        title="Logo pour une microbrasserie de Kamouraska",
        municipality=rdl,
        skills=[logo],
        category="design",
        budget_min=Decimal("800"),
        budget_max=Decimal("1500"),
    )
    ProjectFactory(
        title="Boutique en ligne pour une fromagerie",
        municipality=quebec,
        skills=[web],
        remote=True,
        published_at=timezone.now() - datetime.timedelta(days=3),
    )
    sync_index()
    yield asgi_server
    indexing.delete_all_indices()


def test_search_pages_in_the_browser(live_search, new_page, screenshot):
    url = live_search.url
    page = new_page()
    page.goto(f"{url}/recherche/pigistes/?q=graphiste")
    page.fill("#near-input", "rivi")
    page.wait_for_selector("#near-options li")
    # The site's one municipality autocomplete, with the region after each name.
    assert "Rivière-du-Loup — Bas-Saint-Laurent" in page.locator("#near-options").inner_text()
    screenshot(page, "search-near-autocomplete")
    page.click("#near-options li >> text=Rivière-du-Loup")
    page.select_option("#radius", "50")
    page.click(".search-bar button")
    page.wait_for_load_state("networkidle")
    assert "near=" in page.url and "radius_km=50" in page.url
    cards = page.locator(".result")
    assert cards.count() == 2
    # The place as every page names it (Municipality.full_label; Rimouski's MRC isn't loaded here).
    assert "Rimouski — Bas-Saint-Laurent · 102 km" in page.locator(".results").inner_text()
    screenshot(page, "search-freelancers-desktop")

    page.fill("#skills-input", "logo")
    page.wait_for_selector("#skills-options li")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.click("text=Appliquer les filtres")
    page.wait_for_load_state("networkidle")
    assert page.locator(".result").count() == 1

    phone = new_page(phone=True)
    phone.goto(f"{url}/recherche/pigistes/?q=graphiste")
    assert phone.locator(".result").count() == 2
    screenshot(phone, "search-freelancers-phone")

    page.goto(f"{url}/recherche/projets/?q=logo")
    assert page.locator(".result").count() == 1
    screenshot(page, "search-projects-desktop")
    page.goto(f"{url}/recherche/projets/?q=astronaute+lunaire")
    assert page.locator(".empty").is_visible()
    screenshot(page, "search-projects-empty")
    phone.goto(f"{url}/recherche/projets/")
    assert phone.locator(".result").count() == 2
    screenshot(phone, "search-projects-phone")
