"""Groups: creating and editing them, and every change of a membership (join, request, invite, answer, leave, remove).

A membership's life: `demande` (asked to join a group on request) or `invite` (an organiser invited)
becomes `actif`; it ends `parti` (left, or declined an invitation) or `retire` (removed by an
organiser, or a request refused). An ended row stays as history; joining again makes a new row (the
database allows one current membership per member and group). Someone an organiser removed or
refused can only come back by invitation.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from community.models import (
    Group,
    GroupAccess,
    GroupMembership,
    GroupMembershipStatus,
    GroupRole,
    OrganiserKind,
)
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.common.inputs import FieldErrors, clean_text, parse_int
from notifications.models import NotificationKind
from notifications.services import notify
from profiles.models import Mrc, Municipality, User

__all__ = [
    "GROUP_FIELDS",
    "group_create",
    "group_invitation_answer",
    "group_invite",
    "group_join",
    "group_leave",
    "group_member_remove",
    "group_membership_activate",
    "group_request_answer",
    "group_update",
    "group_was_removed",
]

GROUP_FIELDS = ("name", "description", "access", "organiser_kind", "mrc", "municipality")
# Addresses under /groupes/ that are pages, not groups (a group named "Nouveau" gets "nouveau-2").
RESERVED_SLUGS = frozenset({"nouveau", "mes-groupes"})
CURRENT = (GroupMembershipStatus.REQUESTED, GroupMembershipStatus.INVITED, GroupMembershipStatus.ACTIVE)


def _group_locked(group_id) -> Group:
    """The group under a row lock: membership changes of one group queue behind each other."""
    group = Group.objects.select_for_update().filter(pk=group_id).first() if _is_id(group_id) else None
    if group is None:
        raise NotFound(_("Ce groupe n'existe pas."))
    return group


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def _current(group: Group, member_id: int) -> GroupMembership | None:
    return GroupMembership.objects.filter(group=group, member_id=member_id, status__in=CURRENT).first()


def _organiser_check(group: Group, user) -> None:
    """Only the group's active organisers (and staff) manage it."""
    if user.is_staff:
        return
    if not GroupMembership.objects.filter(
        group=group, member=user, role=GroupRole.ORGANISER, status=GroupMembershipStatus.ACTIVE
    ).exists():
        raise PermissionDenied(_("Seuls les organisateurs du groupe peuvent faire cela."))


def _group_url(group: Group) -> str:
    return reverse("group-detail", args=[group.slug])


def _clean_group(data: dict, *, current: Group | None = None) -> dict:
    """Read and check a group's fields; every bad field reported at once. `current`: only the fields given change."""
    errors = FieldErrors()
    out: dict = {}

    def given(field):
        return current is None or field in data

    if given("name"):
        out["name"] = clean_text(data.get("name"), field="name", errors=errors, max_length=120, required=True)
    if given("description"):
        out["description"] = clean_text(data.get("description"), field="description", errors=errors, max_length=5000)
    if given("access"):
        access = data.get("access") or GroupAccess.PUBLIC
        if access not in GroupAccess.values:
            errors.add("access", _("Choisissez public, sur demande ou sur invitation."))
        out["access"] = access
    if given("organiser_kind"):
        kind = data.get("organiser_kind") or OrganiserKind.MEMBER
        if kind not in OrganiserKind.values:
            errors.add("organiser_kind", _("Choisissez qui organise le groupe dans la liste."))
        out["organiser_kind"] = kind
    municipality = None
    if given("municipality"):
        municipality_id = parse_int(data.get("municipality"), field="municipality", errors=errors)
        if municipality_id is not None:
            municipality = Municipality.objects.filter(pk=municipality_id).first() if _is_id(municipality_id) else None
            if municipality is None:
                errors.add("municipality", _("Cette municipalité n'existe pas. Choisissez-en une dans la liste."))
        out["municipality"] = municipality
    if given("mrc"):
        mrc_id = parse_int(data.get("mrc"), field="mrc", errors=errors)
        mrc = None
        if mrc_id is not None:
            mrc = Mrc.objects.filter(pk=mrc_id).first() if _is_id(mrc_id) else None
            if mrc is None:
                errors.add("mrc", _("Cette MRC n'existe pas. Choisissez-en une dans la liste."))
        out["mrc"] = mrc
    # A municipality names its MRC: a group placed in one is listed under that MRC.
    if municipality is not None and municipality.mrc_id:
        if out.get("mrc") is not None and out["mrc"].pk != municipality.mrc_id:
            errors.add("municipality", _("Cette municipalité n'est pas dans la MRC choisie."))
        elif "mrc" not in errors:
            out["mrc"] = municipality.mrc
    errors.raise_if_any()
    return out


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:120] or "groupe"
    slug, n = base, 1
    taken = Group.objects.exclude(pk=exclude_pk)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def group_create(*, user, data: dict) -> Group:
    """Create a group; its creator is its first organiser."""
    fields = _clean_group(data)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                group = Group.objects.create(
                    **fields, slug=_unique_slug(fields["name"]), created_by=user if user.is_authenticated else None
                )
                GroupMembership.objects.create(
                    group=group, member=user, role=GroupRole.ORGANISER, status=GroupMembershipStatus.ACTIVE
                )
                return group
        except IntegrityError:
            continue  # two groups of the same name at once: the slug is taken again with the next number
    raise Conflict(_("Un groupe du même nom vient d'être créé. Réessayez."))


@transaction.atomic
def group_update(*, user, group_id: int, data: dict) -> Group:
    """Change a group's description, access, place…; organisers only. The address (slug) stays."""
    group = _group_locked(group_id)
    _organiser_check(group, user)
    fields = _clean_group(data, current=group)
    for field, value in fields.items():
        setattr(group, field, value)
    group.save()
    return group


def _organisers(group: Group):
    return User.objects.filter(
        group_memberships__group=group,
        group_memberships__role=GroupRole.ORGANISER,
        group_memberships__status=GroupMembershipStatus.ACTIVE,
    )


def group_was_removed(*, group: Group, member_id: int) -> bool:
    """The member's last membership of the group ended by an organiser (removed, or a request refused)."""
    last = GroupMembership.objects.filter(group=group, member_id=member_id).order_by("-created_at", "-pk").first()
    return last is not None and last.status == GroupMembershipStatus.REMOVED


def group_membership_activate(*, group: Group, member) -> GroupMembership:
    """Make `member` an active member of `group` (the caller holds the group's lock and checked the access).

    A current invitation or request becomes the membership; an active one stays as it is.
    """
    membership = _current(group, member.pk)
    if membership is None:
        return GroupMembership.objects.create(group=group, member=member, status=GroupMembershipStatus.ACTIVE)
    if membership.status != GroupMembershipStatus.ACTIVE:
        membership.status = GroupMembershipStatus.ACTIVE
        membership.save(update_fields=["status", "updated_at"])
    return membership


@transaction.atomic
def group_join(*, user, group_id: int) -> GroupMembership:
    """Join a public group, ask to join one on request, or accept an invitation to any group."""
    group = _group_locked(group_id)
    membership = _current(group, user.pk)
    if membership is not None:
        if membership.status == GroupMembershipStatus.INVITED:
            return _invitation_accept(membership)
        if membership.status == GroupMembershipStatus.ACTIVE:
            raise Conflict(_("Vous êtes déjà membre de ce groupe."))
        raise Conflict(_("Votre demande est déjà envoyée ; les organisateurs y répondront."))
    if group.access == GroupAccess.INVITATION:
        raise PermissionDenied(_("Ce groupe est sur invitation : un·e organisateur·rice doit vous inviter."))
    if group_was_removed(group=group, member_id=user.pk):
        raise PermissionDenied(
            _("Les organisateurs vous ont retiré·e de ce groupe : seule une invitation vous y ramène.")
        )
    if group.access == GroupAccess.PUBLIC:
        return GroupMembership.objects.create(group=group, member=user, status=GroupMembershipStatus.ACTIVE)
    membership = GroupMembership.objects.create(group=group, member=user, status=GroupMembershipStatus.REQUESTED)
    for organiser in _organisers(group):
        notify(
            recipient=organiser,
            kind=NotificationKind.GROUP_REQUEST,
            params={"group": group.name, "name": user.public_name},
            url=_group_url(group),
        )
    return membership


def _invitation_accept(membership: GroupMembership) -> GroupMembership:
    membership.status = GroupMembershipStatus.ACTIVE
    membership.save(update_fields=["status", "updated_at"])
    return membership


@transaction.atomic
def group_invitation_answer(*, user, group_id: int, accept: bool) -> GroupMembership:
    """Accept or decline an invitation to a group."""
    group = _group_locked(group_id)
    membership = _current(group, user.pk)
    if membership is None or membership.status != GroupMembershipStatus.INVITED:
        raise Conflict(_("Vous n'avez pas d'invitation en attente pour ce groupe."))
    if accept:
        return _invitation_accept(membership)
    membership.status = GroupMembershipStatus.LEFT
    membership.save(update_fields=["status", "updated_at"])
    return membership


@transaction.atomic
def group_leave(*, user, group_id: int) -> GroupMembership:
    """Leave a group (or withdraw a request). The last organiser stays while other members remain."""
    group = _group_locked(group_id)
    membership = _current(group, user.pk)
    if membership is None:
        raise Conflict(_("Vous n'êtes pas membre de ce groupe."))
    if membership.role == GroupRole.ORGANISER and membership.status == GroupMembershipStatus.ACTIVE:
        active = GroupMembership.objects.filter(group=group, status=GroupMembershipStatus.ACTIVE)
        others_organise = active.filter(role=GroupRole.ORGANISER).exclude(pk=membership.pk).exists()
        if not others_organise and active.exclude(pk=membership.pk).exists():
            raise Conflict(
                _(
                    "Vous êtes le dernier organisateur ou la dernière organisatrice : invitez quelqu'un à organiser avant de partir."
                )
            )
    membership.status = GroupMembershipStatus.LEFT
    membership.save(update_fields=["status", "updated_at"])
    return membership


def _member_lookup(invitee) -> User:
    """A member by user id (API) or e-mail address (the page's form)."""
    if isinstance(invitee, User):
        return invitee
    found = None
    if _is_id(invitee):
        found = User.objects.filter(pk=invitee, is_active=True).first()
    elif isinstance(invitee, str) and invitee.strip():
        found = User.objects.filter(email__iexact=invitee.strip(), is_active=True).first()
    if found is None or getattr(found, "erased_at", None) is not None:
        raise ValidationFailed(_("Aucun membre n'a ce courriel. Invitez une personne déjà inscrite."), field="invitee")
    return found


@transaction.atomic
def group_invite(*, user, group_id: int, invitee) -> GroupMembership:
    """An organiser invites a member (by id or e-mail); a pending request is accepted instead."""
    group = _group_locked(group_id)
    _organiser_check(group, user)
    member = _member_lookup(invitee)
    membership = _current(group, member.pk)
    if membership is not None:
        if membership.status == GroupMembershipStatus.REQUESTED:
            return _request_accept(group, membership)
        if membership.status == GroupMembershipStatus.ACTIVE:
            raise Conflict(_("Cette personne est déjà membre du groupe."), field="invitee")
        raise Conflict(_("Cette personne est déjà invitée."), field="invitee")
    membership = GroupMembership.objects.create(group=group, member=member, status=GroupMembershipStatus.INVITED)
    notify(
        recipient=member,
        kind=NotificationKind.GROUP_INVITATION,
        params={"group": group.name, "name": user.public_name},
        url=_group_url(group),
    )
    return membership


def _request_accept(group: Group, membership: GroupMembership) -> GroupMembership:
    membership.status = GroupMembershipStatus.ACTIVE
    membership.save(update_fields=["status", "updated_at"])
    notify(
        recipient=membership.member,
        kind=NotificationKind.GROUP_REQUEST,
        params={"group": group.name, "answer": "accepted"},
        url=_group_url(group),
    )
    return membership


@transaction.atomic
def group_request_answer(*, user, group_id: int, member_id: int, accept: bool) -> GroupMembership:
    """An organiser accepts or refuses a request to join; the person is told either way."""
    group = _group_locked(group_id)
    _organiser_check(group, user)
    membership = _current(group, member_id) if _is_id(member_id) else None
    if membership is None or membership.status != GroupMembershipStatus.REQUESTED:
        raise Conflict(_("Cette demande n'est plus en attente."))
    if accept:
        return _request_accept(group, membership)
    membership.status = GroupMembershipStatus.REMOVED
    membership.save(update_fields=["status", "updated_at"])
    notify(
        recipient=membership.member,
        kind=NotificationKind.GROUP_REQUEST,
        params={"group": group.name, "answer": "refused"},
        url=reverse("group-list"),
    )
    return membership


@transaction.atomic
def group_member_remove(*, user, group_id: int, member_id: int) -> GroupMembership:
    """An organiser removes a member (or withdraws an invitation); organisers are not removed this way."""
    group = _group_locked(group_id)
    _organiser_check(group, user)
    membership = _current(group, member_id) if _is_id(member_id) else None
    if membership is None:
        raise NotFound(_("Cette personne n'est pas membre du groupe."))
    if membership.member_id == user.pk:
        raise Conflict(_("Pour partir vous-même, utilisez « Quitter le groupe »."))
    if membership.role == GroupRole.ORGANISER:
        raise Conflict(_("On ne retire pas un·e organisateur·rice du groupe."))
    membership.status = GroupMembershipStatus.REMOVED
    membership.save(update_fields=["status", "updated_at"])
    return membership
