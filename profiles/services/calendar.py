"""The freelancer's booked weeks: one write path for the calendar page and the API."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from marketplace.common import changes
from marketplace.common.errors import NotFound
from marketplace.common.inputs import FieldErrors, parse_date
from profiles.models import BookedWeek, FreelancerProfile, User

# How far ahead a week can be booked (the calendar shows as many).
MAX_WEEKS_AHEAD = 52
# A list longer than this is not a calendar (duplicates aside): refused before checking each date.
MAX_LIST = 4 * (MAX_WEEKS_AHEAD + 1)


def _week_label(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def _clean_weeks(values: Iterable, *, today: datetime.date) -> set[datetime.date]:
    """Mondays from the current week up to MAX_WEEKS_AHEAD; every bad one is named at once."""
    errors = FieldErrors()
    current = today - datetime.timedelta(days=today.weekday())
    last = current + datetime.timedelta(weeks=MAX_WEEKS_AHEAD)
    weeks: set[datetime.date] = set()
    for value in values:
        # An empty item is a mistake in the list, not "no week": parse_date would take it for a blank field.
        day = parse_date(value, field="weeks", errors=errors) if value not in (None, "") else None
        if day is None:
            if value in (None, ""):
                errors.add("weeks", _("Entrez une date valide (AAAA-MM-JJ)."))
            continue
        if day.weekday() != 0:
            errors.add(
                "weeks",
                _("Le %(date)s n'est pas un lundi : une semaine se réserve par son lundi.")
                % {"date": _week_label(day)},
            )
        elif day < current:
            errors.add(
                "weeks",
                _("La semaine du %(date)s est déjà passée : elle ne peut plus être réservée.")
                % {"date": _week_label(day)},
            )
        elif day > last:
            errors.add(
                "weeks",
                _("La semaine du %(date)s est à plus de %(max)s semaines : réservez-la plus tard.")
                % {"date": _week_label(day), "max": MAX_WEEKS_AHEAD},
            )
        else:
            weeks.add(day)
    errors.raise_if_any()
    return weeks


def booked_weeks_set(*, user: User, weeks: Iterable, today: datetime.date | None = None) -> list[datetime.date]:
    """Replace the user's booked weeks from the current one on with `weeks` (Mondays); all or nothing.

    Weeks already past are not the freelancer's to change any more: they are pruned here, never refused.
    """
    today = today or timezone.localdate()
    if isinstance(weeks, str | bytes) or not isinstance(weeks, Iterable):
        errors = FieldErrors()
        errors.add("weeks", _("Donnez une liste de dates de lundis (AAAA-MM-JJ)."))
        errors.raise_if_any()
    weeks = list(weeks)
    if len(weeks) > MAX_LIST:
        errors = FieldErrors()
        errors.add("weeks", _("%(max)s semaines au plus.") % {"max": MAX_WEEKS_AHEAD + 1})
        errors.raise_if_any()
    # Every week is checked before anything is written: one bad week refuses the whole list.
    wanted = _clean_weeks(weeks, today=today)
    current = today - datetime.timedelta(days=today.weekday())
    with transaction.atomic():
        profile = FreelancerProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            raise NotFound(_("Vous n'avez pas encore de profil de pigiste."))
        stored = set(BookedWeek.objects.filter(profile=profile).values_list("week_start", flat=True))
        gone = {week for week in stored if week < current or week not in wanted}
        added = wanted - stored
        if gone:
            BookedWeek.objects.filter(profile=profile, week_start__in=gone).delete()
        if added:
            BookedWeek.objects.bulk_create([BookedWeek(profile=profile, week_start=week) for week in sorted(added)])
        if gone or added:
            # The search index holds the booked weeks (the "disponible entre … et …" filter).
            changes.profile_changed(profile_id=profile.pk)
    return sorted(wanted)
