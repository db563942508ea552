"""The /ws/ socket on the real Redis channel layer: delivery, ordering, idempotency, read receipts, typing."""

import json
import uuid

import pytest
from channels.db import database_sync_to_async

from messaging import services
from messaging.models import Message
from projects import events as project_events
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
        "client_cookie": session_cookie_for(client),
        "freelancer_cookie": session_cookie_for(freelancer),
    }


async def open_socket(cookie):
    comm = communicator(cookie)
    connected, _ = await comm.connect()
    assert connected
    first = json.loads(await comm.receive_from())
    assert first["type"] == "unread"
    return comm


async def subscribe(comm, conversation_id, after=0):
    await comm.send_json_to({"type": "subscribe", "conversation": conversation_id, "after": after})
    return await receive_until(comm, "subscribed")


@pytest.mark.embedded
async def test_message_sent_on_one_socket_reaches_the_other_with_an_ack(chat):
    conv = chat["conversation"].pk
    client = await open_socket(chat["client_cookie"])
    freelancer = await open_socket(chat["freelancer_cookie"])
    await subscribe(client, conv)
    await subscribe(freelancer, conv)

    client_id = str(uuid.uuid4())
    await client.send_json_to({"type": "send", "conversation": conv, "client_id": client_id, "body": "Bonjour !"})

    ack = await receive_until(client, "ack")
    received = await receive_until(freelancer, "message")
    saved = await database_sync_to_async(Message.objects.get)(client_id=client_id)
    assert ack == {"type": "ack", "client_id": client_id, "id": saved.pk, "conversation": conv}
    assert received["message"]["id"] == saved.pk
    assert received["message"]["body"] == "Bonjour !"
    assert received["message"]["sender"] == chat["client"].pk
    assert received["message"]["conversation"] == conv
    unread = await receive_until(freelancer, "unread")
    assert unread["total"] == 1
    assert unread["conversations"] == {str(conv): 1}
    await client.disconnect()
    await freelancer.disconnect()


@pytest.mark.embedded
async def test_resending_the_same_client_id_never_creates_a_second_message(chat):
    conv = chat["conversation"].pk
    client = await open_socket(chat["client_cookie"])
    freelancer = await open_socket(chat["freelancer_cookie"])
    await subscribe(client, conv)
    await subscribe(freelancer, conv)
    client_id = str(uuid.uuid4())
    frame = {"type": "send", "conversation": conv, "client_id": client_id, "body": "Une seule fois"}

    await client.send_json_to(frame)
    first = await receive_until(client, "ack")
    await client.send_json_to(frame)
    second = await receive_until(client, "ack")

    assert first["id"] == second["id"]
    assert await database_sync_to_async(Message.objects.filter(client_id=client_id).count)() == 1
    delivered = [f for f in await drain(freelancer) if f["type"] == "message"]
    assert [f["message"]["id"] for f in delivered] == [first["id"]]
    await client.disconnect()
    await freelancer.disconnect()


@pytest.mark.embedded
async def test_client_id_reused_for_different_content_is_refused(chat):
    conv = chat["conversation"].pk
    client = await open_socket(chat["client_cookie"])
    client_id = str(uuid.uuid4())
    await client.send_json_to({"type": "send", "conversation": conv, "client_id": client_id, "body": "Premier"})
    await receive_until(client, "ack")

    await client.send_json_to({"type": "send", "conversation": conv, "client_id": client_id, "body": "Autre chose"})
    error = await receive_until(client, "error")

    assert error["code"] == "conflict"
    assert error["message"] == "Cet identifiant de message a déjà servi pour un autre contenu."
    assert error["client_id"] == client_id
    bodies = await database_sync_to_async(lambda: list(Message.objects.values_list("body", flat=True)))()
    assert bodies == ["Premier"]
    await client.disconnect()


@pytest.mark.embedded
async def test_subscribe_with_after_returns_every_missed_message_in_order_then_live_ones(chat):
    conv = chat["conversation"]

    @database_sync_to_async
    def send_three():
        return [
            services.message_send(
                user=chat["freelancer"], conversation_id=conv.pk, client_id=uuid.uuid4(), body=f"m{i}"
            )[0].pk
            for i in range(3)
        ]

    ids = await send_three()
    client = await open_socket(chat["client_cookie"])
    await subscribe(client, conv.pk, after=ids[0])
    caught_up = [f for f in await drain(client) if f["type"] == "message"]
    assert [f["message"]["id"] for f in caught_up] == ids[1:]

    await client.send_json_to({"type": "send", "conversation": conv.pk, "client_id": str(uuid.uuid4()), "body": "live"})
    live = await receive_until(client, "message")
    assert live["message"]["body"] == "live"
    assert live["message"]["id"] > ids[-1]
    await client.disconnect()


@pytest.mark.embedded
async def test_read_frame_sends_vu_to_the_sender_and_updates_the_readers_unread_count(chat):
    conv = chat["conversation"].pk
    client = await open_socket(chat["client_cookie"])
    freelancer = await open_socket(chat["freelancer_cookie"])
    await subscribe(client, conv)
    await subscribe(freelancer, conv)
    await freelancer.send_json_to(
        {"type": "send", "conversation": conv, "client_id": str(uuid.uuid4()), "body": "Allô"}
    )
    message = await receive_until(client, "message")
    assert (await receive_until(client, "unread"))["total"] == 1

    await client.send_json_to({"type": "read", "conversation": conv, "up_to": message["message"]["id"]})

    seen = await receive_until(freelancer, "read")
    assert seen == {"type": "read", "conversation": conv, "user": chat["client"].pk, "up_to": message["message"]["id"]}
    unread = await receive_until(client, "unread")
    assert unread["total"] == 0
    await client.disconnect()
    await freelancer.disconnect()


@pytest.mark.embedded
async def test_typing_reaches_the_other_participant_only(chat):
    conv = chat["conversation"].pk
    client = await open_socket(chat["client_cookie"])
    freelancer = await open_socket(chat["freelancer_cookie"])
    await subscribe(client, conv)
    await subscribe(freelancer, conv)

    await client.send_json_to({"type": "typing", "conversation": conv})

    assert await receive_until(freelancer, "typing") == {
        "type": "typing",
        "conversation": conv,
        "user": chat["client"].pk,
    }
    assert [f for f in await drain(client) if f["type"] == "typing"] == []
    await client.disconnect()
    await freelancer.disconnect()


async def test_quote_and_notification_events_reach_the_members_sockets(chat):
    from notifications.models import NotificationKind
    from notifications.services import notify
    from projects.models import Quote

    client = await open_socket(chat["client_cookie"])
    freelancer = await open_socket(chat["freelancer_cookie"])
    quote = await database_sync_to_async(lambda: Quote.objects.select_related("project").get())()

    await database_sync_to_async(project_events.quote_changed)(quote)
    for comm in (client, freelancer):
        frame = await receive_until(comm, "quote")
        assert frame["project"] == quote.project_id
        assert frame["quote"] == quote.pk
        assert frame["status"] == "pending"
        assert frame["status_label"] == "En attente"

    await database_sync_to_async(notify)(
        recipient=chat["client"],
        kind=NotificationKind.QUOTE_RECEIVED,
        params={"title": "Logo", "name": "Julie"},
        url="/x/",
    )
    frame = await receive_until(client, "notification")
    assert frame["notification"]["title"] == "Nouvelle soumission pour « Logo »"
    assert frame["notification"]["body"] == "Julie vous a envoyé une soumission."
    assert frame["unread"] == 1
    await client.disconnect()
    await freelancer.disconnect()


@pytest.mark.embedded
async def test_both_sides_sending_at_once_each_socket_gets_every_message_once_in_order(chat):
    conv = chat["conversation"].pk
    client = await open_socket(chat["client_cookie"])
    freelancer = await open_socket(chat["freelancer_cookie"])
    await subscribe(client, conv)
    await subscribe(freelancer, conv)

    for i in range(8):
        await client.send_json_to(
            {"type": "send", "conversation": conv, "client_id": str(uuid.uuid4()), "body": f"c{i}"}
        )
        await freelancer.send_json_to(
            {"type": "send", "conversation": conv, "client_id": str(uuid.uuid4()), "body": f"f{i}"}
        )
    client_frames = await drain(client, timeout=1.0)
    freelancer_frames = await drain(freelancer, timeout=1.0)

    saved = await database_sync_to_async(lambda: list(Message.objects.order_by("id").values_list("id", flat=True)))()
    assert len(saved) == 16
    for frames in (client_frames, freelancer_frames):
        assert [f["message"]["id"] for f in frames if f["type"] == "message"] == saved
    await client.disconnect()
    await freelancer.disconnect()


@pytest.mark.embedded
async def test_sends_waiting_together_in_the_process_are_saved_together_and_each_is_acked(monkeypatch):
    pairs = [await database_sync_to_async(conversation_with_quote)() for _ in range(4)]
    sockets = []
    for conversation, client, freelancer in pairs:
        for member in (client, freelancer):
            comm = await open_socket(await database_sync_to_async(session_cookie_for)(member))
            await subscribe(comm, conversation.pk)
            sockets.append((comm, conversation.pk))
    batch_sizes = []
    send_batch = services.messages_send

    def recording_send(outgoing):  # the real write path, counting what it was handed at once
        batch_sizes.append(len(outgoing))
        return send_batch(outgoing)

    monkeypatch.setattr(services, "messages_send", recording_send)

    client_ids = {}
    for comm, conversation_id in sockets:
        client_ids[comm] = str(uuid.uuid4())
        await comm.send_json_to(
            {"type": "send", "conversation": conversation_id, "client_id": client_ids[comm], "body": "Bonjour"}
        )
    acks = {comm: await receive_until(comm, "ack", timeout=5) for comm, _conversation_id in sockets}

    assert {comm: ack["client_id"] for comm, ack in acks.items()} == client_ids
    assert sum(batch_sizes) == 8
    assert len(batch_sizes) < 8  # sends that arrived while one was being saved went together
    saved = await database_sync_to_async(lambda: sorted(Message.objects.values_list("client_id", flat=True)))()
    assert sorted(uuid.UUID(c) for c in client_ids.values()) == saved
    for comm, _conversation_id in sockets:
        await comm.disconnect()


@pytest.mark.embedded
def test_chat_over_real_sockets_of_the_served_application_delivers_acks_and_reads(chat, asgi_server):
    """Two browsers' sockets on the application served by uvicorn (as `make run` serves it in the embedded pass)."""
    import asyncio

    import websockets

    conv = chat["conversation"].pk
    url = asgi_server.url.replace("http", "ws") + "/ws/"

    async def connect(cookie):
        ws = await websockets.connect(url, origin=asgi_server.url, additional_headers={"Cookie": cookie})
        await ws.send(json.dumps({"type": "subscribe", "conversation": conv, "after": 0}))
        await next_frame(ws, "subscribed")
        return ws

    async def next_frame(ws, frame_type):
        async with asyncio.timeout(10):
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == frame_type:
                    return frame

    async def scenario():
        client = await connect(chat["client_cookie"])
        freelancer = await connect(chat["freelancer_cookie"])
        client_id = str(uuid.uuid4())
        await client.send(json.dumps({"type": "send", "conversation": conv, "client_id": client_id, "body": "Salut !"}))
        ack = await next_frame(client, "ack")
        received = await next_frame(freelancer, "message")
        badge = await next_frame(freelancer, "unread")
        await freelancer.send(json.dumps({"type": "read", "conversation": conv, "up_to": received["message"]["id"]}))
        seen = await next_frame(client, "read")
        await client.close()
        await freelancer.close()
        return client_id, ack, received, badge, seen

    client_id, ack, received, badge, seen = asyncio.run(scenario())

    saved = Message.objects.get()
    assert (saved.client_id, saved.sender_id, saved.body) == (uuid.UUID(client_id), chat["client"].pk, "Salut !")
    assert ack == {"type": "ack", "client_id": client_id, "id": saved.pk, "conversation": conv}
    assert (received["message"]["id"], received["message"]["body"]) == (saved.pk, "Salut !")
    assert (badge["total"], badge["conversations"]) == (1, {str(conv): 1})
    assert seen == {"type": "read", "conversation": conv, "user": chat["freelancer"].pk, "up_to": saved.pk}
