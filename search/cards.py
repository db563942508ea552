"""What a search result shows: one card per hit.

The card's data is built once from the database (`profile_card`, `project_card`) and stored in
the indexed document, so a search answered by Elasticsearch renders its results straight from
`_source` without reading the rows again. The database backend builds the very same data from
the rows it found, so both backends show identical cards.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.storage import default_storage
from django.urls import reverse

from collectives.models import CollectiveKind
from profiles.models import Availability, FreelancerProfile, Region
from profiles.selectors import free_week_label, next_free_week, profile_next_free_week
from projects.models import Category, Project
from search.backends.base import Hit

# The cards show 160 (profiles) and 180 (projects) characters of the text; a little more is kept.
SNIPPET_CHARS = 200

_REGION_NAMES = dict(Region.choices)
_AVAILABILITY_LABELS = dict(Availability.choices)
_CATEGORY_LABELS = dict(Category.choices)
_COLLECTIVE_KIND_LABELS = dict(CollectiveKind.choices)


def _amount(value: Decimal | None) -> str | None:
    # Strings, not floats: money keeps its exact cents through JSON.
    return None if value is None else str(value)


def _place(municipality) -> dict | None:
    if municipality is None:
        return None
    mrc = municipality.mrc  # selected with the municipality (search/querysets.py)
    return {
        "id": municipality.pk,
        "name": municipality.name,
        "region": municipality.region,
        "latitude": municipality.latitude,
        "longitude": municipality.longitude,
        "mrc_slug": mrc.slug if mrc else "",
        "mrc_name": mrc.name if mrc else "",
    }


def profile_card(profile: FreelancerProfile) -> dict:
    """The card of a profile as JSON-ready data (skills prefetched by name, municipality selected)."""
    return {
        "display_name": profile.display_name,
        "headline": profile.headline,
        "bio": profile.bio[:SNIPPET_CHARS],
        "hourly_rate": _amount(profile.hourly_rate),
        "municipality": _place(profile.municipality),
        "travel_radius_km": profile.travel_radius_km,
        "remote": profile.remote,
        "skills": [s.name for s in profile.skills.all()],
        "languages": list(profile.languages or []),
        "availability": profile.availability,
        "rating_average": _amount(profile.rating_average),
        "rating_count": profile.rating_count,
        **_free_weeks(profile),
    }


def _free_weeks(profile: FreelancerProfile) -> dict:
    """What the card needs for « Libre à partir de la semaine du … », without a query of its own.

    The index keeps the booked weeks (prefetched by the indexer), and the card works out the next free week
    when it is shown, as the weeks go by. The database backend builds its cards at search time from rows
    annotated by `with_next_free_week`, so it keeps that week.
    """
    available_from = profile.available_from.isoformat() if profile.available_from else None
    if hasattr(profile, "upcoming_booked_weeks"):
        booked = [week.week_start.isoformat() for week in profile.upcoming_booked_weeks]
        return {"available_from": available_from, "booked_weeks": booked}
    week = profile_next_free_week(profile)
    return {"available_from": available_from, "free_week": week.isoformat() if week else None}


def project_card(project: Project) -> dict:
    """The card of a project as JSON-ready data (skills prefetched by name, municipality selected)."""
    return {
        "title": project.title,
        "description": project.description[:SNIPPET_CHARS],
        "category": project.category,
        "budget_type": project.budget_type,
        "budget_min": _amount(project.budget_min),
        "budget_max": _amount(project.budget_max),
        "municipality": _place(project.municipality),
        "remote": project.remote,
        "visibility": project.visibility,
        "skills": [s.name for s in project.skills.all()],
        "published_at": project.published_at.isoformat() if project.published_at else None,
        "quotes_due": project.quotes_due.isoformat(),
    }


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    region: str
    latitude: float
    longitude: float
    mrc_slug: str = ""
    mrc_name: str = ""

    @property
    def region_name(self) -> str:
        return _REGION_NAMES.get(self.region, self.region)


def _place_of(data: dict | None) -> Place | None:
    return None if data is None else Place(**data)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@dataclass
class FreelancerCard:
    id: int
    display_name: str
    headline: str
    bio: str
    hourly_rate: Decimal | None
    municipality: Place | None
    travel_radius_km: int
    remote: bool
    skills: list[str]
    languages: list[str]
    availability: str
    rating_average: Decimal | None
    rating_count: int
    hit: Hit = field(repr=False, default=None)
    available_from: str | None = None
    booked_weeks: list[str] | None = None
    free_week: str | None = None

    is_collective = False

    @classmethod
    def from_data(cls, hit: Hit, data: dict) -> FreelancerCard:
        return cls(
            id=hit.id,
            hit=hit,
            **{
                **data,
                "hourly_rate": _decimal(data["hourly_rate"]),
                "rating_average": _decimal(data["rating_average"]),
                "municipality": _place_of(data["municipality"]),
            },
        )

    @property
    def availability_label(self) -> str:
        return str(_AVAILABILITY_LABELS.get(self.availability, ""))

    @property
    def next_free_week(self) -> datetime.date | None:
        """The Monday of the first free week, as of today (profiles.selectors.next_free_week)."""
        if self.booked_weeks is None:
            return datetime.date.fromisoformat(self.free_week) if self.free_week else None
        return next_free_week(
            availability=self.availability,
            available_from=datetime.date.fromisoformat(self.available_from) if self.available_from else None,
            booked=[datetime.date.fromisoformat(week) for week in self.booked_weeks],
        )

    @property
    def next_free_week_label(self) -> str:
        return free_week_label(self.next_free_week)


@dataclass
class ProjectCard:
    id: int
    title: str
    description: str
    category: str
    budget_type: str
    budget_min: Decimal | None
    budget_max: Decimal | None
    municipality: Place | None
    remote: bool
    visibility: str
    skills: list[str]
    published_at: datetime.datetime | None
    quotes_due: datetime.date
    hit: Hit = field(repr=False, default=None)

    @classmethod
    def from_data(cls, hit: Hit, data: dict) -> ProjectCard:
        published = data["published_at"]
        return cls(
            id=hit.id,
            hit=hit,
            **{
                **data,
                "budget_min": _decimal(data["budget_min"]),
                "budget_max": _decimal(data["budget_max"]),
                "municipality": _place_of(data["municipality"]),
                "published_at": datetime.datetime.fromisoformat(published) if published else None,
                "quotes_due": datetime.date.fromisoformat(data["quotes_due"]),
            },
        )

    @property
    def category_label(self) -> str:
        return str(_CATEGORY_LABELS.get(self.category, self.category))


def collective_card(collective, *, skills: list[str], member_count: int, reach_km: int, remote: bool) -> dict:
    """The card of a collective as JSON-ready data (municipality selected; the rest from search/collectives.py)."""
    return {
        "name": collective.name,
        "slug": collective.slug,
        "kind": collective.kind,
        "description": collective.description[:SNIPPET_CHARS],
        "municipality": _place(collective.municipality),
        "skills": skills,
        "member_count": member_count,
        "travel_radius_km": reach_km,
        "remote": remote,
    }


@dataclass
class CollectiveCard:
    """A collective among the freelancers found (the "collectifs" filter of the freelancer search)."""

    id: int
    name: str
    slug: str
    kind: str
    description: str
    municipality: Place | None
    skills: list[str]
    member_count: int
    travel_radius_km: int
    remote: bool
    hit: Hit = field(repr=False, default=None)

    is_collective = True

    @classmethod
    def from_data(cls, hit: Hit, data: dict) -> CollectiveCard:
        return cls(id=hit.id, hit=hit, **{**data, "municipality": _place_of(data["municipality"])})

    @property
    def kind_label(self) -> str:
        return str(_COLLECTIVE_KIND_LABELS.get(self.kind, self.kind))

    @property
    def url(self) -> str:
        return collective_url(self.slug)


def collective_url(slug: str) -> str:
    """The collective's public page, /collectifs/<slug>/."""
    return reverse("collective-detail", args=[slug])


def coworking_card(space) -> dict:
    """The card of an approved coworking space (municipality selected, photos prefetched or not)."""
    photo = next(iter(space.photos.all()), None)
    return {
        "name": space.name,
        "slug": space.slug,
        "municipality": _place(space.municipality),
        "address": space.address,
        "latitude": space.latitude,
        "longitude": space.longitude,
        "desks": space.desks,
        "closed_offices": space.closed_offices,
        "meeting_rooms": space.meeting_rooms,
        "has_studio": space.has_studio,
        "internet_mbps": space.internet_mbps,
        "price_hour": _amount(space.price_hour),
        "price_day": _amount(space.price_day),
        "price_month": _amount(space.price_month),
        # The storage key of the first photo's thumbnail; its URL is made when shown.
        "photo": (photo.thumbnail_jpeg.name or photo.thumbnail.name) if photo else "",
    }


@dataclass
class CoworkingCard:
    """An approved coworking space found by the coworking search."""

    id: int
    name: str
    slug: str
    municipality: Place | None
    address: str
    latitude: float | None
    longitude: float | None
    desks: int
    closed_offices: int
    meeting_rooms: int
    has_studio: bool
    internet_mbps: int | None
    price_hour: Decimal | None
    price_day: Decimal | None
    price_month: Decimal | None
    photo: str
    hit: Hit = field(repr=False, default=None)

    @classmethod
    def from_data(cls, hit: Hit, data: dict) -> CoworkingCard:
        prices = {name: _decimal(data[name]) for name in ("price_hour", "price_day", "price_month")}
        return cls(id=hit.id, hit=hit, **{**data, "municipality": _place_of(data["municipality"]), **prices})

    @property
    def photo_url(self) -> str:
        return default_storage.url(self.photo) if self.photo else ""

    @property
    def url(self) -> str:
        return reverse("coworking-detail", args=[self.slug])


def cards(kind: str, hits: list[Hit]) -> list:
    """The cards of hits carrying their card data (`kind`: "profile" or "project"), in hit order.

    A freelancer search may hold collectives too: their hits say so (`hit.kind`).
    """
    card_class = {"profile": FreelancerCard, "project": ProjectCard, "coworking": CoworkingCard}[kind]
    return [(CollectiveCard if hit.kind == "collective" else card_class).from_data(hit, hit.card) for hit in hits]
