"""What the apps above profiles tell it, registered in their AppConfig.ready(): profiles can't import them.

- privacy cancels a scheduled account deletion when its member signs in: `sign_in_listen(...)`.
"""

from __future__ import annotations

from collections.abc import Callable

_sign_in_listeners: list[Callable[..., object]] = []


def sign_in_listen(listener: Callable[..., object]) -> None:
    """Have `listener(user=..., request=...)` hear every sign-in: on the site (request set) or for an API token."""
    if listener not in _sign_in_listeners:
        _sign_in_listeners.append(listener)


def signed_in(*, user, request=None) -> None:
    """Tell the listeners that `user` just signed in (`request` is None outside a web page)."""
    for listener in _sign_in_listeners:
        listener(user=user, request=request)
