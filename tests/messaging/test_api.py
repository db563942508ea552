"""/api/v1/conversations/ through HTTP: same shapes as the socket, idempotent sends, paging, permissions."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from messaging import services
from messaging.models import Attachment, Conversation, Message
from tests.factories import FreelancerProfileFactory, ProjectFactory, UserFactory
from tests.messaging.factories import conversation_with_quote

pytestmark = pytest.mark.django_db


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def png_bytes(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.embedded
def test_post_same_client_id_returns_201_then_200_with_the_same_message():
    conversation, client, _freelancer = conversation_with_quote()
    api = api_for(client)
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    payload = {"client_id": str(uuid.uuid4()), "body": "Bonjour, des questions sur le devis."}

    first = api.post(url, payload, format="json")
    second = api.post(url, payload, format="json")

    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["body"] == "Bonjour, des questions sur le devis."
    assert first.json()["sender"] == client.pk
    assert Message.objects.count() == 1


@pytest.mark.embedded
def test_same_client_id_with_a_different_body_is_refused_with_409():
    conversation, client, _freelancer = conversation_with_quote()
    api = api_for(client)
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    client_id = str(uuid.uuid4())
    api.post(url, {"client_id": client_id, "body": "Un"}, format="json")

    response = api.post(url, {"client_id": client_id, "body": "Deux"}, format="json")

    assert response.status_code == 409
    assert response.json() == {"client_id": ["Cet identifiant de message a déjà servi pour un autre contenu."]}
    assert list(Message.objects.values_list("body", flat=True)) == ["Un"]


@pytest.mark.embedded
def test_history_pages_with_after_and_before_oldest_first():
    conversation, client, freelancer = conversation_with_quote()
    ids = [
        services.message_send(
            user=freelancer if i % 2 else client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body=f"m{i}"
        )[0].pk
        for i in range(7)
    ]
    api = api_for(client)
    url = f"/api/v1/conversations/{conversation.pk}/messages/"

    after = api.get(url, {"after": ids[2], "limit": 3}).json()
    before = api.get(url, {"before": ids[2]}).json()
    latest = api.get(url, {"limit": 2}).json()

    assert [m["id"] for m in after["results"]] == ids[3:6]
    assert after["has_more"] is True
    assert [m["body"] for m in before["results"]] == ["m0", "m1"]
    assert before["has_more"] is False
    assert [m["id"] for m in latest["results"]] == ids[5:7]


@pytest.mark.embedded
def test_stranger_gets_404_on_messages_and_read_and_sees_nothing():
    conversation, client, _freelancer = conversation_with_quote()
    services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="privé")
    api = api_for(UserFactory())
    base = f"/api/v1/conversations/{conversation.pk}"

    listing = api.get(f"{base}/messages/")
    posting = api.post(f"{base}/messages/", {"client_id": str(uuid.uuid4()), "body": "intrus"}, format="json")
    reading = api.post(f"{base}/read/", {"up_to": 1}, format="json")

    assert listing.status_code == posting.status_code == reading.status_code == 404
    assert "privé" not in listing.content.decode()
    assert Message.objects.count() == 1
    assert api.get("/api/v1/conversations/").json() == {"results": []}


def test_anonymous_api_calls_are_refused():
    conversation, _client, _freelancer = conversation_with_quote()
    api = APIClient()
    assert api.get("/api/v1/conversations/").status_code in (401, 403)
    assert api.get(f"/api/v1/conversations/{conversation.pk}/messages/").status_code in (401, 403)


def test_staff_reads_but_cannot_post():
    conversation, client, _freelancer = conversation_with_quote()
    services.message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="à lire")
    api = api_for(UserFactory(is_staff=True))
    url = f"/api/v1/conversations/{conversation.pk}/messages/"

    assert [m["body"] for m in api.get(url).json()["results"]] == ["à lire"]
    response = api.post(url, {"client_id": str(uuid.uuid4()), "body": "non"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Lecture seule : vous ne participez pas à cette conversation."}
    assert Message.objects.count() == 1


def test_open_conversation_returns_201_then_200_and_lists_it_with_unread_count():
    project = ProjectFactory()
    freelancer = FreelancerProfileFactory().user
    api = api_for(project.owner)

    first = api.post("/api/v1/conversations/", {"project": project.pk, "with_user": freelancer.pk}, format="json")
    second = api.post("/api/v1/conversations/", {"project": project.pk, "with_user": freelancer.pk}, format="json")
    conversation_id = first.json()["id"]
    services.message_send(user=freelancer, conversation_id=conversation_id, client_id=uuid.uuid4(), body="Bonjour !")
    listing = api.get("/api/v1/conversations/").json()["results"]

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["id"] == conversation_id
    assert Conversation.objects.count() == 1
    assert listing[0]["id"] == conversation_id
    assert listing[0]["unread"] == 1
    assert listing[0]["with_user"]["id"] == freelancer.pk
    assert listing[0]["project"] == {"id": project.pk, "title": project.title}
    assert listing[0]["last_message"]["body"] == "Bonjour !"


def test_read_endpoint_moves_the_mark_forward_only():
    conversation, client, freelancer = conversation_with_quote()
    first = services.message_send(user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="a")[0]
    second = services.message_send(user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="b")[
        0
    ]
    api = api_for(client)
    url = f"/api/v1/conversations/{conversation.pk}/read/"

    assert api.post(url, {"up_to": second.pk}, format="json").json()["up_to"] == second.pk
    assert api.post(url, {"up_to": first.pk}, format="json").json()["up_to"] == second.pk
    assert api.get("/api/v1/conversations/").json()["results"][0]["unread"] == 0


@pytest.mark.embedded
def test_image_and_pdf_attachments_are_saved_with_random_keys_and_served_only_to_participants(client):
    conversation, owner, freelancer = conversation_with_quote()
    api = api_for(owner)
    url = f"/api/v1/conversations/{conversation.pk}/messages/"

    response = api.post(
        url,
        {
            "client_id": str(uuid.uuid4()),
            "body": "Voici la maquette",
            "attachments": [
                SimpleUploadedFile("maquette.png", png_bytes(), content_type="image/png"),
                SimpleUploadedFile("devis.pdf", PDF_BYTES, content_type="application/pdf"),
            ],
        },
        format="multipart",
    )

    assert response.status_code == 201
    attachments = response.json()["attachments"]
    assert [(a["name"], a["content_type"], a["is_image"]) for a in attachments] == [
        ("maquette.png", "image/png", True),
        ("devis.pdf", "application/pdf", False),
    ]
    stored = Attachment.objects.order_by("id")
    assert all("maquette" not in a.file.name and "devis" not in a.file.name for a in stored)
    assert stored[0].file.name != stored[1].file.name

    client.force_login(freelancer)
    download = client.get(attachments[1]["url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF_BYTES

    client.force_login(UserFactory())
    assert client.get(attachments[1]["url"]).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "Seules les images (JPEG, PNG, WebP) et les PDF sont acceptés."),
        (
            "page.html",
            b"<html><script>alert(1)</script></html>",
            "Seules les images (JPEG, PNG, WebP) et les PDF sont acceptés.",
        ),
        (
            "faux.png",
            b"\x89PNG\r\n\x1a\n" + b"garbage" * 20,
            "Ce fichier n'est pas une image valide. Formats acceptés : JPEG, PNG ou WebP.",
        ),
        ("faux.pdf", b"%PDF-1.4 no end marker", "Seules les images (JPEG, PNG, WebP) et les PDF sont acceptés."),
    ],
)
def test_attachment_that_is_not_an_image_or_pdf_is_refused(name, content, message):
    conversation, owner, _freelancer = conversation_with_quote()
    response = api_for(owner).post(
        f"/api/v1/conversations/{conversation.pk}/messages/",
        {"client_id": str(uuid.uuid4()), "body": "pièce", "attachments": [SimpleUploadedFile(name, content)]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"attachments": [message]}
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_attachment_over_10_mb_is_refused():
    conversation, owner, _freelancer = conversation_with_quote()
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"\n%%EOF\n"
    response = api_for(owner).post(
        f"/api/v1/conversations/{conversation.pk}/messages/",
        {"client_id": str(uuid.uuid4()), "body": "gros", "attachments": [SimpleUploadedFile("gros.pdf", big)]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"attachments": ["Une pièce jointe dépasse 10 Mo."]}
    assert Message.objects.count() == 0
