"""The engagements side of a member's privacy rights (Loi 25): their engagements in a data export; what erasing
their account does to them.

Called by privacy.services only (the Loi 25 app, above every app) through `export_data` and `erase`.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db.models import Q

from engagements.models import Delivery, DeliveryFile, Engagement, EngagementEvent


def export_data(*, user) -> tuple[dict, list[tuple[str, object]]]:
    """The member's engagements (as client or freelancer): terms, milestones, deliveries, and the files delivered."""
    files: list[tuple[str, object]] = []
    engagements = []
    queryset = (
        Engagement.objects.filter(Q(client_id=user.pk) | Q(freelancer_id=user.pk))
        .select_related("project")
        .prefetch_related("milestones", "deliveries__files", "deliveries__milestone")
        .order_by("created_at", "pk")
    )
    for engagement in queryset:
        deliveries = []
        for delivery in engagement.deliveries.all():
            delivered_files = []
            for row in delivery.files.all():
                path = f"fichiers/mandats/{engagement.pk}/{row.pk}-{PurePosixPath(row.file.name).name}"
                files.append((path, row.file))
                delivered_files.append({"name": row.name, "file": path})
            deliveries.append(
                {
                    "milestone": delivery.milestone.title if delivery.milestone else None,
                    "message": delivery.message,
                    "status": delivery.status,
                    "delivered_at": delivery.delivered_at,
                    "decided_at": delivery.decided_at,
                    "change_reason": delivery.change_reason,
                    "files": delivered_files,
                }
            )
        engagements.append(
            {
                "project": engagement.project.title,
                "role": "client" if engagement.client_id == user.pk else "freelancer",
                "amount": engagement.amount,
                "charges_taxes": engagement.charges_taxes,
                "lines": engagement.lines,
                "status": engagement.status,
                "created_at": engagement.created_at,
                "milestones": [
                    {"title": m.title, "amount": m.amount, "due_on": m.due_on, "status": m.status}
                    for m in engagement.milestones.all()
                ],
                "deliveries": deliveries,
            }
        )
    return {"engagements": engagements}, files


def erase(*, user) -> list[tuple[object, str]]:
    """Blank the member's own words in engagements and delete the files they delivered; the agreed terms,
    amounts and states stay for the other side (the account row stays, signed "Ancien membre")."""
    delivered = DeliveryFile.objects.filter(delivery__engagement__freelancer_id=user.pk)
    files = [(row.file.storage, row.file.name) for row in delivered]
    delivered.delete()
    Delivery.objects.filter(engagement__freelancer_id=user.pk).update(message="")
    Delivery.objects.filter(engagement__client_id=user.pk).update(change_reason="")
    EngagementEvent.objects.filter(actor_id=user.pk).update(note="")
    return files
