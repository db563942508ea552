"""The contract both backends honour: same filters, same facets, same permissions, same distances."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone

from profiles.models import Availability, Region
from projects.models import Category, Invitation, ProjectStatus, Visibility
from search.params import freelancer_search_params, project_search_params
from search.selectors import freelancer_search, project_search
from tests.factories import FreelancerProfileFactory, ProjectFactory, SkillFactory, UserFactory

from .conftest import sync_index
from .factories import place


def find_freelancers(query: str):
    return freelancer_search(params=freelancer_search_params(QueryDict(query)))


def find_projects(query: str, user=None):
    return project_search(params=project_search_params(QueryDict(query)), user=user)


def names(result):
    return sorted(p.display_name for p in result.objects)


def titles(result):
    return sorted(p.title for p in result.objects)


@pytest.fixture
def people(backend):
    """Six freelancers in real places; returned by name."""
    rdl, rimouski, quebec, montreal = place("Rivière-du-Loup"), place("Rimouski"), place("Québec"), place("Montréal")
    design, compta, web = (
        SkillFactory(name="Design graphique"),
        SkillFactory(name="Comptabilité"),
        SkillFactory(name="Développement web"),
    )
    made = {
        "Alice": FreelancerProfileFactory(
            display_name="Alice",
            headline="Graphiste et illustratrice",
            municipality=rdl,
            travel_radius_km=30,
            hourly_rate=Decimal("55"),
            languages=["fr"],
            skills=[design],
            rating_average=Decimal("4.8"),
            rating_count=5,
        ),
        "Bruno": FreelancerProfileFactory(
            display_name="Bruno",
            headline="Graphiste pour PME",
            municipality=rimouski,
            travel_radius_km=150,
            hourly_rate=Decimal("70"),
            languages=["fr", "en"],
            skills=[design],
            rating_average=Decimal("4.2"),
            rating_count=3,
        ),
        "Chloé": FreelancerProfileFactory(
            display_name="Chloé",
            headline="Comptable agréée",
            bio="Tenue de livres et impôts pour travailleurs autonomes.",
            municipality=rimouski,
            travel_radius_km=10,
            hourly_rate=Decimal("90"),
            languages=["fr"],
            skills=[compta],
            availability=Availability.UNAVAILABLE,
        ),
        "Denis": FreelancerProfileFactory(
            display_name="Denis",
            headline="Développeur web",
            municipality=quebec,
            travel_radius_km=0,
            hourly_rate=None,
            languages=["fr", "en", "es"],
            skills=[web],
            rating_average=Decimal("3.9"),
            rating_count=8,
        ),
        "Émilie": FreelancerProfileFactory(
            display_name="Émilie",
            headline="Graphiste web",
            municipality=montreal,
            travel_radius_km=500,
            hourly_rate=Decimal("110"),
            languages=["en"],
            skills=[design, web],
        ),
        "Hidden": FreelancerProfileFactory(
            display_name="Hidden", headline="Graphiste masquée", municipality=rdl, is_hidden=True, skills=[design]
        ),
    }
    sync_index()
    return made


def test_words_match_the_text_and_hidden_profiles_never_show(people):
    result = find_freelancers("q=graphiste")
    assert names(result) == ["Alice", "Bruno", "Émilie"]
    assert result.total == 3


def test_every_filter_narrows_like_the_database_says(people):
    assert names(find_freelancers("skills=design-graphique")) == ["Alice", "Bruno", "Émilie"]
    assert names(find_freelancers("skills=design-graphique&skills=developpement-web")) == ["Émilie"]
    assert names(find_freelancers("region=01")) == ["Alice", "Bruno", "Chloé"]
    assert names(find_freelancers("category=accounting")) == ["Chloé"]
    assert names(find_freelancers("category=design")) == ["Alice", "Bruno", "Émilie"]
    assert names(find_freelancers("language=es")) == ["Denis"]
    assert names(find_freelancers("availability=unavailable")) == ["Chloé"]
    assert names(find_freelancers("rate_min=60&rate_max=100")) == ["Bruno", "Chloé"]
    assert names(find_freelancers("min_rating=4")) == ["Alice", "Bruno"]


def test_near_includes_freelancers_whose_travel_radius_reaches_the_client(people):
    rdl = place("Rivière-du-Loup")
    # Rimouski is 102 km from Rivière-du-Loup: Bruno travels 150 km (in), Chloé 10 km (out).
    # Québec is 169 km away and Denis does not travel; Émilie in Montréal (403 km) travels 500 km.
    result = find_freelancers(f"near={rdl.pk}&radius_km=50")
    assert names(result) == ["Alice", "Bruno", "Émilie"]
    result = find_freelancers(f"near={rdl.pk}&radius_km=110")
    assert names(result) == ["Alice", "Bruno", "Chloé", "Émilie"]
    result = find_freelancers(f"near={rdl.pk}&radius_km=170")
    assert names(result) == ["Alice", "Bruno", "Chloé", "Denis", "Émilie"]


def test_distances_match_hand_computed_great_circle_distances(people):
    rdl = place("Rivière-du-Loup")
    result = find_freelancers(f"near={rdl.pk}&radius_km=1000&sort=distance")
    distances = {p.display_name: round(p.hit.distance_km) for p in result.objects}
    # Haversine on the GeoNames coordinates, R = 6371 km: RDL–Rimouski 102 km, RDL–Québec 169 km,
    # RDL–Montréal 403 km.
    assert distances == {"Alice": 0, "Bruno": 102, "Chloé": 102, "Denis": 169, "Émilie": 403}
    assert [p.display_name for p in result.objects] == ["Alice", "Bruno", "Chloé", "Denis", "Émilie"]


def test_sorts_by_rate_and_rating(people):
    assert [p.display_name for p in find_freelancers("sort=rate").objects] == [
        "Alice",
        "Bruno",
        "Chloé",
        "Émilie",
        "Denis",
    ]
    assert [p.display_name for p in find_freelancers("sort=rating").objects][:3] == ["Alice", "Bruno", "Denis"]


def test_facet_counts_equal_the_database_truth(people):
    result = find_freelancers("q=graphiste")
    facets = {name: {v.value: v.count for v in values} for name, values in result.facets.items()}
    visible = [p for p in people.values() if not p.is_hidden and "Graphiste" in p.headline]
    truth_skills = Counter(s.slug for p in visible for s in p.skills.all())
    truth_regions = Counter(p.municipality.region for p in visible)
    truth_languages = Counter(code for p in visible for code in p.languages)
    truth_availability = Counter(p.availability for p in visible)
    assert facets["skills"] == dict(truth_skills)
    assert facets["regions"] == dict(truth_regions)
    assert facets["languages"] == dict(truth_languages)
    assert facets["availability"] == dict(truth_availability)
    assert facets["categories"]["design"] == 3
    labels = {v.value: v.label for v in result.facets["regions"]}
    assert labels[Region.BAS_SAINT_LAURENT] == "Bas-Saint-Laurent"


def test_paging_is_capped_and_consistent(people):
    first = find_freelancers("page_size=2&sort=rate")
    second = find_freelancers("page_size=2&page=2&sort=rate")
    assert first.total == 5 and first.pages == 3
    assert [p.display_name for p in first.objects] == ["Alice", "Bruno"]
    assert [p.display_name for p in second.objects] == ["Chloé", "Émilie"]
    huge = find_freelancers("page=100000&page_size=1000")
    assert huge.page_size == 50 and huge.page == 200
    assert huge.objects == [] and huge.total == 5


def test_empty_result_suggests_broadening(people):
    rdl = place("Rivière-du-Loup")
    result = find_freelancers(f"q=graphiste&language=es&near={rdl.pk}&radius_km=20")
    assert result.total == 0
    labels = [s["label"] for s in result.suggestions]
    assert "Chercher sans les mots « graphiste »" in labels
    assert "Élargir à 60 km" in labels
    assert "Toutes les langues" in labels


@pytest.fixture
def projects(backend):
    rdl, quebec = place("Rivière-du-Loup"), place("Québec")
    logo = SkillFactory(name="Logo")
    invited = UserFactory(email="invitee@exemple.qc.ca")
    owner = UserFactory(email="client@exemple.qc.ca")
    now = timezone.now()
    made = {
        "open": ProjectFactory(
            title="Logo pour une microbrasserie",
            owner=owner,
            municipality=rdl,
            category=Category.DESIGN,
            skills=[logo],
            budget_min=Decimal("500"),
            budget_max=Decimal("1500"),
        ),
        "remote": ProjectFactory(
            title="Tenue de livres mensuelle",
            owner=owner,
            municipality=quebec,
            remote=True,
            category=Category.ACCOUNTING,
            budget_min=None,
            budget_max=None,
            budget_type="to_discuss",
            published_at=now - datetime.timedelta(days=20),
        ),
        "invited": ProjectFactory(
            title="Logo confidentiel",
            owner=owner,
            municipality=rdl,
            category=Category.DESIGN,
            visibility=Visibility.INVITED,
            skills=[logo],
        ),
        "draft": ProjectFactory(title="Logo brouillon", owner=owner, status=ProjectStatus.DRAFT, published_at=None),
        "awarded": ProjectFactory(title="Logo attribué", owner=owner, status=ProjectStatus.AWARDED),
        "cancelled": ProjectFactory(title="Logo annulé", owner=owner, status=ProjectStatus.CANCELLED),
        "hidden": ProjectFactory(title="Logo masqué", owner=owner, is_hidden=True),
        "past_due": ProjectFactory(
            title="Logo expiré", owner=owner, quotes_due=timezone.localdate() - datetime.timedelta(days=1)
        ),
    }
    Invitation.objects.create(project=made["invited"], freelancer=invited)
    sync_index()
    made["invitee"] = invited
    made["stranger"] = UserFactory(email="stranger@exemple.qc.ca")
    return made


def test_only_open_public_projects_and_invitations_ever_show(projects):
    assert titles(find_projects("q=logo")) == ["Logo pour une microbrasserie"]
    assert titles(find_projects("q=logo", user=projects["stranger"])) == ["Logo pour une microbrasserie"]
    assert titles(find_projects("q=logo", user=projects["invitee"])) == [
        "Logo confidentiel",
        "Logo pour une microbrasserie",
    ]
    everything = find_projects("page_size=50", user=projects["invitee"])
    assert titles(everything) == ["Logo confidentiel", "Logo pour une microbrasserie", "Tenue de livres mensuelle"]
    assert everything.total == 3


def test_project_filters(projects):
    rdl = place("Rivière-du-Loup")
    assert titles(find_projects("category=accounting")) == ["Tenue de livres mensuelle"]
    assert titles(find_projects("skills=logo")) == ["Logo pour une microbrasserie"]
    assert titles(find_projects("budget_min=1000")) == ["Logo pour une microbrasserie"]
    assert titles(find_projects("budget_max=400")) == []
    assert titles(find_projects("remote=1")) == ["Tenue de livres mensuelle"]
    assert titles(find_projects(f"near={rdl.pk}&radius_km=50")) == ["Logo pour une microbrasserie"]
    assert titles(find_projects(f"near={rdl.pk}&radius_km=50&remote=1")) == [
        "Logo pour une microbrasserie",
        "Tenue de livres mensuelle",
    ]
    assert titles(find_projects("posted_since=7")) == ["Logo pour une microbrasserie"]
    facets = {v.value: v.count for v in find_projects("").facets["categories"]}
    assert facets == {"design": 1, "accounting": 1}


def test_bad_text_is_treated_as_words(people):
    for query in [
        "((((",
        "graph.*ste",
        'headline:"graphiste" AND bio:*',
        '{"query": {"match_all": {}}}',
        "🎨🎨",
        "x" * 10_000,
    ]:
        params = freelancer_search_params({"q": query})
        result = freelancer_search(params=params)
        assert result.total >= 0
        assert len(params.q) <= 200
    # The emoji is dropped, the word still counts.
    assert names(find_freelancers("q=Graphiste+%F0%9F%8E%A8")) == ["Alice", "Bruno", "Émilie"]
