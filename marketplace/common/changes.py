"""What changed, said by the app that changed it, inside its own transaction: the "changed" marker.

The domain apps (profiles, projects) call `profile_changed` / `project_changed` in the transaction
that changes a freelancer profile or a project (or removes it). The parts that follow changes stand
above them and register here in their AppConfig.ready(): search records each change in its outbox
(search/outbox.py), in the same transaction, so the change and its outbox entry commit or roll back
together and the drain brings it to every index. The domain apps never import search.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

PROFILE = "profile"
PROJECT = "project"
# A coworking space (coworking.services): the index of spaces follows it.
COWORKING = "coworking"

_followers: list[Callable[..., None]] = []


def changes_follow(follower: Callable[..., None]) -> None:
    """Have `follower(kind=..., object_id=...)` hear every change, inside the writer's transaction."""
    if follower not in _followers:
        _followers.append(follower)


def _changed(kind: str, object_id: int) -> None:
    if not _followers:
        # A change nobody records would never reach the search index: refuse it loudly.
        raise ImproperlyConfigured("A change was made before anything follows changes (is the search app installed?)")
    for follower in _followers:
        follower(kind=kind, object_id=object_id)


def profile_changed(*, profile_id: int) -> None:
    """A freelancer profile changed or went; call inside the transaction that changed it."""
    _changed(PROFILE, profile_id)


def project_changed(*, project_id: int) -> None:
    """A project changed or went; call inside the transaction that changed it."""
    _changed(PROJECT, project_id)


def coworking_space_changed(*, space_id: int) -> None:
    """A coworking space changed or went; call inside the transaction that changed it."""
    _changed(COWORKING, space_id)


# Places (municipalities) whose MRC, region or name changed: everything located there is reindexed.
_place_followers: list[Callable[..., None]] = []


def places_follow(follower: Callable[..., None]) -> None:
    """Have `follower(municipality_ids=[...])` hear every change of places, inside the writer's transaction."""
    if follower not in _place_followers:
        _place_followers.append(follower)


def places_changed(*, municipality_ids) -> None:
    """Places changed (their MRC, say, on a reload of the list); call inside the transaction that changed them."""
    ids = sorted(set(municipality_ids))
    if not ids:
        return
    if not _place_followers:
        raise ImproperlyConfigured("Places changed before anything follows them (is the search app installed?)")
    for follower in _place_followers:
        follower(municipality_ids=ids)
