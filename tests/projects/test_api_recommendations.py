"""/api/v1/: answer an invitation (quote, decline with a reason, recommend colleagues), recommend, invite from it."""

import pytest
from rest_framework.test import APIClient

from messaging.services import user_block
from notifications.models import Notification, NotificationKind
from projects.models import Invitation, InvitationStatus, ProjectStatus, Recommendation
from projects.services import invitation_send
from tests.factories import FreelancerProfileFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _answer(user, invitation, body):
    return api_for(user).post(f"/api/v1/invitations/{invitation.pk}/answer/", body, format="json")


def test_answer_quote_accepts(invitation, freelancer):
    response = _answer(freelancer, invitation, {"answer": "quote"})

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"


def test_answer_decline_keeps_the_reason_and_shows_it_to_the_client(invitation, freelancer, owner):
    response = _answer(freelancer, invitation, {"answer": "decline", "reason": "Trop loin pour moi."})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decline_reason"]) == ("declined", "Trop loin pour moi.")
    seen = api_for(owner).get(f"/api/v1/invitations/{invitation.pk}/").json()
    assert seen["decline_reason"] == "Trop loin pour moi."


def test_answer_unavailable_recommends_and_the_owner_lists_them(invitation, freelancer, owner, colleague, project):
    response = _answer(
        freelancer, invitation, {"answer": "unavailable", "colleagues": [colleague.pk], "note": "Très douée."}
    )

    assert response.status_code == 200 and response.json()["status"] == "unavailable"
    listed = api_for(owner).get(f"/api/v1/projects/{project.pk}/recommendations/")
    assert listed.status_code == 200
    [item] = listed.json()
    assert item["recommender"] == {"id": freelancer.pk, "name": "Julie Gagnon"}
    assert item["colleague"]["name"] == "Léa Bouchard"
    assert item["colleague"]["profile_id"] == colleague.pk
    assert item["colleague"]["headline"] == "Photographe culinaire"
    assert (item["note"], item["invitation"]) == ("Très douée.", None)


def test_only_the_owner_lists_the_recommendations(invitation, freelancer, colleague, project):
    _answer(freelancer, invitation, {"answer": "unavailable", "colleagues": [colleague.pk]})

    refused = api_for(freelancer).get(f"/api/v1/projects/{project.pk}/recommendations/")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Seul l'auteur du projet voit les recommandations."}
    assert api_for(UserFactory()).get("/api/v1/projects/999999/recommendations/").status_code == 404


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"answer": "maybe"}, "answer", None),
        ({}, "answer", None),
        ({"answer": "unavailable"}, "colleagues", "Choisissez au moins un collègue à recommander."),
        ({"answer": "unavailable", "colleagues": ["x"]}, "colleagues", None),
        (
            {"answer": "unavailable", "colleagues": [999999]},
            "colleagues",
            "Ce collègue n'a pas de profil de pigiste public : on ne peut pas le recommander.",
        ),
        ({"answer": "decline", "reason": "x" * 1001}, "reason", "1000 caractères au maximum (vous en avez 1001)."),
    ],
)
def test_bad_answers_are_400_with_a_message_and_change_nothing(invitation, freelancer, body, field, message):
    response = _answer(freelancer, invitation, body)

    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING
    assert not Recommendation.objects.exists()


def test_recommending_oneself_the_client_or_a_blocked_colleague_is_400(invitation, freelancer, owner, colleague):
    owner_profile = FreelancerProfileFactory(user=owner, display_name="Fromagerie du Littoral")
    user_block(user=colleague.user, blocked_user_id=freelancer.pk)

    for ids, message in (
        ([freelancer.freelancer_profile.pk], "Vous ne pouvez pas vous recommander vous-même."),
        ([owner_profile.pk], "Fromagerie du Littoral est le client de ce projet : on ne peut pas le lui recommander."),
        ([colleague.pk], "Vous ne pouvez pas recommander Léa Bouchard : un blocage existe entre vous."),
    ):
        response = _answer(freelancer, invitation, {"answer": "unavailable", "colleagues": ids})
        assert (response.status_code, response.json()) == (400, {"colleagues": [message]})
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING
    assert not Notification.objects.filter(kind=NotificationKind.RECOMMENDED).exists()


def test_answering_twice_or_after_the_project_closed_is_409(invitation, freelancer, project, colleague):
    assert _answer(freelancer, invitation, {"answer": "decline"}).status_code == 200
    again = _answer(freelancer, invitation, {"answer": "unavailable", "colleagues": [colleague.pk]})
    assert (again.status_code, again.json()) == (409, {"detail": "Vous avez déjà répondu à cette invitation."})

    other = FreelancerProfileFactory()
    late = invitation_send(user=project.owner, project_id=project.pk, freelancer_profile_id=other.pk)
    project.status = ProjectStatus.CLOSED
    project.save(update_fields=["status"])
    closed = _answer(other.user, late, {"answer": "quote"})
    assert (closed.status_code, closed.json()) == (409, {"detail": "Ce projet ne reçoit plus de soumissions."})
    assert not Recommendation.objects.exists()


def test_any_freelancer_recommends_an_open_project_once_per_colleague(project, other_freelancer, colleague):
    url = f"/api/v1/projects/{project.pk}/recommendations/"
    api = api_for(other_freelancer)

    first = api.post(url, {"colleagues": [colleague.pk], "note": "Pour toi"}, format="json")
    second = api.post(url, {"colleagues": [colleague.pk]}, format="json")

    assert first.status_code == 201
    assert [(r["colleague"]["id"], r["note"]) for r in first.json()] == [(colleague.user_id, "Pour toi")]
    assert (second.status_code, second.json()) == (
        400,
        {"colleagues": ["Vous avez déjà recommandé Léa Bouchard pour ce projet."]},
    )
    assert Notification.objects.filter(recipient=colleague.user, kind=NotificationKind.RECOMMENDED).count() == 1


def test_malformed_recommendations_are_400(project, other_freelancer):
    url = f"/api/v1/projects/{project.pk}/recommendations/"
    api = api_for(other_freelancer)

    assert api.post(url, {}, format="json").status_code == 400
    assert api.post(url, {"colleagues": "12"}, format="json").status_code == 400
    assert api.post(url, {"colleagues": [0]}, format="json").status_code == 400
    assert api.post(url, "pas du json", content_type="text/plain").status_code in (400, 415)
    assert not Recommendation.objects.exists()


def test_the_client_invites_a_recommended_colleague_and_again_is_not_an_error(invitation, freelancer, owner, colleague):
    _answer(freelancer, invitation, {"answer": "unavailable", "colleagues": [colleague.pk]})
    recommendation = Recommendation.objects.get()
    url = f"/api/v1/recommendations/{recommendation.pk}/invite/"

    first = api_for(owner).post(url)
    again = api_for(owner).post(url)
    by_other = api_for(freelancer).post(url)

    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["freelancer"]["id"] == colleague.user_id
    assert by_other.status_code == 404
    assert Recommendation.objects.get().invitation_id == first.json()["id"]
    assert Invitation.objects.filter(freelancer=colleague.user).count() == 1


def test_signed_out_callers_get_401(invitation, project):
    api = APIClient()
    assert (
        api.post(f"/api/v1/invitations/{invitation.pk}/answer/", {"answer": "quote"}, format="json").status_code == 401
    )
    assert api.get(f"/api/v1/projects/{project.pk}/recommendations/").status_code == 401
