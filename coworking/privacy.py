"""The coworking side of a member's privacy rights (Loi 25): the spaces they proposed or manage, and the photos
they uploaded, in a data export; what erasing their account does to them.

Called by privacy.services only (the Loi 25 app, above every app) through `export_data` and `erase`.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db.models import Q

from coworking.models import CoworkingPhoto, CoworkingSpace


def export_data(*, user) -> tuple[dict, list[tuple[str, object]]]:
    """The spaces the member proposed or manages, and the photos they uploaded (with the files)."""
    files: list[tuple[str, object]] = []
    spaces = (
        CoworkingSpace.objects.filter(Q(proposed_by_id=user.pk) | Q(managers=user))
        .distinct()
        .order_by("created_at", "pk")
    )
    photos = []
    for photo in CoworkingPhoto.objects.filter(uploaded_by_id=user.pk).select_related("space").order_by("pk"):
        path = f"fichiers/coworking/{photo.space_id}/{photo.pk}-{PurePosixPath(photo.image.name).name}"
        files.append((path, photo.image))
        photos.append({"space": photo.space.name, "file": path, "uploaded_at": photo.created_at})
    data = {
        "coworking_spaces": [
            {
                "name": space.name,
                "slug": space.slug,
                "status": space.status,
                "proposed_by_you": space.proposed_by_id == user.pk,
                "manager": space.managers.filter(pk=user.pk).exists(),
                "created_at": space.created_at,
            }
            for space in spaces
        ],
        "coworking_photos": photos,
    }
    return data, files


def erase(*, user) -> list[str]:
    """The member no longer manages or is named as proposer of any space; the spaces and their photos stay
    (they describe a place, not the member). No files to delete."""
    for space in CoworkingSpace.objects.filter(managers=user):
        space.managers.remove(user)
    CoworkingSpace.objects.filter(proposed_by_id=user.pk).update(proposed_by=None)
    CoworkingPhoto.objects.filter(uploaded_by_id=user.pk).update(uploaded_by=None)
    return []
