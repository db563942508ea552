"""Reputation from reviews, as the freelancer's profile and the client's page show it."""

from decimal import Decimal

import pytest

from marketplace.common.errors import NotFound
from projects import selectors
from projects.models import PaidAsAgreed
from tests.factories import FreelancerProfileFactory, ProjectFactory, ReviewFactory, UserFactory

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded


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
