"""The only writer to Elasticsearch: documents from the database, bulk writes, rebuilds and checks.

Every write carries an external version: the time (µs) at which its state was read from the
database. A write that read older state than what the index holds is refused by Elasticsearch,
so a slow worker can never overwrite a newer document with a stale one. (`updated_at` would not
do: changing a profile's skills or its rating does not touch it.)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from django.utils import timezone
from elasticsearch import ApiError, NotFoundError, TransportError
from elasticsearch.helpers import BulkIndexError, scan, streaming_bulk

from profiles.models import FreelancerProfile
from projects.models import Project
from search.backends.base import BackendUnavailable
from search.cards import profile_card, project_card
from search.client import index_name, require_client
from search.documents import index_definition
from search.geo import current_places, reached_municipality_ids
from search.querysets import searchable_profiles, searchable_projects
from search.taxonomy import profile_categories

logger = logging.getLogger(__name__)

KINDS = ("profile", "project")
CHUNK = 500
OLD_INDEX_GRACE_SECONDS = 2.0


def now_version() -> int:
    """A version for state read from now on: wall-clock microseconds."""
    return time.time_ns() // 1000


def _place(municipality) -> str:
    if municipality is None:
        return ""
    return f"{municipality.name} {municipality.get_region_display()}"


def _location(municipality) -> dict | None:
    if municipality is None:
        return None
    return {"lat": municipality.latitude, "lon": municipality.longitude}


def profile_document(profile: FreelancerProfile, places=None) -> dict:
    """The indexed form of a searchable profile (skills prefetched, municipality selected).

    `places`: `geo.current_places()`, fetched once by callers that index many profiles.
    """
    skills = list(profile.skills.all())
    names = [s.name for s in skills]
    municipality = profile.municipality
    return {
        "object_id": profile.pk,
        "display_name": profile.display_name,
        "headline": profile.headline,
        "bio": profile.bio,
        "skills": names,
        "skill_slugs": [s.slug for s in skills],
        "place": _place(municipality),
        "categories": profile_categories(headline=profile.headline, skill_names=names),
        "region": municipality.region if municipality else None,
        "municipality_id": municipality.pk if municipality else None,
        "location": _location(municipality),
        "travel_radius_km": profile.travel_radius_km,
        "reaches_municipality_ids": [
            str(pk)
            for pk in reached_municipality_ids(
                latitude=municipality.latitude,
                longitude=municipality.longitude,
                radius_km=profile.travel_radius_km,
                places=places,
            )
        ]
        if municipality is not None
        else [],
        "hourly_rate": float(profile.hourly_rate) if profile.hourly_rate is not None else None,
        "languages": sorted({str(code).lower() for code in (profile.languages or [])}),
        "availability": profile.availability,
        "remote": profile.remote,
        "rating_average": float(profile.rating_average) if profile.rating_average is not None else None,
        "rating_count": profile.rating_count,
        "updated_at": profile.updated_at.isoformat(),
        "card": profile_card(profile),
    }


def project_document(project: Project, places=None) -> dict:
    """The indexed form of a searchable project (skills and invitations prefetched)."""
    skills = list(project.skills.all())
    municipality = project.municipality
    low = project.budget_min if project.budget_min is not None else project.budget_max
    high = project.budget_max if project.budget_max is not None else project.budget_min
    return {
        "object_id": project.pk,
        "title": project.title,
        "description": project.description,
        "skills": [s.name for s in skills],
        "skill_slugs": [s.slug for s in skills],
        "place": _place(municipality),
        "category": project.category,
        "region": municipality.region if municipality else None,
        "municipality_id": municipality.pk if municipality else None,
        "location": _location(municipality),
        "remote": project.remote,
        "visibility": project.visibility,
        "invited_user_ids": sorted(str(inv.freelancer_id) for inv in project.invitations.all()),
        "budget_type": project.budget_type,
        "budget_low": float(low) if low is not None else None,
        "budget_high": float(high) if high is not None else None,
        "quotes_due": project.quotes_due.isoformat(),
        "published_at": project.published_at.isoformat() if project.published_at else None,
        "card": project_card(project),
    }


SOURCES: dict[str, tuple[Callable, Callable]] = {
    "profile": (searchable_profiles, profile_document),
    "project": (searchable_projects, project_document),
}


def _new_index_name(kind: str) -> str:
    return f"{index_name(kind)}_{timezone.now():%Y%m%d%H%M%S%f}"


def concrete_indices(kind: str) -> list[str]:
    """Every index of `kind`: the live one and any being rebuilt (writes go to all of them)."""
    try:
        return sorted(require_client().indices.get(index=f"{index_name(kind)}_*", expand_wildcards="open").keys())
    except TransportError as exc:
        raise BackendUnavailable(str(exc)) from exc


def ensure_indices() -> None:
    """Create each kind's first index behind its alias when there is none yet."""
    client = require_client()
    try:
        for kind in KINDS:
            alias = index_name(kind)
            if client.indices.exists_alias(name=alias):
                continue
            name = _new_index_name(kind)
            index_definition(kind, name).create(using=client)
            client.indices.put_alias(index=name, name=alias)
    except TransportError as exc:
        raise BackendUnavailable(str(exc)) from exc


def _actions(kind: str, ids: Iterable[int], indices: list[str], version: int, documents: dict[int, dict]):
    for object_id in ids:
        body = documents.get(object_id)
        for index in indices:
            action = {"_index": index, "_id": str(object_id), "version": version, "version_type": "external"}
            if body is None:
                # Hidden, draft, closed or gone: nobody may find it.
                yield {**action, "_op_type": "delete"}
            else:
                yield {**action, "_op_type": "index", "_source": body}


def _documents(kind: str, ids: list[int]) -> dict[int, dict]:
    queryset_factory, build = SOURCES[kind]
    places = current_places()
    return {obj.pk: build(obj, places) for obj in queryset_factory().filter(pk__in=ids)}


def _bulk(actions) -> tuple[int, int]:
    """Send actions; returns (applied, skipped). Version conflicts and deletes of absent docs are expected."""
    applied = skipped = 0
    try:
        for ok, item in streaming_bulk(
            require_client(), actions, chunk_size=CHUNK, raise_on_error=False, raise_on_exception=True, max_retries=0
        ):
            if ok:
                applied += 1
                continue
            info = next(iter(item.values()))
            status = info.get("status")
            if status == 409 or (status == 404 and info.get("result") == "not_found"):
                skipped += 1  # A newer state is already indexed, or there was nothing to delete.
            else:
                raise BackendUnavailable(f"bulk item failed: {info}")
    except (TransportError, BulkIndexError) as exc:
        raise BackendUnavailable(str(exc)) from exc
    return applied, skipped


def index_objects(*, kind: str, ids: list[int]) -> tuple[int, int]:
    """Bring the index in line with the database for these objects: index the searchable, delete the rest."""
    if not ids:
        return 0, 0
    version = now_version()
    documents = _documents(kind, ids)
    # Listed after reading the database: an index a rebuild creates later reads newer state itself.
    indices = concrete_indices(kind)
    if not indices:
        ensure_indices()
        indices = concrete_indices(kind)
    return _bulk(_actions(kind, ids, indices, version, documents))


def refresh() -> None:
    """Make recent writes searchable now (tests and the rebuild; the index refreshes every second anyway)."""
    try:
        require_client().indices.refresh(index=",".join(f"{index_name(kind)}_*" for kind in KINDS))
    except TransportError as exc:
        raise BackendUnavailable(str(exc)) from exc


def rebuild(*, kind: str, progress: Callable[[int, int], None] | None = None, chunk: int = CHUNK) -> str:
    """Build a fresh index of `kind` from the database, then swap the alias to it; returns the new index name.

    Searches keep hitting the old index until the swap, which is atomic. Outbox drains during the
    rebuild write to both indices, so no change made meanwhile is lost.
    """
    client = require_client()
    alias = index_name(kind)
    name = _new_index_name(kind)
    queryset_factory, build = SOURCES[kind]
    try:
        index_definition(kind, name).create(using=client)
        client.indices.put_settings(index=name, settings={"refresh_interval": "-1"})
        ids = list(queryset_factory().order_by("pk").values_list("pk", flat=True))
        places = current_places()
        total = len(ids)
        done = 0
        if progress:
            progress(done, total)
        for start in range(0, total, chunk):
            batch = ids[start : start + chunk]
            version = now_version()
            documents = {obj.pk: build(obj, places) for obj in queryset_factory().filter(pk__in=batch)}
            present = [pk for pk in batch if pk in documents]
            _bulk(_actions(kind, present, [name], version, documents))
            done += len(batch)
            if progress:
                progress(done, total)
        client.indices.put_settings(index=name, settings={"refresh_interval": "1s"})
        client.indices.refresh(index=name)
        old = list(client.indices.get_alias(name=alias).keys()) if client.indices.exists_alias(name=alias) else []
        actions = [{"remove": {"index": index, "alias": alias}} for index in old]
        actions.append({"add": {"index": name, "alias": alias}})
        client.indices.update_aliases(actions=actions)
        # Let searches already running on the old index finish before it goes.
        time.sleep(OLD_INDEX_GRACE_SECONDS)
        # Leftovers of an interrupted rebuild go too, but never the index just built.
        for index in concrete_indices(kind):
            if index != name:
                client.indices.delete(index=index, ignore_unavailable=True)
    except (TransportError, ApiError) as exc:
        raise BackendUnavailable(str(exc)) from exc
    return name


def check(*, kind: str) -> dict[str, list[int]]:
    """Compare the index with the database: ids missing from it, stale in it, or there but not searchable."""
    client = require_client()
    queryset_factory, build = SOURCES[kind]
    places = current_places()
    expected = {obj.pk: build(obj, places) for obj in queryset_factory().iterator(chunk_size=CHUNK)}
    indexed: dict[int, dict] = {}
    try:
        for doc in scan(client, index=index_name(kind), query={"query": {"match_all": {}}}, size=CHUNK):
            indexed[int(doc["_id"])] = doc["_source"]
    except NotFoundError:
        pass
    except TransportError as exc:
        raise BackendUnavailable(str(exc)) from exc
    missing = sorted(pk for pk in expected if pk not in indexed)
    stale = sorted(pk for pk, body in expected.items() if pk in indexed and indexed[pk] != body)
    extra = sorted(pk for pk in indexed if pk not in expected)
    return {"missing": missing, "stale": stale, "extra": extra}


def delete_all_indices() -> None:
    """Drop every index and alias of this prefix (tests start clean with it)."""
    client = require_client()
    for kind in KINDS:
        try:
            client.indices.delete(index=f"{index_name(kind)}_*", ignore_unavailable=True, allow_no_indices=True)
        except TransportError as exc:
            raise BackendUnavailable(str(exc)) from exc
