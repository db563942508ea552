"""Racing registrations over HTTP on a live server: exactly `capacity` registered, the rest waiting, no 500.

Marked `embedded`: SQLite serialises writers (IMMEDIATE transactions); PostgreSQL locks the event's row
(or the cohort's) with SELECT … FOR UPDATE. Both must give the same count.
"""

import pytest
from rest_framework.authtoken.models import Token

from community import services
from community.models import Registration, RegistrationStatus
from notifications.models import Notification, NotificationKind
from tests.factories import EventFactory, GroupFactory, GroupMembershipFactory, UserFactory
from tests.race import race

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

RACERS = 12


def _headers(user) -> dict:
    return {"Authorization": f"Token {Token.objects.create(user=user).key}", "Accept-Language": "fr-ca"}


def test_twelve_members_racing_for_five_seats_five_are_registered_seven_wait(asgi_server):
    event = EventFactory(capacity=5)
    members = [UserFactory() for _ in range(RACERS)]

    responses = race(asgi_server.url, [(f"/api/v1/events/{event.pk}/registration/", _headers(m)) for m in members])

    assert [r.status_code for r in responses] == [201] * RACERS, [(r.status_code, r.text[:200]) for r in responses]
    statuses = sorted(r.json()["status"] for r in responses)
    assert statuses == [RegistrationStatus.WAITING] * 7 + [RegistrationStatus.REGISTERED] * 5
    assert Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count() == 5
    assert Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).count() == 7
    assert Notification.objects.filter(kind=NotificationKind.EVENT_REGISTERED).count() == RACERS


def test_one_member_racing_themself_gets_one_seat_and_clear_refusals(asgi_server):
    event = EventFactory(capacity=5)
    member = UserFactory()
    headers = _headers(member)

    responses = race(asgi_server.url, [(f"/api/v1/events/{event.pk}/registration/", headers)] * 6)

    assert sorted(r.status_code for r in responses) == [201] + [409] * 5, [(r.status_code, r.text) for r in responses]
    assert {r.json()["detail"] for r in responses if r.status_code == 409} == {"Vous êtes déjà inscrit·e."}
    assert Registration.objects.filter(member=member).count() == 1


def test_ten_members_racing_for_a_cohort_of_eight_eight_are_in(asgi_server):
    cohort = GroupFactory()
    organiser = UserFactory()
    GroupMembershipFactory(group=cohort, member=organiser, role="organisateur")
    services.cohort_configure(user=organiser, group_id=cohort.pk, seats=8)
    EventFactory(group=cohort, capacity=None)
    members = [UserFactory() for _ in range(10)]

    responses = race(
        asgi_server.url, [(f"/api/v1/groups/{cohort.pk}/cohort/registration/", _headers(m)) for m in members]
    )

    assert [r.status_code for r in responses] == [201] * 10, [(r.status_code, r.text[:200]) for r in responses]
    assert Registration.objects.filter(cohort=cohort, status=RegistrationStatus.REGISTERED).count() == 8
    assert Registration.objects.filter(cohort=cohort, status=RegistrationStatus.WAITING).count() == 2


def test_cancellations_racing_each_promote_a_different_waiting_member(asgi_server):
    event = EventFactory(capacity=3)
    registered = [UserFactory() for _ in range(3)]
    waiting = [UserFactory() for _ in range(4)]
    for member in registered + waiting:
        services.event_register(user=member, event_id=event.pk)
    path = f"/api/v1/events/{event.pk}/registration/"

    responses = race(asgi_server.url, [(path, _headers(user)) for user in registered], method="DELETE")

    assert [r.status_code for r in responses] == [200, 200, 200], [r.text[:200] for r in responses]
    now_in = set(
        Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).values_list(
            "member_id", flat=True
        )
    )
    assert now_in == {member.pk for member in waiting[:3]}
    assert Notification.objects.filter(kind=NotificationKind.EVENT_PROMOTED).count() == 3
