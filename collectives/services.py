"""Writes of the collectives app: creating a collective, inviting, answering, leaving, removing, roles.

Every change of membership locks the collective's row first: two admins acting at once (one demoting the
other, both leaving) are served one after the other, so a collective never ends up without an admin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from collectives import hooks
from collectives.models import Collective, CollectiveKind, CollectiveMembership, MemberRole, MembershipStatus
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.common.inputs import FieldErrors, clean_text
from notifications.models import NotificationKind
from notifications.services import notify
from profiles.models import FreelancerProfile, Municipality, User

MAX_NAME_LENGTH = 120
MAX_DESCRIPTION_LENGTH = 5000
COLLECTIVE_FIELDS = ("name", "kind", "description", "municipality")
# Slugs the collectives' own pages use (/collectifs/nouveau/): a collective named "Nouveau" gets "nouveau-2".
RESERVED_SLUGS = frozenset({"nouveau"})
CURRENT_STATUSES = (MembershipStatus.INVITED, MembershipStatus.ACTIVE)

EMAIL_OR_PROFILE = _("Indiquez l'adresse courriel ou le profil du pigiste à inviter.")
NOBODY_MATCHES = _("Aucun pigiste ne correspond. Vérifiez l'adresse ou le profil.")
NOT_A_MEMBER = _("Vous ne faites pas partie de ce collectif.")
UNKNOWN_KIND = _("Choisissez coopérative, collectif ou agence.")


# --- Input ------------------------------------------------------------------------------------------------


def _clean_municipality(value, *, errors: FieldErrors) -> Municipality | None:
    if value in (None, ""):
        return None
    if isinstance(value, Municipality):
        return value
    try:
        municipality_id = int(str(value).strip())
    except ValueError:
        municipality_id = None
    municipality = (
        Municipality.objects.filter(pk=municipality_id).first() if municipality_id and municipality_id > 0 else None
    )
    if municipality is None:
        errors.add("municipality", _("Cette municipalité n'existe pas. Choisissez-la dans la liste."))
    return municipality


def _clean_collective(data: Mapping[str, Any], *, partial: bool) -> dict:
    """The collective's fields from a form, the API or a call; with `partial`, only the keys given."""
    errors = FieldErrors()
    cleaned: dict[str, Any] = {}
    if not partial or "name" in data:
        cleaned["name"] = clean_text(
            data.get("name"), field="name", errors=errors, max_length=MAX_NAME_LENGTH, required=True
        )
    if not partial or "kind" in data:
        kind = data.get("kind") or CollectiveKind.COLLECTIVE
        if kind not in CollectiveKind.values:
            errors.add("kind", UNKNOWN_KIND)
        cleaned["kind"] = kind
    if not partial or "description" in data:
        cleaned["description"] = clean_text(
            data.get("description"), field="description", errors=errors, max_length=MAX_DESCRIPTION_LENGTH
        )
    if not partial or "municipality" in data:
        cleaned["municipality"] = _clean_municipality(data.get("municipality"), errors=errors)
    errors.raise_if_any()
    return cleaned


def _slug_base(name: str) -> str:
    base = slugify(name)[:120].strip("-") or "collectif"
    return f"{base}-2" if base in RESERVED_SLUGS else base


def _create_with_unique_slug(**fields) -> Collective:
    """Create the collective under the first free slug: "name", "name-2", "name-3"…

    The unique constraint decides, not a prior lookup: two collectives named alike at the same moment
    still get two slugs.
    """
    base = _slug_base(fields["name"])
    taken = set(Collective.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    number = 1
    while True:
        slug = base if number == 1 else f"{base}-{number}"
        number += 1
        if slug in taken or slug in RESERVED_SLUGS:
            continue
        try:
            with transaction.atomic():
                return Collective.objects.create(slug=slug, **fields)
        except IntegrityError:
            if not Collective.objects.filter(slug=slug).exists():
                raise


# --- Access -----------------------------------------------------------------------------------------------


def _locked(collective: Collective) -> Collective:
    """The collective's row, locked for the rest of the transaction (serialises membership changes)."""
    locked = Collective.objects.select_for_update().filter(pk=collective.pk).first()
    if locked is None:
        raise NotFound(_("Ce collectif n'existe pas."))
    return locked


def _current(collective: Collective, member) -> CollectiveMembership | None:
    """The member's invitation or active membership in the collective (at most one: a constraint says so)."""
    return (
        CollectiveMembership.objects.select_for_update()
        .filter(collective=collective, member=member, status__in=CURRENT_STATUSES)
        .first()
    )


def _require_admin(collective: Collective, user) -> None:
    is_admin = CollectiveMembership.objects.filter(
        collective=collective, member=user, status=MembershipStatus.ACTIVE, role=MemberRole.ADMIN
    ).exists()
    if not is_admin:
        raise PermissionDenied(_("Seuls les administrateurs du collectif peuvent faire cela."))


def _has_profile(user) -> bool:
    return FreelancerProfile.objects.filter(user=user).exists()


def _other_admins(collective: Collective, member) -> int:
    return (
        CollectiveMembership.objects.filter(
            collective=collective, status=MembershipStatus.ACTIVE, role=MemberRole.ADMIN
        )
        .exclude(member=member)
        .count()
    )


def _run_removal_checks(collective: Collective, member) -> None:
    """Projects' checks (lines on an open joint quote); a Django ValidationError becomes our refusal."""
    try:
        hooks.member_removal_checks(collective, member)
    except DjangoValidationError as error:
        # The member's work is the collective's current state, not the admin's input: a conflict (409).
        raise Conflict(" ".join(error.messages), code="member_has_work") from None


def _my_collectives_url() -> str:
    return reverse("my-collectives")


# --- Collectives ------------------------------------------------------------------------------------------


@transaction.atomic
def collective_create(
    *, creator: User, name: str, kind: str = CollectiveKind.COLLECTIVE, description: str = "", municipality=None
) -> Collective:
    """A new collective whose creator, a freelancer with a profile, is its first admin."""
    if not creator.is_authenticated or not _has_profile(creator):
        # Who they are, not what they typed: a refusal of the person (403), with where to fix it.
        raise PermissionDenied(
            _("Créez d'abord votre profil de pigiste : un collectif réunit des pigistes."),
            action_url=reverse("profile-edit"),
        )
    cleaned = _clean_collective(
        {"name": name, "kind": kind, "description": description, "municipality": municipality}, partial=False
    )
    collective = _create_with_unique_slug(created_by=creator, **cleaned)
    CollectiveMembership.objects.create(
        collective=collective,
        member=creator,
        role=MemberRole.ADMIN,
        status=MembershipStatus.ACTIVE,
        joined_at=timezone.now(),
    )
    hooks.collective_changed(collective_id=collective.pk)
    return collective


@transaction.atomic
def collective_update(*, collective: Collective, by: User, data: Mapping[str, Any]) -> Collective:
    """Change the collective's name, kind, description or place (the keys given); admins only.

    The slug stays: links already shared keep working after a rename.
    """
    collective = _locked(collective)
    _require_admin(collective, by)
    cleaned = _clean_collective({key: data[key] for key in COLLECTIVE_FIELDS if key in data}, partial=True)
    for field, value in cleaned.items():
        setattr(collective, field, value)
    collective.save()
    hooks.collective_changed(collective_id=collective.pk)
    return collective


# --- Members ----------------------------------------------------------------------------------------------


@transaction.atomic
def member_invite(*, collective: Collective, by: User, member: User | None) -> CollectiveMembership:
    """An admin invites a freelancer; the invitee is told and answers from « Mes collectifs »."""
    collective = _locked(collective)
    _require_admin(collective, by)
    if member is None or not member.is_active:
        raise NotFound(NOBODY_MATCHES)
    if member.pk == by.pk:
        raise Conflict(_("Vous faites déjà partie de ce collectif."), field="member")
    if not _has_profile(member):
        raise ValidationFailed(
            _("%(name)s n'a pas de profil de pigiste : seuls les pigistes peuvent rejoindre un collectif.")
            % {"name": member.public_name},
            field="member",
        )
    current = _current(collective, member)
    if current is not None:
        message = (
            _("%(name)s est déjà membre de ce collectif.")
            if current.status == MembershipStatus.ACTIVE
            else _("%(name)s est déjà invité·e : l'invitation attend sa réponse.")
        )
        raise Conflict(message % {"name": member.public_name}, field="member")
    if hooks.blocked_user_ids(user=by, among={member.pk}):
        raise PermissionDenied(_("Vous ne pouvez pas inviter cette personne : l'un de vous a bloqué l'autre."))
    membership = CollectiveMembership.objects.create(
        collective=collective,
        member=member,
        role=MemberRole.MEMBER,
        status=MembershipStatus.INVITED,
        invited_by=by,
    )
    notify(
        recipient=member,
        kind=NotificationKind.COLLECTIVE_INVITATION,
        params={"collective": collective.name, "name": by.public_name},
        url=_my_collectives_url(),
    )
    return membership


@transaction.atomic
def invitation_answer(*, membership: CollectiveMembership, by: User, accept: bool) -> CollectiveMembership:
    """The invitee accepts (joins as a member; the admins are told) or declines; only once."""
    collective = _locked(membership.collective)
    membership = CollectiveMembership.objects.select_for_update().filter(pk=membership.pk).first()
    if membership is None or membership.member_id != by.pk:
        raise NotFound(_("Cette invitation n'existe pas."))
    if membership.status != MembershipStatus.INVITED:
        raise Conflict(_("Vous avez déjà répondu à cette invitation."))
    if not accept:
        membership.status = MembershipStatus.DECLINED
        membership.save(update_fields=["status", "updated_at"])
        return membership
    membership.status = MembershipStatus.ACTIVE
    membership.joined_at = timezone.now()
    membership.save(update_fields=["status", "joined_at", "updated_at"])
    hooks.collective_changed(collective_id=collective.pk)
    admins = User.objects.filter(
        collective_memberships__collective=collective,
        collective_memberships__status=MembershipStatus.ACTIVE,
        collective_memberships__role=MemberRole.ADMIN,
    ).exclude(pk=by.pk)
    for admin in admins:
        notify(
            recipient=admin,
            kind=NotificationKind.COLLECTIVE_JOINED,
            params={"collective": collective.name, "name": by.public_name},
            url=reverse("collective-detail", args=[collective.slug]),
        )
    return membership


@transaction.atomic
def member_leave(*, membership: CollectiveMembership) -> CollectiveMembership:
    """The member leaves; the row stays (« parti ») so past joint work stays on both profiles.

    The last admin can't leave members behind without an admin; alone, they may leave.
    """
    collective = _locked(membership.collective)
    membership = CollectiveMembership.objects.select_for_update().filter(pk=membership.pk).first()
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        raise Conflict(NOT_A_MEMBER)
    if membership.role == MemberRole.ADMIN and not _other_admins(collective, membership.member_id):
        others = (
            CollectiveMembership.objects.filter(collective=collective, status=MembershipStatus.ACTIVE)
            .exclude(pk=membership.pk)
            .exists()
        )
        if others:
            raise Conflict(
                _(
                    "Vous êtes le dernier administrateur de ce collectif : nommez d'abord un autre membre "
                    "administrateur, puis quittez-le."
                ),
                code="last_admin",
            )
    # Leaving with lines still due on an open joint quote would leave the client without that work.
    _run_removal_checks(collective, membership.member)
    membership.status = MembershipStatus.LEFT
    membership.left_at = timezone.now()
    membership.save(update_fields=["status", "left_at", "updated_at"])
    hooks.collective_changed(collective_id=collective.pk)
    return membership


@transaction.atomic
def member_remove(*, collective: Collective, by: User, member: User) -> CollectiveMembership:
    """An admin removes a member (or withdraws an invitation); the row stays, marked « retiré »."""
    collective = _locked(collective)
    _require_admin(collective, by)
    if member.pk == by.pk:
        raise Conflict(_("Pour vous retirer vous-même, quittez le collectif."))
    membership = _current(collective, member)
    if membership is None:
        raise NotFound(_("Cette personne ne fait pas partie du collectif."))
    if membership.status == MembershipStatus.ACTIVE:
        _run_removal_checks(collective, member)
    membership.status = MembershipStatus.REMOVED
    membership.left_at = timezone.now()
    membership.save(update_fields=["status", "left_at", "updated_at"])
    hooks.collective_changed(collective_id=collective.pk)
    return membership


@transaction.atomic
def member_role_set(*, collective: Collective, by: User, member: User, role: str) -> CollectiveMembership:
    """An admin makes a member an admin or a plain member; the collective always keeps one admin."""
    collective = _locked(collective)
    _require_admin(collective, by)
    if role not in MemberRole.values:
        raise ValidationFailed(_("Choisissez administrateur ou membre."), field="role")
    membership = _current(collective, member)
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        raise NotFound(_("Cette personne ne fait pas partie du collectif."))
    if role == MemberRole.MEMBER and membership.role == MemberRole.ADMIN and not _other_admins(collective, member):
        raise Conflict(_("Un collectif garde au moins un administrateur : nommez-en d'abord un autre."))
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        hooks.collective_changed(collective_id=collective.pk)
    return membership
