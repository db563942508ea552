"""/api/v1/clients/{id}/: what the public client page shows, read by the same selector."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from projects.models import PaidAsAgreed, ProjectStatus
from tests.factories import FreelancerProfileFactory, ProjectFactory, ReviewFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def url(user_id: int) -> str:
    return f"/api/v1/clients/{user_id}/"


def _reviewed_client():
    owner = UserFactory(name="Fromagerie du Fjord")
    reviews = []
    for answer, rating in [(PaidAsAgreed.YES, 5), (PaidAsAgreed.YES, 4), (PaidAsAgreed.LATE, 3)]:
        reviews.append(
            ReviewFactory(
                project=ProjectFactory(owner=owner, status=ProjectStatus.COMPLETED, title=f"Projet payé {answer}"),
                author=FreelancerProfileFactory(display_name=f"Pigiste {rating}").user,
                subject=owner,
                author_is_client=False,
                rating=rating,
                paid_as_agreed=answer,
                comment="Client clair et respectueux.",
            )
        )
    ProjectFactory(owner=owner)  # open
    ProjectFactory(owner=owner, status=ProjectStatus.DRAFT, published_at=None)  # not published: not counted
    return owner, reviews


def test_the_api_gives_what_the_client_page_shows(client):
    owner, reviews = _reviewed_client()

    response = APIClient().get(url(owner.pk))
    page = client.get(reverse("client-detail", args=[owner.pk])).content.decode()

    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["name"], data["freelancer_profile"]) == (owner.pk, "Fromagerie du Fjord", None)
    assert data["projects_published"] == 4
    assert "4 projets publiés" in page
    assert (data["rating_average"], data["review_count"]) == ("4.0", 3)
    assert "<strong>4,0</strong> / 5 · 3 évaluations" in page
    assert data["paid"] == {"answers": 3, "as_agreed": 2, "late": 1}
    assert (
        "Réponses déclarées par les pigistes (historique, non vérifiées) : 2 oui, 1 en retard, sur 3 réponses." in page
    )
    newest = reviews[-1]
    assert data["reviews"][0] == {
        "id": newest.pk,
        "project": newest.project_id,
        "project_title": newest.project.title,
        "author": "Pigiste 3",
        "author_profile": newest.author.freelancer_profile.pk,
        "rating": 3,
        "comment": "Client clair et respectueux.",
        "paid_as_agreed": "late",
        "created_at": data["reviews"][0]["created_at"],
    }
    assert {r["author"] for r in data["reviews"]} == {"Pigiste 5", "Pigiste 4", "Pigiste 3"}
    assert all(name in page for name in ("Pigiste 5", "Pigiste 4", "Pigiste 3"))


def test_a_hidden_review_is_left_out_as_on_the_page(client):
    owner, reviews = _reviewed_client()
    reviews[0].is_hidden = True
    reviews[0].save()

    data = APIClient().get(url(owner.pk)).json()

    assert data["review_count"] == 2 and reviews[0].pk not in [r["id"] for r in data["reviews"]]
    assert data["paid"] == {"answers": 2, "as_agreed": 1, "late": 1}


def test_a_client_who_is_also_a_freelancer_links_to_their_public_profile():
    profile = FreelancerProfileFactory(display_name="Julie Graphiste")
    hidden = FreelancerProfileFactory(is_hidden=True)

    assert APIClient().get(url(profile.user_id)).json()["freelancer_profile"] == profile.pk
    assert APIClient().get(url(hidden.user_id)).json()["freelancer_profile"] is None


def test_an_unknown_or_closed_account_is_not_found(client):
    closed = UserFactory(is_active=False)

    for user_id in (closed.pk, 999_999):
        response = APIClient().get(url(user_id))
        assert response.status_code == 404
        assert client.get(reverse("client-detail", args=[user_id])).status_code == 404
    assert APIClient().get(url(closed.pk)).json() == {"detail": "Ce client n'existe pas."}
