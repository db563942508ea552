"""Reads behind the public profile, the client page and the place autocomplete."""

from decimal import Decimal

import pytest

from marketplace.errors import NotFound
from profiles import selectors
from profiles.models import Municipality
from projects.models import PaidAsAgreed
from tests.factories import FreelancerProfileFactory, ProjectFactory, ReviewFactory, UserFactory

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


def test_freelancer_reviews_count_only_visible_reviews_from_clients(db):
    freelancer = FreelancerProfileFactory().user
    ReviewFactory(subject=freelancer, rating=5)
    ReviewFactory(subject=freelancer, rating=4)
    ReviewFactory(subject=freelancer, rating=1, is_hidden=True)
    ReviewFactory(subject=freelancer, rating=1, author_is_client=False, paid_as_agreed=PaidAsAgreed.YES)

    summary = selectors.freelancer_reviews(user_id=freelancer.pk)

    assert summary.count == 2
    assert summary.average == Decimal("4.5")
    assert sorted(r.rating for r in summary.reviews) == [4, 5]


def test_a_client_page_counts_freelancers_paid_as_agreed(db):
    client = UserFactory()
    for answer in [PaidAsAgreed.YES, PaidAsAgreed.YES, PaidAsAgreed.LATE, PaidAsAgreed.NO]:
        project = ProjectFactory(owner=client, status="completed")
        ReviewFactory(
            project=project,
            author=UserFactory(),
            subject=client,
            author_is_client=False,
            rating=4,
            paid_as_agreed=answer,
        )
    hidden_project = ProjectFactory(owner=client, status="completed")
    ReviewFactory(
        project=hidden_project,
        author=UserFactory(),
        subject=client,
        author_is_client=False,
        paid_as_agreed=PaidAsAgreed.NO,
        is_hidden=True,
    )
    ReviewFactory(subject=client, author_is_client=True, rating=1)  # A review of them as a freelancer: not counted.

    reputation = selectors.client_get(user_id=client.pk)

    assert (reputation.paid_as_agreed, reputation.paid_late, reputation.paid_answers) == (2, 1, 4)
    assert reputation.reviews.count == 4
    assert reputation.reviews.average == Decimal("4.0")
    assert reputation.projects_published == 5


def test_an_unknown_client_is_not_found(db):
    with pytest.raises(NotFound):
        selectors.client_get(user_id=424242)


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
