"""The bulletin board of a group: posting, replying, marking read, and the live push of a new post.

One write path per change, which also sends its live event after the commit (marketplace.common.live):
a new post goes to each member's sockets as a `messaging.bulletin` event (the `bulletin` frame of
messaging/PROTOCOL.md) with that member's new count of unread posts; members a block stands between
with the author get nothing. Pushes are hints: the board and the counts are read from the database.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from community import hooks
from community.models import Group, GroupMembership, GroupMembershipStatus, Post
from community.selectors.groups import group_unread_total, group_unread_totals_many, post_payload
from marketplace.common import live
from marketplace.common.errors import NotFound, PermissionDenied, ValidationFailed

__all__ = ["MAX_POST_LENGTH", "bulletin_mark_read", "bulletin_post_create"]

MAX_POST_LENGTH = 5000


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def _active_membership(*, user, group: Group) -> GroupMembership | None:
    return GroupMembership.objects.filter(group=group, member=user, status=GroupMembershipStatus.ACTIVE).first()


def _clean_body(body) -> str:
    text = body.strip() if isinstance(body, str) else ""
    if not text:
        raise ValidationFailed(_("Écrivez votre message avant de le publier."), field="body")
    if len(text) > MAX_POST_LENGTH:
        raise ValidationFailed(
            _(
                "Votre message fait %(count)s caractères : le babillard en accepte %(max)s au maximum. "
                "Raccourcissez-le ou publiez-le en plusieurs parties."
            )
            % {
                "count": number_format(len(text), force_grouping=True),
                "max": number_format(MAX_POST_LENGTH, force_grouping=True),
            },
            field="body",
        )
    return text


@transaction.atomic
def bulletin_post_create(*, user, group_id: int, body, parent_id: int | None = None) -> Post:
    """Post on a group's board, or reply to a post (`parent_id`); active members only.

    A reply to a reply joins the thread of its first post (the board shows one level of replies).
    Text is stored as typed and escaped where it is shown: `<script>` reads as text.
    """
    group = Group.objects.filter(pk=group_id).first() if _is_id(group_id) else None
    if group is None:
        raise NotFound(_("Ce groupe n'existe pas."))
    if _active_membership(user=user, group=group) is None:
        raise PermissionDenied(_("Seuls les membres du groupe peuvent écrire au babillard."))
    parent = None
    if parent_id is not None:
        parent = Post.objects.filter(pk=parent_id, group=group).first() if _is_id(parent_id) else None
        if parent is None:
            raise NotFound(_("Ce message n'existe pas."))
        if parent.parent_id is not None:
            parent = Post.objects.get(pk=parent.parent_id)
        # A block stands between: neither sees the other's posts nor answers them.
        if parent.author_id in hooks.block_rules().blocked_user_ids(user=user, among={parent.author_id}):
            raise PermissionDenied(_("Vous ne pouvez pas répondre à ce message."))
    text = _clean_body(body)
    post = Post.objects.create(group=group, author=user, parent=parent, body=text)
    transaction.on_commit(lambda: _post_created(post))
    return post


def _post_created(post: Post) -> None:
    """Push the new post to every active member's sockets (the author's other tabs too), with their unread count."""
    member_ids = set(
        GroupMembership.objects.filter(group_id=post.group_id, status=GroupMembershipStatus.ACTIVE).values_list(
            "member_id", flat=True
        )
    )
    hidden = hooks.block_rules().blocked_user_ids(user=post.author, among=member_ids)
    recipients = member_ids - hidden
    totals = group_unread_totals_many(user_ids=recipients)
    payload = post_payload(post)
    live.push_all(
        [
            (
                live.user_group(member_id),
                {
                    "type": "messaging.bulletin",
                    "group": post.group_id,
                    "post": payload,
                    "unread_groups": totals[member_id],
                },
            )
            for member_id in sorted(recipients)
        ]
    )


def bulletin_mark_read(*, user, group_id: int, up_to: int | None = None) -> int:
    """Mark the board read up to a post id (all of it when omitted); the mark never moves back. Returns it."""
    group = Group.objects.filter(pk=group_id).first() if _is_id(group_id) else None
    if group is None:
        raise NotFound(_("Ce groupe n'existe pas."))
    membership = _active_membership(user=user, group=group)
    if membership is None:
        raise PermissionDenied(_("Le babillard est réservé aux membres du groupe."))
    last = Post.objects.filter(group=group).order_by("-id").values_list("id", flat=True).first() or 0
    target = last if up_to is None else max(0, min(up_to, last))
    if target > membership.last_read_post_id:
        GroupMembership.objects.filter(pk=membership.pk).update(
            last_read_post_id=Greatest(F("last_read_post_id"), target)
        )
        # The member's other tabs: the header badge goes down.
        transaction.on_commit(
            lambda: live.push_to_user(user.pk, {"type": "messaging.unread", "groups": group_unread_total(user=user)})
        )
    return max(target, membership.last_read_post_id)
