"""/api/v1/engagements/: the same rules as the page, with their statuses and messages."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from engagements.models import Delivery, DeliveryStatus, Milestone
from projects.models import ProjectStatus
from tests.api import api_as
from tests.factories import UserFactory
from tests.privacy.factories import PDF_BYTES

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def url(engagement, tail=""):
    return f"/api/v1/engagements/{engagement.pk}/{tail}"


def in_days(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_both_sides_read_the_engagement_and_a_stranger_gets_404(engagement):
    body = api_as(engagement.client).get(url(engagement)).json()
    assert body["amount"] == "3500.00"
    assert [line["description"] for line in body["lines"]] == ["Maquettes", "Intégration"]
    assert body["status"] == "en_cours" and body["url"] == f"/mandats/{engagement.pk}/"
    listed = api_as(engagement.freelancer).get("/api/v1/engagements/").json()
    assert [e["id"] for e in listed["results"]] == [engagement.pk]
    assert api_as(UserFactory()).get(url(engagement)).status_code == 404
    assert api_as(UserFactory()).get("/api/v1/engagements/").json()["results"] == []


def test_milestones_proposed_and_accepted_through_the_api(engagement):
    items = [
        {"title": "Maquettes", "amount": 1500, "due_on": in_days(7)},
        {"title": "Site", "amount": "2000.00", "due_on": in_days(30)},
    ]
    response = api_as(engagement.freelancer).post(url(engagement, "milestones/"), {"milestones": items})
    assert response.status_code == 200, response.json()
    assert response.json()["milestones_proposed_by"] == engagement.freelancer_id

    assert api_as(engagement.freelancer).post(url(engagement, "milestones/accept/")).status_code == 403
    response = api_as(engagement.client).post(url(engagement, "milestones/accept/"))
    assert response.status_code == 200
    assert [m["status"] for m in response.json()["milestones"]] == ["accepte", "accepte"]


def test_milestones_that_do_not_add_up_are_a_400_naming_the_field(engagement):
    response = api_as(engagement.client).post(
        url(engagement, "milestones/"), {"milestones": [{"title": "Tout", "amount": 100, "due_on": in_days(3)}]}
    )
    assert response.status_code == 400
    assert "doivent égaler le montant du mandat" in response.json()["milestones"][0]
    assert not Milestone.objects.exists()


def test_deliver_with_a_file_then_the_client_approves_and_the_project_is_completed(engagement):
    response = api_as(engagement.freelancer, default_format="multipart").post(
        url(engagement, "deliveries/"),
        {"message": "Le site est prêt.", "files": [SimpleUploadedFile("guide.pdf", PDF_BYTES)]},
    )
    assert response.status_code == 201, response.json()
    (delivery,) = response.json()["deliveries"]
    assert delivery["files"][0]["name"] == "guide.pdf"
    assert response.json()["status"] == "livre"

    again = api_as(engagement.freelancer).post(url(engagement, "deliveries/"), {"message": "Encore"})
    assert again.status_code == 409
    assert again.json()["detail"] == "Ce travail est déjà livré et attend la réponse du client."

    own = api_as(engagement.freelancer).post(url(engagement, f"deliveries/{delivery['id']}/approve/"))
    assert own.status_code == 403

    response = api_as(engagement.client).post(url(engagement, f"deliveries/{delivery['id']}/approve/"))
    assert response.status_code == 200
    assert response.json()["status"] == "termine"
    engagement.project.refresh_from_db()
    assert engagement.project.status == ProjectStatus.COMPLETED


def test_a_wrong_file_type_is_a_400_and_nothing_is_saved(engagement):
    response = api_as(engagement.freelancer, default_format="multipart").post(
        url(engagement, "deliveries/"),
        {"message": "Voilà", "files": [SimpleUploadedFile("site.exe", b"MZ\x90\x00 pas un document")]},
    )
    assert response.status_code == 400
    assert response.json()["files"] == ["Seules les images (JPEG, PNG, WebP) et les PDF sont acceptés."]
    assert not Delivery.objects.exists()


def test_request_changes_needs_a_reason_and_is_refused_after_auto_approval(engagement):
    response = api_as(engagement.freelancer).post(url(engagement, "deliveries/"), {"message": "Voilà"})
    delivery_id = response.json()["deliveries"][0]["id"]
    blank = api_as(engagement.client).post(
        url(engagement, f"deliveries/{delivery_id}/request-changes/"), {"reason": " "}
    )
    assert blank.status_code == 400
    assert blank.json()["reason"] == ["Dites ce qui doit être modifié."]

    Delivery.objects.filter(pk=delivery_id).update(delivered_at=timezone.now() - datetime.timedelta(days=15))
    from engagements.services import deliveries_follow_up

    deliveries_follow_up()
    late = api_as(engagement.client).post(
        url(engagement, f"deliveries/{delivery_id}/request-changes/"), {"reason": "Le logo"}
    )
    assert late.status_code == 409
    assert Delivery.objects.get().status == DeliveryStatus.AUTO_APPROVED


def test_the_schema_gives_each_operation_a_unique_id():
    from drf_spectacular.generators import SchemaGenerator

    spec = SchemaGenerator().get_schema(request=None, public=True)
    ids = [
        operation["operationId"]
        for path, item in spec["paths"].items()
        if path.startswith("/api/v1/engagements/")
        for operation in item.values()
    ]
    assert sorted(ids) == [
        "engagement_deliver",
        "engagement_delivery_approve",
        "engagement_delivery_request_changes",
        "engagement_detail",
        "engagement_list",
        "engagement_milestones_accept",
        "engagement_milestones_propose",
    ]
    deliver = spec["paths"]["/api/v1/engagements/{id}/deliveries/"]["post"]
    assert {"400", "401", "403", "404", "409"} <= set(deliver["responses"])
