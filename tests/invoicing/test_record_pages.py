"""The payment record where people read it (client page, API, project page) and the contest pages and API."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from invoicing.models import ContestStatus, InvoiceStatus, PaymentContest
from invoicing.services.contests import contest_answer, invoice_contest
from projects.models import PaidAsAgreed, ProjectStatus
from tests.factories import (
    FreelancerProfileFactory,
    InvoiceFactory,
    ProjectFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

HISTORY = "Réponses déclarées par les pigistes (historique, non vérifiées) : "


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def overdue(client=None, **extra):
    client = client or UserFactory()
    return InvoiceFactory(client=client, issued_on=ago(40), due_on=ago(10), **extra)


@pytest.fixture
def owner():
    """A client with 4 invoices: 1 paid on time, 1 paid 12 days late, 1 unpaid past due (claimed paid), 1 not due."""
    owner = UserFactory(name="Fromagerie du Fjord")
    InvoiceFactory(
        client=owner, issued_on=ago(100), due_on=ago(70), status=InvoiceStatus.CONFIRMED, received_on=ago(72)
    )
    InvoiceFactory(client=owner, issued_on=ago(80), due_on=ago(50), status=InvoiceStatus.CONFIRMED, received_on=ago(38))
    overdue(owner, status=InvoiceStatus.PAID, paid_on=ago(5))
    InvoiceFactory(client=owner)
    ReviewFactory(
        project=ProjectFactory(owner=owner, status=ProjectStatus.COMPLETED),
        author=FreelancerProfileFactory().user,
        subject=owner,
        author_is_client=False,
        paid_as_agreed=PaidAsAgreed.YES,
    )
    return owner


def test_the_client_page_heads_with_the_record_and_keeps_the_answers_as_history(
    client, owner, django_assert_max_num_queries
):
    with django_assert_max_num_queries(9):
        page = client.get(reverse("client-detail", args=[owner.pk])).content.decode()

    assert "Dossier de paiement" in page
    assert "<dt>Factures reçues</dt><dd>4</dd>" in page
    assert "<dt>Payées à temps</dt><dd>1</dd>" in page
    assert "<dt>Payées en retard</dt><dd>1</dd>" in page
    assert "<dt>Impayées après l'échéance</dt><dd>1</dd>" in page
    assert "Dont 1 payée selon le client, non confirmée par le pigiste." in page
    assert "1 facture pas encore échue." in page
    assert "Délai médian : 5 jours après l'échéance" in page  # -2 and +12 days: a median of 5
    assert "Le délai médian compte les jours entre l'échéance et la réception confirmée" in page
    assert f"{HISTORY}1 oui, 0 en retard, sur 1 réponse." in page
    assert "disent avoir été payés comme convenu" not in page


def test_a_client_without_invoices_says_so(client):
    owner = UserFactory()
    page = client.get(reverse("client-detail", args=[owner.pk])).content.decode()
    assert "Aucune facture de ce client dans les 24 derniers mois." in page
    assert "Réponses déclarées" not in page


def test_the_client_api_gives_the_record(owner):
    data = APIClient().get(f"/api/v1/clients/{owner.pk}/").json()
    assert data["payment_record"] == {
        "since": (timezone.localdate().replace(year=timezone.localdate().year - 2)).isoformat(),
        "received": 4,
        "paid_on_time": 1,
        "paid_late": 1,
        "unpaid_past_due": 1,
        "claimed_unconfirmed": 1,
        "not_yet_due": 1,
        "median_days": 5,
    }
    assert data["paid"] == {"answers": 1, "as_agreed": 1, "late": 0}


def test_a_freelancer_reads_the_record_beside_the_project_before_quoting(client, owner):
    project = ProjectFactory(owner=owner)
    client.force_login(FreelancerProfileFactory().user)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert "Son dossier de paiement" in page
    assert "4 factures reçues en 24 mois" in page
    assert "1 payées à temps, 1 en retard" in page
    assert "1 impayée après l'échéance" in page
    assert "Délai médian : 5 jours après l'échéance" in page
    assert f"{HISTORY}1 oui, 0 en retard, sur 1 réponse." in page


# --- The contest pages ----------------------------------------------------------------------------------


def test_the_client_contests_from_the_page(client):
    invoice = overdue()
    client.force_login(invoice.client)
    form = client.get(reverse("invoice-contest", args=[invoice.pk])).content.decode()
    assert "Contester la facture n° " in form and "Envoyer la contestation" in form

    response = client.post(reverse("invoice-contest", args=[invoice.pk]), {"message": "Payé comptant le 2."})

    contest = PaymentContest.objects.get(invoice=invoice)
    assert response.status_code == 302 and response["Location"] == reverse("contest-detail", args=[contest.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Contestation envoyée : le pigiste en est avisé et l&#x27;équipe tranchera." in page
    assert "Payé comptant le 2." in page and "En attente d&#x27;une décision" in page


def test_a_blank_or_too_long_contest_is_refused_on_the_form(client):
    invoice = overdue()
    client.force_login(invoice.client)
    blank = client.post(reverse("invoice-contest", args=[invoice.pk]), {"message": "   "})
    assert blank.status_code == 400 and "Ce champ est obligatoire." in blank.content.decode()
    long = client.post(reverse("invoice-contest", args=[invoice.pk]), {"message": "é" * 3001})
    assert "3000 caractères au maximum (vous en avez 3001)." in long.content.decode()
    assert "é" * 3001 in long.content.decode()  # the text typed is kept
    assert not PaymentContest.objects.exists()


def test_the_contest_form_is_not_offered_when_there_is_nothing_to_contest(client):
    invoice = InvoiceFactory()  # not due yet
    client.force_login(invoice.client)
    page = client.get(reverse("invoice-contest", args=[invoice.pk])).content.decode()
    assert "il n'y a rien à contester" in page and "Envoyer la contestation" not in page
    refused = client.post(reverse("invoice-contest", args=[invoice.pk]), {"message": "Je conteste."})
    assert refused.status_code == 400 and "Seule une facture impayée après son échéance" in refused.content.decode()


def test_strangers_dont_see_an_invoice_or_a_contest(client):
    invoice = overdue()
    contest = invoice_contest(user=invoice.client, invoice_id=invoice.pk, message="Payé.")
    client.force_login(UserFactory())
    assert client.get(reverse("invoice-contest", args=[invoice.pk])).status_code == 404
    assert client.get(reverse("contest-detail", args=[contest.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("contest-detail", args=[contest.pk])).status_code == 302  # to the login page


def test_the_freelancer_answers_once_from_the_page(client):
    invoice = overdue()
    contest = invoice_contest(user=invoice.client, invoice_id=invoice.pk, message="Payé comptant.")
    client.force_login(invoice.freelancer)
    page = client.get(reverse("contest-detail", args=[contest.pk])).content.decode()
    assert "Envoyer ma réponse" in page

    blank = client.post(reverse("contest-detail", args=[contest.pk]), {"message": ""})
    assert blank.status_code == 400 and "Ce champ est obligatoire." in blank.content.decode()
    client.post(reverse("contest-detail", args=[contest.pk]), {"message": "Jamais reçu un sou."})

    page = client.get(reverse("contest-detail", args=[contest.pk])).content.decode()
    assert "Jamais reçu un sou." in page and "Envoyer ma réponse" not in page
    again = client.post(reverse("contest-detail", args=[contest.pk]), {"message": "Encore."})
    assert again.status_code == 400 and "Vous avez déjà répondu à cette contestation." in again.content.decode()
    contest.refresh_from_db()
    assert contest.freelancer_message == "Jamais reçu un sou."


def test_the_client_cannot_answer_in_the_freelancers_place(client):
    invoice = overdue()
    contest = invoice_contest(user=invoice.client, invoice_id=invoice.pk, message="Payé comptant.")
    client.force_login(invoice.client)
    assert "Envoyer ma réponse" not in client.get(reverse("contest-detail", args=[contest.pk])).content.decode()
    refused = client.post(reverse("contest-detail", args=[contest.pk]), {"message": "Moi."})
    assert refused.status_code == 400 and "Seul le pigiste" in refused.content.decode()
    contest.refresh_from_db()
    assert contest.freelancer_message == ""


def test_staff_decide_in_the_admin_and_the_decision_is_logged(client):
    invoice = overdue()
    contest = invoice_contest(user=invoice.client, invoice_id=invoice.pk, message="Payé comptant.")
    contest_answer(user=invoice.freelancer, contest_id=contest.pk, message="Jamais reçu.")
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = reverse("admin:invoicing_paymentcontest_change", args=[contest.pk])
    form = client.get(url).content.decode()
    assert "Payé comptant." in form and "Jamais reçu." in form

    missing_note = client.post(url, {"decision": "1", "decision_note": " "})
    assert missing_note.status_code == 200 and "Donnez le motif de la décision" in missing_note.content.decode()
    contest.refresh_from_db()
    assert contest.status == ContestStatus.OPEN

    client.post(url, {"decision": "1", "decision_note": "Reçu de caisse fourni."})
    contest.refresh_from_db()
    invoice.refresh_from_db()
    assert (contest.status, contest.decided_by, contest.decision_note) == (
        ContestStatus.UPHELD,
        staff,
        "Reçu de caisse fourni.",
    )
    assert invoice.excluded_from_record
    client.force_login(invoice.client)
    page = client.get(reverse("contest-detail", args=[contest.pk])).content.decode()
    assert "Retenue : la facture sort du dossier" in page and "Reçu de caisse fourni." in page


def test_members_dont_reach_the_contest_admin(client):
    invoice = overdue()
    contest = invoice_contest(user=invoice.client, invoice_id=invoice.pk, message="Payé comptant.")
    client.force_login(invoice.freelancer)
    response = client.get(reverse("admin:invoicing_paymentcontest_change", args=[contest.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- The contest API ----------------------------------------------------------------------------------


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_contests_answers_and_decides():
    invoice = overdue()
    created = api_for(invoice.client).post(
        f"/api/v1/invoices/{invoice.pk}/contest/", {"message": "Payé comptant."}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    contest_id = body["id"]
    assert (body["invoice"], body["status"], body["client_message"], body["freelancer_message"]) == (
        invoice.pk,
        "ouverte",
        "Payé comptant.",
        "",
    )
    assert body["url"] == f"/contestations/{contest_id}/"

    answered = api_for(invoice.freelancer).post(
        f"/api/v1/contests/{contest_id}/answer/", {"message": "Jamais reçu."}, format="json"
    )
    assert answered.status_code == 200 and answered.json()["freelancer_message"] == "Jamais reçu."

    staff = UserFactory(is_staff=True)
    decided = api_for(staff).post(
        f"/api/v1/contests/{contest_id}/decide/", {"upheld": False, "note": "Aucune preuve."}, format="json"
    )
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["decision_note"]) == ("rejetee", "Aucune preuve.")
    invoice.refresh_from_db()
    assert not invoice.excluded_from_record


def test_the_api_refuses_what_the_rules_refuse():
    invoice = overdue()
    url = f"/api/v1/invoices/{invoice.pk}/contest/"
    assert APIClient().post(url, {"message": "x"}, format="json").status_code == 401
    assert api_for(invoice.freelancer).post(url, {"message": "x"}, format="json").status_code == 403
    assert api_for(UserFactory()).post(url, {"message": "x"}, format="json").status_code == 404
    blank = api_for(invoice.client).post(url, {"message": "  "}, format="json")
    assert blank.status_code == 400 and blank.json() == {"message": ["Ce champ est obligatoire."]}
    assert api_for(invoice.client).post(url, {"message": 3}, format="json").status_code == 400
    assert api_for(invoice.client).post(url, {}, format="json").status_code == 400
    assert api_for(invoice.client).post(url, {"message": "x"}, format="json").status_code == 201
    again = api_for(invoice.client).post(url, {"message": "x"}, format="json")
    assert again.status_code == 409
    assert again.json() == {"detail": "Une contestation de cette facture attend déjà une décision."}
    not_due = InvoiceFactory()
    assert (
        api_for(not_due.client)
        .post(f"/api/v1/invoices/{not_due.pk}/contest/", {"message": "x"}, format="json")
        .status_code
        == 409
    )

    contest = PaymentContest.objects.get(invoice=invoice)
    decide = f"/api/v1/contests/{contest.pk}/decide/"
    for member in (invoice.client, invoice.freelancer, UserFactory()):
        refused = api_for(member).post(decide, {"upheld": True, "note": "Moi."}, format="json")
        assert refused.status_code == 403
    staff = api_for(UserFactory(is_staff=True))
    assert staff.post(decide, {"upheld": "peut-être", "note": "x"}, format="json").status_code == 400
    assert staff.post(decide, {"upheld": True, "note": ""}, format="json").status_code == 400
    assert (
        staff.post(
            f"/api/v1/contests/{contest.pk + 999}/decide/", {"upheld": True, "note": "x"}, format="json"
        ).status_code
        == 404
    )
    assert staff.post(decide, {"upheld": True, "note": "Preuve fournie."}, format="json").status_code == 200
    assert staff.post(decide, {"upheld": False, "note": "Non."}, format="json").status_code == 409

    answer = f"/api/v1/contests/{contest.pk}/answer/"
    assert api_for(invoice.client).post(answer, {"message": "x"}, format="json").status_code == 403
    assert api_for(invoice.freelancer).post(answer, {"message": "x"}, format="json").status_code == 409
    contest.refresh_from_db()
    assert (contest.status, contest.decision_note, contest.freelancer_message) == ("retenue", "Preuve fournie.", "")


def test_the_operations_are_documented_with_unique_ids():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        "invoice_contest": ("/api/v1/invoices/{id}/contest/", {"201", "400", "401", "403", "404", "409"}),
        "contest_answer": ("/api/v1/contests/{id}/answer/", {"200", "400", "401", "403", "404", "409"}),
        "contest_decide": ("/api/v1/contests/{id}/decide/", {"200", "400", "401", "403", "404", "409"}),
    }
    for operation_id, (path, statuses) in operations.items():
        operation = schema["paths"][path]["post"]
        assert operation["operationId"] == operation_id
        assert statuses <= {str(code) for code in operation["responses"]}
    record = schema["components"]["schemas"]["PaymentRecord"]["properties"]
    assert {"received", "paid_on_time", "paid_late", "unpaid_past_due", "median_days"} <= set(record)


def test_the_invoice_page_links_its_client_to_the_contest_form(client):
    invoice = overdue()
    client.force_login(invoice.client)
    page = client.get(reverse("invoice-detail", args=[invoice.pk])).content.decode()
    assert f'href="{reverse("invoice-contest", args=[invoice.pk])}"' in page
    client.force_login(invoice.freelancer)
    page = client.get(reverse("invoice-detail", args=[invoice.pk])).content.decode()
    assert reverse("invoice-contest", args=[invoice.pk]) not in page
    paid = InvoiceFactory(
        client=invoice.client, issued_on=ago(40), due_on=ago(10), status=InvoiceStatus.CONFIRMED, received_on=ago(9)
    )
    client.force_login(invoice.client)
    page = client.get(reverse("invoice-detail", args=[paid.pk])).content.decode()
    assert reverse("invoice-contest", args=[paid.pk]) not in page
