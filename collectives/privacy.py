"""The collectives side of a member's privacy rights (Loi 25): their memberships and invitations in a data
export, and what erasing their account does to them.

Called by privacy.services only (the Loi 25 app, above every app) through `export_data` and `erase`.
"""

from __future__ import annotations

from django.utils import timezone

from collectives.models import Collective, CollectiveMembership, MemberRole, MembershipStatus


def export_data(*, user) -> tuple[dict, list[tuple[str, object]]]:
    """Every collective membership of the member (current and past, invitations too) and the collectives
    they created; no files."""
    memberships = (
        CollectiveMembership.objects.filter(member_id=user.pk)
        .select_related("collective", "invited_by")
        .order_by("created_at", "pk")
    )
    data = {
        "collective_memberships": [
            {
                "collective": membership.collective.name,
                "collective_slug": membership.collective.slug,
                "role": membership.role,
                "status": membership.status,
                "invited_by": membership.invited_by.public_name if membership.invited_by_id else None,
                "invited_at": membership.created_at,
                "joined_at": membership.joined_at,
                "left_at": membership.left_at,
            }
            for membership in memberships
        ],
        "collectives_created": [
            {
                "name": collective.name,
                "slug": collective.slug,
                "kind": collective.kind,
                "created_at": collective.created_at,
            }
            for collective in Collective.objects.filter(created_by_id=user.pk).order_by("created_at", "pk")
        ],
    }
    return data, []


def erase(*, user) -> list[tuple[object, str]]:
    """End the member's memberships (declining their invitations); a collective they were the last admin of
    gets its longest-standing active member as admin, so the others can still run it. Returns no files.

    The rows stay, as when a member leaves: the joint work they did stays on the collective's record,
    signed by the blanked account ("Ancien membre").
    """
    now = timezone.now()
    admin_of = list(
        CollectiveMembership.objects.filter(
            member_id=user.pk, status=MembershipStatus.ACTIVE, role=MemberRole.ADMIN
        ).values_list("collective_id", flat=True)
    )
    CollectiveMembership.objects.filter(member_id=user.pk, status=MembershipStatus.ACTIVE).update(
        status=MembershipStatus.LEFT, role=MemberRole.MEMBER, left_at=now, updated_at=now
    )
    CollectiveMembership.objects.filter(member_id=user.pk, status=MembershipStatus.INVITED).update(
        status=MembershipStatus.DECLINED, updated_at=now
    )
    for collective_id in admin_of:
        active = CollectiveMembership.objects.select_for_update().filter(
            collective_id=collective_id, status=MembershipStatus.ACTIVE
        )
        if active.exists() and not active.filter(role=MemberRole.ADMIN).exists():
            successor = active.order_by("joined_at", "pk").first()
            successor.role = MemberRole.ADMIN
            successor.save(update_fields=["role", "updated_at"])
    # Invitations they sent stay with the invitee, without naming them.
    CollectiveMembership.objects.filter(invited_by_id=user.pk).update(invited_by=None, updated_at=now)
    Collective.objects.filter(created_by_id=user.pk).update(created_by=None)
    return []
