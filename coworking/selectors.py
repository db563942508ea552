"""Reads: the approved spaces, by distance and filters (computed by the database), a space's page, staff's list."""

from __future__ import annotations

import math
from decimal import Decimal

from django.db.models import F, FloatField, QuerySet, Value
from django.db.models.functions import ASin, Cos, Least, Radians, Sin, Sqrt
from django.utils.translation import gettext_lazy as _

from coworking.models import CoworkingSpace, SpaceStatus
from marketplace.common.errors import ValidationFailed
from marketplace.common.geo import EARTH_RADIUS_KM, bounding_box

MAX_RADIUS_KM = 1000


def approved_spaces(
    *, min_mbps: int | None = None, closed_office: bool | None = None, max_day_price: Decimal | None = None
) -> QuerySet[CoworkingSpace]:
    """Approved spaces passing the filters (a space that doesn't say its speed or day price fails those filters)."""
    queryset = CoworkingSpace.objects.filter(status=SpaceStatus.APPROVED).select_related("municipality__mrc")
    if min_mbps is not None:
        queryset = queryset.filter(internet_mbps__gte=min_mbps)
    if closed_office:
        queryset = queryset.filter(closed_offices__gt=0)
    if max_day_price is not None:
        queryset = queryset.filter(price_day__lte=max_day_price)
    return queryset


def _haversine(lat: float, lon: float):
    """The great-circle distance in km from (lat, lon) to each row's point, as an SQL expression.

    marketplace.common.geo.haversine_km's formula and radius (Elasticsearch's arc distance), in SQL.
    """
    phi1 = math.radians(lat)
    half_dphi = (Radians(F("latitude")) - Value(phi1)) / Value(2.0)
    half_dlambda = (Radians(F("longitude")) - Value(math.radians(lon))) / Value(2.0)
    a = Sin(half_dphi) * Sin(half_dphi) + Value(math.cos(phi1)) * Cos(Radians(F("latitude"))) * Sin(half_dlambda) * Sin(
        half_dlambda
    )
    # Rounding may push `a` a hair over 1 for antipodes; asin would then fail.
    return Value(2 * EARTH_RADIUS_KM) * ASin(Least(Sqrt(a), Value(1.0)), output_field=FloatField())


def spaces_near(
    *,
    latitude: float,
    longitude: float,
    radius_km: float,
    min_mbps: int | None = None,
    closed_office: bool | None = None,
    max_day_price: Decimal | None = None,
) -> list[CoworkingSpace]:
    """Approved spaces within `radius_km` of the point, nearest first, each with `distance_km`.

    Spaces with no point at all are never "near" anything: they are left out here and listed elsewhere.
    """
    errors = {}
    if latitude is None or not -90 <= latitude <= 90:
        errors["latitude"] = [_("Entre -90 et 90 degrés.")]
    if longitude is None or not -180 <= longitude <= 180:
        errors["longitude"] = [_("Entre -180 et 180 degrés.")]
    if radius_km is None or not math.isfinite(radius_km) or radius_km <= 0:
        errors["radius_km"] = [_("Le rayon doit être plus grand que 0 km.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    radius_km = min(float(radius_km), MAX_RADIUS_KM)
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
    queryset = (
        approved_spaces(min_mbps=min_mbps, closed_office=closed_office, max_day_price=max_day_price)
        .filter(
            latitude__isnull=False,
            longitude__isnull=False,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
            longitude__gte=min_lon,
            longitude__lte=max_lon,
        )
        .annotate(distance_km=_haversine(latitude, longitude))
        .filter(distance_km__lte=radius_km)
        .order_by("distance_km", "name", "pk")
    )
    return list(queryset)


def space_list_pending() -> QuerySet[CoworkingSpace]:
    """Spaces waiting for staff, oldest first."""
    return (
        CoworkingSpace.objects.filter(status=SpaceStatus.PROPOSED)
        .select_related("municipality", "proposed_by")
        .order_by("created_at", "pk")
    )


def spaces_managed_by(*, user) -> QuerySet[CoworkingSpace]:
    """The spaces `user` manages, whatever their status."""
    return CoworkingSpace.objects.filter(managers=user).select_related("municipality").order_by("name", "pk")


def space_managers(*, space: CoworkingSpace) -> QuerySet:
    """The members who manage `space`, by name."""
    return space.managers.order_by("name", "email", "pk")
