"""Under `make run`, what people type into the freelancer search finds the demo freelancers."""

import io

import pytest
from django.core.management import call_command

# Committed for real: the SQLite full-text index follows each commit, as under `make run`.
pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.ELASTICSEARCH_URL = ""  # the database backend, as `make run` has it
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("developpeur web", "développeu"),
        ("développeur web", "développeu"),
        ("electricien", "électricien"),
        ("Électricien", "électricien"),
        ("erabliere", "érablière"),
        ("graphiste montreal", "graphiste"),
    ],
)
def test_what_people_type_finds_the_demo_freelancers(client, demo, query, expected):
    response = client.get("/api/v1/search/freelancers/", {"q": query})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 1, query
    first = body["results"][0]
    assert expected in (first["headline"] + " " + first.get("bio", "") + " " + str(first)).lower(), first
