"""The freelancer profile: one write path for the web form and the API."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common import changes
from marketplace.common.errors import Conflict, NotFound
from marketplace.common.images import StoredImage, image_delete, image_store
from marketplace.common.inputs import (
    FieldErrors,
    clean_text,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_list,
)
from marketplace.common.quota import storage_quota_check
from profiles.models import (
    Availability,
    FreelancerProfile,
    Municipality,
    Skill,
    User,
    skill_key,
)

from ._common import (
    LANGUAGE_CODES,
    MAX_HOURLY_RATE,
    MAX_SKILL_LENGTH,
    MAX_SKILLS,
    MAX_TRAVEL_RADIUS_KM,
    PROFILE_FIELDS,
)


def _clean_skills(value, *, errors: FieldErrors) -> list[str]:
    names: dict[str, str] = {}
    for raw in parse_list(value, field="skills", errors=errors, message=_("Donnez une liste de compétences.")):
        name = " ".join(str(raw).split())
        if not name:
            continue
        if len(name) > MAX_SKILL_LENGTH:
            errors.add("skills", _("Une compétence fait %(max)s caractères au maximum.") % {"max": MAX_SKILL_LENGTH})
            return []
        key = skill_key(name)
        if not key:
            errors.add("skills", _("« %(name)s » n'est pas une compétence valide.") % {"name": name})
            return []
        names.setdefault(key, name)
    if len(names) > MAX_SKILLS:
        errors.add("skills", _("%(max)s compétences au maximum.") % {"max": MAX_SKILLS})
        return []
    return list(names.values())


def skills_get_or_create(*, names: list[str]) -> list[Skill]:
    """The skills for these names, created when new; "Développement Web" and "développement web" are one."""
    by_key = {skill_key(name): name for name in names}
    if not by_key:
        return []
    # Races between two creators are settled by the unique slug.
    Skill.objects.bulk_create([Skill(name=name, slug=key) for key, name in by_key.items()], ignore_conflicts=True)
    skills = {skill.slug: skill for skill in Skill.objects.filter(slug__in=by_key)}
    return [skills[key] for key in by_key]


def _clean_rate(value, *, errors: FieldErrors) -> Decimal | None:
    rate = parse_decimal(
        value, field="hourly_rate", errors=errors, message=_("Entrez un montant, par exemple 65 ou 72,50.")
    )
    if rate is None:
        return None
    if rate <= 0:
        errors.add("hourly_rate", _("Le taux horaire doit être plus grand que 0 $ (laissez vide pour « à discuter »)."))
    elif rate > MAX_HOURLY_RATE:
        errors.add("hourly_rate", _("Le taux horaire ne peut pas dépasser 1 000 $ de l'heure."))
    elif rate != rate.quantize(Decimal("0.01")):
        errors.add("hourly_rate", _("Deux décimales au maximum."))
    else:
        return rate.quantize(Decimal("0.01"))
    return None


def _clean_languages(value, *, errors: FieldErrors) -> list[str]:
    codes = []
    for raw in parse_list(value, field="languages", errors=errors, message=_("Donnez une liste de langues.")):
        code = str(raw).strip().lower()
        if not code:
            continue
        if code not in LANGUAGE_CODES:
            errors.add("languages", _("Langue inconnue : %(code)s.") % {"code": code[:20]})
            return []
        if code not in codes:
            codes.append(code)
    return codes


def _clean_municipality(value, *, errors: FieldErrors) -> Municipality | None:
    if value in (None, ""):
        return None
    if isinstance(value, Municipality):
        return value
    try:
        municipality_id = int(str(value).strip())
    except ValueError:
        municipality_id = None
    municipality = (
        Municipality.objects.filter(pk=municipality_id).first() if municipality_id and municipality_id > 0 else None
    )
    if municipality is None:
        errors.add("municipality", _("Cette municipalité n'existe pas. Choisissez-la dans la liste."))
    return municipality


def _clean_radius(value, *, errors: FieldErrors) -> int:
    radius = parse_int(value, field="travel_radius_km", errors=errors, message=_("Entrez un nombre de kilomètres."))
    if radius is None:
        return 0
    if not 0 <= radius <= MAX_TRAVEL_RADIUS_KM:
        errors.add(
            "travel_radius_km",
            _("Entre 0 et %(max)s km.") % {"max": MAX_TRAVEL_RADIUS_KM},
        )
    return radius


def _clean_profile(data: Mapping[str, Any], *, current: FreelancerProfile | None) -> dict:
    """Validate the given fields; absent ones keep their current value."""
    errors = FieldErrors()
    cleaned: dict[str, Any] = {}
    given = set(data) & set(PROFILE_FIELDS)
    if current is None or "display_name" in given:
        cleaned["display_name"] = clean_text(
            data.get("display_name"), field="display_name", errors=errors, max_length=80, required=True
        )
    if "headline" in given:
        cleaned["headline"] = clean_text(data["headline"], field="headline", errors=errors, max_length=140)
    if "bio" in given:
        cleaned["bio"] = clean_text(data["bio"], field="bio", errors=errors, max_length=5000)
    if "skills" in given:
        cleaned["skills"] = _clean_skills(data["skills"], errors=errors)
    if "hourly_rate" in given:
        cleaned["hourly_rate"] = _clean_rate(data["hourly_rate"], errors=errors)
    if "languages" in given:
        cleaned["languages"] = _clean_languages(data["languages"], errors=errors)
    if "remote" in given:
        cleaned["remote"] = parse_bool(data["remote"])
    if "indexable_by_search_engines" in given:
        cleaned["indexable_by_search_engines"] = parse_bool(data["indexable_by_search_engines"])
    if "municipality" in given:
        cleaned["municipality"] = _clean_municipality(data["municipality"], errors=errors)
    if "travel_radius_km" in given:
        cleaned["travel_radius_km"] = _clean_radius(data["travel_radius_km"], errors=errors)
    if "availability" in given or "available_from" in given:
        availability = (
            data.get("availability", current.availability if current else Availability.NOW) or Availability.NOW
        )
        if availability not in Availability.values:
            errors.add("availability", _("Choisissez une disponibilité de la liste."))
        available_from = parse_date(
            data.get("available_from", current.available_from if current else None),
            field="available_from",
            errors=errors,
        )
        if availability == Availability.FROM_DATE:
            if available_from is None and "available_from" not in errors:
                errors.add("available_from", _("Indiquez à partir de quelle date vous êtes disponible."))
            elif available_from is not None and available_from < timezone.localdate():
                errors.add("available_from", _("Cette date est déjà passée."))
        else:
            # Only meaningful with "from a date"; a stale date would confuse visitors.
            available_from = None
        cleaned["availability"] = availability
        cleaned["available_from"] = available_from
    errors.raise_if_any()
    return cleaned


def profile_save(*, user: User, data: Mapping[str, Any], avatar=None) -> FreelancerProfile:
    """Create the user's freelancer profile or update the given fields (absent keys stay as they are).

    The one write path for the web form and the API. An avatar upload is checked and stored first,
    so a bad image refuses the whole change and a failed change leaves no orphan file.
    """
    current = FreelancerProfile.objects.filter(user=user).first()
    cleaned = _clean_profile(data, current=current)
    stored: StoredImage | None = (
        image_store(upload=avatar, prefix="avatars", field="avatar", crop_thumbnail=True) if avatar else None
    )
    old_files: list[str] = []
    try:
        with transaction.atomic():
            profile = FreelancerProfile.objects.select_for_update().filter(user=user).first()
            if profile is None:
                profile = FreelancerProfile(user=user)
            skills = cleaned.pop("skills", None)
            for field, value in cleaned.items():
                setattr(profile, field, value)
            if stored is not None:
                storage_quota_check(
                    user_id=user.pk, incoming=stored.total_bytes, freeing=profile.avatar_size, field="avatar"
                )
                old_files = [profile.avatar.name, profile.avatar_thumbnail.name, profile.avatar_thumbnail_jpeg.name]
                profile.avatar_size = stored.total_bytes
                profile.avatar.name = stored.key
                profile.avatar_thumbnail.name = stored.thumbnail_key
                profile.avatar_thumbnail_jpeg.name = stored.thumbnail_jpeg_key
            profile.save()
            if skills is not None:
                profile.skills.set(skills_get_or_create(names=skills))
            changes.profile_changed(profile_id=profile.pk)
            transaction.on_commit(lambda: image_delete(keys=old_files))
    except Exception:
        if stored is not None:
            image_delete(keys=stored.keys)
        raise
    return profile


def profile_create(*, user: User, data: Mapping[str, Any]) -> FreelancerProfile:
    """Create the user's freelancer profile (a display name at least); Conflict when they have one already."""
    already = _("Vous avez déjà un profil de pigiste : modifiez-le.")
    if FreelancerProfile.objects.filter(user=user).exists():
        raise Conflict(already)
    try:
        return profile_save(user=user, data=data)
    except IntegrityError:  # created meanwhile by another request (one profile per member)
        raise Conflict(already) from None


def profile_update(*, user: User, data: Mapping[str, Any], avatar=None) -> FreelancerProfile:
    """Change the given fields (and the avatar, when given) of the user's profile; NotFound when they have none yet."""
    if not FreelancerProfile.objects.filter(user=user).exists():
        raise NotFound(_("Vous n'avez pas encore de profil de pigiste."))
    return profile_save(user=user, data=data, avatar=avatar)


def profile_avatar_remove(*, user: User) -> FreelancerProfile:
    """Remove the user's avatar; files are deleted once the change is committed."""
    with transaction.atomic():
        profile = FreelancerProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            raise NotFound(_("Vous n'avez pas encore de profil de pigiste."))
        old_files = [profile.avatar.name, profile.avatar_thumbnail.name, profile.avatar_thumbnail_jpeg.name]
        profile.avatar = profile.avatar_thumbnail = profile.avatar_thumbnail_jpeg = ""
        profile.avatar_size = 0
        profile.save()
        changes.profile_changed(profile_id=profile.pk)
        transaction.on_commit(lambda: image_delete(keys=old_files))
    return profile
