"""The collectives' notification texts, in French and in English."""

import pytest
from django.utils import translation

from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text

pytestmark = pytest.mark.embedded


@pytest.mark.parametrize(
    ("kind", "language", "title", "body"),
    [
        (
            NotificationKind.COLLECTIVE_INVITATION,
            "fr-ca",
            "Invitation à rejoindre « Atelier »",
            "Anne vous invite à rejoindre le collectif. Acceptez ou déclinez dans « Mes collectifs ».",
        ),
        (
            NotificationKind.COLLECTIVE_INVITATION,
            "en",
            "Invitation to join “Atelier”",
            "Anne invites you to join the collective. Accept or decline in “My collectives”.",
        ),
        (
            NotificationKind.COLLECTIVE_JOINED,
            "fr-ca",
            "Nouveau membre dans « Atelier »",
            "Anne a accepté votre invitation et fait maintenant partie du collectif.",
        ),
        (
            NotificationKind.COLLECTIVE_JOINED,
            "en",
            "New member in “Atelier”",
            "Anne accepted your invitation and is now a member of the collective.",
        ),
    ],
)
def test_collective_notifications_read_in_the_readers_language(kind, language, title, body):
    notification = Notification(kind=kind, params={"collective": "Atelier", "name": "Anne"})

    with translation.override(language):
        text = notification_text(notification)

    assert (text.title, text.body) == (title, body)
