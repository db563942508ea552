"""/api/v1/ for events and cohorts: the same rules as the pages, answered as JSON."""

import datetime

import icalendar
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from community.models import Event, GroupRole, Registration, RegistrationStatus
from tests.api import api_as
from tests.factories import EventFactory, GroupFactory, GroupMembershipFactory, MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def _organised_group(**kwargs):
    group = GroupFactory(**kwargs)
    organiser = UserFactory()
    GroupMembershipFactory(group=group, member=organiser, role=GroupRole.ORGANISER)
    return group, organiser


def _start(days=10):
    return (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)


def test_an_organiser_creates_updates_and_cancels_an_event():
    group, organiser = _organised_group()
    api = api_as(organiser)
    start = _start()

    created = api.post(
        "/api/v1/events/",
        {
            "group": group.pk,
            "title": "Limites et partenariats",
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
            "municipality": MunicipalityFactory().pk,
            "capacity": 2,
        },
    )
    assert created.status_code == 201, created.json()
    event_id = created.json()["id"]
    assert created.json()["seats_left"] == 2

    updated = api.patch(f"/api/v1/events/{event_id}/", {"theme": "Réseau", "capacity": 4})
    assert updated.status_code == 200
    assert (updated.json()["theme"], updated.json()["capacity"]) == ("Réseau", 4)

    cancelled = api.post(f"/api/v1/events/{event_id}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"]
    again = api.post(f"/api/v1/events/{event_id}/cancel/")
    assert again.status_code == 409 and again.json() == {"detail": "Cet événement est déjà annulé."}


def test_creating_an_event_with_bad_fields_lists_every_problem_and_saves_nothing():
    group, organiser = _organised_group()
    start = _start()

    response = api_as(organiser).post(
        "/api/v1/events/",
        {
            "group": group.pk,
            "title": "Rencontre",
            "starts_at": start.isoformat(),
            "ends_at": (start - datetime.timedelta(hours=1)).isoformat(),
        },
    )

    assert response.status_code == 400
    assert response.json() == {
        "ends_at": ["La fin vient après le début."],
        "municipality": ["Indiquez une municipalité (et une adresse) ou un lien en ligne."],
    }
    assert not Event.objects.exists()


def test_someone_who_does_not_organise_the_group_gets_403():
    group, _organiser = _organised_group()
    start = _start()

    response = api_as(UserFactory()).post(
        "/api/v1/events/",
        {
            "group": group.pk,
            "title": "x",
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=1)).isoformat(),
        },
    )

    assert response.status_code == 403
    assert not Event.objects.exists()


def test_register_wait_and_cancel_over_the_api():
    event = EventFactory(capacity=1)
    first, second = UserFactory(), UserFactory()

    assert api_as(first).post(f"/api/v1/events/{event.pk}/registration/").json()["status"] == "inscrit"
    waiting = api_as(second).post(f"/api/v1/events/{event.pk}/registration/")
    assert (waiting.status_code, waiting.json()["status"], waiting.json()["waiting_position"]) == (201, "attente", 1)
    twice = api_as(second).post(f"/api/v1/events/{event.pk}/registration/")
    assert (twice.status_code, twice.json()) == (409, {"detail": "Vous êtes déjà sur la liste d'attente."})

    left = api_as(first).delete(f"/api/v1/events/{event.pk}/registration/")

    assert (left.status_code, left.json()["status"]) == (200, "annule")
    mine = api_as(second).get("/api/v1/me/event-registrations/").json()
    assert [(r["event"], r["status"]) for r in mine] == [(event.pk, "inscrit")]
    detail = api_as(second).get(f"/api/v1/events/{event.pk}/").json()
    assert (detail["my_registration"], detail["seats_left"], detail["waiting_count"]) == ("inscrit", 0, 0)


def test_a_past_event_answers_409():
    start = timezone.now() - datetime.timedelta(days=1)
    event = EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=1))

    response = api_as(UserFactory()).post(f"/api/v1/events/{event.pk}/registration/")

    assert (response.status_code, response.json()) == (
        409,
        {"detail": "Cet événement est passé : les inscriptions sont fermées."},
    )


def test_registering_needs_a_signed_in_member():
    event = EventFactory()

    assert APIClient().post(f"/api/v1/events/{event.pk}/registration/").status_code == 401
    assert not Registration.objects.exists()


def test_a_cohort_over_the_api():
    group, organiser = _organised_group()
    configured = api_as(organiser).put(f"/api/v1/groups/{group.pk}/cohort/", {"seats": 6})
    assert configured.status_code == 200 and configured.json()["seats"] == 6
    assert api_as(organiser).put(f"/api/v1/groups/{group.pk}/cohort/", {"seats": 13}).status_code == 400
    event = EventFactory(group=group, capacity=None)
    member = UserFactory()

    registered = api_as(member).post(f"/api/v1/groups/{group.pk}/cohort/registration/")

    assert (registered.status_code, registered.json()["cohort"], registered.json()["status"]) == (
        201,
        group.pk,
        "inscrit",
    )
    single = api_as(UserFactory()).post(f"/api/v1/events/{event.pk}/registration/")
    assert single.status_code == 409
    cohort = api_as(member).get(f"/api/v1/groups/{group.pk}/cohort/").json()
    assert (cohort["registered_count"], cohort["seats_left"], cohort["events"]) == (1, 5, [event.pk])
    assert api_as(member).delete(f"/api/v1/groups/{group.pk}/cohort/registration/").json()["status"] == "annule"
    assert RegistrationStatus.REGISTERED not in Registration.objects.values_list("status", flat=True)


def test_the_online_link_is_for_registered_members_only():
    event = EventFactory(municipality=None, online_url="https://meet.exemple.ca/secret")
    member = UserFactory()

    assert api_as(member).get(f"/api/v1/events/{event.pk}/").json()["online_url"] == ""
    api_as(member).post(f"/api/v1/events/{event.pk}/registration/")
    assert api_as(member).get(f"/api/v1/events/{event.pk}/").json()["online_url"] == "https://meet.exemple.ca/secret"


def test_ics_download_and_feed_url_over_the_api():
    event = EventFactory(title="Équilibre", capacity=3)
    member = UserFactory()
    api = api_as(member)
    api.post(f"/api/v1/events/{event.pk}/registration/")

    download = api.get(f"/api/v1/events/{event.pk}/ics/")
    assert download["Content-Type"].startswith("text/calendar")
    assert str(icalendar.Calendar.from_ical(download.content).walk("VEVENT")[0]["summary"]) == "Équilibre"

    url = api.get("/api/v1/me/calendar-feed/").json()["url"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    feed = APIClient().get("/" + path)
    assert feed.status_code == 200
    assert [str(e["summary"]) for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")] == ["Équilibre"]

    new_url = api.post("/api/v1/me/calendar-feed/reset/").json()["url"]
    assert new_url != url
    assert APIClient().get("/" + path).status_code == 404
