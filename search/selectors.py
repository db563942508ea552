"""Reads: freelancer and project search (Elasticsearch, else the database), skill autocomplete, saved searches."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils.translation import gettext as _

from marketplace.common.errors import NotFound
from marketplace.common.replica import reads_from_replica
from profiles.models import Mrc, Region, Skill, skill_key
from projects.models import Visibility
from search.backends import db, es
from search.backends.base import BackendUnavailable, SearchResult, haversine_km
from search.cards import cards
from search.models import SavedSearch
from search.params import CoworkingSearchParams, FreelancerSearchParams, ProjectSearchParams
from search.querysets import searchable_profiles, searchable_projects

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


# The cards come straight from the hits (the index's `_source`, or the rows the database backend found):
# no second read of the database. The index only ever holds what search may show: every change that
# hides, closes or unpublishes something records an outbox entry in its own transaction, and the
# worker's drain deletes the document; the query itself narrows invite-only projects to the invited.


def _with_distances(objects: list, near) -> list:
    """Each card's distance from `near` (same formula as Elasticsearch's arc distance)."""
    for card in objects:
        place = card.municipality
        if near is not None and place is not None:
            card.hit.distance_km = haversine_km(near.latitude, near.longitude, place.latitude, place.longitude)
    return objects


def _broadening(params) -> list[tuple[str, dict]]:
    """Ways to broaden either empty search: without the words, a wider radius, anywhere, any skill."""
    drop = []
    if params.q:
        drop.append((_("Chercher sans les mots « %(q)s »") % {"q": params.q}, {"q": ""}))
    if params.near is not None and params.radius_km and params.radius_km < 400:
        drop.append((_("Élargir à %(km)s km") % {"km": int(params.radius_km * 3)}, {"radius_km": params.radius_km * 3}))
    if params.near is not None:
        drop.append((_("Partout au Québec"), {"near": None, "radius_km": None, "sort": "relevance"}))
    if params.skills or params.unknown_skills:
        drop.append((_("Sans filtre de compétences"), {"skills": (), "unknown_skills": ()}))
    if params.category:
        drop.append((_("Toutes les catégories"), {"category": ""}))
    if params.region:
        drop.append((_("Toutes les régions"), {"region": ""}))
    if params.mrc:
        drop.append((_("Toutes les MRC"), {"mrc": ""}))
    return drop


def _suggestions(params, drop: list[tuple[str, dict]]) -> list[dict]:
    """Links that each drop one constraint (or widen the radius), at most five."""
    return [{"label": label, "query": params.as_query(page=1, **changes)} for label, changes in drop[:5]]


# Search is eventually consistent by design (the index follows the outbox): what the database answers
# with may come from the read replica, for members too.
@reads_from_replica()
def freelancer_search(*, params: FreelancerSearchParams, backend: str | None = None) -> SearchResult:
    """Find freelancers: cards, facets, highlights, distances, and broadening hints when nothing matched."""
    result = _run(lambda: es.search_freelancers(params), lambda: db.search_freelancers(params), backend)
    result.objects = _with_distances(cards("profile", result.hits), params.near)
    if result.total == 0:
        drop = _broadening(params)
        for name, label in (("language", _("Toutes les langues")), ("availability", _("Toutes les disponibilités"))):
            if getattr(params, name):
                drop.append((label, {name: ""}))
        if params.rate_min is not None or params.rate_max is not None:
            drop.append((_("Tous les taux horaires"), {"rate_min": None, "rate_max": None}))
        if params.min_rating is not None:
            drop.append((_("Toutes les évaluations"), {"min_rating": None}))
        result.suggestions = _suggestions(params, drop)
    return result


@reads_from_replica()
def project_search(*, params: ProjectSearchParams, user=None, backend: str | None = None) -> SearchResult:
    """Find open projects `user` may see (public ones, and invite-only ones they are invited to)."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    result = _run(
        lambda: es.search_projects(params, user_id=user_id),
        lambda: db.search_projects(params, user_id=user_id),
        backend,
    )
    result.objects = _with_distances(cards("project", result.hits), params.near)
    if result.total == 0:
        drop = _broadening(params)
        if params.budget_min is not None or params.budget_max is not None:
            drop.append((_("Tous les budgets"), {"budget_min": None, "budget_max": None}))
        if params.posted_since is not None:
            drop.append((_("Toutes les dates de publication"), {"posted_since": None}))
        if params.remote:
            drop.append((_("Aussi les projets sur place"), {"remote": False}))
        result.suggestions = _suggestions(params, drop)
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


def saved_searches_for_user(*, user) -> list[SavedSearch]:
    """A freelancer's saved searches, newest first."""
    return list(SavedSearch.objects.filter(user=user))


# --- MRC -------------------------------------------------------------------------------------------

MRC_CHOICES_TTL_SECONDS = 300


def mrc_choices() -> list[dict]:
    """Every MRC ({slug, name, region}) by region then name, for the search form; cached a few minutes."""
    return cache.get_or_set(
        "search:mrc-choices",
        lambda: list(Mrc.objects.order_by("region", "name").values("slug", "name", "region")),
        MRC_CHOICES_TTL_SECONDS,
    )


@dataclass
class MrcCounts:
    mrc: Mrc
    freelancers: int
    projects: int


@dataclass
class RegionMrcs:
    code: str
    name: str
    mrcs: list[MrcCounts]


def mrc_counts(*, mrc_ids=None) -> dict[int, tuple[int, int]]:
    """Per MRC id: (freelancers anyone may find, open public projects), in two grouped queries."""
    profiles = searchable_profiles().prefetch_related(None).exclude(municipality__mrc__isnull=True)
    projects = (
        searchable_projects()
        .prefetch_related(None)
        .filter(visibility=Visibility.PUBLIC)
        .exclude(municipality__mrc__isnull=True)
    )
    if mrc_ids is not None:
        profiles = profiles.filter(municipality__mrc_id__in=mrc_ids)
        projects = projects.filter(municipality__mrc_id__in=mrc_ids)
    counts: dict[int, list[int]] = {}
    for index, queryset in enumerate((profiles, projects)):
        rows = (
            queryset.order_by()
            .values("municipality__mrc_id")
            .annotate(n=Count("pk"))
            .values_list("municipality__mrc_id", "n")
        )
        for mrc_id, n in rows:
            counts.setdefault(mrc_id, [0, 0])[index] = n
    return {mrc_id: (pair[0], pair[1]) for mrc_id, pair in counts.items()}


def mrc_list() -> list[MrcCounts]:
    """Every MRC with its counts, by region then name."""
    counts = mrc_counts()
    return [MrcCounts(mrc, *counts.get(mrc.pk, (0, 0))) for mrc in Mrc.objects.order_by("region", "name")]


def mrc_list_by_region() -> list[RegionMrcs]:
    """Every MRC with its counts, grouped by administrative region (regions in their official order)."""
    names = dict(Region.choices)
    groups: dict[str, RegionMrcs] = {}
    for item in mrc_list():
        region = item.mrc.region
        groups.setdefault(region, RegionMrcs(code=region, name=str(names.get(region, region)), mrcs=[]))
        groups[region].mrcs.append(item)
    return list(groups.values())


def mrc_get(*, slug: str) -> Mrc:
    """One MRC by its slug; NotFound when there is none."""
    mrc = Mrc.objects.filter(slug=slug).first()
    if mrc is None:
        raise NotFound(_("Cette MRC n'existe pas."))
    return mrc


def mrc_get_with_counts(*, slug: str) -> MrcCounts:
    """One MRC by its slug with its counts; NotFound when there is none."""
    mrc = mrc_get(slug=slug)
    return MrcCounts(mrc, *mrc_counts(mrc_ids=[mrc.pk]).get(mrc.pk, (0, 0)))


_VOWELS = tuple("AEIOUYÀÂÉÈÊÎÏÔÛ")


def mrc_title(mrc: Mrc) -> str:
    """ "MRC de Kamouraska", "MRC de L'Islet", "MRC des Basques", "MRC du Granit", "MRC d'Arthabaska"."""
    name = mrc.name
    if name.startswith("Les "):
        return _("MRC des %(rest)s") % {"rest": name[4:], "name": name}
    if name.startswith("Le "):
        return _("MRC du %(rest)s") % {"rest": name[3:], "name": name}
    if name.startswith(_VOWELS):
        return _("MRC d'%(name)s") % {"name": name}
    return _("MRC de %(name)s") % {"name": name}


# --- Coworking spaces --------------------------------------------------------------------------------


@reads_from_replica()
def coworking_search(*, params: CoworkingSearchParams, backend: str | None = None) -> SearchResult:
    """Find approved coworking spaces (Elasticsearch, else the database): cards with `hit.distance_km` around `near`."""
    result = _run(lambda: es.search_coworking(params), lambda: db.search_coworking(params), backend)
    result.objects = cards("coworking", result.hits)
    if result.total == 0:
        drop = []
        if params.near is not None and params.radius_km < 400:
            drop.append(
                (_("Élargir à %(km)s km") % {"km": int(params.radius_km * 3)}, {"radius_km": params.radius_km * 3})
            )
        if params.near is not None:
            drop.append((_("Partout au Québec"), {"near": None, "radius_km": None}))
        if params.min_mbps is not None or params.closed_office or params.max_day_price is not None:
            drop.append((_("Sans filtres"), {"min_mbps": None, "closed_office": False, "max_day_price": None}))
        result.suggestions = [{"label": label, "query": params.as_query(page=1, **changes)} for label, changes in drop]
    return result
