"""Reads of the messaging app, and the one JSON shape of a message (HTTP API and WebSocket alike)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import NotFound, PermissionDenied, ValidationFailed
from marketplace.common.text import plain_text_html
from messaging.models import Attachment, Block, Conversation, Message, Participant
from notifications.models import Notification
from profiles.models import FreelancerProfile
from projects.models import Project

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def message_body_html(body: str) -> SafeString:
    """Plain text with links made clickable; everything else escaped (the site's one rule, shared with groups)."""
    return plain_text_html(body)


def attachment_payload(attachment: Attachment) -> dict:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "is_image": attachment.is_image,
        "url": reverse("message-attachment", args=[attachment.pk]),
    }


def message_payload(message: Message, *, attachments: list[Attachment] | None = None) -> dict:
    """A message as the API and the socket send it.

    Kept on the instance: the send path needs it twice (the push after commit, then the sender's ack
    and echo), and rendering links is the costly part. `attachments`: the message's attachments when
    the caller has them at hand (the send path, which just saved them), instead of reading them.
    """
    cached = message.__dict__.get("_payload")
    if cached is not None:
        return cached
    if attachments is None:
        attachments = message.attachments.all()
    message._payload = {
        "id": message.pk,
        "conversation": message.conversation_id,
        "client_id": str(message.client_id),
        "sender": message.sender_id,
        "body": message.body,
        "body_html": str(message_body_html(message.body)),
        "created_at": message.created_at.isoformat(),
        "attachments": [attachment_payload(a) for a in attachments],
    }
    return message._payload


def conversation_get_for_reader(*, user, conversation_id) -> Conversation:
    """The conversation if `user` takes part in it or is staff (read-only); else the same 404 for everyone."""
    if not user.is_authenticated:
        raise NotFound(_("Cette conversation n'existe pas."))
    try:
        conversation_id = int(conversation_id)
    except (TypeError, ValueError):
        raise NotFound(_("Cette conversation n'existe pas.")) from None
    conversation = (
        Conversation.objects.select_related("project", "client__freelancer_profile", "freelancer__freelancer_profile")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None or not (conversation_is_participant(user=user, conversation=conversation) or user.is_staff):
        raise NotFound(_("Cette conversation n'existe pas."))
    return conversation


def conversation_is_participant(*, user, conversation: Conversation) -> bool:
    """The client, the freelancer, or a member a joint quote added (a Participant row of their own)."""
    if user.pk in (conversation.client_id, conversation.freelancer_id):
        return True
    # Only members of a collective's joint quote reach this query; the two sides never do.
    return Participant.objects.filter(conversation=conversation, user_id=user.pk).exists()


def conversation_get_for_participant(*, user, conversation_id) -> Conversation:
    """The conversation if `user` takes part in it: staff read it but don't act in it, strangers get the 404."""
    conversation = conversation_get_for_reader(user=user, conversation_id=conversation_id)
    if not conversation_is_participant(user=user, conversation=conversation):
        raise PermissionDenied(_("Lecture seule : vous ne participez pas à cette conversation."))
    return conversation


def attachment_get_for_reader(*, user, attachment_id: int) -> Attachment:
    """A message's attachment for the conversation's participants and staff; NotFound for anyone else."""
    attachment = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Cette pièce jointe n'existe pas."))
    conversation_get_for_reader(user=user, conversation_id=attachment.message.conversation_id)
    return attachment


def conversation_list_for_user(*, user):
    """The member's conversations by last activity, with the unread count and the last message."""
    unread = (
        Message.objects.filter(conversation=OuterRef("conversation_id"), id__gt=OuterRef("last_read_id"))
        .exclude(sender_id=OuterRef("user_id"))
        .order_by()
        .values("conversation")
        .annotate(n=Count("id"))
        .values("n")
    )
    memberships = Participant.objects.filter(user=user).annotate(unread=Coalesce(Subquery(unread), 0))
    unread_by_conversation = dict(memberships.values_list("conversation_id", "unread"))
    conversations = list(
        Conversation.objects.filter(pk__in=unread_by_conversation.keys())
        .select_related("project", "client__freelancer_profile", "freelancer__freelancer_profile")
        .order_by("-last_activity_at", "-id")
    )
    last_ids = [c.last_message_id for c in conversations if c.last_message_id]
    last_messages = {m.pk: m for m in Message.objects.filter(pk__in=last_ids).prefetch_related("attachments")}
    for conversation in conversations:
        conversation.unread = unread_by_conversation.get(conversation.pk, 0)
        conversation.last_message = last_messages.get(conversation.last_message_id)
        conversation.other_user = conversation.freelancer if conversation.client_id == user.pk else conversation.client
    return conversations


def message_list(*, conversation: Conversation, after=None, before=None, limit=PAGE_SIZE) -> tuple[list[Message], bool]:
    """History oldest first: after an id (catch-up), before an id (older page), else the latest page."""
    try:
        limit = max(1, min(int(limit), MAX_PAGE_SIZE))
        after = int(after) if after not in (None, "") else None
        before = int(before) if before not in (None, "") else None
    except (TypeError, ValueError):
        raise ValidationFailed(_("« after », « before » et « limit » doivent être des nombres.")) from None
    qs = Message.objects.filter(conversation=conversation).prefetch_related("attachments")
    if after is not None:
        page = list(qs.filter(id__gt=after).order_by("id")[: limit + 1])
        has_more = len(page) > limit
        return page[:limit], has_more
    if before is not None:
        qs = qs.filter(id__lt=before)
    page = list(qs.order_by("-id")[: limit + 1])
    has_more = len(page) > limit
    return list(reversed(page[:limit])), has_more


def unread_message_total(*, user) -> int:
    """Messages from others, in the member's conversations, past their read mark."""
    return (
        Message.objects.filter(
            conversation__participants__user=user, id__gt=F("conversation__participants__last_read_id")
        )
        .exclude(sender=user)
        .count()
    )


# Runs after every batch of messages for their recipients: one statement, written out once (building
# it with the ORM cost more CPU than running it). A row per conversation with unread messages, and one
# per member with unread notifications (conversation NULL; notifications' table, named by their model).
_UNREAD_COUNTS_SQL = """
SELECT p.user_id, p.conversation_id, COUNT(*)
FROM messaging_participant p
JOIN messaging_message m ON m.conversation_id = p.conversation_id AND m.id > p.last_read_id
WHERE p.user_id IN ({users}) AND m.sender_id <> p.user_id
GROUP BY p.user_id, p.conversation_id
UNION ALL
SELECT n.recipient_id, NULL, COUNT(*)
FROM {notifications} n
WHERE n.recipient_id IN ({users}) AND n.read_at IS NULL
GROUP BY n.recipient_id
"""


def unread_counts(*, user_id: int, conversation_id: int | None = None) -> dict:
    """Unread messages (total, and in one conversation) and unread notifications, in one query."""
    return unread_counts_many([(user_id, conversation_id)])[(user_id, conversation_id)]


def unread_counts_many(pairs: list[tuple[int, int | None]]) -> dict[tuple[int, int | None], dict]:
    """`unread_counts` for several (member, conversation) pairs, in one query; by pair."""
    user_ids = sorted({user_id for user_id, _conversation_id in pairs})
    placeholders = ", ".join(["%s"] * len(user_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            _UNREAD_COUNTS_SQL.format(users=placeholders, notifications=Notification._meta.db_table),
            [*user_ids, *user_ids],
        )
        rows = cursor.fetchall()
    by_conversation = {(user_id, conversation_id): n for user_id, conversation_id, n in rows if conversation_id}
    notifications = {user_id: n for user_id, conversation_id, n in rows if conversation_id is None}
    totals: dict[int, int] = {}
    for (user_id, _conversation_id), n in by_conversation.items():
        totals[user_id] = totals.get(user_id, 0) + n
    result = {}
    for user_id, conversation_id in pairs:
        counts = {"total": totals.get(user_id, 0), "notifications": notifications.get(user_id, 0)}
        if conversation_id is not None:
            counts["conversations"] = {str(conversation_id): by_conversation.get((user_id, conversation_id), 0)}
        result[(user_id, conversation_id)] = counts
    return result


def added_member_names(*, conversation: Conversation) -> dict[str, str]:
    """Public names of the members beyond the two sides (a joint quote's), by user id; none for most."""
    if not conversation.has_added_members:
        return {}
    participants = (
        conversation.participants.exclude(user_id__in=(conversation.client_id, conversation.freelancer_id))
        .select_related("user__freelancer_profile")
        .order_by("user_id")
    )
    return {str(p.user_id): p.user.public_name for p in participants}


def read_marks(*, conversation: Conversation) -> dict[str, int]:
    """How far each participant read, by user id (string keys: it goes to JSON)."""
    return {str(uid): mark for uid, mark in conversation.participants.values_list("user_id", "last_read_id")}


def block_state(*, user, conversation: Conversation) -> dict:
    """Whether `user` blocked the other person, and whether any block stops new messages."""
    other_id = conversation.other_user_id(user.pk)
    blocks = set(
        Block.objects.filter(Q(blocker=user, blocked_id=other_id) | Q(blocker_id=other_id, blocked=user)).values_list(
            "blocker_id", flat=True
        )
    )
    return {"blocked_by_me": user.pk in blocks, "blocked": bool(blocks)}


def blocked_user_ids(*, user, among) -> set[int]:
    """Who among `among` (user ids) this member blocked or was blocked by, in one query.

    Pages leave out their "Écrire" buttons for these: a block stops every new message both ways.
    """
    among = {pk for pk in among if pk is not None}
    if not user.is_authenticated or not among:
        return set()
    pairs = Block.objects.filter(
        Q(blocker=user, blocked_id__in=among) | Q(blocked=user, blocker_id__in=among)
    ).values_list("blocker_id", "blocked_id")
    return {blocked if blocker == user.pk else blocker for blocker, blocked in pairs}


def blocks_between(*, user_a_id, user_b_id) -> Q:
    """The filter on Block for "one of these two blocked the other"; ids may be OuterRef()s (for Exists())."""
    return Q(blocker_id=user_a_id, blocked_id=user_b_id) | Q(blocker_id=user_b_id, blocked_id=user_a_id)


def blocked_between(*, user_id, other_id) -> Exists:
    """A subquery: one of these two blocked the other (ids may be OuterRef()s), so neither can write."""
    return Exists(Block.objects.filter(blocks_between(user_a_id=user_id, user_b_id=other_id)))


def conversation_with_owner(*, user) -> Exists:
    """A subquery on projects: `user` already talks with the project's owner about it (it always reopens)."""
    return Exists(Conversation.objects.filter(project=OuterRef("pk"), client_id=OuterRef("owner_id"), freelancer=user))


@dataclass(frozen=True)
class InboxRoles:
    """Whether a member hires (has a project) and whether they work (has a freelancer profile)."""

    client: bool
    freelancer: bool


def inbox_roles(*, user) -> InboxRoles:
    """The member's roles, so the empty inbox tells each where their conversations start."""
    return InboxRoles(
        client=Project.objects.filter(owner=user).exists(),
        freelancer=FreelancerProfile.objects.filter(user=user).exists(),
    )


def peer_write_allowed(*, user, other_user_id: int) -> bool:
    """Whether a freelancer's "Écrire" button to another freelancer shows: both freelancers, no block.

    One query (the profile page runs a fixed number). messaging.services.peer_conversation_open decides.
    """
    if not user.is_authenticated or user.pk == other_user_id:
        return False
    return (
        FreelancerProfile.objects.filter(user_id=user.pk, is_hidden=False)
        .filter(~blocked_between(user_id=user.pk, other_id=other_user_id))
        .exists()
    )
