"""Search parameters as the OpenAPI schema states them, and the server refusing what the schema refuses."""

import pytest
from rest_framework.test import APIClient

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

FREELANCERS = "/api/v1/search/freelancers/"
PROJECTS = "/api/v1/search/projects/"


@pytest.fixture
def api(settings):
    settings.ELASTICSEARCH_URL = ""  # these answers are the parameters', before any search runs
    return APIClient()


def _parameters(api, path: str) -> dict:
    operation = api.get("/api/schema/", {"format": "json"}).json()["paths"][path]["get"]
    return {parameter["name"]: parameter["schema"] for parameter in operation["parameters"]}


@pytest.mark.parametrize("path", [FREELANCERS, PROJECTS])
def test_the_schema_refuses_near_0_and_radius_0_as_the_server_does(api, path):
    parameters = _parameters(api, path)

    assert parameters["near"]["minimum"] == 1
    assert parameters["radius_km"]["minimum"] == 0 and parameters["radius_km"]["exclusiveMinimum"] is True
    response = api.get(path, {"near": 0, "radius_km": 0})
    assert response.status_code == 400
    assert set(response.json()) == {"near", "radius_km"}


@pytest.mark.parametrize("path", [FREELANCERS, PROJECTS])
def test_choices_in_the_schema_are_the_server_s(api, path):
    parameters = _parameters(api, path)

    assert "" in parameters["region"]["enum"] and "01" in parameters["region"]["enum"]
    assert "" in parameters["category"]["enum"] and "web" in parameters["category"]["enum"]
    assert api.get(path, {"region": "99"}).status_code == 400


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_remote_is_a_boolean_not_anything_else(api, value):
    assert _parameters(api, PROJECTS)["remote"]["type"] == "boolean"

    response = api.get(PROJECTS, {"remote": value})

    assert response.status_code == 400
    assert list(response.json()) == ["remote"]


@pytest.mark.parametrize("value", ["20261101", "2026-W45", "12345"])
def test_posted_since_is_a_date_or_a_number_of_days_only(api, value):
    response = api.get(PROJECTS, {"posted_since": value})

    assert response.status_code == 400
    assert list(response.json()) == ["posted_since"]


@pytest.mark.parametrize("value", ["2026-11-01", "7", ""])
def test_posted_since_takes_a_date_or_days(api, value):
    assert api.get(PROJECTS, {"posted_since": value}).status_code == 200
