"""The search side of a member's privacy rights (Loi 25): their saved searches and the new projects they
were told about in the data export; on erasure, the searches go and the member's profile leaves the index
(their ProjectMatch rows go with the profile's row).

Called by privacy.services only (the Loi 25 app, above every app) through `export_data` and `erase`.
"""

from __future__ import annotations

from profiles.models import FreelancerProfile
from search.models import ProjectMatch, SavedSearch
from search.outbox import outbox_record_profile


def export_data(*, user) -> tuple[dict, list[tuple[str, object]]]:
    """The member's saved searches and the projects they were told fit them, as plain data (no files)."""
    searches = SavedSearch.objects.filter(user_id=user.pk).order_by("id")
    matches = ProjectMatch.objects.filter(profile__user_id=user.pk).select_related("project").order_by("id")
    return {
        "saved_searches": [
            {"name": s.name, "query": s.query, "frequency": s.frequency, "created_at": s.created_at} for s in searches
        ],
        "projects_told_about": [
            {"project_id": m.project_id, "title": m.project.title, "notified_at": m.notified_at} for m in matches
        ],
    }, []


def erase(*, user) -> list[tuple[object, str]]:
    """Delete the member's saved searches and take their profile out of the index; no files to delete."""
    profile_id = FreelancerProfile.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    if profile_id is not None:
        # The outbox entry outlives the profile's row (profiles' erase deletes it next): the drain finds no
        # profile and removes it from the index.
        outbox_record_profile(profile_id=profile_id)
    SavedSearch.objects.filter(user_id=user.pk).delete()
    return []
