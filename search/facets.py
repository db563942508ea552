"""Facet names, sizes and labels, shared by both backends so their counts read the same."""

from django.utils.translation import gettext_lazy as _

from profiles.models import Availability, Mrc, Region, Skill
from projects.models import Category
from search.backends.base import FacetValue

FREELANCER_FACETS = {"skills": 20, "regions": 17, "mrcs": 20, "categories": 16, "languages": 10, "availability": 3}
PROJECT_FACETS = {"skills": 20, "regions": 17, "mrcs": 20, "categories": 16, "remote": 2}

LANGUAGE_LABELS = {
    "fr": _("Français"),
    "en": _("Anglais"),
    "es": _("Espagnol"),
    "de": _("Allemand"),
    "it": _("Italien"),
    "pt": _("Portugais"),
    "ar": _("Arabe"),
    "zh": _("Chinois"),
    "iu": _("Inuktitut"),
    "cr": _("Cri"),
}
REMOTE_LABELS = {"true": _("À distance"), "false": _("Sur place")}


def top_counts(counts: dict[str, int], size: int) -> list[tuple[str, int]]:
    """The `size` most frequent values, ties broken by value: the order Elasticsearch's terms aggregation uses."""
    ordered = sorted(((v, c) for v, c in counts.items() if c > 0), key=lambda vc: (-vc[1], vc[0]))
    return ordered[:size]


_skill_name_cache: dict[str, str] = {}
_SKILL_CACHE_LIMIT = 5_000


def _skill_names(slugs: set[str]) -> dict[str, str]:
    """Names of skills by slug, cached per process: names change only by an admin edit (seen after a restart)."""
    missing = [slug for slug in slugs if slug not in _skill_name_cache]
    if missing:
        if len(_skill_name_cache) > _SKILL_CACHE_LIMIT:
            _skill_name_cache.clear()
        _skill_name_cache.update(Skill.objects.filter(slug__in=missing).values_list("slug", "name"))
    return {slug: _skill_name_cache[slug] for slug in slugs if slug in _skill_name_cache}


_mrc_name_cache: dict[str, str] = {}


def _mrc_names(slugs: set[str]) -> dict[str, str]:
    """Names of MRCs by slug, cached per process like skill names."""
    missing = [slug for slug in slugs if slug not in _mrc_name_cache]
    if missing:
        _mrc_name_cache.update(Mrc.objects.filter(slug__in=missing).values_list("slug", "name"))
    return {slug: _mrc_name_cache[slug] for slug in slugs if slug in _mrc_name_cache}


# Built once: `.choices` makes a new list on every access. Lazy labels are translated when shown.
_FIXED_LABELS = {
    "regions": dict(Region.choices),
    "categories": dict(Category.choices),
    "languages": LANGUAGE_LABELS,
    "availability": dict(Availability.choices),
    "remote": REMOTE_LABELS,
}


def label_facets(raw: dict[str, list[tuple[str, int]]]) -> dict[str, list[FacetValue]]:
    """Attach a human label to every facet value."""
    skill_slugs = {value for value, _count in raw.get("skills", [])}
    mrc_slugs = {value for value, _count in raw.get("mrcs", [])}
    labels = {**_FIXED_LABELS, "skills": _skill_names(skill_slugs), "mrcs": _mrc_names(mrc_slugs)}
    out = {}
    for name, values in raw.items():
        names = labels.get(name, {})
        out[name] = [FacetValue(value=v, label=str(names.get(v, v)), count=c) for v, c in values]
    return out
