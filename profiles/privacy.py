"""The profiles side of a member's privacy rights (Loi 25): their account, profile and reports in a data
export, and what erasing their account does to them.

Called by privacy.services only (the Loi 25 app, above every app) through `export_data` and `erase`.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from allauth.account.models import EmailAddress
from django.utils import timezone
from rest_framework.authtoken.models import Token

from profiles.email_preferences import email_preferences_get
from profiles.models import EmailPreferences, FreelancerProfile, PortfolioImage, Report

ERASED_EMAIL_DOMAIN = "supprime.invalid"


def _profile_data(profile: FreelancerProfile, files: list) -> dict:
    avatar_path = None
    if profile.avatar:
        avatar_path = f"fichiers/avatar/{PurePosixPath(profile.avatar.name).name}"
        files.append((avatar_path, profile.avatar))
    portfolio = []
    for item in profile.portfolio_items.all():
        images = []
        for image in item.images.all():
            if image.image:
                path = f"fichiers/portfolio/{item.pk}/{image.pk}-{PurePosixPath(image.image.name).name}"
                files.append((path, image.image))
                images.append({"file": path, "width": image.width, "height": image.height})
        portfolio.append(
            {"title": item.title, "description": item.description, "created_at": item.created_at, "images": images}
        )
    return {
        "display_name": profile.display_name,
        "headline": profile.headline,
        "bio": profile.bio,
        "skills": [skill.name for skill in profile.skills.all()],
        "hourly_rate": profile.hourly_rate,
        "languages": profile.languages,
        "availability": profile.availability,
        "available_from": profile.available_from,
        "booked_weeks": [week.week_start for week in profile.booked_weeks.all()],
        "remote": profile.remote,
        "municipality": profile.municipality.name if profile.municipality else None,
        "travel_radius_km": profile.travel_radius_km,
        "indexable_by_search_engines": profile.indexable_by_search_engines,
        "avatar": avatar_path,
        "created_at": profile.created_at,
        "portfolio": portfolio,
    }


def export_data(*, user) -> tuple[dict, list[tuple[str, object]]]:
    """The member's account, e-mail preferences, freelancer profile and portfolio, and the reports they made,
    plus their avatar and portfolio images as `(archive path, FieldFile)`."""
    files: list[tuple[str, object]] = []
    profile = (
        FreelancerProfile.objects.filter(user_id=user.pk)
        .select_related("municipality")
        .prefetch_related("skills", "portfolio_items__images", "booked_weeks")
        .first()
    )
    prefs = email_preferences_get(user=user)
    data = {
        "account": {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user_id=user.pk).order_by("id")
            ],
            "email_preferences": {"disabled_kinds": prefs.disabled_kinds, "frequency": prefs.frequency},
        },
        "freelancer_profile": _profile_data(profile, files) if profile else None,
        "reports_made": [
            {
                "about": f"{report.content_type.model} #{report.object_id}",
                "reason": report.reason,
                "details": report.details,
                "status": report.status,
                "created_at": report.created_at,
            }
            for report in Report.objects.filter(reporter_id=user.pk).select_related("content_type").order_by("id")
        ],
    }
    return data, files


def _profile_files(profile: FreelancerProfile) -> list[tuple[object, str]]:
    files = []
    for field in (profile.avatar, profile.avatar_thumbnail, getattr(profile, "avatar_thumbnail_jpeg", None)):
        if field:
            files.append((field.storage, field.name))
    for image in PortfolioImage.objects.filter(item__profile=profile):
        for field in (image.image, image.thumbnail, getattr(image, "thumbnail_jpeg", None)):
            if field:
                files.append((field.storage, field.name))
    return files


def erase(*, user) -> list[tuple[object, str]]:
    """Delete the member's profile, preferences, addresses, token and reports; blank and close their account.

    Called last by privacy.services.account_purge, inside its transaction: the other apps still saw the
    member's name. Returns `(storage, name)` of the files to delete once that transaction commits.
    """
    files: list[tuple[object, str]] = []
    profile = FreelancerProfile.objects.filter(user=user).first()
    if profile is not None:
        files += _profile_files(profile)
        profile.delete()
    EmailPreferences.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()
    Report.objects.filter(reporter=user).delete()
    user.email = f"ancien-membre-{user.pk}-{uuid.uuid4().hex[:12]}@{ERASED_EMAIL_DOMAIN}"
    user.name = ""
    user.set_unusable_password()  # Also ends every session: their auth hash no longer matches.
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.erased_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return files
