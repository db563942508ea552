"""In Chromium: a bulletin post appears live for another member, the header's "Groupes" count follows;
and the group pages as people see them (screenshots at desktop and phone widths)."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from community import services
from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.factories import (
    FreelancerProfileFactory,
    GroupFactory,
    GroupMembershipFactory,
    MrcFactory,
    MunicipalityFactory,
    UserFactory,
)
from tests.messaging.conftest import redis_layer  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("H3_SHOTS_DIR", "/tmp/shots/h3"))


@pytest.fixture(autouse=True, scope="module")
def _orm_beside_playwright():
    # Playwright's sync API keeps an event loop on this thread; the test's own ORM reads are plain sync code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _signed_in(new_page, asgi_server, user, *, phone=False):
    page = new_page(phone=phone)
    name, value = session_cookie_for(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": asgi_server.url}])
    return page


def _world():
    mrc = MrcFactory(code="17", name="L'Islet")
    place = MunicipalityFactory(name="Saint-Jean-Port-Joli", mrc=mrc)
    julie = FreelancerProfileFactory(display_name="Julie Tremblay", headline="Graphiste", municipality=place).user
    marc = FreelancerProfileFactory(display_name="Marc Pelletier", headline="Comptable", municipality=place).user
    luc = UserFactory(name="Luc Caron")
    group = services.group_create(
        user=julie,
        data={
            "name": "Rendez-vous des travailleurs autonomes de L'Islet",
            "description": "Six rencontres entre solopreneurs : solitude, équilibre, limites, partenariats.",
            "access": "public",
            "organiser_kind": "chambre",
            "municipality": place.pk,
        },
    )
    for user in (marc, luc):
        services.group_join(user=user, group_id=group.pk)
    first = services.bulletin_post_create(user=julie, group_id=group.pk, body="Bienvenue ! Présentez-vous ici.")
    services.bulletin_post_create(
        user=marc, group_id=group.pk, body="Marc, comptable à Saint-Jean-Port-Joli.", parent_id=first.pk
    )
    services.bulletin_mark_read(user=marc, group_id=group.pk)
    services.bulletin_mark_read(user=luc, group_id=group.pk)
    GroupFactory(name="Coop des pigistes du Kamouraska", access="sur_demande", organiser_kind="cooperative")
    GroupMembershipFactory(group=GroupFactory(name="Pigistes de Montmagny", mrc=mrc), member=julie)
    return {"group": group, "julie": julie, "marc": marc, "luc": luc}


def test_a_bulletin_post_appears_live_for_another_member_and_the_header_count_follows(asgi_server, new_page):
    world = off_the_browser_thread(_world)
    group_url = asgi_server.url + reverse("group-detail", args=[world["group"].slug])
    marc_page = _signed_in(new_page, asgi_server, world["marc"])
    luc_page = _signed_in(new_page, asgi_server, world["luc"])
    julie_page = _signed_in(new_page, asgi_server, world["julie"])

    # Marc reads the board; Luc is elsewhere on the site.
    marc_page.goto(group_url)
    luc_page.goto(asgi_server.url + reverse("group-list"))
    for page in (marc_page, luc_page):
        page.wait_for_selector("html[data-live-connection=connected]")
    assert luc_page.locator('[data-live-badge="groups"]').get_attribute("data-count") == "0"

    julie_page.goto(group_url)
    julie_page.fill("#id_body", "<script>window.pwned = 1</script> Souper jeudi : https://exemple.qc.ca/souper")
    julie_page.click(".bulletin-form button[type=submit]")
    julie_page.wait_for_url(f"{group_url}#post-*")

    # Without reload: the post is on Marc's board, as text, with its link.
    new_post = marc_page.locator(".bulletin-post.is-new")
    new_post.wait_for()
    assert "<script>window.pwned = 1</script> Souper jeudi" in new_post.locator(".bulletin-body").inner_text()
    assert new_post.locator("a[href='https://exemple.qc.ca/souper']").count() == 1
    assert marc_page.evaluate("window.pwned") is None
    # Luc's header counts it; Marc's, who has it on screen, goes back to 0 once his page marks it read.
    luc_page.wait_for_selector('[data-live-badge="groups"][data-count="1"]')
    marc_page.wait_for_selector('[data-live-badge="groups"][data-count="0"]', state="attached")
    assert off_the_browser_thread(services_unread, user=world["marc"]) == 0

    # A reply appears under its post, on Julie's page this time.
    marc_page.locator(".bulletin-post.is-new summary").click()
    marc_page.locator(".bulletin-post.is-new textarea").fill("J'y serai !")
    marc_page.locator(".bulletin-post.is-new button[type=submit]").click()
    julie_page.locator(".bulletin-reply", has_text="J'y serai !").wait_for()


def services_unread(*, user):
    from community.selectors import group_unread_total

    return group_unread_total(user=user)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_group_pages_screenshots(asgi_server, new_page, phone):
    world = off_the_browser_thread(_world)
    size = "390" if phone else "1280"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _signed_in(new_page, asgi_server, world["julie"], phone=phone)

    page.goto(asgi_server.url + reverse("group-list"))
    assert page.locator(".group-card").count() == 3
    page.screenshot(path=str(SHOTS / f"group-list-{size}.png"), full_page=True)

    page.goto(asgi_server.url + reverse("group-detail", args=[world["group"].slug]))
    assert page.locator(".bulletin-post").count() == 1
    page.screenshot(path=str(SHOTS / f"group-detail-{size}.png"), full_page=True)

    page.goto(asgi_server.url + reverse("group-create"))
    page.click("form.group-form button[type=submit]")  # empty: the errors in place
    assert page.locator(".errorlist").count() >= 1
    page.screenshot(path=str(SHOTS / f"group-create-{size}.png"), full_page=True)

    page.goto(asgi_server.url + reverse("group-mine"))
    page.screenshot(path=str(SHOTS / f"group-mine-{size}.png"), full_page=True)
