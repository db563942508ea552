"""The 14-day automatic approval racing the client's « Demander des modifications »: the engagement's row lock
orders them, one applies and the other finds the delivery answered. Real threads, on both passes."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from engagements import services
from engagements.models import Delivery, DeliveryStatus
from marketplace.common.errors import Conflict
from projects import services as project_services
from tests.factories import QuoteFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


def test_automatic_approval_racing_a_request_for_changes_settles_on_one(transactional_db):
    quote = QuoteFactory()
    project_services.quote_accept(user=quote.project.owner, quote_id=quote.pk)
    engagement = quote.engagement
    delivery = services.delivery_submit(
        user=engagement.freelancer, engagement_id=engagement.pk, milestone_id=None, message="Le site est en ligne."
    )
    Delivery.objects.filter(pk=delivery.pk).update(delivered_at=timezone.now() - datetime.timedelta(days=14, hours=1))
    barrier = threading.Barrier(2)
    outcomes = {}

    def follow_up():
        try:
            barrier.wait(timeout=10)
            outcomes["follow_up"] = services.deliveries_follow_up()
        finally:
            connection.close()

    def ask_for_changes():
        try:
            barrier.wait(timeout=10)
            services.delivery_request_changes(
                user=engagement.client, engagement_id=engagement.pk, delivery_id=delivery.pk, reason="Le logo est flou."
            )
            outcomes["changes"] = "applied"
        except Conflict as refusal:
            outcomes["changes"] = str(refusal.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=follow_up), threading.Thread(target=ask_for_changes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    delivery.refresh_from_db()
    if delivery.status == DeliveryStatus.AUTO_APPROVED:
        assert outcomes["follow_up"]["approved"] == 1
        assert outcomes["changes"] == (
            "Cette livraison a déjà été approuvée automatiquement, faute de réponse en 14 jours."
        )
        assert delivery.change_reason == ""
    else:
        assert delivery.status == DeliveryStatus.CHANGES_REQUESTED
        assert outcomes["changes"] == "applied"
        assert outcomes["follow_up"]["approved"] == 0
        assert delivery.change_reason == "Le logo est flou."
