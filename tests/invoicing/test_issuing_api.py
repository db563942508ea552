"""/api/v1/invoices/ and /api/v1/me/billing-profile/: the same services as the pages, with statuses and messages."""

import datetime

import pytest
from django.utils import timezone

from invoicing.models import BillingProfile, Invoice, InvoiceStatus
from tests.api import api_as
from tests.factories import BillingProfileFactory, MunicipalityFactory, UserFactory
from tests.invoicing.issuing_setup import approve_first_milestone, open_engagement

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

LINES = [{"description": "Maquettes", "quantity": 1, "unit_price": 1000}]


@pytest.fixture
def milestone():
    return approve_first_milestone(open_engagement())


@pytest.fixture
def freelancer(milestone):
    return milestone.engagement.freelancer


def test_billing_profile_is_404_until_filled_then_put_and_read_normalised():
    user = UserFactory()
    place = MunicipalityFactory()
    api = api_as(user)

    assert api.get("/api/v1/me/billing-profile/").status_code == 404
    response = api.put(
        "/api/v1/me/billing-profile/",
        {
            "legal_name": "Élise Côté",
            "address": "12, rue Principale",
            "municipality": place.pk,
            "postal_code": "g0r 1a0",
            "gst_number": "123456789 RT 0001",
            "qst_number": "1234567890tq0001",
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "legal_name": "Élise Côté",
        "address": "12, rue Principale",
        "municipality": place.pk,
        "municipality_name": place.name,
        "postal_code": "G0R 1A0",
        "gst_number": "123456789RT0001",
        "qst_number": "1234567890TQ0001",
        "is_tax_registered": True,
    }
    assert api.get("/api/v1/me/billing-profile/").json()["postal_code"] == "G0R 1A0"


def test_billing_profile_with_a_lone_or_malformed_number_is_400_and_nothing_saved():
    user = UserFactory()
    api = api_as(user)
    base = {"legal_name": "Luc", "address": "1, rang 2", "postal_code": "G0L 1B0"}

    lone = api.put("/api/v1/me/billing-profile/", {**base, "qst_number": "1234567890TQ0001"}, format="json")
    bad = api.put("/api/v1/me/billing-profile/", {**base, "gst_number": "1RT1", "qst_number": "1TQ1"}, format="json")

    assert lone.status_code == 400 and "entrez aussi votre numéro de TPS" in lone.json()["gst_number"][0]
    assert bad.status_code == 400 and set(bad.json()) == {"gst_number", "qst_number"}
    assert not BillingProfile.objects.filter(user=user).exists()


def test_issue_from_a_milestone_then_list_read_download_and_cancel(milestone, freelancer):
    BillingProfileFactory(user=freelancer)
    api = api_as(freelancer)

    response = api.post("/api/v1/invoices/", {"milestone": milestone.pk, "lines": LINES}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["number"], body["subtotal"], body["tps"], body["tvq"], body["total"]) == (
        1,
        "1000.00",
        "50.00",
        "99.75",
        "1149.75",
    )
    assert body["milestone"] == milestone.pk and body["status"] == "emise"
    assert body["due_on"] == (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert body["url"] == f"/factures/{body['id']}/" and body["pdf_url"] == f"/api/v1/invoices/{body['id']}/pdf/"

    client_api = api_as(milestone.engagement.client)
    assert [i["id"] for i in client_api.get("/api/v1/invoices/").json()["results"]] == [body["id"]]
    assert client_api.get("/api/v1/invoices/?role=freelancer").json()["results"] == []
    assert [i["id"] for i in api.get("/api/v1/invoices/?role=freelancer").json()["results"]] == [body["id"]]
    assert client_api.get(f"/api/v1/invoices/{body['id']}/").json()["client_name"]
    pdf = client_api.get(body["pdf_url"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")

    assert client_api.post(f"/api/v1/invoices/{body['id']}/cancel/").status_code == 403
    cancelled = api.post(f"/api/v1/invoices/{body['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == InvoiceStatus.CANCELLED
    assert api.post(f"/api/v1/invoices/{body['id']}/cancel/").status_code == 409


def test_a_stranger_gets_404_on_every_invoice_operation(milestone, freelancer):
    BillingProfileFactory(user=freelancer)
    invoice_id = (
        api_as(freelancer)
        .post("/api/v1/invoices/", {"milestone": milestone.pk, "lines": LINES}, format="json")
        .json()["id"]
    )
    stranger = api_as(UserFactory())

    assert stranger.get(f"/api/v1/invoices/{invoice_id}/").status_code == 404
    assert stranger.get(f"/api/v1/invoices/{invoice_id}/pdf/").status_code == 404
    assert stranger.post(f"/api/v1/invoices/{invoice_id}/cancel/").status_code == 404
    assert stranger.get("/api/v1/invoices/").json()["results"] == []


def test_issuing_without_billing_details_is_400_with_where_to_fill_them(milestone, freelancer):
    response = api_as(freelancer).post("/api/v1/invoices/", {"milestone": milestone.pk, "lines": LINES}, format="json")

    assert response.status_code == 400
    assert response.json()["action_url"] == "/mon-compte/facturation/"
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "key"),
    [
        ({"lines": []}, 400, "lines"),
        ({"lines": [{"description": "X", "quantity": 1, "unit_price": -5}]}, 400, "lines"),
        ({"lines": [{"description": "X", "quantity": 0, "unit_price": 5}]}, 400, "lines"),
        ({"lines": LINES, "due_on": "2001-01-01"}, 400, "due_on"),
        ({"lines": LINES, "due_on": "demain"}, 400, "due_on"),
        ({"lines": [{"description": "X", "quantity": "un", "unit_price": 5}]}, 400, "lines"),
    ],
)
def test_bad_input_is_refused_with_its_message_and_nothing_saved(milestone, freelancer, body, status, key):
    BillingProfileFactory(user=freelancer)

    response = api_as(freelancer).post("/api/v1/invoices/", {"milestone": milestone.pk, **body}, format="json")

    assert response.status_code == status, response.json()
    assert key in response.json()
    assert not Invoice.objects.exists()


def test_no_source_or_two_sources_is_400(milestone, freelancer):
    BillingProfileFactory(user=freelancer)
    api = api_as(freelancer)

    none = api.post("/api/v1/invoices/", {"lines": LINES}, format="json")
    two = api.post(
        "/api/v1/invoices/",
        {"milestone": milestone.pk, "engagement": milestone.engagement_id, "lines": LINES},
        format="json",
    )

    assert none.status_code == two.status_code == 400
    assert none.json()["source"] == ["Choisissez un seul jalon, mandat ou projet à facturer."]


def test_the_client_gets_403_and_an_unfinished_engagement_409(milestone, freelancer):
    BillingProfileFactory(user=freelancer)
    BillingProfileFactory(user=milestone.engagement.client)

    as_client = api_as(milestone.engagement.client).post(
        "/api/v1/invoices/", {"milestone": milestone.pk, "lines": LINES}, format="json"
    )
    unfinished = api_as(freelancer).post(
        "/api/v1/invoices/", {"engagement": milestone.engagement_id, "lines": LINES}, format="json"
    )

    assert as_client.status_code == 403
    assert unfinished.status_code == 409 and "pas encore approuvé" in unfinished.json()["detail"]
    assert not Invoice.objects.exists()


def test_an_unknown_role_or_body_key_is_400(milestone, freelancer):
    BillingProfileFactory(user=freelancer)
    api = api_as(freelancer)

    role = api.get("/api/v1/invoices/?role=staff")
    unknown = api.post("/api/v1/invoices/", {"milestone": milestone.pk, "lines": LINES, "total": 1}, format="json")

    assert role.status_code == 400 and role.json()["role"] == ["role vaut freelancer ou client."]
    assert unknown.status_code == 400 and unknown.json()["total"] == ["Champ inconnu."]
    assert not Invoice.objects.exists()
