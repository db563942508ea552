"""The coworking pages in Debian's Chromium, desktop (1280) and phone (390): the directory and its search, a
space, the propose form, staff's review; axe-core finds no serious violation on any of them."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from coworking.models import CoworkingSpace, SpaceStatus
from coworking.services import space_propose
from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.browser.test_accessibility import AXE_JS, AXE_RUN, FAILING_IMPACTS, FAILING_RULES
from tests.factories import UserFactory
from tests.profiles.factories import upload
from tests.search.factories import place

from .helpers import approved_space

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/h5")


@pytest.fixture(autouse=True)
def _browser_settings(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.ELASTICSEARCH_URL = ""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _picture(colour: str):
    image = Image.new("RGB", (800, 600), "#e8e2d4")
    draw = ImageDraw.Draw(image)
    draw.polygon([(400, 60), (620, 260), (180, 260)], fill=colour)  # a steeple, roughly
    draw.rectangle([220, 260, 580, 560], fill=colour)
    draw.rectangle([370, 420, 430, 560], fill="#e8e2d4")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return upload(buffer.getvalue())


def _world():
    staff = UserFactory(is_staff=True, email="equipe@exemple.qc.ca")
    proposer = UserFactory(email="julie@exemple.qc.ca")
    kamouraska, rdl = place("Kamouraska"), place("Rivière-du-Loup")
    church = space_propose(
        user=proposer,
        data={
            "name": "L'Église numérique",
            "municipality": kamouraska.pk,
            "address": "2, avenue de Gaspé Est",
            "description": "Une église reconvertie : postes sous la voûte, bureaux fermés dans la sacristie.",
            "desks": 14,
            "closed_offices": 3,
            "meeting_rooms": 1,
            "has_studio": True,
            "internet_mbps": 500,
            "price_hour": "8",
            "price_day": "25",
            "price_month": "220",
            "opening_hours": "Lundi au vendredi, 8 h à 18 h",
            "email": "bonjour@eglise.exemple.qc.ca",
            "phone": "418 555-0142",
        },
        photos=[_picture("#7c3aed"), _picture("#0f766e")],
    )
    from coworking.services import space_approve

    space_approve(user=staff, space_id=church.pk)
    approved_space(name="La Gare du Fleuve", place=rdl, staff=staff, internet_mbps=1000, price_day="30", desks=24)
    approved_space(name="Atelier sans adresse", staff=staff, internet_mbps=25)
    space_propose(user=UserFactory(), data={"name": "Le Presbytère partagé", "municipality": kamouraska.pk})
    return {"staff": staff, "proposer": proposer, "church": CoworkingSpace.objects.get(pk=church.pk)}


def _check(page, name: str, phone: bool) -> None:
    """Screenshot under /tmp/shots/h5/ and run axe-core on the page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{'390' if phone else '1280'}.png"), full_page=True)
    violations = page.evaluate(AXE_RUN, [list(FAILING_IMPACTS), list(FAILING_RULES)])
    assert violations == [], violations


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_directory_searches_around_a_place_and_opens_a_space(asgi_server, new_page, phone):
    world = off_the_browser_thread(_world)
    page = new_page(phone=phone)
    page.context.add_init_script(path=str(AXE_JS))

    page.goto(f"{asgi_server.url}/coworking/")
    assert page.locator(".results > li").count() == 3
    assert page.get_by_text("Le Presbytère partagé").count() == 0
    _check(page, "directory", phone)

    page.fill("#near-input", "Kamou")
    page.locator("#near-options [role=option]").first.click()
    page.select_option("#radius", "50")
    page.check("#closed_office")
    page.click("#search-form [type=submit]")
    page.wait_for_url("**/coworking/?*")
    cards = page.locator(".results > li")
    assert cards.count() == 1
    assert "L'Église numérique" in cards.first.inner_text()
    assert "0 km" in cards.first.inner_text()
    _check(page, "directory-search", phone)

    cards.first.get_by_role("link", name="L'Église numérique").click()
    page.wait_for_url(f"**/coworking/{world['church'].slug}/")
    assert page.locator(".space-photos img").count() == 2
    assert "25,00" in page.inner_text("main")
    _check(page, "space", phone)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_member_proposes_a_space_and_staff_approve_it(asgi_server, new_page, phone):
    world = off_the_browser_thread(_world)
    page = new_page(phone=phone)
    page.context.add_init_script(path=str(AXE_JS))
    name, value = session_cookie_for(world["proposer"]).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": asgi_server.url}])

    page.goto(f"{asgi_server.url}/coworking/proposer/")
    _check(page, "propose", phone)
    page.fill("#id_name", "Le Couvent des Idées")
    page.fill("#id_price_day", "-20")
    page.click("main form.card [type=submit]")
    assert page.get_by_text("Un prix ne peut pas être négatif.").is_visible()
    _check(page, "propose-errors", phone)

    page.fill("#id_price_day", "20")
    page.fill("#id_municipality", "Kamou")
    page.locator("#id_municipality-options [role=option]").first.click()
    page.fill("#id_internet_mbps", "150")
    page.click("main form.card [type=submit]")
    page.wait_for_url("**/coworking/le-couvent-des-idees/")
    assert page.get_by_text("attend l'approbation").is_visible()

    staff_page = new_page(phone=phone)
    staff_page.context.add_init_script(path=str(AXE_JS))
    name, value = session_cookie_for(world["staff"]).split("=", 1)
    staff_page.context.add_cookies([{"name": name, "value": value, "url": asgi_server.url}])
    staff_page.goto(f"{asgi_server.url}/coworking/a-approuver/")
    _check(staff_page, "review", phone)
    staff_page.locator("li", has_text="Le Couvent des Idées").get_by_role("button", name="Approuver").click()
    staff_page.wait_for_url("**/coworking/a-approuver/")
    assert (
        off_the_browser_thread(lambda: CoworkingSpace.objects.get(slug="le-couvent-des-idees").status)
        == SpaceStatus.APPROVED
    )

    page.goto(f"{asgi_server.url}/coworking/le-couvent-des-idees/modifier/")
    _check(page, "edit", phone)
