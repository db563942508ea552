"""bench/load.py: the searches and the plan the Locust scenario plays (the plan needs PostgreSQL: main pass)."""

import csv
from pathlib import Path

import pytest
from django.db import connection

from bench import data
from bench.load import build_plan, french_queries, misspell
from messaging.models import Participant
from projects.models import Project, Quote

PLACES_CSV = Path(__file__).resolve().parents[2] / "profiles" / "data" / "quebec_municipalities.csv"
SKILLS = ["Design graphique", "Logo", "Comptabilité", "Tenue de livres", "Photographie", "Rédaction", "Traduction"]
TRADES = ["graphiste", "développeur", "comptable", "photographe", "rédactrice", "menuisier", "électricien"]


def _places():
    with PLACES_CSV.open(encoding="utf-8") as fh:
        return [(i, row["name"], int(row["population"] or 0)) for i, row in enumerate(csv.DictReader(fh), 1)]


@pytest.mark.embedded
def test_a_thousand_distinct_searches_from_skills_places_and_misspellings_the_same_every_run():
    places = _places()

    queries = french_queries(skills=SKILLS, trades=TRADES, places=places)

    assert len(queries) == 1000
    assert len({q["q"].casefold() for q in queries}) == 1000
    assert queries == french_queries(skills=SKILLS, trades=TRADES, places=places)
    words = {w.lower() for w in SKILLS + TRADES}
    names = {name.lower() for _, name, _ in places}
    texts = [q["q"].lower() for q in queries]
    assert any(t in names for t in texts)  # a place alone
    assert any(t.split(" ", 1)[0] in words and t not in words for t in texts)  # a trade and a place
    assert any(t not in words and t not in names and " " not in t for t in texts)  # a misspelling
    near = [q for q in queries if "near" in q]
    assert near and all(q["radius_km"] == 50 and q["q"].lower() in words for q in near)


@pytest.mark.embedded
def test_misspellings_are_the_usual_slips():
    import random

    rng = random.Random(1)

    slips = {misspell("développeur", rng) for _ in range(200)}

    assert "developpeur" in slips  # accents left out
    assert "dévelopeur" in slips  # a letter dropped
    assert all(slip != "développeur" and abs(len(slip) - len("développeur")) <= 1 for slip in slips)
    assert misspell("photographe", random.Random(0)) != "photographe"


@pytest.mark.django_db
def test_plan_gives_each_member_live_quotes_to_hire_on_projects_to_quote_and_conversations():
    seeded = data.seed(f"postgres://x/{connection.settings_dict['NAME']}", profiles=120, projects=300, quotes=600)

    plan = build_plan(seeded)

    assert plan["password"] == data.PASSWORD and len(plan["queries"]) == 1000
    hiring = set()
    for client in plan["clients"]:
        for project_id in client["live_projects"]:
            project = Project.objects.get(pk=project_id)
            assert project.owner_id == client["user_id"] and project.status == "open"
            assert Quote.objects.filter(project=project, status__in=["pending", "shortlisted"]).exists()
            hiring.add(project_id)
    assert hiring
    assert any(freelancer["quotable"] for freelancer in plan["freelancers"])
    for freelancer in plan["freelancers"]:
        quotable = Project.objects.filter(pk__in=freelancer["quotable"])
        assert {(p.status, p.visibility) for p in quotable} <= {("open", "public")}
        # Never a project a client of the run may award meanwhile, nor one they already quoted on.
        assert not hiring & set(freelancer["quotable"])
        assert not Quote.objects.filter(project__in=quotable, freelancer_id=freelancer["user_id"]).exists()
        assert len(freelancer["conversations"]) == 2
        for conversation_id in freelancer["conversations"]:
            members = set(Participant.objects.filter(conversation_id=conversation_id).values_list("user_id", flat=True))
            assert freelancer["user_id"] in members
    # The same plan again: the conversations are found, not opened twice.
    assert build_plan(seeded)["freelancers"][0]["conversations"] == plan["freelancers"][0]["conversations"]
