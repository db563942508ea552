"""Writes of the messaging app: open conversations, send and read messages, block members.

Every message is saved before anything is pushed; pushes go out after the commit through
`messaging.events` and may fail without losing the message (clients catch up by id).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common.documents import document_check
from marketplace.common.errors import Conflict, DomainError, NotFound, PermissionDenied, RateLimited, ValidationFailed
from marketplace.common.mailer import email_send_after_commit
from marketplace.common.quota import storage_quota_check
from messaging import events, selectors, tasks
from messaging.models import Attachment, Block, Conversation, Message, Participant
from profiles.email_preferences import UNREAD_MESSAGES, email_allowed
from profiles.models import FreelancerProfile, User
from projects.models import Invitation, Project, ProjectStatus, Quote, Visibility

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


def joint_quote_participants_add(*, quote) -> None:
    """Add the members assigned lines of a joint quote to its author's conversation with the client.

    Opens that conversation if needed: every assigned member sees and writes in the one thread about the
    work. Members are never removed: what they read and wrote stays theirs to read.
    """
    project = quote.project
    if quote.freelancer_id == project.owner_id:
        return
    exists = Conversation.objects.filter(project=project, client_id=project.owner_id, freelancer_id=quote.freelancer_id)
    if not exists.exists() and _users_blocked(user_a_id=project.owner_id, user_b_id=quote.freelancer_id):
        # As conversation_open: no new conversation across a block.
        return
    conversation, _created = Conversation.objects.get_or_create(
        project=project, client_id=project.owner_id, freelancer_id=quote.freelancer_id
    )
    members = set(quote.line_items.exclude(assignee=None).values_list("assignee_id", flat=True))
    wanted = {project.owner_id, quote.freelancer_id} | members
    present = set(Participant.objects.filter(conversation=conversation).values_list("user_id", flat=True))
    Participant.objects.bulk_create(
        [Participant(conversation=conversation, user_id=user_id) for user_id in sorted(wanted - present)],
        ignore_conflicts=True,
    )
    if members - {project.owner_id, quote.freelancer_id} and not conversation.has_added_members:
        Conversation.objects.filter(pk=conversation.pk).update(has_added_members=True)


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


@dataclass(frozen=True)
class OutgoingMessage:
    """A message a member asks to send: where, under which client id, what it says and what it carries."""

    user: Any
    conversation_id: Any
    client_id: Any
    body: Any
    uploads: Sequence = ()


@dataclass
class _ReadyMessage:
    """An outgoing message past the checks that need no database: cleaned, its files checked."""

    index: int
    user: Any
    conversation_id: int
    client_uuid: uuid.UUID
    body: str
    checked: list
    content_hash: str


SendResult = tuple[Message, bool] | DomainError


def message_send(*, user, conversation_id: int, client_id, body: str, uploads=()) -> tuple[Message, bool]:
    """Save a message (idempotent by `client_id`) and push it after commit; returns (message, created).

    Sending the same client id again returns the saved message; the same id with other content is refused.
    """
    outgoing = OutgoingMessage(
        user=user, conversation_id=conversation_id, client_id=client_id, body=body, uploads=uploads
    )
    result = messages_send([outgoing])[0]
    if isinstance(result, DomainError):
        raise result
    return result


def messages_send(outgoing: Sequence[OutgoingMessage]) -> list[SendResult]:
    """Save messages in one transaction, each by the rules of `message_send`, and push them after commit.

    The one write path for every message, with or without attachments, on SQLite and PostgreSQL alike.
    Returns, in order, each message's (message, created) or the DomainError that refused it: a refusal
    never holds the others back. The chat socket hands over every send waiting in its process at once,
    so a send's statements are paid once per batch rather than once per message.
    """
    results: list[SendResult | None] = [None] * len(outgoing)
    ready = []
    for index, item in enumerate(outgoing):
        try:
            ready.append(_ready_message(index, item))
        except DomainError as exc:
            results[index] = exc
    if ready:
        try:
            with transaction.atomic(), _statements_pipelined():
                saved = _save_messages(ready)
        except IntegrityError:
            if len(ready) == 1:
                # A resend, or the same client id racing in from two sockets: the first one saved won.
                saved = {ready[0].index: _saved_meanwhile(ready[0])}
            else:
                # One of them did (the whole batch rolled back): settle each on its own.
                saved = {item.index: messages_send([outgoing[item.index]])[0] for item in ready}
        for index, result in saved.items():
            results[index] = result
    return results


@contextlib.contextmanager
def _statements_pipelined():
    """On PostgreSQL, send the transaction's statements in psycopg's pipeline mode; elsewhere, as they come.

    A statement whose rows are read still waits for its answer, but the others ride along with the next
    one: BEGIN goes with the locked read, and the marks' UPDATEs with the unread counts' SELECT (seven
    round trips to the server become four). `connection.connection` is the psycopg connection Django
    opened for this transaction; `pipeline()` is psycopg's public API for this.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.connection.pipeline():
        yield


def _ready_message(index: int, item: OutgoingMessage) -> _ReadyMessage:
    client_uuid = _clean_client_id(item.client_id)
    if not isinstance(item.body, str):
        raise ValidationFailed(_("Le message doit être du texte."), field="body")
    body = item.body.replace("\r\n", "\n").strip()
    uploads = list(item.uploads)
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            _("Au plus %(n)d pièces jointes par message.") % {"n": MAX_ATTACHMENTS}, field="attachments"
        )
    checked = [document_check(upload=upload, field="attachments") for upload in uploads]
    try:
        conversation_id = int(item.conversation_id)
    except (TypeError, ValueError):
        raise NotFound(_("Cette conversation n'existe pas.")) from None
    return _ReadyMessage(
        index=index,
        user=item.user,
        conversation_id=conversation_id,
        client_uuid=client_uuid,
        body=body,
        checked=checked,
        content_hash=_content_hash(body, [(c.name, c.sha256) for c in checked]),
    )


def _saved_meanwhile(item: _ReadyMessage) -> SendResult:
    try:
        message = _message_sent_meanwhile(
            user=item.user, client_uuid=item.client_uuid, conversation_id=item.conversation_id,
            content_hash=item.content_hash,
        )  # fmt: skip
    except DomainError as exc:
        return exc
    return message, False


def _save_messages(ready: list[_ReadyMessage]) -> dict[int, SendResult]:
    """Inside the transaction: lock the conversations, apply the rules, insert, move the marks.

    A client id its sender already used (a resend that every rule lets through, or the same message
    racing in from two sockets) stops the insert on the unique constraint: `messages_send` settles it,
    which costs the rare resend a retry instead of every message a lookup.
    """
    results: dict[int, SendResult] = {}
    conversations = _conversations_for_send(ready)
    recent = _recent_message_counts(conversations)
    incoming: dict[int, int] = defaultdict(int)
    accepted: list[_ReadyMessage] = []
    repeats: list[tuple[_ReadyMessage, _ReadyMessage]] = []
    first_by_client_id: dict[tuple[int, uuid.UUID], _ReadyMessage] = {}
    for item in ready:
        first = first_by_client_id.get((item.user.pk, item.client_uuid))
        if first is not None:
            # The same client id twice in one batch: the second is a resend of the first.
            repeats.append((item, first))
            continue
        conversation = conversations.get(item.conversation_id)
        if conversation is not None and item.user.pk not in _member_ids(conversation):
            conversation = None
        try:
            existing = _send_refusal(
                conversation, item=item, recent_messages=recent[item.user.pk], incoming_before=incoming[item.user.pk]
            )
        except DomainError as exc:
            results[item.index] = exc
            continue
        if existing is not None:
            results[item.index] = (existing, False)
            continue
        recent[item.user.pk] += 1
        incoming[item.user.pk] += sum(c.size for c in item.checked)
        first_by_client_id[(item.user.pk, item.client_uuid)] = item
        accepted.append(item)
    if not accepted:
        return results

    messages = Message.objects.bulk_create(
        [
            Message(
                conversation=conversations[item.conversation_id],
                sender=item.user,
                client_id=item.client_uuid,
                body=item.body,
                content_hash=item.content_hash,
            )  # fmt: skip
            for item in accepted
        ]
    )
    attachments = _attachments_create(accepted, messages)
    for item, message, files in zip(accepted, messages, attachments, strict=True):
        # Built now, with the attachments at hand: the push, the ack and the API answer all use it.
        selectors.message_payload(message, attachments=files)
        results[item.index] = (message, True)
    for item, first in repeats:
        results[item.index] = (
            (results[first.index][0], False)
            if item.content_hash == first.content_hash
            else Conflict(_("Cet identifiant de message a déjà servi pour un autre contenu."), field="client_id")
        )
    _marks_move(conversations, messages)
    return results


def _attachments_create(accepted: list[_ReadyMessage], messages: list[Message]) -> list[list[Attachment]]:
    """Every accepted message's attachments, inserted together; a list per message, in order."""
    per_message = [
        [
            Attachment(
                message=message,
                file=c.file,
                name=c.name,
                content_type=c.content_type,
                size=c.size,
                sha256=c.sha256,
                width=c.width,
                height=c.height,
            )  # fmt: skip
            for c in item.checked
        ]
        for item, message in zip(accepted, messages, strict=True)
    ]
    everything = [attachment for files in per_message for attachment in files]
    if everything:
        Attachment.objects.bulk_create(everything)
    return per_message


def _marks_move(conversations: dict[int, Conversation], messages: list[Message]) -> None:
    """After the inserts: each conversation's last message, each sender's read mark, the recipients' counts.

    Every message learns the id before it in its conversation (`previous_id`, the sockets' gap
    detector, not a column) and its recipient's unread counts, read under the lock: exact at commit.
    """
    now = timezone.now()
    for message in messages:
        conversation = conversations[message.conversation_id]
        message.previous_id = conversation.last_message_id
        conversation.last_message_id = message.pk
        conversation.last_activity_at = message.created_at
        conversation.updated_at = now
    # The new marks are known here, under the conversations' locks: each row gets a plain UPDATE with its
    # values, all sent together. Django's `update()` built an UPDATE with subqueries on every batch, and
    # building it cost more than running it (a third of the server's time at 200 chat clients).
    _rows_update(
        Conversation,
        set_fields=("last_message_id", "last_activity_at", "updated_at"),
        key_fields=("id",),
        rows=[
            (c.last_message_id, c.last_activity_at, now, c.pk)
            for c in {conversations[message.conversation_id] for message in messages}
        ],
    )
    # The sender has read everything up to their own message (a read mark never moves backwards).
    own_newest = {(message.conversation_id, message.sender_id): message.pk for message in messages}
    _rows_update(
        Participant,
        set_fields=("last_read_id",),
        key_fields=("conversation_id", "user_id"),
        below="last_read_id",
        rows=[
            (message_id, conversation_id, sender_id, message_id)
            for (conversation_id, sender_id), message_id in own_newest.items()
        ],
    )

    new_for: dict[tuple[int, int], int] = defaultdict(int)
    for message in messages:
        for recipient_id in message.conversation.recipient_ids(message.sender_id):
            new_for[(recipient_id, message.conversation_id)] += 1
    counts = selectors.unread_counts_many(list(new_for))
    emailed: set[tuple[int, int]] = set()
    for message in messages:
        message.recipient_unread = {}
        message.schedule_email = False
        for recipient_id in message.conversation.recipient_ids(message.sender_id):
            key = (recipient_id, message.conversation_id)
            message.recipient_unread[recipient_id] = counts[key]
            # The offline-email check, once per unread streak rather than once per message: when every
            # message the recipient has not read here came in this batch.
            here = counts[key]["conversations"][str(key[1])]
            message.schedule_email |= key not in emailed and 0 < here <= new_for[key]
            emailed.add(key)
    transaction.on_commit(lambda: _after_messages(messages))


def _rows_update(model, *, set_fields: tuple, key_fields: tuple, rows: list[tuple], below: str | None = None) -> None:
    """Give each row its values in one `UPDATE … FROM (VALUES …)`: set_fields where key_fields match [and below < bound].

    Each row gives the values in that order (and the bound of `below` last), as the model's fields
    would, and names a different row of the table; each field prepares its value for this database
    (dates become text on SQLite). One statement for the batch, not one per row: under load each
    statement of a send is a wait for the GIL on the way back from the database.
    """
    fields = [model._meta.get_field(name) for name in (*set_fields, *key_fields, *((below,) if below else ()))]
    # This thread's connection itself, not the `connection` proxy: each of the proxy's attribute reads looks
    # the connection up again in asgiref's thread-and-task local, for every value.
    db = transaction.get_connection()
    params = [field.get_db_prep_value(value, db) for row in rows for field, value in zip(fields, row, strict=True)]
    with db.cursor() as cursor:
        cursor.execute(_row_update_sql(model, set_fields, key_fields, below, len(rows)), params)


@functools.cache
def _row_update_sql(model, set_fields: tuple, key_fields: tuple, below: str | None, count: int) -> str:
    quote = connection.ops.quote_name
    column = {field.name: field.column for field in model._meta.concrete_fields}
    column.update({field.attname: field.column for field in model._meta.concrete_fields})
    table = quote(model._meta.db_table)
    # VALUES names its columns column1, column2… on PostgreSQL and SQLite alike (SQLite takes no aliases).
    names = [*set_fields, *key_fields, *((below,) if below else ())]
    value = {name: f"new.column{position}" for position, name in enumerate(names, start=1)}
    sets = ", ".join(f"{quote(column[name])} = {value[name]}" for name in set_fields)
    where = [f"{table}.{quote(column[name])} = {value[name]}" for name in key_fields]
    if below:
        where.append(f"{table}.{quote(column[below])} < new.column{len(names)}")
    row = "(" + ", ".join(["%s"] * len(names)) + ")"
    # Only names from the model's metadata go into the text; every value is a parameter.
    return (
        f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([row] * count)}) AS new "  # noqa: S608
        f"WHERE {' AND '.join(where)}"
    )


@functools.cache
def _conversations_to_send_in() -> QuerySet[Conversation]:
    """Conversations locked for a send, in id order, with the inputs of the send rules.

    Each row carries whether a block stands between its two members, and how many messages each of them
    sent in the rate-limit window (`recent_by_client`, `recent_by_freelancer`; the window is measured
    by the database's clock, so the expressions never change). Built once per process and copied, never
    changed, by each `.filter()` on it: on the path of every chat message, building these expressions
    cost more CPU than the query takes to run. Locking in id order keeps two batches that share
    conversations from deadlocking.
    """
    recent = (
        Message.objects.filter(created_at__gte=Now() - RATE_LIMIT_WINDOW)
        .order_by()
        .values("sender_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Conversation.objects.select_for_update()
        .annotate(
            # Either way round: the sender is one of the two, and nobody can block themselves.
            blocked=Exists(
                Block.objects.filter(
                    Q(blocker_id=OuterRef("client_id"), blocked_id=OuterRef("freelancer_id"))
                    | Q(blocker_id=OuterRef("freelancer_id"), blocked_id=OuterRef("client_id"))
                )
            ),
            recent_by_client=Coalesce(Subquery(recent.filter(sender_id=OuterRef("client_id"))), 0),
            recent_by_freelancer=Coalesce(Subquery(recent.filter(sender_id=OuterRef("freelancer_id"))), 0),
        )
        .order_by("pk")
    )


@functools.cache
def _locked_read_statement(vendor: str, count: int) -> tuple[str, tuple]:
    """The locked read of `count` conversations as the ORM compiles it for this database: (SQL, the rules' params).

    Compiled once per process and batch size, then run with the ids appended: compiling
    the rules' subqueries cost more CPU than the database spent on the whole send (half of a
    one-message batch). `sql_with_params()` is the compiler's entry point that `str(query)` also uses;
    Django has no public API handing a compiled statement back. The ids come last in the statement
    (the WHERE clause follows the annotations): checked here with placeholder ids, so a Django
    upgrade that moves them fails loudly instead of binding the wrong values.
    """
    placeholders = list(range(-count, 0))
    sql, params = _conversations_to_send_in().filter(pk__in=placeholders).query.sql_with_params()
    if list(params[len(params) - count :]) != placeholders:
        raise RuntimeError(f"The conversation ids are not the last parameters of the locked read ({vendor}).")
    return sql, tuple(params[: len(params) - count])


def _conversations_for_send(ready: list[_ReadyMessage]) -> dict[int, Conversation]:
    """The batch's conversations, locked, with the inputs of the send rules (see above); by id.

    The rules' inputs come as subqueries of the one locked read rather than queries of their own: every
    chat message comes through here, and under load each round trip costs a wake-up and a wait for the GIL.
    The row locks (PostgreSQL) serialise each conversation's inserts, so server ids increase within it.
    SQLite has no row locks and Django leaves `select_for_update()` out there: its IMMEDIATE transactions
    (see DATABASES in settings.py) take the database's write lock at BEGIN, which serialises every writer.
    """
    ids = sorted({item.conversation_id for item in ready})
    sql, rule_params = _locked_read_statement(connection.vendor, len(ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rule_params, *ids])
        # Rows first: in pipeline mode the columns are known once the answer is in.
        rows = cursor.fetchall()
        columns = [column[0] for column in cursor.description]
    attname = {field.column: field.attname for field in Conversation._meta.concrete_fields}
    names = [attname.get(column, column) for column in columns]
    model_count = sum(column in attname for column in columns)  # the model's columns, then the annotations
    conversations = {}
    for row in rows:
        conversation = Conversation.from_db(connection.alias, names[:model_count], row[:model_count])
        for name, value in zip(names[model_count:], row[model_count:], strict=True):
            setattr(conversation, name, value)
        conversations[conversation.pk] = conversation
    with_added = [pk for pk, conversation in conversations.items() if conversation.has_added_members]
    if with_added:
        # Rare (a joint quote's conversation): one more query for who takes part and how much each added
        # member sent lately (the locked read counts the two sides only).
        for conversation in conversations.values():
            conversation.member_ids = [conversation.client_id, conversation.freelancer_id]
        for conversation_id, user_id in (
            Participant.objects.filter(conversation_id__in=with_added)
            .order_by("user_id")
            .values_list("conversation_id", "user_id")
        ):
            members = conversations[conversation_id].member_ids
            if user_id not in members:
                members.append(user_id)
    return conversations


def _member_ids(conversation: Conversation) -> list[int]:
    return conversation.__dict__.get("member_ids") or [conversation.client_id, conversation.freelancer_id]


def _recent_message_counts(conversations: dict[int, Conversation]) -> defaultdict[int, int]:
    """How many messages each member of these conversations sent in the rate-limit window, by user id."""
    recent: defaultdict[int, int] = defaultdict(int)
    added: set[int] = set()
    for conversation in conversations.values():
        recent[conversation.client_id] = conversation.recent_by_client
        recent[conversation.freelancer_id] = conversation.recent_by_freelancer
        added.update(_member_ids(conversation)[2:])
    added -= set(recent)
    if added:
        counted = (
            Message.objects.filter(sender_id__in=added, created_at__gte=Now() - RATE_LIMIT_WINDOW)
            .order_by()
            .values("sender_id")
            .annotate(n=Count("id"))
            .values_list("sender_id", "n")
        )
        recent.update(dict(counted))
    return recent


def _send_refusal(conversation, *, item: _ReadyMessage, recent_messages: int, incoming_before: int) -> Message | None:
    """Apply the send rules in their order: the saved message for a resend, else raise what refuses it.

    `conversation` comes from the locked read (None: missing or not the sender's). A resend that every
    rule lets through is answered by the insert's unique constraint instead (see `_save_messages`).
    """
    try:
        _check_send_rules(conversation, item=item, recent_messages=recent_messages, incoming_before=incoming_before)
    except DomainError:
        # A resend after a dropped connection: answer with what was saved, whatever the limits say now.
        existing = _message_for_client_id(
            user=item.user, client_uuid=item.client_uuid, conversation_id=item.conversation_id
        )
        if existing is None:
            raise
        if existing.content_hash != item.content_hash:
            raise Conflict(
                _("Cet identifiant de message a déjà servi pour un autre contenu."), field="client_id"
            ) from None
        return existing
    return None


def _check_send_rules(conversation, *, item: _ReadyMessage, recent_messages: int, incoming_before: int) -> None:
    """Raise what refuses a new message, by the first rule it breaks."""
    if not item.body and not item.checked:
        raise ValidationFailed(_("Le message est vide."), field="body")
    if len(item.body) > MAX_BODY_CHARS:
        raise ValidationFailed(_("Le message dépasse %(max)d caractères.") % {"max": MAX_BODY_CHARS}, field="body")
    if conversation is None:
        raise NotFound(_("Cette conversation n'existe pas."))
    if conversation.blocked:
        raise PermissionDenied(_("Vous ne pouvez plus écrire dans cette conversation : un blocage est en place."))
    if recent_messages >= RATE_LIMIT_MESSAGES:
        raise RateLimited(_("Doucement ! Trop de messages en peu de temps ; réessayez dans quelques secondes."))
    if item.checked:
        # Counting what this batch already took for the same member.
        incoming = incoming_before + sum(c.size for c in item.checked)
        storage_quota_check(user_id=item.user.pk, incoming=incoming, field="attachments")


def _message_sent_meanwhile(*, user, client_uuid, conversation_id, content_hash) -> Message:
    """The message another request saved under the same client id while we were saving ours."""
    existing = _message_for_client_id(user=user, client_uuid=client_uuid, conversation_id=conversation_id)
    if existing is None:
        raise IntegrityError("message insert refused without a message for its client id")
    if existing.content_hash != content_hash:
        raise Conflict(_("Cet identifiant de message a déjà servi pour un autre contenu."), field="client_id")
    return existing


def _message_for_client_id(*, user, client_uuid: uuid.UUID, conversation_id: int) -> Message | None:
    existing = Message.objects.filter(sender=user, client_id=client_uuid).prefetch_related("attachments").first()
    if existing is not None and existing.conversation_id != conversation_id:
        raise Conflict(_("Cet identifiant de message a déjà servi pour un autre contenu."), field="client_id")
    return existing


def _after_messages(messages: list[Message]) -> None:
    for message in messages:
        events.message_created(message, previous_id=message.previous_id)
        if message.schedule_email:
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
    events.read_updated(conversation_id=conversation_id, user_id=user_id, up_to=up_to)


# Against unsolicited mass messages: a member opens at most this many new peer conversations a day (the
# ones they already have always reopen). Counted in the database so every worker agrees.
PEER_CONVERSATIONS_PER_DAY = 10
PEER_RATE_WINDOW = datetime.timedelta(days=1)


def peer_conversation_open(*, user, with_user_id: int) -> tuple[Conversation, bool]:
    """Open a conversation between two freelancers without a project, or return the one they have.

    Both must have a public freelancer profile. Whoever opened it is `client`, the other `freelancer`
    (see Conversation). The same chat, protocol and send path as a project's conversation follow.
    """
    if not FreelancerProfile.objects.filter(user_id=user.pk, is_hidden=False).exists():
        raise PermissionDenied(_("Les conversations entre pigistes sont réservées aux pigistes : créez votre profil."))
    if with_user_id == user.pk:
        raise ValidationFailed(_("Vous ne pouvez pas vous écrire à vous-même."), field="with_user")
    other = User.objects.filter(
        pk=with_user_id, is_active=True, erased_at__isnull=True, freelancer_profile__is_hidden=False
    ).first()
    if other is None:
        raise NotFound(_("Ce pigiste n'existe pas ou son profil n'est plus public."), field="with_user")

    existing = _peer_conversation_between(user.pk, other.pk)
    if existing is not None:
        return existing, False
    if _users_blocked(user_a_id=user.pk, user_b_id=other.pk):
        raise PermissionDenied(_("Cette conversation n'est pas possible : l'un de vous a bloqué l'autre."))
    try:
        with transaction.atomic():
            # The opener's row lock serialises their openings, so two at once can't both pass the limit.
            User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
            opened_lately = Conversation.objects.filter(
                project__isnull=True, client_id=user.pk, created_at__gte=timezone.now() - PEER_RATE_WINDOW
            ).count()
            if opened_lately >= PEER_CONVERSATIONS_PER_DAY:
                raise RateLimited(
                    _(
                        "Vous avez ouvert %(n)d conversations avec des pigistes aujourd'hui : c'est la limite. "
                        "Réessayez demain, ou poursuivez une conversation existante."
                    )
                    % {"n": PEER_CONVERSATIONS_PER_DAY}
                )
            conversation = Conversation.objects.create(project=None, client_id=user.pk, freelancer=other)
            Participant.objects.bulk_create(
                [
                    Participant(conversation=conversation, user_id=user.pk),
                    Participant(conversation=conversation, user=other),
                ]
            )
    except IntegrityError:
        # The other opened it at the same moment (one_peer_conversation_per_pair): theirs is ours.
        return _peer_conversation_between(user.pk, other.pk), False
    return conversation, True


def _peer_conversation_between(user_a_id: int, user_b_id: int) -> Conversation | None:
    return Conversation.objects.filter(
        Q(client_id=user_a_id, freelancer_id=user_b_id) | Q(client_id=user_b_id, freelancer_id=user_a_id),
        project__isnull=True,
    ).first()


def user_block(*, user, blocked_user_id: int) -> Block:
    """Block another member: no new message either way; history stays readable."""
    if blocked_user_id == user.pk:
        raise ValidationFailed(_("Vous ne pouvez pas vous bloquer vous-même."))
    if not User.objects.filter(pk=blocked_user_id).exists():
        raise NotFound(_("Ce membre n'existe pas."))
    block, _created = Block.objects.get_or_create(blocker=user, blocked_id=blocked_user_id)
    return block


def user_unblock(*, user, blocked_user_id: int) -> None:
    """Lift a block `user` placed (a block placed by the other person stays)."""
    Block.objects.filter(blocker=user, blocked_id=blocked_user_id).delete()


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
    Each email is claimed under the participant's lock and leaves after that commit (marketplace/common/mailer.py).
    """
    from django.conf import settings
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
                # Only the participant's row: PostgreSQL can't lock the nullable side of the outer join to a
                # peer conversation's missing project (Conversation.project is NULL between two freelancers).
                Participant.objects.select_for_update(skip_locked=True, of=("self",))
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
            # The claim: committed before the email leaves, handed back if the relay refuses it.
            before = {
                "last_emailed_at": participant.last_emailed_at,
                "last_emailed_message_id": participant.last_emailed_message_id,
            }
            participant.last_emailed_at = now
            participant.last_emailed_message_id = unread[-1].pk
            participant.save(update_fields=["last_emailed_at", "last_emailed_message_id"])
            claim = Participant.objects.filter(
                pk=participant.pk, last_emailed_at=now, last_emailed_message_id=unread[-1].pk
            )
            email_send_after_commit(
                to=user.email,
                subject=subject,
                body=body,
                give_back=lambda claim=claim, before=before: claim.update(**before),
            )
            sent += 1
    return sent
