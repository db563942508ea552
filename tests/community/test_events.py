"""Events and cohorts: planning, registering, the waiting list, reminders; every refusal leaves nothing changed."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from community import selectors, services
from community.models import Event, GroupRole, Registration, RegistrationStatus
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from tests.factories import (
    EventFactory,
    FreelancerProfileFactory,
    GroupFactory,
    GroupMembershipFactory,
    MunicipalityFactory,
    UserFactory,
)

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def _organised_group(**kwargs):
    group = GroupFactory(**kwargs)
    organiser = UserFactory()
    GroupMembershipFactory(group=group, member=organiser, role=GroupRole.ORGANISER)
    return group, organiser


def _future(days=10, hours=0):
    return timezone.now() + datetime.timedelta(days=days, hours=hours)


def _event_data(**overrides):
    start = _future()
    data = {
        "title": "Solitude et équilibre",
        "theme": "Solitude",
        "description": "On en parle ensemble.",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "municipality": MunicipalityFactory().pk,
        "address": "12, rue Principale",
        "online_url": "",
        "capacity": 10,
        "registration_deadline": None,
    }
    data.update(overrides)
    return data


def _statuses(**lookup):
    return list(Registration.objects.filter(**lookup).order_by("pk").values_list("member_id", "status"))


# --- Planning ------------------------------------------------------------------------------------


def test_an_organiser_plans_an_event_of_their_group():
    group, organiser = _organised_group()

    event = services.event_create(user=organiser, group_id=group.pk, data=_event_data())

    assert (event.group, event.title, event.capacity, event.address) == (
        group,
        "Solitude et équilibre",
        10,
        "12, rue Principale",
    )


def test_a_member_who_does_not_organise_the_group_cannot_plan_an_event():
    group, _organiser = _organised_group()
    member = GroupMembershipFactory(group=group).member

    with pytest.raises(PermissionDenied, match="Seuls les organisateurs"):
        services.event_create(user=member, group_id=group.pk, data=_event_data())
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "  "}, "title", "Ce champ est obligatoire."),
        (
            {"starts_at": timezone.now() - datetime.timedelta(days=1)},
            "starts_at",
            "Un événement se planifie dans le futur.",
        ),
        ({"ends_at": None}, "ends_at", "Indiquez l'heure de fin."),
        ({"starts_at": "pas une date"}, "starts_at", "Entrez une date et une heure valides"),
        (
            {"municipality": None, "online_url": ""},
            "municipality",
            "Indiquez une municipalité (et une adresse) ou un lien",
        ),
        ({"municipality": 987654321}, "municipality", "Cette municipalité n'existe pas."),
        ({"online_url": "javascript:alert(1)"}, "online_url", "Le lien en ligne commence par https://."),
        ({"capacity": 0}, "capacity", "Entre 1 et 10 000 places."),
        ({"capacity": "douze"}, "capacity", "Entrez un nombre de places."),
        ({"title": "x" * 161}, "title", "160 caractères au maximum"),
    ],
)
def test_a_bad_event_is_refused_with_a_message_on_its_field(overrides, field, message):
    group, organiser = _organised_group()

    with pytest.raises(ValidationFailed) as refused:
        services.event_create(user=organiser, group_id=group.pk, data=_event_data(**overrides))

    assert any(message in str(m) for m in refused.value.errors[field]), refused.value.errors
    assert not Event.objects.exists()


def test_an_event_ending_before_it_starts_or_a_deadline_after_the_start_is_refused():
    group, organiser = _organised_group()
    start = _future()

    with pytest.raises(ValidationFailed) as refused:
        services.event_create(
            user=organiser,
            group_id=group.pk,
            data=_event_data(
                starts_at=start,
                ends_at=start - datetime.timedelta(hours=1),
                registration_deadline=start + datetime.timedelta(hours=1),
            ),
        )

    assert refused.value.errors["ends_at"] == ["La fin vient après le début."]
    assert refused.value.errors["registration_deadline"] == ["La date limite d'inscription vient avant le début."]
    assert not Event.objects.exists()


def test_an_online_event_needs_no_municipality():
    group, organiser = _organised_group()

    event = services.event_create(
        user=organiser, group_id=group.pk, data=_event_data(municipality=None, online_url="https://meet.exemple.ca/abc")
    )

    assert event.municipality is None and event.online_url == "https://meet.exemple.ca/abc"


def test_an_organiser_cancels_an_event_once():
    group, organiser = _organised_group()
    event = EventFactory(group=group)

    services.event_cancel(user=organiser, event_id=event.pk)

    event.refresh_from_db()
    assert event.cancelled_at is not None
    with pytest.raises(Conflict, match="déjà annulé"):
        services.event_cancel(user=organiser, event_id=event.pk)
    with pytest.raises(Conflict, match="Cet événement est annulé."):
        services.event_register(user=UserFactory(), event_id=event.pk)


# --- Registering, the waiting list ---------------------------------------------------------------


def test_registering_takes_a_seat_and_tells_the_member():
    event = EventFactory(capacity=2)
    member = UserFactory()

    registration = services.event_register(user=member, event_id=event.pk)

    assert registration.status == RegistrationStatus.REGISTERED
    notification = Notification.objects.get(recipient=member)
    assert notification.kind == NotificationKind.EVENT_REGISTERED
    assert notification_text(notification).title == "Inscription confirmée : « Solitude et équilibre »"


def test_over_capacity_the_member_goes_on_the_waiting_list_and_is_told():
    event = EventFactory(capacity=1)
    first, second = UserFactory(), UserFactory()
    services.event_register(user=first, event_id=event.pk)

    registration = services.event_register(user=second, event_id=event.pk)

    assert registration.status == RegistrationStatus.WAITING
    assert selectors.waiting_position(registration) == 1
    text = notification_text(Notification.objects.get(recipient=second))
    assert text.title == "Liste d'attente : « Solitude et équilibre »"


def test_when_someone_cancels_the_first_waiting_moves_up_and_is_told():
    event = EventFactory(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for member in (first, second, third):
        services.event_register(user=member, event_id=event.pk)

    services.event_registration_cancel(user=first, event_id=event.pk)

    assert _statuses(event=event) == [
        (first.pk, RegistrationStatus.CANCELLED),
        (second.pk, RegistrationStatus.REGISTERED),
        (third.pk, RegistrationStatus.WAITING),
    ]
    promoted = Notification.objects.get(recipient=second, kind=NotificationKind.EVENT_PROMOTED)
    assert notification_text(promoted).title == "Une place s'est libérée : « Solitude et équilibre »"
    assert not Notification.objects.filter(recipient=third, kind=NotificationKind.EVENT_PROMOTED).exists()


def test_leaving_the_waiting_list_promotes_nobody():
    event = EventFactory(capacity=1)
    first, second = UserFactory(), UserFactory()
    services.event_register(user=first, event_id=event.pk)
    services.event_register(user=second, event_id=event.pk)

    services.event_registration_cancel(user=second, event_id=event.pk)

    assert _statuses(event=event) == [
        (first.pk, RegistrationStatus.REGISTERED),
        (second.pk, RegistrationStatus.CANCELLED),
    ]
    assert not Notification.objects.filter(kind=NotificationKind.EVENT_PROMOTED).exists()


def test_more_seats_move_the_waiting_list_up():
    group, organiser = _organised_group()
    event = EventFactory(group=group, capacity=1)
    members = [UserFactory() for _ in range(3)]
    for member in members:
        services.event_register(user=member, event_id=event.pk)

    services.event_update(user=organiser, event_id=event.pk, data={"capacity": 3})

    assert {status for _member, status in _statuses(event=event)} == {RegistrationStatus.REGISTERED}
    assert Notification.objects.filter(kind=NotificationKind.EVENT_PROMOTED).count() == 2


def test_capacity_cannot_drop_below_the_registered_count():
    group, organiser = _organised_group()
    event = EventFactory(group=group, capacity=3)
    for _ in range(2):
        services.event_register(user=UserFactory(), event_id=event.pk)

    with pytest.raises(ValidationFailed, match="2 personnes sont déjà inscrites"):
        services.event_update(user=organiser, event_id=event.pk, data={"capacity": 1})
    assert Event.objects.get(pk=event.pk).capacity == 3


def test_registering_twice_is_refused():
    event = EventFactory(capacity=5)
    member = UserFactory()
    services.event_register(user=member, event_id=event.pk)

    with pytest.raises(Conflict, match="Vous êtes déjà inscrit·e."):
        services.event_register(user=member, event_id=event.pk)
    assert Registration.objects.filter(member=member).count() == 1


def test_waiting_twice_is_refused_too():
    event = EventFactory(capacity=1)
    services.event_register(user=UserFactory(), event_id=event.pk)
    member = UserFactory()
    services.event_register(user=member, event_id=event.pk)

    with pytest.raises(Conflict, match="déjà sur la liste d'attente"):
        services.event_register(user=member, event_id=event.pk)


def test_registering_again_after_cancelling_is_allowed():
    event = EventFactory(capacity=5)
    member = UserFactory()
    services.event_register(user=member, event_id=event.pk)
    services.event_registration_cancel(user=member, event_id=event.pk)

    again = services.event_register(user=member, event_id=event.pk)

    assert again.status == RegistrationStatus.REGISTERED
    assert Registration.objects.filter(member=member).count() == 2


def test_a_past_event_refuses_registrations():
    start = timezone.now() - datetime.timedelta(days=1)
    event = EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2))

    with pytest.raises(Conflict, match="Cet événement est passé : les inscriptions sont fermées."):
        services.event_register(user=UserFactory(), event_id=event.pk)
    assert not Registration.objects.exists()


def test_a_passed_registration_deadline_refuses_registrations():
    event = EventFactory(registration_deadline=timezone.now() - datetime.timedelta(minutes=1))

    with pytest.raises(Conflict, match="La date limite d'inscription est passée."):
        services.event_register(user=UserFactory(), event_id=event.pk)
    assert not Registration.objects.exists()


def test_cancelling_without_a_registration_is_refused():
    event = EventFactory()

    with pytest.raises(Conflict, match="Vous n'êtes pas inscrit·e à cet événement."):
        services.event_registration_cancel(user=UserFactory(), event_id=event.pk)


def test_an_unknown_event_is_not_found():
    with pytest.raises(NotFound):
        services.event_register(user=UserFactory(), event_id=999_999)


def test_events_of_a_group_on_request_are_for_its_members():
    event = EventFactory(group=GroupFactory(access="sur_demande"))
    outsider = UserFactory()
    member = GroupMembershipFactory(group=event.group).member

    with pytest.raises(PermissionDenied, match="réservés à ses membres"):
        services.event_register(user=outsider, event_id=event.pk)
    assert services.event_register(user=member, event_id=event.pk).status == RegistrationStatus.REGISTERED


def test_an_invitation_only_groups_events_are_hidden_from_outsiders():
    event = EventFactory(group=GroupFactory(access="invitation"))

    with pytest.raises(NotFound):
        selectors.event_get_visible(user=UserFactory(), event_id=event.pk)


# --- Cohorts -------------------------------------------------------------------------------------


def _cohort(seats=6, events=3, **kwargs):
    group, organiser = _organised_group()
    services.cohort_configure(user=organiser, group_id=group.pk, seats=seats, **kwargs)
    group.refresh_from_db()
    series = [EventFactory(group=group, capacity=None, starts_at=_future(days=7 * (i + 1))) for i in range(events)]
    return group, organiser, series


@pytest.mark.parametrize("seats", [5, 13, None, "huit"])
def test_a_cohort_has_six_to_twelve_seats(seats):
    group, organiser = _organised_group()

    with pytest.raises(ValidationFailed) as refused:
        services.cohort_configure(user=organiser, group_id=group.pk, seats=seats)

    assert "seats" in refused.value.errors
    group.refresh_from_db()
    assert (group.is_cohort, group.seats) == (False, None)


def test_one_registration_covers_the_whole_series():
    cohort, _organiser, series = _cohort()
    member = UserFactory()

    registration = services.cohort_register(user=member, group_id=cohort.pk)

    assert (registration.cohort, registration.event, registration.status) == (
        cohort,
        None,
        RegistrationStatus.REGISTERED,
    )
    assert {e.pk for e in selectors.calendar_events_for_member(member=member)} == {e.pk for e in series}
    assert (
        notification_text(Notification.objects.get(recipient=member)).title
        == f"Inscription confirmée : « {cohort.name} »"
    )


def test_a_cohorts_event_is_not_booked_alone():
    _cohort_group, _organiser, series = _cohort()

    with pytest.raises(Conflict, match="inscrivez-vous à la cohorte entière"):
        services.event_register(user=UserFactory(), event_id=series[0].pk)


def test_a_full_cohort_puts_the_next_on_the_waiting_list_and_moves_them_up():
    cohort, _organiser, _series = _cohort(seats=6)
    members = [UserFactory() for _ in range(8)]
    for member in members:
        services.cohort_register(user=member, group_id=cohort.pk)
    assert [s for _m, s in _statuses(cohort=cohort)] == [RegistrationStatus.REGISTERED] * 6 + [
        RegistrationStatus.WAITING
    ] * 2

    services.cohort_registration_cancel(user=members[2], group_id=cohort.pk)

    statuses = dict(_statuses(cohort=cohort))
    assert statuses[members[2].pk] == RegistrationStatus.CANCELLED
    assert statuses[members[6].pk] == RegistrationStatus.REGISTERED
    assert statuses[members[7].pk] == RegistrationStatus.WAITING
    promoted = Notification.objects.get(recipient=members[6], kind=NotificationKind.EVENT_PROMOTED)
    assert "pour toute la série" in notification_text(promoted).body


def test_a_cohorts_deadline_closes_its_registrations():
    cohort, _organiser, _series = _cohort(registration_deadline=timezone.now() + datetime.timedelta(days=1))
    cohort.registration_deadline = timezone.now() - datetime.timedelta(minutes=1)
    cohort.save()

    with pytest.raises(Conflict, match="La date limite d'inscription est passée."):
        services.cohort_register(user=UserFactory(), group_id=cohort.pk)
    assert not Registration.objects.exists()


def test_a_cohort_whose_series_is_over_refuses_registrations():
    cohort, _organiser, series = _cohort(events=1)
    start = timezone.now() - datetime.timedelta(days=2)
    Event.objects.filter(pk=series[0].pk).update(starts_at=start, ends_at=start + datetime.timedelta(hours=2))

    with pytest.raises(Conflict, match="Cette cohorte est terminée"):
        services.cohort_register(user=UserFactory(), group_id=cohort.pk)


def test_registering_twice_to_a_cohort_is_refused():
    cohort, _organiser, _series = _cohort()
    member = UserFactory()
    services.cohort_register(user=member, group_id=cohort.pk)

    with pytest.raises(Conflict, match="Vous êtes déjà inscrit·e."):
        services.cohort_register(user=member, group_id=cohort.pk)
    assert Registration.objects.filter(member=member).count() == 1


def test_a_group_that_is_not_a_cohort_takes_no_cohort_registration():
    group, _organiser = _organised_group()

    with pytest.raises(NotFound):
        services.cohort_register(user=UserFactory(), group_id=group.pk)


# --- Reminders the day before --------------------------------------------------------------------


def test_reminders_go_once_to_the_registered_the_day_before():
    event = EventFactory(capacity=1, starts_at=_future(days=3))
    registered, waiting = UserFactory(), UserFactory()
    services.event_register(user=registered, event_id=event.pk)
    services.event_register(user=waiting, event_id=event.pk)

    assert services.event_reminders_send_due() == 0  # three days ahead: not yet
    tomorrow = event.starts_at - datetime.timedelta(hours=20)
    assert services.event_reminders_send_due(now=tomorrow) == 1
    assert services.event_reminders_send_due(now=tomorrow + datetime.timedelta(hours=1)) == 0
    assert services.event_reminder_send(event_id=event.pk, now=tomorrow) == 0

    reminders = Notification.objects.filter(kind=NotificationKind.EVENT_REMINDER)
    assert [n.recipient_id for n in reminders] == [registered.pk]
    text = notification_text(reminders[0])
    assert text.title == "Rappel : « Solitude et équilibre » demain"
    assert "12, rue Principale" in text.body
    assert Event.objects.get(pk=event.pk).reminder_sent_at == tomorrow


def test_the_sweep_command_reminds_a_cohorts_members_once():
    cohort, _organiser, series = _cohort(events=1)
    Event.objects.filter(pk=series[0].pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=5), ends_at=timezone.now() + datetime.timedelta(hours=7)
    )
    members = [UserFactory() for _ in range(2)]
    for member in members:
        services.cohort_register(user=member, group_id=cohort.pk)

    call_command("community_event_reminders")
    call_command("community_event_reminders")

    reminders = Notification.objects.filter(kind=NotificationKind.EVENT_REMINDER)
    assert sorted(n.recipient_id for n in reminders) == sorted(m.pk for m in members)


def test_a_cancelled_event_sends_no_reminder():
    group, organiser = _organised_group()
    event = EventFactory(group=group, starts_at=_future(days=0, hours=5))
    services.event_register(user=UserFactory(), event_id=event.pk)
    services.event_cancel(user=organiser, event_id=event.pk)

    assert services.event_reminders_send_due() == 0


def test_moving_an_event_allows_a_new_reminder():
    group, organiser = _organised_group()
    event = EventFactory(group=group, starts_at=_future(days=0, hours=5))
    services.event_register(user=UserFactory(), event_id=event.pk)
    assert services.event_reminders_send_due() == 1
    start = _future(days=4)

    services.event_update(
        user=organiser, event_id=event.pk, data={"starts_at": start, "ends_at": start + datetime.timedelta(hours=1)}
    )

    assert Event.objects.get(pk=event.pk).reminder_sent_at is None


# --- Texts in both languages ---------------------------------------------------------------------


def test_event_notifications_read_in_french_and_english():
    event = EventFactory(capacity=1, starts_at=_future(days=0, hours=5))
    first, second = UserFactory(), UserFactory()
    services.event_register(user=first, event_id=event.pk)
    services.event_register(user=second, event_id=event.pk)
    services.event_registration_cancel(user=first, event_id=event.pk)
    services.event_reminders_send_due()
    by_kind = {n.kind: n for n in Notification.objects.filter(recipient=second)}

    assert (
        notification_text(by_kind[NotificationKind.EVENT_REGISTERED]).title
        == "Liste d'attente : « Solitude et équilibre »"
    )
    assert notification_text(by_kind[NotificationKind.EVENT_PROMOTED]).title.startswith("Une place s'est libérée")
    assert (
        notification_text(by_kind[NotificationKind.EVENT_REMINDER]).title == "Rappel : « Solitude et équilibre » demain"
    )
    with translation.override("en"):
        assert (
            notification_text(by_kind[NotificationKind.EVENT_REGISTERED]).title
            == "Waiting list: “Solitude et équilibre”"
        )
        assert (
            notification_text(by_kind[NotificationKind.EVENT_PROMOTED]).title
            == "A seat opened up: “Solitude et équilibre”"
        )
        reminder = notification_text(by_kind[NotificationKind.EVENT_REMINDER])
        assert reminder.title == "Reminder: “Solitude et équilibre” tomorrow"
        assert reminder.body.startswith("It's tomorrow,")


# --- Près de chez vous ---------------------------------------------------------------------------


def test_events_near_a_place_come_nearest_first_with_their_distance():
    lislet = MunicipalityFactory(name="L'Islet", latitude=47.1167, longitude=-70.35)
    saint_jean = MunicipalityFactory(name="Saint-Jean-Port-Joli", latitude=47.2156, longitude=-70.2686)
    rimouski = MunicipalityFactory(name="Rimouski", latitude=48.4489, longitude=-68.5239)
    far = EventFactory(municipality=rimouski)
    near = EventFactory(municipality=saint_jean)
    here = EventFactory(municipality=lislet)
    EventFactory(municipality=lislet, cancelled_at=timezone.now())
    EventFactory(municipality=None, online_url="https://meet.exemple.ca/x")

    found = selectors.events_near(latitude=lislet.latitude, longitude=lislet.longitude, radius_km=50)

    assert [e.pk for e in found] == [here.pk, near.pk]
    assert found[0].distance_km == 0
    assert 10 < found[1].distance_km < 15
    assert far.pk not in {e.pk for e in found}


def test_a_freelancer_sees_events_and_groups_within_their_travel_radius():
    lislet = MunicipalityFactory(name="L'Islet", latitude=47.1167, longitude=-70.35)
    rimouski = MunicipalityFactory(name="Rimouski", latitude=48.4489, longitude=-68.5239)
    profile = FreelancerProfileFactory(municipality=lislet, travel_radius_km=40)
    nearby_group = GroupFactory(municipality=lislet)
    GroupFactory(municipality=rimouski)
    here = EventFactory(municipality=lislet)
    EventFactory(municipality=rimouski)

    near = selectors.near_for_user(user=profile.user)

    assert [e.pk for e in near.events] == [here.pk]
    assert [g.pk for g in near.groups] == [nearby_group.pk]


# --- Loi 25 --------------------------------------------------------------------------------------


def test_a_members_registrations_are_exported_and_erasing_them_moves_the_waiting_list_up():
    from community import privacy

    event = EventFactory(capacity=1, title="Réseautage")
    member, waiting = UserFactory(), UserFactory()
    services.event_register(user=member, event_id=event.pk)
    services.event_register(user=waiting, event_id=event.pk)
    services.calendar_feed_token(user=member)

    data, files = privacy.export_data(user=member)
    assert [(r["event"], r["status"]) for r in data["inscriptions_aux_evenements"]] == [("Réseautage", "inscrit")]
    assert data["agenda_abonnement_actif"] is True

    privacy.erase(user=member)

    assert not Registration.objects.filter(member=member).exists()
    assert Registration.objects.get(member=waiting).status == RegistrationStatus.REGISTERED
    assert Notification.objects.filter(recipient=waiting, kind=NotificationKind.EVENT_PROMOTED).count() == 1
