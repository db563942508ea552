"""Reads on engagements: only their client and freelancer (and staff) see one."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from engagements.models import Delivery, DeliveryFile, Engagement, EngagementEvent
from marketplace.common.errors import NotFound


def _with_details(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("project", "client", "freelancer").prefetch_related(
        "milestones",
        Prefetch(
            "deliveries",
            queryset=Delivery.objects.select_related("milestone")
            .prefetch_related("files")
            .order_by("-delivered_at", "-pk"),
        ),
        Prefetch("events", queryset=EngagementEvent.objects.select_related("actor", "milestone")),
    )


def engagement_get_for_party(*, user, engagement_id: int) -> Engagement:
    """The engagement with its milestones, deliveries and history, for its client, its freelancer or staff; else 404."""
    engagement = _with_details(Engagement.objects.filter(pk=engagement_id)).first()
    if engagement is None or not (engagement.is_party(user) or (user.is_authenticated and user.is_staff)):
        raise NotFound(_not_found())
    return engagement


def engagements_for_user(*, user) -> QuerySet:
    """The member's engagements, as client or freelancer, newest first."""
    return _with_details(Engagement.objects.filter(Q(client=user) | Q(freelancer=user)))


def engagement_of_project_for(*, user, project) -> Engagement | None:
    """The engagement of this project that `user` is a side of (the project page links to it), or None."""
    if not user.is_authenticated:
        return None
    return Engagement.objects.filter(Q(client=user) | Q(freelancer=user), project=project).first()


def delivery_file_get_readable(*, user, engagement_id: int, file_id: int) -> DeliveryFile:
    """A delivered file, for both sides of its engagement and staff; a 404 for anyone else."""
    row = (
        DeliveryFile.objects.select_related("delivery__engagement")
        .filter(pk=file_id, delivery__engagement_id=engagement_id)
        .first()
    )
    if row is None:
        raise NotFound(_not_found())
    engagement = row.delivery.engagement
    if not (engagement.is_party(user) or (user.is_authenticated and user.is_staff)):
        raise NotFound(_not_found())
    return row


def _not_found():
    return _("Ce mandat n'existe pas.")
