"""`.ics` files and the member's feed: parsed back with icalendar, accents and long descriptions intact."""

import datetime

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import services
from tests.factories import EventFactory, GroupFactory, GroupMembershipFactory, MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]

LONG = ("Solitude, équilibre; limites — « partenariats » à L'Islet, où l'on s'entraide.\n" * 60).strip()


def _parse(content: bytes) -> list:
    return icalendar.Calendar.from_ical(content).walk("VEVENT")


def test_an_events_ics_keeps_accents_and_a_long_description():
    place = MunicipalityFactory(name="L'Islet-sur-Mer")
    event = EventFactory(
        title="Équilibre travail-vie : s'écouter",
        theme="Équilibre",
        description=LONG,
        municipality=place,
        address="9, chemin des Pionniers Est",
    )

    response = Client().get(reverse("event-ics", args=[event.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n")), "lines are folded at 75 octets"
    (vevent,) = _parse(response.content)
    assert str(vevent["summary"]) == "Équilibre travail-vie : s'écouter"
    assert LONG in str(vevent["description"])
    assert "Thème : Équilibre" in str(vevent["description"])
    assert str(vevent["location"]) == "9, chemin des Pionniers Est, L'Islet-sur-Mer"
    assert vevent.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert vevent.decoded("dtend") == event.ends_at.replace(microsecond=0)
    assert str(vevent["status"]) == "CONFIRMED"


def test_the_feed_holds_the_members_events_and_cohort_series_without_a_session():
    member = UserFactory()
    single = EventFactory(title="Réseautage à Saint-Jean-Port-Joli", capacity=5)
    services.event_register(user=member, event_id=single.pk)
    cohort = GroupFactory()
    organiser = UserFactory()
    GroupMembershipFactory(group=cohort, member=organiser, role="organisateur")
    services.cohort_configure(user=organiser, group_id=cohort.pk, seats=6)
    start = timezone.now() + datetime.timedelta(days=20)
    series = [
        EventFactory(
            group=cohort,
            capacity=None,
            title=f"Rencontre {n} — « thème »",
            starts_at=start + datetime.timedelta(days=7 * n),
        )
        for n in (1, 2, 3)
    ]
    services.cohort_register(user=member, group_id=cohort.pk)
    EventFactory(title="Pas pour moi")
    waiting_for = EventFactory(title="Complet", capacity=1)
    services.event_register(user=UserFactory(), event_id=waiting_for.pk)
    services.event_register(user=member, event_id=waiting_for.pk)  # waiting: not in the feed
    token = services.calendar_feed_token(user=member)

    response = Client().get(reverse("calendar-feed", args=[token]))

    assert response.status_code == 200
    summaries = [str(v["summary"]) for v in _parse(response.content)]
    assert summaries == ["Réseautage à Saint-Jean-Port-Joli"] + [e.title for e in series]
    assert services.calendar_feed_token(user=member) == token  # the same address on every visit


def test_a_cancelled_event_stays_in_the_feed_marked_cancelled():
    member = UserFactory()
    group = GroupFactory()
    organiser = UserFactory()
    GroupMembershipFactory(group=group, member=organiser, role="organisateur")
    event = EventFactory(group=group)
    services.event_register(user=member, event_id=event.pk)
    services.event_cancel(user=organiser, event_id=event.pk)

    response = Client().get(reverse("calendar-feed", args=[services.calendar_feed_token(user=member)]))

    (vevent,) = _parse(response.content)
    assert str(vevent["status"]) == "CANCELLED"


def test_a_made_up_or_revoked_token_opens_nothing():
    member = UserFactory()
    old = services.calendar_feed_token(user=member)

    new = services.calendar_feed_reset(user=member)

    assert new != old
    assert Client().get(reverse("calendar-feed", args=[old])).status_code == 404
    assert Client().get(reverse("calendar-feed", args=["invente"])).status_code == 404
    assert Client().get(reverse("calendar-feed", args=[new])).status_code == 200
