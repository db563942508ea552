"""What the issuing tests start from: an engagement with an approved milestone, or wholly approved."""

from __future__ import annotations

import datetime

from django.utils import timezone

from engagements import services as engagement_services
from projects import services as project_services
from tests.factories import QuoteFactory


def open_engagement(**quote_fields):
    """An engagement just opened by the client accepting a 3 500 $ quote with two lines."""
    quote = QuoteFactory(**quote_fields)
    quote.line_items.create(description="Maquettes", amount="1500.00", position=0)
    quote.line_items.create(description="Intégration", amount="2000.00", position=1)
    project_services.quote_accept(user=quote.project.owner, quote_id=quote.pk)
    return quote.engagement


def approve_first_milestone(engagement):
    """Split 1 500 $ + 2 000 $, deliver and approve the first: returns it (approved)."""
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    engagement_services.milestones_propose(
        user=engagement.freelancer,
        engagement_id=engagement.pk,
        items=[
            {"title": "Maquettes", "amount": "1500.00", "due_on": due},
            {"title": "Intégration", "amount": "2000.00", "due_on": due},
        ],
    )
    engagement_services.milestones_accept(user=engagement.client, engagement_id=engagement.pk)
    first = engagement.milestones.order_by("order", "pk").first()
    delivery = engagement_services.delivery_submit(
        user=engagement.freelancer,
        engagement_id=engagement.pk,
        milestone_id=first.pk,
        message="Les maquettes sont prêtes.",
        uploads=[],
    )
    engagement_services.delivery_approve(user=engagement.client, engagement_id=engagement.pk, delivery_id=delivery.pk)
    first.refresh_from_db()
    return first


def approve_whole(engagement):
    """Deliver the whole work and have it approved: the engagement is finished."""
    delivery = engagement_services.delivery_submit(
        user=engagement.freelancer,
        engagement_id=engagement.pk,
        milestone_id=None,
        message="Tout est livré.",
        uploads=[],
    )
    engagement_services.delivery_approve(user=engagement.client, engagement_id=engagement.pk, delivery_id=delivery.pk)
    engagement.refresh_from_db()
    return engagement
