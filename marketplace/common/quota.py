"""Each member's storage quota: every byte they uploaded counts, whichever app keeps the file.

Usage is summed from the rows that own the files (never a separate counter that could drift); the
check locks the member's row so two uploads at once cannot both slip under the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Model, Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import ValidationFailed

# (model, the lookup from the file's row to its owner, the field holding its bytes). Each app that keeps
# members' files registers its rows from its AppConfig.ready(): the floor knows no app.
_FILE_OWNERS: list[tuple[type[Model], str, str]] = []


def storage_owner_register(*, model: type[Model], owner_lookup: str, size_field: str) -> None:
    """Count the bytes of `model`'s rows (`size_field`) against the member reached by `owner_lookup`."""
    entry = (model, owner_lookup, size_field)
    if entry not in _FILE_OWNERS:
        _FILE_OWNERS.append(entry)


@dataclass(frozen=True)
class StorageUsage:
    used: int
    limit: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.limit)) if self.limit else 100


def storage_usage(*, user_id: int) -> StorageUsage:
    """How many bytes the member's files take, and their limit."""
    used = 0
    for model, owner_lookup, size_field in _FILE_OWNERS:
        used += model.objects.filter(**{owner_lookup: user_id}).aggregate(total=Sum(size_field))["total"] or 0
    return StorageUsage(used=used, limit=settings.STORAGE_QUOTA_BYTES)


def storage_quota_check(*, user_id: int, incoming: int, field: str, freeing: int = 0) -> None:
    """Refuse `incoming` bytes that would take the member past their quota (`freeing`: bytes the same change deletes).

    Call it inside the transaction that records the files.
    """
    # The lock serialises one member's uploads; other members are not slowed.
    get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True).first()
    usage = storage_usage(user_id=user_id)
    if usage.used - freeing + incoming > usage.limit:
        raise ValidationFailed(
            _(
                "Votre espace de stockage est plein : vous utilisez %(used)s sur %(limit)s, et ce fichier "
                "demande %(incoming)s. Supprimez des documents de projet ou des images de portfolio pour "
                "libérer de la place."
            )
            % {
                "used": filesizeformat(usage.used),
                "limit": filesizeformat(usage.limit),
                "incoming": filesizeformat(incoming),
            },
            field=field,
            code="storage_quota",
        )
