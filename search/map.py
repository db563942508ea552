"""The map of what is near a place: freelancers, coworking spaces and events (the page /carte/ and its API).

Within `rayon` km of the municipality `lieu`:
- freelancers: the freelancer search around the place (search.selectors.freelancer_search, nearest
  first), kept within the radius itself (a freelancer whose own travel radius reaches the place from
  farther stays off the map), at most MAX_FREELANCERS; each shown at their municipality, never closer;
- coworking spaces: coworking.selectors.spaces_near (approved spaces, at their own point);
- events: community.selectors.events_near (upcoming, held in a place; online-only ones have none).
The list of markers is the page's real content; the map draws the same markers (static/js/map.js).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from community.selectors import events_near
from coworking.selectors import spaces_near
from marketplace.common.inputs import FieldErrors
from profiles.models import Municipality
from search.params import MAX_PAGE_SIZE, FreelancerSearchParams
from search.selectors import freelancer_search

DEFAULT_RADIUS_KM = 50
MAX_RADIUS_KM = 200
MAX_FREELANCERS = MAX_PAGE_SIZE
MAX_PER_LAYER = 100
MAP_RADIUS_CHOICES = (10, 25, 50, 100, 200)

FREELANCER = "freelancer"
SPACE = "coworking"
EVENT = "event"
LAYERS = (FREELANCER, SPACE, EVENT)


@dataclass(frozen=True)
class MapParams:
    place: Municipality | None
    radius_km: float


@dataclass
class Marker:
    """One point of the map, and one line of the list beside it."""

    type: str
    id: int
    name: str
    latitude: float
    longitude: float
    distance_km: float
    url: str
    detail: str = ""


@dataclass
class MapResult:
    place: Municipality
    radius_km: float
    freelancers: list[Marker] = field(default_factory=list)
    spaces: list[Marker] = field(default_factory=list)
    events: list[Marker] = field(default_factory=list)

    @property
    def markers(self) -> list[Marker]:
        return [*self.freelancers, *self.spaces, *self.events]


def map_params(data, *, require_place: bool = False) -> MapParams:
    """`lieu` (a municipality's id) and `rayon` (km, 50 by default, at most 200); ValidationFailed otherwise.

    Without `lieu` the page asks for a place (`place` is None); the API requires one (`require_place`).
    """
    errors = FieldErrors()
    raw_place = str(data.get("lieu", "") or "").strip()
    raw_radius = str(data.get("rayon", "") or "").strip().replace(",", ".")
    place = None
    if raw_place:
        place = (
            Municipality.objects.filter(pk=int(raw_place)).first()
            if raw_place.isdecimal() and raw_place.isascii()
            else None
        )
        if place is None:
            errors.add("lieu", _("Municipalité inconnue : choisissez-la dans la liste."))
    elif require_place:
        errors.add("lieu", _("Choisissez la municipalité au centre de la carte."))
    radius = float(DEFAULT_RADIUS_KM)
    if raw_radius:
        try:
            radius = float(raw_radius)
        except ValueError:
            radius = math.nan
        if not math.isfinite(radius) or not 1 <= radius <= MAX_RADIUS_KM:
            errors.add("rayon", _("Le rayon doit être entre 1 et %(max)s km.") % {"max": MAX_RADIUS_KM})
    errors.raise_if_any()
    return MapParams(place=place, radius_km=radius)


def _place_detail(municipality) -> str:
    return municipality.name if municipality is not None else ""


def _freelancers(place: Municipality, radius_km: float) -> list[Marker]:
    params = FreelancerSearchParams(near=place, radius_km=radius_km, sort="distance", page_size=MAX_FREELANCERS)
    result = freelancer_search(params=params)
    markers = []
    for card in result.objects:
        distance = card.hit.distance_km
        if card.municipality is None or distance is None or distance > radius_km:
            continue
        markers.append(
            Marker(
                type=FREELANCER,
                id=card.id,
                name=card.display_name,
                latitude=card.municipality.latitude,
                longitude=card.municipality.longitude,
                distance_km=round(distance, 1),
                url=reverse("freelancer-detail", args=[card.id]),
                detail=card.headline,
            )
        )
    return markers


def _spaces(place: Municipality, radius_km: float) -> list[Marker]:
    spaces = spaces_near(latitude=place.latitude, longitude=place.longitude, radius_km=radius_km)
    return [
        Marker(
            type=SPACE,
            id=space.pk,
            name=space.name,
            latitude=space.latitude,
            longitude=space.longitude,
            distance_km=round(space.distance_km, 1),
            url=reverse("coworking-detail", args=[space.slug]),
            detail=_place_detail(space.municipality),
        )
        for space in spaces[:MAX_PER_LAYER]
    ]


def _events(place: Municipality, radius_km: float) -> list[Marker]:
    events = events_near(latitude=place.latitude, longitude=place.longitude, radius_km=radius_km)
    return [
        Marker(
            type=EVENT,
            id=event.pk,
            name=event.title,
            latitude=event.municipality.latitude,
            longitude=event.municipality.longitude,
            distance_km=round(event.distance_km, 1),
            url=reverse("event-detail", args=[event.pk]),
            detail=f"{date_format(localtime(event.starts_at), 'DATETIME_FORMAT')} · {event.municipality.name}",
        )
        for event in events[:MAX_PER_LAYER]
    ]


def map_near(*, place: Municipality, radius_km: float) -> MapResult:
    """Freelancers, coworking spaces and events within `radius_km` of `place`, each layer nearest first."""
    return MapResult(
        place=place,
        radius_km=radius_km,
        freelancers=_freelancers(place, radius_km),
        spaces=_spaces(place, radius_km),
        events=_events(place, radius_km),
    )


def marker_data(marker: Marker) -> dict:
    """A marker as JSON (the API and the page's data for static/js/map.js)."""
    return {
        "type": marker.type,
        "id": marker.id,
        "name": marker.name,
        "latitude": marker.latitude,
        "longitude": marker.longitude,
        "distance_km": marker.distance_km,
        "url": marker.url,
        "detail": marker.detail,
    }
