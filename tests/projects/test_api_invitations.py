"""/api/v1/invitations/: a client invites a freelancer to quote; the freelancer accepts or declines once."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification, NotificationKind
from projects.models import Invitation, InvitationStatus, ProjectStatus, Visibility
from projects.services import invitation_send
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

URL = "/api/v1/invitations/"


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def profile(freelancer):
    return freelancer.freelancer_profile


def invite(project, profile, message="") -> Invitation:
    return invitation_send(user=project.owner, project_id=project.pk, freelancer_profile_id=profile.pk, message=message)


# --- Sending --------------------------------------------------------------------------------------


def test_a_client_invites_a_freelancer_profile_on_their_open_project(owner, project, profile, freelancer):
    response = api_for(owner).post(
        URL,
        {"project": project.pk, "freelancer_profile": profile.pk, "message": "Votre portfolio m'a plu."},
        format="json",
    )

    assert response.status_code == 201, response.json()
    invitation = Invitation.objects.get(project=project, freelancer=freelancer)
    assert response.json() == {
        "id": invitation.pk,
        "project": {
            "id": project.pk,
            "title": "Site web pour la fromagerie",
            "status": "open",
            "quotes_due": project.quotes_due.isoformat(),
            "url": f"/projets/{project.pk}/",
        },
        "client": {"id": owner.pk, "name": "Fromagerie du Littoral"},
        "freelancer": {"id": freelancer.pk, "name": "Julie Gagnon", "profile_id": profile.pk},
        "message": "Votre portfolio m'a plu.",
        "status": "pending",
        "decline_reason": "",
        "answered_at": None,
        "created_at": response.json()["created_at"],
    }
    assert Notification.objects.filter(recipient=freelancer, kind=NotificationKind.INVITATION).count() == 1


def test_inviting_on_someone_elses_project_is_403_and_sends_nothing(project, profile, freelancer):
    stranger = UserFactory()

    response = api_for(stranger).post(URL, {"project": project.pk, "freelancer_profile": profile.pk}, format="json")

    assert response.status_code == 403
    assert response.json() == {"project": ["Vous ne pouvez inviter que sur vos propres projets."]}
    assert not Invitation.objects.exists()
    assert not Notification.objects.filter(recipient=freelancer).exists()


def test_an_unknown_profile_is_404(owner, project):
    response = api_for(owner).post(URL, {"project": project.pk, "freelancer_profile": 999999}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Ce profil de pigiste n'existe pas."}
    assert not Invitation.objects.exists()


def test_an_unknown_project_is_404(owner, profile):
    response = api_for(owner).post(URL, {"project": 999999, "freelancer_profile": profile.pk}, format="json")

    assert response.status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"status": ProjectStatus.CLOSED},
        {"status": ProjectStatus.AWARDED},
        {"status": ProjectStatus.DRAFT, "published_at": None},
        {"quotes_due": timezone.localdate() - datetime.timedelta(days=1)},
    ],
)
def test_a_project_no_longer_taking_quotes_is_409(owner, profile, change):
    project = ProjectFactory(owner=owner, **change)

    response = api_for(owner).post(URL, {"project": project.pk, "freelancer_profile": profile.pk}, format="json")

    assert response.status_code == 409
    assert response.json() == {"project": ["Ce projet ne reçoit plus de soumissions : choisissez un projet ouvert."]}
    assert not Invitation.objects.exists()


def test_inviting_the_same_freelancer_twice_is_409(owner, project, profile):
    api = api_for(owner)
    assert api.post(URL, {"project": project.pk, "freelancer_profile": profile.pk}, format="json").status_code == 201

    again = api.post(URL, {"project": project.pk, "freelancer_profile": profile.pk}, format="json")

    assert again.status_code == 409
    assert Invitation.objects.count() == 1


def test_inviting_oneself_is_409(project):
    own_profile = FreelancerProfileFactory(user=project.owner)

    response = api_for(project.owner).post(
        URL, {"project": project.pk, "freelancer_profile": own_profile.pk}, format="json"
    )

    assert response.status_code == 409
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"project": "abc", "freelancer_profile": 1}, "project"),
        ({"freelancer_profile": 1}, "project"),
        ({"project": 1}, "freelancer_profile"),
        ({"project": 1, "freelancer_profile": 0}, "freelancer_profile"),
        ({"project": 1, "freelancer_profile": 2**63}, "freelancer_profile"),
        ({"project": 1, "freelancer_profile": [1]}, "freelancer_profile"),
        ({"project": 1, "freelancer_profile": 1, "message": {"texte": "x"}}, "message"),
    ],
)
def test_malformed_fields_are_400_for_that_field(owner, body, field):
    response = api_for(owner).post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Invitation.objects.exists()


def test_a_message_too_long_is_400(owner, project, profile):
    response = api_for(owner).post(
        URL, {"project": project.pk, "freelancer_profile": profile.pk, "message": "x" * 2001}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["message"]
    assert not Invitation.objects.exists()


def test_a_body_that_is_not_json_is_400(owner):
    response = api_for(owner).post(URL, data="{pas du json", content_type="application/json")

    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_sending_is_rate_limited_like_the_invitation_page(owner, project, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation-send": "2/h"}
    api = api_for(owner)
    profiles = [FreelancerProfileFactory() for _ in range(3)]

    answers = [
        api.post(URL, {"project": project.pk, "freelancer_profile": p.pk}, format="json").status_code for p in profiles
    ]

    assert answers == [201, 201, 429]
    assert Invitation.objects.count() == 2


def test_signed_out_callers_get_401(project, profile):
    assert (
        APIClient().post(URL, {"project": project.pk, "freelancer_profile": profile.pk}, format="json").status_code
        == 401
    )
    assert APIClient().get(URL).status_code == 401


# --- Listing --------------------------------------------------------------------------------------


def test_the_client_lists_what_they_sent_and_the_freelancer_what_they_received(owner, project, profile, freelancer):
    sent = invite(project, profile)
    # The client is also a freelancer who was invited elsewhere.
    received_by_owner = invite(ProjectFactory(), FreelancerProfileFactory(user=owner))

    as_client = api_for(owner).get(URL, {"role": "client"}).json()
    as_freelancer = api_for(freelancer).get(URL, {"role": "freelancer"}).json()
    both = api_for(owner).get(URL).json()

    assert [i["id"] for i in as_client["results"]] == [sent.pk]
    assert [i["id"] for i in as_freelancer["results"]] == [sent.pk]
    assert {i["id"] for i in both["results"]} == {sent.pk, received_by_owner.pk}
    assert api_for(freelancer).get(URL, {"role": "client"}).json()["results"] == []


def test_others_see_none_of_them(project, profile):
    invite(project, profile)

    assert api_for(UserFactory()).get(URL).json()["count"] == 0


def test_the_list_filters_by_project(owner, project, profile):
    invite(project, profile)
    other = invite(ProjectFactory(owner=owner), profile)

    body = api_for(owner).get(URL, {"project": other.project_id}).json()

    assert [i["id"] for i in body["results"]] == [other.pk]


def test_an_invitation_to_a_project_hidden_by_moderation_leaves_the_freelancers_list(project, profile, freelancer):
    invitation = invite(project, profile)
    project.is_hidden = True
    project.save(update_fields=["is_hidden"])

    assert api_for(freelancer).get(URL).json()["count"] == 0
    assert api_for(freelancer).get(f"{URL}{invitation.pk}/").status_code == 404
    assert api_for(project.owner).get(f"{URL}{invitation.pk}/").status_code == 200


@pytest.mark.parametrize("query", [{"role": "admin"}, {"project": "abc"}])
def test_bad_list_filters_are_400(owner, query):
    response = api_for(owner).get(URL, query)

    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_one_invitation_is_visible_to_its_two_people_only(project, profile, freelancer):
    invitation = invite(project, profile, message="Bonjour")

    assert api_for(project.owner).get(f"{URL}{invitation.pk}/").json()["message"] == "Bonjour"
    assert api_for(freelancer).get(f"{URL}{invitation.pk}/").json()["id"] == invitation.pk
    assert api_for(UserFactory()).get(f"{URL}{invitation.pk}/").status_code == 404


# --- Answering ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "status"), [("accept", "accepted"), ("decline", "declined")])
def test_the_invited_freelancer_answers_once(project, profile, freelancer, action, status):
    invitation = invite(project, profile)
    api = api_for(freelancer)

    first = api.post(f"{URL}{invitation.pk}/{action}/")
    second = api.post(f"{URL}{invitation.pk}/{action}/")
    other_answer = api.post(f"{URL}{invitation.pk}/{'decline' if action == 'accept' else 'accept'}/")

    assert first.status_code == 200
    assert first.json()["status"] == status and first.json()["answered_at"] is not None
    assert second.status_code == other_answer.status_code == 409
    assert second.json() == {"detail": "Vous avez déjà répondu à cette invitation."}
    assert Invitation.objects.get(pk=invitation.pk).status == status


def test_only_the_invitee_answers(project, profile):
    invitation = invite(project, profile)

    by_client = api_for(project.owner).post(f"{URL}{invitation.pk}/decline/")
    by_stranger = api_for(FreelancerProfileFactory().user).post(f"{URL}{invitation.pk}/decline/")

    assert by_client.status_code == 403
    assert by_client.json() == {"detail": "Seul le pigiste invité peut répondre à cette invitation."}
    assert by_stranger.status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_an_unknown_invitation_is_404(freelancer):
    assert api_for(freelancer).post(f"{URL}999999/accept/").status_code == 404


def test_answering_once_the_project_is_closed_is_409(project, profile, freelancer):
    invitation = invite(project, profile)
    project.status = ProjectStatus.CANCELLED
    project.save(update_fields=["status"])

    response = api_for(freelancer).post(f"{URL}{invitation.pk}/accept/")

    assert response.status_code == 409
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_a_quote_answers_the_invitation(project, profile, freelancer):
    invitation = invite(project, profile)

    response = api_for(freelancer).post(
        f"/api/v1/projects/{project.pk}/quotes/",
        {"amount": "1200", "pricing": "fixed", "delivery_days": 10, "message": "Bonjour"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.answered_at is not None


def test_a_declined_invitation_still_opens_an_invite_only_project(owner, profile, freelancer):
    project = ProjectFactory(owner=owner, visibility=Visibility.INVITED)
    invitation = invite(project, profile)
    api = api_for(freelancer)
    api.post(f"{URL}{invitation.pk}/decline/")

    assert api.get(f"/api/v1/projects/{project.pk}/").status_code == 200


# --- The other actions of the project page and the dashboard ---------------------------------------


def test_the_owner_publishes_a_draft(owner):
    draft = ProjectFactory(owner=owner, status=ProjectStatus.DRAFT, published_at=None)
    api = api_for(owner)

    response = api.post(f"/api/v1/projects/{draft.pk}/publish/")

    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert api.post(f"/api/v1/projects/{draft.pk}/publish/").status_code == 409


def test_someone_else_cannot_publish_or_cancel(project):
    draft = ProjectFactory(owner=project.owner, status=ProjectStatus.DRAFT, published_at=None)
    stranger = api_for(UserFactory())

    assert stranger.post(f"/api/v1/projects/{draft.pk}/publish/").status_code == 404
    assert stranger.post(f"/api/v1/projects/{project.pk}/cancel/").status_code == 403
    assert APIClient().post(f"/api/v1/projects/{project.pk}/cancel/").status_code == 401
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN


def test_the_owner_cancels_and_bidders_are_declined(owner, project):
    quote = QuoteFactory(project=project)
    api = api_for(owner)

    response = api.post(f"/api/v1/projects/{project.pk}/cancel/")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    quote.refresh_from_db()
    assert quote.status == "declined"
    assert api.post(f"/api/v1/projects/{project.pk}/cancel/").status_code == 409


def test_my_projects_include_drafts_and_nobody_elses(owner, project):
    draft = ProjectFactory(owner=owner, status=ProjectStatus.DRAFT, published_at=None)
    ProjectFactory()

    body = api_for(owner).get("/api/v1/me/projects/").json()
    drafts = api_for(owner).get("/api/v1/me/projects/", {"status": "draft"}).json()

    assert [p["id"] for p in body["results"]] == [draft.pk, project.pk]
    assert [p["id"] for p in drafts["results"]] == [draft.pk]
    assert api_for(owner).get("/api/v1/me/projects/", {"status": "perdu"}).status_code == 400


def test_my_quotes_are_the_callers_own(freelancer, project):
    mine = QuoteFactory(project=project, freelancer=freelancer)
    QuoteFactory(project=project)

    body = api_for(freelancer).get("/api/v1/me/quotes/").json()

    assert [q["id"] for q in body["results"]] == [mine.pk]
    assert api_for(freelancer).get("/api/v1/me/quotes/", {"status": "accepted"}).json()["count"] == 0
    assert APIClient().get("/api/v1/me/quotes/").status_code == 401
