"""Contests of an "unpaid past due" mark: the client explains, the freelancer answers once, staff decide."""

import datetime

import pytest
from django.utils import timezone, translation

from invoicing.models import ContestStatus, InvoiceEvent, InvoiceEventKind, InvoiceStatus, PaymentContest
from invoicing.selectors import client_payment_record
from invoicing.services.contests import contest_answer, contest_decide, invoice_contest
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from tests.factories import InvoiceFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def overdue_invoice(**extra):
    """A 1 149,75 $ invoice 10 days past due, unpaid: it shows as "unpaid past due" in the client's record."""
    today = timezone.localdate()
    return InvoiceFactory(
        issued_on=today - datetime.timedelta(days=40), due_on=today - datetime.timedelta(days=10), **extra
    )


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, name="Équipe")


@pytest.fixture
def contest():
    invoice = overdue_invoice()
    return invoice_contest(user=invoice.client, invoice_id=invoice.pk, message="Payé par chèque le 3 novembre.")


def test_the_client_contests_and_the_freelancer_is_told():
    invoice = overdue_invoice(client=UserFactory(name="Boulangerie Roy"))

    contest = invoice_contest(user=invoice.client, invoice_id=invoice.pk, message="  Payé par chèque.  ")

    assert (contest.status, contest.client_message, contest.freelancer_message) == (
        ContestStatus.OPEN,
        "Payé par chèque.",
        "",
    )
    event = InvoiceEvent.objects.get(invoice=invoice, kind=InvoiceEventKind.CONTESTED)
    assert (event.actor, event.note) == (invoice.client, "Payé par chèque.")
    told = Notification.objects.get(recipient=invoice.freelancer)
    assert (told.kind, told.url) == (NotificationKind.INVOICE_CONTESTED, f"/contestations/{contest.pk}/")
    assert notification_text(told).title == f"Facture n° {invoice.number} contestée"
    assert "Boulangerie Roy conteste la mention « impayée »" in notification_text(told).body
    # Contesting changes nothing in the record until staff decide.
    assert client_payment_record(invoice.client_id).unpaid_past_due == 1


@pytest.mark.parametrize("message", ["", "   ", None])
def test_a_contest_needs_an_explanation(message):
    invoice = overdue_invoice()
    with pytest.raises(ValidationFailed) as refusal:
        invoice_contest(user=invoice.client, invoice_id=invoice.pk, message=message)
    assert refusal.value.errors == {"message": ["Ce champ est obligatoire."]}
    assert not PaymentContest.objects.exists() and not Notification.objects.exists()


def test_an_explanation_is_3000_characters_at_most():
    invoice = overdue_invoice()
    with pytest.raises(ValidationFailed) as refusal:
        invoice_contest(user=invoice.client, invoice_id=invoice.pk, message="x" * 3001)
    assert str(refusal.value.errors["message"][0]) == "3000 caractères au maximum (vous en avez 3001)."
    assert not PaymentContest.objects.exists()
    assert invoice_contest(user=invoice.client, invoice_id=invoice.pk, message="x" * 3000).pk


def test_only_the_client_contests():
    invoice = overdue_invoice()
    with pytest.raises(PermissionDenied):
        invoice_contest(user=invoice.freelancer, invoice_id=invoice.pk, message="Je conteste.")
    with pytest.raises(NotFound):
        invoice_contest(user=UserFactory(), invoice_id=invoice.pk, message="Je conteste.")
    with pytest.raises(NotFound):
        invoice_contest(user=invoice.client, invoice_id=invoice.pk + 1000, message="Je conteste.")
    assert not PaymentContest.objects.exists()


@pytest.mark.parametrize(
    "state",
    [
        {"status": InvoiceStatus.CONFIRMED, "received_on": timezone.localdate()},
        {"status": InvoiceStatus.CANCELLED},
        {"excluded_from_record": True},
        {"acknowledged_at": None},  # outside the engagement flow, never acknowledged: not in the record
    ],
)
def test_only_an_invoice_unpaid_past_due_in_the_record_is_contested(state):
    invoice = overdue_invoice(**state)
    with pytest.raises(Conflict) as refusal:
        invoice_contest(user=invoice.client, invoice_id=invoice.pk, message="Je conteste.")
    assert "Seule une facture impayée après son échéance" in str(refusal.value.message)
    assert not PaymentContest.objects.exists()


def test_an_invoice_not_yet_due_is_not_contested():
    invoice = InvoiceFactory()  # due in 30 days
    with pytest.raises(Conflict):
        invoice_contest(user=invoice.client, invoice_id=invoice.pk, message="Je conteste.")


def test_one_open_contest_at_a_time(contest, staff):
    invoice = contest.invoice
    with pytest.raises(Conflict) as refusal:
        invoice_contest(user=invoice.client, invoice_id=invoice.pk, message="Encore.")
    assert str(refusal.value.message) == "Une contestation de cette facture attend déjà une décision."
    assert PaymentContest.objects.count() == 1
    # Once rejected, the client may contest again with something new.
    contest_decide(staff_user=staff, contest_id=contest.pk, upheld=False, note="Aucune preuve du chèque.")
    again = invoice_contest(user=invoice.client, invoice_id=invoice.pk, message="Voici la preuve du chèque.")
    assert again.status == ContestStatus.OPEN and PaymentContest.objects.count() == 2


def test_the_freelancer_answers_once(contest):
    freelancer = contest.invoice.freelancer
    contest_answer(user=freelancer, contest_id=contest.pk, message="Aucun chèque reçu.")
    contest.refresh_from_db()
    assert contest.freelancer_message == "Aucun chèque reçu."

    with pytest.raises(Conflict) as refusal:
        contest_answer(user=freelancer, contest_id=contest.pk, message="Et encore.")
    assert str(refusal.value.message) == "Vous avez déjà répondu à cette contestation."
    contest.refresh_from_db()
    assert contest.freelancer_message == "Aucun chèque reçu."


def test_only_the_freelancer_answers_with_words(contest):
    with pytest.raises(PermissionDenied):
        contest_answer(user=contest.invoice.client, contest_id=contest.pk, message="Moi aussi.")
    with pytest.raises(NotFound):
        contest_answer(user=UserFactory(), contest_id=contest.pk, message="Moi aussi.")
    with pytest.raises(NotFound):
        contest_answer(user=contest.invoice.freelancer, contest_id=contest.pk + 1000, message="Réponse.")
    with pytest.raises(ValidationFailed):
        contest_answer(user=contest.invoice.freelancer, contest_id=contest.pk, message=" ")
    with pytest.raises(ValidationFailed):
        contest_answer(user=contest.invoice.freelancer, contest_id=contest.pk, message="x" * 3001)
    contest.refresh_from_db()
    assert contest.freelancer_message == ""


def test_no_answer_after_the_decision(contest, staff):
    contest_decide(staff_user=staff, contest_id=contest.pk, upheld=True, note="Chèque encaissé.")
    with pytest.raises(Conflict):
        contest_answer(user=contest.invoice.freelancer, contest_id=contest.pk, message="Trop tard ?")


def test_an_upheld_contest_takes_the_invoice_out_of_the_record_logged_and_told(contest, staff):
    invoice = contest.invoice

    decided = contest_decide(staff_user=staff, contest_id=contest.pk, upheld=True, note="Chèque encaissé le 5.")

    invoice.refresh_from_db()
    assert invoice.excluded_from_record is True
    assert (decided.status, decided.decided_by, decided.decision_note) == (
        ContestStatus.UPHELD,
        staff,
        "Chèque encaissé le 5.",
    )
    assert decided.decided_at is not None
    event = InvoiceEvent.objects.get(invoice=invoice, kind=InvoiceEventKind.DECIDED)
    assert event.actor == staff and "Chèque encaissé le 5." in event.note
    record = client_payment_record(invoice.client_id)
    assert (record.received, record.unpaid_past_due) == (0, 0)
    told = Notification.objects.filter(kind=NotificationKind.CONTEST_DECIDED)
    assert {n.recipient_id for n in told} == {invoice.client_id, invoice.freelancer_id}
    text = notification_text(told[0])
    assert text.title == f"Contestation de la facture n° {invoice.number} : décision"
    assert text.body == (
        "Contestation retenue : la facture sort du dossier de paiement du client. Motif : Chèque encaissé le 5."
    )
    with translation.override("en"):
        english = notification_text(told[0])
    assert english.title == f"Contest of invoice no. {invoice.number}: decision"
    assert english.body.startswith("Contest upheld: the invoice leaves the client's payment record.")


def test_a_rejected_contest_leaves_the_invoice_unpaid(contest, staff):
    contest_decide(staff_user=staff, contest_id=contest.pk, upheld=False, note="Aucune preuve.")
    contest.refresh_from_db()
    contest.invoice.refresh_from_db()
    assert contest.status == ContestStatus.REJECTED and contest.invoice.excluded_from_record is False
    assert client_payment_record(contest.invoice.client_id).unpaid_past_due == 1
    told = Notification.objects.get(kind=NotificationKind.CONTEST_DECIDED, recipient=contest.invoice.client)
    assert (
        notification_text(told).body
        == "Contestation rejetée : la facture reste impayée au dossier. Motif : Aucune preuve."
    )


def test_only_staff_decide_once_with_a_reason(contest, staff):
    for member in (contest.invoice.client, contest.invoice.freelancer, UserFactory()):
        with pytest.raises(PermissionDenied):
            contest_decide(staff_user=member, contest_id=contest.pk, upheld=True, note="Moi je décide.")
    with pytest.raises(ValidationFailed) as refusal:
        contest_decide(staff_user=staff, contest_id=contest.pk, upheld=True, note="  ")
    assert refusal.value.errors == {"note": ["Ce champ est obligatoire."]}
    with pytest.raises(NotFound):
        contest_decide(staff_user=staff, contest_id=contest.pk + 1000, upheld=True, note="Motif.")
    contest.refresh_from_db()
    assert contest.status == ContestStatus.OPEN and contest.decided_by is None
    assert not contest.invoice.__class__.objects.get(pk=contest.invoice_id).excluded_from_record

    contest_decide(staff_user=staff, contest_id=contest.pk, upheld=False, note="Aucune preuve.")
    with pytest.raises(Conflict):
        contest_decide(staff_user=staff, contest_id=contest.pk, upheld=True, note="Je change d'avis.")
    contest.refresh_from_db()
    assert contest.status == ContestStatus.REJECTED and contest.decision_note == "Aucune preuve."


def test_the_contested_notification_reads_in_english(contest):
    told = Notification.objects.get(kind=NotificationKind.INVOICE_CONTESTED)
    with translation.override("en"):
        text = notification_text(told)
    assert text.title == f"Invoice no. {contest.invoice.number} contested"
    assert "disputes the “unpaid” mark on this invoice" in text.body
