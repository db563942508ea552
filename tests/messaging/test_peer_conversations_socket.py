"""A peer conversation on the real /ws/ socket: the same frames, acks, idempotency and catch-up as a project's."""

import json
import uuid

import pytest
from channels.db import database_sync_to_async

from messaging import services
from messaging.models import Message
from tests.factories import FreelancerProfileFactory
from tests.messaging.helpers import communicator, drain, receive_until, session_cookie_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.embedded]


@pytest.fixture
def peers():
    anne = FreelancerProfileFactory(display_name="Anne Dubé").user
    benoit = FreelancerProfileFactory(display_name="Benoît Caron").user
    conversation, _created = services.peer_conversation_open(user=anne, with_user_id=benoit.pk)
    return {
        "conversation": conversation,
        "anne": anne,
        "benoit": benoit,
        "anne_cookie": session_cookie_for(anne),
        "benoit_cookie": session_cookie_for(benoit),
    }


async def open_socket(cookie):
    comm = communicator(cookie)
    connected, _ = await comm.connect()
    assert connected
    assert json.loads(await comm.receive_from())["type"] == "unread"
    return comm


async def subscribe(comm, conversation_id, after=0):
    await comm.send_json_to({"type": "subscribe", "conversation": conversation_id, "after": after})
    return await receive_until(comm, "subscribed")


async def test_a_message_between_two_freelancers_is_saved_acked_and_delivered(peers):
    conv = peers["conversation"].pk
    anne = await open_socket(peers["anne_cookie"])
    benoit = await open_socket(peers["benoit_cookie"])
    assert (await subscribe(anne, conv))["read_only"] is False
    await subscribe(benoit, conv)

    client_id = str(uuid.uuid4())
    frame = {"type": "send", "conversation": conv, "client_id": client_id, "body": "On partage un contrat ?"}
    await anne.send_json_to(frame)
    ack = await receive_until(anne, "ack")
    received = await receive_until(benoit, "message")
    saved = await database_sync_to_async(Message.objects.get)(client_id=client_id)

    assert ack == {"type": "ack", "client_id": client_id, "id": saved.pk, "conversation": conv}
    assert received["message"]["id"] == saved.pk
    assert received["message"]["body"] == "On partage un contrat ?"
    assert received["message"]["sender"] == peers["anne"].pk
    assert (await receive_until(benoit, "unread"))["conversations"] == {str(conv): 1}

    # The same frame again: the same message, never a second one.
    await anne.send_json_to(frame)
    assert (await receive_until(anne, "ack"))["id"] == saved.pk
    assert await database_sync_to_async(Message.objects.filter(conversation_id=conv).count)() == 1
    assert [f for f in await drain(benoit) if f["type"] == "message"] == []

    # The reply travels back the same way.
    await benoit.send_json_to({"type": "send", "conversation": conv, "client_id": str(uuid.uuid4()), "body": "Oui !"})
    reply = await receive_until(anne, "message")
    assert (reply["message"]["body"], reply["message"]["sender"]) == ("Oui !", peers["benoit"].pk)
    await anne.disconnect()
    await benoit.disconnect()


async def test_a_socket_that_comes_back_catches_up_from_its_last_id(peers):
    conv = peers["conversation"].pk
    first, _ = await database_sync_to_async(services.message_send)(
        user=peers["anne"], conversation_id=conv, client_id=uuid.uuid4(), body="Premier"
    )
    missed, _ = await database_sync_to_async(services.message_send)(
        user=peers["anne"], conversation_id=conv, client_id=uuid.uuid4(), body="Pendant la coupure"
    )

    benoit = await open_socket(peers["benoit_cookie"])
    await subscribe(benoit, conv, after=first.pk)
    caught_up = await receive_until(benoit, "message")

    assert (caught_up["message"]["id"], caught_up["message"]["body"]) == (missed.pk, "Pendant la coupure")
    await benoit.disconnect()


async def test_a_stranger_cannot_subscribe_to_a_peer_conversation(peers):
    stranger = await database_sync_to_async(FreelancerProfileFactory)()
    comm = await open_socket(await database_sync_to_async(session_cookie_for)(stranger.user))

    await comm.send_json_to({"type": "subscribe", "conversation": peers["conversation"].pk, "after": 0})
    error = await receive_until(comm, "error")

    assert error["code"] == "not_found"
    await comm.disconnect()


async def test_after_a_block_the_socket_refuses_the_send(peers):
    conv = peers["conversation"].pk
    await database_sync_to_async(services.user_block)(user=peers["benoit"], blocked_user_id=peers["anne"].pk)
    anne = await open_socket(peers["anne_cookie"])
    await subscribe(anne, conv)

    client_id = str(uuid.uuid4())
    await anne.send_json_to({"type": "send", "conversation": conv, "client_id": client_id, "body": "Allô ?"})
    error = await receive_until(anne, "error")

    assert (error["code"], error["client_id"]) == ("forbidden", client_id)
    assert not await database_sync_to_async(Message.objects.filter(conversation_id=conv).exists)()
    await anne.disconnect()
