"""/api/v1/notifications/: a member reads their notifications in their language and marks them read."""

import pytest
from rest_framework.test import APIClient

from notifications.models import Notification, NotificationKind
from notifications.services import notify
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def quote_received(recipient, *, title="Logo", name="Julie"):
    return notify(
        recipient=recipient,
        kind=NotificationKind.QUOTE_RECEIVED,
        params={"title": title, "name": name},
        url="/projets/1/#quotes",
    )


def test_the_list_holds_only_my_notifications_newest_first():
    me, someone = UserFactory(), UserFactory()
    older = quote_received(me, title="Logo")
    newer = quote_received(me, title="Site web")
    quote_received(someone, title="Pas pour moi")

    body = api_for(me).get("/api/v1/notifications/").json()

    assert body["count"] == 2
    assert [n["id"] for n in body["results"]] == [newer.pk, older.pk]
    assert body["results"][0] == {
        "id": newer.pk,
        "kind": "quote_received",
        "title": "Nouvelle soumission pour « Site web »",
        "body": "Julie vous a envoyé une soumission.",
        "url": "/projets/1/#quotes",
        "read_at": None,
        "created_at": newer.created_at.isoformat(),
    }


def test_the_words_are_in_the_members_language():
    me = UserFactory(language="en")
    quote_received(me)

    item = api_for(me).get("/api/v1/notifications/").json()["results"][0]

    assert (item["title"], item["body"]) == ("New quote for “Logo”", "Julie sent you a quote.")


def test_a_language_asked_for_in_the_request_wins():
    me = UserFactory(language="en")
    quote_received(me)

    item = api_for(me).get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="fr-CA").json()["results"][0]

    assert item["title"] == "Nouvelle soumission pour « Logo »"


def test_unread_true_lists_only_the_unread_ones():
    me = UserFactory()
    read = quote_received(me, title="Lu")
    unread = quote_received(me, title="Pas lu")
    api = api_for(me)
    api.post(f"/api/v1/notifications/{read.pk}/read/")

    body = api.get("/api/v1/notifications/?unread=true").json()

    assert [n["id"] for n in body["results"]] == [unread.pk]


def test_marking_one_read_leaves_the_others_unread():
    me = UserFactory()
    one, other = quote_received(me), quote_received(me)

    response = api_for(me).post(f"/api/v1/notifications/{one.pk}/read/")

    assert response.status_code == 200
    assert response.json()["id"] == one.pk and response.json()["read_at"] is not None
    assert Notification.objects.get(pk=one.pk).read_at is not None
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_marking_one_read_twice_keeps_the_first_time():
    me = UserFactory()
    one = quote_received(me)
    api = api_for(me)
    first = api.post(f"/api/v1/notifications/{one.pk}/read/").json()["read_at"]

    again = api.post(f"/api/v1/notifications/{one.pk}/read/")

    assert again.status_code == 200 and again.json()["read_at"] == first


def test_marking_all_read_counts_what_changed_and_touches_only_mine():
    me, someone = UserFactory(), UserFactory()
    quote_received(me)
    quote_received(me)
    theirs = quote_received(someone)
    api = api_for(me)

    assert api.post("/api/v1/notifications/read/").json() == {"marked": 2}
    assert api.post("/api/v1/notifications/read/").json() == {"marked": 0}
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_someone_elses_notification_is_404_and_stays_unread():
    me, someone = UserFactory(), UserFactory()
    theirs = quote_received(someone)

    response = api_for(me).post(f"/api/v1/notifications/{theirs.pk}/read/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Cette notification n'existe pas."}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_notification_that_does_not_exist_is_404():
    assert api_for(UserFactory()).post("/api/v1/notifications/999999/read/").status_code == 404


def test_signed_out_callers_get_401():
    api = APIClient()

    assert api.get("/api/v1/notifications/").status_code == 401
    assert api.post("/api/v1/notifications/read/").status_code == 401
    assert api.post("/api/v1/notifications/1/read/").status_code == 401


def test_an_unreadable_unread_filter_is_400():
    response = api_for(UserFactory()).get("/api/v1/notifications/?unread=peut-etre")

    assert response.status_code == 400
    assert list(response.json()) == ["unread"]
