"""Record changes for the search index; a worker drains the outbox after commit."""

from search.models import SearchOutboxEntry


def outbox_record_profile(*, profile_id: int) -> None:
    """Mark a freelancer profile for reindexing, inside the caller's transaction."""
    SearchOutboxEntry.objects.create(kind=SearchOutboxEntry.Kind.PROFILE, object_id=profile_id)


def outbox_record_project(*, project_id: int) -> None:
    """Mark a project for reindexing, inside the caller's transaction."""
    SearchOutboxEntry.objects.create(kind=SearchOutboxEntry.Kind.PROJECT, object_id=project_id)
