"""What the apps above this one tell it, registered in their AppConfig.ready(): it can't import them.

- profiles keeps each member's e-mail preferences: `email_allowed_set(profiles' email_allowed)`.
- messaging counts unread messages and notifications together on the socket's badge:
  `unread_changed_listen(messaging.events.unread_changed)`.
"""

from __future__ import annotations

from collections.abc import Callable

_email_allowed: Callable[..., bool] | None = None
_unread_listeners: list[Callable[..., None]] = []


def email_allowed_set(check: Callable[..., bool]) -> None:
    """Have `check(user=..., kind=...)` decide whether a notification is e-mailed now."""
    global _email_allowed
    _email_allowed = check


def email_allowed(*, user, kind) -> bool:
    """Whether to e-mail `user` about a notification of `kind` now; without preferences, yes."""
    return True if _email_allowed is None else _email_allowed(user=user, kind=kind)


def unread_changed_listen(listener: Callable[..., None]) -> None:
    """Have `listener(user_id=...)` hear, after the commit, that a member's unread notifications changed."""
    if listener not in _unread_listeners:
        _unread_listeners.append(listener)


def unread_changed(*, user_id: int) -> None:
    for listener in _unread_listeners:
        listener(user_id=user_id)
