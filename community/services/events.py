"""Writes on events and cohorts: create, update, cancel; register, leave, the waiting list; reminders; feeds.

Seats are counted under a row lock on the event (or, for a cohort, on its group): two members racing for
the last seat are served one after the other, so exactly `capacity` are registered and the rest wait.
PostgreSQL takes the lock with SELECT … FOR UPDATE; SQLite (``make run``) has no row locks, but its
transactions start IMMEDIATE (settings), which lets one writer in at a time: the same effect.
"""

from __future__ import annotations

import datetime
import logging
import secrets

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import (
    CalendarFeed,
    Event,
    Group,
    GroupAccess,
    GroupMembership,
    GroupMembershipStatus,
    GroupRole,
    Registration,
    RegistrationStatus,
)
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.common.inputs import FieldErrors, clean_text, parse_int
from notifications.models import NotificationKind
from notifications.services import notify
from profiles.models import Municipality

from .groups import group_membership_activate, group_was_removed

__all__ = [
    "EVENT_FIELDS",
    "calendar_feed_reset",
    "calendar_feed_token",
    "cohort_configure",
    "cohort_register",
    "cohort_registration_cancel",
    "event_cancel",
    "event_create",
    "event_register",
    "event_registration_cancel",
    "event_reminder_send",
    "event_reminders_send_due",
    "event_update",
    "is_group_organiser",
]

logger = logging.getLogger(__name__)

EVENT_FIELDS = (
    "title",
    "theme",
    "description",
    "starts_at",
    "ends_at",
    "municipality",
    "address",
    "online_url",
    "capacity",
    "registration_deadline",
)
MAX_CAPACITY = 10_000
MAX_DURATION = datetime.timedelta(days=14)
MIN_SEATS, MAX_SEATS = 6, 12
# "The day before": a reminder goes out once the event is less than this far away.
REMINDER_BEFORE = datetime.timedelta(hours=24)


# --- Access ----------------------------------------------------------------------------------------


def is_group_organiser(*, user, group: Group) -> bool:
    """An active organiser of the group (its creator counts as one)."""
    if not user.is_authenticated:
        return False
    if group.created_by_id == user.pk:
        return True
    return GroupMembership.objects.filter(
        group=group, member=user, role=GroupRole.ORGANISER, status=GroupMembershipStatus.ACTIVE
    ).exists()


def _is_active_member(*, user, group: Group) -> bool:
    return GroupMembership.objects.filter(group=group, member=user, status=GroupMembershipStatus.ACTIVE).exists()


def _group_for_organiser(*, user, group_id: int, lock: bool = False) -> Group:
    qs = Group.objects.select_for_update() if lock else Group.objects.all()
    group = qs.filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("Ce groupe n'existe pas."))
    if not is_group_organiser(user=user, group=group):
        raise PermissionDenied(_("Seuls les organisateurs du groupe peuvent faire cela."))
    return group


def _event_for_organiser(*, user, event_id: int, lock: bool = False) -> Event:
    qs = Event.objects.select_for_update() if lock else Event.objects.all()
    event = qs.select_related("group").filter(pk=event_id).first()
    if event is None:
        raise NotFound(_("Cet événement n'existe pas."))
    if not is_group_organiser(user=user, group=event.group):
        raise PermissionDenied(_("Seuls les organisateurs du groupe peuvent modifier cet événement."))
    return event


def _check_may_register(*, user, group: Group) -> None:
    """Anyone signed in joins a public group's events; other groups' events are for their members."""
    if group.access != GroupAccess.PUBLIC and not _is_active_member(user=user, group=group):
        raise PermissionDenied(_("Les événements de ce groupe sont réservés à ses membres."))


def event_url(event: Event) -> str:
    return reverse("event-detail", args=[event.pk])


def cohort_url(group: Group) -> str:
    return reverse("cohort-detail", args=[group.slug])


# --- Events: create, update, cancel ----------------------------------------------------------------


def _parse_datetime(value, *, field: str, errors: FieldErrors) -> datetime.datetime | None:
    """An aware datetime from a datetime or ISO text; a naive one is read in the site's time zone."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value).strip())
        except ValueError:
            errors.add(field, _("Entrez une date et une heure valides (AAAA-MM-JJ HH:MM)."))
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _clean_event(data: dict, *, current: Event | None, group: Group) -> dict:
    """Check every field given (all of them on creation); raise one error listing every problem."""
    errors = FieldErrors()
    given = set(data) if current is not None else set(EVENT_FIELDS)
    out: dict = {}

    def value(name):
        return data.get(name)

    if "title" in given:
        out["title"] = clean_text(value("title"), field="title", errors=errors, max_length=160, required=True)
    if "theme" in given:
        out["theme"] = clean_text(value("theme"), field="theme", errors=errors, max_length=160)
    if "description" in given:
        out["description"] = clean_text(value("description"), field="description", errors=errors, max_length=5000)
    if "address" in given:
        out["address"] = clean_text(value("address"), field="address", errors=errors, max_length=200)
    if "online_url" in given:
        url = clean_text(value("online_url"), field="online_url", errors=errors, max_length=200)
        if url and not url.lower().startswith(("https://", "http://")):
            errors.add("online_url", _("Le lien en ligne commence par https://."))
        out["online_url"] = url
    if "municipality" in given:
        municipality_id = parse_int(value("municipality"), field="municipality", errors=errors)
        if municipality_id is not None and not (
            0 < municipality_id < 2**31 and Municipality.objects.filter(pk=municipality_id).exists()
        ):
            errors.add("municipality", _("Cette municipalité n'existe pas. Choisissez-en une dans la liste."))
        out["municipality_id"] = municipality_id
    for name in ("starts_at", "ends_at", "registration_deadline"):
        if name in given:
            out[name] = _parse_datetime(value(name), field=name, errors=errors)
    if "capacity" in given:
        capacity = parse_int(
            value("capacity"), field="capacity", errors=errors, message=_("Entrez un nombre de places.")
        )
        if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
            errors.add("capacity", _("Entre 1 et 10 000 places."))
        out["capacity"] = capacity

    def final(name):
        if name in out:
            return out[name]
        return getattr(current, name) if current is not None else None

    starts_at, ends_at = final("starts_at"), final("ends_at")
    if "starts_at" in given and starts_at is None and "starts_at" not in errors.errors:
        errors.add("starts_at", _("Indiquez la date et l'heure du début."))
    if "ends_at" in given and ends_at is None and "ends_at" not in errors.errors:
        errors.add("ends_at", _("Indiquez l'heure de fin."))
    now = timezone.now()
    if "starts_at" in out and starts_at is not None and starts_at <= now:
        errors.add("starts_at", _("Un événement se planifie dans le futur."))
    if starts_at and ends_at and not errors.errors.get("ends_at"):
        if ends_at <= starts_at:
            errors.add("ends_at", _("La fin vient après le début."))
        elif ends_at - starts_at > MAX_DURATION:
            errors.add("ends_at", _("Un événement dure deux semaines au plus."))
    deadline = final("registration_deadline")
    if deadline and starts_at and deadline > starts_at and not errors.errors.get("registration_deadline"):
        errors.add("registration_deadline", _("La date limite d'inscription vient avant le début."))
    place_fields = {"municipality_id", "online_url", "address"}
    if current is None or place_fields & set(out):
        municipality_id = out.get("municipality_id", current.municipality_id if current else None)
        online_url = final("online_url") or ""
        if municipality_id is None and not online_url and "municipality" not in errors.errors:
            errors.add("municipality", _("Indiquez une municipalité (et une adresse) ou un lien en ligne."))
    if group.is_cohort:
        # A cohort's seats cover its series: its events have no capacity of their own.
        if out.get("capacity"):
            errors.add("capacity", _("Les places d'une cohorte se règlent dans la cohorte, pas par événement."))
        out.pop("capacity", None)
    errors.raise_if_any()
    return out


def event_create(*, user, group_id: int, data: dict) -> Event:
    """An organiser plans an event of their group; a reminder is scheduled for the day before."""
    group = _group_for_organiser(user=user, group_id=group_id)
    fields = _clean_event(data, current=None, group=group)
    event = Event.objects.create(group=group, **fields)
    _after_commit_schedule_reminder(event)
    return event


def event_update(*, user, event_id: int, data: dict) -> Event:
    """An organiser changes an event; more seats move the first waiting members up."""
    with transaction.atomic():
        event = _event_for_organiser(user=user, event_id=event_id, lock=True)
        if event.cancelled_at:
            raise Conflict(_("Cet événement est annulé : il ne se modifie plus."))
        if event.ends_at <= timezone.now():
            raise Conflict(_("Cet événement est passé : il ne se modifie plus."))
        fields = _clean_event({k: v for k, v in data.items() if k in EVENT_FIELDS}, current=event, group=event.group)
        if "capacity" in fields and fields["capacity"] is not None:
            registered = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
            if fields["capacity"] < registered:
                raise ValidationFailed(
                    _("%(count)s personnes sont déjà inscrites : la capacité ne peut pas descendre sous ce nombre.")
                    % {"count": registered},
                    field="capacity",
                )
        moved = "starts_at" in fields and fields["starts_at"] != event.starts_at
        for name, value in fields.items():
            setattr(event, name, value)
        if moved:
            event.reminder_sent_at = None  # a new date deserves its own reminder
        event.save()
        if not event.group.is_cohort:
            _promote_waiting(event=event)
    if moved:
        _after_commit_schedule_reminder(event)
    return event


def event_cancel(*, user, event_id: int) -> Event:
    """An organiser cancels an event: it stays listed, marked cancelled, and leaves registered calendars."""
    with transaction.atomic():
        event = _event_for_organiser(user=user, event_id=event_id, lock=True)
        if event.cancelled_at:
            raise Conflict(_("Cet événement est déjà annulé."))
        if event.ends_at <= timezone.now():
            raise Conflict(_("Cet événement est passé : il ne s'annule plus."))
        event.cancelled_at = timezone.now()
        event.save(update_fields=["cancelled_at", "updated_at"])
        _notify_cancelled(event)
    return event


def _notify_cancelled(event: Event) -> None:
    """Tell everyone holding a seat or a place in line (the cohort's, for an event of a cohort) that it is off.

    The registrations stay as they are: the event remains listed as cancelled, and a cohort's seats still
    cover its other meetings.
    """
    group = event.group
    lookup = {"cohort_id": group.pk} if group.is_cohort else {"event": event}
    holders = Registration.objects.filter(
        status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITING), **lookup
    ).select_related("member")
    date = timezone.localdate(event.starts_at).isoformat()
    for registration in holders:
        params = {
            "title": event.title,
            "date": date,
            "waiting": registration.status == RegistrationStatus.WAITING,
        }
        if group.is_cohort:
            params["cohort"] = group.name
        notify(
            recipient=registration.member,
            kind=NotificationKind.EVENT_CANCELLED,
            params=params,
            url=event_url(event),
        )


# --- Registration: one event -----------------------------------------------------------------------


def _check_open(*, starts_at, deadline, cancelled: bool = False) -> None:
    now = timezone.now()
    if cancelled:
        raise Conflict(_("Cet événement est annulé."))
    if starts_at is not None and starts_at <= now:
        raise Conflict(_("Cet événement est passé : les inscriptions sont fermées."))
    if deadline is not None and deadline <= now:
        raise Conflict(_("La date limite d'inscription est passée."))


def _current_registration(**lookup) -> Registration | None:
    return Registration.objects.filter(**lookup).exclude(status=RegistrationStatus.CANCELLED).first()


def _already(registration: Registration):
    if registration.status == RegistrationStatus.WAITING:
        return Conflict(_("Vous êtes déjà sur la liste d'attente."))
    return Conflict(_("Vous êtes déjà inscrit·e."))


def _seat_status(*, capacity: int | None, **lookup) -> str:
    if capacity is None:
        return RegistrationStatus.REGISTERED
    taken = Registration.objects.filter(status=RegistrationStatus.REGISTERED, **lookup).count()
    return RegistrationStatus.REGISTERED if taken < capacity else RegistrationStatus.WAITING


def _create_registration(*, member, status: str, **target) -> Registration:
    try:
        # The partial unique constraints back the check above if two requests of one member race.
        with transaction.atomic():
            return Registration.objects.create(member=member, status=status, **target)
    except IntegrityError as exc:
        raise Conflict(_("Vous êtes déjà inscrit·e.")) from exc


def _notify_registered(*, registration: Registration, title: str, starts_at, url: str) -> None:
    params = {"title": title, "waiting": registration.status == RegistrationStatus.WAITING}
    if starts_at is not None:
        params["date"] = timezone.localdate(starts_at).isoformat()
    notify(recipient=registration.member, kind=NotificationKind.EVENT_REGISTERED, params=params, url=url)


def event_register(*, user, event_id: int) -> Registration:
    """Take a seat at an event, or a place on its waiting list when it is full."""
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("group").filter(pk=event_id).first()
        if event is None:
            raise NotFound(_("Cet événement n'existe pas."))
        _check_may_register(user=user, group=event.group)
        if event.group.is_cohort:
            raise Conflict(_("Cet événement fait partie d'une cohorte : inscrivez-vous à la cohorte entière."))
        _check_open(starts_at=event.starts_at, deadline=event.registration_deadline, cancelled=bool(event.cancelled_at))
        existing = _current_registration(event=event, member=user)
        if existing is not None:
            raise _already(existing)
        status = _seat_status(capacity=event.capacity, event=event)
        registration = _create_registration(member=user, status=status, event=event)
        _notify_registered(
            registration=registration, title=event.title, starts_at=event.starts_at, url=event_url(event)
        )
    return registration


def event_registration_cancel(*, user, event_id: int) -> Registration:
    """Give up a seat (or a place in line); the first one waiting takes the seat and is told."""
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("group").filter(pk=event_id).first()
        if event is None:
            raise NotFound(_("Cet événement n'existe pas."))
        registration = _current_registration(event=event, member=user)
        if registration is None:
            raise Conflict(_("Vous n'êtes pas inscrit·e à cet événement."))
        if event.starts_at <= timezone.now():
            raise Conflict(_("Cet événement est commencé ou passé : l'inscription ne s'annule plus."))
        _cancel(registration)
        if not event.cancelled_at:
            _promote_waiting(event=event)
    return registration


def _cancel(registration: Registration) -> None:
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])


def _promote_waiting(*, event: Event | None = None, cohort: Group | None = None) -> list[Registration]:
    """Move the first waiting members up while seats are free (the caller holds the row lock)."""
    if event is not None:
        capacity, lookup = event.capacity, {"event": event}
        title, starts_at, url = event.title, event.starts_at, event_url(event)
    else:
        capacity, lookup = cohort.seats, {"cohort": cohort}
        first = cohort.events.filter(cancelled_at__isnull=True, starts_at__gt=timezone.now()).first()
        title, starts_at, url = cohort.name, first.starts_at if first else None, cohort_url(cohort)
    registered = Registration.objects.filter(status=RegistrationStatus.REGISTERED, **lookup).count()
    waiting = Registration.objects.filter(status=RegistrationStatus.WAITING, **lookup).order_by("created_at", "id")
    free = None if capacity is None else max(capacity - registered, 0)
    promoted = list(waiting if free is None else waiting[:free])
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
        params = {"title": title, "cohort": cohort is not None}
        if starts_at is not None:
            params["date"] = timezone.localdate(starts_at).isoformat()
        notify(recipient=registration.member, kind=NotificationKind.EVENT_PROMOTED, params=params, url=url)
    return promoted


# --- Cohorts: one registration for the whole series ------------------------------------------------


def cohort_configure(*, user, group_id: int, seats, registration_deadline=None) -> Group:
    """An organiser makes the group a cohort of 6 to 12 seats (or changes its seats and deadline)."""
    errors = FieldErrors()
    seat_count = parse_int(seats, field="seats", errors=errors, message=_("Entrez un nombre de places."))
    if "seats" not in errors and (seat_count is None or not MIN_SEATS <= seat_count <= MAX_SEATS):
        errors.add("seats", _("Une cohorte a de 6 à 12 places."))
    deadline = _parse_datetime(registration_deadline, field="registration_deadline", errors=errors)
    errors.raise_if_any()
    with transaction.atomic():
        group = _group_for_organiser(user=user, group_id=group_id, lock=True)
        registered = group.registrations.filter(status=RegistrationStatus.REGISTERED).count()
        if seat_count < registered:
            raise ValidationFailed(
                _("%(count)s personnes sont déjà inscrites : le nombre de places ne peut pas descendre sous ce nombre.")
                % {"count": registered},
                field="seats",
            )
        if not group.is_cohort and group.events.filter(capacity__isnull=False, ends_at__gt=timezone.now()).exists():
            # Seats of single events would mean nothing once the series shares one registration.
            group.events.filter(ends_at__gt=timezone.now()).update(capacity=None)
        group.is_cohort = True
        group.seats = seat_count
        group.registration_deadline = deadline
        group.save(update_fields=["is_cohort", "seats", "registration_deadline", "updated_at"])
        _promote_waiting(cohort=group)
    return group


def _lock_cohort(group_id: int) -> Group:
    group = Group.objects.select_for_update().filter(pk=group_id).first()
    if group is None or not group.is_cohort:
        raise NotFound(_("Cette cohorte n'existe pas."))
    return group


def cohort_register(*, user, group_id: int) -> Registration:
    """Take a seat in a cohort: every event of its series, now and to come; or wait when it is full."""
    with transaction.atomic():
        group = _lock_cohort(group_id)
        _check_may_register(user=user, group=group)
        if group_was_removed(group=group, member_id=user.pk):
            raise PermissionDenied(
                _("Les organisateurs vous ont retiré·e de ce groupe : seule une invitation vous y ramène.")
            )
        upcoming = group.events.filter(cancelled_at__isnull=True, starts_at__gt=timezone.now())
        if group.events.exists() and not upcoming.exists():
            raise Conflict(_("Cette cohorte est terminée : les inscriptions sont fermées."))
        _check_open(starts_at=None, deadline=group.registration_deadline)
        existing = _current_registration(cohort=group, member=user)
        if existing is not None:
            raise _already(existing)
        status = _seat_status(capacity=group.seats, cohort=group)
        registration = _create_registration(member=user, status=status, cohort=group)
        # A cohort is its group: its bulletin board is where the series is discussed. Someone waiting joins
        # too, since they move up on their own and the board tells them what the seated ones hear.
        group_membership_activate(group=group, member=user)
        first = upcoming.first()
        _notify_registered(
            registration=registration,
            title=group.name,
            starts_at=first.starts_at if first else None,
            url=cohort_url(group),
        )
    return registration


def cohort_registration_cancel(*, user, group_id: int) -> Registration:
    """Leave a cohort's series; the first one waiting takes the seat and is told."""
    with transaction.atomic():
        group = _lock_cohort(group_id)
        registration = _current_registration(cohort=group, member=user)
        if registration is None:
            raise Conflict(_("Vous n'êtes pas inscrit·e à cette cohorte."))
        _cancel(registration)
        _promote_waiting(cohort=group)
        # The group membership stays: the member may still follow the board (a public group is open to all
        # anyway, and in the others they were members before registering); "Quitter le groupe" ends it.
    return registration


# --- Reminders the day before ----------------------------------------------------------------------


def _after_commit_schedule_reminder(event: Event) -> None:
    def schedule():
        # community.tasks imports this module for the work itself; scheduling is its only way back.
        from community.tasks import schedule_event_reminder

        schedule_event_reminder(event_id=event.pk, starts_at=event.starts_at)

    transaction.on_commit(schedule)


def event_reminder_send(*, event_id: int, now: datetime.datetime | None = None) -> int:
    """Remind the registered members of one event, once, when it is less than a day away; returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        # Claiming the event first makes a second run (the task and the sweep, or a retry) send nothing.
        claimed = Event.objects.filter(
            pk=event_id,
            reminder_sent_at__isnull=True,
            cancelled_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + REMINDER_BEFORE,
        ).update(reminder_sent_at=now)
        if not claimed:
            return 0
        event = Event.objects.select_related("group", "municipality").get(pk=event_id)
        if event.group.is_cohort:
            members = Registration.objects.filter(cohort_id=event.group_id, status=RegistrationStatus.REGISTERED)
        else:
            members = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED)
        local = timezone.localtime(event.starts_at)
        params = {
            "title": event.title,
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
            "place": ", ".join(p for p in (event.address, event.municipality.name if event.municipality else "") if p),
            "online": bool(event.online_url),
        }
        count = 0
        for registration in members.select_related("member"):
            notify(
                recipient=registration.member,
                kind=NotificationKind.EVENT_REMINDER,
                params=params,
                url=event_url(event),
            )
            count += 1
    return count


def event_reminders_send_due(*, now: datetime.datetime | None = None) -> int:
    """The sweep: remind every event due (less than a day away, not reminded yet); returns how many reminders."""
    now = now or timezone.now()
    due = Event.objects.filter(
        reminder_sent_at__isnull=True,
        cancelled_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_BEFORE,
    ).values_list("pk", flat=True)
    return sum(event_reminder_send(event_id=pk, now=now) for pk in list(due))


# --- The member's calendar feed --------------------------------------------------------------------


def calendar_feed_token(*, user) -> str:
    """The member's secret feed token, made on first use."""
    feed = CalendarFeed.objects.filter(member=user).first()
    if feed is None:
        try:
            with transaction.atomic():
                feed = CalendarFeed.objects.create(member=user, token=secrets.token_urlsafe(32))
        except IntegrityError:
            feed = CalendarFeed.objects.get(member=user)
    return feed.token


def calendar_feed_reset(*, user) -> str:
    """Revoke the feed's address (shared by mistake): a new token; calendars using the old one stop updating."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(member=user, defaults={"token": token})
    return token
