"""The site-wide WebSocket at /ws/: chat frames and the live events of the whole site (see PROTOCOL.md).

The consumer never touches the ORM itself: it calls service and selector functions wrapped with
`db()` (Channels' `database_sync_to_async` minus a probe per call), and reaches the channel layer
only through `marketplace.common.live` (chat events: `messaging.events`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
import weakref
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from community.selectors import group_unread_total
from marketplace.common import live
from marketplace.common.errors import DomainError
from marketplace.common.json_input import JSONInputError, json_input_loads
from messaging import events, selectors, services
from notifications.selectors import unread_notification_count

logger = logging.getLogger(__name__)

# A frame carries at most one 5 000-character message plus its envelope, even with every character
# \u-escaped (12 characters for an emoji); anything bigger is refused.
MAX_FRAME_CHARS = 65_536
MAX_SUBSCRIPTIONS = 50
TYPING_INTERVAL = 1.0
CATCH_UP_BATCH = 200
# How long a sender's own message may wait for the pushes before it (from the other side, still on
# their way) before the socket reads the database instead.
GAP_GRACE = 0.5


def _with_connection_checks(func):
    """Channels' `database_sync_to_async`, without a liveness probe on every call.

    Channels closes "old" connections around each call, which also resets CONN_HEALTH_CHECKS: every
    call then started with a `SELECT 1`, a quarter of a chat message's database round trips. Here a
    connection goes through Django's check (and is closed if needed) only when it may be broken or
    obsolete: an error occurred, it outlived CONN_MAX_AGE, or a transaction was left open — the
    cases in which that check closes it.
    """

    @functools.wraps(func)
    def call(*args, **kwargs):
        _close_broken_or_old_connections()
        try:
            return func(*args, **kwargs)
        finally:
            _close_broken_or_old_connections()

    return call


def _close_broken_or_old_connections():
    now = time.monotonic()
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and (
            conn.errors_occurred
            or (conn.close_at is not None and now >= conn.close_at)
            or conn.get_autocommit() != conn.settings_dict["AUTOCOMMIT"]
        ):
            conn.close_if_unusable_or_obsolete()


# Sockets wait on the database, not on the CPU: the loop's default pool (CPUs + 4 threads) queued
# sends behind each other under load. Each thread holds one database connection (per worker process).
_db_threads = ThreadPoolExecutor(max_workers=settings.CHAT_DATABASE_THREADS, thread_name_prefix="chat-db")


def db(func):
    """Run an ORM-touching function in a worker thread (not the single shared one: chat is concurrent)."""
    return sync_to_async(_with_connection_checks(func), thread_sensitive=False, executor=_db_threads)


# --- ORM access, each in one function run in a thread --------------------------------------------


@db
def _connect_state(user):
    return {
        "total": selectors.unread_message_total(user=user),
        "notifications": unread_notification_count(user=user),
        # Unread posts of the member's groups' bulletin boards (the header's "Groupes" badge).
        "groups": group_unread_total(user=user),
    }


@db
def _subscribe(user, conversation_id, after):
    conversation = selectors.conversation_get_for_reader(user=user, conversation_id=conversation_id)
    messages, _has_more = selectors.message_list(conversation=conversation, after=after, limit=CATCH_UP_BATCH)
    return (
        conversation.pk,
        selectors.conversation_is_participant(user=user, conversation=conversation),
        [selectors.message_payload(m) for m in messages],
        selectors.read_marks(conversation=conversation),
    )


@db
def _catch_up(conversation_id, after):
    from messaging.models import Conversation

    conversation = Conversation(pk=conversation_id)
    messages, has_more = selectors.message_list(conversation=conversation, after=after, limit=CATCH_UP_BATCH)
    return [selectors.message_payload(m) for m in messages], has_more


@db
def _send_batch(outgoing):
    return [
        result if isinstance(result, DomainError) else (selectors.message_payload(result[0]), result[0], result[1])
        for result in services.messages_send(outgoing)
    ]


class _SendBatches:
    """The sends of every socket of this process (and event loop), saved in batches.

    A batch is whatever waited while the batches before it were being saved: under load the statements
    of a send (the locked read, the updates, the transaction, each a wait for the GIL on the way back)
    are paid once for many messages, which is what lets one process carry hundreds of chatting
    sockets; a send that finds nothing under way is saved at once.
    """

    def __init__(self):
        self.waiting: list[tuple[services.OutgoingMessage, asyncio.Future]] = []
        self.saving: set[asyncio.Task] = set()

    async def send(self, outgoing: services.OutgoingMessage):
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((outgoing, future))
        if len(self.saving) < SEND_BATCHES_IN_FLIGHT:
            task = asyncio.create_task(self._save_waiting())
            self.saving.add(task)
            task.add_done_callback(self.saving.discard)
        return await future

    async def _save_waiting(self):
        while self.waiting:
            batch, self.waiting = self.waiting[:MAX_SEND_BATCH], self.waiting[MAX_SEND_BATCH:]
            try:
                results = await _send_batch([outgoing for outgoing, _future in batch])
            except Exception as exc:  # the database is away: every send of the batch says so
                results = [exc] * len(batch)
            for (_outgoing, future), result in zip(batch, results, strict=True):
                if future.done():
                    continue  # its socket went away meanwhile; the client resends by client id
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)


MAX_SEND_BATCH = 50
# Batches saved at once: while one waits on the database (or for the GIL between its statements),
# another is under way; conversations are locked in id order, so two batches never deadlock.
SEND_BATCHES_IN_FLIGHT = 2
_send_batches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _SendBatches] = weakref.WeakKeyDictionary()


async def _send(user, conversation_id, client_id, body):
    """Save a message through this loop's batches; returns (payload, previous id if created, else None)."""
    loop = asyncio.get_running_loop()
    batches = _send_batches.get(loop)
    if batches is None:
        batches = _send_batches[loop] = _SendBatches()
    payload, message, created = await batches.send(
        services.OutgoingMessage(user=user, conversation_id=conversation_id, client_id=client_id, body=body)
    )
    return payload, message.previous_id if created else None


@db
def _read(user, conversation_id, up_to):
    return services.conversation_mark_read(user=user, conversation_id=conversation_id, up_to=up_to)


class LiveConsumer(AsyncWebsocketConsumer):
    """One socket per tab: conversations it subscribed to, plus the member's own live events."""

    async def __call__(self, scope, receive, send):
        # As AsyncConsumer.__call__, but the channel side goes through `marketplace.common.live`, which
        # survives a Redis outage instead of killing every socket of the process.
        self.scope = scope
        self.channel_layer = None
        self.channel_name = await live.new_channel()
        self.base_send = send
        # Internal events (group joins retried after a failure) go through the same sequential
        # dispatch as everything else, so deliveries to this socket never interleave.
        self.internal: asyncio.Queue = asyncio.Queue()
        self.pending_joins: dict[str, int | None] = {}
        self.rejoin_task: asyncio.Task | None = None
        self.gap_checks: set[asyncio.Task] = set()
        # Pushes published while Redis was away are lost: when it comes back, read the database.
        live.watch_layer(self._layer_recovered)
        try:
            with contextlib.suppress(StopConsumer):
                await await_many_dispatch([receive, self._channel_receive, self.internal.get], self.dispatch)
        finally:
            if self.rejoin_task is not None:
                self.rejoin_task.cancel()
            for task in list(self.gap_checks):
                task.cancel()
            await live.unwatch_layer(self._layer_recovered)

    async def dispatch(self, message):
        # As AsyncConsumer.dispatch without its per-event hop to the one shared sync thread
        # (close_old_connections): every ORM call here already runs through `db()`, which closes
        # stale connections around itself. Under load that hop was a queue every event waited in.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    def _layer_recovered(self):
        self.internal.put_nowait({"type": "messaging.layer_recovered"})

    async def _channel_receive(self):
        if self.channel_name is None:
            # No layer configured: never yields, the client side still works.
            await asyncio.Event().wait()
        return await live.receive(self.channel_name)

    # --- Connection ---------------------------------------------------------------------------

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Close before accepting: the browser sees a refused handshake (HTTP 403).
            await self.close()
            return
        self.user = user
        # conversation id → last message id this socket delivered; the dedup and gap detector.
        self.subscriptions: dict[int, int] = {}
        self.can_write: dict[int, bool] = {}
        self.last_typing: dict[int, float] = {}
        self.recent_frames: deque[float] = deque(maxlen=60)
        await self.accept()
        await self._join(live.user_group(user.pk))
        state = await _connect_state(user)
        await self._frame({"type": "unread", **state})

    async def disconnect(self, code):
        user = getattr(self, "user", None)
        if user is None or self.channel_name is None:
            return
        await live.leave(self.channel_name, live.user_group(user.pk))
        for conversation_id in list(getattr(self, "subscriptions", {})):
            await live.leave(self.channel_name, events.conversation_group(conversation_id))

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            await self._error("bad_frame", _("Seules les trames JSON texte sont acceptées."))
            return
        if len(text_data) > MAX_FRAME_CHARS:
            await self._error("too_large", _("Trame trop grande."))
            return
        try:
            frame = json_input_loads(text_data)
        except JSONInputError as exc:
            await self._error("bad_json", _("Trame illisible : %(why)s") % {"why": exc.message})
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self._error("bad_frame", _("Chaque trame est un objet JSON avec un « type »."))
            return
        handler = {
            "subscribe": self.on_subscribe,
            "unsubscribe": self.on_unsubscribe,
            "send": self.on_send,
            "typing": self.on_typing,
            "read": self.on_read,
            "ping": self.on_ping,
        }.get(frame["type"])
        if handler is None:
            await self._error("unknown_type", _("Type de trame inconnu."))
            return
        # Every refusal of a send names its client id, so the client settles that message at once
        # instead of waiting for its resend timer (PROTOCOL.md).
        extra = {"client_id": frame.get("client_id")} if frame["type"] == "send" else {}
        if "conversation" in frame:
            extra["conversation"] = frame.get("conversation")
        try:
            await handler(frame)
        except DomainError as exc:
            await self._error(exc.code, str(exc.message), **extra)
        except _MissingField as exc:
            await self._error(
                "missing_field", _("Champ manquant ou invalide : %(field)s.") % {"field": exc.field}, **extra
            )
        except OSError:
            # The peer went away while we were answering (uvicorn raises ClientDisconnected, an OSError).
            return
        except Exception:
            # Never crash the socket, never leak internals.
            logger.exception("WebSocket frame failed")
            await self._error("server_error", _("Erreur du serveur ; réessayez."), **extra)

    # --- Client frames --------------------------------------------------------------------------

    async def on_ping(self, frame):
        await self._frame({"type": "pong"})

    async def on_subscribe(self, frame):
        conversation_id = _int_field(frame, "conversation")
        after = _int_field(frame, "after", default=0)
        if conversation_id not in self.subscriptions and len(self.subscriptions) >= MAX_SUBSCRIPTIONS:
            await self._error("too_many_subscriptions", _("Trop de conversations ouvertes sur ce socket."))
            return
        # Join first, then read: anything committed meanwhile arrives as an event and is deduplicated.
        group = events.conversation_group(conversation_id)
        joined = await live.join(self.channel_name, group)
        try:
            pk, can_write, messages, marks = await _subscribe(self.user, conversation_id, after)
        except DomainError:
            await live.leave(self.channel_name, events.conversation_group(conversation_id))
            raise
        self.subscriptions[pk] = after
        self.can_write[pk] = can_write
        if not joined:
            self._retry_join(group, pk)
        await self._frame({"type": "subscribed", "conversation": pk, "read": marks, "read_only": not can_write})
        await self._deliver(pk, messages)
        if len(messages) == CATCH_UP_BATCH:
            await self._catch_up(pk)

    async def on_unsubscribe(self, frame):
        conversation_id = _int_field(frame, "conversation")
        if self.subscriptions.pop(conversation_id, None) is not None:
            await live.leave(self.channel_name, events.conversation_group(conversation_id))

    async def on_send(self, frame):
        conversation_id = _int_field(frame, "conversation")
        client_id = frame.get("client_id")
        body = frame.get("body")
        if not isinstance(client_id, str):
            raise _MissingField("client_id")
        if not isinstance(body, str):
            raise _MissingField("body")
        payload, previous_id = await _send(self.user, conversation_id, client_id, body)
        await self._frame(
            {"type": "ack", "client_id": payload["client_id"], "id": payload["id"], "conversation": conversation_id}
        )
        last = self.subscriptions.get(conversation_id)
        if last is None or payload["id"] <= last:
            return
        if previous_id is not None and previous_id == last:
            await self._deliver(conversation_id, [payload])
        else:
            # A message from the other side is still on its way (or a resend): never jump over it.
            # Its push and then ours arrive in order and are delivered as they come; if they don't
            # (a lost push, Redis down), the database fills the gap after a short grace. Reading the
            # database at once here made every crossing of two messages cost a query under load.
            self._check_gap_later(conversation_id, payload["id"])

    async def on_typing(self, frame):
        conversation_id = _int_field(frame, "conversation")
        if not self.can_write.get(conversation_id):
            await self._error(
                "not_subscribed", _("Abonnez-vous d'abord à cette conversation."), conversation=conversation_id
            )
            return
        now = time.monotonic()
        if now - self.last_typing.get(conversation_id, 0) < TYPING_INTERVAL:
            return
        self.last_typing[conversation_id] = now
        await events.typing(conversation_id=conversation_id, user_id=self.user.pk)

    async def on_read(self, frame):
        conversation_id = _int_field(frame, "conversation")
        up_to = _int_field(frame, "up_to")
        await _read(self.user, conversation_id, up_to)

    # --- Channel-layer events (pushes are hints; the database repairs any gap) -------------------

    async def messaging_message(self, event):
        message = event["message"]
        conversation_id = message["conversation"]
        if conversation_id not in self.subscriptions:
            return
        await self._deliver_with_gap_check(conversation_id, message, previous_id=event.get("previous_id"))

    async def messaging_typing(self, event):
        if event["user"] != self.user.pk and event["conversation"] in self.subscriptions:
            await self._frame({"type": "typing", "conversation": event["conversation"], "user": event["user"]})

    async def messaging_read(self, event):
        if event["conversation"] in self.subscriptions:
            await self._frame(
                {"type": "read", "conversation": event["conversation"], "user": event["user"], "up_to": event["up_to"]}
            )

    async def messaging_unread(self, event):
        frame = {key: value for key, value in event.items() if key != "type"}
        await self._frame({"type": "unread", **frame})

    async def messaging_notification(self, event):
        await self._frame({"type": "notification", "notification": event["notification"], "unread": event["unread"]})

    async def messaging_quote(self, event):
        frame = {key: value for key, value in event.items() if key != "type"}
        await self._frame({"type": "quote", **frame})

    async def messaging_bulletin(self, event):
        """A new post on the board of one of the member's groups (community.services.bulletin)."""
        frame = {key: value for key, value in event.items() if key != "type"}
        await self._frame({"type": "bulletin", **frame})

    async def messaging_layer_recovered(self, event):
        """Redis came back (possibly empty): rejoin every group, then fetch what the pushes missed."""
        if getattr(self, "user", None) is None:
            return  # refused before the handshake completed
        await self._join(live.user_group(self.user.pk))
        for conversation_id in list(self.subscriptions):
            await self._join(events.conversation_group(conversation_id), conversation_id)
            await self._catch_up(conversation_id)
        state = await _connect_state(self.user)
        await self._frame({"type": "unread", **state})

    async def messaging_gap_check(self, event):
        """A message this socket sent was not delivered by its push in time: read the database."""
        conversation_id = event["conversation"]
        if conversation_id in self.subscriptions and self.subscriptions[conversation_id] < event["up_to"]:
            await self._catch_up(conversation_id)

    async def messaging_rejoined(self, event):
        """A group join that had failed went through: read what its pushes would have brought."""
        conversation_id = event.get("conversation")
        if conversation_id in self.subscriptions:
            await self._catch_up(conversation_id)
        elif conversation_id is None:
            state = await _connect_state(self.user)
            await self._frame({"type": "unread", **state})

    # --- Helpers ----------------------------------------------------------------------------------

    async def _join(self, group, conversation_id=None):
        if not await live.join(self.channel_name, group):
            self._retry_join(group, conversation_id)

    def _check_gap_later(self, conversation_id, message_id):
        async def check():
            await asyncio.sleep(GAP_GRACE)
            # Through the socket's own queue, so it never interleaves with another delivery.
            await self.internal.put(
                {"type": "messaging.gap_check", "conversation": conversation_id, "up_to": message_id}
            )

        task = asyncio.create_task(check())
        self.gap_checks.add(task)
        task.add_done_callback(self.gap_checks.discard)

    def _retry_join(self, group, conversation_id):
        """A socket outside its groups would hear nothing: keep trying in the background."""
        self.pending_joins[group] = conversation_id
        if self.rejoin_task is None or self.rejoin_task.done():
            self.rejoin_task = asyncio.create_task(self._rejoin_loop())

    async def _rejoin_loop(self):
        delay = 0.2
        while self.pending_joins:
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
            for group, conversation_id in list(self.pending_joins.items()):
                if await live.join(self.channel_name, group):
                    self.pending_joins.pop(group, None)
                    await self.internal.put({"type": "messaging.rejoined", "conversation": conversation_id})

    async def _deliver_with_gap_check(self, conversation_id, message, *, previous_id):
        last = self.subscriptions.get(conversation_id, 0)
        if message["id"] <= last:
            return  # already delivered
        if previous_id is not None and previous_id != last:
            # We missed something (a dropped push, or pushes arriving out of order): read the database.
            await self._catch_up(conversation_id)
            return
        await self._deliver(conversation_id, [message])

    async def _catch_up(self, conversation_id):
        while conversation_id in self.subscriptions:
            messages, has_more = await _catch_up(conversation_id, self.subscriptions[conversation_id])
            await self._deliver(conversation_id, messages)
            if not has_more:
                return

    async def _deliver(self, conversation_id, messages):
        for message in messages:
            if message["id"] > self.subscriptions.get(conversation_id, 0):
                self.subscriptions[conversation_id] = message["id"]
                await self._frame({"type": "message", "message": message})

    async def _frame(self, frame):
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def _error(self, code, message, **extra):
        await self._frame({"type": "error", "code": code, "message": str(message), **extra})


class _MissingField(Exception):
    def __init__(self, field):
        super().__init__(field)
        self.field = field


def _int_field(frame, name, *, default=None):
    value = frame.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 2**62:
        raise _MissingField(name)
    return value
