"""A notification's email, sent later by the worker, logs under the id of the request that caused it."""

import logging

import pytest
from django.core import mail
from django.core.management import call_command

from marketplace.common.logging import bind_request_id
from notifications.models import NotificationKind
from notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_logs_the_email_under_the_request_id_of_the_notification(settings, caplog):
    # The durable database queue, as in production: the task runs later, outside the request.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    recipient = UserFactory(email="julie@exemple.qc.ca")
    with bind_request_id("req-4242-abcd"):
        notify(
            recipient=recipient,
            kind=NotificationKind.QUOTE_RECEIVED,
            params={"title": "Logo", "name": "Julie"},
            url="/projets/1/",
        )
    assert mail.outbox == []

    with caplog.at_level(logging.INFO, logger="notifications.tasks"):
        call_command("db_worker", "--batch", "--no-startup-delay")

    assert [m.to for m in mail.outbox] == [["julie@exemple.qc.ca"]]
    emailed = [r for r in caplog.records if r.name == "notifications.tasks" and "emailed" in r.getMessage()]
    assert len(emailed) == 1
    assert emailed[0].request_id == "req-4242-abcd"
