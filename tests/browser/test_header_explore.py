"""The header's « Explorer » menu: the bottin, the coworking spaces, the events and the map, one button away,
by mouse and keyboard (aria-expanded, Escape), on a 1280 px screen and inside the phone's ☰ menu."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.browser.test_accessibility import AXE_JS, AXE_RUN, FAILING_IMPACTS, FAILING_RULES
from tests.factories import FreelancerProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
SHOTS = Path("/tmp/shots/issue13-gaps")
LINKS = {
    "Bottin des travailleurs autonomes": "/bottin/",
    "Espaces de travail partagés": "/coworking/",
    "Événements": "/evenements/",
    "Carte": "/carte/",
}


@pytest.fixture(autouse=True)
def _browser_settings(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.ELASTICSEARCH_URL = ""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _signed_in_page(asgi_server, new_page, *, phone: bool):
    freelancer = off_the_browser_thread(lambda: FreelancerProfileFactory(display_name="Marie-Ève Bélanger").user)
    page = new_page(phone=phone)
    page.context.add_init_script(path=str(AXE_JS))
    name, value = session_cookie_for(freelancer).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": asgi_server.url}])
    page.goto(asgi_server.url + "/")
    return page


def _shot_and_axe(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)
    assert page.evaluate(AXE_RUN, [list(FAILING_IMPACTS), list(FAILING_RULES)]) == []


def test_the_explore_menu_opens_with_the_keyboard_at_1280_px(asgi_server, new_page):
    page = _signed_in_page(asgi_server, new_page, phone=False)
    button = page.locator(".main-nav").get_by_role("button", name="Explorer")
    menu = page.locator("#nav-explore")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()

    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    for label, path in LINKS.items():
        link = menu.get_by_role("link", name=label)
        expect(link).to_be_visible()
        assert link.get_attribute("href") == path
    # The list lies over the page: the header keeps its one line.
    assert page.locator(".site-header").bounding_box()["height"] <= 64
    _shot_and_axe(page, "header-explore-open-1280")

    page.keyboard.press("Tab")  # into the list…
    assert page.evaluate("document.activeElement.textContent") == "Bottin des travailleurs autonomes"
    page.keyboard.press("Escape")  # …and Escape closes it, the focus back on the button.
    expect(menu).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "nav-explore"

    button.click()
    page.locator("main").click()  # a click elsewhere closes it
    expect(menu).to_be_hidden()
    button.click()
    menu.get_by_role("link", name="Espaces de travail partagés").click()
    page.wait_for_url("**/coworking/")


def test_the_explore_menu_opens_inside_the_phone_menu(asgi_server, new_page):
    page = _signed_in_page(asgi_server, new_page, phone=True)
    page.locator(".nav-toggle-label").click()
    button = page.locator(".main-nav").get_by_role("button", name="Explorer")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    for label in LINKS:
        link = page.locator("#nav-explore").get_by_role("link", name=label)
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (label, box)
        assert box["height"] >= 24, (label, box)
    _shot_and_axe(page, "header-explore-open-390")

    page.locator("#nav-explore").get_by_role("link", name="Carte").click()
    page.wait_for_url("**/carte/")


def test_a_visitor_sees_the_public_places_only(asgi_server, new_page):
    page = new_page()
    page.goto(asgi_server.url + "/")
    page.locator(".main-nav").get_by_role("button", name="Explorer").click()
    menu = page.locator("#nav-explore")
    expect(menu.get_by_role("link", name="Carte")).to_be_visible()
    assert menu.get_by_role("link", name="Bottin des travailleurs autonomes").count() == 0
