"""/api/v1/coworking/ and /api/v1/search/coworking/: the same rules as the pages."""

import pytest
from rest_framework.test import APIClient

from coworking.models import CoworkingPhoto, CoworkingSpace, SpaceStatus
from coworking.services import space_propose
from notifications.models import Notification
from tests.api import api_as
from tests.factories import UserFactory
from tests.profiles.factories import image_bytes, upload
from tests.search.factories import place

from .helpers import approved_space

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

URL = "/api/v1/coworking/spaces/"


@pytest.fixture(autouse=True)
def _database_search(settings):
    settings.ELASTICSEARCH_URL = ""


def test_a_member_proposes_a_space_and_reads_it_back():
    kamouraska = place("Kamouraska")
    response = api_as(UserFactory()).post(
        URL,
        {"name": "Le Couvent des Idées", "municipality": kamouraska.pk, "price_day": 20, "internet_mbps": 150},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "propose" and body["price_day"] == "20.00"
    assert (body["latitude"], body["longitude"]) == (kamouraska.latitude, kamouraska.longitude)
    assert body["municipality"]["name"] == "Kamouraska" and body["can_edit"] is True
    # Waiting for staff: nobody else sees it.
    assert APIClient().get(f"{URL}{body['slug']}/").status_code == 404


def test_a_proposal_then_its_photos():
    proposer = UserFactory()
    response = api_as(proposer).post(URL, {"name": "La Gare du Fleuve"}, format="json")
    assert response.status_code == 201, response.json()
    added = api_as(proposer, default_format="multipart").post(
        f"{URL}{response.json()['slug']}/photos/", {"photos": [upload(image_bytes(width=300, height=200))]}
    )
    assert added.status_code == 201, added.json()
    assert [(p["width"], p["height"]) for p in added.json()["photos"]] == [(300, 200)]


def test_a_proposal_is_json_only():
    response = api_as(UserFactory(), default_format="multipart").post(URL, {"name": "La Gare du Fleuve"})
    assert response.status_code == 415


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Espace", "price_day": -1}, "price_day"),
        ({"name": "Espace", "internet_mbps": 100000}, "internet_mbps"),
        ({"name": "Espace", "latitude": 47.5}, "latitude"),
        ({"name": "Espace", "internet_mbps": "cent"}, "internet_mbps"),
        ({"price_day": 10}, "name"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(data, field):
    response = api_as(UserFactory()).post(URL, data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not CoworkingSpace.objects.exists()


def test_proposing_needs_an_account():
    assert APIClient().post(URL, {"name": "Espace"}, format="json").status_code == 401


def test_only_managers_update_and_others_change_nothing():
    space = approved_space(name="La Gare du Fleuve", price_day="30")
    url = f"{URL}{space.slug}/"

    refused = api_as(UserFactory()).patch(url, {"price_day": 1}, format="json")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Seuls les gestionnaires de cet espace peuvent le modifier."}

    changed = api_as(space.managers.get()).patch(url, {"price_day": "28,50", "has_studio": True}, format="json")
    assert changed.status_code == 200
    assert changed.json()["price_day"] == "28.50" and changed.json()["has_studio"] is True


def test_managers_add_and_remove_photos():
    space = approved_space(name="La Gare du Fleuve")
    manager = api_as(space.managers.get(), default_format="multipart")
    added = manager.post(f"{URL}{space.slug}/photos/", {"photos": [upload(image_bytes()), upload(image_bytes())]})
    assert added.status_code == 201
    photo_id = added.json()["photos"][0]["id"]

    bad = manager.post(f"{URL}{space.slug}/photos/", {"photos": [upload(b"<svg/>", name="x.jpg")]})
    assert bad.status_code == 400
    removed = api_as(space.managers.get()).patch(f"{URL}{space.slug}/", {"remove_photos": [photo_id]}, format="json")
    assert removed.status_code == 200
    assert CoworkingPhoto.objects.filter(space=space).count() == 1

    other = api_as(UserFactory(), default_format="multipart")
    assert other.post(f"{URL}{space.slug}/photos/", {"photos": [upload(image_bytes())]}).status_code == 403


def test_staff_approve_and_refuse_through_the_api():
    proposer = UserFactory()
    space = space_propose(user=proposer, data={"name": "Presbytère partagé"})
    url = f"{URL}{space.slug}/approve/"

    assert api_as(UserFactory()).post(url).status_code == 404  # nobody else sees a space waiting for staff
    refused = api_as(proposer).post(url)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Seule l'équipe du site approuve les espaces de travail."}
    staff = api_as(UserFactory(is_staff=True))
    approved = staff.post(url)
    assert approved.status_code == 200 and approved.json()["status"] == "approuve"
    assert staff.post(url).status_code == 409
    assert Notification.objects.filter(recipient=proposer).count() == 1
    assert api_as(UserFactory()).post(f"{URL}{space.slug}/refuse/").status_code == 403
    assert staff.post(f"{URL}{space.slug}/refuse/").json()["status"] == "refuse"
    assert CoworkingSpace.objects.get().status == SpaceStatus.REFUSED


def test_the_search_api_finds_spaces_near_a_place_with_filters():
    kamouraska, rdl = place("Kamouraska"), place("Rivière-du-Loup")
    approved_space(name="Le Couvent des Idées", place=kamouraska, internet_mbps=150, price_day="20")
    approved_space(name="La Gare du Fleuve", place=rdl, internet_mbps=1000, price_day="30")
    approved_space(name="Atelier sans adresse")

    body = APIClient().get("/api/v1/search/coworking/", {"near": kamouraska.pk, "radius_km": 100}).json()

    assert body["backend"] == "database" and body["count"] == 2
    assert [(r["name"], r["distance_km"]) for r in body["results"]][0] == ("Le Couvent des Idées", 0.0)
    assert 30 < body["results"][1]["distance_km"] < 40
    assert body["results"][1]["url"] == "/coworking/la-gare-du-fleuve/"

    fast = APIClient().get("/api/v1/search/coworking/", {"min_mbps": 500}).json()
    assert [r["name"] for r in fast["results"]] == ["La Gare du Fleuve"]
    everything = APIClient().get("/api/v1/search/coworking/").json()
    assert everything["count"] == 3


def test_the_search_api_names_bad_parameters():
    response = APIClient().get("/api/v1/search/coworking/", {"min_mbps": "-1", "radius_km": "50"})
    assert response.status_code == 400
    assert set(response.json()) == {"min_mbps", "near"}


def test_adding_no_photo_is_refused():
    space = approved_space(name="L'Église du Quai")
    response = api_as(space.managers.get(), default_format="multipart").post(f"{URL}{space.slug}/photos/", {})
    assert response.status_code == 400
    assert "Ajoutez au moins une photo." in str(response.json())
