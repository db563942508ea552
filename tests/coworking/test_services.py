"""Proposing, editing, approving a coworking space: every bad input refused with its message, nothing half-saved."""

from decimal import Decimal

import pytest
from django.utils import translation

from coworking import services
from coworking.models import CoworkingPhoto, CoworkingSpace, SpaceStatus
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from search.models import SearchOutboxEntry
from tests.factories import MunicipalityFactory, UserFactory
from tests.profiles.factories import image_bytes, upload

from .helpers import approved_space

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def _propose(user=None, **data):
    return services.space_propose(user=user or UserFactory(), data={"name": "L'Église numérique", **data})


def test_a_proposed_space_takes_its_municipality_point_and_waits_for_staff():
    place = MunicipalityFactory(name="Saint-Jean-Port-Joli", latitude=47.2144, longitude=-70.2678)
    proposer = UserFactory()

    space = _propose(proposer, municipality=place.pk, price_day="25,50", internet_mbps="500", closed_offices="3")

    assert (space.latitude, space.longitude) == (47.2144, -70.2678)
    assert space.status == SpaceStatus.PROPOSED
    assert space.slug == "leglise-numerique"
    assert space.price_day == Decimal("25.50")
    assert list(space.managers.all()) == [proposer]
    # The search index hears of it through the outbox, in the same transaction.
    assert SearchOutboxEntry.objects.filter(kind="coworking", object_id=space.pk).exists()


def test_a_space_given_its_own_point_keeps_it():
    place = MunicipalityFactory()
    space = _propose(municipality=place.pk, latitude="47.5", longitude="-69.9")
    assert (space.latitude, space.longitude) == (47.5, -69.9)


def test_a_space_with_no_place_and_no_point_is_accepted_without_coordinates():
    space = _propose(address="Quelque part dans le rang 3")
    assert space.municipality is None
    assert (space.latitude, space.longitude) == (None, None)
    assert not space.has_point


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"price_day": "-5"}, "price_day", "Un prix ne peut pas être négatif."),
        ({"price_month": "abc"}, "price_month", "Entrez un montant en dollars."),
        ({"price_hour": "12.345"}, "price_hour", "Au plus deux décimales (les cents)."),
        (
            {"internet_mbps": "50000"},
            "internet_mbps",
            "Le débit doit être entre 1 et 10000 Mbit/s : vérifiez le chiffre (Mbit/s, pas kbit/s).",
        ),
        (
            {"internet_mbps": "0"},
            "internet_mbps",
            "Le débit doit être entre 1 et 10000 Mbit/s : vérifiez le chiffre (Mbit/s, pas kbit/s).",
        ),
        ({"internet_mbps": "rapide"}, "internet_mbps", "Entrez un débit en Mbit/s (nombre entier)."),
        ({"desks": "-1"}, "desks", "Entre 0 et 500."),
        ({"latitude": "47.5"}, "latitude", "Donnez la latitude et la longitude, ou aucune des deux."),
        ({"latitude": "95", "longitude": "-70"}, "latitude", "Entre -90 et 90 degrés."),
        ({"municipality": "999999"}, "municipality", "Cette municipalité n'existe pas. Choisissez-la dans la liste."),
        ({"email": "pas-un-courriel"}, "email", "Entrez une adresse courriel valide."),
        ({"website": "javascript:alert(1)"}, "website", "Entrez l'adresse d'un site web (https://…)."),
        ({"name": "   "}, "name", "Ce champ est obligatoire."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(data, field, message):
    with pytest.raises(ValidationFailed) as refused:
        _propose(**data)
    assert [str(m) for m in refused.value.errors[field]] == [message]
    assert not CoworkingSpace.objects.exists()
    assert not SearchOutboxEntry.objects.filter(kind="coworking").exists()


def test_every_bad_field_is_named_at_once():
    with pytest.raises(ValidationFailed) as refused:
        _propose(price_day="-1", internet_mbps="999999", phone="1" * 31)
    assert set(refused.value.errors) == {"price_day", "internet_mbps", "phone"}


def test_a_manager_edits_their_space_and_a_new_place_moves_its_derived_point():
    kamouraska = MunicipalityFactory(name="Kamouraska", latitude=47.5664, longitude=-69.8665)
    space = approved_space(name="Le Couvent des Idées", place=MunicipalityFactory())
    manager = space.managers.get()

    services.space_update(user=manager, space_id=space.pk, data={"municipality": kamouraska.pk, "price_day": "18"})

    space.refresh_from_db()
    assert (space.latitude, space.longitude, space.price_day) == (47.5664, -69.8665, Decimal("18.00"))
    assert space.name == "Le Couvent des Idées"  # fields not sent keep their value


def test_someone_who_does_not_manage_an_approved_space_may_not_edit_it():
    space = approved_space(name="Le Couvent des Idées", price_day="20")
    with pytest.raises(PermissionDenied) as refused:
        services.space_update(user=UserFactory(), space_id=space.pk, data={"price_day": "1"})
    assert str(refused.value.message) == "Seuls les gestionnaires de cet espace peuvent le modifier."
    space.refresh_from_db()
    assert space.price_day == Decimal("20.00")


def test_an_unapproved_space_is_not_found_by_anyone_but_its_managers_and_staff():
    space = _propose()
    with pytest.raises(NotFound):
        services.space_update(user=UserFactory(), space_id=space.pk, data={"name": "Autre"})
    staff = UserFactory(is_staff=True)
    services.space_update(user=staff, space_id=space.pk, data={"name": "Église numérique"})
    space.refresh_from_db()
    assert space.name == "Église numérique"


def test_staff_approve_a_space_and_its_proposer_is_told_in_their_language():
    proposer = UserFactory()
    space = _propose(proposer)
    staff = UserFactory(is_staff=True)

    services.space_approve(user=staff, space_id=space.pk)

    space.refresh_from_db()
    assert space.status == SpaceStatus.APPROVED and space.reviewed_at is not None
    notification = Notification.objects.get(recipient=proposer)
    assert notification.kind == NotificationKind.COWORKING_APPROVED
    assert notification.url == f"/coworking/{space.slug}/"
    with translation.override("fr-ca"):
        assert notification_text(notification).title == "Espace de travail approuvé : « L'Église numérique »"
    with translation.override("en"):
        text = notification_text(notification)
        assert text.title == "Workspace approved: “L'Église numérique”"
        assert text.body == "The space you proposed is now in the shared workspace directory."


def test_only_staff_approve_and_never_twice():
    space = _propose()
    with pytest.raises(PermissionDenied):
        services.space_approve(user=space.managers.get(), space_id=space.pk)
    staff = UserFactory(is_staff=True)
    services.space_approve(user=staff, space_id=space.pk)
    with pytest.raises(Conflict):
        services.space_approve(user=staff, space_id=space.pk)
    assert Notification.objects.count() == 1


def test_staff_refuse_a_space():
    space = _propose()
    services.space_refuse(user=UserFactory(is_staff=True), space_id=space.pk)
    space.refresh_from_db()
    assert space.status == SpaceStatus.REFUSED
    assert not Notification.objects.exists()


def test_photos_go_through_the_image_pipeline_and_a_bad_one_refuses_the_batch():
    space = approved_space(name="La Gare du Fleuve")
    manager = space.managers.get()

    services.space_photos_change(user=manager, space_id=space.pk, add=[upload(image_bytes(width=800, height=600))])
    photo = CoworkingPhoto.objects.get(space=space)
    assert (photo.width, photo.height) == (800, 600)
    assert photo.image.name.startswith("coworking/")

    with pytest.raises(ValidationFailed):
        services.space_photos_change(
            user=manager, space_id=space.pk, add=[upload(image_bytes()), upload(b"not an image", name="x.jpg")]
        )
    assert CoworkingPhoto.objects.filter(space=space).count() == 1

    with pytest.raises(PermissionDenied):
        services.space_photos_change(user=UserFactory(), space_id=space.pk, add=[upload(image_bytes())])
    assert CoworkingPhoto.objects.filter(space=space).count() == 1
