"""The place boxes of the profile and project forms in Chromium: suggestions as one types, and without script."""

import pytest
from playwright.sync_api import expect

from profiles.models import FreelancerProfile, Region
from projects.models import Project
from tests.factories import MrcFactory, UserFactory

from .test_municipality_input import make_place

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

PASSWORD = "motdepasse-solide-123"


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    # Playwright's sync API keeps an event loop running in this thread; our few ORM calls are synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/comptes/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_url(lambda url: "/comptes/login/" not in url)


def test_st_finds_saint_and_the_keyboard_chooses_it_on_a_phone(asgi_server, new_page, screenshot):
    sjpj = make_place("Saint-Jean-Port-Joli", population=3_300)
    make_place("St-Jean-sur-Richelieu", Region.MONTEREGIE, population=95_000)
    user = UserFactory(email="marc@exemple.qc.ca")
    page = new_page(phone=True)
    log_in(page, asgi_server.url, user.email)
    page.goto(f"{asgi_server.url}/mon-profil/")
    page.fill("#id_display_name", "Marc Ouellet")

    page.locator("#id_municipality").press_sequentially("st-jean")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(2)
    # Each as "name — MRC, region" (these two have no MRC loaded).
    expect(options.nth(0)).to_have_text("St-Jean-sur-Richelieu — Montérégie")
    expect(options.nth(1)).to_have_text("Saint-Jean-Port-Joli — Chaudière-Appalaches")
    expect(page.locator("#id_municipality")).to_have_attribute("aria-expanded", "true")
    screenshot(page, "profile-municipality-suggestions-phone")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#id_municipality")).to_have_value("Saint-Jean-Port-Joli")
    expect(options.first).to_be_hidden()

    page.click("form.profile-form button[type=submit]")
    page.wait_for_url("**/pigistes/*/")
    expect(page.locator("body")).to_contain_text("Saint-Jean-Port-Joli")
    assert FreelancerProfile.objects.get(user=user).municipality == sjpj


def test_a_namesake_is_chosen_by_its_mrc_on_the_project_form(asgi_server, new_page, screenshot):
    make_place("Saint-Louis", Region.BAS_SAINT_LAURENT, population=600, mrc=MrcFactory())
    maskoutains = MrcFactory(code="54", name="Les Maskoutains", region=Region.MONTEREGIE)
    montérégie = make_place("Saint-Louis", Region.MONTEREGIE, population=750, mrc=maskoutains)
    user = UserFactory(email="cliente@exemple.qc.ca")
    page = new_page()
    log_in(page, asgi_server.url, user.email)
    page.goto(f"{asgi_server.url}/projets/nouveau/")
    page.fill("#id_title", "Affiche pour le marché public")
    page.fill("#id_description", "Une affiche pour annoncer le marché du samedi, en couleurs.")
    page.select_option("#id_category", "design")
    page.check("input[name=budget_type][value=to_discuss]")
    page.fill("#id_municipality", "saint-louis")
    suggestions = page.get_by_role("listbox").get_by_role("option")
    expect(suggestions).to_have_count(2)
    expect(suggestions.nth(0)).to_have_text("Saint-Louis — Les Maskoutains, Montérégie")
    expect(suggestions.nth(1)).to_have_text("Saint-Louis — Kamouraska, Bas-Saint-Laurent")
    screenshot(page, "project-municipality-suggestions-desktop")
    suggestions.filter(has_text="Les Maskoutains").click()
    page.click("button[value=publish]")
    page.wait_for_url("**/projets/*/")
    assert Project.objects.get().municipality == montérégie


def test_without_script_a_typed_name_is_enough_and_a_wrong_one_is_explained(asgi_server, chromium, screenshot):
    levis = make_place("Lévis", population=150_000)
    user = UserFactory(email="sansscript@exemple.qc.ca")
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="fr-CA")
    try:
        page = context.new_page()
        log_in(page, asgi_server.url, user.email)
        page.goto(f"{asgi_server.url}/mon-profil/")
        page.fill("#id_display_name", "Léa Roy")
        page.fill("#id_municipality", "Atlantide")
        page.click("form.profile-form button[type=submit]")
        expect(page.locator(".has-error")).to_contain_text(
            "Aucune municipalité du Québec ne s'appelle « Atlantide ». Vérifiez l'orthographe."
        )
        expect(page.locator("#id_municipality")).to_have_value("Atlantide")
        screenshot(page, "profile-municipality-unknown-nojs-phone")

        page.fill("#id_municipality", "LEVIS")
        page.click("form.profile-form button[type=submit]")
        page.wait_for_url("**/pigistes/*/")
        assert FreelancerProfile.objects.get(user=user).municipality == levis
    finally:
        context.close()
