"""The only caller of the channel layer: real-time pushes, sent after the database commit.

Pushes are hints (the Redis layer delivers at most once); clients catch up from the database.
"""


def notification_created(notification) -> None:
    """Push a new notification to its recipient's open sockets."""
    # Filled in with the WebSocket consumer (messaging issue).


def quote_changed(quote) -> None:
    """Push a quote's creation or change of state to the project owner and the quote's author."""
    # Filled in with the WebSocket consumer (messaging issue).
