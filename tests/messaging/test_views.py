"""Inbox, conversation page, opening a conversation, notifications: what members see."""

import uuid

import pytest
from django.urls import reverse

from messaging import services
from messaging.models import Conversation
from notifications.models import Notification, NotificationKind
from notifications.services import notify
from tests.factories import FreelancerProfileFactory, ProjectFactory, UserFactory
from tests.messaging.factories import conversation_with_quote

pytestmark = pytest.mark.django_db


def test_inbox_lists_conversations_by_last_activity_with_person_project_last_message_and_unread(client):
    older, owner, first_freelancer = conversation_with_quote(title="Logo pour une microbrasserie")
    newer, _owner, second_freelancer = conversation_with_quote(owner=owner, title="Site pour un gîte")
    services.message_send(
        user=first_freelancer, conversation_id=older.pk, client_id=uuid.uuid4(), body="Bonjour du premier"
    )
    services.message_send(
        user=second_freelancer, conversation_id=newer.pk, client_id=uuid.uuid4(), body="Bonjour du second"
    )
    services.message_send(user=second_freelancer, conversation_id=newer.pk, client_id=uuid.uuid4(), body="Encore moi")
    client.force_login(owner)

    page = client.get(reverse("conversation-list")).content.decode()

    assert page.index("Site pour un gîte") < page.index("Logo pour une microbrasserie")
    assert second_freelancer.public_name in page
    assert "Encore moi" in page
    assert f'data-live-conversation-badge="{newer.pk}" data-count="2"' in page
    assert f'data-live-conversation-badge="{older.pk}" data-count="1"' in page


def test_inbox_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    owner = UserFactory()
    for _ in range(8):
        conversation, _owner, freelancer = conversation_with_quote(owner=owner)
        services.message_send(user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="allô")
    client.force_login(owner)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("conversation-list")).status_code == 200


def test_conversation_page_shows_html_as_text_and_links_clickable(client):
    conversation, owner, freelancer = conversation_with_quote()
    services.message_send(
        user=freelancer,
        conversation_id=conversation.pk,
        client_id=uuid.uuid4(),
        body="<b>gras</b><script>alert('x')</script> https://pigiste.example/portfolio",
    )
    client.force_login(owner)

    page = client.get(reverse("conversation-detail", args=[conversation.pk])).content.decode()

    assert "&lt;b&gt;gras&lt;/b&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert 'href="https://pigiste.example/portfolio"' in page


def test_conversation_page_is_404_for_strangers_and_read_only_for_staff(client):
    conversation, _owner, _freelancer = conversation_with_quote()
    client.force_login(UserFactory())
    assert client.get(reverse("conversation-detail", args=[conversation.pk])).status_code == 404

    client.force_login(UserFactory(is_staff=True))
    page = client.get(reverse("conversation-detail", args=[conversation.pk])).content.decode()
    assert "Lecture seule (modération)." in page
    assert "data-chat-form" not in page


@pytest.mark.embedded
def test_form_post_without_javascript_sends_the_message(client):
    conversation, owner, _freelancer = conversation_with_quote()
    client.force_login(owner)
    url = reverse("conversation-detail", args=[conversation.pk])
    response = client.post(url, {"client_id": str(uuid.uuid4()), "body": "Sans JavaScript"})
    assert response.status_code == 302
    assert "Sans JavaScript" in client.get(url).content.decode()


def test_open_from_a_profile_with_a_project_chosen_redirects_to_the_conversation_ready_to_write(client):
    project = ProjectFactory()
    freelancer = FreelancerProfileFactory().user
    client.force_login(project.owner)

    response = client.post(reverse("conversation-open"), {"project": project.pk, "with_user": freelancer.pk})

    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("conversation-detail", args=[conversation.pk]) + "?ecrire=1"
    assert (conversation.project, conversation.client, conversation.freelancer) == (project, project.owner, freelancer)


def test_open_refused_shows_the_reason_and_creates_nothing(client):
    project = ProjectFactory()
    client.force_login(FreelancerProfileFactory().user)
    response = client.post(
        reverse("conversation-open"), {"project": project.pk, "with_user": UserFactory().pk}, follow=True
    )
    assert "Une conversation réunit le client du projet et un pigiste." in response.content.decode()
    assert Conversation.objects.count() == 0


def test_block_button_blocks_and_the_page_says_so(client):
    conversation, owner, _freelancer = conversation_with_quote()
    client.force_login(owner)
    client.post(reverse("conversation-block", args=[conversation.pk]), {"action": "block"})
    page = client.get(reverse("conversation-detail", args=[conversation.pk])).content.decode()
    assert "Un blocage est en place" in page
    assert "data-chat-form" not in page
    assert "Débloquer" in page


def test_header_links_show_unread_counts(client):
    conversation, owner, freelancer = conversation_with_quote()
    services.message_send(user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="a")
    notify(recipient=owner, kind=NotificationKind.QUOTE_RECEIVED, params={"title": "Logo", "name": "Julie"}, url="/")
    from django.template import engines
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = owner
    html = (
        engines["django"]
        .from_string('{% include "messaging/includes/header_links.html" %}')
        .render({"request": request, "user": owner}, request)
    )
    assert 'data-live-badge="messages" data-count="1"' in html
    assert 'data-live-badge="notifications" data-count="1"' in html


def test_notifications_page_lists_them_and_opening_one_marks_it_read(client):
    owner = UserFactory()
    notification = notify(
        recipient=owner,
        kind=NotificationKind.QUOTE_RECEIVED,
        params={"title": "Site de la fromagerie", "name": "Julie"},
        url="/projets/1/",
    )
    client.force_login(owner)

    page = client.get(reverse("notification-list")).content.decode()
    response = client.post(reverse("notification-read", args=[notification.pk]), {"next": notification.url})

    assert "Nouvelle soumission pour « Site de la fromagerie »" in page
    assert "Julie vous a envoyé une soumission." in page
    assert response["Location"] == "/projets/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_notification_open_never_redirects_off_site(client):
    owner = UserFactory()
    notification = notify(recipient=owner, kind=NotificationKind.QUOTE_RECEIVED, params={"title": "x", "name": "y"})
    client.force_login(owner)
    response = client.post(reverse("notification-read", args=[notification.pk]), {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("notification-list")


def test_mark_all_notifications_read(client):
    owner = UserFactory()
    for i in range(3):
        notify(recipient=owner, kind=NotificationKind.QUOTE_RECEIVED, params={"title": f"n{i}", "name": "y"})
    client.force_login(owner)
    client.post(reverse("notification-list"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
