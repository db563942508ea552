"""Record changes for the search index in the writer's transaction; drain them to Elasticsearch in bulk.

This is the one path from a change to every search index. The domain apps, below search, say what
changed through marketplace.common.changes (`project_changed`, `profile_changed`), inside their
transaction; search/apps.py has `outbox_record` follow those calls, so each change and its entry
commit together. The database backend's full-text rows (SQLite's FTS5 tables) follow the outbox
too, through a listener search/apps.py registers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from collectives.models import Collective
from coworking.models import CoworkingSpace
from profiles.models import FreelancerProfile
from projects.models import Project
from search.collectives import collective_ids_of_profile
from search.models import SearchOutboxEntry

logger = logging.getLogger(__name__)

DRAIN_BATCH = 500


# Called with (kind, ids) after each recorded change commits, and again by every drain.
_listeners: list[Callable[..., None]] = []


def outbox_listen(listener: Callable[..., None]) -> None:
    """Have `listener(kind=..., ids=[...])` follow every change (idempotent: it may hear one twice)."""
    if listener not in _listeners:
        _listeners.append(listener)


def _tell_listeners(kind: str, ids: list[int]) -> None:
    for listener in _listeners:
        listener(kind=kind, ids=ids)


def _tell_listeners_on_commit(kind: str, object_id: int) -> None:
    # The database backend searches its full-text rows at once, so they follow the change as soon as it
    # commits (reading the committed state, whatever the caller wrote after recording it), not at the
    # next drain. Robust: should this fail, the entry is still there and the drain tells them again.
    transaction.on_commit(lambda: _tell_listeners(kind, [object_id]), robust=True)


COLLECTIVE = SearchOutboxEntry.Kind.COLLECTIVE.value


def outbox_kind(kind: str) -> str:
    """The kind as stored, or ValueError for a kind no index knows."""
    return SearchOutboxEntry.Kind(kind).value


def outbox_record(*, kind: str, object_id: int) -> None:
    """Mark a document ("profile" or "project") for reindexing, inside the caller's transaction."""
    kind = outbox_kind(kind)  # refuses a kind the index doesn't know
    SearchOutboxEntry.objects.create(kind=kind, object_id=object_id)
    _tell_listeners_on_commit(kind, object_id)
    if kind == SearchOutboxEntry.Kind.PROFILE:
        # A member's skills, radius or visibility are part of their collectives' documents (one query).
        for collective_id in collective_ids_of_profile(profile_id=object_id):
            outbox_record_collective(collective_id=collective_id)


def outbox_record_collective(*, collective_id: int) -> None:
    """Mark a collective for reindexing, inside the caller's transaction (collectives.hooks.collective_changed)."""
    outbox_record(kind=COLLECTIVE, object_id=collective_id)


def outbox_record_profile(*, profile_id: int) -> None:
    """Mark a freelancer profile for reindexing, inside the caller's transaction."""
    outbox_record(kind=SearchOutboxEntry.Kind.PROFILE, object_id=profile_id)


def outbox_record_project(*, project_id: int) -> None:
    """Mark a project for reindexing, inside the caller's transaction."""
    outbox_record(kind=SearchOutboxEntry.Kind.PROJECT, object_id=project_id)


def outbox_record_places(*, municipality_ids) -> int:
    """Mark every profile and project located in these municipalities for reindexing (their MRC changed, say).

    Inside the caller's transaction; returns how many documents were marked.
    """
    ids = sorted(set(municipality_ids))
    marked = 0
    for kind, model in ((SearchOutboxEntry.Kind.PROFILE, FreelancerProfile), (SearchOutboxEntry.Kind.PROJECT, Project)):
        object_ids = list(model.objects.filter(municipality_id__in=ids).values_list("pk", flat=True))
        SearchOutboxEntry.objects.bulk_create(SearchOutboxEntry(kind=kind, object_id=pk) for pk in object_ids)
        if object_ids:
            transaction.on_commit(lambda k=kind.value, o=object_ids: _tell_listeners(k, o), robust=True)
        marked += len(object_ids)
    # Collectives show their municipality's MRC too.
    collective_ids = list(Collective.objects.filter(municipality_id__in=ids).values_list("pk", flat=True))
    SearchOutboxEntry.objects.bulk_create(SearchOutboxEntry(kind=COLLECTIVE, object_id=pk) for pk in collective_ids)
    if collective_ids:
        transaction.on_commit(lambda o=collective_ids: _tell_listeners(COLLECTIVE, o), robust=True)
    marked += len(collective_ids)
    # Coworking spaces show their municipality's MRC too.
    space_ids = list(CoworkingSpace.objects.filter(municipality_id__in=ids).values_list("pk", flat=True))
    SearchOutboxEntry.objects.bulk_create(
        SearchOutboxEntry(kind=SearchOutboxEntry.Kind.COWORKING, object_id=pk) for pk in space_ids
    )
    if space_ids:
        transaction.on_commit(lambda o=space_ids: _tell_listeners("coworking", o), robust=True)
    return marked + len(space_ids)


@dataclass
class DrainResult:
    entries: int = 0
    indexed: int = 0
    skipped: int = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def outbox_drain(*, batch_size: int = DRAIN_BATCH, max_batches: int | None = None) -> DrainResult:
    """Send pending changes to the index in bulk, oldest first; entries stay for a retry if Elasticsearch fails.

    Also refreshes the database backend's full-text rows (SQLite only) and checks each newly open
    project against the saved searches and the freelancers it fits (search/matching.py). Without Elasticsearch configured (`make run`) that is all.
    """
    from search import indexing, matching, services
    from search.backends.base import BackendUnavailable
    from search.client import get_client, mark_up

    result = DrainResult()
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        with transaction.atomic():
            # skip_locked: two workers drain different entries instead of waiting on each other.
            entries = list(SearchOutboxEntry.objects.select_for_update(skip_locked=True).order_by("id")[:batch_size])
            if not entries:
                break
            ids = {kind: sorted({e.object_id for e in entries if e.kind == kind}) for kind in indexing.KINDS}
            # Before the saved searches: the database backend matches them against the full-text rows.
            for kind, object_ids in ids.items():
                if object_ids:
                    _tell_listeners(kind, object_ids)
            if get_client() is not None:
                try:
                    for kind, object_ids in ids.items():
                        applied, skipped = indexing.index_objects(kind=kind, ids=object_ids)
                        result.indexed += applied
                        result.skipped += skipped
                    # The percolator needs the node too: when it is down the entries wait, nobody is left out.
                    matching.project_matches_run(project_ids=ids["project"])
                    services.saved_searches_match_projects(project_ids=ids["project"])
                except BackendUnavailable as exc:
                    result.error = str(exc)
                    logger.warning("search outbox: Elasticsearch unavailable, %s entries kept: %s", len(entries), exc)
                    SearchOutboxEntry.objects.filter(pk__in=[e.pk for e in entries]).update(attempts=F("attempts") + 1)
                    break
                mark_up()
            else:
                matching.project_matches_run(project_ids=ids["project"])
                services.saved_searches_match_projects(project_ids=ids["project"])
            SearchOutboxEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()
            result.entries += len(entries)
    return result
