"""The managers' page in Chromium, desktop (1280) and phone (390): add a colleague, read a refusal, leave;
axe-core finds no serious violation."""

from pathlib import Path

import pytest

from coworking.models import CoworkingSpace
from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.browser.test_accessibility import AXE_JS, AXE_RUN, FAILING_IMPACTS, FAILING_RULES
from tests.factories import UserFactory
from tests.search.factories import place

from .helpers import approved_space

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
SHOTS = Path("/tmp/shots/issue13-gaps")


@pytest.fixture(autouse=True)
def _browser_settings(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.ELASTICSEARCH_URL = ""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _world():
    space = approved_space(name="L'Église numérique", place=place("Kamouraska"))
    colleague = UserFactory(name="Josée Ouellet", email="josee@exemple.qc.ca")
    return {"space": space, "manager": space.managers.get(), "colleague": colleague}


def _check(page, name: str, phone: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{'390' if phone else '1280'}.png"), full_page=True)
    violations = page.evaluate(AXE_RUN, [list(FAILING_IMPACTS), list(FAILING_RULES)])
    assert violations == [], violations


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_manager_adds_a_colleague_then_leaves(asgi_server, new_page, phone):
    world = off_the_browser_thread(_world)
    space = world["space"]
    page = new_page(phone=phone)
    page.context.add_init_script(path=str(AXE_JS))
    name, value = session_cookie_for(world["manager"]).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": asgi_server.url}])

    page.goto(f"{asgi_server.url}/coworking/{space.slug}/")
    _check(page, "space-detail-manager", phone)
    page.get_by_role("link", name="Gestionnaires").click()
    page.wait_for_url(f"**/coworking/{space.slug}/gestionnaires/")
    assert page.get_by_text("ajoutez-en un·e autre avant de partir").is_visible()
    _check(page, "managers-alone", phone)

    page.fill("#id_email", "personne@exemple.qc.ca")
    page.get_by_role("button", name="Ajouter").click()
    assert page.get_by_text("Aucun membre n'a ce courriel.").is_visible()
    _check(page, "managers-unknown-email", phone)

    page.fill("#id_email", "josee@exemple.qc.ca")
    page.get_by_role("button", name="Ajouter").click()
    assert page.get_by_text("Josée Ouellet gère maintenant cet espace avec vous.").is_visible()
    assert page.locator(".manager-list li").count() == 2
    _check(page, "managers-two", phone)

    page.get_by_role("button", name="Quitter la gestion").click()
    page.wait_for_url(f"**/coworking/{space.slug}/")
    assert page.get_by_text("Vous ne gérez plus cet espace.").is_visible()
    assert page.get_by_role("link", name="Gestionnaires").count() == 0
    managers = off_the_browser_thread(
        lambda: set(CoworkingSpace.objects.get(pk=space.pk).managers.values_list("email", flat=True))
    )
    assert managers == {"josee@exemple.qc.ca"}
