"""The payment of an invoice, through its services: each rule, its message, and that a refusal changes nothing."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone, translation
from django.utils.formats import date_format

from invoicing.models import Invoice, InvoiceEvent, InvoiceEventKind, InvoiceStatus
from invoicing.selectors import invoice_get_for_party, invoice_payment_panel
from invoicing.services import payments as services
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.common.money import format_money
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from projects import services as project_services
from tests.factories import InvoiceFactory, QuoteFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

TODAY = timezone.localdate


def days_ago(days: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=days)


@pytest.fixture
def invoice():
    """Issued 10 days ago for work agreed here (acknowledged), due in 20 days."""
    return InvoiceFactory(issued_on=days_ago(10), due_on=days_ago(-20))


@pytest.fixture
def outside_invoice():
    """For work agreed outside the engagement flow, not yet acknowledged by the client."""
    return InvoiceFactory(issued_on=days_ago(3), due_on=days_ago(-27), acknowledged_at=None)


@pytest.fixture
def engagement_invoice():
    quote = QuoteFactory()
    project_services.quote_accept(user=quote.project.owner, quote_id=quote.pk)
    engagement = quote.engagement
    return InvoiceFactory(
        engagement=engagement,
        project=engagement.project,
        client=engagement.client,
        freelancer=engagement.freelancer,
        acknowledged_at=None,
        issued_on=days_ago(2),
    )


def snapshot(invoice):
    fields = ["status", "paid_on", "paid_reported_at", "received_on", "disputed_at", "dispute_note", "acknowledged_at"]
    row = Invoice.objects.values(*fields).get(pk=invoice.pk)
    return row, InvoiceEvent.objects.filter(invoice=invoice).count(), Notification.objects.count()


def kinds_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def mark_paid(invoice, paid_on=None, user=None):
    return services.invoice_mark_paid(
        user=user or invoice.client,
        invoice_id=invoice.pk,
        paid_on=days_ago(1).isoformat() if paid_on is None else paid_on,
    )


# --- Acknowledge --------------------------------------------------------------------------------------------


def test_the_client_acknowledges_an_outside_invoice_and_it_then_counts(outside_invoice):
    assert outside_invoice.counts_in_record is False

    services.invoice_acknowledge(user=outside_invoice.client, invoice_id=outside_invoice.pk)

    outside_invoice.refresh_from_db()
    assert outside_invoice.acknowledged_at is not None
    assert outside_invoice.counts_in_record is True
    event = InvoiceEvent.objects.get(invoice=outside_invoice)
    assert (event.kind, event.actor) == (InvoiceEventKind.ACKNOWLEDGED, outside_invoice.client)
    told = Notification.objects.get(recipient=outside_invoice.freelancer, kind=NotificationKind.INVOICE_ACKNOWLEDGED)
    number, client = outside_invoice.number, outside_invoice.client_name
    assert notification_text(told).title == f"Facture n° {number} reconnue"
    assert notification_text(told).body == (
        f"{client} reconnaît votre facture de {format_money(outside_invoice.total, 'fr')} : elle compte maintenant "
        "dans son dossier de paiement."
    )
    with translation.override("en"):
        assert notification_text(told).title == f"Invoice no. {number} acknowledged"


def test_marking_an_outside_invoice_paid_acknowledges_it(outside_invoice):
    services.invoice_mark_paid(
        user=outside_invoice.client, invoice_id=outside_invoice.pk, paid_on=days_ago(1).isoformat()
    )

    outside_invoice.refresh_from_db()
    assert outside_invoice.acknowledged_at == outside_invoice.paid_reported_at
    assert outside_invoice.counts_in_record is True


def test_acknowledging_an_engagement_invoice_is_refused_nothing_to_acknowledge(engagement_invoice):
    before = snapshot(engagement_invoice)

    with pytest.raises(Conflict) as refusal:
        services.invoice_acknowledge(user=engagement_invoice.client, invoice_id=engagement_invoice.pk)

    assert str(refusal.value.message) == (
        "Cette facture vient d'un mandat convenu ici : elle compte déjà, rien à reconnaître."
    )
    assert snapshot(engagement_invoice) == before


def test_only_the_client_acknowledges_the_freelancer_is_refused_a_stranger_sees_nothing(outside_invoice):
    before = snapshot(outside_invoice)

    with pytest.raises(PermissionDenied) as refusal:
        services.invoice_acknowledge(user=outside_invoice.freelancer, invoice_id=outside_invoice.pk)
    assert str(refusal.value.message) == "Seul le client de la facture peut la reconnaître."
    with pytest.raises(NotFound) as refusal:
        services.invoice_acknowledge(user=UserFactory(), invoice_id=outside_invoice.pk)
    assert str(refusal.value.message) == "Cette facture n'existe pas."

    assert snapshot(outside_invoice) == before


def test_acknowledging_twice_is_refused(outside_invoice):
    services.invoice_acknowledge(user=outside_invoice.client, invoice_id=outside_invoice.pk)
    before = snapshot(outside_invoice)

    with pytest.raises(Conflict, match="Vous avez déjà reconnu cette facture le"):
        services.invoice_acknowledge(user=outside_invoice.client, invoice_id=outside_invoice.pk)

    assert snapshot(outside_invoice) == before


# --- Mark paid ----------------------------------------------------------------------------------------------


def test_the_client_marks_paid_with_a_date_and_the_freelancer_is_told(invoice):
    services.invoice_mark_paid(user=invoice.client, invoice_id=invoice.pk, paid_on=days_ago(1).isoformat())

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.paid_on == days_ago(1)
    assert invoice.paid_reported_at is not None
    event = InvoiceEvent.objects.get(invoice=invoice)
    assert (event.kind, event.actor, event.note) == (InvoiceEventKind.PAID, invoice.client, days_ago(1).isoformat())
    assert kinds_for(invoice.freelancer) == [NotificationKind.INVOICE_PAID]
    assert kinds_for(invoice.client) == []


def test_the_payment_date_may_be_the_invoice_date_or_today(invoice):
    services.invoice_mark_paid(user=invoice.client, invoice_id=invoice.pk, paid_on=invoice.issued_on.isoformat())
    assert Invoice.objects.get(pk=invoice.pk).paid_on == invoice.issued_on

    other = InvoiceFactory(issued_on=TODAY())
    services.invoice_mark_paid(user=other.client, invoice_id=other.pk, paid_on=TODAY().isoformat())
    assert Invoice.objects.get(pk=other.pk).paid_on == TODAY()


def test_a_paid_date_before_the_invoice_date_is_refused_and_nothing_changes(invoice):
    before = snapshot(invoice)

    with pytest.raises(ValidationFailed) as refusal:
        mark_paid(invoice, paid_on=days_ago(11).isoformat())

    with translation.override("fr"):
        issued = date_format(invoice.issued_on)
    assert refusal.value.as_dict() == {"paid_on": [f"La date ne peut pas précéder la date de la facture ({issued})."]}
    assert snapshot(invoice) == before


def test_a_paid_date_in_the_future_is_refused_and_nothing_changes(invoice):
    before = snapshot(invoice)

    with pytest.raises(ValidationFailed) as refusal:
        mark_paid(invoice, paid_on=days_ago(-1).isoformat())

    assert refusal.value.as_dict() == {"paid_on": ["La date ne peut pas être dans le futur."]}
    assert snapshot(invoice) == before


@pytest.mark.parametrize("typed", ["", "   ", "2026-13-01", "2026-02-30", "20261101", "2026-W45", "hier", "01/12/2026"])
def test_a_malformed_or_missing_paid_date_is_refused_with_a_clear_message(invoice, typed):
    before = snapshot(invoice)

    with pytest.raises(ValidationFailed) as refusal:
        mark_paid(invoice, paid_on=typed)

    message = refusal.value.as_dict()["paid_on"][0]
    assert message in ("Entrez une date valide (AAAA-MM-JJ).", "Entrez une date (AAAA-MM-JJ).")
    assert snapshot(invoice) == before


def test_marking_paid_a_cancelled_invoice_is_refused(invoice):
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.CANCELLED, cancelled_at=timezone.now())
    before = snapshot(invoice)

    with pytest.raises(Conflict) as refusal:
        mark_paid(invoice)

    assert str(refusal.value.message) == "Cette facture est annulée."
    assert snapshot(invoice) == before


def test_marking_paid_once_confirmed_is_refused(invoice):
    services.invoice_confirm_receipt(user=invoice.freelancer, invoice_id=invoice.pk, received_on=days_ago(2))
    before = snapshot(invoice)

    with pytest.raises(Conflict, match="Le pigiste a déjà confirmé la réception du paiement le .* : c'est définitif."):
        mark_paid(invoice)

    assert snapshot(invoice) == before


def test_marking_paid_twice_is_refused_with_the_first_date(invoice):
    mark_paid(invoice, paid_on=days_ago(3).isoformat())
    before = snapshot(invoice)

    with pytest.raises(Conflict, match="Vous avez déjà marqué cette facture payée le"):
        mark_paid(invoice, paid_on=days_ago(1).isoformat())

    assert snapshot(invoice) == before
    assert Invoice.objects.get(pk=invoice.pk).paid_on == days_ago(3)


def test_only_the_client_marks_paid(invoice):
    before = snapshot(invoice)

    with pytest.raises(PermissionDenied, match="Seul le client peut marquer la facture payée."):
        mark_paid(invoice, user=invoice.freelancer)
    with pytest.raises(NotFound):
        mark_paid(invoice, user=UserFactory())
    with pytest.raises(NotFound):
        services.invoice_mark_paid(user=invoice.client, invoice_id=invoice.pk + 1000, paid_on=TODAY().isoformat())

    assert snapshot(invoice) == before


# --- Confirm receipt ----------------------------------------------------------------------------------------


def test_the_freelancer_confirms_receipt_after_the_client_marked_it_paid(invoice):
    mark_paid(invoice, paid_on=days_ago(3).isoformat())

    services.invoice_confirm_receipt(
        user=invoice.freelancer, invoice_id=invoice.pk, received_on=days_ago(1).isoformat()
    )

    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on, invoice.received_on) == (
        InvoiceStatus.CONFIRMED,
        days_ago(3),
        days_ago(1),
    )
    assert list(InvoiceEvent.objects.filter(invoice=invoice).values_list("kind", flat=True)) == [
        InvoiceEventKind.PAID,
        InvoiceEventKind.CONFIRMED,
    ]
    assert kinds_for(invoice.client) == [NotificationKind.PAYMENT_CONFIRMED]


def test_the_freelancer_may_confirm_receipt_without_the_client_marking_it_paid(invoice):
    services.invoice_confirm_receipt(user=invoice.freelancer, invoice_id=invoice.pk, received_on=days_ago(4))

    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on, invoice.received_on) == (InvoiceStatus.CONFIRMED, None, days_ago(4))


def test_confirming_receipt_on_a_cancelled_invoice_is_refused(invoice):
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.CANCELLED, cancelled_at=timezone.now())
    before = snapshot(invoice)

    with pytest.raises(Conflict, match="Cette facture est annulée."):
        services.invoice_confirm_receipt(user=invoice.freelancer, invoice_id=invoice.pk, received_on=days_ago(1))

    assert snapshot(invoice) == before


@pytest.mark.parametrize(
    ("received", "message"),
    [
        (lambda inv: (inv.issued_on - datetime.timedelta(days=1)).isoformat(), "précéder la date de la facture"),
        (lambda inv: days_ago(-3).isoformat(), "La date ne peut pas être dans le futur."),
        (lambda inv: "2026-02-30", "Entrez une date valide (AAAA-MM-JJ)."),
    ],
)
def test_the_receipt_date_follows_the_same_rules(invoice, received, message):
    before = snapshot(invoice)

    with pytest.raises(ValidationFailed) as refusal:
        services.invoice_confirm_receipt(user=invoice.freelancer, invoice_id=invoice.pk, received_on=received(invoice))

    assert message in refusal.value.as_dict()["received_on"][0]
    assert snapshot(invoice) == before


def test_confirming_twice_is_refused_it_is_final(invoice):
    services.invoice_confirm_receipt(user=invoice.freelancer, invoice_id=invoice.pk, received_on=days_ago(1))
    before = snapshot(invoice)

    with pytest.raises(Conflict, match="c'est définitif"):
        services.invoice_confirm_receipt(user=invoice.freelancer, invoice_id=invoice.pk, received_on=days_ago(1))
    with pytest.raises(Conflict, match="c'est définitif"):
        services.invoice_dispute_payment(user=invoice.freelancer, invoice_id=invoice.pk, note="Rien reçu.")

    assert snapshot(invoice) == before


def test_only_the_freelancer_confirms_receipt(invoice):
    before = snapshot(invoice)

    with pytest.raises(PermissionDenied, match="peut confirmer la réception"):
        services.invoice_confirm_receipt(user=invoice.client, invoice_id=invoice.pk, received_on=days_ago(1))
    with pytest.raises(NotFound):
        services.invoice_confirm_receipt(user=UserFactory(), invoice_id=invoice.pk, received_on=days_ago(1))

    assert snapshot(invoice) == before


# --- Dispute ------------------------------------------------------------------------------------------------


def test_the_freelancer_disputes_a_payment_marked_paid_and_the_client_may_mark_it_paid_again(invoice):
    mark_paid(invoice, paid_on=days_ago(5).isoformat())

    services.invoice_dispute_payment(
        user=invoice.freelancer, invoice_id=invoice.pk, note="  Rien reçu sur mon compte au 30 novembre.  "
    )

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DISPUTED
    assert invoice.dispute_note == "Rien reçu sur mon compte au 30 novembre."
    assert invoice.disputed_at is not None
    assert kinds_for(invoice.client) == [NotificationKind.PAYMENT_DISPUTED]
    event = InvoiceEvent.objects.filter(invoice=invoice).last()
    assert (event.kind, event.note) == (InvoiceEventKind.DISPUTED, "Rien reçu sur mon compte au 30 novembre.")

    mark_paid(invoice, paid_on=days_ago(1).isoformat())

    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on) == (InvoiceStatus.PAID, days_ago(1))
    assert kinds_for(invoice.freelancer) == [NotificationKind.INVOICE_PAID, NotificationKind.INVOICE_PAID]


def test_disputing_before_the_client_marked_it_paid_is_refused(invoice):
    before = snapshot(invoice)

    with pytest.raises(Conflict) as refusal:
        services.invoice_dispute_payment(user=invoice.freelancer, invoice_id=invoice.pk, note="Rien reçu.")

    assert str(refusal.value.message) == "Le client n'a pas encore marqué cette facture payée : rien à contester."
    assert snapshot(invoice) == before


def test_disputing_twice_is_refused(invoice):
    mark_paid(invoice)
    services.invoice_dispute_payment(user=invoice.freelancer, invoice_id=invoice.pk, note="Rien reçu.")
    before = snapshot(invoice)

    with pytest.raises(Conflict, match="Vous avez déjà signalé que ce paiement n'est pas arrivé"):
        services.invoice_dispute_payment(user=invoice.freelancer, invoice_id=invoice.pk, note="Toujours rien.")

    assert snapshot(invoice) == before


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Dites au client ce qui manque (rien reçu, montant incomplet…)."),
        ("   \n ", "Dites au client ce qui manque (rien reçu, montant incomplet…)."),
        ("x" * 2001, "2000 caractères au maximum (vous en avez 2001)."),
    ],
)
def test_a_dispute_needs_a_note_of_2000_characters_at_most(invoice, note, message):
    mark_paid(invoice)
    before = snapshot(invoice)

    with pytest.raises(ValidationFailed) as refusal:
        services.invoice_dispute_payment(user=invoice.freelancer, invoice_id=invoice.pk, note=note)

    assert refusal.value.as_dict() == {"note": [message]}
    assert snapshot(invoice) == before


def test_only_the_freelancer_disputes(invoice):
    mark_paid(invoice)
    before = snapshot(invoice)

    with pytest.raises(PermissionDenied, match="peut signaler un paiement non reçu"):
        services.invoice_dispute_payment(user=invoice.client, invoice_id=invoice.pk, note="Rien reçu.")
    with pytest.raises(NotFound):
        services.invoice_dispute_payment(user=UserFactory(), invoice_id=invoice.pk, note="Rien reçu.")

    assert snapshot(invoice) == before


def test_disputing_a_cancelled_invoice_is_refused(invoice):
    mark_paid(invoice)
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.CANCELLED, cancelled_at=timezone.now())
    before = snapshot(invoice)

    with pytest.raises(Conflict, match="Cette facture est annulée."):
        services.invoice_dispute_payment(user=invoice.freelancer, invoice_id=invoice.pk, note="Rien reçu.")

    assert snapshot(invoice) == before


# --- What each side may do now ------------------------------------------------------------------------------


def panel_flags(invoice, user):
    panel = invoice_payment_panel(user=user, invoice=invoice_get_for_party(user=user, invoice_id=invoice.pk))
    return {
        name
        for name in ("can_acknowledge", "can_mark_paid", "can_confirm_receipt", "can_dispute")
        if getattr(panel, name)
    }


def test_the_panel_offers_each_side_only_what_its_service_would_accept(outside_invoice):
    invoice = outside_invoice
    assert panel_flags(invoice, invoice.client) == {"can_acknowledge", "can_mark_paid"}
    assert panel_flags(invoice, invoice.freelancer) == {"can_confirm_receipt"}

    services.invoice_acknowledge(user=invoice.client, invoice_id=invoice.pk)
    mark_paid(invoice, paid_on=TODAY().isoformat())
    assert panel_flags(invoice, invoice.client) == set()
    assert panel_flags(invoice, invoice.freelancer) == {"can_confirm_receipt", "can_dispute"}

    services.invoice_dispute_payment(user=invoice.freelancer, invoice_id=invoice.pk, note="Rien reçu.")
    assert panel_flags(invoice, invoice.client) == {"can_mark_paid"}
    assert panel_flags(invoice, invoice.freelancer) == {"can_confirm_receipt"}

    services.invoice_confirm_receipt(user=invoice.freelancer, invoice_id=invoice.pk, received_on=TODAY())
    assert panel_flags(invoice, invoice.client) == set()
    assert panel_flags(invoice, invoice.freelancer) == set()


def test_the_history_shows_the_dates_paid_and_received(invoice):
    mark_paid(invoice, paid_on=days_ago(3).isoformat())
    services.invoice_confirm_receipt(user=invoice.freelancer, invoice_id=invoice.pk, received_on=days_ago(2))

    panel = invoice_payment_panel(
        user=invoice.client, invoice=invoice_get_for_party(user=invoice.client, invoice_id=invoice.pk)
    )

    assert [(row.event.kind, row.day) for row in panel.history] == [
        (InvoiceEventKind.PAID, days_ago(3)),
        (InvoiceEventKind.CONFIRMED, days_ago(2)),
    ]


# --- Notifications, in French and in English ----------------------------------------------------------------


def test_the_payment_notifications_read_in_french_and_in_english(invoice):
    Invoice.objects.filter(pk=invoice.pk).update(
        issued_on=datetime.date(2026, 11, 1), due_on=datetime.date(2026, 12, 1)
    )
    invoice.refresh_from_db()
    Invoice.objects.filter(pk=invoice.pk).update(freelancer_name="Émile Ébert", client_name="Fromagerie du Fleuve")
    invoice.refresh_from_db()
    mark_paid(invoice, paid_on="2026-11-20")
    services.invoice_dispute_payment(user=invoice.freelancer, invoice_id=invoice.pk, note="Rien reçu.")
    mark_paid(invoice, paid_on="2026-11-25")
    services.invoice_confirm_receipt(user=invoice.freelancer, invoice_id=invoice.pk, received_on="2026-11-26")
    paid, _paid_again = Notification.objects.filter(kind=NotificationKind.INVOICE_PAID).order_by("pk")
    disputed = Notification.objects.get(kind=NotificationKind.PAYMENT_DISPUTED)
    confirmed = Notification.objects.get(kind=NotificationKind.PAYMENT_CONFIRMED)
    number = invoice.number

    with translation.override("fr"):
        assert notification_text(paid) == (
            f"Facture n° {number} marquée payée",
            "Fromagerie du Fleuve dit avoir payé cette facture de 1\u202f149,75\u00a0$ le 20 novembre 2026. "
            "Confirmez la réception, ou signalez que le paiement n'est pas arrivé.",
        )
        assert notification_text(disputed) == (
            f"Paiement non reçu : facture n° {number}",
            "Émile Ébert n'a pas reçu votre paiement de 1\u202f149,75\u00a0$ : Rien reçu. Vous pourrez marquer la "
            "facture payée de nouveau, avec une nouvelle date.",
        )
        assert notification_text(confirmed) == (
            f"Paiement reçu : facture n° {number}",
            "Émile Ébert confirme avoir reçu votre paiement de 1\u202f149,75\u00a0$ le 26 novembre 2026. "
            "La facture est réglée.",
        )
    with translation.override("en"):
        assert notification_text(paid) == (
            f"Invoice no. {number} marked paid",
            "Fromagerie du Fleuve says they paid this $1,149.75 invoice on November 20, 2026. Confirm you "
            "received it, or report that the payment didn't arrive.",
        )
        assert notification_text(disputed) == (
            f"Payment not received: invoice no. {number}",
            "Émile Ébert did not receive your $1,149.75 payment: Rien reçu. You can mark the invoice paid again, "
            "with a new date.",
        )
        assert notification_text(confirmed) == (
            f"Payment received: invoice no. {number}",
            "Émile Ébert confirms receiving your $1,149.75 payment on November 26, 2026. The invoice is settled.",
        )


# --- Racing clicks ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _sync_after_playwright():
    """After a browser test, Playwright's event loop lingers in this thread and trips Django's async guard."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.mark.django_db(transaction=True)
def test_two_mark_paid_racing_one_wins_the_other_gets_a_clear_conflict(_sync_after_playwright, transactional_db):
    invoice = InvoiceFactory(issued_on=days_ago(10))
    barrier = threading.Barrier(2)
    outcomes = []

    def click(day):
        try:
            barrier.wait(timeout=10)
            services.invoice_mark_paid(user=invoice.client, invoice_id=invoice.pk, paid_on=day)
            outcomes.append("won")
        except Conflict as exc:
            outcomes.append(str(exc.message))
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=click, args=(days_ago(n).isoformat(),)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes)[1] == "won", outcomes
    assert sorted(outcomes)[0].startswith("Vous avez déjà marqué cette facture payée le"), outcomes
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert InvoiceEvent.objects.filter(invoice=invoice, kind=InvoiceEventKind.PAID).count() == 1
    assert Notification.objects.filter(kind=NotificationKind.INVOICE_PAID).count() == 1
