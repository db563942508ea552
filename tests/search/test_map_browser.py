"""The map (/carte/) in Chromium, desktop and phone: the markers are drawn without tiles, one per line of the list."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import CoworkingSpaceFactory, EventFactory, FreelancerProfileFactory

from .factories import place

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

SHOTS = Path("/tmp/shots/h7")


@pytest.fixture
def live_map(asgi_server, settings):
    settings.ELASTICSEARCH_URL = ""  # the database backend finds the freelancers
    assert settings.MAP_TILE_URL == ""  # no Internet here: no tiles
    kamouraska, rdl = place("Kamouraska"), place("Rivière-du-Loup")
    FreelancerProfileFactory(display_name="Anne Lévesque", headline="Graphiste", municipality=kamouraska)
    FreelancerProfileFactory(display_name="Ben Ouellet", headline="Comptable agréé", municipality=rdl)
    FreelancerProfileFactory(display_name="Chantal Roy", headline="Photographe", municipality=rdl)
    CoworkingSpaceFactory(name="La Fabrique du Kamouraska", slug="la-fabrique", municipality=kamouraska)
    EventFactory(title="Rendez-vous des solopreneurs : la solitude", municipality=rdl)
    return asgi_server.url + reverse("map") + f"?lieu={kamouraska.pk}&rayon=50"


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_every_line_of_the_list_has_its_marker_on_the_map_without_tiles(live_map, new_page, phone):
    page = new_page(phone=phone)
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_map)

    lines = page.locator(".map-item")
    assert lines.count() == 5
    markers = page.locator("#map .leaflet-marker-icon")
    markers.first.wait_for()
    assert markers.count() == lines.count()
    assert sorted(markers.evaluate_all("els => els.map(e => e.dataset.marker)")) == sorted(
        lines.evaluate_all("els => els.map(e => e.dataset.marker)")
    )
    assert page.locator("#map .leaflet-tile").count() == 0
    assert errors == [] and failed == []
    assert page.locator(".map-summary").inner_text() == "5 résultats à 50 km ou moins de Kamouraska"

    # A marker opens a popup linking to what it stands for.
    page.locator('#map [data-marker^="coworking-"]').click()
    expect(page.locator(".leaflet-popup-content a")).to_have_text("La Fabrique du Kamouraska")
    assert page.locator(".leaflet-popup-close-button").get_attribute("aria-label") == "Fermer la bulle"

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"map-{'phone' if phone else 'desktop'}.png"), full_page=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_map_opens_at_its_view_without_a_zoom_that_moves_the_markers_under_a_tap(live_map, new_page, phone):
    page = new_page(phone=phone)
    page.add_init_script(
        """window.zoomAnimations = 0;
        new MutationObserver(() => { if (document.querySelector('.leaflet-zoom-anim')) window.zoomAnimations++; })
          .observe(document, { subtree: true, attributes: true, attributeFilter: ['class'] });"""
    )
    page.goto(live_map)
    marker = page.locator('#map [data-marker^="coworking-"]')
    marker.wait_for()
    where = marker.bounding_box()
    page.wait_for_timeout(600)  # over twice Leaflet's 250 ms zoom animation

    assert page.evaluate("window.zoomAnimations") == 0
    assert marker.bounding_box() == where


def test_a_keyboard_reaches_the_list_and_the_markers(live_map, new_page):
    page = new_page()
    page.goto(live_map)
    page.locator("#map .leaflet-marker-icon").first.wait_for()
    first_link = page.locator(".map-item a").first
    first_link.focus()
    assert page.evaluate("document.activeElement.textContent") == "Anne Lévesque"
    # Focusing a line opens its marker's popup.
    expect(page.locator(".leaflet-popup-content a")).to_have_text("Anne Lévesque")
    marker = page.locator('#map [data-marker^="event-"]')
    assert marker.get_attribute("tabindex") == "0"
    assert marker.get_attribute("title") == "Rendez-vous des solopreneurs : la solitude"
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content a", has_text="Rendez-vous des solopreneurs")).to_be_visible()
    expect(page.locator(".leaflet-popup-content a", has_text="Anne Lévesque")).to_have_count(0)
