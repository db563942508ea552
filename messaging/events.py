"""The only caller of the channel layer: real-time pushes, sent after the database commit.

Pushes are hints (the Redis layer delivers at most once and may be down): the database is the
source of truth and clients catch up by id. A failed push is logged, never raised to the writer.

Group names are namespaced `messaging.user.<id>` (every socket of a member) and
`messaging.conversation.<id>` (sockets subscribed to a conversation); event types are
`messaging.<frame type>` and handled by `messaging.consumers.LiveConsumer`.
"""

from __future__ import annotations

import asyncio
import logging
import os

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"messaging.user.{user_id}"


def conversation_group(conversation_id: int) -> str:
    return f"messaging.conversation.{conversation_id}"


# --- Sending from synchronous code (services, after commit) -----------------------------------


def _send(group: str, event: dict) -> None:
    _send_all([(group, event)])


def _send_all(pushes: list[tuple[str, dict]], *, after: str | None = None) -> None:
    """Send pushes in order; never raises, and never holds the writer up when an event loop can do it.

    Called from a worker thread of the ASGI server (a consumer's or a view's ORM work), the pushes are
    handed to the server's event loop and the thread goes back to serving: waiting for Redis there
    held a database thread for several round trips per message, and for seconds while Redis was down.
    Anywhere else (tests, commands, WSGI) they are sent before returning. Batches sharing an `after`
    key (default: their first group) go out in the order they were handed over.
    """
    layer = get_channel_layer()
    if layer is None or not pushes:
        return
    loop = _server_loop()
    if loop is not None:
        loop.call_soon_threadsafe(_start_pushes, layer, pushes, after or pushes[0][0])
    else:
        async_to_sync(_push_in_order)(layer, pushes)


def _server_loop():
    """The event loop that runs this thread's sync code through asgiref's SyncToAsync, if any."""
    from asgiref.sync import SyncToAsync

    local = SyncToAsync.threadlocal
    loop = getattr(local, "main_event_loop", None)
    if loop is None or getattr(local, "main_event_loop_pid", None) != os.getpid() or not loop.is_running():
        return None
    return loop


# Per process: the last batch of pushes scheduled for each ordering key (a conversation's group).
_tails: dict[str, asyncio.Future] = {}
_running: set[asyncio.Task] = set()


def _start_pushes(layer, pushes, key) -> None:
    """Runs in the event loop: send this batch once the previous batch with the same key is out.

    Batches for different conversations go out concurrently; within a conversation they keep the
    order of the commits (the row lock orders them), so sockets rarely see a gap and reread.
    """
    loop = asyncio.get_running_loop()
    previous, done = _tails.get(key), loop.create_future()
    _tails[key] = done
    task = loop.create_task(_push_after(previous, layer, pushes, key, done))
    _running.add(task)
    task.add_done_callback(_running.discard)


async def _push_after(previous, layer, pushes, key, done) -> None:
    try:
        if previous is not None:
            await previous
        await _push_in_order(layer, pushes)
    finally:
        done.set_result(None)
        if _tails.get(key) is done:
            del _tails[key]


async def _push_in_order(layer, pushes) -> None:
    for group, event in pushes:
        try:
            await layer.group_send(group, event)
        except Exception:
            # Redis down or slow: the write is committed; sockets catch up from the database.
            logger.warning("Live push to %s failed; clients will catch up by id.", group, exc_info=True)


def _unread_event(*, user_id: int, conversation_id: int | None = None) -> dict:
    from messaging import selectors

    return {"type": "messaging.unread", **selectors.unread_counts(user_id=user_id, conversation_id=conversation_id)}


def message_created(message, *, previous_id: int) -> None:
    """Push a saved message to the conversation's sockets and the new unread counts to the recipient.

    `previous_id` is the conversation's last message before this one: a socket whose last delivered
    id differs knows it missed something and reloads from the database.
    """
    from messaging import selectors

    payload = selectors.message_payload(message)
    group = conversation_group(message.conversation_id)
    # The message goes out before its recipient's counts are even read (a round trip less before
    # delivery), and the counts after it: a tab shows the message before its badge moves.
    _send_all([(group, {"type": "messaging.message", "message": payload, "previous_id": previous_id})])
    recipient_id = message.conversation.other_user_id(message.sender_id)
    _send_all(
        [(user_group(recipient_id), _unread_event(user_id=recipient_id, conversation_id=message.conversation_id))],
        after=group,
    )


def read_updated(*, conversation_id: int, user_id: int, up_to: int) -> None:
    """Tell the conversation someone read up to an id ("Vu"), and the reader's sockets their new counts."""
    _send_all(
        [
            (
                conversation_group(conversation_id),
                {"type": "messaging.read", "conversation": conversation_id, "user": user_id, "up_to": up_to},
            ),
            (user_group(user_id), _unread_event(user_id=user_id, conversation_id=conversation_id)),
        ]
    )


def unread_changed(*, user_id: int) -> None:
    """Push a member's unread counts (after they read notifications, for instance)."""
    _send(user_group(user_id), _unread_event(user_id=user_id))


def notification_created(notification) -> None:
    """Push a new notification to its recipient's open sockets."""
    from messaging import selectors

    _send(
        user_group(notification.recipient_id),
        {
            "type": "messaging.notification",
            "notification": {
                "id": notification.pk,
                "kind": notification.kind,
                "title": notification.title,
                "body": notification.body,
                "url": notification.url,
                "created_at": notification.created_at.isoformat(),
            },
            "unread": selectors.unread_notification_count(user=notification.recipient),
        },
    )


def quote_changed(quote) -> None:
    """Push a quote's creation or change of state to the project owner and the quote's author."""
    from django.utils import translation

    from profiles.models import User

    users = User.objects.filter(pk__in={quote.project.owner_id, quote.freelancer_id}).only("pk", "language")
    for user in users:
        with translation.override(user.language or "fr-ca"):
            label = str(quote.get_status_display())
        _send(
            user_group(user.pk),
            {
                "type": "messaging.quote",
                "project": quote.project_id,
                "quote": quote.pk,
                "status": quote.status,
                "status_label": label,
            },
        )


# --- Used by the WebSocket consumer (async) ------------------------------------------------------


async def new_channel() -> str | None:
    layer = get_channel_layer()
    return None if layer is None else await layer.new_channel()


async def receive(channel_name: str) -> dict:
    """Wait for the next event of a socket's channel; while the layer is down, retry with backoff.

    On recovery returns a `messaging.layer_recovered` event so the socket rejoins its groups (a
    restarted Redis forgot them) and catches up from the database.
    """
    layer = get_channel_layer()
    delay, failed = 0.2, False
    while True:
        try:
            if failed:
                # Cheap probe so we don't sit in a blocking receive on a dead connection.
                await layer.group_add("messaging.probe", channel_name)
                await layer.group_discard("messaging.probe", channel_name)
                return {"type": "messaging.layer_recovered"}
            return await layer.receive(channel_name)
        except asyncio.CancelledError:
            raise
        except Exception:
            if not failed:
                logger.warning(
                    "Channel layer unreachable; socket %s keeps serving from the database.", channel_name, exc_info=True
                )
            failed = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


async def join(channel_name: str, group: str) -> bool:
    layer = get_channel_layer()
    try:
        await layer.group_add(group, channel_name)
    except Exception as exc:
        logger.warning("Could not join %s (%r); the socket retries and catches up.", group, exc)
        return False
    return True


async def leave(channel_name: str, group: str) -> None:
    layer = get_channel_layer()
    try:
        await layer.group_discard(group, channel_name)
    except Exception:
        logger.info("Could not leave %s (layer down); the membership expires by itself.", group)


async def typing(*, conversation_id: int, user_id: int) -> None:
    """Tell the conversation's sockets someone is typing (not saved; lost pushes don't matter)."""
    layer = get_channel_layer()
    try:
        await layer.group_send(
            conversation_group(conversation_id),
            {"type": "messaging.typing", "conversation": conversation_id, "user": user_id},
        )
    except Exception:
        logger.info("Typing push to conversation %s dropped (layer down).", conversation_id)
