"""Record changes for the search index in the writer's transaction; drain them to Elasticsearch in bulk."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from search.models import SearchOutboxEntry

logger = logging.getLogger(__name__)

DRAIN_BATCH = 500


def outbox_record_profile(*, profile_id: int) -> None:
    """Mark a freelancer profile for reindexing, inside the caller's transaction."""
    SearchOutboxEntry.objects.create(kind=SearchOutboxEntry.Kind.PROFILE, object_id=profile_id)


def outbox_record_project(*, project_id: int) -> None:
    """Mark a project for reindexing, inside the caller's transaction."""
    SearchOutboxEntry.objects.create(kind=SearchOutboxEntry.Kind.PROJECT, object_id=project_id)


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

    Also checks each newly open project against the saved searches. Without Elasticsearch
    configured (`make run`) the entries are simply consumed, since the database backend needs none.
    """
    from search import indexing, services
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
            if get_client() is not None:
                try:
                    for kind, object_ids in ids.items():
                        applied, skipped = indexing.index_objects(kind=kind, ids=object_ids)
                        result.indexed += applied
                        result.skipped += skipped
                except BackendUnavailable as exc:
                    result.error = str(exc)
                    logger.warning("search outbox: Elasticsearch unavailable, %s entries kept: %s", len(entries), exc)
                    SearchOutboxEntry.objects.filter(pk__in=[e.pk for e in entries]).update(attempts=F("attempts") + 1)
                    break
                mark_up()
            services.saved_searches_match_projects(project_ids=ids["project"])
            SearchOutboxEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()
            result.entries += len(entries)
    return result


def outbox_pending_count() -> int:
    """How many changes wait for the index."""
    return SearchOutboxEntry.objects.count()
