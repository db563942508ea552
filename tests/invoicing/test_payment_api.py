"""/api/v1/invoices/{id}/acknowledge|mark-paid|confirm-receipt|dispute-payment/: the same rules as the pages."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from invoicing.models import Invoice, InvoiceEvent, InvoiceStatus
from tests.factories import InvoiceFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def invoice():
    return InvoiceFactory(issued_on=days_ago(10), due_on=days_ago(-20))


def api_for(user) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="fr-ca")
    if user is not None:
        api.force_authenticate(user)
    return api


def post(user, invoice, action: str, body=None):
    return api_for(user).post(f"/api/v1/invoices/{invoice.pk}/{action}/", body, format="json")


def state(invoice):
    row = Invoice.objects.values("status", "paid_on", "received_on", "acknowledged_at", "dispute_note").get(
        pk=invoice.pk
    )
    return row, InvoiceEvent.objects.filter(invoice=invoice).count()


def test_the_whole_payment_path_through_the_api(invoice):
    outside = InvoiceFactory(issued_on=days_ago(5), acknowledged_at=None)
    acknowledged = post(outside.client, outside, "acknowledge")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["counts_in_record"] is True
    assert acknowledged.json()["can_acknowledge"] is False

    paid = post(invoice.client, invoice, "mark-paid", {"paid_on": days_ago(3).isoformat()})
    assert paid.status_code == 200
    body = paid.json()
    assert (body["status"], body["paid_on"], body["can_mark_paid"]) == ("payee", days_ago(3).isoformat(), False)
    assert body["url"] == f"/factures/{invoice.pk}/"
    assert [event["kind"] for event in body["events"]] == ["payee"]
    assert body["events"][0]["note"] == days_ago(3).isoformat()

    disputed = post(invoice.freelancer, invoice, "dispute-payment", {"note": "Rien reçu."})
    assert disputed.status_code == 200
    assert (disputed.json()["status"], disputed.json()["dispute_note"]) == ("contestee", "Rien reçu.")
    assert disputed.json()["can_confirm_receipt"] is True and disputed.json()["can_dispute"] is False

    again = post(invoice.client, invoice, "mark-paid", {"paid_on": days_ago(1).isoformat()})
    assert again.status_code == 200 and again.json()["paid_on"] == days_ago(1).isoformat()

    confirmed = post(invoice.freelancer, invoice, "confirm-receipt", {"received_on": days_ago(1).isoformat()})
    assert confirmed.status_code == 200
    assert (confirmed.json()["status"], confirmed.json()["received_on"]) == ("confirmee", days_ago(1).isoformat())
    assert [event["kind"] for event in confirmed.json()["events"]] == ["payee", "contestee", "payee", "confirmee"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"paid_on": "2026-02-30"}, {"paid_on": ["Entrez une date valide (AAAA-MM-JJ)."]}),
        ({"paid_on": "20261101"}, {"paid_on": ["Entrez une date valide (AAAA-MM-JJ)."]}),
        ({"paid_on": ""}, {"paid_on": ["Entrez une date (AAAA-MM-JJ)."]}),
        ({"paid_on": 20261101}, {"paid_on": ["Un texte est attendu."]}),
        ({}, {"paid_on": ["Ce champ est obligatoire."]}),
        (None, {"paid_on": ["Ce champ est obligatoire."]}),
    ],
)
def test_a_malformed_paid_date_is_a_400_and_nothing_changes(invoice, body, errors):
    before = state(invoice)

    response = post(invoice.client, invoice, "mark-paid", body)

    assert response.status_code == 400
    assert response.json() == errors
    assert state(invoice) == before


def test_a_paid_date_before_the_invoice_or_in_the_future_is_a_400(invoice):
    before = state(invoice)

    early = post(invoice.client, invoice, "mark-paid", {"paid_on": days_ago(11).isoformat()})
    future = post(invoice.client, invoice, "mark-paid", {"paid_on": days_ago(-1).isoformat()})

    assert early.status_code == 400
    assert early.json()["paid_on"][0].startswith("La date ne peut pas précéder la date de la facture (")
    assert future.status_code == 400
    assert future.json() == {"paid_on": ["La date ne peut pas être dans le futur."]}
    assert state(invoice) == before


def test_confirming_a_cancelled_invoice_is_a_409(invoice):
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.CANCELLED, cancelled_at=timezone.now())
    before = state(invoice)

    response = post(invoice.freelancer, invoice, "confirm-receipt", {"received_on": days_ago(1).isoformat()})

    assert response.status_code == 409
    assert response.json() == {"detail": "Cette facture est annulée."}
    assert state(invoice) == before


def test_the_wrong_side_gets_403_a_stranger_404_and_a_visitor_401(invoice):
    before = state(invoice)
    paid_on = {"paid_on": days_ago(1).isoformat()}

    assert post(invoice.freelancer, invoice, "mark-paid", paid_on).status_code == 403
    assert post(invoice.client, invoice, "confirm-receipt", {"received_on": days_ago(1).isoformat()}).status_code == 403
    assert post(invoice.client, invoice, "acknowledge").status_code == 409  # already counts: an engagement's
    stranger = UserFactory()
    for action, body in [
        ("acknowledge", None),
        ("mark-paid", paid_on),
        ("confirm-receipt", {"received_on": days_ago(1).isoformat()}),
        ("dispute-payment", {"note": "Rien reçu."}),
    ]:
        response = post(stranger, invoice, action, body)
        assert response.status_code == 404, action
        assert response.json() == {"detail": "Cette facture n'existe pas."}
        assert post(None, invoice, action, body).status_code == 401
    assert (
        api_for(invoice.client).post("/api/v1/invoices/999999999/mark-paid/", paid_on, format="json").status_code == 404
    )
    assert state(invoice) == before


def test_racing_mark_paid_the_second_gets_a_clear_409(invoice):
    first = post(invoice.client, invoice, "mark-paid", {"paid_on": days_ago(2).isoformat()})
    second = post(invoice.client, invoice, "mark-paid", {"paid_on": days_ago(1).isoformat()})

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["detail"].startswith("Vous avez déjà marqué cette facture payée le ")


@pytest.mark.parametrize(
    ("body", "status_code", "errors"),
    [
        ({"note": " "}, 400, {"note": ["Dites au client ce qui manque (rien reçu, montant incomplet…)."]}),
        ({"note": "x" * 2001}, 400, {"note": ["2000 caractères au maximum (vous en avez 2001)."]}),
        ({"note": ["Rien"]}, 400, {"note": ["Un texte est attendu."]}),
    ],
)
def test_a_dispute_without_a_usable_note_is_a_400(invoice, body, status_code, errors):
    post(invoice.client, invoice, "mark-paid", {"paid_on": days_ago(1).isoformat()})
    before = state(invoice)

    response = post(invoice.freelancer, invoice, "dispute-payment", body)

    assert (response.status_code, response.json()) == (status_code, errors)
    assert state(invoice) == before


def test_a_dispute_before_the_client_marked_it_paid_is_a_409(invoice):
    response = post(invoice.freelancer, invoice, "dispute-payment", {"note": "Rien reçu."})

    assert response.status_code == 409
    assert response.json() == {"detail": "Le client n'a pas encore marqué cette facture payée : rien à contester."}


def test_refusals_read_in_english(invoice):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(invoice.client)

    response = api.post(
        f"/api/v1/invoices/{invoice.pk}/mark-paid/", {"paid_on": days_ago(-1).isoformat()}, format="json"
    )

    assert response.json() == {"paid_on": ["The date can't be in the future."]}


def test_the_schema_documents_the_four_operations_with_their_errors():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        "acknowledge": ("invoice_acknowledge", {"200", "403", "404", "409"}),
        "mark-paid": ("invoice_mark_paid", {"200", "400", "403", "404", "409"}),
        "confirm-receipt": ("invoice_confirm_receipt", {"200", "400", "403", "404", "409"}),
        "dispute-payment": ("invoice_dispute_payment", {"200", "400", "403", "404", "409"}),
    }
    for action, (operation_id, statuses) in operations.items():
        operation = schema["paths"][f"/api/v1/invoices/{{id}}/{action}/"]["post"]
        assert operation["operationId"] == operation_id
        assert statuses <= set(operation["responses"]), action
