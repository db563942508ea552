import uuid

import pytest
from django.urls import reverse

from messaging import privacy as messaging_privacy
from messaging import services

from .factories import conversation_with_quote

pytestmark = pytest.mark.django_db


def test_an_erased_members_messages_read_message_efface_and_the_other_side_keeps_theirs(client):
    conversation, owner, freelancer = conversation_with_quote()
    services.message_send(
        user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Mon numéro : 418 555-0199"
    )
    services.message_send(
        user=owner, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Merci, je vous appelle."
    )

    messaging_privacy.erase(user=freelancer)

    client.force_login(owner)
    html = client.get(reverse("conversation-detail", args=[conversation.pk])).content.decode()
    assert "Message effacé" in html
    assert "418 555-0199" not in html
    assert "Merci, je vous appelle." in html
