"""Bad inputs and attacks on the socket: each gets an error frame (or a refused handshake), nothing leaks."""

import json
import uuid

import pytest
from channels.db import database_sync_to_async

from messaging import services
from messaging.models import Message
from tests.factories import UserFactory
from tests.messaging.factories import conversation_with_quote
from tests.messaging.helpers import communicator, drain, receive_until, session_cookie_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chat():
    conversation, client, freelancer = conversation_with_quote()
    return {
        "conversation": conversation,
        "client": client,
        "freelancer": freelancer,
        "cookie": session_cookie_for(client),
    }


async def open_socket(cookie):
    comm = communicator(cookie)
    connected, _ = await comm.connect()
    assert connected
    await receive_until(comm, "unread")
    return comm


def message_count():
    return database_sync_to_async(Message.objects.count)()


async def test_socket_from_another_origin_is_refused(chat):
    comm = communicator(chat["cookie"], origin="https://evil.example.com")
    connected, _ = await comm.connect()
    assert not connected


async def test_anonymous_socket_is_refused():
    comm = communicator(None)
    connected, _ = await comm.connect()
    assert not connected


async def test_socket_without_origin_header_is_refused(chat):
    from channels.testing import WebsocketCommunicator

    from marketplace.asgi import application

    comm = WebsocketCommunicator(application, "/ws/", headers=[(b"cookie", chat["cookie"].encode())])
    connected, _ = await comm.connect()
    assert not connected


async def test_subscribing_to_someone_elses_conversation_is_refused_like_a_missing_one(chat):
    stranger = await database_sync_to_async(UserFactory)()
    comm = await open_socket(await database_sync_to_async(session_cookie_for)(stranger))

    await comm.send_json_to({"type": "subscribe", "conversation": chat["conversation"].pk, "after": 0})
    refused = await receive_until(comm, "error")
    await comm.send_json_to({"type": "subscribe", "conversation": 987654321, "after": 0})
    missing = await receive_until(comm, "error")

    assert refused["code"] == missing["code"] == "not_found"
    assert refused["message"] == missing["message"] == "Cette conversation n'existe pas."
    # Nothing of the conversation reached the stranger afterwards either.
    await database_sync_to_async(services.message_send)(
        user=chat["client"], conversation_id=chat["conversation"].pk, client_id=uuid.uuid4(), body="secret"
    )
    assert [f for f in await drain(comm) if f["type"] == "message"] == []
    await comm.disconnect()


async def test_posting_in_someone_elses_conversation_is_refused(chat):
    stranger = await database_sync_to_async(UserFactory)()
    comm = await open_socket(await database_sync_to_async(session_cookie_for)(stranger))

    await comm.send_json_to(
        {"type": "send", "conversation": chat["conversation"].pk, "client_id": str(uuid.uuid4()), "body": "Hop"}
    )
    error = await receive_until(comm, "error")

    assert error["code"] == "not_found"
    assert await message_count() == 0
    await comm.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("pas du json", "bad_json"),
        ("[" * 30_000 + "]" * 30_000, "bad_json"),
        ('{"type": "ping", "pad": ' + "[" * 40 + "]" * 40 + "}", "bad_json"),
        ('{"type": "ping", "pad": NaN}', "bad_json"),
        ("[1, 2]", "bad_frame"),
        ('{"no": "type"}', "bad_frame"),
        ('{"type": "explode"}', "unknown_type"),
        ('{"type": "send"}', "missing_field"),
        ('{"type": "send", "conversation": "1", "client_id": "x", "body": "x"}', "missing_field"),
        ('{"type": "subscribe", "conversation": -4}', "missing_field"),
        ('{"type": "read", "conversation": 1}', "missing_field"),
    ],
)
async def test_malformed_frames_get_an_error_and_the_socket_stays_usable(chat, frame, code):
    comm = await open_socket(chat["cookie"])

    await comm.send_to(text_data=frame)
    error = await receive_until(comm, "error")
    assert error["code"] == code
    assert error["message"]

    await comm.send_json_to({"type": "ping"})
    assert await receive_until(comm, "pong") == {"type": "pong"}
    assert await message_count() == 0
    await comm.disconnect()


async def test_oversized_frame_is_refused_and_the_socket_stays_usable(chat):
    comm = await open_socket(chat["cookie"])
    await comm.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * 70_000}))
    assert (await receive_until(comm, "error"))["code"] == "too_large"
    await comm.send_json_to({"type": "ping"})
    assert (await receive_until(comm, "pong"))["type"] == "pong"
    await comm.disconnect()


async def test_binary_frame_is_refused(chat):
    comm = await open_socket(chat["cookie"])
    await comm.send_to(bytes_data=b"\x00\x01")
    assert (await receive_until(comm, "error"))["code"] == "bad_frame"
    await comm.disconnect()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("x" * 5001, "Le message dépasse 5000 caractères."),
        ("", "Le message est vide."),
        ("   \n\t  ", "Le message est vide."),
    ],
)
async def test_too_long_empty_or_blank_message_is_refused(chat, body, message):
    comm = await open_socket(chat["cookie"])
    client_id = str(uuid.uuid4())
    await comm.send_json_to(
        {"type": "send", "conversation": chat["conversation"].pk, "client_id": client_id, "body": body}
    )
    error = await receive_until(comm, "error")
    assert error["code"] == "invalid"
    assert error["message"] == message
    assert error["client_id"] == client_id
    assert await message_count() == 0
    await comm.disconnect()


async def test_message_of_exactly_5000_characters_is_accepted(chat):
    comm = await open_socket(chat["cookie"])
    await comm.send_json_to(
        {"type": "send", "conversation": chat["conversation"].pk, "client_id": str(uuid.uuid4()), "body": "é" * 5000}
    )
    await receive_until(comm, "ack")
    assert await message_count() == 1
    await comm.disconnect()


async def test_more_than_20_messages_in_10_seconds_gets_slow_down(chat):
    comm = await open_socket(chat["cookie"])
    conv = chat["conversation"].pk
    for i in range(20):
        await comm.send_json_to({"type": "send", "conversation": conv, "client_id": str(uuid.uuid4()), "body": f"n{i}"})
        await receive_until(comm, "ack")

    await comm.send_json_to(
        {"type": "send", "conversation": conv, "client_id": str(uuid.uuid4()), "body": "un de trop"}
    )
    error = await receive_until(comm, "error")

    assert error["code"] == "slow_down"
    assert error["message"].startswith("Doucement !")
    assert await message_count() == 20
    await comm.disconnect()


async def test_script_and_html_in_a_message_arrive_as_text(chat):
    comm = await open_socket(chat["cookie"])
    conv = chat["conversation"].pk
    await comm.send_json_to({"type": "subscribe", "conversation": conv, "after": 0})
    body = "<script>alert(1)</script><img src=x onerror=alert(2)> voir https://exemple.qc.ca/devis?a=1&b=2"
    await comm.send_json_to({"type": "send", "conversation": conv, "client_id": str(uuid.uuid4()), "body": body})

    message = (await receive_until(comm, "message"))["message"]

    assert message["body"] == body
    html = message["body_html"]
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert (
        '<a target="_blank" rel="noopener noreferrer nofollow" href="https://exemple.qc.ca/devis?a=1&amp;b=2">' in html
    )
    await comm.disconnect()


async def test_blocked_users_messages_are_refused_both_ways(chat):
    conv = chat["conversation"].pk
    await database_sync_to_async(services.user_block)(user=chat["freelancer"], blocked_user_id=chat["client"].pk)
    comm = await open_socket(chat["cookie"])

    await comm.send_json_to({"type": "send", "conversation": conv, "client_id": str(uuid.uuid4()), "body": "Allô ?"})
    error = await receive_until(comm, "error")

    assert error["code"] == "forbidden"
    assert error["message"] == "Vous ne pouvez plus écrire dans cette conversation : un blocage est en place."
    assert await message_count() == 0
    # History stays readable: subscribing still works.
    await comm.send_json_to({"type": "subscribe", "conversation": conv, "after": 0})
    assert (await receive_until(comm, "subscribed"))["conversation"] == conv
    await comm.disconnect()


async def test_staff_can_read_but_not_write(chat):
    staff = await database_sync_to_async(UserFactory)(is_staff=True)
    comm = await open_socket(await database_sync_to_async(session_cookie_for)(staff))
    conv = chat["conversation"].pk

    await comm.send_json_to({"type": "subscribe", "conversation": conv, "after": 0})
    subscribed = await receive_until(comm, "subscribed")
    await comm.send_json_to(
        {"type": "send", "conversation": conv, "client_id": str(uuid.uuid4()), "body": "Modération"}
    )
    error = await receive_until(comm, "error")

    assert subscribed["read_only"] is True
    assert error["code"] == "not_found"
    assert await message_count() == 0
    await comm.disconnect()


async def test_client_id_that_is_not_a_uuid_is_refused(chat):
    comm = await open_socket(chat["cookie"])
    await comm.send_json_to({"type": "send", "conversation": chat["conversation"].pk, "client_id": "abc", "body": "x"})
    error = await receive_until(comm, "error")
    assert error["code"] == "invalid"
    assert error["message"] == "Identifiant de message invalide (UUID attendu)."
    assert await message_count() == 0
    await comm.disconnect()


async def test_a_send_that_fails_on_the_server_names_its_client_id_and_the_socket_stays_usable(chat, monkeypatch):
    def broken_send(outgoing):
        raise RuntimeError("an unexpected fault")

    # The socket saves its sends in batches, through the one write path.
    monkeypatch.setattr(services, "messages_send", broken_send)
    comm = await open_socket(chat["cookie"])
    client_id = str(uuid.uuid4())

    await comm.send_json_to(
        {"type": "send", "conversation": chat["conversation"].pk, "client_id": client_id, "body": "Allô"}
    )
    error = await receive_until(comm, "error")

    assert error["code"] == "server_error"
    assert error["client_id"] == client_id
    assert error["conversation"] == chat["conversation"].pk
    await comm.send_json_to({"type": "ping"})
    assert await receive_until(comm, "pong") == {"type": "pong"}
    await comm.disconnect()


async def test_a_send_with_a_missing_field_names_its_client_id(chat):
    comm = await open_socket(chat["cookie"])
    client_id = str(uuid.uuid4())

    await comm.send_json_to({"type": "send", "conversation": chat["conversation"].pk, "client_id": client_id})
    error = await receive_until(comm, "error")

    assert error["code"] == "missing_field"
    assert error["client_id"] == client_id
    await comm.disconnect()
