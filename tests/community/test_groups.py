"""Groups: creating them, the three access modes, invitations and requests, the pages and the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from community import selectors, services
from community.models import Group, GroupAccess, GroupMembership, GroupRole
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from notifications.models import Notification
from notifications.texts import notification_text
from tests.factories import (
    FreelancerProfileFactory,
    GroupFactory,
    GroupMembershipFactory,
    MrcFactory,
    MunicipalityFactory,
    UserFactory,
)

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def _organised(access=GroupAccess.PUBLIC, **kwargs):
    organiser = UserFactory(name="Chantal Ouellet")
    group = GroupFactory(access=access, created_by=organiser, **kwargs)
    GroupMembershipFactory(group=group, member=organiser, role=GroupRole.ORGANISER)
    return group, organiser


def _status(group, user):
    membership = GroupMembership.objects.filter(group=group, member=user).order_by("-pk").first()
    return membership.status if membership else None


# --- Creating and editing -------------------------------------------------------------------------


def test_creating_a_group_makes_its_creator_the_organiser_and_places_it_in_the_municipality_s_mrc():
    user = UserFactory()
    mrc = MrcFactory(code="17", name="L'Islet")
    place = MunicipalityFactory(name="Saint-Jean-Port-Joli", mrc=mrc)

    group = services.group_create(
        user=user,
        data={
            "name": "Rendez-vous des travailleurs autonomes",
            "description": "Six rencontres sur la solitude et l'équilibre.",
            "access": "sur_demande",
            "organiser_kind": "chambre",
            "municipality": place.pk,
        },
    )

    assert group.slug == "rendez-vous-des-travailleurs-autonomes"
    assert (group.mrc, group.municipality, group.access, group.organiser_kind) == (mrc, place, "sur_demande", "chambre")
    membership = GroupMembership.objects.get(group=group)
    assert (membership.member, membership.role, membership.status) == (user, "organisateur", "actif")


def test_a_group_named_like_a_page_gets_another_address():
    group = services.group_create(user=UserFactory(), data={"name": "Nouveau"})
    assert group.slug == "nouveau-2"


def test_bad_group_input_is_refused_field_by_field_and_nothing_is_saved():
    with pytest.raises(ValidationFailed) as refused:
        services.group_create(
            user=UserFactory(),
            data={"name": "  ", "access": "secret", "organiser_kind": "banque", "municipality": 99999999, "mrc": "x"},
        )
    assert set(refused.value.errors) == {"name", "access", "organiser_kind", "municipality", "mrc"}
    assert refused.value.errors["name"] == ["Ce champ est obligatoire."]
    assert not Group.objects.exists()
    assert not GroupMembership.objects.exists()


def test_only_organisers_edit_a_group():
    group, organiser = _organised()
    member = GroupMembershipFactory(group=group).member

    with pytest.raises(PermissionDenied):
        services.group_update(user=member, group_id=group.pk, data={"name": "Pris"})
    services.group_update(user=organiser, group_id=group.pk, data={"description": "Nouvelle description"})

    group.refresh_from_db()
    assert (group.name != "Pris", group.description) == (True, "Nouvelle description")


# --- The three access modes -------------------------------------------------------------------------


def test_anyone_joins_a_public_group_at_once():
    group, _organiser = _organised(GroupAccess.PUBLIC)
    user = UserFactory()

    membership = services.group_join(user=user, group_id=group.pk)

    assert membership.status == "actif"
    with pytest.raises(Conflict, match="déjà membre"):
        services.group_join(user=user, group_id=group.pk)


def test_a_request_to_join_waits_for_the_organisers_who_are_told_and_the_answer_is_told_back():
    group, organiser = _organised(GroupAccess.ON_REQUEST, name="Coop des pigistes")
    user = UserFactory(name="Marc Pelletier")

    services.group_join(user=user, group_id=group.pk)

    assert _status(group, user) == "demande"
    asked = Notification.objects.get(recipient=organiser)
    assert asked.kind == "group_request"
    assert notification_text(asked).title == "Demande d'adhésion à « Coop des pigistes »"
    assert notification_text(asked).body.startswith("Marc Pelletier demande à rejoindre le groupe.")
    # Not a member yet: the board stays closed.
    with pytest.raises(PermissionDenied):
        services.bulletin_post_create(user=user, group_id=group.pk, body="Bonjour")

    services.group_request_answer(user=organiser, group_id=group.pk, member_id=user.pk, accept=True)

    assert _status(group, user) == "actif"
    answered = Notification.objects.filter(recipient=user).get()
    assert notification_text(answered).title == "Bienvenue dans « Coop des pigistes »"


def test_a_refused_request_is_told_and_cannot_be_made_again():
    group, organiser = _organised(GroupAccess.ON_REQUEST, name="Coop des pigistes")
    user = UserFactory()
    services.group_join(user=user, group_id=group.pk)

    services.group_request_answer(user=organiser, group_id=group.pk, member_id=user.pk, accept=False)

    assert _status(group, user) == "retire"
    assert (
        notification_text(Notification.objects.get(recipient=user)).title == "Demande refusée : « Coop des pigistes »"
    )
    with pytest.raises(PermissionDenied, match="seule une invitation"):
        services.group_join(user=user, group_id=group.pk)


def test_a_member_cannot_answer_requests():
    group, _organiser = _organised(GroupAccess.ON_REQUEST)
    member = GroupMembershipFactory(group=group).member
    asking = UserFactory()
    services.group_join(user=asking, group_id=group.pk)

    with pytest.raises(PermissionDenied):
        services.group_request_answer(user=member, group_id=group.pk, member_id=asking.pk, accept=True)
    assert _status(group, asking) == "demande"


def test_an_invitation_group_is_hidden_from_outsiders_and_joined_only_by_invitation():
    group, organiser = _organised(GroupAccess.INVITATION, name="Cercle privé")
    outsider, invited = UserFactory(), UserFactory()

    assert group not in selectors.group_list(user=outsider)
    with pytest.raises(NotFound):
        selectors.group_get_for_viewer(user=outsider, slug=group.slug)
    with pytest.raises(PermissionDenied, match="sur invitation"):
        services.group_join(user=outsider, group_id=group.pk)

    services.group_invite(user=organiser, group_id=group.pk, invitee=invited.email)

    note = Notification.objects.get(recipient=invited)
    assert (note.kind, notification_text(note).title) == ("group_invitation", "Invitation au groupe « Cercle privé »")
    assert group in selectors.group_list(user=invited)
    services.group_invitation_answer(user=invited, group_id=group.pk, accept=True)
    assert _status(group, invited) == "actif"
    assert _status(group, outsider) is None


def test_a_declined_invitation_ends_the_membership():
    group, organiser = _organised(GroupAccess.INVITATION)
    invited = UserFactory()
    services.group_invite(user=organiser, group_id=group.pk, invitee=invited.pk)

    services.group_invitation_answer(user=invited, group_id=group.pk, accept=False)

    assert _status(group, invited) == "parti"
    with pytest.raises(Conflict):
        services.group_invitation_answer(user=invited, group_id=group.pk, accept=True)


def test_inviting_an_unknown_address_or_a_member_is_refused():
    group, organiser = _organised()
    member = GroupMembershipFactory(group=group).member

    with pytest.raises(ValidationFailed, match="Aucun membre n'a ce courriel"):
        services.group_invite(user=organiser, group_id=group.pk, invitee="personne@exemple.qc.ca")
    with pytest.raises(Conflict, match="déjà membre"):
        services.group_invite(user=organiser, group_id=group.pk, invitee=member.email)
    with pytest.raises(PermissionDenied):
        services.group_invite(user=member, group_id=group.pk, invitee=UserFactory().pk)


def test_leaving_and_removing():
    group, organiser = _organised()
    leaving, removed = GroupMembershipFactory(group=group).member, GroupMembershipFactory(group=group).member

    services.group_leave(user=leaving, group_id=group.pk)
    services.group_member_remove(user=organiser, group_id=group.pk, member_id=removed.pk)

    assert (_status(group, leaving), _status(group, removed)) == ("parti", "retire")
    # Whoever left may come back; whoever was removed needs an invitation.
    services.group_join(user=leaving, group_id=group.pk)
    assert _status(group, leaving) == "actif"
    with pytest.raises(PermissionDenied):
        services.group_join(user=removed, group_id=group.pk)
    services.group_invite(user=organiser, group_id=group.pk, invitee=removed.pk)
    services.group_join(user=removed, group_id=group.pk)
    assert _status(group, removed) == "actif"


def test_the_last_organiser_cannot_leave_members_behind_nor_be_removed():
    group, organiser = _organised()
    GroupMembershipFactory(group=group)

    with pytest.raises(Conflict, match="dernier organisateur"):
        services.group_leave(user=organiser, group_id=group.pk)
    with pytest.raises(Conflict):
        services.group_member_remove(user=organiser, group_id=group.pk, member_id=organiser.pk)
    assert _status(group, organiser) == "actif"


# --- Pages ------------------------------------------------------------------------------------------


def test_group_list_filters_by_mrc_and_hides_invitation_groups(client):
    kamouraska, islet = MrcFactory(code="14", name="Kamouraska"), MrcFactory(code="17", name="L'Islet")
    GroupFactory(name="Pigistes du Kamouraska", mrc=kamouraska)
    GroupFactory(name="Pigistes de L'Islet", mrc=islet)
    GroupFactory(name="Cercle privé", mrc=islet, access=GroupAccess.INVITATION)

    everything = client.get(reverse("group-list")).content.decode()
    filtered = client.get(reverse("group-list"), {"mrc": islet.slug}).content.decode()

    assert "Pigistes du Kamouraska" in everything and "Pigistes de L&#x27;Islet" in everything
    assert "Cercle privé" not in everything
    assert "Pigistes de L&#x27;Islet" in filtered and "Pigistes du Kamouraska" not in filtered


def test_create_page_creates_the_group_and_shows_errors_in_place(client):
    user = UserFactory()
    client.force_login(user)

    refused = client.post(reverse("group-create"), {"name": "", "access": "public", "organiser_kind": "membre"})
    created = client.post(
        reverse("group-create"),
        {"name": "Coop des pigistes du Bas-Saint-Laurent", "access": "public", "organiser_kind": "cooperative"},
    )

    assert refused.status_code == 200 and "Ce champ est obligatoire." in refused.content.decode()
    group = Group.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse("group-detail", args=[group.slug])


def test_group_page_shows_the_members_directory_and_the_board_only_to_members(client):
    group, organiser = _organised(name="Pigistes du Kamouraska")
    profile = FreelancerProfileFactory(display_name="Julie Tremblay", headline="Graphiste et illustratrice")
    GroupMembershipFactory(group=group, member=profile.user)
    services.bulletin_post_create(user=organiser, group_id=group.pk, body="Souper de Noël le 12 décembre")
    visitor = UserFactory()

    client.force_login(visitor)
    outside = client.get(reverse("group-detail", args=[group.slug])).content.decode()
    client.force_login(profile.user)
    inside = client.get(reverse("group-detail", args=[group.slug])).content.decode()

    assert "Julie Tremblay" in outside and "Graphiste et illustratrice" in outside
    assert "Rejoindre le groupe" in outside
    assert "Souper de Noël" not in outside and "réservé aux membres" in outside
    assert "Souper de Noël le 12 décembre" in inside and "Quitter le groupe" in inside


def test_join_button_joins_and_the_request_button_asks(client):
    public, _ = _organised(GroupAccess.PUBLIC)
    on_request, _ = _organised(GroupAccess.ON_REQUEST)
    user = UserFactory()
    client.force_login(user)

    client.post(reverse("group-join", args=[public.slug]))
    client.post(reverse("group-join", args=[on_request.slug]))

    assert (_status(public, user), _status(on_request, user)) == ("actif", "demande")
    page = client.get(reverse("group-detail", args=[on_request.slug])).content.decode()
    assert "Demande envoyée" in page


def test_organiser_accepts_a_request_from_the_page(client):
    group, organiser = _organised(GroupAccess.ON_REQUEST)
    asking = UserFactory(name="Marc Pelletier")
    services.group_join(user=asking, group_id=group.pk)
    client.force_login(organiser)

    page = client.get(reverse("group-detail", args=[group.slug])).content.decode()
    client.post(reverse("group-request-answer", args=[group.slug, asking.pk]), {"answer": "accept"})

    assert "Marc Pelletier" in page and "Accepter" in page
    assert _status(group, asking) == "actif"


def test_my_groups_lists_groups_and_invitations(client):
    group, organiser = _organised(name="Pigistes du Kamouraska")
    invited_to, inviter = _organised(GroupAccess.INVITATION, name="Cercle privé")
    user = UserFactory()
    GroupMembershipFactory(group=group, member=user)
    services.group_invite(user=inviter, group_id=invited_to.pk, invitee=user.pk)
    client.force_login(user)

    page = client.get(reverse("group-mine")).content.decode()

    assert "Pigistes du Kamouraska" in page and "Cercle privé" in page and "Invitation à répondre" in page


# --- API --------------------------------------------------------------------------------------------


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_api_create_join_members_and_remove():
    organiser, member = UserFactory(), UserFactory(name="Marc Pelletier")

    created = _api(organiser).post(
        "/api/v1/groups/", {"name": "Coop des pigistes", "access": "sur_demande"}, format="json"
    )
    group_id = created.json()["id"]
    asked = _api(member).post(f"/api/v1/groups/{group_id}/join/")
    answered = _api(organiser).post(
        f"/api/v1/groups/{group_id}/members/{member.pk}/request/", {"accept": True}, format="json"
    )
    members = _api(member).get(f"/api/v1/groups/{group_id}/members/")
    removed = _api(organiser).delete(f"/api/v1/groups/{group_id}/members/{member.pk}/")

    assert created.status_code == 201 and created.json()["membership"] == {"status": "actif", "role": "organisateur"}
    assert asked.json()["membership"] == {"status": "demande", "role": "membre"}
    assert answered.json()["status"] == "actif"
    assert sorted(m["user"]["name"] for m in members.json()["results"]) == sorted(
        ["Marc Pelletier", organiser.public_name]
    )
    assert removed.status_code == 204


def test_api_refusals_say_why():
    group, organiser = _organised(GroupAccess.INVITATION)
    outsider = UserFactory()

    hidden = _api(outsider).get(f"/api/v1/groups/{group.pk}/")
    bad = _api(organiser).post("/api/v1/groups/", {"name": "", "access": "secret"}, format="json")
    not_organiser = _api(outsider).patch(f"/api/v1/groups/{_organised()[0].pk}/", {"name": "X"}, format="json")

    assert hidden.status_code == 404
    assert bad.status_code == 400
    assert not_organiser.status_code == 403
    assert not_organiser.json() == {"detail": "Seuls les organisateurs du groupe peuvent faire cela."}


def test_api_list_filters_by_mrc():
    islet = MrcFactory(code="17", name="L'Islet")
    GroupFactory(name="Pigistes de L'Islet", mrc=islet)
    GroupFactory(name="Pigistes du Kamouraska")

    listed = _api(UserFactory()).get("/api/v1/groups/", {"mrc": islet.slug})

    assert [g["name"] for g in listed.json()["results"]] == ["Pigistes de L'Islet"]
