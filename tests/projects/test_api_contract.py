"""The projects API answers what its OpenAPI schema says: types, required fields, statuses."""

import pytest
from rest_framework.test import APIClient

from projects.models import Project, ProjectStatus, QuoteStatus, Review
from tests.factories import ProjectFactory, QuoteFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def api():
    return APIClient()


def _schema(api) -> dict:
    return api.get("/api/schema/", {"format": "json"}).json()


def _request_schema(schema: dict, path: str, method: str) -> dict:
    ref = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_a_project_read_alone_counts_its_quotes_like_the_list_does(api, project, freelancer):
    QuoteFactory(project=project, freelancer=freelancer)
    api.force_authenticate(project.owner)

    assert api.get(f"/api/v1/projects/{project.pk}/").json()["quote_count"] == 1
    changed = api.patch(f"/api/v1/projects/{project.pk}/", {"title": "Site web bilingue"}, format="json")
    assert changed.json()["quote_count"] == 1
    assert api.get("/api/v1/projects/").json()["results"][0]["quote_count"] == 1


def test_a_new_project_counts_zero_quotes_not_null(api, owner, project_data):
    api.force_authenticate(owner)
    data = {
        **project_data,
        "budget_min": "2000",
        "budget_max": "5000",
        "deadline": project_data["deadline"].isoformat(),
        "quotes_due": project_data["quotes_due"].isoformat(),
    }

    response = api.post("/api/v1/projects/", data, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["quote_count"] == 0


def test_the_schema_requires_what_a_new_project_needs_and_the_server_says_the_same(api, owner):
    create = _request_schema(_schema(api), "/api/v1/projects/", "post")
    assert sorted(create["required"]) == ["category", "description", "title"]
    api.force_authenticate(owner)

    response = api.post("/api/v1/projects/", {}, format="json")

    assert response.status_code == 400
    assert {"title", "description", "category"} <= set(response.json())
    assert not Project.objects.exists()


def test_the_schema_requires_a_rating_from_1_to_5_in_a_review(api):
    review = _request_schema(_schema(api), "/api/v1/projects/{id}/reviews/", "post")

    assert review["required"] == ["rating"]
    assert (review["properties"]["rating"]["minimum"], review["properties"]["rating"]["maximum"]) == (1, 5)


def test_a_review_without_a_rating_is_refused(api, owner, freelancer):
    project = ProjectFactory(owner=owner, status=ProjectStatus.COMPLETED)
    QuoteFactory(project=project, freelancer=freelancer, status=QuoteStatus.ACCEPTED)
    api.force_authenticate(owner)

    response = api.post(f"/api/v1/projects/{project.pk}/reviews/", {"comment": "Bien"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["rating"]
    assert not Review.objects.exists()


def test_a_json_value_of_the_wrong_type_is_refused_not_coerced(api, project):
    api.force_authenticate(project.owner)

    response = api.patch(f"/api/v1/projects/{project.pk}/", {"title": 12, "remote": "yes"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"title": ["Un texte est attendu."], "remote": ["true ou false est attendu."]}
    project.refresh_from_db()
    assert project.title != "12" and project.remote is False


def test_the_api_reads_json_only_where_it_takes_no_upload(api, project):
    api.force_authenticate(project.owner)

    response = api.patch(f"/api/v1/projects/{project.pk}/", {"municipality": ""}, format="multipart")

    assert response.status_code == 415
    assert "multipart" not in str(_schema(api)["paths"]["/api/v1/projects/{id}/"]["patch"]["requestBody"])


def test_a_path_that_names_nothing_under_the_api_is_a_json_404(api):
    response = api.get("/api/v1/projects/not-a-number/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Non trouvé."}


def test_every_operation_documents_the_refusals_its_plumbing_can_answer(api):
    paths = _schema(api)["paths"]

    quote_accept = paths["/api/v1/quotes/{id}/accept/"]["post"]["responses"]
    assert {"200", "401", "403", "404", "409"} <= set(quote_accept)
    project_create = paths["/api/v1/projects/"]["post"]["responses"]
    assert {"201", "400", "401", "415", "429"} <= set(project_create)
    # A wrong token is a 401 even where signing in is optional.
    assert "401" in paths["/api/v1/projects/{id}/"]["get"]["responses"]
    # Freelancer search reads no token or session at all: no 401 to document.
    assert "401" not in paths["/api/v1/search/freelancers/"]["get"]["responses"]


def test_a_wrong_token_on_a_public_read_is_a_401(api, project):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api.get(f"/api/v1/projects/{project.pk}/")

    assert response.status_code == 401


def test_anonymous_callers_of_a_protected_operation_get_401_not_403(api, project):
    UserFactory()

    assert api.post(f"/api/v1/projects/{project.pk}/complete/").status_code == 401
