"""MRC everywhere the region is: the filter and facet of both searches, the MRC pages and API, reindexing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import QueryDict
from rest_framework.test import APIClient

from marketplace.common.changes import places_changed
from profiles.models import Region
from projects.models import Visibility
from search import indexing
from search.client import index_name, require_client
from search.documents import MAPPING_VERSION
from search.models import SearchOutboxEntry
from search.params import freelancer_search_params, project_search_params
from search.selectors import freelancer_search, mrc_title, project_search
from tests.factories import FreelancerProfileFactory, MrcFactory, MunicipalityFactory, ProjectFactory

from .conftest import drain, sync_index
from .factories import place

FREELANCERS = "/api/v1/search/freelancers/"
PROJECTS = "/api/v1/search/projects/"


def find_freelancers(query: str):
    return freelancer_search(params=freelancer_search_params(QueryDict(query)))


def find_projects(query: str, user=None):
    return project_search(params=project_search_params(QueryDict(query)), user=user)


@pytest.fixture
def database_search(settings, db):
    """Pages and API calls that search, answered by the database (both passes)."""
    settings.ELASTICSEARCH_URL = ""


@pytest.fixture
def kamouraska():
    return MrcFactory()


@pytest.fixture
def riviere_du_loup_mrc():
    return MrcFactory(code="12", name="Rivière-du-Loup", region=Region.BAS_SAINT_LAURENT)


@pytest.fixture
def places(kamouraska, riviere_du_loup_mrc):
    """Saint-Pascal (Kamouraska), Rivière-du-Loup (its own MRC), and Montréal with no MRC loaded."""
    saint_pascal = MunicipalityFactory(name="Saint-Pascal", mrc=kamouraska, latitude=47.5283, longitude=-69.8036)
    rdl = place("Rivière-du-Loup")
    rdl.mrc = riviere_du_loup_mrc
    rdl.save()
    return {"saint_pascal": saint_pascal, "rdl": rdl, "montreal": place("Montréal")}


@pytest.fixture
def people(backend, places):
    FreelancerProfileFactory(display_name="Aline", headline="Photographe", municipality=places["saint_pascal"])
    FreelancerProfileFactory(display_name="Benoît", headline="Graphiste", municipality=places["saint_pascal"])
    FreelancerProfileFactory(display_name="Carole", headline="Comptable", municipality=places["rdl"])
    FreelancerProfileFactory(display_name="Denis", headline="Traducteur", municipality=places["montreal"])
    ProjectFactory(title="Photos d'une ferme laitière", municipality=places["saint_pascal"])
    ProjectFactory(title="Logo d'une boulangerie", municipality=places["rdl"])
    ProjectFactory(title="Site d'un café", municipality=places["montreal"])
    sync_index()
    return places


def facet(result, name):
    return [(v.label, v.value, v.count) for v in result.facets[name]]


# --- Search: filter and facet, on both backends ---------------------------------------------------------


def test_freelancers_are_filtered_and_counted_by_mrc(people):
    result = find_freelancers("mrc=kamouraska")

    assert sorted(p.display_name for p in result.objects) == ["Aline", "Benoît"]
    assert facet(result, "mrcs") == [("Kamouraska", "kamouraska", 2)]
    everyone = find_freelancers("")
    # Name, slug and count; Montréal's place has no MRC loaded, so it counts in none.
    assert facet(everyone, "mrcs") == [("Kamouraska", "kamouraska", 2), ("Rivière-du-Loup", "riviere-du-loup", 1)]


def test_projects_are_filtered_and_counted_by_mrc(people):
    result = find_projects("mrc=riviere-du-loup")

    assert [p.title for p in result.objects] == ["Logo d'une boulangerie"]
    assert facet(find_projects(""), "mrcs") == [
        ("Kamouraska", "kamouraska", 1),
        ("Rivière-du-Loup", "riviere-du-loup", 1),
    ]


def test_the_mrc_filter_combines_with_the_region_and_the_words(people):
    assert [p.display_name for p in find_freelancers("mrc=kamouraska&q=photographe").objects] == ["Aline"]
    assert find_freelancers(f"mrc=kamouraska&region={Region.MONTREAL}").total == 0


def test_a_result_card_carries_its_mrc(people):
    card = find_freelancers("mrc=kamouraska&q=photographe").objects[0]

    assert (card.municipality.mrc_slug, card.municipality.mrc_name) == ("kamouraska", "Kamouraska")


def test_an_empty_mrc_search_offers_every_mrc(people):
    result = find_projects("mrc=kamouraska&q=cinéma")

    assert result.total == 0
    assert {"label": "Toutes les MRC", "query": "q=cin%C3%A9ma"} in result.suggestions


def test_the_api_gives_the_mrc_facet_and_the_place_s_mrc(people):
    body = APIClient().get(FREELANCERS, {"mrc": "kamouraska"}).json()

    assert body["count"] == 2
    assert body["facets"]["mrcs"] == [{"value": "kamouraska", "label": "Kamouraska", "count": 2}]
    assert body["results"][0]["municipality"]["mrc"] == "kamouraska"
    assert body["results"][0]["municipality"]["mrc_name"] == "Kamouraska"
    projects = APIClient().get(PROJECTS, {"mrc": "kamouraska"}).json()
    assert [r["title"] for r in projects["results"]] == ["Photos d'une ferme laitière"]


@pytest.mark.parametrize("url", [FREELANCERS, PROJECTS])
def test_an_unknown_mrc_gets_a_clear_400(backend, url):
    response = APIClient().get(url, {"mrc": "atlantide"})

    assert response.status_code == 400
    assert response.json() == {"mrc": ["MRC inconnue : choisissez-la dans la liste."]}


@pytest.mark.embedded
def test_the_search_page_refuses_an_unknown_mrc_and_says_why(client, database_search):
    response = client.get("/recherche/pigistes/", {"mrc": "atlantide"})

    assert response.status_code == 400
    assert "MRC inconnue : choisissez-la dans la liste." in response.content.decode()


@pytest.mark.embedded
def test_the_search_form_offers_the_mrcs_of_the_chosen_region(client, database_search, kamouraska):
    MrcFactory(code="66", name="Montréal", region=Region.MONTREAL)

    page = client.get("/recherche/projets/", {"region": Region.BAS_SAINT_LAURENT, "mrc": "kamouraska"}).content.decode()

    assert '<option value="kamouraska" data-region="01" selected>Kamouraska</option>' in page
    # Another region's MRC stays in the list (the script shows it again if the region changes), unchoosable.
    assert '<option value="montreal" data-region="06"  hidden disabled>Montréal</option>' in page


def test_the_search_page_shows_the_mrc_facet_and_links_the_mrc_of_each_card(client, people):
    page = client.get("/recherche/pigistes/").content.decode()

    assert 'Saint-Pascal — <a href="/mrc/kamouraska/">Kamouraska</a>, Bas-Saint-Laurent' in page
    assert '<a href="?mrc=kamouraska">Kamouraska</a> <span class="count">2</span>' in page


# --- A place's MRC changes: what is there is reindexed ---------------------------------------------------


def test_a_place_that_changes_mrc_has_its_profiles_and_projects_reindexed(people, kamouraska, riviere_du_loup_mrc):
    rdl = people["rdl"]
    SearchOutboxEntry.objects.all().delete()

    with transaction.atomic():
        rdl.mrc = kamouraska
        rdl.save()
        places_changed(municipality_ids=[rdl.pk, rdl.pk])

    assert sorted(SearchOutboxEntry.objects.values_list("kind", flat=True)) == ["profile", "project"]
    drain()
    assert sorted(p.display_name for p in find_freelancers("mrc=kamouraska").objects) == ["Aline", "Benoît", "Carole"]
    assert find_projects("mrc=kamouraska").total == 2
    assert find_freelancers("mrc=riviere-du-loup").total == 0


def test_a_place_change_rolled_back_leaves_nothing_to_reindex(people):
    SearchOutboxEntry.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        places_changed(municipality_ids=[people["saint_pascal"].pk])
        raise RuntimeError("the loader failed")

    assert not SearchOutboxEntry.objects.exists()


# --- The index mapping: versioned, upgraded in place -----------------------------------------------------


def test_search_index_upgrade_rebuilds_an_index_with_an_older_mapping(es, places):
    FreelancerProfileFactory(display_name="Aline", municipality=places["saint_pascal"])
    client = require_client()
    indexing.delete_all_indices()
    # An index as the previous release made it: no MRC fields, no version in its mapping.
    for kind in indexing.KINDS:
        old = f"{index_name(kind)}_20260101000000000000"
        client.indices.create(index=old, mappings={"properties": {"object_id": {"type": "long"}}})
        client.indices.put_alias(index=old, name=index_name(kind))
    assert indexing.mapping_version(kind="profile") == 0

    out = StringIO()
    call_command("search_index", "upgrade", stdout=out)

    assert indexing.mapping_version(kind="profile") == MAPPING_VERSION
    assert indexing.mapping_version(kind="project") == MAPPING_VERSION
    assert not client.indices.exists(index=f"{index_name('profile')}_20260101000000000000")
    assert [p.display_name for p in find_freelancers("mrc=kamouraska").objects] == ["Aline"]
    live = list(client.indices.get_alias(name=index_name("profile")).keys())

    again = StringIO()
    call_command("search_index", "upgrade", stdout=again)

    assert "profils : index à jour." in again.getvalue()
    assert list(client.indices.get_alias(name=index_name("profile")).keys()) == live


def test_a_new_index_carries_the_mapping_version(es):
    assert indexing.mapping_version(kind="profile") == MAPPING_VERSION
    mapping = require_client().indices.get_mapping(index=index_name("project")).body
    properties = next(iter(mapping.values()))["mappings"]["properties"]
    assert properties["mrc"] == {"type": "keyword"}


# --- The MRC pages --------------------------------------------------------------------------------------


@pytest.fixture
def showcase(backend, places, kamouraska):
    """Two freelancers and an open project in Kamouraska, plus what must not be counted."""
    MrcFactory(code="66", name="Montréal", region=Region.MONTREAL)
    FreelancerProfileFactory(display_name="Aline", headline="Photographe", municipality=places["saint_pascal"])
    FreelancerProfileFactory(display_name="Benoît", headline="Graphiste", municipality=places["saint_pascal"])
    FreelancerProfileFactory(display_name="Caché", municipality=places["saint_pascal"], is_hidden=True)
    ProjectFactory(title="Photos d'une ferme laitière", municipality=places["saint_pascal"])
    ProjectFactory(title="Projet secret", municipality=places["saint_pascal"], visibility=Visibility.INVITED)
    ProjectFactory(title="Logo d'une boulangerie", municipality=places["rdl"])
    sync_index()
    return places


def test_the_mrc_list_groups_every_mrc_by_region_with_its_counts(client, showcase):
    page = client.get("/mrc/").content.decode()

    assert page.index("Bas-Saint-Laurent") < page.index("Kamouraska") < page.index("Rivière-du-Loup")
    assert page.index("Rivière-du-Loup") < page.index(">Montréal<") < page.index('href="/mrc/montreal/"') + 100
    kamouraska = page[page.index('href="/mrc/kamouraska/"') :][:300]
    # The hidden profile and the invite-only project are not counted.
    assert "2 pigistes · 1 projet ouvert" in kamouraska
    montreal = page[page.index('href="/mrc/montreal/"') :][:300]
    assert "0 pigiste" in montreal and "0 projet ouvert" in montreal


def test_the_mrc_page_shows_its_freelancers_and_open_public_projects(client, showcase):
    response = client.get("/mrc/kamouraska/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "Pigistes et projets — MRC de Kamouraska" in page
    assert "2 pigistes" in page and "Aline" in page and "Benoît" in page and "Caché" not in page
    assert "1 projet ouvert" in page and "Photos d&#x27;une ferme laitière" in page
    assert "Projet secret" not in page and "boulangerie" not in page
    assert 'href="/recherche/pigistes/?mrc=kamouraska"' in page


def test_the_mrc_page_pages_its_freelancers(client, showcase):
    for i in range(13):
        FreelancerProfileFactory(display_name=f"Pigiste {i:02}", municipality=showcase["saint_pascal"])
    sync_index()

    first = client.get("/mrc/kamouraska/").content.decode()
    second = client.get("/mrc/kamouraska/", {"page": "2"}).content.decode()

    assert "15 pigistes" in first and "Page 1 de 2" in first
    assert 'href="?page=2"' in first
    assert first.count('class="card result"') == 12 + 1
    assert second.count('class="card result"') == 3 + 1


@pytest.mark.embedded
def test_an_unknown_mrc_page_is_not_found(client, db):
    response = client.get("/mrc/atlantide/")

    assert response.status_code == 404


@pytest.mark.embedded
def test_the_footer_links_to_the_mrc_list(client, db):
    assert 'href="/mrc/"' in client.get("/").content.decode()


def test_profile_and_project_pages_link_their_mrc(client, showcase):
    profile = FreelancerProfileFactory(display_name="Aline", municipality=showcase["saint_pascal"])
    project = ProjectFactory(municipality=showcase["rdl"])

    profile_page = client.get(f"/pigistes/{profile.pk}/").content.decode()
    project_page = client.get(f"/projets/{project.pk}/").content.decode()
    list_page = client.get("/projets/").content.decode()

    assert 'Saint-Pascal — <a href="/mrc/kamouraska/">Kamouraska</a>, Bas-Saint-Laurent' in profile_page
    # Rivière-du-Loup is its own MRC: the name itself is the link.
    assert '<a href="/mrc/riviere-du-loup/">Rivière-du-Loup</a> — Bas-Saint-Laurent' in project_page
    assert 'Saint-Pascal — <a href="/mrc/kamouraska/">Kamouraska</a>, Bas-Saint-Laurent' in list_page


# --- The MRC API ----------------------------------------------------------------------------------------


def test_the_api_lists_every_mrc_with_its_counts(showcase):
    body = APIClient().get("/api/v1/mrc/").json()

    assert [(m["name"], m["freelancer_count"], m["project_count"]) for m in body["results"]] == [
        ("Kamouraska", 2, 1),
        ("Rivière-du-Loup", 0, 1),
        ("Montréal", 0, 0),
    ]
    assert body["results"][0]["url"] == "/api/v1/mrc/kamouraska/"
    assert body["results"][0]["page_url"] == "/mrc/kamouraska/"


def test_the_api_gives_one_mrc_with_links_to_its_searches(showcase):
    body = APIClient().get("/api/v1/mrc/kamouraska/").json()

    assert body == {
        "slug": "kamouraska",
        "name": "Kamouraska",
        "code": "14",
        "region": "01",
        "region_name": "Bas-Saint-Laurent",
        "freelancer_count": 2,
        "project_count": 1,
        "url": "/api/v1/mrc/kamouraska/",
        "page_url": "/mrc/kamouraska/",
        "freelancer_search_url": "/api/v1/search/freelancers/?mrc=kamouraska",
        "project_search_url": "/api/v1/search/projects/?mrc=kamouraska",
    }


@pytest.mark.embedded
def test_the_api_answers_404_for_an_unknown_mrc(db):
    response = APIClient().get("/api/v1/mrc/atlantide/")

    assert response.status_code == 404
    assert response.json()["detail"] == "Cette MRC n'existe pas."


@pytest.mark.embedded
def test_the_mrc_titles_read_as_in_french(db):
    assert mrc_title(MrcFactory(code="14", name="Kamouraska")) == "MRC de Kamouraska"
    assert mrc_title(MrcFactory(code="11", name="Les Basques")) == "MRC des Basques"
    assert mrc_title(MrcFactory(code="30", name="Le Granit")) == "MRC du Granit"
    assert mrc_title(MrcFactory(code="39", name="Arthabaska")) == "MRC d'Arthabaska"
    assert mrc_title(MrcFactory(code="17", name="L'Islet")) == "MRC de L'Islet"


@pytest.mark.embedded
def test_the_mrc_pages_run_a_constant_number_of_queries(client, database_search, places, django_assert_max_num_queries):
    for i in range(20):
        MrcFactory(code=f"{70 + i}", name=f"MRC numéro {i}")
        FreelancerProfileFactory(municipality=places["saint_pascal"])
        ProjectFactory(municipality=places["saint_pascal"])
    # The MRCs, then freelancers and projects counted per MRC; a session-less visitor.
    with django_assert_max_num_queries(3):
        assert client.get("/mrc/").status_code == 200
    # The MRC and the MRC facet's names, then per list (database backend): candidates and their skills, the
    # page's rows and their skills (and projects' invitations).
    with django_assert_max_num_queries(11):
        assert client.get("/mrc/kamouraska/").status_code == 200
