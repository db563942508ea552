"""Loading every Quebec place with its MRC (profiles/data: Répertoire des municipalités, StatCan census subdivisions)."""

import math

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from marketplace.common.errors import ValidationFailed
from profiles.models import FreelancerProfile, Mrc, Municipality, MunicipalityAlias, Region
from profiles.selectors import municipality_resolve, municipality_search
from profiles.services import municipalities_load, search_key
from projects.models import Project
from search.models import SearchOutboxEntry
from tests.factories import FreelancerProfileFactory, MunicipalityFactory, ProjectFactory

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded

# GeoNames ids of the former list (profiles/data: quebec_municipalities.csv, former_geonames_places.csv).
SAINT_PASCAL_GEONAMES_ID = 8593671
SAINTE_FOY_GEONAMES_ID = 6325488


def km(a: Municipality, lat: float, lon: float) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.latitude, a.longitude, lat, lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))


def test_every_quebec_municipality_loads_with_its_mrc_and_region(places):
    assert Municipality.objects.count() >= 1_100
    assert not Municipality.objects.filter(mrc__isnull=True).exists()
    assert not Municipality.objects.filter(code__isnull=True).exists()
    assert set(Municipality.objects.values_list("region", flat=True)) == set(Region.values)
    assert Mrc.objects.count() >= 100
    # An MRC's places are in its region.
    assert not Municipality.objects.exclude(region=F("mrc__region")).exists()


@pytest.mark.parametrize(
    ("name", "mrc", "mrc_code", "region"),
    [
        ("Saint-Germain-de-Kamouraska", "Kamouraska", "14", Region.BAS_SAINT_LAURENT),
        ("Saint-Pascal", "Kamouraska", "14", Region.BAS_SAINT_LAURENT),
        ("La Pocatière", "Kamouraska", "14", Region.BAS_SAINT_LAURENT),
        ("Rivière-du-Loup", "Rivière-du-Loup", "12", Region.BAS_SAINT_LAURENT),
        ("Saint-Jean-Port-Joli", "L'Islet", "17", Region.CHAUDIERE_APPALACHES),
        ("Adstock", "Les Appalaches", "31", Region.CHAUDIERE_APPALACHES),
        ("Lévis", "Lévis", "25", Region.CHAUDIERE_APPALACHES),
        ("Westmount", "Montréal", "66", Region.MONTREAL),
        ("Laval", "Laval", "65", Region.LAVAL),
        ("Granby", "La Haute-Yamaska", "47", Region.ESTRIE),
        ("Trois-Rivières", "Trois-Rivières", "37", Region.MAURICIE),
        ("Saguenay", "Saguenay", "94", Region.SAGUENAY_LAC_SAINT_JEAN),
        ("Sept-Îles", "Sept-Rivières", "971", Region.COTE_NORD),
        ("Chibougamau", "Eeyou Istchee Baie-James", "99", Region.NORD_DU_QUEBEC),
        ("Kuujjuaq", "Kativik", "992", Region.NORD_DU_QUEBEC),
        ("Wendake", "Québec", "23", Region.CAPITALE_NATIONALE),
        ("Kahnawake", "Roussillon", "67", Region.MONTEREGIE),
        # Unorganised territories belong to their MRC; a reserve outside any MRC to the one of its census division.
        ("Lac-Ashuapmushuan", "Le Domaine-du-Roy", "91", Region.SAGUENAY_LAC_SAINT_JEAN),
        ("Mont-Valin", "Le Fjord-du-Saguenay", "942", Region.SAGUENAY_LAC_SAINT_JEAN),
        ("Picard", "Kamouraska", "14", Region.BAS_SAINT_LAURENT),
        ("Doncaster", "Les Laurentides", "78", Region.LAURENTIDES),
        ("Mingan", "Minganie", "981", Region.COTE_NORD),
    ],
)
def test_real_places_land_in_their_mrc_and_region(places, name, mrc, mrc_code, region):
    place = Municipality.objects.select_related("mrc").get(name=name)
    assert (place.mrc.name, place.mrc.code, place.region) == (mrc, mrc_code, region)
    assert place.mrc.region == region


def test_a_place_has_its_code_coordinates_population_and_label(places):
    place = Municipality.objects.select_related("mrc").get(code="12072")
    assert place.name == "Rivière-du-Loup" and place.designation == "Ville"
    assert km(place, 47.83, -69.54) < 10  # Inside the town, near its centre.
    assert place.population > 15_000
    assert place.search_name == "riviere du loup"
    assert place.full_label == "Rivière-du-Loup — Bas-Saint-Laurent"  # Its MRC has its name.
    assert places("Saint-Pascal").full_label == "Saint-Pascal — Kamouraska, Bas-Saint-Laurent"


@pytest.mark.parametrize(
    ("code", "designation", "lat", "lon", "within_km"),
    [
        # A point inside the territory (it spans about 150 km around Lac Ashuapmushuan).
        ("91902", "Territoire non organisé", 48.9, -73.6, 60),
        ("14902", "Territoire non organisé", 47.6, -69.4, 20),  # Picard, behind Saint-Pascal.
        ("98808", "Réserve indienne", 50.29, -64.02, 10),  # Ekuanitshit (Mingan), by the Mingan river.
        ("97804", "Réserve indienne", 50.21, -66.18, 5),  # Maliotenam, east of Sept-Îles.
    ],
)
def test_unorganised_territories_and_reserves_have_a_point_inside(places, code, designation, lat, lon, within_km):
    place = Municipality.objects.get(code=code)
    assert place.designation == designation
    assert km(place, lat, lon) < within_km


def test_two_municipalities_of_one_mrc_with_one_name_are_told_apart(places):
    assert municipality_resolve(text="Bedford").designation == "Ville"
    canton = municipality_resolve(text="canton de bedford")
    assert (canton.name, canton.designation) == ("Canton de Bedford", "Canton")


def test_former_names_are_aliases(places):
    germain = Municipality.objects.get(code="14045")
    assert MunicipalityAlias.objects.filter(municipality=germain, name="Saint-Germain").exists()
    assert municipality_resolve(text="Saint-Germain") == germain
    assert municipality_resolve(text="st germain") == germain
    assert municipality_resolve(text="Asbestos").name == "Val-des-Sources"
    assert municipality_resolve(text="Sainte-Anne-de-la-Pocatière").name == "La Pocatière"
    assert municipality_resolve(text="Sainte-Foy").name == "Québec"  # A former city, a neighbourhood now.


# --- The autocomplete API -------------------------------------------------------------------------


def test_the_api_finds_saint_germain_de_kamouraska_as_people_type_it(client, places):
    body = client.get(reverse("api-municipality-search"), {"q": "st-germain-de-kam"}).json()
    assert [(r["name"], r["label"], r["mrc"], r["region_name"]) for r in body["results"]] == [
        (
            "Saint-Germain-de-Kamouraska",
            "Saint-Germain-de-Kamouraska — Kamouraska, Bas-Saint-Laurent",
            {"code": "14", "name": "Kamouraska", "slug": "kamouraska"},
            "Bas-Saint-Laurent",
        )
    ]


@pytest.mark.parametrize(
    ("q", "name", "label"),
    [
        ("Kahnawake", "Kahnawake", "Kahnawake — Roussillon, Montérégie"),
        ("kuujjuaq", "Kuujjuaq", "Kuujjuaq — Kativik, Nord-du-Québec"),
        ("Wendake", "Wendake", "Wendake — Québec, Capitale-Nationale"),
        ("lac ashuapmushuan", "Lac-Ashuapmushuan", "Lac-Ashuapmushuan — Le Domaine-du-Roy, Saguenay–Lac-Saint-Jean"),
    ],
)
def test_the_api_finds_indigenous_communities_and_unorganised_territories(client, places, q, name, label):
    body = client.get(reverse("api-municipality-search"), {"q": q}).json()
    assert (name, label) in [(r["name"], r["label"]) for r in body["results"]]


def test_the_api_finds_a_place_by_its_former_name(client, places):
    body = client.get(reverse("api-municipality-search"), {"q": "saint germain"}).json()
    assert "Saint-Germain-de-Kamouraska" in [r["name"] for r in body["results"]]
    body = client.get(reverse("api-municipality-search"), {"q": "asbestos"}).json()
    assert [r["name"] for r in body["results"]] == ["Val-des-Sources"]


def test_the_api_answers_in_a_bounded_number_of_queries(client, places, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        body = client.get(reverse("api-municipality-search"), {"q": "saint"}).json()
    assert len(body["results"]) == 10 and all(r["mrc"] for r in body["results"])


@pytest.mark.parametrize(
    "typed",
    [
        "Sainte-Anne-des-Monts",
        "sainte anne des monts",
        "Ste-Anne-des-Monts",
        "STE ANNE DES MONTS",
        "ste-anne-des-monts",
        "Sainte-Anne-des-Monts — La Haute-Gaspésie, Gaspésie–Îles-de-la-Madeleine",
    ],
)
def test_accents_case_hyphens_and_ste_do_not_matter(places, typed):
    assert municipality_resolve(text=typed).code == "04037"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("st-germain-de-kam", "Saint-Germain-de-Kamouraska"),
        ("saint germain de k", "Saint-Germain-de-Kamouraska"),
        ("riviere-du-l", "Rivière-du-Loup"),
        ("ST JEAN PORT", "Saint-Jean-Port-Joli"),
        ("levis", "Lévis"),
        ("Mont Saint Hil", "Mont-Saint-Hilaire"),
    ],
)
def test_prefixes_find_the_place(places, q, expected):
    assert municipality_search(q=q)[0].name == expected


# --- Namesakes and unknown names ------------------------------------------------------------------


def test_namesakes_are_an_error_naming_each_with_its_mrc_and_region(places):
    with pytest.raises(ValidationFailed) as caught:
        municipality_resolve(text="Saint-Damase")
    assert str(caught.value.message) == (
        "Il y a plusieurs « Saint-Damase » au Québec : choisissez-en une dans les suggestions, ou écrivez "
        "« Saint-Damase — La Matapédia, Bas-Saint-Laurent » ou « Saint-Damase — Les Maskoutains, Montérégie »."
    )
    assert caught.value.errors == {"municipality": [caught.value.message]}


@pytest.mark.parametrize(
    ("typed", "mrc"),
    [
        ("Saint-Damase — Les Maskoutains, Montérégie", "Les Maskoutains"),
        ("saint damase - la matapedia, bas-saint-laurent", "La Matapédia"),
        ("St-Damase — Les Maskoutains", "Les Maskoutains"),
        ("Saint-Damase (Montérégie)", "Les Maskoutains"),  # As places were written before MRCs.
    ],
)
def test_a_full_label_typed_back_resolves_a_namesake(places, typed, mrc):
    assert municipality_resolve(text=typed).mrc.name == mrc


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Atlantide", "Aucune municipalité du Québec ne s'appelle « Atlantide ». Vérifiez l'orthographe."),
        (
            "Saint-Damase — Kamouraska, Bas-Saint-Laurent",
            "Aucune municipalité du Québec ne s'appelle « Saint-Damase — Kamouraska, Bas-Saint-Laurent ». "
            "Vouliez-vous dire « Saint-Damase — Les Maskoutains, Montérégie », "
            "« Saint-Damase-de-L'Islet — L'Islet, Chaudière-Appalaches » ou "
            "« Saint-Damase — La Matapédia, Bas-Saint-Laurent » ?",
        ),
    ],
)
def test_an_unknown_place_says_so(places, typed, message):
    with pytest.raises(ValidationFailed) as caught:
        municipality_resolve(text=typed)
    assert str(caught.value.message) == message


# --- Reloading keeps every id ---------------------------------------------------------------------


def test_loading_twice_keeps_ids_and_what_points_at_places(db):
    first = municipalities_load()
    ids = dict(Municipality.objects.values_list("code", "pk"))
    mrc_ids = dict(Mrc.objects.values_list("code", "pk"))
    profile = FreelancerProfileFactory(municipality=Municipality.objects.get(code="14045"))
    Municipality.objects.filter(code="25213").update(region=Region.NORD_DU_QUEBEC, name="Levis (vieux)", mrc=None)

    second = municipalities_load()

    assert first == second == Municipality.objects.count()
    assert dict(Municipality.objects.values_list("code", "pk")) == ids
    assert dict(Mrc.objects.values_list("code", "pk")) == mrc_ids
    levis = Municipality.objects.select_related("mrc").get(code="25213")
    assert (levis.name, levis.region, levis.mrc.name) == ("Lévis", Region.CHAUDIERE_APPALACHES, "Lévis")
    profile.refresh_from_db()
    assert profile.municipality.name == "Saint-Germain-de-Kamouraska"
    assert MunicipalityAlias.objects.filter(name="Saint-Germain").count() == 1


def test_a_reload_that_changes_a_place_has_what_is_there_reindexed(db):
    municipalities_load()
    profile = FreelancerProfileFactory(municipality=Municipality.objects.get(code="14018"))
    Municipality.objects.filter(code="14018").update(mrc=None)
    SearchOutboxEntry.objects.all().delete()

    municipalities_load()

    assert list(SearchOutboxEntry.objects.values_list("kind", "object_id")) == [("profile", profile.pk)]
    municipalities_load()  # Nothing changed: nothing to reindex.
    assert SearchOutboxEntry.objects.count() == 1


def test_a_geonames_era_row_keeps_its_id_and_gains_its_code_and_mrc(db):
    # As the former loader left it: GeoNames id, name, region, no code, no MRC.
    old = MunicipalityFactory(
        geonames_id=SAINT_PASCAL_GEONAMES_ID, name="Saint-Pascal", latitude=47.53, longitude=-69.80, population=3_400
    )
    by_name = MunicipalityFactory(geonames_id=None, name="Saint-Germain-de-Kamouraska")
    profile = FreelancerProfileFactory(municipality=old)
    project = ProjectFactory(municipality=by_name)

    municipalities_load()

    old.refresh_from_db()
    by_name.refresh_from_db()
    assert (old.code, old.mrc.name, old.designation) == ("14018", "Kamouraska", "Ville")
    assert (by_name.code, by_name.mrc.name) == ("14045", "Kamouraska")
    assert Municipality.objects.filter(name="Saint-Pascal").count() == 1
    assert FreelancerProfile.objects.get(pk=profile.pk).municipality_id == old.pk
    assert Project.objects.get(pk=project.pk).municipality_id == by_name.pk


def test_a_geonames_neighbourhood_hands_what_pointed_at_it_to_its_municipality(db):
    sainte_foy = MunicipalityFactory(
        geonames_id=SAINTE_FOY_GEONAMES_ID, name="Sainte-Foy", region=Region.CAPITALE_NATIONALE, latitude=46.78
    )
    profile = FreelancerProfileFactory(municipality=sainte_foy)
    project = ProjectFactory(municipality=sainte_foy)

    municipalities_load()

    quebec = Municipality.objects.get(code="23027")
    assert not Municipality.objects.filter(pk=sainte_foy.pk).exists()
    assert FreelancerProfile.objects.get(pk=profile.pk).municipality == quebec
    assert Project.objects.get(pk=project.pk).municipality == quebec
    assert municipality_resolve(text="Sainte-Foy") == quebec


def test_a_place_made_by_hand_is_left_alone(db):
    made = MunicipalityFactory(name="Municipalité d'essai", search_name=search_key("Municipalité d'essai"))
    municipalities_load()
    made.refresh_from_db()
    assert (made.code, made.mrc_id) == (None, None)


def test_the_command_prints_how_many_places_it_loaded(db, capsys):
    call_command("load_municipalities")
    out = capsys.readouterr().out
    assert f"{Municipality.objects.count()} municipalités chargées." in out


def test_loading_is_a_handful_of_queries(db, django_assert_max_num_queries):
    municipalities_load()
    with django_assert_max_num_queries(6):
        municipalities_load()


def test_the_about_page_credits_the_sources_of_the_places_with_the_extract_date(client, db):
    html = client.get(reverse("about")).content.decode()
    assert "Répertoire des municipalités du Québec</a> (ministère des Affaires municipales et de l'Habitation)" in html
    assert "Licence ouverte de Statistique Canada</a>" in html
    assert ">GeoNames</a>" in html and html.count("CC BY 4.0</a>") == 3
    assert ">Découpages administratifs</a> du Québec (ministère des Ressources naturelles et des Forêts" in html
    assert "Extrait du 2026-12-01." in html
