"""Writes of the messaging app: open conversations, send and read messages, block members.

Every message is saved before anything is pushed; pushes go out after the commit through
`messaging.events` and may fail without losing the message (clients catch up by id).
"""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.documents import document_check
from marketplace.errors import Conflict, NotFound, PermissionDenied, RateLimited, ValidationFailed
from marketplace.quota import storage_quota_check
from messaging.models import Attachment, Block, Conversation, Message, Notification, Participant
from profiles.privacy import UNREAD_MESSAGES, email_allowed

MAX_BODY_CHARS = 5000
MAX_ATTACHMENTS = 5
RATE_LIMIT_MESSAGES = 20
RATE_LIMIT_WINDOW = datetime.timedelta(seconds=10)


def _users_blocked(*, user_a_id: int, user_b_id: int) -> bool:
    return Block.objects.filter(
        Q(blocker_id=user_a_id, blocked_id=user_b_id) | Q(blocker_id=user_b_id, blocked_id=user_a_id)
    ).exists()


def conversation_open(*, user, project_id: int, with_user_id: int) -> tuple[Conversation, bool]:
    """Open the conversation between `user` and `with_user_id` about a project, or return the existing one.

    One of the two must own the project; the other is the freelancer. A freelancer may write to the
    owner of a project they can see (open and public) or were invited to or quoted on; an owner may
    write to anyone with a freelancer profile, a quote or an invitation on the project.
    """
    from profiles.models import FreelancerProfile, User
    from projects.models import Invitation, Project, ProjectStatus, Quote, Visibility

    project = Project.objects.filter(pk=project_id, is_hidden=False).first()
    other = User.objects.filter(pk=with_user_id, is_active=True).first()
    if project is None:
        raise NotFound(_("Ce projet n'existe pas."), field="project")
    if other is None or other.pk == user.pk:
        raise ValidationFailed(_("Choisissez une autre personne pour cette conversation."), field="with_user")
    if project.owner_id == user.pk:
        client, freelancer = user, other
    elif project.owner_id == other.pk:
        client, freelancer = other, user
    else:
        raise PermissionDenied(_("Une conversation réunit le client du projet et un pigiste."))

    existing = Conversation.objects.filter(project=project, client=client, freelancer=freelancer).first()
    if existing is not None:
        return existing, False

    has_quote = Quote.objects.filter(project=project, freelancer=freelancer).exists()
    invited = Invitation.objects.filter(project=project, freelancer=freelancer).exists()
    if user.pk == client.pk:
        allowed = has_quote or invited or FreelancerProfile.objects.filter(user=freelancer).exists()
    else:
        visible = project.status == ProjectStatus.OPEN and project.visibility == Visibility.PUBLIC
        allowed = has_quote or invited or visible
    if not allowed:
        raise PermissionDenied(_("Vous ne pouvez pas écrire à cette personne au sujet de ce projet."))
    if _users_blocked(user_a_id=client.pk, user_b_id=freelancer.pk):
        raise PermissionDenied(_("Cette conversation n'est pas possible : l'un de vous a bloqué l'autre."))

    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(project=project, client=client, freelancer=freelancer)
            Participant.objects.bulk_create(
                [
                    Participant(conversation=conversation, user=client),
                    Participant(conversation=conversation, user=freelancer),
                ]
            )
    except IntegrityError:
        # Both opened it at the same moment: the other request won, use its row.
        return Conversation.objects.get(project=project, client=client, freelancer=freelancer), False
    return conversation, True


def _content_hash(body: str, files: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256(body.encode())
    for _name, sha in files:
        digest.update(b"\0" + sha.encode())
    return digest.hexdigest()


def _clean_client_id(client_id) -> uuid.UUID:
    try:
        return uuid.UUID(str(client_id))
    except (TypeError, ValueError, AttributeError):
        raise ValidationFailed(_("Identifiant de message invalide (UUID attendu)."), field="client_id") from None


def message_send(*, user, conversation_id: int, client_id, body: str, uploads=()) -> tuple[Message, bool]:
    """Save a message (idempotent by `client_id`) and push it after commit; returns (message, created).

    Sending the same client id again returns the saved message; the same id with other content is refused.
    """
    client_uuid = _clean_client_id(client_id)
    if not isinstance(body, str):
        raise ValidationFailed(_("Le message doit être du texte."), field="body")
    body = body.replace("\r\n", "\n").strip()
    uploads = list(uploads)
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            _("Au plus %(n)d pièces jointes par message.") % {"n": MAX_ATTACHMENTS}, field="attachments"
        )
    checked = [document_check(upload=upload, field="attachments") for upload in uploads]
    content_hash = _content_hash(body, [(c.name, c.sha256) for c in checked])

    if not checked:
        return _message_send_text(
            user=user, conversation_id=conversation_id, client_uuid=client_uuid, body=body, content_hash=content_hash
        )
    try:
        with transaction.atomic():
            conversation = _conversation_for_send(user=user, conversation_id=conversation_id, client_uuid=client_uuid)
            existing = _send_refusal(
                conversation, user=user, conversation_id=conversation_id, client_uuid=client_uuid, body=body,
                has_attachments=True, content_hash=content_hash,
            )  # fmt: skip
            if existing is not None:
                return existing, False
            storage_quota_check(user_id=user.pk, incoming=sum(item.size for item in checked), field="attachments")
            previous_id = conversation.last_message_id
            message = Message.objects.create(
                conversation=conversation, sender=user, client_id=client_uuid, body=body, content_hash=content_hash
            )
            created_attachments = [
                Attachment.objects.create(
                    message=message,
                    file=item.file,
                    name=item.name,
                    content_type=item.content_type,
                    size=item.size,
                    sha256=item.sha256,
                    width=item.width,
                    height=item.height,
                )
                for item in checked
            ]
            _cache_attachments(message, created_attachments)
            conversation.last_message_id = message.pk
            conversation.last_activity_at = message.created_at
            conversation.save(update_fields=["last_message_id", "last_activity_at", "updated_at"])
            # The sender has read everything up to their own message.
            Participant.objects.filter(conversation=conversation, user=user).update(last_read_id=message.pk)
            _schedule_after_message(
                message, previous_id=previous_id, other_last_read_id=conversation.other_last_read_id
            )
    except IntegrityError:
        # The same client id raced in from two sockets: the first one won.
        return _message_sent_meanwhile(
            user=user, client_uuid=client_uuid, conversation_id=conversation_id, content_hash=content_hash
        ), False
    return message, True


def _send_refusal(
    conversation, *, user, conversation_id, client_uuid, body: str, has_attachments: bool, content_hash: str
) -> Message | None:
    """Apply the send rules in their order: the saved message for a resend, else raise what refuses it.

    `conversation` comes from a locked read carrying the rule inputs (None: missing or not the user's).
    """
    # A resend after a dropped connection: answer with what was saved, whatever the limits say now.
    if conversation is None or conversation.existing_message_id is not None:
        existing = _message_for_client_id(user=user, client_uuid=client_uuid, conversation_id=conversation_id)
        if existing is not None:
            if existing.content_hash != content_hash:
                raise Conflict(_("Cet identifiant de message a déjà servi pour un autre contenu."), field="client_id")
            return existing
    if not body and not has_attachments:
        raise ValidationFailed(_("Le message est vide."), field="body")
    if len(body) > MAX_BODY_CHARS:
        raise ValidationFailed(_("Le message dépasse %(max)d caractères.") % {"max": MAX_BODY_CHARS}, field="body")
    if conversation is None:
        raise NotFound(_("Cette conversation n'existe pas."))
    if conversation.blocked:
        raise PermissionDenied(_("Vous ne pouvez plus écrire dans cette conversation : un blocage est en place."))
    if conversation.recent_messages >= RATE_LIMIT_MESSAGES:
        raise RateLimited(_("Doucement ! Trop de messages en peu de temps ; réessayez dans quelques secondes."))
    return None


def _message_sent_meanwhile(*, user, client_uuid, conversation_id, content_hash) -> Message:
    """The message another request saved under the same client id while we were saving ours."""
    existing = _message_for_client_id(user=user, client_uuid=client_uuid, conversation_id=conversation_id)
    if existing is None:
        raise IntegrityError("message insert refused without a message for its client id")
    if existing.content_hash != content_hash:
        raise Conflict(_("Cet identifiant de message a déjà servi pour un autre contenu."), field="client_id")
    return existing


def _schedule_after_message(message: Message, *, previous_id: int, other_last_read_id: int | None) -> None:
    # The conversation's previous message, for the sockets' gap detection (not a column).
    message.previous_id = previous_id
    # Schedule the offline-email check once per unread streak, not once per message: only when the
    # other participant had read everything before this one.
    starts_unread_streak = (other_last_read_id or 0) >= previous_id
    transaction.on_commit(
        lambda: _after_message(message=message, previous_id=previous_id, schedule_email=starts_unread_streak)
    )


# A text message (every chat message from a socket) is checked and saved by ONE statement, in one
# round trip: under load every round trip from a worker thread costs a wake-up and a wait for the
# GIL, and the multi-statement transaction took ten. It locks the conversation row (so ids increase
# within it), reads what the rules need, and inserts and updates only if every rule passes; the
# same conditions are then read back in `_send_refusal` to say which rule refused it.
_SEND_TEXT_SQL = """
WITH conv AS (
    SELECT c.id, c.project_id, c.client_id, c.freelancer_id, c.last_message_id, c.created_at
    FROM messaging_conversation c
    WHERE c.id = %(conversation)s AND %(user)s IN (c.client_id, c.freelancer_id)
    FOR UPDATE
), state AS (
    SELECT conv.*,
           CASE WHEN conv.client_id = %(user)s THEN conv.freelancer_id ELSE conv.client_id END AS other_id,
           (SELECT m.id FROM messaging_message m
            WHERE m.sender_id = %(user)s AND m.client_id = %(client_uuid)s) AS existing_id,
           EXISTS (
               SELECT 1 FROM messaging_block b
               WHERE (b.blocker_id = %(user)s AND b.blocked_id IN (conv.client_id, conv.freelancer_id))
                  OR (b.blocked_id = %(user)s AND b.blocker_id IN (conv.client_id, conv.freelancer_id))
           ) AS blocked,
           (SELECT COUNT(*) FROM messaging_message m
            WHERE m.sender_id = %(user)s AND m.created_at >= %(since)s) AS recent,
           (SELECT p.last_read_id FROM messaging_participant p
            WHERE p.conversation_id = conv.id AND p.user_id <> %(user)s LIMIT 1) AS other_read
    FROM conv
), new AS (
    INSERT INTO messaging_message (conversation_id, sender_id, client_id, body, content_hash, created_at)
    SELECT state.id, %(user)s, %(client_uuid)s, %(body)s, %(content_hash)s, %(now)s FROM state
    WHERE %(body_ok)s AND state.existing_id IS NULL AND NOT state.blocked AND state.recent < %(limit)s
    ON CONFLICT (sender_id, client_id) DO NOTHING
    RETURNING id
), conversation_update AS (
    UPDATE messaging_conversation c
    SET last_message_id = new.id, last_activity_at = %(now)s, updated_at = %(now)s
    FROM new WHERE c.id = %(conversation)s
), read_update AS (
    UPDATE messaging_participant p SET last_read_id = new.id
    FROM new WHERE p.conversation_id = %(conversation)s AND p.user_id = %(user)s
)
SELECT state.id, state.project_id, state.client_id, state.freelancer_id, state.last_message_id,
       state.created_at, state.existing_id, state.blocked, state.recent, state.other_read, new.id,
       -- The recipient's unread counts for their badge, as `selectors.unread_counts` reads them, but
       -- without the new message (a statement doesn't see its own insert): the caller adds it.
       -- Only once saved; in this round trip rather than a query of their own after the commit.
       CASE WHEN new.id IS NOT NULL THEN (
           SELECT COUNT(*) FROM messaging_participant p
           JOIN messaging_message m ON m.conversation_id = p.conversation_id AND m.id > p.last_read_id
           WHERE p.user_id = state.other_id AND m.sender_id <> state.other_id
       ) END,
       CASE WHEN new.id IS NOT NULL THEN (
           SELECT COUNT(*) FROM messaging_message m
           WHERE m.conversation_id = state.id AND m.id > state.other_read AND m.sender_id <> state.other_id
       ) END,
       CASE WHEN new.id IS NOT NULL THEN (
           SELECT COUNT(*) FROM messaging_notification n WHERE n.recipient_id = state.other_id AND n.read_at IS NULL
       ) END
FROM state LEFT JOIN new ON TRUE
"""


def _message_send_text(*, user, conversation_id, client_uuid, body: str, content_hash: str) -> tuple[Message, bool]:
    now = timezone.now()
    params = {
        "conversation": int(conversation_id),
        "user": user.pk,
        "client_uuid": client_uuid,
        "since": now - RATE_LIMIT_WINDOW,
        "body": body,
        "content_hash": content_hash,
        "now": now,
        "body_ok": bool(body) and len(body) <= MAX_BODY_CHARS,
        "limit": RATE_LIMIT_MESSAGES,
    }
    with connection.cursor() as cursor:
        cursor.execute(_SEND_TEXT_SQL, params)
        row = cursor.fetchone()
    conversation = None
    if row is not None:
        conversation = Conversation(
            id=row[0], project_id=row[1], client_id=row[2], freelancer_id=row[3], last_message_id=row[4],
            created_at=row[5], last_activity_at=now, updated_at=now,
        )  # fmt: skip
        conversation._state.adding, conversation._state.db = False, connection.alias
        conversation.existing_message_id, conversation.blocked, conversation.recent_messages = row[6], row[7], row[8]
    existing = _send_refusal(
        conversation, user=user, conversation_id=conversation_id, client_uuid=client_uuid, body=body,
        has_attachments=False, content_hash=content_hash,
    )  # fmt: skip
    if existing is not None:
        return existing, False
    if row[10] is None:
        # Every rule passed but the insert met a message with this client id (two sockets racing).
        return _message_sent_meanwhile(
            user=user, client_uuid=client_uuid, conversation_id=conversation_id, content_hash=content_hash
        ), False
    message = Message(
        id=row[10], conversation=conversation, sender=user, client_id=client_uuid, body=body,
        content_hash=content_hash, created_at=now,
    )  # fmt: skip
    message._state.adding, message._state.db = False, connection.alias
    # No attachments: share one empty, already-evaluated result instead of building a queryset per message.
    message._prefetched_objects_cache = {"attachments": _no_attachments()}
    message.recipient_unread = {
        "total": row[11] + 1,
        "notifications": row[13],
        "conversations": {str(conversation.pk): row[12] + 1},
    }
    _schedule_after_message(message, previous_id=row[4], other_last_read_id=row[9])
    return message, True


# The hot path of the chat: one statement instead of one per rule, written out once because building
# it with the ORM's expressions cost more CPU per message than every query of the send together.
_SEND_CHECKS_SQL = """
SELECT c.id, c.project_id, c.client_id, c.freelancer_id, c.last_message_id, c.last_activity_at,
       c.created_at, c.updated_at,
       (SELECT m.id FROM messaging_message m WHERE m.sender_id = %(user)s AND m.client_id = %(client_uuid)s),
       EXISTS (
           SELECT 1 FROM messaging_block b
           WHERE (b.blocker_id = %(user)s AND b.blocked_id IN (c.client_id, c.freelancer_id))
              OR (b.blocked_id = %(user)s AND b.blocker_id IN (c.client_id, c.freelancer_id))
       ),
       (SELECT COUNT(*) FROM messaging_message m WHERE m.sender_id = %(user)s AND m.created_at >= %(since)s),
       (SELECT p.last_read_id FROM messaging_participant p
        WHERE p.conversation_id = c.id AND p.user_id <> %(user)s LIMIT 1)
FROM messaging_conversation c
WHERE c.id = %(conversation)s
FOR UPDATE OF c
"""


def _conversation_for_send(*, user, conversation_id: int, client_uuid: uuid.UUID) -> Conversation | None:
    """The conversation, locked, if `user` takes part in it, with what the send rules need; else None.

    In the same round trip: the id of a message this sender already saved under this client id,
    whether a block stands between the two, the sender's messages in the rate-limit window, and how far
    the other participant has read. The row lock serialises the conversation's inserts, so server ids
    increase within it.
    """
    params = {
        "user": user.pk,
        "client_uuid": client_uuid,
        "since": timezone.now() - RATE_LIMIT_WINDOW,
        "conversation": int(conversation_id),
    }
    with connection.cursor() as cursor:
        cursor.execute(_SEND_CHECKS_SQL, params)
        row = cursor.fetchone()
    if row is None or user.pk not in (row[2], row[3]):
        return None
    conversation = Conversation(
        id=row[0],
        project_id=row[1],
        client_id=row[2],
        freelancer_id=row[3],
        last_message_id=row[4],
        last_activity_at=row[5],
        created_at=row[6],
        updated_at=row[7],
    )
    conversation._state.adding = False
    conversation._state.db = connection.alias
    conversation.existing_message_id, conversation.blocked, conversation.recent_messages = row[8], row[9], row[10]
    conversation.other_last_read_id = row[11]
    return conversation


_NO_ATTACHMENTS = []


def _no_attachments():
    if not _NO_ATTACHMENTS:
        queryset = Attachment.objects.none()
        queryset._result_cache, queryset._prefetch_done = [], True
        _NO_ATTACHMENTS.append(queryset)
    return _NO_ATTACHMENTS[0]


def _cache_attachments(message: Message, attachments: list[Attachment]) -> None:
    """Fill `message.attachments.all()` with what we just created, saving a query per payload."""
    queryset = Attachment.objects.filter(message=message)
    queryset._result_cache = attachments
    queryset._prefetch_done = True
    message._prefetched_objects_cache = {"attachments": queryset}


def _message_for_client_id(*, user, client_uuid: uuid.UUID, conversation_id: int) -> Message | None:
    existing = Message.objects.filter(sender=user, client_id=client_uuid).prefetch_related("attachments").first()
    if existing is not None and existing.conversation_id != conversation_id:
        raise Conflict(_("Cet identifiant de message a déjà servi pour un autre contenu."), field="client_id")
    return existing


def _after_message(*, message: Message, previous_id: int, schedule_email: bool) -> None:
    from messaging import events, tasks

    events.message_created(message, previous_id=previous_id)
    if schedule_email:
        tasks.schedule_unread_email_check(conversation_id=message.conversation_id)


def conversation_mark_read(*, user, conversation_id: int, up_to: int) -> int:
    """Mark messages up to `up_to` as read by `user` (never backwards); returns the new read mark."""
    try:
        up_to = int(up_to)
    except (TypeError, ValueError):
        raise ValidationFailed(_("« up_to » doit être un identifiant de message."), field="up_to") from None
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update()
            .select_related("conversation")
            .filter(conversation_id=conversation_id, user=user)
            .first()
        )
        if participant is None:
            raise NotFound(_("Cette conversation n'existe pas."))
        # Never past the last message: a client can't pre-read what was not sent yet.
        mark = min(max(up_to, 0), participant.conversation.last_message_id)
        if mark <= participant.last_read_id:
            return participant.last_read_id
        participant.last_read_id = mark
        participant.save(update_fields=["last_read_id"])
        transaction.on_commit(lambda: _after_read(conversation_id=conversation_id, user_id=user.pk, up_to=mark))
    return mark


def _after_read(*, conversation_id: int, user_id: int, up_to: int) -> None:
    from messaging import events

    events.read_updated(conversation_id=conversation_id, user_id=user_id, up_to=up_to)


def user_block(*, user, blocked_user_id: int) -> Block:
    """Block another member: no new message either way; history stays readable."""
    if blocked_user_id == user.pk:
        raise ValidationFailed(_("Vous ne pouvez pas vous bloquer vous-même."))
    from profiles.models import User

    if not User.objects.filter(pk=blocked_user_id).exists():
        raise NotFound(_("Ce membre n'existe pas."))
    block, _created = Block.objects.get_or_create(blocker=user, blocked_id=blocked_user_id)
    return block


def user_unblock(*, user, blocked_user_id: int) -> None:
    """Lift a block `user` placed (a block placed by the other person stays)."""
    Block.objects.filter(blocker=user, blocked_id=blocked_user_id).delete()


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or every) unread notification of `user` as read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    changed = qs.update(read_at=timezone.now())
    if changed:
        from messaging import events

        transaction.on_commit(lambda: events.unread_changed(user_id=user.pk))
    return changed


UNREAD_EMAIL_AFTER = datetime.timedelta(minutes=10)
UNREAD_EMAIL_AT_MOST_EVERY = datetime.timedelta(hours=1)


def unread_email_next_due(*, conversation_id: int, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the next "unread messages" email of a conversation falls due, if unread messages wait."""
    now = now or timezone.now()
    due = None
    for participant in Participant.objects.filter(conversation_id=conversation_id):
        oldest = (
            Message.objects.filter(
                conversation_id=conversation_id,
                id__gt=max(participant.last_read_id, participant.last_emailed_message_id),
            )
            .exclude(sender_id=participant.user_id)
            .order_by("id")
            .values_list("created_at", flat=True)
            .first()
        )
        # Only those not due yet: the ones already due were just handled (or wait for the hourly limit).
        if oldest is not None and oldest + UNREAD_EMAIL_AFTER > now:
            due = min(due or oldest + UNREAD_EMAIL_AFTER, oldest + UNREAD_EMAIL_AFTER)
    return due


def unread_messages_email(*, conversation_id: int | None = None, now: datetime.datetime | None = None) -> int:
    """Email every participant who left messages unread for 10 minutes; returns how many emails were sent.

    One email summarises the unread messages of one conversation; at most one per conversation per
    hour for a participant, and never twice for the same messages. Safe to run twice at once (row locks).
    """
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    now = now or timezone.now()
    cutoff = now - UNREAD_EMAIL_AFTER
    candidates = (
        Participant.objects.filter(conversation__last_message_id__gt=F("last_read_id")).filter(
            conversation__last_message_id__gt=F("last_emailed_message_id")
        )
    ).filter(Q(last_emailed_at__isnull=True) | Q(last_emailed_at__lte=now - UNREAD_EMAIL_AT_MOST_EVERY))
    if conversation_id is not None:
        candidates = candidates.filter(conversation_id=conversation_id)
    sent = 0
    for participant_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            participant = (
                Participant.objects.select_for_update(skip_locked=True)
                .select_related("user", "conversation__project")
                .filter(pk=participant_id)
                .first()
            )
            if participant is None:
                continue
            if participant.last_emailed_at and participant.last_emailed_at > now - UNREAD_EMAIL_AT_MOST_EVERY:
                continue
            floor = max(participant.last_read_id, participant.last_emailed_message_id)
            unread = list(
                Message.objects.filter(conversation_id=participant.conversation_id, id__gt=floor)
                .exclude(sender=participant.user)
                .select_related("sender__freelancer_profile")
                .order_by("id")
            )
            # Only once the oldest unread message has waited 10 minutes.
            if not unread or unread[0].created_at > cutoff:
                continue
            user = participant.user
            if not email_allowed(user=user, kind=UNREAD_MESSAGES):
                continue
            conversation = participant.conversation
            with translation.override(user.language or "fr-ca"):
                from django.urls import reverse

                context = {
                    "user": user,
                    "conversation": conversation,
                    "messages": unread[-10:],
                    "count": len(unread),
                    "url": settings.SITE_URL + reverse("conversation-detail", args=[conversation.pk]),
                }
                subject = render_to_string("messaging/email/unread_subject.txt", context).strip()
                body = render_to_string("messaging/email/unread_body.txt", context)
                send_mail(
                    subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[user.email]
                )
            participant.last_emailed_at = now
            participant.last_emailed_message_id = unread[-1].pk
            participant.save(update_fields=["last_emailed_at", "last_emailed_message_id"])
            sent += 1
    return sent
