"""Deeply nested JSON gets a clear 400 on every JSON endpoint, never a 500."""

import pytest
from rest_framework.test import APIClient

from marketplace.common.json_input import MAX_DEPTH, JSONInputError, json_input_loads
from projects.models import Project
from search.models import SavedSearch
from tests.factories import ProjectFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

DEEP = "[" * 30_000 + "]" * 30_000  # 60 KB


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


@pytest.mark.parametrize("path", ["/api/v1/projects/", "/api/v1/search/saved/", "/api/v1/conversations/"])
def test_a_deeply_nested_body_is_refused_with_400_and_nothing_saved(api, path):
    projects_before = Project.objects.count()

    response = api.generic("POST", path, DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": f"JSON trop imbriqué ({MAX_DEPTH} niveaux au plus)."}
    assert Project.objects.count() == projects_before
    assert SavedSearch.objects.count() == 0


def test_nesting_just_past_the_limit_is_refused_inside_an_object(api):
    body = '{"title": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"

    response = api.generic("POST", "/api/v1/projects/", body, content_type="application/json")

    assert response.status_code == 400
    assert "trop imbriqué" in response.json()["detail"]


def test_a_quote_posted_as_deep_json_is_refused(api):
    project = ProjectFactory()

    response = api.generic("POST", f"/api/v1/projects/{project.pk}/quotes/", DEEP, content_type="application/json")

    assert response.status_code == 400


def test_broken_json_and_nan_are_refused_with_a_clear_message(api):
    for body in ('{"title": ', '{"budget_min": NaN}'):
        response = api.generic("POST", "/api/v1/projects/", body, content_type="application/json")
        assert response.status_code == 400
        assert response.json() == {"detail": "JSON attendu."}


@pytest.mark.parametrize("text", [DEEP, "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "{", "NaN", b"\xff"])
def test_the_one_rule_refuses_what_is_not_json_or_too_deep(text):
    with pytest.raises(JSONInputError):
        json_input_loads(text)


def test_the_one_rule_reads_ordinary_json():
    nested = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert json_input_loads('{"a": [1, {"b": "é"}]}') == {"a": [1, {"b": "é"}]}
    assert json_input_loads(nested) is not None
