"""Ids past 999 reach the page's scripts as plain numbers, never "1 478"."""

import uuid

import pytest
from django.urls import reverse

from messaging import services
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_chat_page_gives_its_script_ids_without_thousands_separators(client):
    owner = UserFactory(id=12_478)
    freelancer = FreelancerProfileFactory(user=UserFactory(id=12_479)).user
    project = ProjectFactory(id=4_321, owner=owner)
    QuoteFactory(project=project, freelancer=freelancer)
    conversation, _created = services.conversation_open(user=owner, project_id=project.pk, with_user_id=freelancer.pk)
    services.message_send(user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Bonjour")

    client.force_login(freelancer)
    html = client.get(reverse("conversation-detail", args=[conversation.pk])).content.decode()

    assert 'data-me="12479"' in html
    assert 'data-other="12478"' in html
    assert 'data-user="12479"' in html
