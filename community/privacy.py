"""The community side of a member's privacy rights (Loi 25): their groups, memberships and bulletin-board
posts in a data export, and what erasing their account does to them.

Called by privacy.services only. Each part of the app adds one exporter and one eraser to the lists at
the bottom (groups and posts here; events and registrations beside them).
A post belongs to a conversation others took part in: erasing its author blanks the text and keeps the
row, so replies stay in place ("Message retiré"); their memberships go.
"""

from __future__ import annotations

from django.utils import timezone

from community.models import CalendarFeed, Group, GroupMembership, Post, Registration, RegistrationStatus
from community.services import events as event_services


def _groups_export(*, user) -> dict:
    memberships = GroupMembership.objects.filter(member=user).select_related("group").order_by("created_at", "pk")
    posts = Post.objects.filter(author=user).select_related("group").order_by("id")
    return {
        "groupes_crees": [
            {"name": group.name, "slug": group.slug, "created_at": group.created_at}
            for group in Group.objects.filter(created_by=user).order_by("created_at", "pk")
        ],
        "adhesions_aux_groupes": [
            {
                "group": membership.group.name,
                "role": membership.role,
                "status": membership.status,
                "since": membership.created_at,
                "updated_at": membership.updated_at,
            }
            for membership in memberships
        ],
        "messages_du_babillard": [
            {
                "id": post.pk,
                "group": post.group.name,
                "reply_to": post.parent_id,
                "body": post.body,
                "created_at": post.created_at,
            }
            for post in posts
        ],
    }


def _groups_erase(*, user) -> list[tuple[object, str]]:
    # The text goes; the row stays so the replies of others keep their thread.
    Post.objects.filter(author=user).update(body="")
    GroupMembership.objects.filter(member=user).delete()
    # The group stays with its other members; it just no longer names its creator.
    Group.objects.filter(created_by=user).update(created_by=None)
    return []


def _events_export(*, user) -> dict:
    registrations = (
        Registration.objects.filter(member=user).select_related("event", "cohort").order_by("created_at", "pk")
    )
    return {
        "inscriptions_aux_evenements": [
            {
                "event": registration.event.title if registration.event_id else None,
                "event_starts_at": registration.event.starts_at if registration.event_id else None,
                "cohort": registration.cohort.name if registration.cohort_id else None,
                "status": registration.status,
                "created_at": registration.created_at,
                "cancelled_at": registration.cancelled_at,
            }
            for registration in registrations
        ],
        "agenda_abonnement_actif": CalendarFeed.objects.filter(member=user).exists(),
    }


def _events_erase(*, user) -> list[tuple[object, str]]:
    # Seats to come are given up first, so the next in line moves up and is told; then the rows go.
    now = timezone.now()
    current = Registration.objects.filter(member=user).exclude(status=RegistrationStatus.CANCELLED)
    for event_id in current.filter(event__starts_at__gt=now).values_list("event_id", flat=True):
        event_services.event_registration_cancel(user=user, event_id=event_id)
    for cohort_id in current.filter(cohort__isnull=False).values_list("cohort_id", flat=True):
        event_services.cohort_registration_cancel(user=user, group_id=cohort_id)
    Registration.objects.filter(member=user).delete()
    CalendarFeed.objects.filter(member=user).delete()  # the feed's secret address stops working
    return []


# (section exporter, eraser) pairs: add a part's own pair here.
_EXPORTERS = [_groups_export, _events_export]
_ERASERS = [_groups_erase, _events_erase]


def export_data(*, user) -> tuple[dict, list[tuple[str, object]]]:
    """The member's groups, memberships and posts (no files)."""
    data: dict = {}
    for exporter in _EXPORTERS:
        data.update(exporter(user=user))
    return data, []


def erase(*, user) -> list[tuple[object, str]]:
    """Blank the member's posts and drop their memberships; returns `(storage, key)` of files to delete (none)."""
    files: list[tuple[object, str]] = []
    for eraser in _ERASERS:
        files += eraser(user=user)
    return files
