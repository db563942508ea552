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

from django.db.models import Count, Max
from django.utils import timezone
from elasticsearch import ApiError, NotFoundError, TransportError
from elasticsearch.helpers import BulkIndexError, scan, streaming_bulk

from profiles.models import FreelancerProfile
from profiles.selectors import upcoming_booked_weeks
from projects.models import Project
from search.backends.base import BackendUnavailable
from search.cards import coworking_card, profile_card, project_card
from search.client import index_name, require_client
from search.collectives import collective_document, collective_facts, searchable_collectives
from search.documents import MAPPING_VERSION, index_definition
from search.geo import current_places, reached_municipality_ids
from search.models import SavedSearch
from search.percolator import (
    PROFILE,
    SAVED_SEARCH,
    document_id,
    matching_index_definition,
    matching_index_name,
    percolate,
    profile_query,
    saved_search_params,
    saved_search_query,
)
from search.querysets import searchable_profiles, searchable_projects, searchable_spaces
from search.taxonomy import profile_categories

logger = logging.getLogger(__name__)

KINDS = ("profile", "project", "collective", "coworking")
CHUNK = 500
OLD_INDEX_GRACE_SECONDS = 2.0
# Creating an index waits for its primaries to start: on a cluster, with replicas and several shards, that
# can take longer than the client's 5 s meant for searches (tests/search/test_cluster.py).
CREATE_TIMEOUT_SECONDS = 30


def now_version() -> int:
    """A version for state read from now on: wall-clock microseconds."""
    return time.time_ns() // 1000


def _place(municipality) -> str:
    if municipality is None:
        return ""
    return f"{municipality.name} {municipality.get_region_display()}"


def _mrc(municipality) -> dict:
    """The MRC fields of a document (slug to filter and count by, name to show)."""
    mrc = municipality.mrc if municipality is not None else None
    return {"mrc": mrc.slug if mrc else None, "mrc_name": mrc.name if mrc else None}


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
        **_mrc(municipality),
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
        "available_from": profile.available_from.isoformat() if profile.available_from else None,
        # Prefetched by SOURCES: the weeks from the current one on (past weeks never matter to a search).
        "booked_weeks": [week.week_start.isoformat() for week in profile.upcoming_booked_weeks],
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
        **_mrc(municipality),
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


def _collective_document(collective, places=None) -> dict:
    # Two queries per collective (its members, their skills): collectives are few.
    return collective_document(collective, collective_facts([collective.pk])[collective.pk], places)


def coworking_document(space, places=None) -> dict:
    """The indexed form of an approved coworking space (municipality selected, photos prefetched)."""
    municipality = space.municipality
    return {
        "object_id": space.pk,
        "name": space.name,
        "region": municipality.region if municipality else None,
        "mrc": _mrc(municipality)["mrc"],
        "municipality_id": municipality.pk if municipality else None,
        "location": {"lat": space.latitude, "lon": space.longitude} if space.has_point else None,
        "internet_mbps": space.internet_mbps,
        "closed_offices": space.closed_offices,
        "price_day": float(space.price_day) if space.price_day is not None else None,
        "card": coworking_card(space),
    }


SOURCES: dict[str, tuple[Callable, Callable]] = {
    "profile": (lambda: searchable_profiles().prefetch_related(upcoming_booked_weeks()), profile_document),
    "project": (searchable_projects, project_document),
    "collective": (searchable_collectives, _collective_document),
    "coworking": (searchable_spaces, coworking_document),
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
            index_definition(kind, name).create(using=client.options(request_timeout=CREATE_TIMEOUT_SECONDS))
            client.indices.put_alias(index=name, name=alias)
        alias = matching_index_name()
        if not client.indices.exists_alias(name=alias):
            name = f"{alias}_{timezone.now():%Y%m%d%H%M%S%f}"
            matching_index_definition(name).create(using=client.options(request_timeout=CREATE_TIMEOUT_SECONDS))
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
    applied, skipped = _bulk(_actions(kind, ids, indices, version, documents))
    if kind == "profile":
        # What each profile wants to hear about follows the profile (gone when it is hidden or deleted).
        store_profile_wishes(ids=ids)
    return applied, skipped


def refresh() -> None:
    """Make recent writes searchable now (tests and the rebuild; the index refreshes every second anyway)."""
    try:
        patterns = [f"{index_name(kind)}_*" for kind in KINDS] + [f"{matching_index_name()}_*"]
        require_client().indices.refresh(index=",".join(patterns), ignore_unavailable=True, allow_no_indices=True)
    except TransportError as exc:
        raise BackendUnavailable(str(exc)) from exc


def _put_live(client, *, name: str, alias: str, others) -> None:
    """Point `alias` at the freshly built index `name`, then drop the indices it replaces."""
    client.indices.put_settings(index=name, settings={"refresh_interval": "1s"})
    client.indices.refresh(index=name)
    old = list(client.indices.get_alias(name=alias).keys()) if client.indices.exists_alias(name=alias) else []
    actions = [{"remove": {"index": index, "alias": alias}} for index in old]
    actions.append({"add": {"index": name, "alias": alias}})
    client.indices.update_aliases(actions=actions)
    # Let searches already running on the old index finish before it goes.
    time.sleep(OLD_INDEX_GRACE_SECONDS)
    # Leftovers of an interrupted rebuild go too, but never the index just built.
    for index in others:
        if index != name:
            client.indices.delete(index=index, ignore_unavailable=True)


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
        index_definition(kind, name).create(using=client.options(request_timeout=CREATE_TIMEOUT_SECONDS))
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
        _put_live(client, name=name, alias=alias, others=concrete_indices(kind))
    except (TransportError, ApiError) as exc:
        raise BackendUnavailable(str(exc)) from exc
    return name


def mapping_version(*, kind: str) -> int | None:
    """The mapping version of the live index of `kind` (0: stored before versions), None without one."""
    client = require_client()
    alias = index_name(kind)
    try:
        if not client.indices.exists_alias(name=alias):
            return None
        mappings = client.indices.get_mapping(index=alias).body
    except TransportError as exc:
        raise BackendUnavailable(str(exc)) from exc
    return min(int(body["mappings"].get("_meta", {}).get("version", 0)) for body in mappings.values())


def upgrade(*, kind: str, progress: Callable[[int, int], None] | None = None) -> str | None:
    """Rebuild the index of `kind` when it is missing or has an older mapping; returns the new name, or None.

    Run on every deployment (after migrate): a mapping change reaches the live index by the same
    rebuild and alias swap as `search_index rebuild`, and writes meanwhile reach both indices.
    """
    version = mapping_version(kind=kind)
    if version is not None and version >= MAPPING_VERSION:
        return None
    return rebuild(kind=kind, progress=progress)


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
    for pattern in [*(index_name(kind) for kind in KINDS), matching_index_name()]:
        try:
            client.indices.delete(index=f"{pattern}_*", ignore_unavailable=True, allow_no_indices=True)
        except TransportError as exc:
            raise BackendUnavailable(str(exc)) from exc


# ---- matching: the percolator's stored queries (search/percolator.py builds them) ----------------


def matching_indices() -> list[str]:
    """The live matching index and any being rebuilt (writes go to all of them)."""
    try:
        return sorted(require_client().indices.get(index=f"{matching_index_name()}_*", expand_wildcards="open").keys())
    except TransportError as exc:
        raise BackendUnavailable(str(exc)) from exc


def _wish_actions(kind: str, ids: Iterable[int], queries: dict[int, dict], indices: list[str], version: int):
    for object_id in ids:
        query = queries.get(object_id)
        for index in indices:
            action = {
                "_index": index,
                "_id": document_id(kind, object_id),
                "version": version,
                "version_type": "external",
            }
            if query is None:
                yield {**action, "_op_type": "delete"}
            else:
                yield {**action, "_op_type": "index", "_source": query}


def _profile_wishes(ids: list[int], places) -> dict[int, dict]:
    wishes = {}
    for profile in searchable_profiles().filter(pk__in=ids):
        query = profile_query(profile, places)
        if query is not None:
            wishes[profile.pk] = {
                "query": query,
                "wish_kind": PROFILE,
                "wish_id": profile.pk,
                "wish_user_id": profile.user_id,
            }
    return wishes


def _saved_search_wishes(ids: list[int], places) -> dict[int, dict]:
    wishes = {}
    for saved_search in SavedSearch.objects.filter(pk__in=ids):
        params = saved_search_params(saved_search)
        wishes[saved_search.pk] = {
            # Every saved search is stored, so the counts compare (saved_searches_sync); one whose
            # filters no longer parse matches nothing (an empty terms list).
            "query": saved_search_query(saved_search, params, places) if params else {"terms": {"visibility": []}},
            "wish_kind": SAVED_SEARCH,
            "wish_id": saved_search.pk,
            "wish_user_id": saved_search.user_id,
        }
    return wishes


def _store_wishes(kind: str, ids: list[int], build: Callable) -> tuple[int, int]:
    if not ids:
        return 0, 0
    version = now_version()
    queries = build(ids, current_places())
    indices = matching_indices()
    if not indices:
        ensure_indices()
        indices = matching_indices()
    return _bulk(_wish_actions(kind, ids, queries, indices, version))


def store_profile_wishes(*, ids: list[int]) -> tuple[int, int]:
    """Store (or remove) the stored query of these profiles: what each wants to hear about."""
    return _store_wishes(PROFILE, ids, _profile_wishes)


def store_saved_searches(*, ids: list[int]) -> tuple[int, int]:
    """Store (or remove, for a deleted one) the stored query of these saved searches."""
    return _store_wishes(SAVED_SEARCH, ids, _saved_search_wishes)


def saved_searches_sync() -> int:
    """Store the saved searches the matching index lacks, remove those it has in excess; returns how many.

    Each save and delete stores its saved search when it commits; this catches up, before a project
    is matched, with any the node missed. Two cheap counts decide whether the ids must be compared.
    """
    client = require_client()
    wanted = SavedSearch.objects.aggregate(count=Count("pk"), newest=Max("pk"))
    query = {"term": {"wish_kind": SAVED_SEARCH}}
    try:
        answer = client.search(
            index=matching_index_name(),
            size=0,
            track_total_hits=True,
            query=query,
            aggs={"newest": {"max": {"field": "wish_id"}}},
        )
        if answer["hits"]["total"]["value"] == wanted["count"] and int(
            answer["aggregations"]["newest"]["value"] or 0
        ) == (wanted["newest"] or 0):
            return 0
        stored = {
            int(hit["_id"].split("-", 1)[1])
            for hit in scan(client, index=matching_index_name(), query={"query": query, "_source": False}, size=CHUNK)
        }
    except (TransportError, ApiError) as exc:
        raise BackendUnavailable(str(exc)) from exc
    expected = set(SavedSearch.objects.values_list("pk", flat=True))
    changed = sorted((expected - stored) | (stored - expected))
    if not changed:
        return 0
    store_saved_searches(ids=changed)
    try:
        client.indices.refresh(index=matching_index_name())
    except TransportError as exc:
        raise BackendUnavailable(str(exc)) from exc
    return len(changed)


def rebuild_matching(*, progress: Callable[[int, int], None] | None = None, chunk: int = CHUNK) -> str:
    """Build a fresh matching index from every visible profile and saved search, then swap the alias to it."""
    client = require_client()
    alias = matching_index_name()
    name = f"{alias}_{timezone.now():%Y%m%d%H%M%S%f}"
    try:
        matching_index_definition(name).create(using=client.options(request_timeout=CREATE_TIMEOUT_SECONDS))
        client.indices.put_settings(index=name, settings={"refresh_interval": "-1"})
        places = current_places()
        batches = [
            (PROFILE, list(searchable_profiles().order_by("pk").values_list("pk", flat=True)), _profile_wishes),
            (SAVED_SEARCH, list(SavedSearch.objects.order_by("pk").values_list("pk", flat=True)), _saved_search_wishes),
        ]
        total = sum(len(ids) for _kind, ids, _build in batches)
        done = 0
        if progress:
            progress(done, total)
        for kind, ids, build in batches:
            for start in range(0, len(ids), chunk):
                batch = ids[start : start + chunk]
                queries = build(batch, places)
                _bulk(_wish_actions(kind, [pk for pk in batch if pk in queries], queries, [name], now_version()))
                done += len(batch)
                if progress:
                    progress(done, total)
        _put_live(client, name=name, alias=alias, others=matching_indices())
    except (TransportError, ApiError) as exc:
        raise BackendUnavailable(str(exc)) from exc
    return name


def percolate_project_wishes(project: Project) -> tuple[list[int], list[int]]:
    """(profile ids, saved-search ids) whose stored queries the project matches: one percolate search."""
    return percolate(project_document(project))


def percolate_project(project: Project) -> list[int]:
    """Ids of the profiles whose "what I want to hear about" the project matches (work and place only)."""
    return percolate_project_wishes(project)[0]
