"""Moderation hides a review: it leaves every page and the ratings, from the service or the admin alike."""

from decimal import Decimal

import pytest
from django.urls import reverse

from profiles.models import FreelancerProfile
from projects.models import PaidAsAgreed, Review
from projects.services import freelancer_rating_refresh, review_hide, review_show
from tests.factories import FreelancerProfileFactory, ProjectFactory, ReviewFactory, UserFactory

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded


@pytest.fixture
def rated_freelancer(db):
    """A freelancer with two clients' reviews: 5 stars and 1 star (average 3.00)."""
    profile = FreelancerProfileFactory(display_name="Julie Gagnon")
    ReviewFactory(subject=profile.user, rating=5, comment="Des photos superbes.")
    ReviewFactory(subject=profile.user, rating=1, comment="Injurieux et hors sujet.")
    freelancer_rating_refresh(user_id=profile.user_id)
    return profile


def _rating(profile: FreelancerProfile) -> tuple[Decimal | None, int]:
    profile.refresh_from_db()
    return profile.rating_average, profile.rating_count


def test_a_hidden_review_leaves_the_pages_and_the_rating(client, rated_freelancer):
    insult = Review.objects.get(comment="Injurieux et hors sujet.")

    changed = review_hide(review_ids=[insult.pk])

    assert changed == 1
    assert _rating(rated_freelancer) == (Decimal("5.00"), 1)
    profile_page = client.get(reverse("freelancer-detail", args=[rated_freelancer.pk])).content.decode()
    assert "Des photos superbes." in profile_page
    assert "Injurieux et hors sujet." not in profile_page
    assert "1 évaluation" in profile_page and "2 évaluations" not in profile_page
    project_page = client.get(reverse("project-detail", args=[insult.project_id])).content.decode()
    assert "Injurieux et hors sujet." not in project_page


def test_a_review_shown_again_counts_again(client, rated_freelancer):
    insult = Review.objects.get(comment="Injurieux et hors sujet.")
    review_hide(review_ids=[insult.pk])

    assert review_show(review_ids=[insult.pk]) == 1

    assert _rating(rated_freelancer) == (Decimal("3.00"), 2)
    profile_page = client.get(reverse("freelancer-detail", args=[rated_freelancer.pk])).content.decode()
    assert "Injurieux et hors sujet." in profile_page
    assert "2 évaluations" in profile_page


def test_hiding_a_hidden_review_changes_nothing(rated_freelancer):
    insult = Review.objects.get(comment="Injurieux et hors sujet.")
    review_hide(review_ids=[insult.pk])

    assert review_hide(review_ids=[insult.pk]) == 0

    assert _rating(rated_freelancer) == (Decimal("5.00"), 1)
    assert Review.objects.filter(is_hidden=True).count() == 1


def test_a_hidden_review_of_a_client_no_longer_counts_as_paid_as_agreed(client, db):
    owner = UserFactory()
    project = ProjectFactory(owner=owner, status="completed")
    review = ReviewFactory(
        project=project,
        author=FreelancerProfileFactory().user,
        subject=owner,
        author_is_client=False,
        paid_as_agreed=PaidAsAgreed.NO,
        comment="Jamais payé.",
    )

    review_hide(review_ids=[review.pk])

    page = client.get(reverse("client-detail", args=[owner.pk])).content.decode()
    assert "Jamais payé." not in page


def test_moderators_hide_and_show_reviews_from_the_admin(client, rated_freelancer):
    insult = Review.objects.get(comment="Injurieux et hors sujet.")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:projects_review_changelist")

    response = client.post(changelist, {"action": "hide_reviews", "_selected_action": [insult.pk]})

    assert response.status_code == 302
    assert Review.objects.get(pk=insult.pk).is_hidden is True
    assert _rating(rated_freelancer) == (Decimal("5.00"), 1)

    client.post(changelist, {"action": "show_reviews", "_selected_action": [insult.pk]})

    assert Review.objects.get(pk=insult.pk).is_hidden is False
    assert _rating(rated_freelancer) == (Decimal("3.00"), 2)
