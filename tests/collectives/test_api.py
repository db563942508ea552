"""The collectives API: the same rules as the pages, in JSON."""

import pytest
from rest_framework.test import APIClient

from collectives import services
from collectives.models import Collective, CollectiveMembership, MemberRole, MembershipStatus
from messaging.services import user_block
from tests.api import api_as
from tests.factories import FreelancerProfileFactory, MrcFactory, MunicipalityFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.embedded


def _world():
    admin = FreelancerProfileFactory(display_name="Anne Admin", skills=[SkillFactory(name="Design")])
    member = FreelancerProfileFactory(display_name="Bruno Membre")
    place = MunicipalityFactory(name="Saint-Pascal", mrc=MrcFactory(code="14", name="Kamouraska"))
    collective = services.collective_create(creator=admin.user, name="Atelier KC", municipality=place)
    invitation = services.member_invite(collective=collective, by=admin.user, member=member.user)
    services.invitation_answer(membership=invitation, by=member.user, accept=True)
    return collective, admin, member


def test_anyone_lists_and_reads_collectives(db):
    collective, admin, member = _world()
    api = APIClient()

    listing = api.get("/api/v1/collectives/", {"mrc": "kamouraska"}).json()
    detail = api.get(f"/api/v1/collectives/{collective.slug}/").json()
    members = api.get(f"/api/v1/collectives/{collective.slug}/members/").json()

    assert listing["count"] == 1 and listing["results"][0]["slug"] == "atelier-kc"
    assert detail["name"] == "Atelier KC" and detail["skills"] == ["Design"] and detail["members_count"] == 2
    assert detail["municipality"]["label"] == "Saint-Pascal — Kamouraska, Bas-Saint-Laurent"
    assert [(m["name"], m["role"], m["profile_id"]) for m in members] == [
        ("Anne Admin", "admin", admin.pk),
        ("Bruno Membre", "membre", member.pk),
    ]
    assert api.get("/api/v1/collectives/personne/").status_code == 404


def test_a_freelancer_creates_and_an_admin_updates(db):
    profile = FreelancerProfileFactory()
    api = api_as(profile.user)

    created = api.post("/api/v1/collectives/", {"name": "Coop du Quai", "kind": "cooperative"})
    assert created.status_code == 201 and created.json()["slug"] == "coop-du-quai"

    updated = api.patch("/api/v1/collectives/coop-du-quai/", {"description": "Photo et vidéo."})
    assert updated.status_code == 200 and updated.json()["description"] == "Photo et vidéo."
    assert (
        api_as(FreelancerProfileFactory().user).patch("/api/v1/collectives/coop-du-quai/", {"name": "X"}).status_code
        == 403
    )


def test_creating_without_a_profile_or_a_name_is_refused(db):
    response = api_as(UserFactory()).post("/api/v1/collectives/", {"name": "Atelier"})
    assert response.status_code == 403 and "Créez d'abord votre profil de pigiste" in response.json()["detail"]
    assert APIClient().get("/api/v1/collectives/", {"kind": ""}).status_code == 400
    assert APIClient().get("/api/v1/collectives/", {"kind": "secte"}).json() == {
        "kind": ["Choisissez coopérative, collectif ou agence."]
    }

    response = api_as(FreelancerProfileFactory().user).post("/api/v1/collectives/", {"name": "  "})
    assert response.status_code == 400 and response.json() == {"name": ["Ce champ est obligatoire."]}
    assert not Collective.objects.exists()


def test_invite_answer_role_remove_and_leave(db):
    collective, admin, member = _world()
    invitee = FreelancerProfileFactory(user__email="carole@exemple.qc.ca")
    base = f"/api/v1/collectives/{collective.slug}"

    invited = api_as(admin.user).post(f"{base}/invitations/", {"email": "carole@exemple.qc.ca"})
    assert invited.status_code == 201 and invited.json()["status"] == "invite"

    mine = api_as(invitee.user).get("/api/v1/me/collectives/").json()
    assert [(row["collective"]["slug"], row["status"], row["invited_by"]) for row in mine] == [
        (collective.slug, "invite", "Anne Admin")
    ]
    answered = api_as(invitee.user).post(
        f"/api/v1/me/collective-invitations/{invited.json()['id']}/answer/", {"accept": True}
    )
    assert answered.status_code == 200 and answered.json()["status"] == "actif"
    again = api_as(invitee.user).post(
        f"/api/v1/me/collective-invitations/{invited.json()['id']}/answer/", {"accept": False}
    )
    assert again.status_code == 409

    role = api_as(admin.user).put(f"{base}/members/{member.user_id}/role/", {"role": "admin"})
    assert role.status_code == 200 and role.json()["role"] == "admin"
    assert api_as(admin.user).delete(f"{base}/members/{invitee.user_id}/").status_code == 204
    assert api_as(admin.user).post(f"{base}/leave/").status_code == 200
    assert list(
        CollectiveMembership.objects.filter(collective=collective).order_by("pk").values_list("status", "role")
    ) == [
        (MembershipStatus.LEFT, MemberRole.ADMIN),
        (MembershipStatus.ACTIVE, MemberRole.ADMIN),
        (MembershipStatus.REMOVED, MemberRole.MEMBER),
    ]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"email": "personne@exemple.qc.ca"}, 404, "Aucun pigiste ne correspond"),
        ({"profile_id": 0}, 404, "Aucun pigiste ne correspond"),
        ({}, 400, "Indiquez l'adresse courriel ou le profil"),
        ({"email": 12}, 400, "Un texte est attendu."),
    ],
)
def test_bad_invitations_answer_their_status(db, body, status, message):
    collective, admin, _member = _world()

    response = api_as(admin.user).post(f"/api/v1/collectives/{collective.slug}/invitations/", body, format="json")

    assert response.status_code == status and message in str(response.json())
    assert CollectiveMembership.objects.filter(collective=collective).count() == 2


def test_inviting_a_member_a_blocked_person_or_as_a_plain_member_is_refused(db):
    collective, admin, member = _world()
    blocked = FreelancerProfileFactory()
    user_block(user=blocked.user, blocked_user_id=admin.user_id)
    url = f"/api/v1/collectives/{collective.slug}/invitations/"

    already = api_as(admin.user).post(url, {"profile_id": member.pk})
    assert already.status_code == 409 and already.json() == {
        "member": ["Bruno Membre est déjà membre de ce collectif."]
    }
    assert api_as(admin.user).post(url, {"profile_id": blocked.pk}).status_code == 403
    assert api_as(member.user).post(url, {"profile_id": blocked.pk}).status_code == 403
    assert CollectiveMembership.objects.filter(collective=collective).count() == 2


def test_the_last_admin_leaving_is_a_conflict(db):
    collective, admin, _member = _world()

    response = api_as(admin.user).post(f"/api/v1/collectives/{collective.slug}/leave/")

    assert response.status_code == 409 and "nommez d'abord un autre membre administrateur" in response.json()["detail"]
    assert api_as(UserFactory()).post(f"/api/v1/collectives/{collective.slug}/leave/").status_code == 404
    assert APIClient().post(f"/api/v1/collectives/{collective.slug}/leave/").status_code == 401
