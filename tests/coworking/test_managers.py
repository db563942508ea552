"""A space's managers add another member by e-mail and leave; the last one stays. Page, API and refusals."""

import pytest
from django.urls import reverse

from coworking.models import CoworkingSpace
from coworking.services import space_manager_add, space_manager_leave, space_propose
from marketplace.common.errors import Conflict, PermissionDenied, ValidationFailed
from tests.api import api_as
from tests.factories import UserFactory

from .helpers import approved_space

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

API = "/api/v1/coworking/spaces/"


@pytest.fixture(autouse=True)
def _database_search(settings):
    settings.ELASTICSEARCH_URL = ""


@pytest.fixture
def space():
    return approved_space(name="Le Couvent des Idées")


def manager_of(space: CoworkingSpace):
    return space.managers.get()


def manager_ids(space: CoworkingSpace) -> set[int]:
    return set(space.managers.values_list("pk", flat=True))


# --- Services --------------------------------------------------------------------------------------


def test_a_manager_adds_a_member_by_e_mail_whatever_its_case(space):
    manager = manager_of(space)
    colleague = UserFactory(email="Josee.Ouellet@exemple.qc.ca")

    added = space_manager_add(user=manager, space_id=space.pk, email="  josee.ouellet@EXEMPLE.qc.ca ")

    assert added == colleague
    assert manager_ids(space) == {manager.pk, colleague.pk}


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Ce champ est obligatoire."),
        ("personne@exemple.qc.ca", "Aucun membre n'a ce courriel. La personne doit d'abord s'inscrire au site."),
        ("x" * 250 + "@a.ca", "254 caractères au maximum (vous en avez 255)."),
    ],
)
def test_an_unknown_or_empty_e_mail_is_refused_and_nothing_changes(space, email, message):
    manager = manager_of(space)

    with pytest.raises(ValidationFailed) as refused:
        space_manager_add(user=manager, space_id=space.pk, email=email)

    assert refused.value.errors == {"email": [message]}
    assert manager_ids(space) == {manager.pk}


def test_an_inactive_or_erased_account_counts_as_unknown(space):
    manager = manager_of(space)
    UserFactory(email="partie@exemple.qc.ca", is_active=False)

    with pytest.raises(ValidationFailed, match="Aucun membre n'a ce courriel"):
        space_manager_add(user=manager, space_id=space.pk, email="partie@exemple.qc.ca")

    assert manager_ids(space) == {manager.pk}


def test_adding_oneself_is_refused(space):
    manager = manager_of(space)

    with pytest.raises(ValidationFailed) as refused:
        space_manager_add(user=manager, space_id=space.pk, email=manager.email)

    assert str(refused.value.errors["email"][0]) == "C'est votre propre courriel : entrez celui d'une autre personne."
    assert manager_ids(space) == {manager.pk}


def test_adding_someone_who_already_manages_is_refused(space):
    manager, colleague = manager_of(space), UserFactory()
    space_manager_add(user=manager, space_id=space.pk, email=colleague.email)

    with pytest.raises(Conflict) as refused:
        space_manager_add(user=manager, space_id=space.pk, email=colleague.email)

    assert str(refused.value.errors["email"][0]) == "Cette personne gère déjà cet espace."
    assert manager_ids(space) == {manager.pk, colleague.pk}


def test_someone_who_does_not_manage_the_space_adds_nobody(space):
    outsider, other = UserFactory(), UserFactory()

    with pytest.raises(PermissionDenied):
        space_manager_add(user=outsider, space_id=space.pk, email=other.email)

    assert manager_ids(space) == {manager_of(space).pk}


def test_staff_add_a_manager_to_any_space(space):
    staff, colleague = UserFactory(is_staff=True), UserFactory()

    space_manager_add(user=staff, space_id=space.pk, email=colleague.email)

    assert colleague.pk in manager_ids(space)


def test_a_manager_leaves_and_can_no_longer_edit(space):
    manager, colleague = manager_of(space), UserFactory()
    space_manager_add(user=manager, space_id=space.pk, email=colleague.email)

    space_manager_leave(user=manager, space_id=space.pk)

    assert manager_ids(space) == {colleague.pk}
    with pytest.raises(PermissionDenied):
        space_manager_add(user=manager, space_id=space.pk, email=UserFactory().email)


def test_the_last_manager_cannot_leave(space):
    manager = manager_of(space)

    with pytest.raises(Conflict, match="Vous êtes le dernier ou la dernière gestionnaire"):
        space_manager_leave(user=manager, space_id=space.pk)

    assert manager_ids(space) == {manager.pk}


def test_staff_who_do_not_manage_have_nothing_to_leave(space):
    with pytest.raises(Conflict, match="Vous ne faites pas partie des gestionnaires"):
        space_manager_leave(user=UserFactory(is_staff=True), space_id=space.pk)

    assert manager_ids(space) == {manager_of(space).pk}


# --- Page ------------------------------------------------------------------------------------------


def test_the_page_lists_the_managers_and_adds_one(client, space):
    manager = manager_of(space)
    colleague = UserFactory(name="Josée Ouellet", email="josee@exemple.qc.ca")
    client.force_login(manager)
    url = reverse("coworking-managers", args=[space.slug])

    detail = client.get(reverse("coworking-detail", args=[space.slug])).content.decode()
    assert f'href="{url}"' in detail
    page = client.get(url)
    assert page.status_code == 200
    assert manager.public_name in page.content.decode()
    # Alone, the manager is told why they can't leave, and gets no button to do it.
    assert "ajoutez-en un·e autre avant de partir" in page.content.decode()
    assert "Quitter la gestion" not in page.content.decode()

    added = client.post(url, {"email": "josee@exemple.qc.ca"}, follow=True)

    assert added.redirect_chain == [(url, 302)]
    html = added.content.decode()
    assert "Josée Ouellet gère maintenant cet espace avec vous." in html
    assert "Josée Ouellet" in html and "Quitter la gestion" in html
    assert manager_ids(space) == {manager.pk, colleague.pk}


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("inconnu@exemple.qc.ca", "Aucun membre n&#x27;a ce courriel."),
        ("SELF", "C&#x27;est votre propre courriel"),
        ("", "Ce champ est obligatoire."),
    ],
)
def test_the_page_shows_a_refusal_under_the_field(client, space, email, message):
    manager = manager_of(space)
    client.force_login(manager)

    page = client.post(
        reverse("coworking-managers", args=[space.slug]), {"email": manager.email if email == "SELF" else email}
    )

    assert page.status_code == 400
    assert message in page.content.decode()
    assert manager_ids(space) == {manager.pk}


def test_the_page_refuses_an_existing_manager(client, space):
    manager, colleague = manager_of(space), UserFactory()
    space_manager_add(user=manager, space_id=space.pk, email=colleague.email)
    client.force_login(manager)

    page = client.post(reverse("coworking-managers", args=[space.slug]), {"email": colleague.email})

    assert page.status_code == 400
    assert "Cette personne gère déjà cet espace." in page.content.decode()


def test_leaving_from_the_page_goes_back_to_the_space(client, space):
    manager, colleague = manager_of(space), UserFactory()
    space_manager_add(user=manager, space_id=space.pk, email=colleague.email)
    client.force_login(manager)

    left = client.post(reverse("coworking-managers-leave", args=[space.slug]), follow=True)

    assert left.redirect_chain == [(reverse("coworking-detail", args=[space.slug]), 302)]
    assert "Vous ne gérez plus cet espace." in left.content.decode()
    assert manager_ids(space) == {colleague.pk}
    assert client.get(reverse("coworking-managers", args=[space.slug])).status_code == 403


def test_the_last_manager_leaving_from_the_page_reads_why_not(client, space):
    manager = manager_of(space)
    client.force_login(manager)
    url = reverse("coworking-managers", args=[space.slug])

    refused = client.post(reverse("coworking-managers-leave", args=[space.slug]), follow=True)

    assert refused.redirect_chain == [(url, 302)]
    assert "Vous êtes le dernier ou la dernière gestionnaire" in refused.content.decode()
    assert manager_ids(space) == {manager.pk}


def test_the_page_is_for_managers_only(client, space):
    waiting = space_propose(user=UserFactory(), data={"name": "Presbytère en attente"})
    url = reverse("coworking-managers", args=[space.slug])

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert client.post(url, {"email": UserFactory().email}).status_code == 403
    assert client.post(reverse("coworking-managers-leave", args=[space.slug])).status_code == 403
    # A space waiting for approval doesn't exist for them.
    assert client.get(reverse("coworking-managers", args=[waiting.slug])).status_code == 404
    assert manager_ids(space) == {manager_of(space).pk}


# --- API -------------------------------------------------------------------------------------------


def test_the_api_lists_adds_and_leaves(space):
    manager = manager_of(space)
    colleague = UserFactory(name="Josée Ouellet", email="josee@exemple.qc.ca")
    api = api_as(manager)
    url = f"{API}{space.slug}/managers/"

    listed = api.get(url)
    assert listed.status_code == 200
    assert listed.json() == [{"id": manager.pk, "name": manager.public_name, "is_you": True}]

    added = api.post(url, {"email": "josee@exemple.qc.ca"}, format="json")
    assert added.status_code == 201, added.json()
    assert {(m["id"], m["is_you"]) for m in added.json()} == {(manager.pk, True), (colleague.pk, False)}

    left = api.post(f"{url}leave/")
    assert left.status_code == 204
    assert manager_ids(space) == {colleague.pk}
    assert api.get(url).status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"email": "inconnu@exemple.qc.ca"}, 400, "email"),
        ({"email": "SELF"}, 400, "email"),
        ({"email": "COLLEAGUE"}, 409, "email"),
        ({}, 400, "email"),
        ({"email": 12}, 400, "email"),
    ],
)
def test_the_api_refuses_a_bad_addition_and_nothing_changes(space, body, status, field):
    manager, colleague = manager_of(space), UserFactory()
    space_manager_add(user=manager, space_id=space.pk, email=colleague.email)
    body = {key: {"SELF": manager.email, "COLLEAGUE": colleague.email}.get(value, value) for key, value in body.items()}

    response = api_as(manager).post(f"{API}{space.slug}/managers/", body, format="json")

    assert response.status_code == status, response.json()
    assert field in response.json()
    assert manager_ids(space) == {manager.pk, colleague.pk}


def test_the_api_refuses_the_last_manager_and_outsiders(space):
    manager = manager_of(space)
    waiting = space_propose(user=UserFactory(), data={"name": "Presbytère en attente"})
    outsider = api_as(UserFactory())

    last = api_as(manager).post(f"{API}{space.slug}/managers/leave/")
    assert last.status_code == 409
    assert "dernier ou la dernière gestionnaire" in last.json()["detail"]
    assert outsider.get(f"{API}{space.slug}/managers/").status_code == 403
    assert outsider.post(f"{API}{space.slug}/managers/", {"email": manager.email}, format="json").status_code == 403
    assert outsider.post(f"{API}{space.slug}/managers/leave/").status_code == 403
    assert outsider.get(f"{API}{waiting.slug}/managers/").status_code == 404
    assert api_as(manager).get(f"{API}pas-un-espace/managers/").status_code == 404
    assert manager_ids(space) == {manager.pk}
