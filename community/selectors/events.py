"""Reads of events and cohorts: what a member may see, seats left, their registrations, events near a place."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import (
    CalendarFeed,
    Event,
    Group,
    GroupAccess,
    GroupMembership,
    GroupMembershipStatus,
    Registration,
    RegistrationStatus,
)
from marketplace.common.errors import NotFound
from marketplace.common.geo import bounding_box, haversine_km

__all__ = [
    "EventPlaceInfo",
    "calendar_events_for_member",
    "calendar_feed_member",
    "cohort_get_visible",
    "cohort_registrations",
    "event_get_visible",
    "event_registrations",
    "events_near",
    "events_upcoming",
    "groups_near",
    "member_registration",
    "member_registrations",
    "near_for_user",
    "cohort_or_event_registrations",
    "waiting_position",
    "with_counts",
]

# How far back a member's feed goes: calendar apps keep what they already have.
FEED_HISTORY = datetime.timedelta(days=365)


def _visible_groups(user) -> Q:
    """Groups whose events the user may see: all but invitation-only ones, and their own groups."""
    visible = ~Q(access=GroupAccess.INVITATION)
    if user is not None and user.is_authenticated:
        member_of = GroupMembership.objects.filter(member=user, status=GroupMembershipStatus.ACTIVE).values("group_id")
        visible |= Q(pk__in=member_of)
    return visible


def with_counts(queryset):
    """Events annotated with `registered_count` and `waiting_count` (a cohort's events count its seats)."""
    return queryset.annotate(
        event_registered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)),
        event_waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
    )


def _fill_cohort_counts(events: list[Event]) -> list[Event]:
    """Set `registered_count`, `waiting_count` and `seats` on each event, from the cohort for a cohort's events."""
    cohort_ids = {event.group_id for event in events if event.group.is_cohort}
    cohorts = {}
    if cohort_ids:
        rows = (
            Registration.objects.filter(cohort_id__in=cohort_ids)
            .values("cohort_id")
            .annotate(
                registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
                waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
            )
        )
        cohorts = {row["cohort_id"]: row for row in rows}
    for event in events:
        if event.group.is_cohort:
            row = cohorts.get(event.group_id, {})
            event.registered_count = row.get("registered", 0)
            event.waiting_count = row.get("waiting", 0)
            event.seats = event.group.seats
        else:
            event.registered_count = getattr(event, "event_registered", None)
            if event.registered_count is None:
                event.registered_count = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
                event.waiting_count = event.registrations.filter(status=RegistrationStatus.WAITING).count()
            else:
                event.waiting_count = event.event_waiting
            event.seats = event.capacity
        event.seats_left = None if event.seats is None else max(event.seats - event.registered_count, 0)
    return events


def event_get_visible(*, user, event_id: int) -> Event:
    """The event with its counts, if the user may see it; NotFound otherwise (no hint that it exists)."""
    event = (
        with_counts(Event.objects.select_related("group", "municipality", "municipality__mrc"))
        .filter(pk=event_id)
        .filter(group__in=Group.objects.filter(_visible_groups(user)))
        .first()
    )
    if event is None:
        raise NotFound(_("Cet événement n'existe pas."))
    return _fill_cohort_counts([event])[0]


def cohort_get_visible(*, user, slug: str | None = None, group_id: int | None = None) -> Group:
    """A cohort the user may see (by slug or id), with `series` (its events) and its seat counts."""
    lookup = {"slug": slug} if slug is not None else {"pk": group_id}
    group = Group.objects.filter(_visible_groups(user)).filter(is_cohort=True, **lookup).first()
    if group is None:
        raise NotFound(_("Cette cohorte n'existe pas."))
    counts = Registration.objects.filter(cohort=group).aggregate(
        registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
    )
    group.registered_count = counts["registered"]
    group.waiting_count = counts["waiting"]
    group.seats_left = max((group.seats or 0) - group.registered_count, 0)
    group.series = list(group.events.select_related("municipality").order_by("starts_at"))
    return group


def events_upcoming(*, user=None, group: Group | None = None, after: datetime.datetime | None = None, limit: int = 100):
    """Upcoming events the user may see (cancelled ones included, marked), soonest first, with their counts."""
    after = after or timezone.now()
    qs = with_counts(
        Event.objects.select_related("group", "municipality").filter(
            ends_at__gt=after, group__in=Group.objects.filter(_visible_groups(user))
        )
    )
    if group is not None:
        qs = qs.filter(group=group)
    return _fill_cohort_counts(list(qs.order_by("starts_at", "pk")[:limit]))


def events_near(*, latitude: float, longitude: float, radius_km: float, after: datetime.datetime | None = None):
    """Upcoming, not cancelled events held in a place within `radius_km` of the point, nearest first.

    Public to anyone (invitation-only groups aside); each event carries `distance_km` (and its counts).
    Online-only events have no place and are left out.
    """
    after = after or timezone.now()
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
    candidates = with_counts(
        Event.objects.select_related("group", "municipality").filter(
            cancelled_at__isnull=True,
            starts_at__gt=after,
            municipality__latitude__range=(min_lat, max_lat),
            municipality__longitude__range=(min_lon, max_lon),
            group__in=Group.objects.filter(_visible_groups(None)),
        )
    )
    near = []
    for event in candidates:
        distance = haversine_km(latitude, longitude, event.municipality.latitude, event.municipality.longitude)
        if distance <= radius_km:
            event.distance_km = round(distance, 1)
            near.append(event)
    near.sort(key=lambda e: (e.distance_km, e.starts_at, e.pk))
    return _fill_cohort_counts(near)


def groups_near(*, latitude: float, longitude: float, radius_km: float, limit: int = 20) -> list[Group]:
    """Groups (invitation-only ones aside) based in a municipality within `radius_km`, nearest first."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
    candidates = Group.objects.select_related("municipality").filter(
        ~Q(access=GroupAccess.INVITATION),
        municipality__latitude__range=(min_lat, max_lat),
        municipality__longitude__range=(min_lon, max_lon),
    )
    near = []
    for group in candidates:
        distance = haversine_km(latitude, longitude, group.municipality.latitude, group.municipality.longitude)
        if distance <= radius_km:
            group.distance_km = round(distance, 1)
            near.append(group)
    near.sort(key=lambda g: (g.distance_km, g.name))
    return near[:limit]


@dataclass
class EventPlaceInfo:
    """What "Près de chez vous" needs: the place and radius it was computed from, and what is there."""

    place: object = None
    radius_km: int = 0
    events: list = field(default_factory=list)
    groups: list = field(default_factory=list)


def near_for_user(*, user) -> EventPlaceInfo | None:
    """Events and groups within the freelancer's travel radius of their municipality; None without a place."""
    profile = getattr(user, "freelancer_profile", None) if user.is_authenticated else None
    if profile is None or profile.municipality_id is None:
        return None
    place = profile.municipality
    # A freelancer who does not travel still meets people in their own village: 25 km at least.
    radius = max(profile.travel_radius_km or 0, 25)
    return EventPlaceInfo(
        place=place,
        radius_km=radius,
        events=events_near(latitude=place.latitude, longitude=place.longitude, radius_km=radius),
        groups=groups_near(latitude=place.latitude, longitude=place.longitude, radius_km=radius),
    )


def member_registration(*, user, event: Event | None = None, cohort: Group | None = None) -> Registration | None:
    """The member's current registration (registered or waiting) to the event or cohort, if any."""
    if not user.is_authenticated:
        return None
    lookup = {"event": event} if event is not None else {"cohort": cohort}
    return Registration.objects.filter(member=user, **lookup).exclude(status=RegistrationStatus.CANCELLED).first()


def waiting_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not waiting."""
    if registration is None or registration.status != RegistrationStatus.WAITING:
        return None
    lookup = {"event_id": registration.event_id} if registration.event_id else {"cohort_id": registration.cohort_id}
    return (
        Registration.objects.filter(status=RegistrationStatus.WAITING, **lookup)
        .filter(
            Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, pk__lt=registration.pk)
        )
        .count()
        + 1
    )


def member_registrations(*, user, upcoming_only: bool = True) -> list[Registration]:
    """The member's current registrations (events and cohorts), with what they point at."""
    qs = (
        Registration.objects.filter(member=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event", "event__group", "event__municipality", "cohort")
    )
    now = timezone.now()
    if upcoming_only:
        qs = qs.filter(Q(event__ends_at__gt=now) | Q(cohort__isnull=False))
    return list(qs.order_by("created_at", "pk"))


def event_registrations(*, event: Event) -> list[Registration]:
    """Who registered (then who waits, in line order), for the organisers' list."""
    lookup = {"cohort": event.group} if event.group.is_cohort else {"event": event}
    return cohort_or_event_registrations(**lookup)


def cohort_registrations(*, cohort: Group) -> list[Registration]:
    return cohort_or_event_registrations(cohort=cohort)


def cohort_or_event_registrations(**lookup) -> list[Registration]:
    rows = (
        Registration.objects.filter(**lookup)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("member", "member__freelancer_profile")
        .order_by("created_at", "pk")
    )
    rows = list(rows)
    return [r for r in rows if r.status == RegistrationStatus.REGISTERED] + [
        r for r in rows if r.status == RegistrationStatus.WAITING
    ]


def calendar_events_for_member(*, member) -> list[Event]:
    """Every event the member holds a seat at, alone or through a cohort, from a year ago on (cancelled ones too)."""
    since = timezone.now() - FEED_HISTORY
    seats = Registration.objects.filter(member=member, status=RegistrationStatus.REGISTERED)
    return list(
        Event.objects.select_related("group", "municipality")
        .filter(
            Q(pk__in=seats.filter(event__isnull=False).values("event_id"))
            | Q(group_id__in=seats.filter(cohort__isnull=False).values("cohort_id")),
            ends_at__gt=since,
        )
        .order_by("starts_at", "pk")
    )


def calendar_feed_member(*, token: str):
    """Whose feed the secret token opens; NotFound for a revoked or made-up token."""
    feed = CalendarFeed.objects.select_related("member").filter(token=token, member__is_active=True).first()
    if feed is None:
        raise NotFound(_("Ce calendrier n'existe pas ou son adresse a été remplacée."))
    return feed.member
