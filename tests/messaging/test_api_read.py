"""Marking a conversation read through the API: `up_to` is a message id, a whole number, nothing else."""

import uuid

import pytest
from rest_framework.test import APIClient

from messaging import services
from messaging.models import Participant
from tests.messaging.factories import conversation_with_quote

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def chat():
    conversation, client, freelancer = conversation_with_quote()
    message, _created = services.message_send(
        user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Bonjour"
    )
    api = APIClient()
    api.force_authenticate(client)
    return {"api": api, "url": f"/api/v1/conversations/{conversation.pk}/read/", "client": client, "message": message}


def _mark(chat) -> int:
    return Participant.objects.get(conversation=chat["message"].conversation_id, user=chat["client"]).last_read_id


@pytest.mark.parametrize("up_to", [0.99999, 1.5, "3", True, [1]], ids=repr)
def test_an_up_to_that_is_not_a_whole_number_is_refused_and_nothing_is_read(chat, up_to):
    before = _mark(chat)

    response = chat["api"].post(chat["url"], {"up_to": up_to}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["up_to"]
    assert _mark(chat) == before


def test_a_negative_up_to_is_refused(chat):
    response = chat["api"].post(chat["url"], {"up_to": -1}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["up_to"]


def test_a_whole_number_written_as_a_float_is_that_number(chat):
    response = chat["api"].post(chat["url"], {"up_to": float(chat["message"].pk)}, format="json")

    assert response.status_code == 200
    assert response.json()["up_to"] == chat["message"].pk == _mark(chat)


def test_without_up_to_everything_is_read(chat):
    response = chat["api"].post(chat["url"], {}, format="json")

    assert response.json()["up_to"] == chat["message"].pk == _mark(chat)
