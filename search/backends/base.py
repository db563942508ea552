"""What a search returns, whichever backend answered."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# One haversine for every app (events and coworking spaces too): it lives below them all.
from marketplace.common.geo import EARTH_RADIUS_KM, bounding_box, haversine_km  # noqa: F401


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
    # "collective" for a collective found by the freelancer search; "" for the search's own kind.
    kind: str = ""


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
