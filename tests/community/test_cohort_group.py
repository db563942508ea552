"""Registering for a cohort makes the member one of its group (its bulletin board); cancelling keeps them in it."""

import pytest

from community import selectors, services
from community.models import GroupAccess, GroupMembership, GroupMembershipStatus, GroupRole, Registration
from marketplace.common.errors import PermissionDenied
from tests.factories import EventFactory, GroupFactory, GroupMembershipFactory, UserFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def _cohort(seats=6, **kwargs):
    group = GroupFactory(**kwargs)
    organiser = UserFactory()
    GroupMembershipFactory(group=group, member=organiser, role=GroupRole.ORGANISER)
    services.cohort_configure(user=organiser, group_id=group.pk, seats=seats)
    group.refresh_from_db()
    EventFactory(group=group, capacity=None)
    return group, organiser


def _memberships(group, member):
    return list(GroupMembership.objects.filter(group=group, member=member).values_list("status", flat=True))


def test_registering_for_a_cohort_joins_its_group_and_its_bulletin_board():
    cohort, organiser = _cohort()
    member = UserFactory()

    services.cohort_register(user=member, group_id=cohort.pk)

    assert _memberships(cohort, member) == [GroupMembershipStatus.ACTIVE]
    # The board is theirs now: they write, and they read what the organiser writes.
    services.bulletin_post_create(user=member, group_id=cohort.pk, body="Bonjour la cohorte !")
    services.bulletin_post_create(user=organiser, group_id=cohort.pk, body="Bienvenue !")
    info = selectors.group_access_info(user=member, group=cohort)
    posts, _more = selectors.bulletin_posts(user=member, group=cohort, info=info)
    assert [post.body for post in posts] == ["Bienvenue !", "Bonjour la cohorte !"]
    assert [m.group for m in selectors.groups_of_member(user=member)] == [cohort]


def test_someone_on_the_waiting_list_joins_the_group_too():
    cohort, _organiser = _cohort(seats=6)
    members = [UserFactory() for _ in range(7)]

    for member in members:
        services.cohort_register(user=member, group_id=cohort.pk)

    assert Registration.objects.get(cohort=cohort, member=members[6]).status == "attente"
    assert _memberships(cohort, members[6]) == [GroupMembershipStatus.ACTIVE]


def test_an_existing_member_keeps_their_one_membership():
    cohort, _organiser = _cohort(access=GroupAccess.ON_REQUEST)
    member = GroupMembershipFactory(group=cohort).member

    services.cohort_register(user=member, group_id=cohort.pk)

    assert _memberships(cohort, member) == [GroupMembershipStatus.ACTIVE]


def test_a_pending_invitation_becomes_the_membership():
    cohort, organiser = _cohort()
    member = UserFactory()
    services.group_invite(user=organiser, group_id=cohort.pk, invitee=member.email)

    services.cohort_register(user=member, group_id=cohort.pk)

    assert _memberships(cohort, member) == [GroupMembershipStatus.ACTIVE]


def test_someone_the_organisers_removed_cannot_come_back_through_the_cohort():
    cohort, organiser = _cohort()
    member = UserFactory()
    services.group_join(user=member, group_id=cohort.pk)
    services.group_member_remove(user=organiser, group_id=cohort.pk, member_id=member.pk)

    with pytest.raises(PermissionDenied, match="seule une invitation vous y ramène"):
        services.cohort_register(user=member, group_id=cohort.pk)

    assert not Registration.objects.filter(member=member).exists()
    assert _memberships(cohort, member) == [GroupMembershipStatus.REMOVED]


def test_cancelling_the_registration_keeps_the_group_membership():
    cohort, _organiser = _cohort()
    member = UserFactory()
    services.cohort_register(user=member, group_id=cohort.pk)

    services.cohort_registration_cancel(user=member, group_id=cohort.pk)

    # Still on the board (they leave it with "Quitter le groupe", as any member).
    assert _memberships(cohort, member) == [GroupMembershipStatus.ACTIVE]
    services.bulletin_post_create(user=member, group_id=cohort.pk, body="Merci, je reviendrai !")
    services.group_leave(user=member, group_id=cohort.pk)
    assert _memberships(cohort, member) == [GroupMembershipStatus.LEFT]


def test_registering_again_after_leaving_the_group_joins_it_again():
    cohort, _organiser = _cohort()
    member = UserFactory()
    services.cohort_register(user=member, group_id=cohort.pk)
    services.cohort_registration_cancel(user=member, group_id=cohort.pk)
    services.group_leave(user=member, group_id=cohort.pk)

    services.cohort_register(user=member, group_id=cohort.pk)

    assert sorted(_memberships(cohort, member)) == [GroupMembershipStatus.ACTIVE, GroupMembershipStatus.LEFT]


def test_the_cohort_page_registers_and_shows_the_board(client):
    cohort, _organiser = _cohort()
    member = UserFactory()
    client.force_login(member)

    client.post(f"/groupes/{cohort.slug}/cohorte/inscription/")

    assert _memberships(cohort, member) == [GroupMembershipStatus.ACTIVE]
    page = client.get(f"/groupes/{cohort.slug}/")
    assert page.status_code == 200
    assert 'name="body"' in page.content.decode()  # the board's form: members write there
