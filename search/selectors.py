"""Reads: freelancer and project search (Elasticsearch, else the database), autocomplete, saved searches."""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from profiles.models import Municipality, Skill, skill_key
from search.backends import db, es
from search.backends.base import BackendUnavailable, SearchResult, haversine_km
from search.models import SavedSearch
from search.params import FreelancerSearchParams, ProjectSearchParams
from search.querysets import searchable_profiles, searchable_projects
from search.taxonomy import fold
from search.text import highlight, query_words

logger = logging.getLogger(__name__)

AUTOCOMPLETE_LIMIT = 10


def _fallback_notice() -> str:
    return _(
        "La recherche avancée est momentanément indisponible : ces résultats viennent d'une recherche simplifiée "
        "(sans synonymes ni tolérance aux fautes de frappe)."
    )


def _run(search_es, search_db, backend: str | None) -> SearchResult:
    """Ask Elasticsearch when configured; on any failure answer from the database with a notice."""
    if backend == "database" or (backend is None and not settings.ELASTICSEARCH_URL):
        return search_db()
    try:
        return search_es()
    except BackendUnavailable as exc:
        if backend == "elasticsearch":
            raise
        logger.warning("search: Elasticsearch unavailable, answering from the database: %s", exc)
        result = search_db()
        result.notice = _fallback_notice()
        return result


def _in_order(queryset, hits) -> list:
    """The objects of the hits, in hit order, re-checked against the database (a stale index never leaks)."""
    by_id = {obj.pk: obj for obj in queryset.filter(pk__in=[h.id for h in hits])}
    objects = []
    for hit in hits:
        obj = by_id.get(hit.id)
        if obj is not None:
            obj.hit = hit
            objects.append(obj)
    return objects


def _distances(objects, near) -> None:
    for obj in objects:
        municipality = obj.municipality
        obj.hit.distance_km = (
            haversine_km(near.latitude, near.longitude, municipality.latitude, municipality.longitude)
            if near is not None and municipality is not None
            else None
        )


def _db_highlights(objects, q: str, fields: dict[str, int | None]) -> None:
    words = query_words(q)
    if not words:
        return
    for obj in objects:
        if obj.hit.highlights:
            continue
        for field, max_chars in fields.items():
            value = getattr(obj, field) or ""
            marked = highlight(value, words, max_chars=max_chars)
            if "<mark>" in marked:
                obj.hit.highlights[field] = [marked]


def _suggestions(params, *, drop: list[tuple[str, str, dict]]) -> list[dict]:
    """Ways to broaden an empty search: each drops one constraint (or widens the radius)."""
    out = []
    for label, _name, changes in drop:
        out.append({"label": label, "query": params.as_query(page=1, **changes)})
    return out[:5]


def freelancer_search(*, params: FreelancerSearchParams, backend: str | None = None) -> SearchResult:
    """Find freelancers: hits, facets, highlights, distances, and broadening hints when nothing matched."""
    result = _run(lambda: es.search_freelancers(params), lambda: db.search_freelancers(params), backend)
    queryset = searchable_profiles()
    result.objects = _in_order(queryset, result.hits)
    _distances(result.objects, params.near)
    _db_highlights(result.objects, params.q, {"headline": None, "bio": 160})
    if result.total == 0:
        drop = []
        if params.q:
            drop.append((_("Chercher sans les mots « %(q)s »") % {"q": params.q}, "q", {"q": ""}))
        if params.near is not None and params.radius_km and params.radius_km < 400:
            drop.append(
                (
                    _("Élargir à %(km)s km") % {"km": int(params.radius_km * 3)},
                    "radius_km",
                    {"radius_km": params.radius_km * 3},
                )
            )
        if params.near is not None:
            drop.append((_("Partout au Québec"), "near", {"near": None, "radius_km": None, "sort": "relevance"}))
        if params.skills or params.unknown_skills:
            drop.append((_("Sans filtre de compétences"), "skills", {"skills": (), "unknown_skills": ()}))
        for name, label in (
            ("category", _("Toutes les catégories")),
            ("region", _("Toutes les régions")),
            ("language", _("Toutes les langues")),
            ("availability", _("Toutes les disponibilités")),
        ):
            if getattr(params, name):
                drop.append((label, name, {name: ""}))
        if params.rate_min is not None or params.rate_max is not None:
            drop.append((_("Tous les taux horaires"), "rate", {"rate_min": None, "rate_max": None}))
        if params.min_rating is not None:
            drop.append((_("Toutes les évaluations"), "min_rating", {"min_rating": None}))
        result.suggestions = _suggestions(params, drop=drop)
    return result


def project_search(*, params: ProjectSearchParams, user=None, backend: str | None = None) -> SearchResult:
    """Find open projects `user` may see (public ones, and invite-only ones they are invited to)."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    result = _run(
        lambda: es.search_projects(params, user_id=user_id),
        lambda: db.search_projects(params, user_id=user_id),
        backend,
    )
    queryset = searchable_projects()
    objects = _in_order(queryset, result.hits)
    # The database has the last word on who may see an invite-only project.
    result.objects = [
        obj
        for obj in objects
        if obj.visibility == "public" or any(inv.freelancer_id == user_id for inv in obj.invitations.all())
    ]
    _distances(result.objects, params.near)
    _db_highlights(result.objects, params.q, {"title": None, "description": 180})
    if result.total == 0:
        drop = []
        if params.q:
            drop.append((_("Chercher sans les mots « %(q)s »") % {"q": params.q}, "q", {"q": ""}))
        if params.near is not None and params.radius_km and params.radius_km < 400:
            drop.append(
                (
                    _("Élargir à %(km)s km") % {"km": int(params.radius_km * 3)},
                    "radius_km",
                    {"radius_km": params.radius_km * 3},
                )
            )
        if params.near is not None:
            drop.append((_("Partout au Québec"), "near", {"near": None, "radius_km": None, "sort": "relevance"}))
        if params.skills or params.unknown_skills:
            drop.append((_("Sans filtre de compétences"), "skills", {"skills": (), "unknown_skills": ()}))
        if params.category:
            drop.append((_("Toutes les catégories"), "category", {"category": ""}))
        if params.region:
            drop.append((_("Toutes les régions"), "region", {"region": ""}))
        if params.budget_min is not None or params.budget_max is not None:
            drop.append((_("Tous les budgets"), "budget", {"budget_min": None, "budget_max": None}))
        if params.posted_since is not None:
            drop.append((_("Toutes les dates de publication"), "posted_since", {"posted_since": None}))
        if params.remote:
            drop.append((_("Aussi les projets sur place"), "remote", {"remote": False}))
        result.suggestions = _suggestions(params, drop=drop)
    return result


def skill_autocomplete(*, q: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[dict]:
    """Skills whose name contains what was typed (accents and case ignored), most used first."""
    key = skill_key(q[:60])
    if not key:
        return []
    skills = (
        Skill.objects.filter(slug__contains=key)
        .annotate(uses=Count("profiles", distinct=True))
        .order_by("-uses", "name")[: limit * 3]
    )
    # Names that start with the typed text come first.
    ranked = sorted(skills, key=lambda s: (not s.slug.startswith(key), -s.uses, s.name))[:limit]
    return [{"slug": s.slug, "name": s.name} for s in ranked]


@lru_cache(maxsize=4)
def _municipality_names(count: int, last_id: int) -> list[tuple[str, int, str, str, int]]:
    # Quebec has a few hundred places: folding them once per process beats a LIKE on every keystroke.
    return [
        (fold(m.name), m.pk, m.name, m.get_region_display(), m.population)
        for m in Municipality.objects.only("id", "name", "region", "population")
    ]


def municipality_autocomplete(*, q: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[dict]:
    """Municipalities whose name contains what was typed (accents, case and hyphens ignored), biggest first."""
    key = " ".join(fold(q[:80]).replace("-", " ").replace("'", " ").split())
    if not key:
        return []
    stats = Municipality.objects.order_by("-id").values_list("id", flat=True)
    last_id = stats.first() or 0
    names = _municipality_names(Municipality.objects.count(), last_id)
    found = []
    for folded, pk, name, region, population in names:
        spaced = folded.replace("-", " ").replace("'", " ")
        if key in spaced:
            found.append((not spaced.startswith(key), -population, name, pk, region))
    found.sort()
    return [{"id": pk, "name": name, "region": region} for _s, _p, name, pk, region in found[:limit]]


def saved_searches_for_user(*, user) -> list[SavedSearch]:
    """A freelancer's saved searches, newest first."""
    return list(SavedSearch.objects.filter(user=user))
