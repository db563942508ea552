"""Helpers shared by the projects services: the money range, today's date, links, declining live quotes, pushes."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common.inputs import FieldErrors
from projects import events
from projects.models import LIVE_QUOTE_STATUSES, MAX_AMOUNT, Project, Quote, QuoteStatus, SystemDeclineReason


def check_amount(value: Decimal | None, *, field: str, errors: FieldErrors) -> None:
    """Money is above zero and at most 10 000 000 $."""
    if value is None:
        return
    if value <= 0:
        errors.add(field, _("Le montant doit être supérieur à 0 $."))
    elif value > MAX_AMOUNT:
        errors.add(field, _("Le montant ne peut pas dépasser 10 000 000 $."))
    elif value != value.quantize(Decimal("0.01")):
        errors.add(field, _("Le montant a au plus deux décimales."))


def today() -> datetime.date:
    return timezone.localdate()


def project_url(project_id: int) -> str:
    return reverse("project-detail", args=[project_id])


def after_commit_quote_changed(quote) -> None:
    """Tell the live layer a quote appeared or changed state, once the change is committed."""
    transaction.on_commit(lambda: events.quote_changed(quote))


def decline_live_quotes(project: Project, *, reason: SystemDeclineReason, exclude_id: int | None = None) -> list[Quote]:
    """Decline every live quote of `project` (but `exclude_id`) for one of the platform's reasons."""
    quotes = list(
        Quote.objects.select_for_update()
        .filter(project=project, status__in=LIVE_QUOTE_STATUSES)
        .exclude(pk=exclude_id)
        .select_related("freelancer")
    )
    now = timezone.now()
    for quote in quotes:
        quote.status = QuoteStatus.DECLINED
        quote.decided_at = now
        # The kind, not its words: each reader sees them in their own language.
        quote.decline_reason = ""
        quote.decline_reason_kind = reason
        quote.decline_reason_by_system = True
        quote.save(
            update_fields=[
                "status",
                "decided_at",
                "decline_reason",
                "decline_reason_kind",
                "decline_reason_by_system",
                "updated_at",
            ]
        )
        after_commit_quote_changed(quote)
    return quotes
