"""Collective services: creating, inviting, answering, leaving, removing, roles; refusals change nothing."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError

from collectives import hooks, services
from collectives.models import Collective, CollectiveKind, CollectiveMembership, MemberRole, MembershipStatus
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from messaging.services import user_block
from notifications.models import Notification, NotificationKind
from tests.factories import FreelancerProfileFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.embedded


def _freelancer(name="Julie Tremblay"):
    return FreelancerProfileFactory(display_name=name).user


def _collective_of(admin, *members, name="Collectif du Kamouraska"):
    collective = services.collective_create(creator=admin, name=name, kind=CollectiveKind.COLLECTIVE)
    for member in members:
        invitation = services.member_invite(collective=collective, by=admin, member=member)
        services.invitation_answer(membership=invitation, by=member, accept=True)
    return collective


def _rows(collective):
    return list(
        CollectiveMembership.objects.filter(collective=collective)
        .order_by("pk")
        .values_list("member_id", "role", "status")
    )


# --- Creating ---------------------------------------------------------------------------------------------


def test_the_creator_becomes_the_admin_and_the_slug_comes_from_the_name(db):
    creator = _freelancer()
    place = MunicipalityFactory(name="Saint-Pascal")

    collective = services.collective_create(
        creator=creator,
        name="  Coop Créative du Kamouraska ",
        kind=CollectiveKind.COOPERATIVE,
        description="Design et rédaction.",
        municipality=place.pk,
    )

    assert collective.name == "Coop Créative du Kamouraska"
    assert collective.slug == "coop-creative-du-kamouraska"
    assert collective.municipality == place and collective.created_by == creator
    assert _rows(collective) == [(creator.pk, MemberRole.ADMIN, MembershipStatus.ACTIVE)]


def test_two_collectives_with_the_same_name_get_two_slugs_and_nouveau_is_reserved(db):
    first = services.collective_create(creator=_freelancer(), name="Les Pigistes")
    second = services.collective_create(creator=_freelancer(), name="Les pigistes!")
    reserved = services.collective_create(creator=_freelancer(), name="Nouveau")

    assert (first.slug, second.slug, reserved.slug) == ("les-pigistes", "les-pigistes-2", "nouveau-2")


def test_someone_without_a_freelancer_profile_cannot_create_a_collective(db):
    with pytest.raises(PermissionDenied) as refusal:
        services.collective_create(creator=UserFactory(), name="Collectif")

    assert "Créez d'abord votre profil de pigiste" in str(refusal.value.message)
    assert not Collective.objects.exists()


def test_a_collective_needs_a_name_a_known_kind_and_a_real_place(db):
    with pytest.raises(ValidationFailed) as refusal:
        services.collective_create(creator=_freelancer(), name="  ", kind="secte", municipality=999_999)

    assert refusal.value.errors == {
        "name": ["Ce champ est obligatoire."],
        "kind": ["Choisissez coopérative, collectif ou agence."],
        "municipality": ["Cette municipalité n'existe pas. Choisissez-la dans la liste."],
    }
    assert not Collective.objects.exists() and not CollectiveMembership.objects.exists()


def test_only_an_admin_updates_the_collective_and_the_slug_stays(db):
    admin, member = _freelancer(), _freelancer()
    collective = _collective_of(admin, member, name="Atelier")

    with pytest.raises(PermissionDenied):
        services.collective_update(collective=collective, by=member, data={"name": "Piraté"})
    services.collective_update(collective=collective, by=admin, data={"name": "Atelier du Fleuve"})

    collective.refresh_from_db()
    assert (collective.name, collective.slug) == ("Atelier du Fleuve", "atelier")


# --- Inviting ---------------------------------------------------------------------------------------------


def test_an_admin_invites_a_freelancer_who_is_told(db):
    admin, invitee = _freelancer("Anne Admin"), _freelancer("Ivan Invité")
    collective = services.collective_create(creator=admin, name="Atelier")

    membership = services.member_invite(collective=collective, by=admin, member=invitee)

    assert (membership.status, membership.role, membership.invited_by) == (
        MembershipStatus.INVITED,
        MemberRole.MEMBER,
        admin,
    )
    notification = Notification.objects.get(recipient=invitee)
    assert notification.kind == NotificationKind.COLLECTIVE_INVITATION
    assert notification.params == {"collective": "Atelier", "name": "Anne Admin"}
    assert notification.url == "/mon-profil/collectifs/"


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("self", Conflict, "Vous faites déjà partie de ce collectif."),
        ("not a freelancer", ValidationFailed, "n'a pas de profil de pigiste"),
        ("member", Conflict, "est déjà membre de ce collectif."),
        ("invited", Conflict, "est déjà invité·e"),
        ("blocked by them", PermissionDenied, "l'un de vous a bloqué l'autre"),
        ("blocked by me", PermissionDenied, "l'un de vous a bloqué l'autre"),
        ("by a plain member", PermissionDenied, "Seuls les administrateurs"),
        ("nobody", NotFound, "Aucun pigiste ne correspond"),
    ],
)
def test_bad_invitations_are_refused_and_nothing_changes(db, case, error, message):
    admin, member, other = _freelancer(), _freelancer(), _freelancer()
    collective = _collective_of(admin, member)
    by, invitee = admin, other
    if case == "self":
        invitee = admin
    elif case == "not a freelancer":
        invitee = UserFactory()
    elif case == "member":
        invitee = member
    elif case == "invited":
        services.member_invite(collective=collective, by=admin, member=other)
    elif case == "blocked by them":
        user_block(user=other, blocked_user_id=admin.pk)
    elif case == "blocked by me":
        user_block(user=admin, blocked_user_id=other.pk)
    elif case == "by a plain member":
        by = member
    elif case == "nobody":
        invitee = None
    before, notifications = _rows(collective), Notification.objects.count()

    with pytest.raises(error) as refusal:
        services.member_invite(collective=collective, by=by, member=invitee)

    assert message in str(refusal.value.message)
    assert _rows(collective) == before
    assert Notification.objects.count() == notifications


def test_someone_who_left_can_be_invited_again(db):
    admin, member = _freelancer(), _freelancer()
    collective = _collective_of(admin, member)
    services.member_leave(membership=CollectiveMembership.objects.get(member=member, status=MembershipStatus.ACTIVE))

    again = services.member_invite(collective=collective, by=admin, member=member)

    assert again.status == MembershipStatus.INVITED
    assert CollectiveMembership.objects.filter(collective=collective, member=member).count() == 2


# --- Answering --------------------------------------------------------------------------------------------


def test_accepting_joins_and_tells_the_admins_only(db):
    admin, second_admin, invitee = _freelancer("Anne"), _freelancer("Bruno"), _freelancer("Carole")
    collective = _collective_of(admin, second_admin)
    services.member_role_set(collective=collective, by=admin, member=second_admin, role=MemberRole.ADMIN)
    invitation = services.member_invite(collective=collective, by=admin, member=invitee)

    services.invitation_answer(membership=invitation, by=invitee, accept=True)

    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.ACTIVE and invitation.joined_at is not None
    joined = Notification.objects.filter(kind=NotificationKind.COLLECTIVE_JOINED, params__name="Carole")
    assert sorted(joined.values_list("recipient_id", flat=True)) == sorted([admin.pk, second_admin.pk])
    assert joined.first().url == f"/collectifs/{collective.slug}/"


def test_declining_keeps_the_row_as_refused_and_tells_nobody(db):
    admin, invitee = _freelancer(), _freelancer()
    collective = services.collective_create(creator=admin, name="Atelier")
    invitation = services.member_invite(collective=collective, by=admin, member=invitee)

    services.invitation_answer(membership=invitation, by=invitee, accept=False)

    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.DECLINED
    assert not Notification.objects.filter(kind=NotificationKind.COLLECTIVE_JOINED).exists()


def test_answering_twice_is_refused(db):
    admin, invitee = _freelancer(), _freelancer()
    collective = services.collective_create(creator=admin, name="Atelier")
    invitation = services.member_invite(collective=collective, by=admin, member=invitee)
    services.invitation_answer(membership=invitation, by=invitee, accept=True)

    with pytest.raises(Conflict) as refusal:
        services.invitation_answer(membership=invitation, by=invitee, accept=False)

    assert str(refusal.value.message) == "Vous avez déjà répondu à cette invitation."
    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.ACTIVE


def test_only_the_invitee_answers_their_invitation(db):
    admin, invitee = _freelancer(), _freelancer()
    collective = services.collective_create(creator=admin, name="Atelier")
    invitation = services.member_invite(collective=collective, by=admin, member=invitee)

    with pytest.raises(NotFound):
        services.invitation_answer(membership=invitation, by=admin, accept=True)

    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.INVITED


# --- Leaving ----------------------------------------------------------------------------------------------


def test_leaving_keeps_the_row_marked_left(db):
    admin, member = _freelancer(), _freelancer()
    collective = _collective_of(admin, member)
    membership = CollectiveMembership.objects.get(collective=collective, member=member)

    services.member_leave(membership=membership)

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LEFT and membership.left_at is not None
    assert membership.joined_at is not None


def test_the_last_admin_cannot_leave_members_behind(db):
    admin, member = _freelancer(), _freelancer()
    collective = _collective_of(admin, member)
    before = _rows(collective)

    with pytest.raises(Conflict) as refusal:
        services.member_leave(membership=CollectiveMembership.objects.get(collective=collective, member=admin))

    assert "nommez d'abord un autre membre administrateur" in str(refusal.value.message)
    assert _rows(collective) == before


def test_an_admin_may_leave_once_another_admin_is_named(db):
    admin, member = _freelancer(), _freelancer()
    collective = _collective_of(admin, member)
    services.member_role_set(collective=collective, by=admin, member=member, role=MemberRole.ADMIN)

    services.member_leave(membership=CollectiveMembership.objects.get(collective=collective, member=admin))

    assert _rows(collective) == [
        (admin.pk, MemberRole.ADMIN, MembershipStatus.LEFT),
        (member.pk, MemberRole.ADMIN, MembershipStatus.ACTIVE),
    ]


def test_a_collective_of_one_is_allowed_and_its_only_member_may_leave(db):
    admin = _freelancer()
    collective = services.collective_create(creator=admin, name="Solo")
    assert _rows(collective) == [(admin.pk, MemberRole.ADMIN, MembershipStatus.ACTIVE)]

    services.member_leave(membership=CollectiveMembership.objects.get(collective=collective))

    assert _rows(collective) == [(admin.pk, MemberRole.ADMIN, MembershipStatus.LEFT)]


def test_leaving_twice_is_refused(db):
    admin, member = _freelancer(), _freelancer()
    collective = _collective_of(admin, member)
    membership = CollectiveMembership.objects.get(collective=collective, member=member)
    services.member_leave(membership=membership)

    with pytest.raises(Conflict):
        services.member_leave(membership=membership)


# --- Removing and roles -----------------------------------------------------------------------------------


def test_an_admin_removes_a_member_and_the_row_stays(db):
    admin, member = _freelancer(), _freelancer()
    collective = _collective_of(admin, member)

    services.member_remove(collective=collective, by=admin, member=member)

    assert _rows(collective)[1] == (member.pk, MemberRole.MEMBER, MembershipStatus.REMOVED)


def test_a_plain_member_cannot_remove_anyone_nor_can_an_admin_remove_themself(db):
    admin, member, other = _freelancer(), _freelancer(), _freelancer()
    collective = _collective_of(admin, member, other)
    before = _rows(collective)

    with pytest.raises(PermissionDenied):
        services.member_remove(collective=collective, by=member, member=other)
    with pytest.raises(Conflict):
        services.member_remove(collective=collective, by=admin, member=admin)
    with pytest.raises(NotFound):
        services.member_remove(collective=collective, by=admin, member=_freelancer())

    assert _rows(collective) == before


@pytest.fixture
def open_joint_quote_check():
    """What projects registers: a member with lines on an open joint quote can't go."""
    busy: set[int] = set()

    def check(collective, member):
        if member.pk in busy:
            raise DjangoValidationError("Ce membre a encore des postes sur une soumission commune ouverte.")

    hooks.member_removal_check_register(check)
    yield busy
    hooks._member_removal_checks.remove(check)


def test_removing_or_leaving_with_lines_on_an_open_joint_quote_is_refused(db, open_joint_quote_check):
    admin, member = _freelancer(), _freelancer()
    collective = _collective_of(admin, member)
    open_joint_quote_check.add(member.pk)
    before = _rows(collective)

    with pytest.raises(Conflict) as refusal:
        services.member_remove(collective=collective, by=admin, member=member)
    with pytest.raises(Conflict):
        services.member_leave(membership=CollectiveMembership.objects.get(collective=collective, member=member))

    assert str(refusal.value.message) == "Ce membre a encore des postes sur une soumission commune ouverte."
    assert _rows(collective) == before


def test_withdrawing_an_invitation_skips_the_work_check(db, open_joint_quote_check):
    admin, invitee = _freelancer(), _freelancer()
    collective = services.collective_create(creator=admin, name="Atelier")
    services.member_invite(collective=collective, by=admin, member=invitee)
    open_joint_quote_check.add(invitee.pk)

    services.member_remove(collective=collective, by=admin, member=invitee)

    assert _rows(collective)[1] == (invitee.pk, MemberRole.MEMBER, MembershipStatus.REMOVED)


def test_roles_change_but_a_collective_never_loses_its_last_admin(db):
    admin, member = _freelancer(), _freelancer()
    collective = _collective_of(admin, member)

    with pytest.raises(Conflict) as refusal:
        services.member_role_set(collective=collective, by=admin, member=admin, role=MemberRole.MEMBER)
    assert "garde au moins un administrateur" in str(refusal.value.message)
    with pytest.raises(ValidationFailed):
        services.member_role_set(collective=collective, by=admin, member=member, role="roi")
    with pytest.raises(PermissionDenied):
        services.member_role_set(collective=collective, by=member, member=member, role=MemberRole.ADMIN)
    assert _rows(collective) == [
        (admin.pk, MemberRole.ADMIN, MembershipStatus.ACTIVE),
        (member.pk, MemberRole.MEMBER, MembershipStatus.ACTIVE),
    ]

    services.member_role_set(collective=collective, by=admin, member=member, role=MemberRole.ADMIN)
    services.member_role_set(collective=collective, by=member, member=admin, role=MemberRole.MEMBER)

    assert _rows(collective) == [
        (admin.pk, MemberRole.MEMBER, MembershipStatus.ACTIVE),
        (member.pk, MemberRole.ADMIN, MembershipStatus.ACTIVE),
    ]
