"""The search pages as visitors see them."""

import re

import pytest
from django.urls import reverse

from projects.models import ProjectStatus, Visibility
from search.models import SavedSearch
from tests.factories import FreelancerProfileFactory, ProjectFactory, SkillFactory, UserFactory

from .conftest import sync_index
from .factories import place


@pytest.fixture
def listed(backend):
    design = SkillFactory(name="Design graphique")
    FreelancerProfileFactory(
        display_name="Alice <b>Tremblay</b>", headline="Graphiste", municipality=place("Rimouski"), skills=[design]
    )
    ProjectFactory(title="Logo pour une boulangerie", skills=[design])
    ProjectFactory(title="Logo brouillon secret", status=ProjectStatus.DRAFT, published_at=None)
    ProjectFactory(title="Logo sur invitation", visibility=Visibility.INVITED)
    sync_index()


def test_freelancer_page_shows_results_facets_and_escapes_text(client, listed):
    rdl = place("Rivière-du-Loup")
    response = client.get(reverse("freelancer-search"), {"q": "graphiste", "near": rdl.pk, "radius_km": "200"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alice &lt;b&gt;Tremblay&lt;/b&gt;" in html
    assert "<mark>Graphiste</mark>" in html
    assert "1 pigiste trouvé" in html
    assert "102 km" in html
    assert 'value="Rivière-du-Loup"' in html  # the municipality box shows the chosen name
    assert 'Design graphique</a> <span class="count">1</span>' in html


def test_project_page_never_lists_drafts_or_invitations_of_others(client, listed):
    html = client.get(reverse("project-search"), {"q": "logo"}).content.decode()
    assert "<mark>Logo</mark> pour une boulangerie" in html
    assert "brouillon secret" not in html and "Logo sur invitation" not in html


def test_bad_input_on_the_page_is_a_400_with_the_message(client, listed):
    response = client.get(reverse("freelancer-search"), {"radius_km": "-4", "near": place("Rimouski").pk})
    assert response.status_code == 400
    assert "Le rayon doit être plus grand que 0 km." in response.content.decode()


def test_empty_page_suggests_broadening(client, listed):
    html = client.get(reverse("project-search"), {"q": "astronaute"}).content.decode()
    assert "Aucun projet ouvert ne correspond à cette recherche." in html
    assert "Chercher sans les mots « astronaute »" in html


def test_freelancer_saves_a_search_from_the_page(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("saved-search-create"), {"query": "q=logo&remote=1", "frequency": "immediate", "name": ""}
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=user)
    assert (saved.query, saved.frequency, saved.name) == ("q=logo&remote=1", "immediate", "« logo », à distance")
    html = client.get(reverse("project-search")).content.decode()
    assert "« logo », à distance" in html
    refused = client.post(
        reverse("saved-search-create"), {"query": "q=logo&remote=1", "frequency": "daily"}, follow=True
    )
    assert "Cette recherche est déjà sauvegardée." in refused.content.decode()
    assert SavedSearch.objects.filter(user=user).count() == 1


def heading_levels(html: str) -> list[int]:
    """The levels of the page's headings, in document order (h1 → 1)."""
    return [int(level) for level in re.findall(r"<h([1-6])\b", html)]


@pytest.mark.parametrize(
    ("url_name", "query", "logged_in"),
    [
        ("freelancer-search", {"q": "graphiste"}, False),
        ("freelancer-search", {}, True),
        ("project-search", {"q": "logo"}, False),
        ("project-search", {}, True),
        ("project-search", {"q": "astronaute"}, True),
    ],
)
def test_search_page_headings_go_down_one_level_at_a_time(client, listed, url_name, query, logged_in):
    if logged_in:
        user = UserFactory()
        SavedSearch.objects.create(user=user, name="Logos", query="q=logo")
        client.force_login(user)
    levels = heading_levels(client.get(reverse(url_name), query).content.decode())
    assert levels[0] == 1
    # axe's heading-order rule: never skip a level going down (h1 then h3 is the fault it found).
    assert all(after <= before + 1 for before, after in zip(levels, levels[1:], strict=False)), levels
    if query.get("q") != "astronaute":
        assert 3 in levels  # the facet groups are there, under their heading
