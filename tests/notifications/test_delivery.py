"""A notification sent by any app reaches its recipient: live on their socket, and through the API."""

import json
from decimal import Decimal

import pytest
from channels.db import database_sync_to_async
from rest_framework.test import APIClient

from projects.services import quote_submit
from tests.factories import FreelancerProfileFactory, ProjectFactory
from tests.messaging.helpers import communicator, drain, session_cookie_for

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


def _quote_data():
    return {
        "amount": Decimal("1200.00"),
        "pricing": "fixed",
        "delivery_days": 14,
        "charges_taxes": True,
        "message": "Bonjour, je suis graphiste à Rimouski.",
        "line_items": [{"description": "Trois pistes de logo", "amount": Decimal("1200")}],
    }


async def test_a_quote_sent_on_a_project_reaches_its_owner_live_and_through_the_api():
    project = await database_sync_to_async(ProjectFactory)(title="Logo pour une microbrasserie")
    profile = await database_sync_to_async(FreelancerProfileFactory)(display_name="Julie Tremblay")
    owner_socket = communicator(await database_sync_to_async(session_cookie_for)(project.owner))
    connected, _ = await owner_socket.connect()
    assert connected
    assert json.loads(await owner_socket.receive_from())["type"] == "unread"

    quote = await database_sync_to_async(quote_submit)(user=profile.user, project_id=project.pk, data=_quote_data())

    frames = {frame["type"]: frame for frame in await drain(owner_socket, timeout=1.0)}
    await owner_socket.disconnect()
    notification = frames["notification"]["notification"]
    assert notification["kind"] == "quote_received"
    assert notification["title"] == "Nouvelle soumission pour « Logo pour une microbrasserie »"
    assert notification["body"] == "Julie Tremblay vous a envoyé une soumission."
    assert notification["url"] == f"/projets/{project.pk}/#quotes"
    assert frames["notification"]["unread"] == 1
    assert {key: frames["quote"][key] for key in ("project", "quote", "status")} == {
        "project": project.pk,
        "quote": quote.pk,
        "status": "pending",
    }

    api = APIClient()
    await database_sync_to_async(api.force_authenticate)(project.owner)
    listed = await database_sync_to_async(api.get)("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="fr-ca")
    assert listed.status_code == 200
    assert [(n["id"], n["kind"], n["title"]) for n in listed.json()["results"]] == [
        (notification["id"], "quote_received", "Nouvelle soumission pour « Logo pour une microbrasserie »")
    ]


async def test_reading_notifications_pushes_the_badge_counts_of_messages_and_notifications():
    from notifications.services import notification_mark_read, notify
    from tests.factories import UserFactory

    member = await database_sync_to_async(UserFactory)()
    await database_sync_to_async(notify)(recipient=member, kind="invitation", params={"title": "Cabane"})
    socket = communicator(await database_sync_to_async(session_cookie_for)(member))
    connected, _ = await socket.connect()
    assert connected
    assert json.loads(await socket.receive_from()) == {"type": "unread", "total": 0, "notifications": 1, "groups": 0}

    marked = await database_sync_to_async(notification_mark_read)(user=member)

    frames = await drain(socket, timeout=1.0)
    await socket.disconnect()
    assert marked == 1
    assert [frame for frame in frames if frame["type"] == "unread"] == [
        {"type": "unread", "total": 0, "notifications": 0}
    ]
