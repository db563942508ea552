"""Writes: propose a space, its managers edit it, staff approve or refuse it, photos."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from coworking.models import MAX_MBPS, MAX_PRICE, MAX_ROOMS, CoworkingPhoto, CoworkingSpace, SpaceStatus
from coworking.permissions import space_get_for_manager, space_get_for_staff
from marketplace.common import changes
from marketplace.common.errors import Conflict, ValidationFailed
from marketplace.common.images import StoredImage, image_delete, image_store
from marketplace.common.inputs import FieldErrors, clean_text, parse_bool, parse_decimal, parse_int
from marketplace.common.quota import storage_quota_check
from notifications.models import NotificationKind
from notifications.services import notify
from profiles.models import Municipality, User

MAX_PHOTOS = 8
# Paths under /coworking/ a slug must never take.
_RESERVED_SLUGS = {"proposer", "a-approuver", "mes-espaces"}
_PRICES = ("price_hour", "price_day", "price_month")
_ROOMS = ("desks", "closed_offices", "meeting_rooms")
_TEXTS = {"name": 120, "description": 3000, "address": 200, "opening_hours": 500, "phone": 30}
FIELDS = (*_TEXTS, "municipality", "latitude", "longitude", *_ROOMS, "has_studio", "internet_mbps", *_PRICES)
FIELDS += ("email", "website")


def _clean_municipality(value, errors: FieldErrors) -> Municipality | None:
    if value in (None, ""):
        return None
    if isinstance(value, Municipality):
        return value
    pk = parse_int(value, field="municipality", errors=errors, message=_("Choisissez la municipalité dans la liste."))
    place = Municipality.objects.filter(pk=pk).first() if pk and pk > 0 else None
    if pk is not None and place is None:
        errors.add("municipality", _("Cette municipalité n'existe pas. Choisissez-la dans la liste."))
    return place


def _clean_price(value, field: str, errors: FieldErrors) -> Decimal | None:
    price = parse_decimal(value, field=field, errors=errors, message=_("Entrez un montant en dollars."))
    if price is None:
        return None
    if price < 0:
        errors.add(field, _("Un prix ne peut pas être négatif."))
    elif price > MAX_PRICE:
        errors.add(field, _("%(max)s $ au maximum.") % {"max": MAX_PRICE})
    elif price != price.quantize(Decimal("0.01")):
        errors.add(field, _("Au plus deux décimales (les cents)."))
    else:
        return price.quantize(Decimal("0.01"))
    return None


def _clean_count(value, field: str, errors: FieldErrors) -> int:
    number = parse_int(value, field=field, errors=errors)
    if number is None:
        return 0
    if number < 0 or number > MAX_ROOMS:
        errors.add(field, _("Entre 0 et %(max)s.") % {"max": MAX_ROOMS})
        return 0
    return number


def _clean_mbps(value, errors: FieldErrors) -> int | None:
    mbps = parse_int(
        value, field="internet_mbps", errors=errors, message=_("Entrez un débit en Mbit/s (nombre entier).")
    )
    if mbps is not None and not 1 <= mbps <= MAX_MBPS:
        errors.add(
            "internet_mbps",
            _("Le débit doit être entre 1 et %(max)s Mbit/s : vérifiez le chiffre (Mbit/s, pas kbit/s).")
            % {"max": MAX_MBPS},
        )
        return None
    return mbps


def _clean_coordinate(value, field: str, limit: int, errors: FieldErrors) -> float | None:
    number = parse_decimal(value, field=field, errors=errors, message=_("Entrez des degrés décimaux (46.5, -70.2)."))
    if number is None:
        return None
    if not -limit <= number <= limit:
        errors.add(field, _("Entre -%(limit)s et %(limit)s degrés.") % {"limit": limit})
        return None
    return float(number)


def _clean_link(value, field: str, validator, message, errors: FieldErrors, max_length: int) -> str:
    # The length is the one typed (what the schema and the form say); the scheme added after it is ours.
    text = clean_text("" if value is None else str(value).strip(), field=field, errors=errors, max_length=max_length)
    if text and field == "website" and "://" not in text:
        text = "https://" + text
    if text and field not in errors:
        try:
            validator(text)
        except DjangoValidationError:
            errors.add(field, message)
    return text


def _clean(data: Mapping[str, Any], *, partial: bool) -> dict:
    """Every field given (all of them unless `partial`), checked at once: the user sees every error together."""
    errors = FieldErrors()
    cleaned: dict[str, Any] = {}

    def given(name):
        return not partial or name in data

    for name, max_length in _TEXTS.items():
        if given(name):
            cleaned[name] = clean_text(
                data.get(name), field=name, errors=errors, max_length=max_length, required=name == "name"
            )
    if given("municipality"):
        cleaned["municipality"] = _clean_municipality(data.get("municipality"), errors)
    if given("latitude") or given("longitude"):
        lat = _clean_coordinate(data.get("latitude"), "latitude", 90, errors)
        lon = _clean_coordinate(data.get("longitude"), "longitude", 180, errors)
        if (lat is None) != (lon is None) and "latitude" not in errors and "longitude" not in errors:
            errors.add("latitude", _("Donnez la latitude et la longitude, ou aucune des deux."))
        cleaned["latitude"], cleaned["longitude"] = lat, lon
    for name in _ROOMS:
        if given(name):
            cleaned[name] = _clean_count(data.get(name), name, errors)
    if given("has_studio"):
        cleaned["has_studio"] = parse_bool(data.get("has_studio"))
    if given("internet_mbps"):
        cleaned["internet_mbps"] = _clean_mbps(data.get("internet_mbps"), errors)
    for name in _PRICES:
        if given(name):
            cleaned[name] = _clean_price(data.get(name), name, errors)
    if given("email"):
        cleaned["email"] = _clean_link(
            data.get("email"), "email", EmailValidator(), _("Entrez une adresse courriel valide."), errors, 254
        )
    if given("website"):
        cleaned["website"] = _clean_link(
            data.get("website"),
            "website",
            URLValidator(schemes=["http", "https"]),
            _("Entrez l'adresse d'un site web (https://…)."),
            errors,
            300,
        )
    errors.raise_if_any()
    return cleaned


def _place_point(space: CoworkingSpace, cleaned: dict) -> None:
    """The space's own point when given; else its municipality's (a changed place moves a derived point)."""
    if cleaned.get("latitude") is not None:
        return
    if "latitude" in cleaned or "municipality" in cleaned:
        place = space.municipality
        space.latitude = place.latitude if place is not None else None
        space.longitude = place.longitude if place is not None else None


def _unique_slug(name: str) -> str:
    base = (slugify(name)[:120] or "espace").strip("-") or "espace"
    if base in _RESERVED_SLUGS:
        base = f"{base}-espace"
    slug, n = base, 2
    while CoworkingSpace.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def space_propose(*, user, data: Mapping[str, Any], photos=()) -> CoworkingSpace:
    """Propose a space for the directory, photos included; it waits for staff, and its proposer manages it."""
    cleaned = _clean(data, partial=False)
    photos = _photo_count_checked(list(photos), already=0)
    stored = _store_photos(photos)
    try:
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    space = CoworkingSpace(proposed_by=user, status=SpaceStatus.PROPOSED, **cleaned)
                    _place_point(space, cleaned)
                    space.slug = _unique_slug(space.name)
                    space.save()
                    space.managers.add(user)
                    _attach_photos(space, stored, user=user)
                    changes.coworking_space_changed(space_id=space.pk)
                    return space
            except IntegrityError:
                if not CoworkingSpace.objects.filter(slug=space.slug).exists():
                    raise
                continue  # two spaces of the same name at once: the next try takes the slug's next number
        raise Conflict(_("Un espace du même nom vient d'être proposé. Réessayez."))
    except Exception:
        image_delete(keys=[key for image in stored for key in image.keys])
        raise


def space_update(*, user, space_id: int, data: Mapping[str, Any], add_photos=(), remove_photo_ids=()) -> CoworkingSpace:
    """Change the fields given, add and remove photos, all at once or not at all; only managers (and staff) may."""
    cleaned = _clean(data, partial=True)
    add_photos = _photo_count_checked(list(add_photos), already=0)
    # Someone else's space is refused before a byte is stored.
    space_get_for_manager(user=user, space_id=space_id)
    stored = _store_photos(add_photos)
    try:
        with transaction.atomic():
            space = space_get_for_manager(user=user, space_id=space_id, lock=True)
            for name, value in cleaned.items():
                setattr(space, name, value)
            _place_point(space, cleaned)
            removing = list(space.photos.filter(pk__in=[int(pk) for pk in remove_photo_ids]))
            _photo_count_checked(stored, already=space.photos.count() - len(removing))
            removed_files = [
                name
                for photo in removing
                for name in (photo.image.name, photo.thumbnail.name, photo.thumbnail_jpeg.name)
            ]
            for photo in removing:
                photo.delete()
            _attach_photos(space, stored, user=user)
            space.save()
            changes.coworking_space_changed(space_id=space.pk)
            transaction.on_commit(lambda: image_delete(keys=removed_files))
    except Exception:
        image_delete(keys=[key for image in stored for key in image.keys])
        raise
    return space


def space_approve(*, user, space_id: int) -> CoworkingSpace:
    """Staff list a proposed (or earlier refused) space; its proposer is told."""
    with transaction.atomic():
        space = space_get_for_staff(user=user, space_id=space_id, lock=True)
        if space.status == SpaceStatus.APPROVED:
            raise Conflict(_("Cet espace est déjà approuvé."))
        space.status = SpaceStatus.APPROVED
        space.reviewed_at = timezone.now()
        space.save(update_fields=["status", "reviewed_at", "updated_at"])
        changes.coworking_space_changed(space_id=space.pk)
        if space.proposed_by_id is not None:
            notify(
                recipient=space.proposed_by,
                kind=NotificationKind.COWORKING_APPROVED,
                params={"name": space.name},
                url=reverse("coworking-detail", args=[space.slug]),
            )
    return space


def space_refuse(*, user, space_id: int) -> CoworkingSpace:
    """Staff keep a space out of the directory (or take an approved one out)."""
    with transaction.atomic():
        space = space_get_for_staff(user=user, space_id=space_id, lock=True)
        if space.status == SpaceStatus.REFUSED:
            raise Conflict(_("Cet espace est déjà refusé."))
        space.status = SpaceStatus.REFUSED
        space.reviewed_at = timezone.now()
        space.save(update_fields=["status", "reviewed_at", "updated_at"])
        changes.coworking_space_changed(space_id=space.pk)
    return space


def _store_photos(uploads) -> list[StoredImage]:
    """Check and store every photo, or none: one bad file refuses the whole batch."""
    stored: list[StoredImage] = []
    try:
        for upload in uploads:
            stored.append(image_store(upload=upload, prefix="coworking", field="photos"))
    except Exception:
        image_delete(keys=[key for image in stored for key in image.keys])
        raise
    return stored


def _photo_count_checked(photos: list, *, already: int) -> list:
    if already + len(photos) > MAX_PHOTOS:
        raise ValidationFailed(_("%(max)s photos au maximum par espace.") % {"max": MAX_PHOTOS}, field="photos")
    return photos


def _attach_photos(space: CoworkingSpace, stored: list[StoredImage], *, user) -> None:
    """Record stored photos after the space's last one; inside the transaction, quota checked."""
    if not stored:
        return
    # The photos count in the storage of whoever uploads them, like a portfolio's images.
    storage_quota_check(user_id=user.pk, incoming=sum(i.total_bytes for i in stored), field="photos")
    last = space.photos.order_by("-position").values_list("position", flat=True).first()
    start = (last + 1) if last is not None else 0
    CoworkingPhoto.objects.bulk_create(
        CoworkingPhoto(
            space=space,
            image=image.key,
            thumbnail=image.thumbnail_key,
            thumbnail_jpeg=image.thumbnail_jpeg_key,
            width=image.width,
            height=image.height,
            size=image.total_bytes,
            position=start + index,
            uploaded_by=user,
        )
        for index, image in enumerate(stored)
    )


def space_photos_change(*, user, space_id: int, add=(), remove_ids=()) -> CoworkingSpace:
    """Add photos (through the image pipeline) and remove some, all at once or not at all."""
    return space_update(user=user, space_id=space_id, data={}, add_photos=add, remove_photo_ids=remove_ids)


def space_manager_add(*, user, space_id: int, email) -> User:
    """A manager (or staff) gives another member, named by e-mail, the right to edit the space with them."""
    errors = FieldErrors()
    address = clean_text(email, field="email", errors=errors, max_length=254, required=True)
    errors.raise_if_any()
    with transaction.atomic():
        # Under the space's lock, so that an add and a leave (or two adds) of one space queue.
        space = space_get_for_manager(user=user, space_id=space_id, lock=True)
        member = User.objects.filter(email__iexact=address, is_active=True, erased_at__isnull=True).first()
        if member is None:
            raise ValidationFailed(
                _("Aucun membre n'a ce courriel. La personne doit d'abord s'inscrire au site."), field="email"
            )
        if member.pk == user.pk:
            raise ValidationFailed(_("C'est votre propre courriel : entrez celui d'une autre personne."), field="email")
        if space.managers.filter(pk=member.pk).exists():
            raise Conflict(_("Cette personne gère déjà cet espace."), field="email")
        space.managers.add(member)
    return member


def space_manager_leave(*, user, space_id: int) -> CoworkingSpace:
    """A manager stops managing the space; the last one stays, so that someone can still keep it up to date."""
    with transaction.atomic():
        space = space_get_for_manager(user=user, space_id=space_id, lock=True)
        managers = set(space.managers.values_list("pk", flat=True))
        if user.pk not in managers:
            # Staff who manage every space without being one of its managers have nothing to leave.
            raise Conflict(_("Vous ne faites pas partie des gestionnaires de cet espace."))
        if managers == {user.pk}:
            raise Conflict(
                _("Vous êtes le dernier ou la dernière gestionnaire : ajoutez-en un·e autre avant de partir.")
            )
        space.managers.remove(user)
    return space
