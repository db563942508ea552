"""The site header as a member sees it: one line on a 1280 px screen, every link reachable on a phone."""

import uuid

import pytest
from playwright.sync_api import expect

from messaging.services import conversation_open, message_send
from projects.services import quote_submit
from tests.browser.helpers import off_the_browser_thread
from tests.factories import FreelancerProfileFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "motdepasse-solide-123"
NAV_LINKS = {
    "fr": ["Pigistes", "Projets", "Tableau de bord", "Messages", "Notifications", "Mon profil", "Publier un projet"],
    "en": ["Freelancers", "Projects", "Dashboard", "Messages", "Notifications", "My profile", "Post a project"],
}
LOG_OUT = {"fr": "Déconnexion", "en": "Log out"}
QUOTE = {"amount": "1500", "pricing": "fixed", "delivery_days": 10, "charges_taxes": True, "message": "Bonjour !"}

# Where each item of the header sits, and whether the navigation overflows its box.
HEADER_GEOMETRY = """() => {
    const header = document.querySelector(".site-header");
    const nav = document.querySelector(".main-nav");
    const items = [document.querySelector(".brand"), ...nav.children].filter(e => e.getClientRects().length);
    return {
        height: header.getBoundingClientRect().height,
        centers: items.map(e => { const r = e.getBoundingClientRect(); return Math.round(r.top + r.height / 2); }),
        right: Math.max(...items.map(e => e.getBoundingClientRect().right)),
        overflows: nav.scrollWidth > nav.clientWidth + 1,
    };
}"""


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def member(transactional_db):
    """A member who plays both roles, with two-digit unread counts: the widest header a person can have."""
    return off_the_browser_thread(_member)


def _member():
    user = UserFactory(email="marie-eve@exemple.qc.ca", name="Marie-Ève Bélanger")
    FreelancerProfileFactory(user=user, display_name="Marie-Ève Bélanger")
    project = ProjectFactory(owner=user)
    freelancers = [FreelancerProfileFactory().user for _ in range(12)]
    for freelancer in freelancers:  # 12 notifications: "Nouvelle soumission…"
        quote_submit(user=freelancer, project_id=project.pk, data=QUOTE)
    conversation, _created = conversation_open(user=user, project_id=project.pk, with_user_id=freelancers[0].pk)
    for number in range(12):  # 12 unread messages
        message_send(
            user=freelancers[0], conversation_id=conversation.pk, client_id=uuid.uuid4(), body=f"Message {number}"
        )
    return user


def log_in(page, base: str, email: str, *, language: str) -> None:
    page.goto(f"{base}/comptes/login/")
    if language == "en":
        # As a reader does: the language switch in the footer.
        page.locator(".language-switch").get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    expect(page.locator("form.nav-form")).to_have_count(1)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_logged_in_header_fits_one_line_at_1280_px(asgi_server, new_page, screenshot, member, language):
    page = new_page()
    log_in(page, asgi_server.url, member.email, language=language)

    for path in ("/", "/tableau-de-bord/", "/recherche/pigistes/"):
        page.goto(asgi_server.url + path)
        expect(page.locator("[data-live-badge=notifications]")).to_have_text("12")
        expect(page.locator("[data-live-badge=messages]")).to_have_text("12")
        geometry = page.evaluate(HEADER_GEOMETRY)

        nav = page.get_by_role("navigation", name="Navigation principale" if language == "fr" else "Main navigation")
        for name in NAV_LINKS[language]:
            expect(nav.get_by_role("link", name=name, exact=False).first).to_be_visible()
        expect(nav.get_by_role("button", name=LOG_OUT[language])).to_be_visible()
        # One line: the brand and every link share a vertical centre; nothing spills past the page's edge.
        assert max(geometry["centers"]) - min(geometry["centers"]) <= 4, (path, geometry)
        assert geometry["height"] <= 64, (path, geometry)
        assert geometry["right"] <= 1280 - 16 and not geometry["overflows"], (path, geometry)
    screenshot(page, f"header-logged-in-{language}-desktop")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_header_link_is_reachable_on_a_phone(asgi_server, new_page, screenshot, member, language):
    page = new_page(phone=True)
    log_in(page, asgi_server.url, member.email, language=language)
    page.goto(asgi_server.url + "/")
    nav = page.locator(".main-nav")
    # Closed, the header is one short line: the brand and the menu button.
    expect(nav).to_be_hidden()
    assert page.locator(".site-header").bounding_box()["height"] <= 64

    # A keyboard opens the menu too: the checkbox behind ☰ is in the tab order.
    page.locator(".brand").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "nav-toggle"
    page.keyboard.press("Space")
    expect(nav).to_be_visible()
    screenshot(page, f"header-menu-open-{language}-phone")

    for name in [*NAV_LINKS[language], LOG_OUT[language]]:
        item = nav.get_by_role("button" if name == LOG_OUT[language] else "link", name=name).first
        item.scroll_into_view_if_needed()
        box = item.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)
        assert box["height"] >= 24, (name, box)  # a finger-sized target
        # Nothing covers it: the element at its centre is the link itself (or inside it).
        assert page.evaluate(
            "([x, y, el]) => el.contains(document.elementFromPoint(x, y))",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, item.element_handle()],
        ), name

    # And a tap on one of them leads where it says.
    page.locator(".main-nav").get_by_role("link", name="Messages").click()
    page.wait_for_url("**/messages/")
