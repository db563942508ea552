"""Chat times: one format per language, in the site's time zone, for the page and for chat.js alike."""

import datetime
import json
import re
import uuid

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from messaging import services
from messaging.models import Message
from messaging.templatetags.messaging_tags import chat_time, chat_time_spec
from tests.messaging.factories import conversation_with_quote

UTC = datetime.UTC

# Instants chosen around what goes wrong: evening in Toronto is the next day in UTC, summer time, midnight.
CASES = [
    (datetime.datetime(2026, 3, 4, 3, 30, tzinfo=UTC), "3 mars, 22 h 30", "Mar 3, 10:30 PM"),
    (datetime.datetime(2026, 7, 15, 16, 5, tzinfo=UTC), "15 juil., 12 h 05", "Jul 15, 12:05 PM"),
    (datetime.datetime(2026, 1, 1, 5, 0, tzinfo=UTC), "1 jan., 0 h 00", "Jan 1, 12:00 AM"),
    (datetime.datetime(2026, 6, 1, 13, 9, tzinfo=UTC), "1 juin, 9 h 09", "Jun 1, 9:09 AM"),
]


@pytest.mark.parametrize(("instant", "french", "english"), CASES)
def test_a_chat_time_reads_in_toronto_time_in_each_language(instant, french, english):
    with translation.override("fr-ca"):
        assert chat_time(instant) == french
    with translation.override("en"):
        assert chat_time(instant) == english


def test_chat_js_gets_the_same_format_words_and_time_zone():
    with translation.override("fr-ca"):
        french = chat_time_spec()
    with translation.override("en"):
        english = chat_time_spec()

    assert french["format"] == "j N, G \\h i"
    assert french["words"] == {
        "N": ["jan.", "fév.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
    }
    assert english["format"] == "M j, g:i A"
    assert english["words"]["M"][:3] == ["Jan", "Feb", "Mar"]
    assert english["words"]["A"] == ["AM", "PM"]
    assert french["time_zone"] == english["time_zone"] == "America/Toronto"


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_language_has_a_chat_time_format_chat_js_can_write(language):
    with translation.override(language):
        spec = chat_time_spec()  # raises for a character chat.js does not know
    assert spec["format"] != "CHAT_TIME_FORMAT"  # what get_format answers for a language without one


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [("fr-ca", "3 mars, 22 h 30"), ("en", "Mar 3, 10:30 PM")])
def test_the_conversation_page_and_the_inbox_write_times_that_way(client, language, expected):
    conversation, owner, freelancer = conversation_with_quote()
    message, _created = services.message_send(
        user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Bonsoir !"
    )
    Message.objects.filter(pk=message.pk).update(created_at=CASES[0][0])
    conversation.last_activity_at = CASES[0][0]
    conversation.save(update_fields=["last_activity_at"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(owner)

    page = client.get(reverse("conversation-detail", args=[conversation.pk])).content.decode()
    inbox = client.get(reverse("conversation-list")).content.decode()

    assert f'<time datetime="2026-03-03T22:30:00-05:00">{expected}</time>' in page
    assert f">{expected}</time>" in inbox
    spec = json.loads(re.search(r'<script id="chat-time-format" type="application/json">(.*?)</script>', page)[1])
    assert spec["time_zone"] == "America/Toronto"
