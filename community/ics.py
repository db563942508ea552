"""iCalendar (RFC 5545) files: one event's `.ics`, and a member's feed of every event they hold a seat at.

The `icalendar` package folds long lines at 75 octets without splitting a UTF-8 character, and escapes
commas, semicolons and newlines: accents and long descriptions come back as written.
"""

from __future__ import annotations

from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Event

PRODID = "-//Pigiste QC//Événements//FR"


def _calendar(name: str = "") -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _location(event: Event) -> str:
    parts = [event.address, event.municipality.name if event.municipality_id else ""]
    return ", ".join(part for part in parts if part)


def _vevent(event: Event, *, now) -> icalendar.Event:
    url = settings.SITE_URL + reverse("event-detail", args=[event.pk])
    vevent = icalendar.Event()
    vevent.add("uid", f"evenement-{event.pk}@{settings.SITE_DOMAIN}")
    vevent.add("dtstamp", now)
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    vevent.add("summary", event.title)
    lines = []
    if event.theme:
        lines.append(_("Thème : %(theme)s") % {"theme": event.theme})
    lines.append(event.group.name)
    if event.description:
        lines.append("")
        lines.append(event.description)
    if event.online_url:
        lines.append("")
        lines.append(_("En ligne : %(url)s") % {"url": event.online_url})
    lines.append("")
    lines.append(url)
    vevent.add("description", "\n".join(lines))
    location = _location(event) or event.online_url
    if location:
        vevent.add("location", location)
    vevent.add("url", url)
    # Calendar apps replace what they hold when SEQUENCE grows: the last change's time does.
    vevent.add("sequence", int(event.updated_at.timestamp()) if event.updated_at else 0)
    vevent.add("last-modified", event.updated_at or now)
    vevent.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
    return vevent


def event_ics(event: Event) -> bytes:
    """One event as an `.ics` file to add to a calendar."""
    calendar = _calendar()
    calendar.add_component(_vevent(event, now=timezone.now()))
    return calendar.to_ical()


def feed_ics(events: Iterable[Event], *, name: str) -> bytes:
    """A member's feed: every event given (their seats), cancelled ones marked so calendars drop them."""
    calendar = _calendar(name)
    now = timezone.now()
    for event in events:
        calendar.add_component(_vevent(event, now=now))
    return calendar.to_ical()
