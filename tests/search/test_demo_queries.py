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


# What people type → a word the first freelancer found must show. One test: the demo is seeded once.
QUERIES = [
    ("developpeur web", "développeu"),
    ("développeur web", "développeu"),
    ("electricien", "électricien"),
    ("Électricien", "électricien"),
    ("erabliere", "érablière"),
    ("graphiste montreal", "graphiste"),
]


def test_what_people_type_finds_the_demo_freelancers(client, demo):
    missed = {}
    for query, expected in QUERIES:
        response = client.get("/api/v1/search/freelancers/", {"q": query})

        assert response.status_code == 200, query
        body = response.json()
        first = body["results"][0] if body["count"] else {}
        if expected not in (first.get("headline", "") + " " + first.get("bio", "") + " " + str(first)).lower():
            missed[query] = first or "nothing found"
    assert missed == {}
