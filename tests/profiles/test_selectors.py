"""Reads behind the public profile and the place autocomplete."""

import pytest

from marketplace.common.errors import NotFound
from profiles import selectors
from profiles.models import Municipality
from tests.factories import FreelancerProfileFactory, UserFactory

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded


def test_a_hidden_profile_is_not_found_except_for_its_owner_and_staff(db):
    profile = FreelancerProfileFactory(is_hidden=True)
    with pytest.raises(NotFound):
        selectors.freelancer_get(profile_id=profile.pk)
    with pytest.raises(NotFound):
        selectors.freelancer_get(profile_id=profile.pk, viewer=UserFactory())
    assert selectors.freelancer_get(profile_id=profile.pk, viewer=profile.user) == profile
    assert selectors.freelancer_get(profile_id=profile.pk, viewer=UserFactory(is_staff=True)) == profile


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("levis", "Lévis"),
        ("LÉVIS", "Lévis"),
        ("riviere-du", "Rivière-du-Loup"),
        ("quebec", "Québec"),
        ("montr", "Montréal"),
    ],
)
def test_place_search_ignores_accents_and_case_and_puts_big_places_first(places, query, first):
    results = selectors.municipality_search(q=query)
    assert results[0].name == first
    assert len(results) <= 10


def test_place_search_matches_the_start_of_any_word(places):
    names = [m.name for m in selectors.municipality_search(q="loup")]
    assert "Rivière-du-Loup" in names


def test_place_search_returns_ten_at_most_and_nothing_for_blank(places):
    assert len(selectors.municipality_search(q="saint")) == 10
    assert selectors.municipality_search(q="  ") == []
    assert Municipality.objects.count() > 500
