"""Loi 25 for groups: a member's groups, memberships and posts in their export; erasing keeps others' threads."""

import pytest
from django.utils import translation

from community import services
from community.models import Group, GroupMembership, Post
from notifications.models import Notification
from notifications.texts import notification_text
from privacy.services import account_purge, data_export_collect
from tests.factories import GroupFactory, GroupMembershipFactory, UserFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def test_the_export_holds_the_member_s_groups_memberships_and_posts():
    user = UserFactory()
    created = services.group_create(user=user, data={"name": "Coop des pigistes"})
    other = GroupFactory(name="Pigistes du Kamouraska")
    GroupMembershipFactory(group=other, member=user)
    services.bulletin_post_create(user=user, group_id=other.pk, body="Bonjour <b>tous</b>")

    data, files = data_export_collect(user=user)

    assert files == [] or all(not path.startswith("groupes") for path, _f in files)
    assert [g["name"] for g in data["groupes_crees"]] == [created.name]
    assert sorted((m["group"], m["role"]) for m in data["adhesions_aux_groupes"]) == [
        ("Coop des pigistes", "organisateur"),
        ("Pigistes du Kamouraska", "membre"),
    ]
    assert [(p["group"], p["body"]) for p in data["messages_du_babillard"]] == [
        ("Pigistes du Kamouraska", "Bonjour <b>tous</b>")
    ]


def test_erasing_blanks_posts_keeps_replies_and_drops_memberships():
    group = GroupFactory()
    leaving, staying = UserFactory(), UserFactory()
    for user in (leaving, staying):
        GroupMembershipFactory(group=group, member=user)
    post = services.bulletin_post_create(user=leaving, group_id=group.pk, body="Mon numéro : 418 555-0199")
    reply = services.bulletin_post_create(user=staying, group_id=group.pk, body="Merci !", parent_id=post.pk)
    created = services.group_create(user=leaving, data={"name": "Mon groupe"})

    account_purge(user_id=leaving.pk)

    post.refresh_from_db()
    assert post.body == ""
    assert Post.objects.get(pk=reply.pk).body == "Merci !"
    assert not GroupMembership.objects.filter(member=leaving).exists()
    assert Group.objects.get(pk=created.pk).created_by is None


@pytest.mark.parametrize(
    ("language", "invitation", "asked"),
    [
        ("fr-ca", "Invitation au groupe « Cercle »", "Demande d'adhésion à « Cercle »"),
        ("en", "Invitation to the group “Cercle”", "Request to join “Cercle”"),
    ],
)
def test_group_notifications_read_in_french_and_english(language, invitation, asked):
    organiser, asking, invited = UserFactory(), UserFactory(name="Marc"), UserFactory()
    group = services.group_create(user=organiser, data={"name": "Cercle", "access": "sur_demande"})
    services.group_join(user=asking, group_id=group.pk)
    services.group_invite(user=organiser, group_id=group.pk, invitee=invited.pk)

    with translation.override(language):
        invitation_title = notification_text(Notification.objects.get(recipient=invited)).title
        request_text = notification_text(Notification.objects.get(recipient=organiser))

    assert invitation_title == invitation
    assert request_text.title == asked
    assert request_text.body.startswith("Marc ")
