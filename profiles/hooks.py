"""What the apps above profiles tell it, registered in their AppConfig.ready(): profiles can't import them.

- privacy cancels a scheduled account deletion when its member signs in: `sign_in_listen(...)`.
- projects counts what a profile's reputation shows beyond its reviews (`recommended_by`: colleagues whose
  recommendation led to a quote): `profile_count_provide(...)`.
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


_profile_counters: dict[str, Callable[..., dict[int, int]]] = {}


def profile_count_provide(name: str, counter: Callable[..., dict[int, int]]) -> None:
    """Have `counter(profile_ids=[...])` answer `profile_counts(name, ...)`: a number per profile id."""
    _profile_counters[name] = counter


def profile_counts(name: str, *, profile_ids) -> dict[int, int]:
    """The provided count `name` for each profile id (missing ids count 0; no provider, nothing)."""
    counter = _profile_counters.get(name)
    return counter(profile_ids=list(profile_ids)) if counter else {}
