"""The map near a place (/carte/ and /api/v1/map/): freelancers, coworking spaces and events within the radius."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CoworkingSpaceFactory, EventFactory, FreelancerProfileFactory

from .conftest import sync_index
from .factories import place


@pytest.fixture
def around_kamouraska(backend):
    """Around Kamouraska: what is within 50 km, and what is not."""
    kamouraska, rdl, rimouski, montreal = (
        place("Kamouraska"),
        place("Rivière-du-Loup"),
        place("Rimouski"),
        place("Montréal"),
    )
    FreelancerProfileFactory(display_name="Anne de Kamouraska", headline="Graphiste", municipality=kamouraska)
    FreelancerProfileFactory(display_name="Ben de Rivière-du-Loup", headline="Comptable", municipality=rdl)
    # Her own radius reaches Kamouraska, but she lives 340 km away: the map keeps to its circle.
    FreelancerProfileFactory(display_name="Carla de Montréal", municipality=montreal, travel_radius_km=500)
    CoworkingSpaceFactory(name="La Fabrique", slug="la-fabrique", municipality=kamouraska)
    CoworkingSpaceFactory(name="Le Bureau de Rimouski", slug="bureau-rimouski", municipality=rimouski)
    EventFactory(title="Rendez-vous des solopreneurs", municipality=rdl)
    EventFactory(
        title="Déjà passé",
        municipality=rdl,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        ends_at=timezone.now() - datetime.timedelta(days=2) + datetime.timedelta(hours=2),
    )
    sync_index()
    return kamouraska


def page_markers(html: str) -> list[dict]:
    return json.loads(re.search(r'<script id="map-markers" type="application/json">(.*?)</script>', html, re.S)[1])


def test_the_map_lists_and_marks_what_is_within_the_radius_nearest_first(client, around_kamouraska):
    response = client.get(reverse("map"), {"lieu": around_kamouraska.pk, "rayon": "50"})

    assert response.status_code == 200
    html = response.content.decode()
    markers = page_markers(html)
    assert [(m["type"], m["name"]) for m in markers] == [
        ("freelancer", "Anne de Kamouraska"),
        ("freelancer", "Ben de Rivière-du-Loup"),
        ("coworking", "La Fabrique"),
        ("event", "Rendez-vous des solopreneurs"),
    ]
    assert [m["distance_km"] for m in markers] == [0.0, 38.2, 0.0, 38.2]
    # One line of the list per marker, each naming its marker.
    assert re.findall(r'<li class="map-item" data-marker="([a-z]+-\d+)"', html) == [
        f"{m['type']}-{m['id']}" for m in markers
    ]
    assert "4 résultats à 50 km ou moins de Kamouraska" in html
    assert "Carla de Montréal" not in html and "Le Bureau de Rimouski" not in html and "Déjà passé" not in html
    assert 'href="/coworking/la-fabrique/"' in html
    # The tests have no Internet: no tile server.
    assert 'data-tile-url=""' in html


def test_the_map_api_gives_the_same_markers(client, around_kamouraska):
    page = page_markers(client.get(reverse("map"), {"lieu": around_kamouraska.pk}).content.decode())

    response = client.get("/api/v1/map/", {"lieu": around_kamouraska.pk})

    assert response.status_code == 200
    body = response.json()
    assert body["markers"] == page
    assert (body["place"]["name"], body["radius_km"]) == ("Kamouraska", 50.0)
    assert (body["latitude"], body["longitude"]) == (around_kamouraska.latitude, around_kamouraska.longitude)


def test_a_wider_radius_reaches_farther(client, around_kamouraska):
    body = client.get("/api/v1/map/", {"lieu": around_kamouraska.pk, "rayon": "200"}).json()
    names = {m["name"] for m in body["markers"]}
    assert "Le Bureau de Rimouski" in names
    assert "Carla de Montréal" not in names


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"lieu": "abc"}, "lieu"),
        ({"lieu": "999999"}, "lieu"),
        ({"lieu": "{kamouraska}", "rayon": "0"}, "rayon"),
        ({"lieu": "{kamouraska}", "rayon": "201"}, "rayon"),
        ({"lieu": "{kamouraska}", "rayon": "beaucoup"}, "rayon"),
        ({"lieu": "{kamouraska}", "rayon": "nan"}, "rayon"),
    ],
)
def test_bad_input_is_refused_by_the_page_and_the_api_with_the_field_named(client, db, query, field):
    kamouraska = place("Kamouraska")
    query = {name: value.format(kamouraska=kamouraska.pk) for name, value in query.items()}

    page = client.get(reverse("map"), query)
    api = client.get("/api/v1/map/", query)

    assert page.status_code == 400
    assert 'class="errorlist"' in page.content.decode()
    assert 'id="map-markers"' not in page.content.decode()
    assert api.status_code == 400
    assert list(api.json()) == [field]


@pytest.mark.embedded
def test_without_a_place_the_page_asks_for_one_and_the_api_refuses(client, db):
    page = client.get(reverse("map"))
    assert page.status_code == 200
    assert "Choisissez une municipalité pour voir ce qu'il y a autour." in page.content.decode()

    api = client.get("/api/v1/map/")
    assert api.status_code == 400
    assert api.json() == {"lieu": ["Choisissez la municipalité au centre de la carte."]}


@pytest.mark.embedded
def test_the_tile_server_comes_from_the_setting(client, db, settings):
    settings.MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    html = client.get(reverse("map"), {"lieu": place("Kamouraska").pk}).content.decode()
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert "OpenStreetMap" in html
