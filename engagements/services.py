"""Writes on engagements: open one from an accepted quote, agree on milestones, deliver, approve, ask for changes.

Every transition locks the engagement row first (`select_for_update`), so a client's answer and the automatic
approval can't both decide the same delivery; the partial unique constraints on Delivery back "deliver twice".
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagements.models import (
    Delivery,
    DeliveryFile,
    DeliveryStatus,
    Engagement,
    EngagementEvent,
    EngagementStatus,
    EventKind,
    Milestone,
    MilestoneStatus,
)
from marketplace.common.documents import document_check
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.common.quota import storage_quota_check
from marketplace.common.storage import stored_files_delete
from notifications.models import NotificationKind
from notifications.services import notify
from projects.models import Pricing, ProjectStatus
from projects.services import project_complete

AUTO_APPROVE_AFTER = datetime.timedelta(days=14)
REMINDERS = (datetime.timedelta(days=7), datetime.timedelta(days=13))
MAX_MILESTONES = 20
MAX_FILES_PER_DELIVERY = 10
MAX_MESSAGE = 5000
MAX_REASON = 3000


def engagement_url(engagement_id: int) -> str:
    return reverse("engagement-detail", args=[engagement_id])


def _event(engagement: Engagement, kind: str, *, actor=None, milestone=None, note: str = "") -> None:
    EngagementEvent.objects.create(engagement=engagement, kind=kind, actor=actor, milestone=milestone, note=note)


def engagement_open(*, quote) -> Engagement:
    """Open the engagement of a quote just accepted, with its lines, price and dates (inside quote_accept's transaction)."""
    existing = Engagement.objects.filter(quote=quote).first()
    if existing is not None:
        return existing
    project = quote.project
    lines = [
        {"description": item.description, "amount": str(item.amount), "position": item.position}
        for item in quote.line_items.order_by("position", "pk")
    ]
    engagement = Engagement.objects.create(
        quote=quote,
        project=project,
        client_id=project.owner_id,
        freelancer_id=quote.freelancer_id,
        amount=quote.estimated_total,
        currency=quote.currency,
        pricing=quote.pricing,
        hourly_rate=quote.amount if quote.pricing == Pricing.HOURLY else None,
        charges_taxes=quote.charges_taxes,
        delivery_days=quote.delivery_days,
        delivery_date=quote.delivery_eta,
        lines=lines,
    )
    _event(engagement, EventKind.OPENED, actor=project.owner)
    for recipient in (project.owner, quote.freelancer):
        notify(
            recipient=recipient,
            kind=NotificationKind.ENGAGEMENT_OPENED,
            params={"title": project.title},
            url=engagement_url(engagement.pk),
        )
    return engagement


def _lock_for_party(*, user, engagement_id: int) -> Engagement:
    """The engagement, row-locked, if `user` is its client or freelancer; a stranger gets a 404."""
    engagement = (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("project", "client", "freelancer")
        .filter(pk=engagement_id)
        .first()
    )
    if engagement is None or not engagement.is_party(user):
        raise NotFound(_("Ce mandat n'existe pas."))
    return engagement


def _check_open(engagement: Engagement) -> None:
    if engagement.status in (EngagementStatus.APPROVED, EngagementStatus.COMPLETED):
        raise Conflict(_("Ce mandat est terminé : tout a été approuvé."))


def _other_side(engagement: Engagement, user):
    return engagement.freelancer if user.pk == engagement.client_id else engagement.client


def _clean_milestones(engagement: Engagement, items: Sequence[Mapping]) -> list[Milestone]:
    """Check a whole split at once; the list is refused whole because a partial one confuses both sides."""
    if engagement.amount is None:
        raise ValidationFailed(
            _("Ce mandat est à taux horaire sans estimation d'heures : il ne peut pas être réparti en jalons."),
            field="milestones",
        )
    if not items:
        raise ValidationFailed(_("Proposez au moins un jalon."), field="milestones")
    if len(items) > MAX_MILESTONES:
        raise ValidationFailed(
            _("%(max)s jalons au maximum.") % {"max": MAX_MILESTONES},
            field="milestones",
        )
    today = timezone.localdate()
    milestones = []
    for position, item in enumerate(items):
        title = str(item.get("title") or "").strip()
        if not title or len(title) > 200:
            raise ValidationFailed(_("Chaque jalon a un titre de 200 caractères au plus."), field="milestones")
        try:
            amount = Decimal(str(item.get("amount"))).quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError, ValueError):
            raise ValidationFailed(_("Chaque jalon a un montant en dollars."), field="milestones") from None
        if not amount.is_finite() or amount <= 0:
            raise ValidationFailed(_("Chaque jalon a un montant plus grand que zéro."), field="milestones")
        due_on = item.get("due_on")
        if isinstance(due_on, str):
            try:
                due_on = datetime.date.fromisoformat(due_on)
            except ValueError:
                due_on = None
        if not isinstance(due_on, datetime.date):
            raise ValidationFailed(_("Chaque jalon a une date d'échéance."), field="milestones")
        if due_on < today:
            raise ValidationFailed(_("L'échéance d'un jalon ne peut pas être dans le passé."), field="milestones")
        milestones.append(Milestone(engagement=engagement, title=title, amount=amount, due_on=due_on, order=position))
    total = sum((m.amount for m in milestones), Decimal("0"))
    if total != engagement.amount:
        raise ValidationFailed(
            _("Les montants des jalons totalisent %(total)s $ ; ils doivent égaler le montant du mandat, %(amount)s $.")
            % {"total": total, "amount": engagement.amount},
            field="milestones",
        )
    return milestones


@transaction.atomic
def milestones_propose(*, user, engagement_id: int, items: Sequence[Mapping]) -> list[Milestone]:
    """Either side proposes how to split the engagement; it replaces a proposal still waiting for an answer."""
    engagement = _lock_for_party(user=user, engagement_id=engagement_id)
    _check_open(engagement)
    if engagement.milestones.exclude(status=MilestoneStatus.PROPOSED).exists():
        raise Conflict(_("Les jalons de ce mandat sont déjà convenus."))
    if engagement.deliveries.exists():
        raise Conflict(_("Le travail a déjà été livré en entier : il ne peut plus être réparti en jalons."))
    milestones = _clean_milestones(engagement, items)
    engagement.milestones.all().delete()
    Milestone.objects.bulk_create(milestones)
    engagement.milestones_proposed_by = user
    engagement.save(update_fields=["milestones_proposed_by", "updated_at"])
    _event(engagement, EventKind.MILESTONES_PROPOSED, actor=user)
    notify(
        recipient=_other_side(engagement, user),
        kind=NotificationKind.MILESTONES_PROPOSED,
        params={"title": engagement.project.title, "name": user.public_name},
        url=engagement_url(engagement.pk),
    )
    return list(engagement.milestones.all())


@transaction.atomic
def milestones_accept(*, user, engagement_id: int) -> list[Milestone]:
    """The side that did not propose the split agrees to it."""
    engagement = _lock_for_party(user=user, engagement_id=engagement_id)
    _check_open(engagement)
    proposed = engagement.milestones.filter(status=MilestoneStatus.PROPOSED)
    if engagement.milestones_proposed_by_id is None or not proposed.exists():
        raise Conflict(_("Aucune répartition en jalons n'attend de réponse."))
    if engagement.milestones_proposed_by_id == user.pk:
        raise PermissionDenied(_("L'autre partie doit accepter la répartition que vous avez proposée."))
    proposed.update(status=MilestoneStatus.ACCEPTED)
    engagement.milestones_proposed_by = None
    engagement.save(update_fields=["milestones_proposed_by", "updated_at"])
    _event(engagement, EventKind.MILESTONES_ACCEPTED, actor=user)
    notify(
        recipient=_other_side(engagement, user),
        kind=NotificationKind.MILESTONES_ACCEPTED,
        params={"title": engagement.project.title, "name": user.public_name},
        url=engagement_url(engagement.pk),
    )
    return list(engagement.milestones.all())


def delivery_submit(*, user, engagement_id: int, milestone_id: int | None, message: str, uploads=()) -> Delivery:
    """The freelancer hands over a milestone, or the whole work (milestone None), with a message and files.

    Files are checked, then stored before the transaction (no lock held during an upload to S3), and removed
    if anything refuses: all or nothing.
    """
    message = (message or "").strip()
    if not message:
        raise ValidationFailed(_("Décrivez ce que vous livrez."), field="message")
    if len(message) > MAX_MESSAGE:
        raise ValidationFailed(_("Le message dépasse %(max)s caractères.") % {"max": MAX_MESSAGE}, field="message")
    uploads = list(uploads)
    if len(uploads) > MAX_FILES_PER_DELIVERY:
        raise ValidationFailed(
            _("%(max)s fichiers au maximum par livraison.") % {"max": MAX_FILES_PER_DELIVERY}, field="files"
        )
    checked = [document_check(upload=upload, field="files") for upload in uploads]
    files = [DeliveryFile(name=d.name, content_type=d.content_type, size=d.size, sha256=d.sha256) for d in checked]
    try:
        for row, document in zip(files, checked, strict=True):
            row.file.save(document.file.name, document.file, save=False)
        with transaction.atomic():
            delivery = _delivery_record(
                user=user, engagement_id=engagement_id, milestone_id=milestone_id, message=message
            )
            if files:
                storage_quota_check(user_id=user.pk, incoming=sum(d.size for d in checked), field="files")
                for row in files:
                    row.delivery = delivery
                DeliveryFile.objects.bulk_create(files)
    except Exception:
        stored_files_delete((row.file.storage, row.file.name) for row in files)
        raise
    return delivery


def _delivery_record(*, user, engagement_id: int, milestone_id: int | None, message: str) -> Delivery:
    engagement = _lock_for_party(user=user, engagement_id=engagement_id)
    if user.pk != engagement.freelancer_id:
        raise PermissionDenied(_("Seul·e le ou la pigiste du mandat peut livrer le travail."))
    _check_open(engagement)
    agreed = engagement.milestones.exclude(status=MilestoneStatus.PROPOSED)
    milestone = None
    if milestone_id is None:
        if agreed.exists():
            raise ValidationFailed(_("Ce mandat est réparti en jalons : choisissez le jalon livré."), field="milestone")
        if engagement.deliveries.filter(milestone=None, status=DeliveryStatus.PENDING).exists():
            raise Conflict(_("Ce travail est déjà livré et attend la réponse du client."))
        # A split still waiting for an answer no longer applies once the whole work is handed over.
        engagement.milestones.filter(status=MilestoneStatus.PROPOSED).delete()
        engagement.milestones_proposed_by = None
    else:
        milestone = agreed.filter(pk=milestone_id).first()
        if milestone is None:
            raise NotFound(_("Ce jalon n'existe pas ou n'est pas encore accepté."), field="milestone")
        if milestone.status == MilestoneStatus.DELIVERED:
            raise Conflict(_("Ce jalon est déjà livré et attend la réponse du client."))
        if milestone.status == MilestoneStatus.APPROVED:
            raise Conflict(_("Ce jalon est déjà approuvé."))
        milestone.status = MilestoneStatus.DELIVERED
        milestone.save(update_fields=["status"])
    now = timezone.now()
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                engagement=engagement, milestone=milestone, message=message, delivered_at=now
            )
    except IntegrityError as exc:
        raise Conflict(_("Ce travail est déjà livré et attend la réponse du client.")) from exc
    engagement.status = EngagementStatus.DELIVERED
    engagement.save(update_fields=["status", "milestones_proposed_by", "updated_at"])
    _event(engagement, EventKind.DELIVERED, actor=user, milestone=milestone, note=message)
    notify(
        recipient=engagement.client,
        kind=NotificationKind.WORK_DELIVERED,
        params={"title": engagement.project.title, "auto_on": _auto_on(delivery).isoformat()},
        url=engagement_url(engagement.pk),
    )
    return delivery


def _auto_on(delivery: Delivery) -> datetime.date:
    return timezone.localdate(delivery.delivered_at + AUTO_APPROVE_AFTER)


def _lock_pending_delivery(*, user, engagement_id: int, delivery_id: int) -> tuple[Engagement, Delivery]:
    engagement = _lock_for_party(user=user, engagement_id=engagement_id)
    delivery = engagement.deliveries.select_related("milestone").filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound(_("Cette livraison n'existe pas."))
    if user.pk != engagement.client_id:
        raise PermissionDenied(_("Seul le client du mandat peut répondre à une livraison."))
    if delivery.status == DeliveryStatus.AUTO_APPROVED:
        raise Conflict(_("Cette livraison a déjà été approuvée automatiquement, faute de réponse en 14 jours."))
    if delivery.status != DeliveryStatus.PENDING:
        raise Conflict(_("Cette livraison a déjà reçu une réponse."))
    return engagement, delivery


@transaction.atomic
def delivery_approve(*, user, engagement_id: int, delivery_id: int) -> Delivery:
    """The client approves a delivery; when all the work is approved the project is completed."""
    engagement, delivery = _lock_pending_delivery(user=user, engagement_id=engagement_id, delivery_id=delivery_id)
    _approve(engagement, delivery, actor=user)
    return delivery


@transaction.atomic
def delivery_request_changes(*, user, engagement_id: int, delivery_id: int, reason: str) -> Delivery:
    """The client sends a delivery back to the freelancer with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Dites ce qui doit être modifié."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(_("La raison dépasse %(max)s caractères.") % {"max": MAX_REASON}, field="reason")
    engagement, delivery = _lock_pending_delivery(user=user, engagement_id=engagement_id, delivery_id=delivery_id)
    delivery.status = DeliveryStatus.CHANGES_REQUESTED
    delivery.decided_at = timezone.now()
    delivery.change_reason = reason
    delivery.save(update_fields=["status", "decided_at", "change_reason"])
    if delivery.milestone is not None:
        delivery.milestone.status = MilestoneStatus.CHANGES_REQUESTED
        delivery.milestone.save(update_fields=["status"])
    _refresh_status(engagement)
    _event(engagement, EventKind.CHANGES_REQUESTED, actor=user, milestone=delivery.milestone, note=reason)
    notify(
        recipient=engagement.freelancer,
        kind=NotificationKind.CHANGES_REQUESTED,
        params={"title": engagement.project.title, "reason": reason},
        url=engagement_url(engagement.pk),
    )
    return delivery


def _refresh_status(engagement: Engagement) -> None:
    pending = engagement.deliveries.filter(status=DeliveryStatus.PENDING).exists()
    engagement.status = EngagementStatus.DELIVERED if pending else EngagementStatus.IN_PROGRESS
    engagement.save(update_fields=["status", "updated_at"])


def _approve(engagement: Engagement, delivery: Delivery, *, actor) -> None:
    auto = actor is None
    delivery.status = DeliveryStatus.AUTO_APPROVED if auto else DeliveryStatus.APPROVED
    delivery.decided_at = timezone.now()
    delivery.save(update_fields=["status", "decided_at"])
    if delivery.milestone is not None:
        delivery.milestone.status = MilestoneStatus.APPROVED
        delivery.milestone.save(update_fields=["status"])
    _event(
        engagement, EventKind.AUTO_APPROVED if auto else EventKind.APPROVED, actor=actor, milestone=delivery.milestone
    )
    notify(
        recipient=engagement.freelancer,
        kind=NotificationKind.DELIVERY_APPROVED,
        params={"title": engagement.project.title, "auto": "1" if auto else ""},
        url=engagement_url(engagement.pk),
    )
    if auto:
        notify(
            recipient=engagement.client,
            kind=NotificationKind.DELIVERY_APPROVED,
            params={"title": engagement.project.title, "auto": "1"},
            url=engagement_url(engagement.pk),
        )
    milestones = list(engagement.milestones.exclude(status=MilestoneStatus.PROPOSED))
    done = all(m.status == MilestoneStatus.APPROVED for m in milestones) if milestones else delivery.milestone is None
    if not done:
        _refresh_status(engagement)
        return
    _complete(engagement)


def _complete(engagement: Engagement) -> None:
    """All the work is approved: the project is completed (reviews open), whoever approved the last part."""
    project = engagement.project
    project.refresh_from_db(fields=["status"])
    if project.status == ProjectStatus.AWARDED:
        # The client's own completion service, on their behalf: completion no longer waits for their click.
        project_complete(user=engagement.client, project_id=project.pk)
    project.refresh_from_db(fields=["status"])
    completed = project.status == ProjectStatus.COMPLETED
    engagement.status = EngagementStatus.COMPLETED if completed else EngagementStatus.APPROVED
    engagement.completed_at = timezone.now()
    engagement.save(update_fields=["status", "completed_at", "updated_at"])
    if completed:
        _event(engagement, EventKind.COMPLETED)


def deliveries_follow_up(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Remind clients of deliveries waiting 7 and 13 days, and approve those waiting 14 days; idempotent.

    One transaction per delivery: a failure on one doesn't undo the others. Each step is checked again under
    the engagement's lock, so a client's answer arriving meanwhile wins and nothing is sent twice.
    """
    now = now or timezone.now()
    counts = {"reminded": 0, "approved": 0}
    due_ids = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, delivered_at__lte=now - REMINDERS[0])
        .order_by("delivered_at", "pk")
        .values_list("pk", flat=True)
    )
    for delivery_id in due_ids:
        with transaction.atomic():
            engagement_id = Delivery.objects.filter(pk=delivery_id).values_list("engagement_id", flat=True).first()
            if engagement_id is None:
                continue
            engagement = (
                Engagement.objects.select_for_update(of=("self",))
                .select_related("project", "client", "freelancer")
                .get(pk=engagement_id)
            )
            delivery = Delivery.objects.select_related("milestone").get(pk=delivery_id)
            if delivery.status != DeliveryStatus.PENDING:
                continue
            waited = now - delivery.delivered_at
            if waited >= AUTO_APPROVE_AFTER:
                _approve(engagement, delivery, actor=None)
                counts["approved"] += 1
                continue
            field = "reminded_13_at" if waited >= REMINDERS[1] else "reminded_7_at"
            if getattr(delivery, field) is not None:
                continue
            setattr(delivery, field, now)
            delivery.save(update_fields=[field])
            notify(
                recipient=engagement.client,
                kind=NotificationKind.DELIVERY_REMINDER,
                params={"title": engagement.project.title, "auto_on": _auto_on(delivery).isoformat()},
                url=engagement_url(engagement.pk),
            )
            counts["reminded"] += 1
    return counts
