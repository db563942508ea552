"""Real Quebec places (GeoNames coordinates) and profiles in them."""

from profiles.models import Region
from profiles.services import search_key
from tests.factories import MunicipalityFactory

PLACES = {
    "Rivière-du-Loup": (47.8286, -69.5366, Region.BAS_SAINT_LAURENT, 6_000_001),
    "Rimouski": (48.4490, -68.5230, Region.BAS_SAINT_LAURENT, 6_000_002),
    "Québec": (46.8139, -71.2080, Region.CAPITALE_NATIONALE, 6_000_003),
    "Montréal": (45.5088, -73.5878, Region.MONTREAL, 6_000_004),
    "Kamouraska": (47.5664, -69.8665, Region.BAS_SAINT_LAURENT, 6_000_005),
    "Lévis": (46.8033, -71.1779, Region.CHAUDIERE_APPALACHES, 6_000_006),
}


def place(name: str):
    """The municipality `name` with its real coordinates and region."""
    lat, lon, region, geonames_id = PLACES[name]
    return MunicipalityFactory(
        geonames_id=geonames_id,
        name=name,
        search_name=search_key(name),
        latitude=lat,
        longitude=lon,
        region=region,
    )
