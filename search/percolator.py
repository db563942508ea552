"""Elasticsearch's percolator for matching: each freelancer's "what I want to hear about", stored as queries.

One index (alias `<prefix>_matching`) holds, per visible profile, a query for the projects it fits
(a skill, or the category for a project without skills; the place within the travel radius, or both
remote), and one query per saved search (its filters in the same query language). A new project is
matched against all of them with one `percolate` search. The queries use only term, terms, match,
exists and bool, so they run on the test node's percolator subset too (search/elasticsearch).

This module builds the queries and reads; search/indexing.py writes them, like every other document.
"""

from __future__ import annotations

from django.conf import settings
from django.http import QueryDict
from elasticsearch import ApiError, TransportError
from elasticsearch.dsl import Index, Keyword, Long, Mapping, Percolator

from marketplace.common.errors import ValidationFailed
from profiles.models import FreelancerProfile
from search.backends.base import BackendUnavailable
from search.client import require_client
from search.documents import MAPPING_VERSION, ProjectDocument, index_settings
from search.geo import reached_municipality_ids
from search.models import SavedSearch
from search.params import ProjectSearchParams, project_search_params
from search.taxonomy import profile_categories

PROFILE = "profile"
SAVED_SEARCH = "search"
PAGE = 10_000  # the most one page may hold; beyond, search_after pages on
PERCOLATE_TIMEOUT_SECONDS = 30


class MatchingDocument(ProjectDocument):
    """A stored query (`query`) and what it stands for; the project fields are what percolated documents carry."""

    # Terms, not a number: stored queries list the municipalities a radius reaches, and term lists
    # are what the percolator can pre-filter on (geo_distance in 100 000 stored queries is slow).
    municipality_id = Keyword()
    query = Percolator()
    wish_kind = Keyword()
    wish_id = Long()
    wish_user_id = Long()


def matching_index_name() -> str:
    """The alias percolations and writes go through, e.g. `marketplace_matching`."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}_matching"


def matching_index_definition(name: str) -> Index:
    index = Index(name)
    index.settings(**index_settings())
    index.document(MatchingDocument)
    index.mapping(Mapping().meta("_meta", {"version": MAPPING_VERSION}))
    return index


def document_id(kind: str, object_id: int) -> str:
    return f"{kind}-{object_id}"


def _terms(field: str, values) -> dict:
    return {"terms": {field: sorted({str(v) for v in values})}}


def _public_or_invited(user_id: int) -> dict:
    return {
        "bool": {
            "should": [{"term": {"visibility": "public"}}, {"term": {"invited_user_ids": str(user_id)}}],
            "minimum_should_match": 1,
        }
    }


def saved_search_params(saved_search: SavedSearch) -> ProjectSearchParams | None:
    """The saved filters parsed again; None when they no longer parse (e.g. a municipality was removed)."""
    try:
        return project_search_params(QueryDict(saved_search.query, mutable=False))
    except ValidationFailed:
        return None


def profile_query(profile: FreelancerProfile, places=None) -> dict | None:
    """The projects a profile wants to hear about (skills prefetched, municipality selected); None: none can fit.

    The same rule as search.matching (work, then place); availability and blocks are checked after.
    """
    skills = list(profile.skills.all())
    categories = profile_categories(headline=profile.headline, skill_names=[s.name for s in skills])
    work = []
    if skills:
        work.append(_terms("skill_slugs", [s.slug for s in skills]))
    if categories:
        # A project without skills fits by its category.
        work.append(
            {"bool": {"filter": [_terms("category", categories)], "must_not": [{"exists": {"field": "skill_slugs"}}]}}
        )
    place = []
    municipality = profile.municipality
    if municipality is not None:
        reached = reached_municipality_ids(
            latitude=municipality.latitude,
            longitude=municipality.longitude,
            radius_km=profile.travel_radius_km,
            places=places,
        )
        # A radius of 0 still means their own municipality.
        place.append(_terms("municipality_id", {municipality.pk, *reached}))
    if profile.remote:
        place.append({"term": {"remote": True}})
    if not work or not place:
        return None
    return {
        "bool": {
            "filter": [
                {"term": {"visibility": "public"}},
                {"bool": {"should": work, "minimum_should_match": 1}},
                {"bool": {"should": place, "minimum_should_match": 1}},
            ]
        }
    }


def saved_search_query(saved_search: SavedSearch, params: ProjectSearchParams, places=None) -> dict:
    """The saved filters as a stored query: a superset of the project search (budget and dates are checked after)."""
    filters: list[dict] = [_public_or_invited(saved_search.user_id)]
    if params.q:
        filters.append({"match": {"all_text": {"query": params.q}}})
    filters += [{"term": {"skill_slugs": slug}} for slug in (*params.skills, *params.unknown_skills)]
    for field in ("category", "region", "mrc"):
        if getattr(params, field):
            filters.append({"term": {field: getattr(params, field)}})
    if params.near is not None:
        reached = reached_municipality_ids(
            latitude=params.near.latitude,
            longitude=params.near.longitude,
            radius_km=int(params.radius_km or 0) + 1,  # whole km, rounded up: the exact check comes after
            places=places,
        )
        near = _terms("municipality_id", {params.near.pk, *reached})
        if params.remote:
            filters.append({"bool": {"should": [near, {"term": {"remote": True}}], "minimum_should_match": 1}})
        else:
            filters.append(near)
    elif params.remote:
        filters.append({"term": {"remote": True}})
    return {"bool": {"filter": filters}}


def percolate(document: dict) -> tuple[list[int], list[int]]:
    """Ids of the profiles and of the saved searches whose stored queries match `document`, in one percolate search.

    Raises BackendUnavailable when the node is down or the index is missing: the caller's outbox
    entries stay and matching runs again when it is back.
    """
    # Longer than a page's timeout: at 100 000 stored queries a busy node may take seconds, and this runs in the outbox.
    client = require_client().options(request_timeout=PERCOLATE_TIMEOUT_SECONDS)
    profiles: list[int] = []
    searches: list[int] = []
    body = {
        "query": {"percolate": {"field": "query", "document": document}},
        "sort": [{"wish_kind": "asc"}, {"wish_id": "asc"}],
        "_source": False,
        "docvalue_fields": ["wish_kind", "wish_id"],
        "size": PAGE,
        "track_total_hits": False,
    }
    after = None
    try:
        while True:
            page = client.search(index=matching_index_name(), **body, **({"search_after": after} if after else {}))
            hits = page["hits"]["hits"]
            for hit in hits:
                kind, object_id = hit["sort"]
                (profiles if kind == PROFILE else searches).append(int(object_id))
            if len(hits) < PAGE:
                break
            after = hits[-1]["sort"]
    except (TransportError, ApiError) as exc:
        raise BackendUnavailable(str(exc)) from exc
    return profiles, searches
