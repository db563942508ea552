"""What people type finds who they mean, whichever backend answers.

The same tests run on Elasticsearch (the real node), on the database backend on PostgreSQL
(unaccent + French full-text search) and, in the embedded pass, on the database backend on SQLite
(FTS5), as `make run` uses it.
"""

import pytest
from django.urls import reverse

from search.params import freelancer_search_params, project_search_params
from search.selectors import freelancer_search, project_search
from tests.factories import FreelancerProfileFactory, ProjectFactory, SkillFactory

from .conftest import sync_index
from .factories import place


@pytest.fixture
def people(backend):
    """Six freelancers whose words carry accents, capitals and apostrophes."""
    quebec, levis, montreal, rimouski, kamouraska = (
        place("Québec"),
        place("Lévis"),
        place("Montréal"),
        place("Rimouski"),
        place("Kamouraska"),
    )
    FreelancerProfileFactory(
        display_name="Denis Tremblay",
        headline="Développeur web",
        bio="Sites WordPress et boutiques en ligne pour les commerces.",
        municipality=quebec,
        skills=[SkillFactory(name="Développement web")],
    )
    FreelancerProfileFactory(
        display_name="Marc Bouchard",
        headline="Électricien résidentiel",
        bio="Rénovations, panneaux et bornes de recharge.",
        municipality=levis,
        skills=[SkillFactory(name="Électricité")],
    )
    FreelancerProfileFactory(
        display_name="Sophie Roy",
        headline="Graphiste",
        bio="Identités visuelles et affiches.",
        municipality=montreal,
        skills=[SkillFactory(name="Design graphique")],
    )
    FreelancerProfileFactory(
        display_name="Alice Gagnon",
        headline="Graphiste et illustratrice",
        bio="Albums jeunesse et affiches.",
        municipality=rimouski,
        skills=[SkillFactory(name="Design graphique"), SkillFactory(name="Logo")],
    )
    FreelancerProfileFactory(
        display_name="Luc Pelletier",
        headline="Acériculteur",
        bio="Je travaille souvent avec une graphiste pour mes étiquettes.",
        municipality=kamouraska,
        skills=[SkillFactory(name="Entretien d'érablière")],
    )
    FreelancerProfileFactory(
        display_name="Julie Côté",
        headline="Rédactrice",
        bio="Infolettres et communiqués.",
        municipality=montreal,
        skills=[SkillFactory(name="Rédaction")],
    )
    sync_index()


def found(q: str) -> list[str]:
    """The names a visitor sees for `q`, best first."""
    result = freelancer_search(params=freelancer_search_params({"q": q}))
    return [card.display_name for card in result.objects]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("developpeur web", ["Denis Tremblay"]),
        ("développeur web", ["Denis Tremblay"]),
        ("DÉVELOPPEUR WEB", ["Denis Tremblay"]),
        ("electricien", ["Marc Bouchard"]),
        ("Électricien", ["Marc Bouchard"]),
        ("ÉLECTRICIEN", ["Marc Bouchard"]),
        ("erabliere", ["Luc Pelletier"]),
        ("Érablière", ["Luc Pelletier"]),
        ("graphiste montreal", ["Sophie Roy"]),
        ("Graphiste Montréal", ["Sophie Roy"]),
    ],
)
def test_accents_and_capitals_never_hide_a_match(people, q, expected):
    assert found(q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("tremblay", ["Denis Tremblay"]),  # the name
        ("acericulteur", ["Luc Pelletier"]),  # the headline
        ("logo", ["Alice Gagnon"]),  # a skill
        ("wordpress", ["Denis Tremblay"]),  # the bio
        ("kamouraska", ["Luc Pelletier"]),  # the place
        ("bas-saint-laurent", ["Alice Gagnon", "Luc Pelletier"]),  # the place's region
        ("tremblay wordpress quebec", ["Denis Tremblay"]),  # one word in each of three fields
    ],
)
def test_every_field_is_searched_and_words_may_come_from_different_fields(people, q, expected):
    assert sorted(found(q)) == expected


def test_every_word_must_match(people):
    assert found("graphiste electricien") == []
    assert found("graphiste kamouraska") == ["Luc Pelletier"]


def test_a_word_in_the_headline_ranks_above_the_same_word_in_a_bio(people):
    names = found("graphiste")
    assert sorted(names[:2]) == ["Alice Gagnon", "Sophie Roy"]
    assert names[2:] == ["Luc Pelletier"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('"graphiste', ["Alice Gagnon", "Luc Pelletier", "Sophie Roy"]),
        ('"graphiste montreal"', ["Sophie Roy"]),
        ("graphiste*", ["Alice Gagnon", "Luc Pelletier", "Sophie Roy"]),
        ("^graphiste", ["Alice Gagnon", "Luc Pelletier", "Sophie Roy"]),
        ("graphiste -montreal", ["Sophie Roy"]),  # a minus is no "not"
        ("graphiste AND montreal", ["Sophie Roy"]),  # "and" is a stop word, not an operator
        ("graphiste OR electricien", []),  # "or" is a word to find, not an operator
        ("NEAR(graphiste montreal)", []),  # "near" too
        ("NOT graphiste", []),
        ("headline:graphiste", []),  # no column filters
        ("(graphiste", ["Alice Gagnon", "Luc Pelletier", "Sophie Roy"]),
        ("graphiste" + " graphiste" * 300, ["Alice Gagnon", "Luc Pelletier", "Sophie Roy"]),
    ],
)
def test_query_syntax_characters_are_plain_text(people, q, expected):
    assert sorted(found(q)) == expected


@pytest.mark.parametrize("q", ["!!!", "...", " - ", '"', "*", "()", "'", "«»", "🎨"])
def test_a_query_of_punctuation_only_finds_nobody_and_offers_to_drop_it(people, q):
    params = freelancer_search_params({"q": q})
    result = freelancer_search(params=params)
    assert result.objects == [] and result.total == 0
    assert [s["label"] for s in result.suggestions] == [f"Chercher sans les mots « {q.strip()} »"]
    assert result.suggestions[0]["query"] == ""  # the link drops the words and keeps nothing else


def test_an_empty_query_lists_everyone(people):
    assert len(found("")) == 6
    assert len(found("   ")) == 6


def test_very_long_and_odd_queries_are_answered(people):
    long_words = " ".join(f"mot{i}" for i in range(500))
    assert found(long_words) == []
    assert found("x" * 10_000) == []
    assert found("e\u0301lectricien") == ["Marc Bouchard"]  # "é" typed as e + combining accent


@pytest.fixture
def projects(backend):
    kamouraska, quebec = place("Kamouraska"), place("Québec")
    ProjectFactory(
        title="Logo pour une érablière",
        description="Une étiquette pour notre sirop d'érable.",
        municipality=kamouraska,
        skills=[SkillFactory(name="Logo")],
    )
    ProjectFactory(
        title="Boutique en ligne",
        description="Vendre nos fromages partout au Québec.",
        municipality=quebec,
        skills=[SkillFactory(name="Développement web")],
    )
    sync_index()


def project_titles(q: str) -> list[str]:
    result = project_search(params=project_search_params({"q": q}))
    return [card.title for card in result.objects]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("erabliere", ["Logo pour une érablière"]),
        ("ÉRABLIÈRE logo", ["Logo pour une érablière"]),
        ("logo kamouraska", ["Logo pour une érablière"]),  # title and place
        ("developpement web", ["Boutique en ligne"]),  # a skill
        ("fromages quebec", ["Boutique en ligne"]),  # the description and place
        ('"logo" NEAR -fromages', []),
    ],
)
def test_project_search_ignores_accents_and_capitals_too(projects, q, expected):
    assert project_titles(q) == expected


def test_the_search_page_finds_what_was_typed_without_accents(client, people):
    html = client.get(reverse("freelancer-search"), {"q": "developpeur web"}).content.decode()
    assert "1 pigiste trouvé" in html
    assert "Denis Tremblay" in html
    assert "<mark>Développeur</mark> <mark>web</mark>" in html
