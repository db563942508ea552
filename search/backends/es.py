"""Searches answered by Elasticsearch: stemming, synonyms, typo tolerance, geo and facets."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from elasticsearch import ApiError, NotFoundError, TransportError
from elasticsearch.dsl import A, Q, Search

from profiles.models import Availability
from profiles.selectors import weeks_between
from search.backends.base import BackendUnavailable, Hit, SearchResult
from search.client import index_name, mark_down, recently_down, require_client
from search.facets import FREELANCER_FACETS, PROJECT_FACETS, label_facets
from search.params import CoworkingSearchParams, FreelancerSearchParams, ProjectSearchParams
from search.text import plain_text, query_words

logger = logging.getLogger(__name__)

PROFILE_TEXT_FIELDS = ["headline^3", "skills^3", "display_name^2", "place", "bio"]
PROJECT_TEXT_FIELDS = ["title^3", "skills^3", "place", "description"]


def _text_query(q: str, boost_fields: list[str]) -> Q:
    """Every word must match (through synonyms and stems, or within a typo or two); fields weigh the score."""
    exact = Q("match", all_text={"query": q, "operator": "and"})
    typo = Q(
        "match",
        all_text={"query": q, "operator": "and", "fuzziness": "AUTO", "prefix_length": 1, "analyzer": "fr_index"},
    )
    return Q(
        "bool",
        must=[Q("bool", should=[exact, typo], minimum_should_match=1)],
        should=[
            Q("multi_match", query=q, fields=boost_fields, type="best_fields"),
            Q("match_phrase", all_text={"query": q, "slop": 2, "boost": 2}),
        ],
    )


def _highlight(search: Search, q: str, fields: dict[str, dict], text_fields: list[str]) -> Search:
    plain = [f.split("^")[0] for f in text_fields]
    # Synonyms and stems only: a fuzzy highlight query costs more than the whole search on long bios.
    highlight_query = Q("multi_match", query=q, fields=plain)
    return search.extra(
        highlight={
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "highlight_query": highlight_query.to_dict(),
            "fields": fields,
        }
    )


def _near_filter(params, *, own_radius: bool) -> Q:
    """Within `radius_km` of the municipality; for freelancers, also when their own travel radius reaches it."""
    point = {"lat": params.near.latitude, "lon": params.near.longitude}
    within = Q("geo_distance", distance=f"{params.radius_km}km", location=point)
    if not own_radius:
        return within
    reaches = Q("term", reaches_municipality_ids=str(params.near.pk))
    return Q("bool", should=[within, reaches], minimum_should_match=1)


def _distance_sort(params) -> dict:
    return {
        "_geo_distance": {
            "location": {"lat": params.near.latitude, "lon": params.near.longitude},
            "order": "asc",
            "unit": "km",
            "distance_type": "arc",
        }
    }


def _execute(search: Search) -> dict:
    """Run the search and return the raw response body; any failure becomes BackendUnavailable."""
    client = require_client()
    index, body = search._index, search.to_dict()
    for attempt in range(2):
        try:
            return client.search(index=index, body=body).body
        except NotFoundError as exc:
            raise BackendUnavailable("index missing") from exc
        except ApiError as exc:
            # 503: the index this search started on was just swapped out by a rebuild; once more finds the new one.
            if exc.meta.status == 503 and attempt == 0:
                continue
            if exc.meta.status >= 500 or exc.meta.status == 429:
                mark_down()
            else:
                logger.error("search: Elasticsearch refused a query: %s", exc)
            raise BackendUnavailable(str(exc)) from exc
        except TransportError as exc:
            mark_down()
            raise BackendUnavailable(str(exc)) from exc
    raise BackendUnavailable("unreachable")


def _prepare(search: Search, facet_sizes: dict[str, int], facet_fields: dict[str, str], params) -> Search:
    """Facets as aggregations of the same request; only the cards come back from `_source`."""
    for name, size in facet_sizes.items():
        search.aggs.bucket(
            name, A("terms", field=facet_fields[name], size=size, order=[{"_count": "desc"}, {"_key": "asc"}])
        )
    return search.extra(from_=params.offset, size=params.page_size, track_total_hits=True).source(["card"])


def _run(search: Search, facet_sizes: dict[str, int], params) -> SearchResult:
    if recently_down():
        raise BackendUnavailable("Elasticsearch failed a moment ago")
    # The raw body, not elasticsearch-dsl's Response: wrapping every hit in AttrDicts costs more than it gives.
    response = _execute(search)
    # A freelancer search may span the collectives' index too: its hits say they are collectives.
    collectives = f"{index_name('collective')}_"
    hits = [
        Hit(
            id=int(hit["_id"]),
            score=hit.get("_score"),
            highlights=hit.get("highlight", {}),
            card=hit.get("_source", {}).get("card"),
            kind="collective" if hit["_index"].startswith(collectives) else "",
        )
        for hit in response["hits"]["hits"]
    ]
    if any(hit.card is None for hit in hits):
        # A document indexed before cards were stored: answer from the database until a rebuild.
        logger.error("search: documents without a card in the index: run `manage.py search_index rebuild`")
        raise BackendUnavailable("documents without a card")
    aggregations = response["aggregations"]
    raw = {
        name: [(str(b.get("key_as_string", b["key"])), b["doc_count"]) for b in aggregations[name]["buckets"]]
        for name in facet_sizes
    }
    return SearchResult(
        hits=hits,
        total=response["hits"]["total"]["value"],
        facets=label_facets(raw),
        backend="elasticsearch",
        page=params.page,
        page_size=params.page_size,
    )


def _common_filters(params, *, category_field: str) -> list:
    """Skills (every one asked), category, region and MRC: the filters both searches share."""
    filters = [Q("term", skill_slugs=slug) for slug in (*params.skills, *params.unknown_skills)]
    if params.category:
        filters.append(Q("term", **{category_field: params.category}))
    if params.region:
        filters.append(Q("term", region=params.region))
    if params.mrc:
        filters.append(Q("term", mrc=params.mrc))
    return filters


def _words(search: Search, params, filters: list, text_fields: list[str], highlighted: dict[str, dict]) -> Search:
    """The query: every filter and the words (a query without a real word matches nothing), highlighted."""
    words = query_words(params.q) if params.q else []
    if params.q and not words:
        filters.append(Q("match_none"))
    must = [_text_query(plain_text(params.q), text_fields)] if words else []
    search = search.query(Q("bool", filter=filters, must=must))
    if params.q:
        search = _highlight(search, plain_text(params.q), highlighted, text_fields)
    return search


def _free_during_filter(*, start: datetime.date, end: datetime.date | None):
    """profiles.selectors.free_during on the indexed fields: not "non disponible", available by `start`,
    no booked week in the period."""
    end = max(end or start, start)
    weeks = [week.isoformat() for week in weeks_between(start, end)]
    return Q(
        "bool",
        must_not=[
            Q("term", availability=Availability.UNAVAILABLE),
            Q(
                "bool",
                filter=[
                    Q("term", availability=Availability.FROM_DATE),
                    Q("range", available_from={"gt": start.isoformat()}),
                ],
            ),
            Q("terms", booked_weeks=weeks),
        ],
    )


def search_freelancers(params: FreelancerSearchParams) -> SearchResult:
    """Freelancers matching the words and filters, with facets and highlights."""
    return _run(freelancer_search_request(params), FREELANCER_FACETS, params)


def freelancer_search_request(params: FreelancerSearchParams) -> Search:
    """The Elasticsearch request for a freelancer search (the benchmark sends it raw too).

    With the "collectifs" filter it spans the collectives' index, whose documents have the profiles' fields.
    """
    indices = [index_name("profile")] if params.searches_profiles else []
    if params.searches_collectives:
        indices.append(index_name("collective"))
    search = Search(using=require_client(), index=",".join(indices or [index_name("profile")]))
    filters = _common_filters(params, category_field="categories")
    if not indices:
        filters.append(Q("match_none"))  # only collectives, with a filter only a person can meet
    if params.near is not None:
        filters.append(_near_filter(params, own_radius=True))
    rate = {}
    if params.rate_min is not None:
        rate["gte"] = float(params.rate_min)
    if params.rate_max is not None:
        rate["lte"] = float(params.rate_max)
    if rate:
        filters.append(Q("range", hourly_rate=rate))
    if params.language:
        filters.append(Q("term", languages=params.language))
    if params.availability:
        filters.append(Q("term", availability=params.availability))
    if params.free_from is not None:
        filters.append(_free_during_filter(start=params.free_from, end=params.free_to))
    if params.min_rating is not None:
        filters.append(Q("range", rating_average={"gte": params.min_rating}))
    search = _words(
        search,
        params,
        filters,
        PROFILE_TEXT_FIELDS,
        {
            "headline": {"number_of_fragments": 0},
            "bio": {"fragment_size": 160, "number_of_fragments": 1},
            "skills": {"number_of_fragments": 0},
        },
    )
    tie = {"object_id": "asc"}
    rating = [
        {"rating_average": {"order": "desc", "missing": "_last"}},
        {"rating_count": {"order": "desc"}},
    ]
    if params.sort == "distance":
        sort = [_distance_sort(params), tie]
    elif params.sort == "rate":
        sort = [{"hourly_rate": {"order": "asc", "missing": "_last"}}, tie]
    elif params.sort == "rating":
        sort = [*rating, tie]
    else:
        sort = ["_score", *rating, tie]
    search = search.sort(*sort)
    fields = {
        "skills": "skill_slugs",
        "regions": "region",
        "mrcs": "mrc",
        "categories": "categories",
        "languages": "languages",
        "availability": "availability",
    }
    return _prepare(search, FREELANCER_FACETS, fields, params)


def search_projects(params: ProjectSearchParams, *, user_id: int | None) -> SearchResult:
    """Open projects the user may see matching the words and filters."""
    return _run(project_search_request(params, user_id=user_id), PROJECT_FACETS, params)


def project_search_request(params: ProjectSearchParams, *, user_id: int | None) -> Search:
    """The Elasticsearch request for a project search."""
    search = Search(using=require_client(), index=index_name("project"))
    today = timezone.localdate()
    visible = [Q("term", visibility="public")]
    if user_id is not None:
        visible.append(Q("term", invited_user_ids=str(user_id)))
    filters = [
        Q("bool", should=visible, minimum_should_match=1),
        Q("range", quotes_due={"gte": today.isoformat()}),
    ]
    if params.only_ids:
        filters.append(Q("ids", values=[str(pk) for pk in params.only_ids]))
    filters += _common_filters(params, category_field="category")
    if params.near is not None and params.remote:
        filters.append(
            Q("bool", should=[_near_filter(params, own_radius=False), Q("term", remote=True)], minimum_should_match=1)
        )
    elif params.near is not None:
        filters.append(_near_filter(params, own_radius=False))
    elif params.remote:
        filters.append(Q("term", remote=True))
    if params.budget_min is not None:
        filters.append(Q("range", budget_high={"gte": float(params.budget_min)}))
    if params.budget_max is not None:
        filters.append(Q("range", budget_low={"lte": float(params.budget_max)}))
    if params.posted_since is not None:
        start = timezone.make_aware(datetime.datetime.combine(params.posted_since, datetime.time.min))
        filters.append(Q("range", published_at={"gte": start.isoformat()}))
    search = _words(
        search,
        params,
        filters,
        PROJECT_TEXT_FIELDS,
        {"title": {"number_of_fragments": 0}, "description": {"fragment_size": 180, "number_of_fragments": 1}},
    )
    tie = {"object_id": "desc"}
    newest = {"published_at": {"order": "desc"}}
    if params.sort == "distance":
        sort = [_distance_sort(params), newest, tie]
    elif params.sort == "date":
        sort = [newest, tie]
    elif params.sort == "budget":
        sort = [{"budget_high": {"order": "desc", "missing": "_last"}}, newest, tie]
    else:
        sort = ["_score", newest, tie]
    search = search.sort(*sort)
    fields = {"skills": "skill_slugs", "regions": "region", "mrcs": "mrc", "categories": "category", "remote": "remote"}
    return _prepare(search, PROJECT_FACETS, fields, params)


def search_coworking(params: CoworkingSearchParams) -> SearchResult:
    """Approved coworking spaces around `near` (nearest first) or everywhere (by name), with the filters."""
    if recently_down():
        raise BackendUnavailable("Elasticsearch failed a moment ago")
    filters = []
    if params.near is not None:
        filters.append(_near_filter(params, own_radius=False))
    if params.min_mbps is not None:
        filters.append(Q("range", internet_mbps={"gte": params.min_mbps}))
    if params.closed_office:
        filters.append(Q("range", closed_offices={"gt": 0}))
    if params.max_day_price is not None:
        filters.append(Q("range", price_day={"lte": float(params.max_day_price)}))
    search = Search(using=require_client(), index=index_name("coworking")).query(Q("bool", filter=filters))
    tie = {"object_id": "asc"}
    search = search.sort(_distance_sort(params), tie) if params.near is not None else search.sort({"name": "asc"}, tie)
    search = search.extra(from_=params.offset, size=params.page_size, track_total_hits=True).source(["card"])
    response = _execute(search)
    hits = []
    for hit in response["hits"]["hits"]:
        # The distance sort's value is the arc distance in km: the same figure the database computes.
        distance = hit["sort"][0] if params.near is not None else None
        hits.append(Hit(id=int(hit["_id"]), distance_km=distance, card=hit["_source"]["card"]))
    return SearchResult(
        hits=hits,
        total=response["hits"]["total"]["value"],
        facets={},
        backend="elasticsearch",
        page=params.page,
        page_size=params.page_size,
    )
