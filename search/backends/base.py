"""What a search returns, whichever backend answered."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

EARTH_RADIUS_KM = 6371.0087714  # The mean radius Elasticsearch's arcDistance uses.


class BackendUnavailable(Exception):
    """Elasticsearch could not answer (down, timed out, index missing)."""


@dataclass
class Hit:
    id: int
    score: float | None = None
    distance_km: float | None = None
    # Field name -> HTML-escaped fragments with <mark> around the matched words.
    highlights: dict[str, list[str]] = field(default_factory=dict)
    # What the result card shows (search/cards.py), as stored in the document.
    card: dict | None = None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    backend: str
    page: int = 1
    page_size: int = 20
    # Filled by the selector: the cards of the hits (search/cards.py), in order, each with `.hit`.
    objects: list = field(default_factory=list)
    notice: str = ""
    suggestions: list[dict] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(min(self.total, 10_000) / self.page_size))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (the same formula and radius as Elasticsearch's arcDistance)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle, for a cheap SQL prefilter."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    dlon = min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
