"""Cancelling an event tells everyone who holds a seat or a place in line, in their language; nobody else."""

import datetime

import pytest
from django.utils import timezone, translation

from community import services
from community.models import GroupRole, Registration, RegistrationStatus
from marketplace.common.errors import Conflict, PermissionDenied
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from tests.factories import EventFactory, GroupFactory, GroupMembershipFactory, UserFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]

START = datetime.datetime(2030, 3, 14, 18, 30, tzinfo=datetime.UTC)  # 14:30 in Québec, the same day


def _organised_group(**kwargs):
    group = GroupFactory(**kwargs)
    organiser = UserFactory()
    GroupMembershipFactory(group=group, member=organiser, role=GroupRole.ORGANISER)
    return group, organiser


def _cancel_notices():
    return Notification.objects.filter(kind=NotificationKind.EVENT_CANCELLED)


def test_cancelling_an_event_tells_every_registered_and_waiting_member():
    group, organiser = _organised_group()
    event = EventFactory(group=group, capacity=2, starts_at=START, ends_at=START + datetime.timedelta(hours=2))
    seated, gone, moved_up, late = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    for member in (seated, gone, moved_up):
        services.event_register(user=member, event_id=event.pk)
    services.event_registration_cancel(user=gone, event_id=event.pk)  # `moved_up` takes the seat…
    services.event_register(user=late, event_id=event.pk)  # …and `late` waits in line.
    bystander = GroupMembershipFactory(group=group).member

    services.event_cancel(user=organiser, event_id=event.pk)

    told = {n.recipient_id: n for n in _cancel_notices()}
    assert set(told) == {seated.pk, moved_up.pk, late.pk}
    assert gone.pk not in told and bystander.pk not in told and organiser.pk not in told
    notice = told[seated.pk]
    assert notice.url == f"/evenements/{event.pk}/"
    assert notification_text(notice) == (
        "Événement annulé : « Solitude et équilibre »",
        "Les organisateurs ont annulé l'événement du 14 mars 2030. Il disparaît de votre agenda.",
    )
    assert notification_text(told[late.pk]).body == (
        "Les organisateurs ont annulé l'événement du 14 mars 2030 : la liste d'attente où vous étiez n'a plus cours."
    )
    # The registrations stay as they were: the event is listed as cancelled, for them to understand.
    assert Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count() == 2
    assert Registration.objects.get(event=event, member=late).status == RegistrationStatus.WAITING


def test_the_cancel_notice_reads_in_english():
    group, organiser = _organised_group()
    event = EventFactory(group=group, starts_at=START, ends_at=START + datetime.timedelta(hours=2))
    member = UserFactory()
    services.event_register(user=member, event_id=event.pk)

    services.event_cancel(user=organiser, event_id=event.pk)

    with translation.override("en"):
        assert notification_text(_cancel_notices().get(recipient=member)) == (
            "Event cancelled: “Solitude et équilibre”",
            "The organisers cancelled the event of March 14, 2030. It leaves your calendar.",
        )


def test_cancelling_an_event_of_a_cohort_tells_the_cohorts_members_their_seat_holds():
    group, organiser = _organised_group()
    services.cohort_configure(user=organiser, group_id=group.pk, seats=6)
    group.refresh_from_db()
    event = EventFactory(group=group, capacity=None, starts_at=START, ends_at=START + datetime.timedelta(hours=2))
    EventFactory(group=group, capacity=None, starts_at=START + datetime.timedelta(days=7))
    members = [UserFactory() for _ in range(7)]  # six seats, one waiting
    for member in members:
        services.cohort_register(user=member, group_id=group.pk)

    services.event_cancel(user=organiser, event_id=event.pk)

    told = {n.recipient_id: n for n in _cancel_notices()}
    assert set(told) == {m.pk for m in members}
    assert notification_text(told[members[0].pk]).body == (
        f"La rencontre du 14 mars 2030 est annulée. Votre inscription à la cohorte « {group.name} » vaut toujours "
        "pour les autres rencontres."
    )
    with translation.override("en"):
        assert notification_text(told[members[0].pk]).body == (
            f"The meeting of March 14, 2030 is cancelled. Your registration to the cohort “{group.name}” still "
            "holds for the other meetings."
        )
    assert Registration.objects.filter(cohort=group, status=RegistrationStatus.REGISTERED).count() == 6


def test_a_refused_cancel_tells_nobody():
    group, organiser = _organised_group()
    event = EventFactory(group=group)
    member = UserFactory()
    services.event_register(user=member, event_id=event.pk)
    services.event_cancel(user=organiser, event_id=event.pk)

    with pytest.raises(Conflict, match="déjà annulé"):
        services.event_cancel(user=organiser, event_id=event.pk)
    with pytest.raises(PermissionDenied):
        services.event_cancel(user=member, event_id=EventFactory(group=group).pk)

    assert _cancel_notices().count() == 1


def test_a_past_event_is_not_cancelled_and_nobody_is_told():
    group, organiser = _organised_group()
    event = EventFactory(group=group)
    services.event_register(user=UserFactory(), event_id=event.pk)
    event.starts_at = timezone.now() - datetime.timedelta(hours=3)
    event.ends_at = timezone.now() - datetime.timedelta(hours=1)
    event.save()

    with pytest.raises(Conflict, match="passé"):
        services.event_cancel(user=organiser, event_id=event.pk)

    assert not _cancel_notices().exists()
    event.refresh_from_db()
    assert event.cancelled_at is None


def test_the_organisers_page_cancels_and_says_who_is_told(client):
    group, organiser = _organised_group()
    event = EventFactory(group=group)
    member = UserFactory()
    services.event_register(user=member, event_id=event.pk)
    client.force_login(organiser)

    confirm = client.get(f"/evenements/{event.pk}/annuler/")
    assert "Les personnes inscrites et en attente en seront avisées." in confirm.content.decode()
    done = client.post(f"/evenements/{event.pk}/annuler/", follow=True)

    assert "L&#x27;événement est annulé : les personnes inscrites et en attente en sont avisées." in (
        done.content.decode()
    )
    assert _cancel_notices().filter(recipient=member).count() == 1
