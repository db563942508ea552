"""Search parameters: parsed and checked once, for the pages, the API and saved searches alike."""

from __future__ import annotations

import datetime
import math
import re
import time
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common.inputs import TRUE_WORDS, FieldErrors, iso_date
from profiles.models import Availability, Mrc, Municipality, Region, Skill, skill_key
from projects.models import Category

MAX_QUERY_CHARS = 200  # Longer text is cut: nobody types more, and it keeps queries cheap.
MAX_QUERY_WORDS = 24
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_WINDOW = 10_000  # Elasticsearch refuses from + size beyond this.
MAX_RADIUS_KM = 2_000  # Quebec is about 1 500 km across: anything larger means "anywhere".
MAX_SKILLS = 10
MAX_RATE = Decimal("100000")
MAX_AMOUNT = MAX_RATE * 100  # the largest rate or budget a search filters on
# The OpenAPI schema states these as they are checked here (search/api.py).
LANGUAGE_PATTERN = r"^([A-Za-z]{2,3})?$"
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
POSTED_SINCE_DAYS = r"^([0-9]{1,4})?$"
_FALSE = ("", "0", "false", "off", "no", "non")

FREELANCER_SORTS = ("relevance", "distance", "rate", "rating")
# The freelancer search's "collectifs" filter: collectives beside the freelancers, or only them.
COLLECTIVE_SCOPES = ("include", "only")
PROJECT_SORTS = ("relevance", "date", "budget", "distance")

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def _get(data, name: str) -> str:
    value = data.get(name, "")
    return value.strip() if isinstance(value, str) else str(value)


def _get_list(data, name: str) -> list[str]:
    """Repeated parameters (`skills=a&skills=b`) or a comma-separated one (`skills=a,b`)."""
    values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
    if isinstance(values, str):
        values = [values]
    out = []
    for value in values:
        out.extend(part.strip() for part in str(value).split(",") if part.strip())
    return out


def clean_query_text(raw: str) -> str:
    """The words of the search box: composed, control characters dropped, length capped, spaces collapsed."""
    # NFC: "é" typed (or pasted) as "e" + a combining accent would otherwise split the word in two.
    text = unicodedata.normalize("NFC", (raw or "")[: MAX_QUERY_CHARS * 4])
    text = _CONTROL_CHARS.sub(" ", text)[: MAX_QUERY_CHARS * 2]
    words = text.split()[:MAX_QUERY_WORDS]
    return " ".join(words)[:MAX_QUERY_CHARS].strip()


def _int(errors: FieldErrors, data, name: str, *, default: int, message) -> int:
    raw = _get(data, name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        errors.add(name, message)
        return default


def _decimal(errors: FieldErrors, data, name: str, message) -> Decimal | None:
    raw = _get(data, name).replace(",", ".").replace(" ", "").replace("$", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        errors.add(name, message)
        return None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        errors.add(name, message)
        return None
    return value


def _paging(errors: FieldErrors, data) -> tuple[int, int]:
    """Page and page size, capped so that from + size stays within Elasticsearch's window."""
    page_size = _int(
        errors, data, "page_size", default=DEFAULT_PAGE_SIZE, message=_("La taille de page doit être un nombre.")
    )
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    page = _int(errors, data, "page", default=1, message=_("Le numéro de page doit être un nombre."))
    page = min(max(page, 1), MAX_WINDOW // page_size)
    return page, page_size


# Municipalities and skill names are reference data: kept per process for a few minutes, so a search
# answered by Elasticsearch needs no database query at all. A miss (a new place or skill) asks the database.
REFERENCE_TTL_SECONDS = 300.0
_REFERENCE_LIMIT = 20_000
_municipalities: dict[int, tuple[float, Municipality]] = {}
_known_skills: dict[str, float] = {}
_known_mrcs: dict[str, float] = {}


def _municipality(pk: int) -> Municipality | None:
    now = time.monotonic()
    cached = _municipalities.get(pk)
    if cached is not None and now - cached[0] < REFERENCE_TTL_SECONDS:
        return cached[1]
    municipality = Municipality.objects.filter(pk=pk).first()
    if municipality is not None:
        if len(_municipalities) > _REFERENCE_LIMIT:
            _municipalities.clear()
        _municipalities[pk] = (now, municipality)
    return municipality


def _existing_skills(keys: list[str]) -> set[str]:
    now = time.monotonic()
    known = {key for key in keys if now - _known_skills.get(key, -REFERENCE_TTL_SECONDS) < REFERENCE_TTL_SECONDS}
    missing = [key for key in keys if key not in known]
    if missing:
        found = set(Skill.objects.filter(slug__in=missing).values_list("slug", flat=True))
        if len(_known_skills) > _REFERENCE_LIMIT:
            _known_skills.clear()
        _known_skills.update(dict.fromkeys(found, now))
        known |= found
    return known


def _mrc(errors: FieldErrors, data) -> str:
    """An MRC by its slug ("kamouraska"), checked against the known ones."""
    slug = _get(data, "mrc").lower()
    if not slug:
        return ""
    now = time.monotonic()
    if now - _known_mrcs.get(slug, -REFERENCE_TTL_SECONDS) >= REFERENCE_TTL_SECONDS:
        if not Mrc.objects.filter(slug=slug).exists():
            errors.add("mrc", _("MRC inconnue : choisissez-la dans la liste."))
            return ""
        if len(_known_mrcs) > _REFERENCE_LIMIT:
            _known_mrcs.clear()
        _known_mrcs[slug] = now
    return slug


def _near(errors: FieldErrors, data) -> tuple[Municipality | None, float | None]:
    near_raw = _get(data, "near")
    radius_raw = _get(data, "radius_km")
    municipality = None
    if near_raw:
        try:
            municipality = _municipality(int(near_raw))
        except (ValueError, OverflowError):
            municipality = None
        if municipality is None:
            errors.add("near", _("Municipalité inconnue : choisissez-la dans la liste."))
    radius = None
    if radius_raw:
        try:
            radius = float(radius_raw.replace(",", "."))
        except ValueError:
            errors.add("radius_km", _("Le rayon doit être un nombre de kilomètres."))
        else:
            if not math.isfinite(radius) or radius <= 0:
                errors.add("radius_km", _("Le rayon doit être plus grand que 0 km."))
                radius = None
            else:
                radius = min(radius, MAX_RADIUS_KM)
    if municipality is not None and radius is None and "radius_km" not in errors.errors:
        radius = 50.0
    if radius is not None and municipality is None and not near_raw:
        errors.add("near", _("Choisissez une municipalité pour chercher par distance."))
    return municipality, radius


def _skills(data) -> tuple[list[str], list[str]]:
    """Known skill slugs, and the names asked for that match no skill (they make the result empty)."""
    asked = _get_list(data, "skills")[:MAX_SKILLS]
    keys = [skill_key(name) for name in asked]
    keys = [key for key in dict.fromkeys(keys) if key]
    known = _existing_skills(keys)
    return [key for key in keys if key in known], [key for key in keys if key not in known]


def _choice(errors: FieldErrors, data, name: str, choices, message) -> str:
    value = _get(data, name)
    if value and value not in choices:
        errors.add(name, message)
        return ""
    return value


@dataclass(frozen=True)
class _SearchParams:
    """What both searches take: words, skills, category, region, MRC, place, sort and page."""

    q: str = ""
    skills: tuple[str, ...] = ()
    unknown_skills: tuple[str, ...] = ()
    category: str = ""
    region: str = ""
    # An MRC's slug ("kamouraska").
    mrc: str = ""
    near: Municipality | None = None
    radius_km: float | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def as_query(self, **changes) -> str:
        """The query string of these parameters (with `changes`), for links."""
        return urlencode(_as_pairs(replace(self, **changes) if changes else self), doseq=True)

    def filter_count(self) -> int:
        """How many filters are set (words, sort and page are not filters)."""
        return sum(
            bool(v) for v in (self.skills, self.category, self.region, self.mrc, self.near, *self._own_filters())
        )

    def _own_filters(self) -> tuple:
        return ()


@dataclass(frozen=True)
class FreelancerSearchParams(_SearchParams):
    rate_min: Decimal | None = None
    rate_max: Decimal | None = None
    language: str = ""
    availability: str = ""
    min_rating: float | None = None
    # « Disponible entre … et … »: free for the whole period (profiles.selectors.free_during).
    free_from: datetime.date | None = None
    free_to: datetime.date | None = None
    # The "collectifs" filter: "" (freelancers only), "include" (collectives too) or "only" (search/collectives.py).
    collectives: str = ""

    def _own_filters(self) -> tuple:
        return (*self._person_filters(), self.collectives)

    def _person_filters(self) -> tuple:
        return (
            self.rate_min is not None,
            self.rate_max is not None,
            self.language,
            self.availability,
            self.min_rating,
            self.free_from,
        )

    @property
    def searches_profiles(self) -> bool:
        return self.collectives != "only"

    @property
    def searches_collectives(self) -> bool:
        """Collectives asked for, and no filter only a person can meet (rate, language, availability…)."""
        return self.collectives in COLLECTIVE_SCOPES and not any(self._person_filters())


@dataclass(frozen=True)
class ProjectSearchParams(_SearchParams):
    remote: bool = False
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    posted_since: datetime.date | None = None
    # Restricts the search to these projects (saved searches check one new project at a time).
    only_ids: tuple[int, ...] = field(default=(), compare=False)

    def saved_query(self) -> str:
        """What a saved search keeps: the filters, without paging or sort."""
        return urlencode(_as_pairs(replace(self, page=1, page_size=DEFAULT_PAGE_SIZE, sort="relevance")), doseq=True)

    def _own_filters(self) -> tuple:
        return (self.remote, self.budget_min is not None, self.budget_max is not None, self.posted_since)


def _as_pairs(params) -> list[tuple[str, str]]:
    pairs = []
    for name in (
        "q",
        "category",
        "region",
        "mrc",
        "language",
        "availability",
        "collectives",
        "sort",
    ):
        value = getattr(params, name, "")
        if value and not (name == "sort" and value == "relevance"):
            pairs.append((name, value))
    for slug in (*params.skills, *params.unknown_skills):
        pairs.append(("skills", slug))
    if params.near is not None:
        pairs.append(("near", str(params.near.pk)))
        pairs.append(("radius_km", f"{params.radius_km:g}"))
    for name in ("rate_min", "rate_max", "budget_min", "budget_max", "min_rating"):
        value = getattr(params, name, None)
        if value is not None:
            pairs.append((name, f"{value:g}" if isinstance(value, float) else str(value.normalize())))
    if getattr(params, "remote", False):
        pairs.append(("remote", "1"))
    if getattr(params, "posted_since", None):
        pairs.append(("posted_since", params.posted_since.isoformat()))
    for name in ("free_from", "free_to"):
        if getattr(params, name, None):
            pairs.append((name, getattr(params, name).isoformat()))
    if params.page > 1:
        pairs.append(("page", str(params.page)))
    if params.page_size != DEFAULT_PAGE_SIZE:
        pairs.append(("page_size", str(params.page_size)))
    return pairs


def _common(errors: FieldErrors, data) -> dict:
    """The parameters both searches take: words, skills, category, region, MRC and place."""
    q = clean_query_text(_get(data, "q"))
    known, unknown = _skills(data)
    # In the form's order, so the first error named is the first bad field.
    category = _choice(errors, data, "category", Category.values, _("Catégorie inconnue."))
    region = _choice(errors, data, "region", Region.values, _("Région inconnue."))
    mrc = _mrc(errors, data)
    near, radius = _near(errors, data)
    return {
        "q": q,
        "skills": tuple(known),
        "unknown_skills": tuple(unknown),
        "category": category,
        "region": region,
        "mrc": mrc,
        "near": near,
        "radius_km": radius if near else None,
    }


def _sort_and_paging(errors: FieldErrors, data, *, choices: tuple[str, ...], near) -> dict:
    """The sort (distance only around a place) and the page; raises with every error collected so far."""
    sort = _get(data, "sort") or "relevance"
    if sort not in choices:
        errors.add("sort", _("Tri inconnu."))
        sort = "relevance"
    if sort == "distance" and near is None and "near" not in errors.errors:
        errors.add("sort", _("Choisissez une municipalité pour trier par distance."))
    page, page_size = _paging(errors, data)
    errors.raise_if_any()
    return {"sort": sort, "page": page, "page_size": page_size}


def _amount_range(
    errors: FieldErrors, data, low: str, high: str, messages: tuple
) -> tuple[Decimal | None, Decimal | None]:
    """A min/max pair of amounts; `messages`: (bad low, bad high, low above high)."""
    low_value = _decimal(errors, data, low, messages[0])
    high_value = _decimal(errors, data, high, messages[1])
    if low_value is not None and high_value is not None and low_value > high_value:
        errors.add(low, messages[2])
    return low_value, high_value


def freelancer_search_params(data) -> FreelancerSearchParams:
    """Parse a freelancer search from a QueryDict (or dict); raise ValidationFailed listing every bad parameter."""
    errors = FieldErrors()
    common = _common(errors, data)
    rate_min, rate_max = _amount_range(
        errors,
        data,
        "rate_min",
        "rate_max",
        (
            _("Le taux minimum doit être un montant positif."),
            _("Le taux maximum doit être un montant positif."),
            _("Le taux minimum dépasse le taux maximum."),
        ),
    )
    language = _get(data, "language").lower()
    if language and not LANGUAGE_RE.match(language):
        errors.add("language", _("Langue inconnue : utilisez un code comme « fr » ou « en »."))
        language = ""
    availability = _choice(errors, data, "availability", Availability.values, _("Disponibilité inconnue."))
    min_rating = None
    raw_rating = _get(data, "min_rating").replace(",", ".")
    if raw_rating:
        try:
            min_rating = float(raw_rating)
        except ValueError:
            min_rating = None
        if min_rating is None or not math.isfinite(min_rating) or not 0 <= min_rating <= 5:
            errors.add("min_rating", _("La note minimale doit être entre 1 et 5."))
            min_rating = None
        elif min_rating == 0:
            min_rating = None
    return FreelancerSearchParams(
        **common,
        rate_min=rate_min,
        rate_max=rate_max,
        language=language,
        availability=availability,
        min_rating=min_rating,
        **_free_period(errors, data),
        collectives=_choice(
            errors, data, "collectives", COLLECTIVE_SCOPES, _("Choix inconnu : « include » ou « only » (collectifs).")
        ),
        **_sort_and_paging(errors, data, choices=FREELANCER_SORTS, near=common["near"]),
    )


def _iso_date(errors: FieldErrors, data, name: str) -> datetime.date | None:
    raw = _get(data, name)
    if not raw:
        return None
    day = iso_date(raw)
    if day is None:
        errors.add(name, _("Date invalide : utilisez AAAA-MM-JJ."))
    return day


def _free_period(errors: FieldErrors, data) -> dict:
    """« Disponible entre … et … »: `free_from` (today when only `free_to` is given) up to `free_to`."""
    free_from = _iso_date(errors, data, "free_from")
    free_to = _iso_date(errors, data, "free_to")
    if free_from is None and free_to is None:
        return {"free_from": None, "free_to": None}
    today = timezone.localdate()
    if free_to is not None and free_to < (free_from or today):
        errors.add("free_to", _("La fin de la période est avant son début."))
        return {"free_from": None, "free_to": None}
    if free_from is not None and free_from < today:
        # A past start means "from today": nobody can be booked for it any more.
        free_from = today
    # Nothing is booked beyond a year ahead, so a later end adds no booked week to check: it stops there.
    horizon = today + datetime.timedelta(weeks=53)
    if free_from is not None and free_from > horizon:
        errors.add("free_from", _("Choisissez un début de période dans les 12 prochains mois."))
        return {"free_from": None, "free_to": None}
    if free_to is not None and free_to > horizon:
        free_to = horizon
    return {"free_from": free_from or today, "free_to": free_to}


def _posted_since(errors: FieldErrors, data) -> datetime.date | None:
    """A date (2026-11-01) or a number of days back (7)."""
    raw = _get(data, "posted_since")
    if not raw:
        return None
    if re.fullmatch(POSTED_SINCE_DAYS, raw):
        return timezone.localdate() - datetime.timedelta(days=int(raw))
    day = iso_date(raw)
    if day is None:
        errors.add("posted_since", _("Date invalide : utilisez AAAA-MM-JJ ou un nombre de jours."))
    return day


def _bool(errors: FieldErrors, data, name: str) -> bool:
    """A checkbox or a boolean: 1/true/on/yes/oui, or 0/false/off/no/non (empty: false); anything else is refused."""
    raw = _get(data, name).lower()
    if raw in TRUE_WORDS:
        return True
    if raw not in _FALSE:
        errors.add(name, _("Valeur invalide : oui (true) ou non (false)."))
    return False


def project_search_params(data) -> ProjectSearchParams:
    """Parse a project search from a QueryDict (or dict); raise ValidationFailed listing every bad parameter."""
    errors = FieldErrors()
    common = _common(errors, data)
    budget_min, budget_max = _amount_range(
        errors,
        data,
        "budget_min",
        "budget_max",
        (
            _("Le budget minimum doit être un montant positif."),
            _("Le budget maximum doit être un montant positif."),
            _("Le budget minimum dépasse le budget maximum."),
        ),
    )
    return ProjectSearchParams(
        **common,
        remote=_bool(errors, data, "remote"),
        budget_min=budget_min,
        budget_max=budget_max,
        posted_since=_posted_since(errors, data),
        **_sort_and_paging(errors, data, choices=PROJECT_SORTS, near=common["near"]),
    )


# --- Coworking spaces ------------------------------------------------------------------------------

MAX_SPACE_MBPS = 10_000


@dataclass(frozen=True)
class CoworkingSearchParams:
    """A search of the approved coworking spaces: around a place (nearest first) or everywhere (by name)."""

    near: Municipality | None = None
    radius_km: float | None = None
    min_mbps: int | None = None
    closed_office: bool = False
    max_day_price: Decimal | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def filter_count(self) -> int:
        return sum(bool(v) for v in (self.near, self.min_mbps, self.closed_office, self.max_day_price is not None))

    def as_query(self, **changes) -> str:
        params = replace(self, **changes) if changes else self
        pairs = []
        if params.near is not None:
            pairs += [("near", str(params.near.pk)), ("radius_km", f"{params.radius_km:g}")]
        if params.min_mbps is not None:
            pairs.append(("min_mbps", str(params.min_mbps)))
        if params.closed_office:
            pairs.append(("closed_office", "1"))
        if params.max_day_price is not None:
            pairs.append(("max_day_price", str(params.max_day_price.normalize())))
        if params.page > 1:
            pairs.append(("page", str(params.page)))
        if params.page_size != DEFAULT_PAGE_SIZE:
            pairs.append(("page_size", str(params.page_size)))
        return urlencode(pairs)


def coworking_search_params(data) -> CoworkingSearchParams:
    """Parse a coworking search from a QueryDict (or dict); raise ValidationFailed listing every bad parameter."""
    errors = FieldErrors()
    near, radius = _near(errors, data)
    min_mbps = None
    raw = _get(data, "min_mbps")
    if raw:
        try:
            min_mbps = int(raw)
        except ValueError:
            errors.add("min_mbps", _("La vitesse minimale doit être un nombre entier de Mbit/s."))
        else:
            if not 0 <= min_mbps <= MAX_SPACE_MBPS:
                errors.add("min_mbps", _("Entre 0 et %(max)s Mbit/s.") % {"max": MAX_SPACE_MBPS})
                min_mbps = None
            elif min_mbps == 0:
                min_mbps = None
    closed_office = _get(data, "closed_office").lower()
    if closed_office not in TRUE_WORDS and closed_office not in _FALSE:
        errors.add("closed_office", _("Oui ou non."))
    max_day_price = _decimal(errors, data, "max_day_price", _("Le prix maximum doit être un montant positif."))
    page, page_size = _paging(errors, data)
    errors.raise_if_any()
    return CoworkingSearchParams(
        near=near,
        radius_km=radius if near else None,
        min_mbps=min_mbps,
        closed_office=closed_office in TRUE_WORDS,
        max_day_price=max_day_price,
        page=page,
        page_size=page_size,
    )
