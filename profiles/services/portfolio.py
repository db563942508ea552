"""Portfolio items and their images."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from marketplace.common import changes
from marketplace.common.errors import NotFound, ValidationFailed
from marketplace.common.images import StoredImage, image_delete, image_store
from marketplace.common.inputs import FieldErrors, clean_text
from marketplace.common.quota import storage_quota_check
from profiles.models import (
    FreelancerProfile,
    PortfolioImage,
    PortfolioItem,
    User,
)

from ._common import MAX_IMAGES_PER_ITEM, MAX_PORTFOLIO_ITEMS


def _own_profile_locked(user: User) -> FreelancerProfile:
    profile = FreelancerProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        raise ValidationFailed(_("Créez d'abord votre profil de pigiste."))
    return profile


def _own_item_locked(user: User, item_id: int) -> PortfolioItem:
    """The user's portfolio item, locked; someone else's is "not found", never a leak."""
    item = PortfolioItem.objects.select_for_update().filter(pk=item_id, profile__user=user).first()
    if item is None:
        raise NotFound(_("Cette réalisation n'existe pas."))
    return item


def _store_images(uploads) -> list[StoredImage]:
    """Check and store every image, or none: one bad file refuses the whole batch."""
    stored: list[StoredImage] = []
    try:
        for upload in uploads:
            stored.append(image_store(upload=upload, prefix="portfolio", field="images"))
    except Exception:
        image_delete(keys=[key for image in stored for key in image.keys])
        raise
    return stored


def _clean_item(data: Mapping[str, Any], *, partial: bool = False) -> dict:
    """The item's text; with `partial`, only the keys given (the others keep their value)."""
    errors = FieldErrors()
    cleaned = {}
    if not partial or "title" in data:
        cleaned["title"] = clean_text(data.get("title"), field="title", errors=errors, max_length=120, required=True)
    if not partial or "description" in data:
        cleaned["description"] = clean_text(
            data.get("description"), field="description", errors=errors, max_length=3000
        )
    errors.raise_if_any()
    return cleaned


def portfolio_item_create(*, user: User, data: Mapping[str, Any], images=()) -> PortfolioItem:
    """Add a portfolio item (title, description, images) to the user's profile."""
    cleaned = _clean_item(data)
    images = list(images)
    if len(images) > MAX_IMAGES_PER_ITEM:
        raise ValidationFailed(
            _("%(max)s images au maximum par réalisation.") % {"max": MAX_IMAGES_PER_ITEM}, field="images"
        )
    stored = _store_images(images)
    try:
        with transaction.atomic():
            profile = _own_profile_locked(user)
            if profile.portfolio_items.count() >= MAX_PORTFOLIO_ITEMS:
                raise ValidationFailed(
                    _("%(max)s réalisations au maximum dans un portfolio.") % {"max": MAX_PORTFOLIO_ITEMS}
                )
            storage_quota_check(user_id=user.pk, incoming=sum(i.total_bytes for i in stored), field="images")
            position = profile.portfolio_items.count()
            item = PortfolioItem.objects.create(profile=profile, position=position, **cleaned)
            _attach_images(item, stored, start=0)
            changes.profile_changed(profile_id=profile.pk)
    except Exception:
        image_delete(keys=[key for image in stored for key in image.keys])
        raise
    return item


def _attach_images(item: PortfolioItem, stored: list[StoredImage], *, start: int) -> None:
    PortfolioImage.objects.bulk_create(
        [
            PortfolioImage(
                item=item,
                image=image.key,
                thumbnail=image.thumbnail_key,
                thumbnail_jpeg=image.thumbnail_jpeg_key,
                width=image.width,
                height=image.height,
                size=image.total_bytes,
                position=start + index,
            )
            for index, image in enumerate(stored)
        ]
    )


def portfolio_item_update(
    *, user: User, item_id: int, data: Mapping[str, Any], add_images=(), remove_image_ids=()
) -> PortfolioItem:
    """Change a portfolio item's text (the keys given), add images and remove some, all at once or not at all."""
    cleaned = _clean_item(data, partial=True)
    add_images = list(add_images)
    stored = _store_images(add_images)
    removed_files: list[str] = []
    try:
        with transaction.atomic():
            item = _own_item_locked(user, item_id)
            removing = list(item.images.filter(pk__in=[int(pk) for pk in remove_image_ids]))
            remaining = item.images.count() - len(removing)
            if remaining + len(stored) > MAX_IMAGES_PER_ITEM:
                raise ValidationFailed(
                    _("%(max)s images au maximum par réalisation.") % {"max": MAX_IMAGES_PER_ITEM}, field="images"
                )
            storage_quota_check(
                user_id=user.pk,
                incoming=sum(i.total_bytes for i in stored),
                freeing=sum(image.size for image in removing),
                field="images",
            )
            for field, value in cleaned.items():
                setattr(item, field, value)
            item.save()
            for image in removing:
                removed_files += [image.image.name, image.thumbnail.name, image.thumbnail_jpeg.name]
                image.delete()
            last = item.images.order_by("-position").values_list("position", flat=True).first()
            _attach_images(item, stored, start=(last + 1) if last is not None else 0)
            changes.profile_changed(profile_id=item.profile_id)
            transaction.on_commit(lambda: image_delete(keys=removed_files))
    except Exception:
        image_delete(keys=[key for image in stored for key in image.keys])
        raise
    return item


def portfolio_item_delete(*, user: User, item_id: int) -> None:
    """Delete a portfolio item and its images."""
    with transaction.atomic():
        item = _own_item_locked(user, item_id)
        files = [
            name
            for image in item.images.all()
            for name in (image.image.name, image.thumbnail.name, image.thumbnail_jpeg.name)
        ]
        profile_id = item.profile_id
        item.delete()
        changes.profile_changed(profile_id=profile_id)
        transaction.on_commit(lambda: image_delete(keys=files))
