"""The MRC pages in Chromium, desktop and phone."""

import pytest

from profiles.models import Region
from tests.factories import FreelancerProfileFactory, MrcFactory, MunicipalityFactory, ProjectFactory, SkillFactory

from .factories import place

pytestmark = [pytest.mark.browser]


@pytest.fixture
def live_mrc(asgi_server, settings):
    settings.ELASTICSEARCH_URL = ""  # the database backend answers the MRC page's two lists
    kamouraska = MrcFactory()
    rdl_mrc = MrcFactory(code="12", name="Rivière-du-Loup")
    MrcFactory(code="11", name="Les Basques")
    MrcFactory(code="17", name="L'Islet", region=Region.CHAUDIERE_APPALACHES)
    MrcFactory(code="66", name="Montréal", region=Region.MONTREAL)
    saint_pascal = MunicipalityFactory(name="Saint-Pascal", mrc=kamouraska, latitude=47.5283, longitude=-69.8036)
    la_pocatiere = MunicipalityFactory(name="La Pocatière", mrc=kamouraska, latitude=47.3667, longitude=-70.0333)
    rdl = place("Rivière-du-Loup")
    rdl.mrc = rdl_mrc
    rdl.save()
    photo, web = SkillFactory(name="Photographie"), SkillFactory(name="Développement web")
    FreelancerProfileFactory(
        display_name="Aline Pelletier",
        headline="Photographe de mariages et d'entreprises",
        municipality=saint_pascal,
        skills=[photo],
        travel_radius_km=60,
    )
    FreelancerProfileFactory(
        display_name="Benoît Dionne", headline="Développeur web", municipality=la_pocatiere, skills=[web]
    )
    ProjectFactory(title="Photos pour une ferme laitière", municipality=saint_pascal, skills=[photo])
    ProjectFactory(title="Site pour un gîte", municipality=rdl, skills=[web])
    return asgi_server


def test_the_mrc_pages_in_the_browser(live_mrc, new_page, screenshot):
    url = live_mrc.url
    for phone in (False, True):
        size = "phone" if phone else "desktop"
        page = new_page(phone=phone)
        page.goto(f"{url}/mrc/")
        region = page.locator("section.mrc-region", has_text="Bas-Saint-Laurent")
        assert "Kamouraska" in region.inner_text() and "2 pigistes · 1 projet ouvert" in region.inner_text()
        screenshot(page, f"mrc-list-{size}")

        page.click("text=Kamouraska")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == "Pigistes et projets — MRC de Kamouraska"
        assert page.locator(".mrc-freelancers .result").count() == 2
        assert page.locator(".mrc-projects .result").count() == 1
        assert "Saint-Pascal — Kamouraska, Bas-Saint-Laurent" in page.locator(".mrc-projects").inner_text()
        screenshot(page, f"mrc-detail-{size}")

    # The MRC link of a card leads back to its page; the footer leads to the list.
    page = new_page()
    page.goto(f"{url}/recherche/projets/?mrc=riviere-du-loup")
    assert page.locator(".result").count() == 1
    page.select_option("#region", Region.CHAUDIERE_APPALACHES)
    assert page.locator("#mrc option:not([hidden])").all_inner_texts() == ["Toutes", "L'Islet"]
    screenshot(page, "mrc-search-form")
    page.click(".result >> text=Rivière-du-Loup")
    assert page.url.endswith("/mrc/riviere-du-loup/")
    page.click("footer >> text=Pigistes par MRC")
    assert page.url.endswith("/mrc/")
