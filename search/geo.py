"""The places a freelancer's travel radius reaches, precomputed for the index.

"near=<municipality>" is always one of Quebec's municipalities, so a freelancer who travels R km
is indexed with the ids of every municipality within R km of them; the query is then a plain term
match, exact (the same haversine as the database backend) and needs no script on the node.
"""

from functools import lru_cache

from profiles.models import Municipality
from search.backends.base import bounding_box, haversine_km


@lru_cache(maxsize=2)
def _all_places(count: int, last_id: int) -> tuple[tuple[int, float, float], ...]:
    return tuple(Municipality.objects.order_by("pk").values_list("pk", "latitude", "longitude"))


def current_places() -> tuple[tuple[int, float, float], ...]:
    """Every municipality's (id, lat, lon); two cheap queries decide whether the cached list is still right.

    Callers indexing many profiles fetch it once per batch and pass it along.
    """
    last = Municipality.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return _all_places(Municipality.objects.count(), last)


@lru_cache(maxsize=4096)
def _reach(lat: float, lon: float, radius_km: int, places: tuple) -> tuple[int, ...]:
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_km)
    return tuple(
        pk
        for pk, plat, plon in places
        if min_lat <= plat <= max_lat and min_lon <= plon <= max_lon and haversine_km(lat, lon, plat, plon) <= radius_km
    )


def reached_municipality_ids(*, latitude: float, longitude: float, radius_km: int, places=None) -> list[int]:
    """Ids of the municipalities within `radius_km` of the point (none when the radius is 0)."""
    if not radius_km:
        return []
    return list(_reach(latitude, longitude, radius_km, places if places is not None else current_places()))
