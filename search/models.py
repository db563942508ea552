"""The search outbox: changes waiting to reach the index."""

from django.db import models


class SearchOutboxEntry(models.Model):
    """A document to (re)index or delete, recorded in the same transaction as the change."""

    class Kind(models.TextChoices):
        PROFILE = "profile"
        PROJECT = "project"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["kind", "object_id"], name="search_outbox_kind_idx")]
