"""The search API through HTTP: shapes, bad inputs (400 with a message or a sensible empty result), autocomplete."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from search.models import SavedSearch
from tests.factories import FreelancerProfileFactory, ProjectFactory, SkillFactory, UserFactory

from .conftest import sync_index
from .factories import place

FREELANCERS = "/api/v1/search/freelancers/"
PROJECTS = "/api/v1/search/projects/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def data(backend):
    rdl = place("Rivière-du-Loup")
    design = SkillFactory(name="Design graphique")
    alice = FreelancerProfileFactory(
        display_name="Alice Tremblay",
        headline="Graphiste et illustratrice",
        municipality=rdl,
        hourly_rate=Decimal("55"),
        skills=[design],
    )
    project = ProjectFactory(title="Logo pour une fromagerie", municipality=rdl, skills=[design])
    sync_index()
    return {"rdl": rdl, "alice": alice, "project": project, "design": design}


def test_freelancer_search_returns_results_facets_and_highlights(api, data):
    response = api.get(FREELANCERS, {"q": "graphiste", "near": data["rdl"].pk, "radius_km": "25"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["page"] == 1 and body["pages"] == 1
    hit = body["results"][0]
    assert hit["display_name"] == "Alice Tremblay"
    assert hit["hourly_rate"] == "55.00"
    assert hit["distance_km"] == 0.0
    assert hit["skills"] == ["Design graphique"]
    assert "<mark>Graphiste</mark>" in hit["highlights"]["headline"][0]
    assert body["facets"]["skills"] == [{"value": "design-graphique", "label": "Design graphique", "count": 1}]
    assert body["notice"] == ""


def test_project_search_returns_open_projects(api, data):
    response = api.get(PROJECTS, {"q": "logo", "skills": "Design graphique"})
    assert response.status_code == 200
    body = response.json()
    assert [r["title"] for r in body["results"]] == ["Logo pour une fromagerie"]
    assert body["results"][0]["budget_min"] == "2000.00"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"radius_km": "-5", "near": "RDL"}, "radius_km", "Le rayon doit être plus grand que 0 km."),
        ({"radius_km": "0", "near": "RDL"}, "radius_km", "Le rayon doit être plus grand que 0 km."),
        ({"radius_km": "beaucoup", "near": "RDL"}, "radius_km", "Le rayon doit être un nombre de kilomètres."),
        ({"radius_km": "nan", "near": "RDL"}, "radius_km", "Le rayon doit être plus grand que 0 km."),
        ({"near": "999999999"}, "near", "Municipalité inconnue : choisissez-la dans la liste."),
        ({"near": "pas-un-id"}, "near", "Municipalité inconnue : choisissez-la dans la liste."),
        ({"near": "", "radius_km": "50"}, "near", "Choisissez une municipalité pour chercher par distance."),
        ({"region": "99"}, "region", "Région inconnue."),
        ({"category": "astrologie"}, "category", "Catégorie inconnue."),
        ({"rate_min": "abc"}, "rate_min", "Le taux minimum doit être un montant positif."),
        ({"rate_min": "90", "rate_max": "10"}, "rate_min", "Le taux minimum dépasse le taux maximum."),
        ({"min_rating": "9"}, "min_rating", "La note minimale doit être entre 1 et 5."),
        ({"language": "français!"}, "language", "Langue inconnue : utilisez un code comme « fr » ou « en »."),
        ({"availability": "demain"}, "availability", "Disponibilité inconnue."),
        ({"sort": "hasard"}, "sort", "Tri inconnu."),
        ({"sort": "distance"}, "sort", "Choisissez une municipalité pour trier par distance."),
        ({"page": "deux"}, "page", "Le numéro de page doit être un nombre."),
    ],
)
def test_bad_freelancer_parameters_get_a_clear_400(api, data, params, field, message):
    params = {k: (str(data["rdl"].pk) if v == "RDL" else v) for k, v in params.items()}
    response = api.get(FREELANCERS, params)
    assert response.status_code == 400
    assert response.json()[field] == [message]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"budget_min": "-1"}, "budget_min", "Le budget minimum doit être un montant positif."),
        ({"budget_min": "5000", "budget_max": "10"}, "budget_min", "Le budget minimum dépasse le budget maximum."),
        ({"posted_since": "hier"}, "posted_since", "Date invalide : utilisez AAAA-MM-JJ ou un nombre de jours."),
        ({"radius_km": "-1", "near": "RDL"}, "radius_km", "Le rayon doit être plus grand que 0 km."),
    ],
)
def test_bad_project_parameters_get_a_clear_400(api, data, params, field, message):
    params = {k: (str(data["rdl"].pk) if v == "RDL" else v) for k, v in params.items()}
    response = api.get(PROJECTS, params)
    assert response.status_code == 400
    assert response.json()[field] == [message]


@pytest.mark.parametrize(
    ("q", "count"),
    [
        ("x" * 10_000, 0),
        ("((((", 0),
        ("graph[a-z]+ste|^.*$", 0),
        ('headline:graphiste AND NOT bio:* OR _exists_:display_name~2 "\\', 0),
        ('{"query": {"script": {"source": "1"}}}', 0),
        ("💥🔥 éàçÉ ß ø 漢字", 0),
        # Only control characters: an empty box, so everything.
        ("\x00\x1f", 1),
    ],
)
def test_odd_text_is_treated_as_words_never_a_500(api, data, q, count):
    for url in (FREELANCERS, PROJECTS):
        response = api.get(url, {"q": q})
        assert response.status_code == 200, response.content
        assert response.json()["count"] == count


def test_huge_page_and_page_size_are_capped(api, data):
    response = api.get(FREELANCERS, {"page": "100000", "page_size": "1000"})
    assert response.status_code == 200
    body = response.json()
    assert body["page_size"] == 50 and body["page"] == 200
    assert body["results"] == [] and body["count"] == 1


def test_huge_radius_is_capped_and_unknown_skill_gives_an_empty_result(api, data):
    response = api.get(FREELANCERS, {"near": data["rdl"].pk, "radius_km": "1e12"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    response = api.get(FREELANCERS, {"skills": "astrophysique-quantique"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 0
    assert any("compétences" in s["label"] for s in body["suggestions"])


def test_every_filter_at_once(api, data):
    params = {
        "q": "graphiste",
        "skills": "design-graphique",
        "category": "design",
        "region": "01",
        "near": data["rdl"].pk,
        "radius_km": "50",
        "rate_min": "10",
        "rate_max": "100",
        "language": "fr",
        "availability": "now",
        "min_rating": "1",
        "sort": "distance",
        "page": "1",
        "page_size": "10",
    }
    response = api.get(FREELANCERS, params)
    assert response.status_code == 200
    # Alice has no rating yet, so the minimum rating leaves nobody: a sensible empty result.
    assert response.json()["count"] == 0
    params.pop("min_rating")
    assert [r["display_name"] for r in api.get(FREELANCERS, params).json()["results"]] == ["Alice Tremblay"]
    project_params = {
        "q": "logo",
        "skills": "design-graphique",
        "category": "web",
        "region": "01",
        "near": data["rdl"].pk,
        "radius_km": "50",
        "remote": "1",
        "budget_min": "100",
        "budget_max": "9000",
        "posted_since": "7",
        "sort": "budget",
        "page_size": "5",
    }
    response = api.get(PROJECTS, project_params)
    assert response.status_code == 200
    assert [r["title"] for r in response.json()["results"]] == ["Logo pour une fromagerie"]


def test_skill_autocomplete_ignores_accents_and_case(api, db):
    SkillFactory(name="Développement web")
    SkillFactory(name="Design graphique")
    response = api.get("/api/v1/search/autocomplete/skills/", {"q": "DÉVELOP"})
    assert response.status_code == 200
    assert response.json()["results"] == [{"slug": "developpement-web", "name": "Développement web"}]
    assert api.get("/api/v1/search/autocomplete/skills/", {"q": "((("}).json()["results"] == []


def test_municipality_autocomplete_of_the_search_pages_ignores_accents_and_hyphens(client, api, db):
    rdl = place("Rivière-du-Loup")
    place("Rimouski")
    page = client.get("/recherche/pigistes/").content.decode()
    # The pages ask the one municipality autocomplete of the site (profiles app).
    assert 'data-autocomplete="municipalities" data-url="/api/v1/municipalities/"' in page
    response = api.get("/api/v1/municipalities/", {"q": "riviere du"})
    assert [(m["id"], m["name"], m["region_name"]) for m in response.json()["results"]] == [
        (rdl.pk, "Rivière-du-Loup", "Bas-Saint-Laurent")
    ]
    assert [m["name"] for m in api.get("/api/v1/municipalities/", {"q": "ri"}).json()["results"]] == [
        "Rimouski",
        "Rivière-du-Loup",
    ]
    assert api.get("/api/v1/search/autocomplete/municipalities/", {"q": "ri"}).status_code == 404


def test_saved_search_api_creates_lists_and_deletes(api, db):
    user = UserFactory()
    api.force_authenticate(user)
    response = api.post("/api/v1/search/saved/", {"query": "q=logo&remote=1", "frequency": "immediate"}, format="json")
    assert response.status_code == 201
    assert response.json()["query"] == "q=logo&remote=1"
    assert response.json()["name"] == "« logo », à distance"
    again = api.post("/api/v1/search/saved/", {"query": "remote=1&q=logo", "frequency": "daily"}, format="json")
    assert again.status_code == 409
    assert again.json() == {"detail": "Cette recherche est déjà sauvegardée."}
    assert SavedSearch.objects.filter(user=user).count() == 1
    bad = api.post("/api/v1/search/saved/", {"query": "radius_km=-3", "frequency": "daily"}, format="json")
    assert bad.status_code == 400
    assert SavedSearch.objects.filter(user=user).count() == 1
    saved_id = response.json()["id"]
    other = APIClient()
    other.force_authenticate(UserFactory())
    assert other.delete(f"/api/v1/search/saved/{saved_id}/").status_code == 404
    assert api.delete(f"/api/v1/search/saved/{saved_id}/").status_code == 204
    assert not SavedSearch.objects.filter(user=user).exists()


def test_search_endpoints_run_a_constant_number_of_queries(api, backend, django_assert_max_num_queries):
    rdl = place("Rivière-du-Loup")
    skills = [SkillFactory(name=f"Compétence {i}") for i in range(5)]
    for i in range(30):
        FreelancerProfileFactory(display_name=f"Graphiste {i}", headline="Graphiste", municipality=rdl, skills=skills)
        ProjectFactory(title=f"Logo {i}", municipality=rdl, skills=skills)
    sync_index()
    # Elasticsearch: at most the municipality and the skill facet labels (both then cached); the cards come
    # from the index. The database backend also reads the candidates, their skills, and the page's rows.
    most = 2 if backend == "elasticsearch" else 6
    with django_assert_max_num_queries(most):
        body = api.get(FREELANCERS, {"q": "graphiste", "near": rdl.pk, "page_size": "30"}).json()
    assert len(body["results"]) == 30
    assert body["results"][0]["skills"] == [f"Compétence {i}" for i in range(5)]
    with django_assert_max_num_queries(most):
        body = api.get(PROJECTS, {"q": "logo", "near": rdl.pk, "page_size": "30"}).json()
    assert len(body["results"]) == 30
    assert body["results"][0]["municipality"]["name"] == "Rivière-du-Loup"


def test_a_search_answered_by_elasticsearch_runs_no_sql_once_reference_data_is_cached(
    api, es, django_assert_num_queries
):
    rdl = place("Rivière-du-Loup")
    skill = SkillFactory(name="Design graphique")
    FreelancerProfileFactory(display_name="Alice", headline="Graphiste", municipality=rdl, skills=[skill])
    ProjectFactory(title="Logo pour une fromagerie", municipality=rdl, skills=[skill])
    sync_index()
    query = {"q": "graphiste logo", "near": rdl.pk, "skills": "design-graphique"}
    api.get(FREELANCERS, query)
    # One Elasticsearch request and no database round trip: cards, facets and distances need none.
    with django_assert_num_queries(0):
        freelancers = api.get(FREELANCERS, {**query, "q": "graphiste"}).json()
        projects = api.get(PROJECTS, {**query, "q": "logo"}).json()
    assert [r["display_name"] for r in freelancers["results"]] == ["Alice"]
    assert [r["title"] for r in projects["results"]] == ["Logo pour une fromagerie"]
    assert freelancers["facets"]["skills"] == [{"value": "design-graphique", "label": "Design graphique", "count": 1}]
