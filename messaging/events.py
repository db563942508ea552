"""Chat events: what a conversation's sockets and its members' unread badges hear, after the commit.

Sent through marketplace.common.live, the only caller of the channel layer (pushes are hints:
clients catch up by id). A conversation's sockets share the group `messaging.conversation.<id>`;
a member's own events go to their group (`live.user_group`). Event types are `messaging.<frame
type>`, handled by `messaging.consumers.LiveConsumer`.
"""

from __future__ import annotations

from marketplace.common import live
from marketplace.common.live import user_group
from messaging import selectors


def conversation_group(conversation_id: int) -> str:
    return f"messaging.conversation.{conversation_id}"


def _unread_event(*, user_id: int, conversation_id: int | None = None) -> dict:
    return {"type": "messaging.unread", **selectors.unread_counts(user_id=user_id, conversation_id=conversation_id)}


def message_created(message, *, previous_id: int) -> None:
    """Push a saved message to the conversation's sockets and the new unread counts to the recipient.

    `previous_id` is the conversation's last message before this one: a socket whose last delivered
    id differs knows it missed something and reloads from the database.
    """
    payload = selectors.message_payload(message)
    group = conversation_group(message.conversation_id)
    # The send path read each recipient's counts in its transaction (`message.recipient_unread`).
    counts = message.__dict__.get("recipient_unread")
    if counts is None:
        counts = {
            recipient_id: selectors.unread_counts(user_id=recipient_id, conversation_id=message.conversation_id)
            for recipient_id in message.conversation.recipient_ids(message.sender_id)
        }
    # The message goes out first and the counts after it: a tab shows the message before its badge moves.
    live.push_all(
        [
            (group, {"type": "messaging.message", "message": payload, "previous_id": previous_id}),
            *((user_group(recipient_id), {"type": "messaging.unread", **c}) for recipient_id, c in counts.items()),
        ]
    )


def read_updated(*, conversation_id: int, user_id: int, up_to: int) -> None:
    """Tell the conversation someone read up to an id ("Vu"), and the reader's sockets their new counts."""
    live.push_all(
        [
            (
                conversation_group(conversation_id),
                {"type": "messaging.read", "conversation": conversation_id, "user": user_id, "up_to": up_to},
            ),
            (user_group(user_id), _unread_event(user_id=user_id, conversation_id=conversation_id)),
        ]
    )


def unread_changed(*, user_id: int) -> None:
    """Push a member's unread counts, messages and notifications (after they read notifications, for instance)."""
    live.push_to_user(user_id, _unread_event(user_id=user_id))


async def typing(*, conversation_id: int, user_id: int) -> None:
    """Tell the conversation's sockets someone is typing (not saved; lost pushes don't matter)."""
    await live.push_now(
        conversation_group(conversation_id),
        {"type": "messaging.typing", "conversation": conversation_id, "user": user_id},
    )
