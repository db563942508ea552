"""Collectives in Debian's Chromium, desktop and phone: the directory, the public page, « Mes collectifs »."""

from pathlib import Path

import pytest

from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.browser.test_accessibility import AXE_JS, AXE_RUN, FAILING_IMPACTS, FAILING_RULES

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

SHOTS = Path("/tmp/shots/h1")


@pytest.fixture(autouse=True)
def _browser_settings(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


def _world() -> dict:
    from collectives import services
    from profiles.services import portfolio_item_create
    from tests.factories import FreelancerProfileFactory, MrcFactory, MunicipalityFactory, SkillFactory

    place = MunicipalityFactory(name="Saint-Pascal", mrc=MrcFactory(code="14", name="Kamouraska"))
    admin = FreelancerProfileFactory(
        display_name="Anne Dionne",
        headline="Graphiste",
        municipality=place,
        skills=[SkillFactory(name="Design graphique"), SkillFactory(name="Identité visuelle")],
    )
    member = FreelancerProfileFactory(
        display_name="Bruno Lavoie", headline="Rédacteur", skills=[SkillFactory(name="Rédaction")]
    )
    third = FreelancerProfileFactory(
        display_name="Carole Ouellet",
        headline="Développeuse web",
        skills=[SkillFactory(name="WordPress")],
        user__email="carole@exemple.qc.ca",
    )
    collective = services.collective_create(
        creator=admin.user,
        name="Collectif Kamouraska Créatif",
        kind="collectif",
        description="Trois pigistes du Kamouraska qui soumissionnent ensemble : design, rédaction et site web.",
        municipality=place,
    )
    invitation = services.member_invite(collective=collective, by=admin.user, member=member.user)
    services.invitation_answer(membership=invitation, by=member.user, accept=True)
    other = services.collective_create(
        creator=FreelancerProfileFactory(display_name="Denis Roy").user, name="Coop des Basques", kind="cooperative"
    )
    services.member_invite(collective=other, by=other.created_by, member=admin.user)
    portfolio_item_create(user=admin.user, data={"title": "Logo de la fromagerie", "description": "Identité complète."})
    portfolio_item_create(user=member.user, data={"title": "Textes du gîte", "description": "Site et brochure."})
    return {"admin": admin.user, "third": third.user, "collective": collective}


def _axe(page) -> list:
    """axe-core's serious violations on the page, as the site-wide walk counts them."""
    return page.evaluate(AXE_RUN, [list(FAILING_IMPACTS), list(FAILING_RULES)])


def _page(new_page, *, phone=False):
    page = new_page(phone=phone)
    # Injected by the browser in every document, as the site-wide walk does (the CSP allows no inline script).
    page.context.add_init_script(path=str(AXE_JS))
    return page


def _signed_in(new_page, server, user, *, phone=False):
    page = _page(new_page, phone=phone)
    name, value = session_cookie_for(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": server.url}])
    return page


def test_a_collective_of_three_is_built_from_the_pages_and_shows_on_both_sizes(asgi_server, new_page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    world = off_the_browser_thread(_world)
    slug = world["collective"].slug

    # The admin invites the third member by e-mail from « Mes collectifs ».
    admin = _signed_in(new_page, asgi_server, world["admin"])
    admin.goto(f"{asgi_server.url}/mon-profil/collectifs/")
    admin.get_by_label("Inviter un pigiste").fill("carole@exemple.qc.ca")
    admin.get_by_role("button", name="Inviter", exact=True).click()
    admin.wait_for_load_state()
    assert "Carole Ouellet est invité·e." in admin.locator(".flash").inner_text()

    # She accepts from her own page.
    third = _signed_in(new_page, asgi_server, world["third"])
    third.goto(f"{asgi_server.url}/mon-profil/collectifs/")
    third.get_by_role("button", name="Accepter l'invitation : Collectif Kamouraska Créatif").click()
    third.wait_for_load_state()
    assert "Bienvenue dans « Collectif Kamouraska Créatif » !" in third.locator(".flash").inner_text()

    for phone, size in ((False, "1280"), (True, "390")):
        visitor = _page(new_page, phone=phone)
        visitor.goto(f"{asgi_server.url}/collectifs/?mrc=kamouraska")
        assert visitor.locator(".collective-card").count() == 1
        assert "3 membres" in visitor.locator(".collective-card").inner_text()
        visitor.screenshot(path=str(SHOTS / f"directory-{size}.png"), full_page=True)
        assert _axe(visitor) == []

        visitor.goto(f"{asgi_server.url}/collectifs/{slug}/")
        members = visitor.locator("#membres li")
        assert members.count() == 3
        assert "Carole Ouellet" in visitor.locator("#membres").inner_text()
        assert "WordPress" in visitor.locator(".tags").inner_text()
        assert visitor.locator(".portfolio-item").count() == 2
        visitor.screenshot(path=str(SHOTS / f"public-page-{size}.png"), full_page=True)
        assert _axe(visitor) == []

        mine = _signed_in(new_page, asgi_server, world["admin"], phone=phone)
        mine.goto(f"{asgi_server.url}/mon-profil/collectifs/")
        assert "Coop des Basques" in mine.locator("#invitations").inner_text()
        assert mine.locator(f"#collectif-{slug} .manage-list li").count() == 3
        mine.screenshot(path=str(SHOTS / f"my-collectives-{size}.png"), full_page=True)
        assert _axe(mine) == []
        mine.goto(f"{asgi_server.url}/collectifs/{slug}/modifier/")
        assert mine.get_by_label("Nom du collectif").input_value() == "Collectif Kamouraska Créatif"
        assert _axe(mine) == []
        # Nothing wider than the screen on the phone.
        assert mine.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
