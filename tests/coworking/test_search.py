"""Finding coworking spaces by distance and filters: the database's own distance (spaces_near, for the map) and
the search on both backends (the database in both passes, Elasticsearch in the main pass)."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from coworking.selectors import spaces_near
from coworking.services import space_propose, space_refuse, space_update
from marketplace.common.errors import ValidationFailed
from marketplace.common.geo import haversine_km
from search.params import coworking_search_params
from search.selectors import coworking_search
from tests.factories import UserFactory
from tests.search.conftest import drain
from tests.search.factories import place

from .helpers import approved_space


@pytest.fixture
def spaces(db):
    """Four approved spaces in real places, one without any point, one waiting and one refused."""
    kamouraska, rdl, quebec, montreal = (
        place("Kamouraska"),
        place("Rivière-du-Loup"),
        place("Québec"),
        place("Montréal"),
    )
    staff = UserFactory(is_staff=True)
    made = {
        "couvent": approved_space(
            name="Le Couvent des Idées",
            place=kamouraska,
            staff=staff,
            internet_mbps=150,
            closed_offices=4,
            price_day="20",
        ),
        "gare": approved_space(
            name="La Gare du Fleuve", place=rdl, staff=staff, internet_mbps=1000, closed_offices=0, price_day="30"
        ),
        "quebec": approved_space(name="Espace Limoilou", place=quebec, staff=staff, internet_mbps=300, price_day="35"),
        "montreal": approved_space(name="Mile End Cowork", place=montreal, staff=staff, internet_mbps=1000),
        "nowhere": approved_space(name="Atelier sans adresse", staff=staff, internet_mbps=25),
    }
    # Waiting for staff, and refused: never shown.
    space_propose(user=UserFactory(), data={"name": "Presbytère en attente", "municipality": kamouraska.pk})
    refused = space_propose(user=UserFactory(), data={"name": "Grange refusée", "municipality": kamouraska.pk})
    space_refuse(user=staff, space_id=refused.pk)
    return made


def find(query: str):
    return coworking_search(params=coworking_search_params(QueryDict(query)))


def names(result):
    return [space.name for space in result.objects]


# --- spaces_near: the database computes the distance --------------------------------------------


@pytest.mark.embedded
def test_spaces_near_are_the_approved_ones_within_the_radius_nearest_first(spaces):
    kamouraska = spaces["couvent"].municipality

    found = spaces_near(latitude=kamouraska.latitude, longitude=kamouraska.longitude, radius_km=60)

    assert [s.name for s in found] == ["Le Couvent des Idées", "La Gare du Fleuve"]
    gare = spaces["gare"]
    expected = haversine_km(kamouraska.latitude, kamouraska.longitude, gare.latitude, gare.longitude)
    assert found[0].distance_km == pytest.approx(0.0, abs=1e-6)
    assert found[1].distance_km == pytest.approx(expected, rel=1e-9)
    assert 30 < found[1].distance_km < 40


@pytest.mark.embedded
def test_spaces_near_apply_the_filters(spaces):
    rdl = spaces["gare"].municipality
    near = {"latitude": rdl.latitude, "longitude": rdl.longitude, "radius_km": 200}

    assert [s.name for s in spaces_near(**near)] == ["La Gare du Fleuve", "Le Couvent des Idées", "Espace Limoilou"]
    assert [s.name for s in spaces_near(**near, min_mbps=500)] == ["La Gare du Fleuve"]
    assert [s.name for s in spaces_near(**near, closed_office=True)] == ["Le Couvent des Idées"]
    assert [s.name for s in spaces_near(**near, max_day_price=Decimal("25"))] == ["Le Couvent des Idées"]


@pytest.mark.embedded
def test_a_space_without_coordinates_is_never_near_anything(spaces):
    found = spaces_near(latitude=47.0, longitude=-70.0, radius_km=1000)
    assert "Atelier sans adresse" not in [s.name for s in found]


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("latitude", "longitude", "radius_km", "field"),
    [(91, -70, 50, "latitude"), (47, -181, 50, "longitude"), (47, -70, 0, "radius_km"), (47, -70, -5, "radius_km")],
)
def test_spaces_near_refuse_a_point_off_the_earth_or_a_radius_of_nothing(db, latitude, longitude, radius_km, field):
    with pytest.raises(ValidationFailed) as refused:
        spaces_near(latitude=latitude, longitude=longitude, radius_km=radius_km)
    assert field in refused.value.errors


# --- The search, on both backends ------------------------------------------------------------------


def _ready(backend):
    if backend == "elasticsearch":
        drain()


def test_search_around_a_place_lists_the_approved_spaces_nearest_first(backend, spaces):
    _ready(backend)
    kamouraska = spaces["couvent"].municipality

    result = find(f"near={kamouraska.pk}&radius_km=200")

    assert result.backend == backend
    assert names(result) == ["Le Couvent des Idées", "La Gare du Fleuve", "Espace Limoilou"]
    gare = spaces["gare"]
    distance = haversine_km(kamouraska.latitude, kamouraska.longitude, gare.latitude, gare.longitude)
    assert result.objects[1].hit.distance_km == pytest.approx(distance, abs=0.01)
    assert result.objects[0].municipality.name == "Kamouraska"
    assert result.objects[0].price_day == Decimal("20.00")


def test_search_filters_by_speed_closed_office_and_day_price(backend, spaces):
    _ready(backend)
    rdl = spaces["gare"].municipality.pk

    assert names(find(f"near={rdl}&radius_km=200&min_mbps=500")) == ["La Gare du Fleuve"]
    assert names(find(f"near={rdl}&radius_km=200&closed_office=1")) == ["Le Couvent des Idées"]
    assert names(find(f"near={rdl}&radius_km=200&max_day_price=25")) == ["Le Couvent des Idées"]
    assert names(find("min_mbps=1000")) == ["La Gare du Fleuve", "Mile End Cowork"]


def test_search_everywhere_lists_every_approved_space_by_name_with_or_without_a_point(backend, spaces):
    _ready(backend)

    result = find("")

    assert names(result) == [
        "Atelier sans adresse",
        "Espace Limoilou",
        "La Gare du Fleuve",
        "Le Couvent des Idées",
        "Mile End Cowork",
    ]
    assert result.objects[0].hit.distance_km is None


def test_a_change_reaches_the_search_and_a_refused_space_leaves_it(backend, spaces):
    _ready(backend)
    gare = spaces["gare"]
    space_update(user=gare.managers.get(), space_id=gare.pk, data={"closed_offices": "2"})
    space_refuse(user=UserFactory(is_staff=True), space_id=spaces["couvent"].pk)
    _ready(backend)

    assert names(find(f"near={gare.municipality.pk}&radius_km=200&closed_office=1")) == ["La Gare du Fleuve"]


def test_nothing_found_offers_to_widen_the_search(backend, spaces):
    _ready(backend)
    result = find(f"near={spaces['montreal'].municipality.pk}&radius_km=10&min_mbps=5000")
    assert result.total == 0
    assert [s["label"] for s in result.suggestions] == ["Élargir à 30 km", "Partout au Québec", "Sans filtres"]


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("min_mbps=vite", "min_mbps"),
        ("min_mbps=-3", "min_mbps"),
        ("min_mbps=99999999", "min_mbps"),
        ("max_day_price=-10", "max_day_price"),
        ("closed_office=peut-etre", "closed_office"),
        ("near=999999", "near"),
        ("radius_km=50", "near"),
    ],
)
def test_bad_search_parameters_are_named(db, query, field):
    with pytest.raises(ValidationFailed) as refused:
        coworking_search_params(QueryDict(query))
    assert field in refused.value.errors
