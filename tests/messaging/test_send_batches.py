"""Sending in batches: the chat socket hands every waiting send of its process to one transaction.

Each message keeps the rules it would have alone; a refusal never holds the others back.
"""

import datetime
import uuid

import pytest
from django.utils import timezone

from marketplace.common.errors import Conflict, NotFound, PermissionDenied, RateLimited, ValidationFailed
from messaging import selectors, services
from messaging.models import Block, Conversation, Message, Participant
from messaging.services import OutgoingMessage
from tests.factories import UserFactory
from tests.messaging.factories import conversation_with_quote

pytestmark = pytest.mark.django_db


def outgoing(user, conversation, body="Bonjour", client_id=None):
    return OutgoingMessage(user=user, conversation_id=conversation.pk, client_id=client_id or uuid.uuid4(), body=body)


@pytest.mark.embedded
def test_a_batch_across_conversations_is_saved_with_a_fixed_number_of_statements(django_assert_num_queries):
    pairs = [conversation_with_quote() for _ in range(5)]
    batch = [
        outgoing(sender, conversation) for conversation, client, freelancer in pairs for sender in (client, freelancer)
    ]

    # The savepoint, the locked read with the rules' inputs, the inserts, the conversations' last message,
    # the senders' read marks, the recipients' counts, the release: as many for ten messages as for one.
    with django_assert_num_queries(7):
        results = services.messages_send(batch)

    assert [created for _message, created in results] == [True] * 10
    assert Message.objects.count() == 10
    for conversation, client, freelancer in pairs:
        conversation.refresh_from_db()
        ids = list(conversation.messages.values_list("pk", flat=True))
        assert conversation.last_message_id == ids[-1]
        assert [m.sender_id for m in conversation.messages.all()] == [client.pk, freelancer.pk]


@pytest.mark.embedded
def test_a_refused_message_does_not_hold_back_the_others_in_its_batch():
    conversation, client, freelancer = conversation_with_quote()
    stranger = UserFactory()

    results = services.messages_send(
        [
            outgoing(client, conversation, "Premier"),
            outgoing(client, conversation, "   "),
            outgoing(stranger, conversation, "Je m'invite"),
            OutgoingMessage(user=client, conversation_id=conversation.pk, client_id="pas-un-uuid", body="x"),
            outgoing(freelancer, conversation, "Réponse"),
        ]
    )

    assert isinstance(results[1], ValidationFailed) and str(results[1]) == "Le message est vide."
    assert isinstance(results[2], NotFound) and str(results[2]) == "Cette conversation n'existe pas."
    assert isinstance(results[3], ValidationFailed) and results[3].field == "client_id"
    assert [results[0][0].body, results[4][0].body] == ["Premier", "Réponse"]
    assert list(Message.objects.values_list("body", flat=True)) == ["Premier", "Réponse"]


@pytest.mark.embedded
def test_two_members_of_one_conversation_in_one_batch_each_read_up_to_their_own_message():
    conversation, client, freelancer = conversation_with_quote()

    results = services.messages_send(
        [
            outgoing(client, conversation, "un"),
            outgoing(freelancer, conversation, "deux"),
            outgoing(client, conversation, "trois"),
        ]
    )

    first, second, third = (message for message, _created in results)
    # Each message knows the one before it in its conversation: the sockets' gap detector.
    assert [first.previous_id, second.previous_id, third.previous_id] == [0, first.pk, second.pk]
    marks = dict(Participant.objects.values_list("user_id", "last_read_id"))
    assert marks == {client.pk: third.pk, freelancer.pk: second.pk}
    # The freelancer has the client's last message to read; the client has read the reply by answering it.
    assert selectors.unread_counts(user_id=freelancer.pk, conversation_id=conversation.pk)["total"] == 1
    assert selectors.unread_counts(user_id=client.pk, conversation_id=conversation.pk)["total"] == 0
    assert third.recipient_unread == {
        freelancer.pk: {"total": 1, "notifications": 0, "conversations": {str(conversation.pk): 1}}
    }


@pytest.mark.embedded
def test_a_batch_moves_each_row_to_its_own_values_and_never_a_read_mark_backwards():
    (first, client_a, freelancer_a), (second, client_b, freelancer_b) = (conversation_with_quote() for _ in range(2))
    untouched, client_c, freelancer_c = conversation_with_quote()
    # A mark ahead of anything sent (set by hand: the send's own rule keeps it where it is).
    Participant.objects.filter(conversation=second, user=client_b).update(last_read_id=10**12)
    untouched_at = Conversation.objects.get(pk=untouched.pk).updated_at

    results = services.messages_send(
        [outgoing(client_a, first, "un"), outgoing(client_b, second, "deux"), outgoing(freelancer_a, first, "trois")]
    )

    un, deux, trois = (message for message, _created in results)
    marks = {(p.conversation_id, p.user_id): p.last_read_id for p in Participant.objects.all()}
    assert marks == {
        (first.pk, client_a.pk): un.pk,
        (first.pk, freelancer_a.pk): trois.pk,
        (second.pk, client_b.pk): 10**12,
        (second.pk, freelancer_b.pk): 0,
        (untouched.pk, client_c.pk): 0,
        (untouched.pk, freelancer_c.pk): 0,
    }
    for conversation, last in ((first, trois), (second, deux)):
        conversation.refresh_from_db()
        assert (conversation.last_message_id, conversation.last_activity_at) == (last.pk, last.created_at)
    untouched.refresh_from_db()
    assert (untouched.last_message_id, untouched.updated_at) == (0, untouched_at)


@pytest.mark.embedded
def test_the_same_client_id_twice_in_one_batch_is_saved_once_and_other_content_under_it_is_refused():
    conversation, client, _freelancer = conversation_with_quote()
    client_id = uuid.uuid4()

    results = services.messages_send(
        [
            outgoing(client, conversation, "Une fois", client_id),
            outgoing(client, conversation, "Une fois", client_id),
            outgoing(client, conversation, "Autre chose", client_id),
        ]
    )

    (saved, created), (again, created_again), refused = results
    assert (created, created_again, again.pk) == (True, False, saved.pk)
    assert isinstance(refused, Conflict)
    assert Message.objects.count() == 1


@pytest.mark.embedded
def test_a_resend_of_a_saved_message_in_a_batch_gets_the_saved_one_and_the_others_are_saved():
    conversation, client, freelancer = conversation_with_quote()
    client_id = uuid.uuid4()
    saved, _created = services.message_send(
        user=client, conversation_id=conversation.pk, client_id=client_id, body="Déjà là"
    )

    results = services.messages_send(
        [outgoing(freelancer, conversation, "Nouveau"), outgoing(client, conversation, "Déjà là", client_id)]
    )

    assert results[0][1] is True and results[0][0].body == "Nouveau"
    assert (results[1][0].pk, results[1][1]) == (saved.pk, False)
    assert list(Message.objects.values_list("body", flat=True)) == ["Déjà là", "Nouveau"]


@pytest.mark.embedded
def test_the_rate_limit_counts_the_messages_earlier_in_the_same_batch():
    conversation, client, freelancer = conversation_with_quote()
    for i in range(services.RATE_LIMIT_MESSAGES - 1):
        services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body=f"m{i}")

    results = services.messages_send(
        [
            outgoing(client, conversation, "le dernier permis"),
            outgoing(client, conversation, "de trop"),
            outgoing(freelancer, conversation, "l'autre n'est pas limité"),
        ]  # fmt: skip
    )

    assert results[0][1] is True
    assert isinstance(results[1], RateLimited)
    assert results[2][1] is True


@pytest.mark.embedded
def test_messages_older_than_the_rate_limit_window_do_not_count():
    conversation, client, _freelancer = conversation_with_quote()
    for i in range(services.RATE_LIMIT_MESSAGES):
        services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body=f"m{i}")
    Message.objects.update(created_at=timezone.now() - services.RATE_LIMIT_WINDOW - datetime.timedelta(seconds=1))

    message, created = services.message_send(
        user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Après la pause"
    )

    assert created is True and message.body == "Après la pause"


@pytest.mark.embedded
def test_a_block_refuses_the_blocked_conversation_only():
    blocked_conversation, client, freelancer = conversation_with_quote()
    other_conversation, other_client, _other_freelancer = conversation_with_quote()
    Block.objects.create(blocker=freelancer, blocked=client)

    results = services.messages_send(
        [outgoing(client, blocked_conversation, "Allô ?"), outgoing(other_client, other_conversation, "Bonjour")]
    )

    assert isinstance(results[0], PermissionDenied)
    assert str(results[0]) == "Vous ne pouvez plus écrire dans cette conversation : un blocage est en place."
    assert results[1][1] is True
    assert list(Message.objects.values_list("body", flat=True)) == ["Bonjour"]


@pytest.mark.embedded
def test_each_recipient_gets_one_email_check_per_unread_streak(settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    conversation, client, _freelancer = conversation_with_quote()
    other_conversation, other_client, _other = conversation_with_quote()

    with django_capture_on_commit_callbacks(execute=True):
        services.messages_send(
            [
                outgoing(client, conversation, "un"),
                outgoing(client, conversation, "deux"),
                outgoing(other_client, other_conversation, "ailleurs"),
            ]  # fmt: skip
        )

    checks = DBTaskResult.objects.filter(task_path="messaging.tasks.email_unread_messages")
    assert sorted(c.args_kwargs["kwargs"]["conversation_id"] for c in checks) == sorted(
        [conversation.pk, other_conversation.pk]
    )
