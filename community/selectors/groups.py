"""Reads of groups and their bulletin boards: lists, who sees what, members, posts and unread counts.

Who sees a group: every group on request or public is listed for everyone; a group on invitation only
for its members, the people invited and staff (to anyone else it doesn't exist). Who reads a board:
active members only, even in a public group, where joining is one click: members write for the people
who chose to be there, and a block between two members can hide their posts from each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from community import hooks
from community.models import Group, GroupAccess, GroupMembership, GroupMembershipStatus, GroupRole, Post
from marketplace.common.errors import NotFound, PermissionDenied
from marketplace.common.text import plain_text_html

__all__ = [
    "BOARD_PAGE_SIZE",
    "GroupAccessInfo",
    "bulletin_post_get",
    "bulletin_posts",
    "group_access_info",
    "group_get_for_viewer",
    "group_list",
    "group_members",
    "group_pending",
    "group_unread_counts",
    "group_unread_total",
    "group_unread_totals_many",
    "groups_of_member",
    "post_payload",
]

BOARD_PAGE_SIZE = 50


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def group_list(*, user=None, mrc_slug: str | None = None, q: str | None = None):
    """Groups a visitor may find, by name; invitation-only ones only for their members, invitees and staff."""
    groups = Group.objects.select_related("mrc", "municipality__mrc").annotate(
        member_count=Count("memberships", filter=Q(memberships__status=GroupMembershipStatus.ACTIVE))
    )
    visible = ~Q(access=GroupAccess.INVITATION)
    if user is not None and user.is_authenticated:
        if user.is_staff:
            visible = Q()
        else:
            visible |= Q(
                Exists(
                    GroupMembership.objects.filter(
                        group=OuterRef("pk"),
                        member=user,
                        status__in=[GroupMembershipStatus.ACTIVE, GroupMembershipStatus.INVITED],
                    )
                )
            )
    groups = groups.filter(visible)
    if mrc_slug:
        groups = groups.filter(mrc__slug=mrc_slug)
    if q:
        groups = groups.filter(name__icontains=q.strip()[:100])
    return groups.order_by("name", "pk")


@dataclass(frozen=True)
class GroupAccessInfo:
    """What the viewer is to a group: their current membership (or None) and what they may do."""

    membership: GroupMembership | None
    is_member: bool
    is_organiser: bool
    is_invited: bool
    has_requested: bool
    can_manage: bool


def group_access_info(*, user, group: Group) -> GroupAccessInfo:
    membership = None
    if user is not None and user.is_authenticated:
        membership = (
            GroupMembership.objects.filter(
                group=group,
                member=user,
                status__in=[
                    GroupMembershipStatus.ACTIVE,
                    GroupMembershipStatus.INVITED,
                    GroupMembershipStatus.REQUESTED,
                ],
            )
            .select_related("member")
            .first()
        )
    status = membership.status if membership else None
    is_member = status == GroupMembershipStatus.ACTIVE
    is_organiser = is_member and membership.role == GroupRole.ORGANISER
    return GroupAccessInfo(
        membership=membership,
        is_member=is_member,
        is_organiser=is_organiser,
        is_invited=status == GroupMembershipStatus.INVITED,
        has_requested=status == GroupMembershipStatus.REQUESTED,
        can_manage=is_organiser or bool(user is not None and user.is_authenticated and user.is_staff),
    )


def group_get_for_viewer(
    *, user, slug: str | None = None, group_id: int | None = None
) -> tuple[Group, GroupAccessInfo]:
    """A group and what the viewer is to it; an invitation-only group is not found by outsiders."""
    groups = Group.objects.select_related("mrc", "municipality", "created_by")
    if group_id is not None:
        group = groups.filter(pk=group_id).first() if _is_id(group_id) else None
    else:
        group = groups.filter(slug=slug).first() if slug else None
    if group is None:
        raise NotFound(_("Ce groupe n'existe pas."))
    info = group_access_info(user=user, group=group)
    if (
        group.access == GroupAccess.INVITATION
        and not (info.is_member or info.is_invited)
        and not (user is not None and user.is_authenticated and user.is_staff)
    ):
        raise NotFound(_("Ce groupe n'existe pas."))
    return group, info


def group_members(*, group: Group):
    """The directory: active members, organisers first, with their freelancer profile and place if any."""
    return (
        GroupMembership.objects.filter(group=group, status=GroupMembershipStatus.ACTIVE)
        .select_related("member__freelancer_profile__municipality__mrc")
        .order_by("-role", "created_at", "pk")
    )


def group_pending(*, group: Group):
    """Requests waiting for an answer and invitations not answered yet, for the organisers."""
    return (
        GroupMembership.objects.filter(
            group=group, status__in=[GroupMembershipStatus.REQUESTED, GroupMembershipStatus.INVITED]
        )
        .select_related("member__freelancer_profile")
        .order_by("status", "created_at", "pk")
    )


def _reader_check(*, info: GroupAccessInfo) -> None:
    if not info.is_member:
        raise PermissionDenied(_("Le babillard est réservé aux membres du groupe."))


def _visible_posts(*, user, group: Group):
    """The group's posts minus those of anyone a block stands between the reader and."""
    blocked = hooks.block_rules().blocked_between(user_id=user.pk, other_id=OuterRef("author_id"))
    return Post.objects.filter(group=group).alias(blocked=blocked).filter(blocked=False)


def bulletin_posts(
    *, user, group: Group, info: GroupAccessInfo, before: int | None = None, limit: int = BOARD_PAGE_SIZE
):
    """The board: top-level posts newest first, each with its replies oldest first; returns (posts, has_more)."""
    _reader_check(info=info)
    limit = max(1, min(limit, 200))
    visible = _visible_posts(user=user, group=group)
    top = visible.filter(parent__isnull=True).select_related("author__freelancer_profile").order_by("-id")
    if before is not None:
        top = top.filter(id__lt=before)
    replies = visible.filter(parent__isnull=False).select_related("author__freelancer_profile").order_by("id")
    posts = list(top.prefetch_related(Prefetch("replies", queryset=replies, to_attr="visible_replies"))[: limit + 1])
    return posts[:limit], len(posts) > limit


def bulletin_post_get(*, user, group: Group, info: GroupAccessInfo, post_id) -> Post:
    """One post (with its visible replies) as the reader sees it; hidden or foreign posts are not found."""
    _reader_check(info=info)
    visible = _visible_posts(user=user, group=group)
    post = visible.filter(pk=post_id).select_related("author__freelancer_profile").first() if _is_id(post_id) else None
    if post is None:
        raise NotFound(_("Ce message n'existe pas."))
    post.visible_replies = list(visible.filter(parent=post).select_related("author__freelancer_profile").order_by("id"))
    return post


def post_payload(post: Post) -> dict:
    """A post as the API and the socket send it; `body_html` is the site's one text renderer."""
    return {
        "id": post.pk,
        "group": post.group_id,
        "parent": post.parent_id,
        "author": {"id": post.author_id, "name": post.author.public_name},
        "body": post.body,
        "body_html": str(plain_text_html(post.body)),
        "created_at": post.created_at.isoformat(),
    }


# --- Unread counts: posts after the member's read mark, not their own, not from someone blocked ------


def _unread_subquery(*, member_ref):
    """Per membership row (OuterRef): how many posts of its group the member hasn't read."""
    # In the block's subquery the membership is two levels out, the post one.
    blocked = hooks.block_rules().blocked_between(
        user_id=OuterRef(OuterRef(member_ref)), other_id=OuterRef("author_id")
    )
    posts = (
        Post.objects.filter(group=OuterRef("group_id"), id__gt=OuterRef("last_read_post_id"))
        .exclude(author_id=OuterRef(member_ref))
        .alias(blocked=blocked)
        .filter(blocked=False)
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(posts, output_field=IntegerField()), 0)


def group_unread_counts(*, user) -> dict[int, int]:
    """Unread posts per group the member belongs to."""
    if not user.is_authenticated:
        return {}
    rows = (
        GroupMembership.objects.filter(member=user, status=GroupMembershipStatus.ACTIVE)
        .annotate(unread=_unread_subquery(member_ref="member_id"))
        .values_list("group_id", "unread")
    )
    return dict(rows)


def group_unread_total(*, user) -> int:
    """Unread posts over all the member's groups: the header's "Groupes" badge."""
    return sum(group_unread_counts(user=user).values())


def group_unread_totals_many(*, user_ids) -> dict[int, int]:
    """`group_unread_total` for several members in one query (the live push of a new post)."""
    user_ids = list(user_ids)
    if not user_ids:
        return {}
    rows = (
        GroupMembership.objects.filter(member_id__in=user_ids, status=GroupMembershipStatus.ACTIVE)
        .annotate(unread=_unread_subquery(member_ref="member_id"))
        .values_list("member_id", "unread")
    )
    totals = dict.fromkeys(user_ids, 0)
    for member_id, unread in rows:
        totals[member_id] += unread
    return totals


def groups_of_member(*, user):
    """ "Mes groupes": the member's groups (and pending invitations and requests), with unread counts."""
    memberships = list(
        GroupMembership.objects.filter(
            member=user,
            status__in=[GroupMembershipStatus.ACTIVE, GroupMembershipStatus.INVITED, GroupMembershipStatus.REQUESTED],
        )
        .select_related("group__mrc", "group__municipality")
        .order_by("group__name", "pk")
    )
    unread = group_unread_counts(user=user)
    for membership in memberships:
        membership.unread = unread.get(membership.group_id, 0)
    return memberships
