"""Who may act in a conversation, through the pages and the API alike: one rule (a participant), one answer each."""

import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from messaging import services
from messaging.models import Block, Message
from tests.factories import UserFactory
from tests.messaging.factories import conversation_with_quote

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded

READ_ONLY = "Lecture seule : vous ne participez pas à cette conversation."


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def conversation(db):
    conversation, owner, freelancer = conversation_with_quote()
    services.message_send(user=owner, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Entre nous")
    return conversation


def test_a_stranger_gets_404_on_a_conversation_page_and_its_buttons(client, conversation):
    client.force_login(UserFactory())

    page = client.get(reverse("conversation-detail", args=[conversation.pk]))
    sending = client.post(
        reverse("conversation-detail", args=[conversation.pk]), {"client_id": str(uuid.uuid4()), "body": "intrus"}
    )
    blocking = client.post(reverse("conversation-block", args=[conversation.pk]), {"action": "block"})

    assert page.status_code == sending.status_code == blocking.status_code == 404
    assert "Entre nous" not in page.content.decode()
    assert Message.objects.count() == 1
    assert not Block.objects.exists()


def test_a_stranger_gets_404_on_a_conversation_through_the_api(conversation):
    api = api_for(UserFactory())
    base = f"/api/v1/conversations/{conversation.pk}"

    responses = [
        api.get(f"{base}/messages/"),
        api.post(f"{base}/messages/", {"client_id": str(uuid.uuid4()), "body": "intrus"}, format="json"),
        api.post(f"{base}/block/"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert all(r.json() == {"detail": "Cette conversation n'existe pas."} for r in responses)
    assert Message.objects.count() == 1
    assert not Block.objects.exists()


def test_staff_read_a_conversation_but_cannot_block_in_it(client, conversation):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    page = client.post(reverse("conversation-block", args=[conversation.pk]), {"action": "block"})
    api = api_for(staff).post(f"/api/v1/conversations/{conversation.pk}/block/")

    assert page.status_code == 403
    assert READ_ONLY in page.content.decode()
    assert api.status_code == 403
    assert api.json() == {"detail": READ_ONLY}
    assert not Block.objects.exists()


def test_a_participant_blocks_through_the_page_and_the_api(client, conversation):
    client.force_login(conversation.client)
    assert client.post(reverse("conversation-block", args=[conversation.pk]), {"action": "block"}).status_code == 302
    assert Block.objects.filter(blocker=conversation.client, blocked=conversation.freelancer).exists()

    response = api_for(conversation.freelancer).post(f"/api/v1/conversations/{conversation.pk}/block/")

    assert response.status_code == 200
    assert Block.objects.filter(blocker=conversation.freelancer, blocked=conversation.client).exists()
