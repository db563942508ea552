"""A new bulletin post reaches the other members' open sockets (the `bulletin` frame), never a blocked one."""

import json

import pytest
from channels.db import database_sync_to_async

from community import services
from community.models import GroupRole
from messaging.models import Block
from tests.factories import GroupFactory, GroupMembershipFactory, UserFactory
from tests.messaging.conftest import redis_layer  # noqa: F401
from tests.messaging.helpers import communicator, drain, receive_until, session_cookie_for

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


def _group_with(names):
    group = GroupFactory(name="Pigistes du Kamouraska")
    members = []
    for index, name in enumerate(names):
        role = GroupRole.ORGANISER if index == 0 else GroupRole.MEMBER
        members.append(GroupMembershipFactory(group=group, member=UserFactory(name=name), role=role).member)
    return group, members


async def _socket(user):
    socket = communicator(await database_sync_to_async(session_cookie_for)(user))
    connected, _ = await socket.connect()
    assert connected
    return socket


async def test_a_new_post_appears_on_the_other_members_sockets_with_their_unread_count():
    group, (julie, marc, troll) = await database_sync_to_async(_group_with)(["Julie", "Marc", "Troll"])
    await database_sync_to_async(Block.objects.create)(blocker=marc, blocked=troll)
    marc_socket, troll_socket = await _socket(marc), await _socket(troll)
    assert (await receive_until(marc_socket, "unread"))["groups"] == 0
    await receive_until(troll_socket, "unread")

    post = await database_sync_to_async(services.bulletin_post_create)(
        user=julie, group_id=group.pk, body="<script>x()</script> Atelier jeudi"
    )
    frame = await receive_until(marc_socket, "bulletin")
    troll_frames = await drain(troll_socket, timeout=0.5)

    assert frame["group"] == group.pk
    assert frame["unread_groups"] == 1
    assert frame["post"]["id"] == post.pk
    assert frame["post"]["author"] == {"id": julie.pk, "name": "Julie"}
    assert frame["post"]["body"] == "<script>x()</script> Atelier jeudi"
    assert frame["post"]["body_html"] == "<p>&lt;script&gt;x()&lt;/script&gt; Atelier jeudi</p>"
    # Troll blocked nobody, but Marc blocked Troll: Troll still sees Julie's post.
    assert [f["type"] for f in troll_frames] == ["bulletin"]

    # Marc's post never reaches Troll (a block stands between them).
    await database_sync_to_async(services.bulletin_post_create)(user=marc, group_id=group.pk, body="Je viens")
    assert [f for f in await drain(troll_socket, timeout=0.5) if f["type"] == "bulletin"] == []

    # Reading the board sends Marc's tabs the new count.
    await database_sync_to_async(services.bulletin_mark_read)(user=marc, group_id=group.pk)
    unread = await receive_until(marc_socket, "unread")
    assert unread == {"type": "unread", "groups": 0}
    await marc_socket.disconnect()
    await troll_socket.disconnect()


async def test_the_connect_frame_counts_unread_posts():
    group, (julie, marc) = await database_sync_to_async(_group_with)(["Julie", "Marc"])
    for body in ("Un", "Deux"):
        await database_sync_to_async(services.bulletin_post_create)(user=julie, group_id=group.pk, body=body)

    socket = await _socket(marc)
    first = json.loads(await socket.receive_from())
    await socket.disconnect()

    assert first["type"] == "unread" and first["groups"] == 2
