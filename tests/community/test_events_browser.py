"""Acceptance in Chromium: an organiser makes a cohort of 8 seats with 3 meetings near L'Islet; 9 freelancers
register (one waits); one cancels (the waiting one is in, and told); a bulletin post appears live for another
member. Then the event pages at desktop and phone widths (screenshots in /tmp/shots/h4)."""

import datetime
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from community import services
from community.models import Event, Group, GroupMembership, GroupMembershipStatus, Registration, RegistrationStatus
from notifications.models import Notification, NotificationKind
from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.factories import FreelancerProfileFactory, MrcFactory, MunicipalityFactory
from tests.messaging.conftest import redis_layer  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("H4_SHOTS_DIR", "/tmp/shots/h4"))
NAMES = [
    "Julie Tremblay",
    "Marc Pelletier",
    "Sophie Caron",
    "Éric Bélanger",
    "Nadia Fortin",
    "Luc Gagnon",
    "Chloé Morin",
    "Hugo Lévesque",
    "Amélie Ouellet",
]


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


def _signed_in(new_page, base, user, *, phone=False):
    page = new_page(phone=phone)
    name, value = session_cookie_for(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": base}])
    return page


def _shot(page, name: str, phone: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"{name}-{390 if phone else 1280}.png"), full_page=True)


def _world():
    mrc = MrcFactory(code="17", name="L'Islet")
    lislet = MunicipalityFactory(name="L'Islet", mrc=mrc, latitude=47.1167, longitude=-70.35)
    saint_jean = MunicipalityFactory(name="Saint-Jean-Port-Joli", mrc=mrc, latitude=47.2156, longitude=-70.2686)
    organiser = FreelancerProfileFactory(display_name="Chambre de commerce de L'Islet", municipality=lislet).user
    group = services.group_create(
        user=organiser,
        data={
            "name": "Rendez-vous des travailleurs autonomes de L'Islet",
            "description": "Six à douze solopreneurs, une série de rencontres : solitude, équilibre, partenariats.",
            "access": "public",
            "organiser_kind": "chambre",
            "municipality": lislet.pk,
        },
    )
    freelancers = [
        FreelancerProfileFactory(display_name=name, municipality=saint_jean, travel_radius_km=40).user for name in NAMES
    ]
    return {"organiser": organiser, "group": group, "freelancers": freelancers, "lislet": lislet}


def _local(days: int, hour: int) -> str:
    moment = timezone.localtime(timezone.now() + datetime.timedelta(days=days)).replace(hour=hour, minute=0)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _create_meeting(page, base, group, *, title, theme, days, phone=False, shoot=False):
    page.goto(base + reverse("event-create", args=[group.slug]))
    page.get_by_label("Titre").fill(title)
    page.get_by_label("Thème").fill(theme)
    page.get_by_label("Début").fill(_local(days, 18))
    page.get_by_label("Fin").fill(_local(days, 20))
    page.get_by_label("Municipalité").fill("L'Islet")
    page.get_by_label("Adresse").fill("Salle paroissiale, 12, rue Principale")
    if shoot:
        _shot(page, "event-create", phone)
    with page.expect_navigation():
        page.get_by_role("button", name="Créer l'événement").click()
    expect(page.get_by_text("Événement créé.")).to_be_visible()


def _register_in_browser(page, base, group):
    page.goto(base + reverse("cohort-detail", args=[group.slug]))
    with page.expect_navigation():
        page.locator("#inscription button[type=submit]").click()


def test_a_cohort_near_lislet_fills_up_moves_its_waiting_list_and_its_board_is_live(asgi_server, new_page):
    base = asgi_server.url
    world = off_the_browser_thread(_world)
    group, organiser, freelancers = world["group"], world["organiser"], world["freelancers"]

    # The organiser makes the group a cohort of 8 seats, then plans its 3 meetings in L'Islet.
    page = _signed_in(new_page, base, organiser)
    page.goto(base + reverse("cohort-settings", args=[group.slug]))
    page.get_by_label("Places").fill("8")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la cohorte").click()
    expect(page.get_by_text("La cohorte est enregistrée.")).to_be_visible()
    for number, (title, theme) in enumerate(
        [("Briser la solitude", "Solitude"), ("Trouver l'équilibre", "Équilibre"), ("S'associer", "Partenariats")]
    ):
        _create_meeting(page, base, group, title=title, theme=theme, days=14 + 7 * number)
    events = list(Event.objects.filter(group=group).order_by("starts_at"))
    assert [e.municipality_id for e in events] == [world["lislet"].pk] * 3
    assert Group.objects.get(pk=group.pk).seats == 8

    # The freelancers of Saint-Jean-Port-Joli see it "près de chez vous"; seven register, then two in Chromium.
    for member in freelancers[:7]:
        off_the_browser_thread(services.cohort_register, user=member, group_id=group.pk)
    eighth = _signed_in(new_page, base, freelancers[7])
    eighth.goto(base + reverse("event-list"))
    near = eighth.locator("#pres-de-chez-vous")
    expect(near.get_by_role("link", name="Briser la solitude")).to_be_visible()
    _register_in_browser(eighth, base, group)
    expect(eighth.get_by_text("Vous êtes inscrit·e à toute la série de rencontres.")).to_be_visible()
    expect(eighth.get_by_text("8 inscrit·e·s sur 8 places")).to_be_visible()

    ninth = _signed_in(new_page, base, freelancers[8])
    ninth.goto(base + reverse("cohort-detail", args=[group.slug]))
    expect(ninth.get_by_role("button", name="M'inscrire sur la liste d'attente")).to_be_visible()
    _register_in_browser(ninth, base, group)
    expect(ninth.get_by_text("La cohorte est complète : vous êtes sur la liste d'attente.")).to_be_visible()
    expect(ninth.get_by_text("Vous êtes sur la liste d'attente (position 1).")).to_be_visible()

    # One cancels: the waiting one is in, and told.
    first = _signed_in(new_page, base, freelancers[0])
    first.goto(base + reverse("cohort-detail", args=[group.slug]))
    with first.expect_navigation():
        first.get_by_role("button", name="Annuler mon inscription").click()
    expect(first.get_by_text("Votre inscription à la cohorte est annulée.")).to_be_visible()

    ninth.reload()
    expect(ninth.locator("[data-registration=inscrit]")).to_be_visible()
    ninth.goto(base + reverse("notification-list"))
    expect(ninth.get_by_text(f"Une place s'est libérée : « {group.name} »")).to_be_visible()
    registered = set(
        Registration.objects.filter(cohort=group, status=RegistrationStatus.REGISTERED).values_list("member", flat=True)
    )
    assert registered == {member.pk for member in freelancers[1:]}
    assert Notification.objects.filter(recipient=freelancers[8], kind=NotificationKind.EVENT_PROMOTED).count() == 1

    # Registering for the cohort made each one a member of its group: its bulletin board is theirs, and a
    # post appears live for another member, without reload.
    members = set(
        GroupMembership.objects.filter(group=group, status=GroupMembershipStatus.ACTIVE).values_list(
            "member", flat=True
        )
    )
    assert {member.pk for member in freelancers} <= members
    group_url = base + reverse("group-detail", args=[group.slug])
    reader = _signed_in(new_page, base, freelancers[2])
    reader.goto(group_url)
    reader.wait_for_selector("html[data-live-connection=connected]")
    writer = _signed_in(new_page, base, freelancers[1])
    writer.goto(group_url)
    writer.fill("#id_body", "Covoiturage pour la rencontre du 1er : je pars de Saint-Jean-Port-Joli à 17 h 30.")
    writer.click(".bulletin-form button[type=submit]")
    new_post = reader.locator(".bulletin-post.is-new")
    new_post.wait_for()
    assert "Covoiturage pour la rencontre" in new_post.inner_text()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_event_pages_screenshots(asgi_server, new_page, phone):
    base = asgi_server.url
    world = off_the_browser_thread(_world)
    group, organiser, freelancers = world["group"], world["organiser"], world["freelancers"]
    off_the_browser_thread(services.cohort_configure, user=organiser, group_id=group.pk, seats=8)

    page = _signed_in(new_page, base, organiser, phone=phone)
    _create_meeting(page, base, group, title="Briser la solitude", theme="Solitude", days=14, phone=phone, shoot=True)
    _create_meeting(page, base, group, title="Trouver l'équilibre", theme="Équilibre", days=21)
    for member in freelancers:
        off_the_browser_thread(services.cohort_register, user=member, group_id=group.pk)
    event = Event.objects.filter(group=group).order_by("starts_at").first()

    page.goto(base + reverse("cohort-detail", args=[group.slug]))
    expect(page.get_by_text("8 inscrit·e·s sur 8 places")).to_be_visible()
    _shot(page, "cohort-organiser", phone)
    page.goto(base + reverse("event-create", args=[group.slug]))
    with page.expect_navigation():
        page.get_by_role("button", name="Créer l'événement").click()  # empty: the errors in place
    assert page.locator(".errorlist").count() >= 1
    _shot(page, "event-create-errors", phone)

    member = _signed_in(new_page, base, freelancers[8], phone=phone)
    member.goto(base + reverse("event-detail", args=[event.pk]))
    expect(member.get_by_text("Vous êtes sur la liste d'attente (position 1).")).to_be_visible()
    _shot(member, "event-detail", phone)
    member.goto(base + reverse("cohort-detail", args=[group.slug]))
    _shot(member, "cohort", phone)
    member.goto(base + reverse("event-list"))
    _shot(member, "event-list", phone)
    member.goto(base + reverse("event-my-calendar"))
    _shot(member, "my-calendar", phone)
    member.goto(base + reverse("group-detail", args=[group.slug]))
    expect(member.locator("#evenements")).to_be_visible()
    _shot(member, "group-with-events", phone)
