"""The database backend's full-text search: prefixes, and never a stale answer after an edit.

Runs on PostgreSQL in the main pass and on SQLite (FTS5 rows kept by the outbox) in the embedded pass.
"""

import pytest

from profiles.services import profile_save
from projects.services import project_create, project_update
from search.models import SearchOutboxEntry
from search.outbox import outbox_drain, outbox_record_profile
from search.params import freelancer_search_params, project_search_params
from search.selectors import freelancer_search, project_search
from tests.factories import FreelancerProfileFactory, SkillFactory, UserFactory

from .conftest import sync_index
from .factories import place

pytestmark = pytest.mark.embedded


@pytest.fixture(autouse=True)
def _database_backend(settings, db):
    settings.ELASTICSEARCH_URL = ""


def found(q: str) -> list[str]:
    result = freelancer_search(params=freelancer_search_params({"q": q}))
    return sorted(card.display_name for card in result.objects)


def titles(q: str) -> list[str]:
    return sorted(card.title for card in project_search(params=project_search_params({"q": q})).objects)


@pytest.fixture
def people():
    FreelancerProfileFactory(
        display_name="Sophie Roy",
        headline="Graphiste",
        municipality=place("Montréal"),
        skills=[SkillFactory(name="Design graphique")],
    )
    FreelancerProfileFactory(
        display_name="Denis Tremblay",
        headline="Développeur web",
        municipality=place("Québec"),
        skills=[SkillFactory(name="Développement web")],
    )
    sync_index()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("graph", ["Sophie Roy"]),  # the last word may be the start of a word
        ("developp", ["Denis Tremblay"]),
        ("développ", ["Denis Tremblay"]),
        ("graphiste mont", ["Sophie Roy"]),
        ("mont graphiste", []),  # only the last word: the others are whole words
        ("gr", []),  # too short to stand for the start of a word
    ],
)
def test_the_last_word_typed_matches_the_start_of_a_word(people, q, expected):
    assert found(q) == expected


def test_the_matched_start_of_a_word_is_highlighted(people):
    result = freelancer_search(params=freelancer_search_params({"q": "graph"}))
    assert result.objects[0].hit.highlights["headline"] == ["<mark>Graph</mark>iste"]


def test_an_edited_profile_is_found_by_its_new_words_at_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        profile_save(
            user=user,
            data={
                "display_name": "Nadia Ouellet",
                "headline": "Photographe",
                "skills": ["Photo de produits"],
                "municipality": place("Rimouski").pk,
            },
        )
    assert found("photographe rimouski") == ["Nadia Ouellet"]

    # No drain in between: the change is searchable as soon as it commits.
    with django_capture_on_commit_callbacks(execute=True):
        profile_save(
            user=user,
            data={"headline": "Vidéaste", "skills": ["Montage vidéo"], "municipality": place("Kamouraska").pk},
        )
    assert found("videaste") == ["Nadia Ouellet"]
    assert found("montage kamouraska") == ["Nadia Ouellet"]
    assert found("photographe") == []
    assert found("produits") == []
    assert found("rimouski") == []


def test_an_edited_project_is_found_by_its_new_words_at_once(django_capture_on_commit_callbacks):
    owner = UserFactory()
    data = {
        "title": "Logo pour une érablière",
        "description": "Une étiquette pour notre sirop.",
        "category": "design",
        "budget_type": "to_discuss",
        "municipality": place("Kamouraska").pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        project = project_create(owner=owner, data=data, publish=True)
    assert titles("erabliere") == ["Logo pour une érablière"]

    with django_capture_on_commit_callbacks(execute=True):
        project_update(user=owner, project_id=project.pk, data={"title": "Affiche pour une fromagerie"})
    assert titles("fromagerie") == ["Affiche pour une fromagerie"]
    assert titles("erabliere") == []
    assert titles("sirop kamouraska") == ["Affiche pour une fromagerie"]


def test_the_outbox_drain_brings_rows_written_behind_its_back_up_to_date():
    # A factory writes the row directly, as a bulk import would: the outbox entry brings it in.
    profile = FreelancerProfileFactory(display_name="Rémi Lévesque", headline="Ébéniste", municipality=place("Lévis"))
    outbox_record_profile(profile_id=profile.pk)

    assert outbox_drain().ok

    assert found("ebeniste levis") == ["Rémi Lévesque"]
    assert not SearchOutboxEntry.objects.exists()
