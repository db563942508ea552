"""The event and cohort pages as members see them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Event, GroupRole, Registration, RegistrationStatus
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


def test_the_events_page_puts_pres_de_chez_vous_first(client):
    lislet = MunicipalityFactory(name="L'Islet", latitude=47.1167, longitude=-70.35)
    rimouski = MunicipalityFactory(name="Rimouski", latitude=48.4489, longitude=-68.5239)
    profile = FreelancerProfileFactory(municipality=lislet, travel_radius_km=30)
    EventFactory(title="Café des pigistes", municipality=lislet)
    EventFactory(title="Loin d'ici", municipality=rimouski)
    client.force_login(profile.user)

    page = client.get(reverse("event-list")).content.decode()

    assert (
        page.index("Près de chez vous")
        < page.index("Café des pigistes")
        < page.index("Ailleurs au Québec")
        < page.index("Loin d&#x27;ici")
    )


def test_registering_from_the_event_page_then_cancelling(client):
    event = EventFactory(capacity=1)
    member = UserFactory()
    client.force_login(member)

    page = client.post(reverse("event-register", args=[event.pk]), follow=True).content.decode()
    assert "Vous êtes inscrit·e." in page
    assert "Annuler mon inscription" in page

    page = client.post(reverse("event-unregister", args=[event.pk]), follow=True).content.decode()
    assert "Votre inscription est annulée." in page
    assert not Registration.objects.exclude(status=RegistrationStatus.CANCELLED).exists()


def test_a_full_event_offers_the_waiting_list_and_a_refusal_is_shown_on_the_page(client):
    event = EventFactory(capacity=1, registration_deadline=timezone.now() + datetime.timedelta(days=1))
    services.event_register(user=UserFactory(), event_id=event.pk)
    client.force_login(UserFactory())

    page = client.get(reverse("event-detail", args=[event.pk])).content.decode()
    assert "M'inscrire sur la liste d'attente" in page

    Event.objects.filter(pk=event.pk).update(registration_deadline=timezone.now() - datetime.timedelta(minutes=1))
    page = client.post(reverse("event-register", args=[event.pk]), follow=True).content.decode()
    assert "La date limite d&#x27;inscription est passée." in page
    assert Registration.objects.count() == 1


def test_an_organiser_creates_an_event_from_the_form(client):
    group, organiser = _organised_group()
    place = MunicipalityFactory(name="L'Islet")
    client.force_login(organiser)
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=9)).replace(hour=18, minute=30)

    response = client.post(
        reverse("event-create", args=[group.slug]),
        {
            "title": "Solitude du travailleur autonome",
            "theme": "Solitude",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "municipality": str(place.pk),
            "municipality_name": "L'Islet",
            "address": "12, rue Principale",
            "capacity": "8",
        },
    )

    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("event-detail", args=[event.pk])
    assert (event.municipality, event.capacity, timezone.localtime(event.starts_at).hour) == (place, 8, 18)


def test_the_create_form_shows_the_services_refusal_on_its_field(client):
    group, organiser = _organised_group()
    client.force_login(organiser)
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=9))

    response = client.post(
        reverse("event-create", args=[group.slug]),
        {
            "title": "Sans lieu",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.status_code == 200
    assert "Indiquez une municipalité (et une adresse) ou un lien en ligne." in response.content.decode()
    assert not Event.objects.exists()


def test_a_non_organiser_gets_404_on_the_create_form(client):
    group, _organiser = _organised_group()
    client.force_login(UserFactory())

    assert client.get(reverse("event-create", args=[group.slug])).status_code == 404


def test_the_cohort_page_registers_for_the_whole_series(client):
    group, organiser = _organised_group()
    services.cohort_configure(user=organiser, group_id=group.pk, seats=6)
    EventFactory(group=group, capacity=None, title="Rencontre 1")
    EventFactory(
        group=group, capacity=None, title="Rencontre 2", starts_at=timezone.now() + datetime.timedelta(days=30)
    )
    client.force_login(UserFactory())

    page = client.get(reverse("cohort-detail", args=[group.slug])).content.decode()
    assert "Rencontre 1" in page and "Rencontre 2" in page
    assert "M&#x27;inscrire à toute la série" in page

    page = client.post(reverse("cohort-register", args=[group.slug]), follow=True).content.decode()
    assert "Vous êtes inscrit·e à toute la série de rencontres." in page
    assert "1 inscrit·e sur 6 places" in page


def test_my_calendar_page_shows_the_feed_address_and_replaces_it(client):
    member = UserFactory()
    client.force_login(member)
    first = services.calendar_feed_token(user=member)

    assert first in client.get(reverse("event-my-calendar")).content.decode()
    page = client.post(reverse("event-my-calendar"), follow=True).content.decode()

    assert first not in page
    assert services.calendar_feed_token(user=member) in page
