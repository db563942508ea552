"""Searches answered by the database: the same filters and facets, plainer matching.

Words match through the database's full-text search (search/fulltext.py: FTS5 on SQLite,
unaccent + French on PostgreSQL): accents and case ignored, every word somewhere in the text, the
last one also as a prefix, ranked. No synonyms or typo tolerance. Cheap filters run in SQL;
language, category, distance, facets and sorting run in Python over the narrowed candidates
(distance on a bounding box first).
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Q, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone

from coworking import selectors as coworking_selectors
from profiles.models import FreelancerProfile
from profiles.selectors import free_during, with_next_free_week
from projects.models import Project, Visibility
from search.backends.base import Hit, SearchResult, bounding_box, haversine_km
from search.cards import coworking_card, profile_card, project_card
from search.collectives import collective_hit
from search.collectives import database_rows as collective_rows
from search.facets import FREELANCER_FACETS, PROJECT_FACETS, label_facets, top_counts
from search.fulltext import fulltext_match
from search.params import CoworkingSearchParams, FreelancerSearchParams, ProjectSearchParams
from search.querysets import searchable_profiles, searchable_projects
from search.taxonomy import profile_categories
from search.text import highlight, query_words


def _near_box(params, *, own_radius_field: str | None) -> Q:
    min_lat, max_lat, min_lon, max_lon = bounding_box(params.near.latitude, params.near.longitude, params.radius_km)
    box = Q(
        municipality__latitude__gte=min_lat,
        municipality__latitude__lte=max_lat,
        municipality__longitude__gte=min_lon,
        municipality__longitude__lte=max_lon,
    )
    if own_radius_field:
        # Someone who travels farther than the asked radius may still reach the client: checked in Python.
        box |= Q(**{f"{own_radius_field}__gt": params.radius_km}, municipality__isnull=False)
    return box


def _distance(params, row) -> float | None:
    lat, lon = row["municipality__latitude"], row["municipality__longitude"]
    if params.near is None or lat is None:
        return None
    return haversine_km(params.near.latitude, params.near.longitude, lat, lon)


def _skills_of(through_model, owner_field: str, queryset) -> dict[int, list[tuple[str, str]]]:
    skills: dict[int, list[tuple[str, str]]] = {}
    rows = through_model.objects.filter(**{f"{owner_field}__in": queryset.values("pk")}).values_list(
        owner_field, "skill__slug", "skill__name"
    )
    for owner_id, slug, name in rows:
        skills.setdefault(owner_id, []).append((slug, name))
    return skills


def _candidates(queryset, params, *, fields: tuple[str, ...], through_model, owner_field: str) -> list[dict]:
    """The narrowed rows with their skills (`skill_slugs`, `skill_names`) and `distance` from `near`."""
    rows = list(
        queryset.values(
            "pk",
            *fields,
            "municipality__latitude",
            "municipality__longitude",
            "municipality__region",
            "municipality__mrc__slug",
        )
    )
    skills = _skills_of(through_model, owner_field, queryset)
    for row in rows:
        row_skills = skills.get(row["pk"], [])
        row["skill_slugs"] = [slug for slug, _name in row_skills]
        row["skill_names"] = [name for _slug, name in row_skills]
        row["distance"] = _distance(params, row)
    return rows


def _facets(rows: list[dict], sizes: dict[str, int], count_more) -> dict:
    """Facet counts over the kept rows: skills, regions and MRCs here, the rest by `count_more(row, counters)`."""
    counters = {name: Counter() for name in sizes}
    for row in rows:
        counters["skills"].update(row["skill_slugs"])
        if row["municipality__region"]:
            counters["regions"][row["municipality__region"]] += 1
        if row["municipality__mrc__slug"]:
            counters["mrcs"][row["municipality__mrc__slug"]] += 1
        count_more(row, counters)
    return label_facets({name: top_counts(counters[name], size) for name, size in sizes.items()})


def _with_cards(page: list[dict], params, *, queryset, card, highlighted: dict[str, int | None]) -> list[Hit]:
    """Hits with their card and highlights, built from the page's full rows (collectives' from theirs)."""
    objects = queryset.in_bulk([row["pk"] for row in page if row.get("kind") != "collective"])
    words = query_words(params.q)
    hits = []
    for row in page:
        if row.get("kind") == "collective":
            hits.append(collective_hit(row, words))
            continue
        obj = objects.get(row["pk"])
        if obj is None:
            continue  # Changed since the first read: left out rather than shown stale.
        hit = Hit(id=row["pk"], score=float(row["score"]), card=card(obj))
        for name, max_chars in highlighted.items() if words else ():
            marked = highlight(getattr(obj, name) or "", words, max_chars=max_chars)
            if "<mark>" in marked:
                hit.highlights[name] = [marked]
        hits.append(hit)
    return hits


def _result(kept: list[dict], params, facets: dict, *, queryset, card, highlighted: dict[str, int | None]):
    """The page of hits, with their cards unless `card` is None (only which objects matched)."""
    page = kept[params.offset : params.offset + params.page_size]
    if card is None:
        hits = [Hit(id=row["pk"], score=float(row["score"])) for row in page]
    else:
        hits = _with_cards(page, params, queryset=queryset, card=card, highlighted=highlighted)
    return SearchResult(
        hits=hits,
        total=len(kept),
        facets=facets,
        backend="database",
        page=params.page,
        page_size=params.page_size,
    )


def search_freelancers(params: FreelancerSearchParams) -> SearchResult:
    """Freelancers matching the words and filters, with facets."""
    queryset = searchable_profiles().prefetch_related(None)
    words = query_words(params.q)
    empty = bool(params.q and not words)
    for slug in (*params.skills, *params.unknown_skills):
        queryset = queryset.filter(pk__in=FreelancerProfile.objects.filter(skills__slug=slug).values("pk"))
    if params.region:
        queryset = queryset.filter(municipality__region=params.region)
    if params.mrc:
        queryset = queryset.filter(municipality__mrc__slug=params.mrc)
    if params.rate_min is not None:
        queryset = queryset.filter(hourly_rate__gte=params.rate_min)
    if params.rate_max is not None:
        queryset = queryset.filter(hourly_rate__lte=params.rate_max)
    if params.availability:
        queryset = queryset.filter(availability=params.availability)
    if params.free_from is not None:
        queryset = free_during(queryset, start=params.free_from, end=params.free_to)
    if params.min_rating is not None:
        queryset = queryset.filter(rating_average__gte=params.min_rating)
    if params.near is not None:
        queryset = queryset.filter(_near_box(params, own_radius_field="travel_radius_km"))
    if empty or not params.searches_profiles:
        queryset = queryset.none()
    ranked = bool(words and not empty)
    if ranked:
        queryset = fulltext_match(queryset, kind="profile", words=words)
    rows = _candidates(
        queryset,
        params,
        fields=("display_name", "headline", "languages", "availability", "hourly_rate", "rating_average")
        + ("rating_count", "travel_radius_km")
        + (("text_rank",) if ranked else ()),
        through_model=FreelancerProfile.skills.through,
        owner_field="freelancerprofile_id",
    )
    kept = []
    for row in rows:
        row["categories"] = profile_categories(headline=row["headline"], skill_names=row["skill_names"])
        row["languages"] = sorted({str(code).lower() for code in (row["languages"] or [])})
        if params.category and params.category not in row["categories"]:
            continue
        if params.language and params.language not in row["languages"]:
            continue
        if params.near is not None:
            reach = max(params.radius_km, row["travel_radius_km"] or 0)
            if row["distance"] is None or row["distance"] > reach:
                continue
        row["score"] = row.get("text_rank") or 0.0
        kept.append(row)
    if params.searches_collectives and not empty:
        kept += collective_rows(params, words=words)

    def count_more(row, counters):
        counters["categories"].update(row["categories"])
        counters["languages"].update(row["languages"])
        if row["availability"]:
            counters["availability"][row["availability"]] += 1

    facets = _facets(kept, FREELANCER_FACETS, count_more)

    def rating_key(row):
        average = row["rating_average"]
        return (average is None, -(average or 0), -row["rating_count"])

    if params.sort == "distance":
        far = float("inf")
        kept.sort(key=lambda r: (r["distance"] if r["distance"] is not None else far, r["pk"]))
    elif params.sort == "rate":
        kept.sort(key=lambda r: (r["hourly_rate"] is None, r["hourly_rate"] or 0, r["pk"]))
    elif params.sort == "rating":
        kept.sort(key=lambda r: (*rating_key(r), r["pk"]))
    else:
        kept.sort(key=lambda r: (-r["score"], *rating_key(r), r["pk"]))
    return _result(
        kept,
        params,
        facets,
        queryset=with_next_free_week(searchable_profiles()),
        card=profile_card,
        highlighted={"headline": None, "bio": 160},
    )


def search_projects(params: ProjectSearchParams, *, user_id: int | None, with_cards: bool = True) -> SearchResult:
    """Open projects the user may see matching the words and filters (`with_cards=False`: only which ones)."""
    queryset = searchable_projects().prefetch_related(None)
    visible = Q(visibility=Visibility.PUBLIC)
    if user_id is not None:
        visible |= Q(pk__in=Project.objects.filter(invitations__freelancer_id=user_id).values("pk"))
    queryset = queryset.filter(visible)
    if params.only_ids:
        queryset = queryset.filter(pk__in=params.only_ids)
    words = query_words(params.q)
    for slug in (*params.skills, *params.unknown_skills):
        queryset = queryset.filter(pk__in=Project.objects.filter(skills__slug=slug).values("pk"))
    if params.category:
        queryset = queryset.filter(category=params.category)
    if params.region:
        queryset = queryset.filter(municipality__region=params.region)
    if params.mrc:
        queryset = queryset.filter(municipality__mrc__slug=params.mrc)
    queryset = queryset.annotate(
        budget_low=Coalesce("budget_min", "budget_max"), budget_high=Coalesce("budget_max", "budget_min")
    )
    if params.budget_min is not None:
        queryset = queryset.filter(budget_high__gte=params.budget_min)
    if params.budget_max is not None:
        queryset = queryset.filter(budget_low__lte=params.budget_max)
    if params.posted_since is not None:
        start = timezone.make_aware(datetime.datetime.combine(params.posted_since, datetime.time.min))
        queryset = queryset.filter(published_at__gte=start)
    if params.near is not None and params.remote:
        queryset = queryset.filter(_near_box(params, own_radius_field=None) | Q(remote=True))
    elif params.near is not None:
        queryset = queryset.filter(_near_box(params, own_radius_field=None))
    elif params.remote:
        queryset = queryset.filter(remote=True)
    if params.q and not words:
        queryset = queryset.none()
    elif words:
        queryset = fulltext_match(queryset, kind="project", words=words)
    rows = _candidates(
        queryset,
        params,
        fields=("title", "category", "remote", "budget_high", "published_at") + (("text_rank",) if words else ()),
        through_model=Project.skills.through,
        owner_field="project_id",
    )
    kept = []
    for row in rows:
        if params.near is not None:
            within = row["distance"] is not None and row["distance"] <= params.radius_km
            if not within and not (params.remote and row["remote"]):
                continue
        row["score"] = row.get("text_rank") or 0.0
        kept.append(row)

    def count_more(row, counters):
        counters["categories"][row["category"]] += 1
        counters["remote"]["true" if row["remote"] else "false"] += 1

    facets = _facets(kept, PROJECT_FACETS, count_more)

    def newest(row):
        return -row["published_at"].timestamp(), -row["pk"]

    if params.sort == "distance":
        far = float("inf")
        kept.sort(key=lambda r: (r["distance"] if r["distance"] is not None else far, *newest(r)))
    elif params.sort == "date":
        kept.sort(key=newest)
    elif params.sort == "budget":
        kept.sort(key=lambda r: (r["budget_high"] is None, -(r["budget_high"] or 0), *newest(r)))
    else:
        kept.sort(key=lambda r: (-r["score"], *newest(r)))
    return _result(
        kept,
        params,
        facets,
        queryset=searchable_projects(),
        card=project_card if with_cards else None,
        highlighted={"title": None, "description": 180},
    )


def search_coworking(params: CoworkingSearchParams) -> SearchResult:
    """Approved coworking spaces: around `near` by the database's own distance (coworking.selectors.spaces_near),
    nearest first; else every one by name, those without a point included."""
    filters = {
        "min_mbps": params.min_mbps,
        "closed_office": params.closed_office,
        "max_day_price": params.max_day_price,
    }
    if params.near is not None:
        spaces = coworking_selectors.spaces_near(
            latitude=params.near.latitude, longitude=params.near.longitude, radius_km=params.radius_km, **filters
        )
        total = len(spaces)
        page = spaces[params.offset : params.offset + params.page_size]
    else:
        queryset = coworking_selectors.approved_spaces(**filters).order_by("name", "pk")
        total = queryset.count()
        page = list(queryset[params.offset : params.offset + params.page_size])
    # The cards show each space's first photo: one query for the page.
    prefetch_related_objects(page, "photos")
    hits = [
        Hit(id=space.pk, distance_km=getattr(space, "distance_km", None), card=coworking_card(space)) for space in page
    ]
    return SearchResult(
        hits=hits, total=total, facets={}, backend="database", page=params.page, page_size=params.page_size
    )
