"""Reads of the profiles app; each owns its select_related/prefetch so pages run a fixed number of queries."""

from __future__ import annotations

import datetime
import re

from allauth.account.models import EmailAddress
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import NotFound, ValidationFailed
from profiles.models import (
    Availability,
    BookedWeek,
    FreelancerProfile,
    Municipality,
    PortfolioImage,
    PortfolioItem,
    Region,
)
from profiles.services import LANGUAGE_CHOICES, search_key

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


def account_email_confirmed(*, user) -> bool:
    """Whether the member confirmed an e-mail address; until then nothing they write goes live."""
    return EmailAddress.objects.filter(user_id=user.pk, verified=True).exists()


def _can_see_hidden(viewer, owner_id: int) -> bool:
    return bool(viewer and viewer.is_authenticated and (viewer.is_staff or viewer.pk == owner_id))


def freelancer_get(*, profile_id: int, viewer=None) -> FreelancerProfile:
    """A profile with everything its public page shows; hidden ones only for their owner and staff."""
    portfolio = PortfolioItem.objects.prefetch_related(
        Prefetch("images", queryset=PortfolioImage.objects.order_by("position", "id"))
    )
    profile = (
        FreelancerProfile.objects.select_related("user", "municipality")
        .prefetch_related("skills", Prefetch("portfolio_items", queryset=portfolio))
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
    """Places whose name, or a word of it, starts with `q`; accents, case, hyphens and Saint/St don't matter.

    Whole-name prefixes come first, then bigger places.
    """
    spellings = _spellings(search_key(q or ""))
    if not spellings or not spellings[0]:
        return []
    starts = Q()
    inside = Q()
    for key in spellings:
        starts |= Q(search_name__startswith=key)
        inside |= Q(search_name__contains=f" {key}")
    return list(
        Municipality.objects.filter(starts | inside)
        .annotate(rank=Case(When(starts, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("rank", "-population", "name")[:limit]
    )


def _one_of(places: list[Municipality]) -> str:
    """« A (Région) », « B (Région) » ou « C (Région) »: each as it can be typed back."""
    quoted = [_("« %(place)s »") % {"place": place} for place in places]
    if len(quoted) == 1:
        return quoted[0]
    return _("%(first)s ou %(last)s") % {"first": ", ".join(quoted[:-1]), "last": quoted[-1]}


_NAME_AND_REGION = re.compile(r"^(?P<name>.*?)\s*\((?P<region>[^()]*)\)\s*$")


def municipality_resolve(*, text: str) -> Municipality:
    """The one place a typed name stands for, as on the forms without script.

    Accents, case, hyphens and Saint/St don't matter. Namesakes are told apart by their region,
    written as the suggestions show it: "Saint-Louis (Montérégie)". Raises ValidationFailed with
    what to type instead when no place, or more than one, has that name.
    """
    typed = " ".join((text or "").split())[:200]
    name, region = typed, None
    match = _NAME_AND_REGION.match(typed)
    if match:
        name = match["name"]
        regions = {search_key(label): code for code, label in Region.choices}
        region = regions.get(search_key(match["region"]), "")
    key = search_key(name)
    places = (
        list(Municipality.objects.filter(search_name__in=_spellings(key)).order_by("name", "region")) if key else []
    )
    if region is not None:
        places = [place for place in places if place.region == region]
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
