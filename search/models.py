"""The search outbox (changes waiting to reach the index) and saved searches."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchOutboxEntry(models.Model):
    """A document to (re)index or delete, recorded in the same transaction as the change."""

    class Kind(models.TextChoices):
        PROFILE = "profile"
        PROJECT = "project"
        COLLECTIVE = "collective"
        COWORKING = "coworking"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["kind", "object_id"], name="search_outbox_kind_idx")]
        constraints = [
            # The outbox drains by kind: a row no index knows would wait there for ever.
            models.CheckConstraint(
                condition=models.Q(kind__in=["profile", "project", "collective", "coworking"]),
                name="search_outbox_known_kind",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class SavedSearch(models.Model):
    """A freelancer's project search, re-run on every new open project."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Dès qu'un projet correspond")
        DAILY = "daily", _("Un résumé par jour, au plus")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("nom"), max_length=120)
    # The normalised query string of the project search (the same parameters as the page and the API).
    query = models.CharField(max_length=2000)
    frequency = models.CharField(_("fréquence"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    created_at = models.DateTimeField(auto_now_add=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recherche sauvegardée")
        verbose_name_plural = _("recherches sauvegardées")
        constraints = [models.UniqueConstraint(fields=["user", "query"], name="one_saved_search_per_query")]

    def __str__(self):
        return self.name


class SavedSearchMatch(models.Model):
    """A project that matched a saved search; unique, so nobody hears about a project twice."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="matches")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Null until a notification (immediate, or the daily digest) told the freelancer.
    notified_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "project"], name="one_match_per_saved_search_and_project")
        ]

    def __str__(self):
        return f"{self.saved_search_id} → {self.project_id}"


class ProjectMatch(models.Model):
    """A freelancer told about a new project that fits them; unique, so nobody is told twice whatever edits follow."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey("profiles.FreelancerProfile", on_delete=models.CASCADE, related_name="+")
    notified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "profile"], name="one_match_per_project_and_profile")]

    def __str__(self):
        return f"{self.project_id} → {self.profile_id}"
