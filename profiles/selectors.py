"""Reads of the profiles app; each owns its select_related/prefetch so pages run a fixed number of queries."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.db.models import Case, Count, DateField, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import NotFound, PermissionDenied, ValidationFailed
from marketplace.common.replica import is_visitor, reads_from_replica
from profiles.models import (
    Availability,
    BookedWeek,
    FreelancerProfile,
    Mrc,
    Municipality,
    MunicipalityAlias,
    PortfolioImage,
    PortfolioItem,
    Region,
    Skill,
)
from profiles.services import LANGUAGE_CHOICES, MAX_WEEKS_AHEAD, search_key

LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


def language_names(codes: list[str]) -> list[str]:
    """Display names of language codes, in the page's language."""
    return [str(LANGUAGE_NAMES.get(code, code)) for code in codes or []]


def week_of(day: datetime.date) -> datetime.date:
    """The Monday that starts the week holding `day` (booked weeks are stored by their Monday)."""
    return day - datetime.timedelta(days=day.weekday())


def weeks_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The Mondays of every week from the one holding `start` to the one holding `end`."""
    first, last = week_of(start), week_of(end)
    return [first + datetime.timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def free_during(queryset, *, start: datetime.date, end: datetime.date | None = None):
    """The profiles free for the whole period: not "non disponible", available by `start`, no booked week in it.

    The one availability rule: search's "disponible entre … et …" and the matching of new projects both
    use it (the Elasticsearch backends mirror it on the indexed fields).
    """
    end = max(end or start, start)
    return queryset.exclude(availability=Availability.UNAVAILABLE).exclude(
        Q(availability=Availability.FROM_DATE, available_from__gt=start)
        | Q(pk__in=BookedWeek.objects.filter(week_start__in=weeks_between(start, end)).values("profile_id"))
    )


def upcoming_booked_weeks(*, today: datetime.date | None = None) -> Prefetch:
    """Prefetch of a profile's booked weeks from the current one on, as `upcoming_booked_weeks` (past ones never show)."""
    current = week_of(today or timezone.localdate())
    return Prefetch(
        "booked_weeks",
        queryset=BookedWeek.objects.filter(week_start__gte=current).order_by("week_start"),
        to_attr="upcoming_booked_weeks",
    )


def next_free_week(
    *,
    availability: str,
    available_from: datetime.date | None,
    booked: Iterable[datetime.date],
    today: datetime.date | None = None,
) -> datetime.date | None:
    """The Monday of the first week from the current one that `free_during` would find free; None if not available.

    A week counts as free when `free_during(start=max(its Monday, today))` keeps the profile: the same rule,
    read from values already loaded (a card from the index, a prefetched profile) instead of a query.
    """
    if availability == Availability.UNAVAILABLE:
        return None
    today = today or timezone.localdate()
    week = week_of(today)
    if availability == Availability.FROM_DATE and available_from and available_from > today:
        # Free from the first week whose Monday is on or after the date (free_during: available by the start).
        week = week_of(available_from)
        if week < available_from:
            week += datetime.timedelta(weeks=1)
    taken = set(booked)
    while week in taken:
        week += datetime.timedelta(weeks=1)
    return week


def with_next_free_week(queryset, *, today: datetime.date | None = None):
    """Annotate `next_free_week`: the Monday of the first week `free_during` finds the profile free, in the same query.

    One CASE over the weeks a freelancer can book (booking stops MAX_WEEKS_AHEAD out), so the profile page
    keeps its query count. NULL when "non disponible", or free only beyond those weeks (then nothing is
    booked any more, and `profile_next_free_week` finishes the count from `available_from`).
    """
    today = today or timezone.localdate()
    current = week_of(today)
    whens = []
    for n in range(MAX_WEEKS_AHEAD + 1):
        week = current + datetime.timedelta(weeks=n)
        booked = BookedWeek.objects.filter(profile_id=OuterRef("pk"), week_start=week)
        # free_during(start=max(week, today)): available by then, and that week not booked.
        not_yet = Q(availability=Availability.FROM_DATE, available_from__gt=max(week, today))
        whens.append(When(~not_yet & ~Exists(booked), then=Value(week)))
    return queryset.annotate(
        next_free_week=Case(
            When(availability=Availability.UNAVAILABLE, then=Value(None)),
            *whens,
            default=Value(None),
            output_field=DateField(),
        )
    )


def profile_next_free_week(profile: FreelancerProfile, *, today: datetime.date | None = None) -> datetime.date | None:
    """The profile's next free week: annotated (`with_next_free_week`), prefetched, or else one query."""
    annotated = getattr(profile, "next_free_week", None)
    if annotated is not None:
        return annotated
    if hasattr(profile, "next_free_week"):
        # Free only after every bookable week (or not at all): nothing is booked that far.
        return next_free_week(
            availability=profile.availability, available_from=profile.available_from, booked=[], today=today
        )
    booked = getattr(profile, "upcoming_booked_weeks", None)
    if booked is None:
        booked = profile.booked_weeks.filter(week_start__gte=week_of(today or timezone.localdate()))
    return next_free_week(
        availability=profile.availability,
        available_from=profile.available_from,
        booked=[week.week_start for week in booked],
        today=today,
    )


def free_week_label(week: datetime.date | None, *, today: datetime.date | None = None) -> str:
    """« Libre cette semaine » / « Libre à partir de la semaine du 11 janvier »; "" when not available."""
    if week is None:
        return ""
    if week <= week_of(today or timezone.localdate()):
        return str(_("Libre cette semaine"))
    return str(_("Libre à partir de la semaine du %(date)s") % {"date": date_format(week, "j F")})


def booked_weeks_calendar(*, user, today: datetime.date | None = None) -> list[dict]:
    """The calendar page: the weeks from the current one to MAX_WEEKS_AHEAD, grouped by month of their Monday.

    Each month is {"month": first day, "weeks": [{"start", "end", "booked", "current"}]}.
    """
    today = today or timezone.localdate()
    current = week_of(today)
    booked = set(
        BookedWeek.objects.filter(profile__user=user, week_start__gte=current).values_list("week_start", flat=True)
    )
    months: list[dict] = []
    for n in range(MAX_WEEKS_AHEAD + 1):
        start = current + datetime.timedelta(weeks=n)
        if not months or months[-1]["month"] != start.replace(day=1):
            months.append({"month": start.replace(day=1), "weeks": []})
        months[-1]["weeks"].append(
            {
                "start": start,
                "end": start + datetime.timedelta(days=6),
                "booked": start in booked,
                "current": n == 0,
            }
        )
    return months


def booked_weeks_of(*, user, today: datetime.date | None = None) -> list[datetime.date]:
    """The user's booked weeks (Mondays) from the current week on."""
    current = week_of(today or timezone.localdate())
    return list(
        BookedWeek.objects.filter(profile__user=user, week_start__gte=current)
        .order_by("week_start")
        .values_list("week_start", flat=True)
    )


def account_email_confirmed(*, user) -> bool:
    """Whether the member confirmed an e-mail address; until then nothing they write goes live."""
    return EmailAddress.objects.filter(user_id=user.pk, verified=True).exists()


def _can_see_hidden(viewer, owner_id: int) -> bool:
    return bool(viewer and viewer.is_authenticated and (viewer.is_staff or viewer.pk == owner_id))


def freelancer_get(*, profile_id: int, viewer=None) -> FreelancerProfile:
    """A profile with everything its public page shows; hidden ones only for their owner and staff.

    Read for a visitor, it may come from the read replica (a member reads their own edits back)."""
    portfolio = PortfolioItem.objects.prefetch_related(
        Prefetch("images", queryset=PortfolioImage.objects.order_by("position", "id"))
    )
    with reads_from_replica(enabled=is_visitor(viewer)):
        # One profile: its booked weeks are prefetched (a small query) rather than annotated, whose CASE over
        # every bookable week cost more to compile than the page's other queries took to run.
        profile = (
            FreelancerProfile.objects.select_related("user", "municipality__mrc")
            .prefetch_related("skills", Prefetch("portfolio_items", queryset=portfolio), upcoming_booked_weeks())
            .filter(pk=profile_id)
            .first()
        )
    if profile is None or (profile.is_hidden and not _can_see_hidden(viewer, profile.user_id)):
        raise NotFound(_("Ce profil n'existe pas ou n'est plus public."))
    return profile


def profile_for_user(*, user) -> FreelancerProfile | None:
    """The user's own profile (for editing), or None before they create it."""
    if not user.is_authenticated:
        return None
    return (
        FreelancerProfile.objects.select_related("municipality")
        .prefetch_related("skills", "portfolio_items__images")
        .filter(user=user)
        .first()
    )


def portfolio_item_get_own(*, user, item_id: int) -> PortfolioItem:
    """One of the user's portfolio items with its images; anyone else's is "not found"."""
    item = PortfolioItem.objects.prefetch_related("images").filter(pk=item_id, profile__user=user).first()
    if item is None:
        raise NotFound(_("Cette réalisation n'existe pas."))
    return item


# Quebec writes "Saint-Jean-Port-Joli" and "St-Jean-Port-Joli", "Sainte-Foy" and "Ste-Foy": either spelling
# finds both (the places list itself has both kinds).
_SAINT_SPELLINGS = {"saint": "st", "st": "saint", "sainte": "ste", "ste": "sainte"}
_MAX_KEY_WORDS = 8
_MAX_SPELLINGS = 16


def _spellings(key: str) -> list[str]:
    """`key` with each Saint/St and Sainte/Ste written both ways: "st jean" → ["st jean", "saint jean"]."""
    spellings = [""]
    for word in key.split()[:_MAX_KEY_WORDS]:
        forms = [word, _SAINT_SPELLINGS[word]] if word in _SAINT_SPELLINGS else [word]
        spellings = [f"{start} {form}".strip() for start in spellings for form in forms][:_MAX_SPELLINGS]
    return spellings


def municipality_search(*, q: str, limit: int = 10) -> list[Municipality]:
    """Places whose name, a word of it, or a former name starts with `q`; accents, case, hyphens and Saint/St
    don't matter.

    Whole-name prefixes come first, then word prefixes, then former names (aliases); bigger places first.
    """
    spellings = _spellings(search_key(q or ""))
    if not spellings or not spellings[0]:
        return []
    starts = Q()
    inside = Q()
    alias = Q()
    for key in spellings:
        starts |= Q(search_name__startswith=key)
        inside |= Q(search_name__contains=f" {key}")
        alias |= Q(search_name__startswith=key) | Q(search_name__contains=f" {key}")
    aliased = Q(pk__in=MunicipalityAlias.objects.filter(alias).values("municipality_id"))
    return list(
        Municipality.objects.filter(starts | inside | aliased)
        .select_related("mrc")
        .annotate(
            rank=Case(
                When(starts, then=Value(0)), When(inside, then=Value(1)), default=Value(2), output_field=IntegerField()
            )
        )
        .order_by("rank", "-population", "name")[:limit]
    )


def _one_of(places: list[Municipality]) -> str:
    """« A — MRC, Région », « B — MRC, Région » ou « C — Région »: each as it can be typed back."""
    quoted = [_("« %(place)s »") % {"place": place.full_label} for place in places]
    if len(quoted) == 1:
        return quoted[0]
    return _("%(first)s ou %(last)s") % {"first": ", ".join(quoted[:-1]), "last": quoted[-1]}


# "Saint-Louis — Kamouraska, Bas-Saint-Laurent" (Municipality.full_label) or "Saint-Louis — Montérégie";
# the dash stands between spaces, unlike the hyphens and dashes inside names (Saint-Lin–Laurentides).
_FULL_LABEL = re.compile(r"^(?P<name>.*?)\s+(?:—|–|--?)\s+(?P<rest>.*?)\s*$")
# "Saint-Louis (Montérégie)": how places were written before they had an MRC.
_NAME_AND_REGION = re.compile(r"^(?P<name>.*?)\s*\((?P<region>[^()]*)\)\s*$")


def _parse_place(typed: str) -> tuple[str, str | None, str | None]:
    """(name, MRC key or None, region code or None, "" when the region is unknown) of a typed place."""
    regions = {search_key(label): code for code, label in Region.choices}
    match = _FULL_LABEL.match(typed)
    if match:
        rest = match["rest"]
        mrc, _comma, region = rest.rpartition(",")
        if not mrc and search_key(region) not in regions:
            # "Saint-Pascal — Kamouraska": an MRC without its region.
            return match["name"], search_key(region), None
        return match["name"], (search_key(mrc) or None), regions.get(search_key(region), "")
    match = _NAME_AND_REGION.match(typed)
    if match:
        return match["name"], None, regions.get(search_key(match["region"]), "")
    return typed, None, None


def municipality_resolve(*, text: str) -> Municipality:
    """The one place a typed name stands for, as on the forms without script.

    Accents, case, hyphens and Saint/St don't matter; a former name ("Saint-Germain") stands for the place
    it became. Namesakes are told apart by their MRC and region, written as the suggestions show them:
    "Saint-Louis — Kamouraska, Bas-Saint-Laurent". Raises ValidationFailed with what to type instead when
    no place, or more than one, has that name.
    """
    typed = " ".join((text or "").split())[:200]
    name, mrc, region = _parse_place(typed)
    key = search_key(name)
    spellings = _spellings(key) if key else []
    places = list(
        Municipality.objects.filter(search_name__in=spellings).select_related("mrc").order_by("name", "region")
    )
    if not places and spellings:
        places = list(
            Municipality.objects.filter(aliases__search_name__in=spellings)
            .select_related("mrc")
            .distinct()
            .order_by("name", "region")
        )
    if region is not None:
        places = [place for place in places if place.region == region]
    if mrc is not None:
        places = [place for place in places if place.mrc_id and search_key(place.mrc.name) == mrc]
    if len(places) == 1:
        return places[0]
    if places:
        raise ValidationFailed(
            _(
                "Il y a plusieurs « %(name)s » au Québec : choisissez-en une dans les suggestions, ou écrivez %(choices)s."
            )
            % {"name": name, "choices": _one_of(places)},
            field="municipality",
        )
    near = municipality_search(q=name, limit=3) if key else []
    if near:
        raise ValidationFailed(
            _("Aucune municipalité du Québec ne s'appelle « %(name)s ». Vouliez-vous dire %(choices)s ?")
            % {"name": typed, "choices": _one_of(near)},
            field="municipality",
        )
    raise ValidationFailed(
        _("Aucune municipalité du Québec ne s'appelle « %(name)s ». Vérifiez l'orthographe.") % {"name": typed},
        field="municipality",
    )


def freelancer_list_indexable():
    """Profiles search engines may list: public (not hidden by moderation, active account) and not opted out."""
    return (
        FreelancerProfile.objects.filter(is_hidden=False, user__is_active=True, indexable_by_search_engines=True)
        .only("pk", "updated_at")
        .order_by("pk")
    )


def freelancer_is_indexable(profile: FreelancerProfile) -> bool:
    """The same rule as `freelancer_list_indexable`, for a profile already loaded with its user."""
    return not profile.is_hidden and profile.user.is_active and profile.indexable_by_search_engines


# --- The peer directory ("bottin des travailleurs autonomes") ---------------------------------------------

PEER_PAGE_SIZE = 24


def peer_directory_access(*, user) -> FreelancerProfile:
    """The viewer's own profile: the directory is for freelancers among themselves, never for clients."""
    profile = (
        FreelancerProfile.objects.filter(user_id=user.pk, is_hidden=False).first() if user.is_authenticated else None
    )
    if profile is None:
        raise PermissionDenied(
            _("Le bottin des travailleurs autonomes est réservé aux pigistes : créez votre profil pour y accéder."),
            action_url=reverse("profile-edit"),
        )
    return profile


def peer_directory_listed():
    """Every profile listed in the directory and still public (not hidden, account open)."""
    return FreelancerProfile.objects.filter(
        in_peer_directory=True, is_hidden=False, user__is_active=True, user__erased_at__isnull=True
    )


def peer_directory_list(*, mrc: str = "", skill: str = ""):
    """Listed freelancers, by name, optionally in one MRC and with one skill (both by slug)."""
    profiles = peer_directory_listed()
    if mrc:
        profiles = profiles.filter(municipality__mrc__slug=mrc)
    if skill:
        profiles = profiles.filter(skills__slug=skill)
    return (
        profiles.select_related("user", "municipality__mrc").prefetch_related("skills").order_by("display_name", "pk")
    )


def peer_directory_filters() -> dict:
    """The MRCs and skills the directory's filters offer: only those of listed freelancers, with counts."""
    listed = peer_directory_listed()
    counts = dict(
        listed.exclude(municipality__mrc=None)
        .order_by()
        .values("municipality__mrc_id")
        .annotate(n=Count("pk"))
        .values_list("municipality__mrc_id", "n")
    )
    mrcs = list(Mrc.objects.filter(pk__in=counts).order_by("name"))
    for item in mrcs:
        item.n = counts[item.pk]
    skills = list(Skill.objects.filter(profiles__in=listed).annotate(n=Count("profiles")).order_by("name"))
    return {"mrcs": mrcs, "skills": skills}
