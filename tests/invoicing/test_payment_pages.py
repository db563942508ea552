"""The payment panel of an invoice page and its confirmation pages: what each side sees, asks and gets."""

import datetime
import html as html_lib

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from invoicing.models import Invoice, InvoiceEvent, InvoiceStatus
from invoicing.services import payments as services
from tests.factories import InvoiceFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def invoice():
    return InvoiceFactory(issued_on=days_ago(10), due_on=days_ago(-20))


@pytest.fixture
def outside_invoice():
    return InvoiceFactory(issued_on=days_ago(3), due_on=days_ago(-27), acknowledged_at=None)


def detail(invoice) -> str:
    return reverse("invoice-detail", args=[invoice.pk])


def text(response) -> str:
    return html_lib.unescape(response.content.decode())


def state(invoice):
    return Invoice.objects.values("status", "paid_on", "received_on", "acknowledged_at").get(pk=invoice.pk)


def test_the_client_sees_acknowledge_and_mark_paid_with_today_s_date(client, outside_invoice):
    client.force_login(outside_invoice.client)

    page = text(client.get(detail(outside_invoice)))

    assert "Reconnaître cette facture" in page
    assert "elle ne compte dans votre dossier de paiement qu'une fois reconnue" in page
    assert "Marquer comme payée" in page
    assert f'name="paid_on" value="{timezone.localdate().isoformat()}"' in page
    assert "Confirmer la réception" not in page
    assert "Paiement non reçu ?" not in page


def test_the_freelancer_sees_confirm_receipt_then_payment_not_received_once_marked_paid(client, invoice):
    client.force_login(invoice.freelancer)
    page = text(client.get(detail(invoice)))
    assert "Confirmer la réception" in page
    assert 'name="note"' not in page  # nothing to dispute before the client says they paid
    assert "Marquer comme payée" not in page and "Reconnaître cette facture" not in page

    services.invoice_mark_paid(user=invoice.client, invoice_id=invoice.pk, paid_on=days_ago(2).isoformat())
    page = text(client.get(detail(invoice)))

    assert "Paiement non reçu ? Dites-le au client" in page
    assert f'name="received_on" value="{days_ago(2).isoformat()}"' in page  # the date the client gave
    assert "Le client dit avoir payé le" in page


def test_an_engagement_invoice_offers_nothing_to_acknowledge(client, invoice):
    client.force_login(invoice.client)

    page = text(client.get(detail(invoice)))

    assert "Reconnaître cette facture" not in page
    assert "Marquer comme payée" in page


def test_mark_paid_asks_to_confirm_first_and_changes_nothing_until_then(client, invoice):
    client.force_login(invoice.client)
    before = state(invoice)

    response = client.post(reverse("invoice-mark-paid", args=[invoice.pk]), {"paid_on": days_ago(1).isoformat()})

    assert response.status_code == 200
    page = text(response)
    assert f"Marquer la facture n° {invoice.number} comme payée ?" in page
    assert "Oui, marquer comme payée" in page
    assert f'value="{days_ago(1).isoformat()}"' in page
    assert 'name="confirmed" value="1"' in page
    assert state(invoice) == before


def test_confirming_mark_paid_goes_back_to_the_invoice_with_the_news_and_the_history(client, invoice):
    client.force_login(invoice.client)

    response = client.post(
        reverse("invoice-mark-paid", args=[invoice.pk]), {"paid_on": days_ago(1).isoformat(), "confirmed": "1"}
    )

    assert response.status_code == 302
    assert response["Location"] == detail(invoice) + "#paiement"
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on) == (InvoiceStatus.PAID, days_ago(1))
    page = text(client.get(detail(invoice)))
    assert "Facture marquée payée : le ou la pigiste en est avisé·e." in page
    assert "Marquée payée par le client" in page
    assert "Marquer comme payée" not in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (lambda inv: days_ago(-1).isoformat(), "La date ne peut pas être dans le futur."),
        (lambda inv: days_ago(11).isoformat(), "La date ne peut pas précéder la date de la facture"),
        (lambda inv: "31/11/2026", "Entrez une date valide (AAAA-MM-JJ)."),
    ],
)
def test_a_bad_paid_date_comes_back_on_the_confirmation_page_under_the_field(client, invoice, typed, message):
    client.force_login(invoice.client)
    before = state(invoice)

    response = client.post(
        reverse("invoice-mark-paid", args=[invoice.pk]), {"paid_on": typed(invoice), "confirmed": "1"}
    )

    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert 'aria-invalid="true"' in page
    assert state(invoice) == before


def test_a_second_mark_paid_is_told_on_the_invoice_page(client, invoice):
    client.force_login(invoice.client)
    url = reverse("invoice-mark-paid", args=[invoice.pk])
    client.post(url, {"paid_on": days_ago(3).isoformat(), "confirmed": "1"})

    response = client.post(url, {"paid_on": days_ago(1).isoformat(), "confirmed": "1"}, follow=True)

    page = text(response)
    assert "Vous avez déjà marqué cette facture payée le" in page
    assert Invoice.objects.get(pk=invoice.pk).paid_on == days_ago(3)


def test_the_freelancer_confirms_receipt_through_its_confirmation_page(client, invoice):
    client.force_login(invoice.freelancer)
    url = reverse("invoice-confirm-receipt", args=[invoice.pk])

    ask = text(client.post(url, {"received_on": days_ago(2).isoformat()}))
    assert "C'est définitif" in ask and "Oui, confirmer la réception" in ask

    response = client.post(url, {"received_on": days_ago(2).isoformat(), "confirmed": "1"}, follow=True)

    page = text(response)
    assert "Réception confirmée : le client en est avisé." in page
    assert "Paiement reçu le" in page
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.CONFIRMED


def test_the_freelancer_disputes_with_a_note_the_client_then_reads(client, invoice):
    services.invoice_mark_paid(user=invoice.client, invoice_id=invoice.pk, paid_on=days_ago(2).isoformat())
    client.force_login(invoice.freelancer)
    url = reverse("invoice-dispute-payment", args=[invoice.pk])

    ask = text(client.post(url, {"note": "Rien reçu <b>du tout</b>."}))
    assert "Oui, signaler le paiement non reçu" in ask
    assert "Rien reçu <b>du tout</b>.</textarea>" in ask  # the note carried over, escaped in the page's source

    client.post(url, {"note": "Rien reçu <b>du tout</b>.", "confirmed": "1"})

    client.force_login(invoice.client)
    response = client.get(detail(invoice))
    assert "Rien reçu &lt;b&gt;du tout&lt;/b&gt;." in response.content.decode()
    page = text(response)
    assert "Le client dit avoir payé le" in page and "n'a rien reçu" in page
    assert "Marquer comme payée" in page  # again, with a new date


def test_a_blank_dispute_note_is_refused_on_the_confirmation_page(client, invoice):
    services.invoice_mark_paid(user=invoice.client, invoice_id=invoice.pk, paid_on=days_ago(2).isoformat())
    client.force_login(invoice.freelancer)

    response = client.post(reverse("invoice-dispute-payment", args=[invoice.pk]), {"note": "  ", "confirmed": "1"})

    assert response.status_code == 400
    assert "Dites au client ce qui manque" in text(response)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID


def test_the_client_acknowledges_through_its_confirmation_page(client, outside_invoice):
    client.force_login(outside_invoice.client)
    url = reverse("invoice-acknowledge", args=[outside_invoice.pk])

    ask = text(client.get(url))
    assert f"Reconnaître la facture n° {outside_invoice.number} ?" in ask

    page = text(client.post(url, {"confirmed": "1"}, follow=True))

    assert "Facture reconnue : elle compte maintenant dans votre dossier de paiement." in page
    assert "Facture reconnue par le client" in page
    assert Invoice.objects.get(pk=outside_invoice.pk).acknowledged_at is not None


def test_a_stranger_gets_404_everywhere_and_a_visitor_is_sent_to_log_in(client, invoice):
    urls = [
        reverse(name, args=[invoice.pk])
        for name in ("invoice-acknowledge", "invoice-mark-paid", "invoice-confirm-receipt", "invoice-dispute-payment")
    ]
    before = state(invoice)
    for url in urls:
        response = client.post(url, {"paid_on": days_ago(1).isoformat(), "confirmed": "1"})
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))

    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 404
        posted = {"paid_on": days_ago(1).isoformat(), "received_on": days_ago(1).isoformat(), "note": "x"}
        assert client.post(url, {**posted, "confirmed": "1"}).status_code == 404
    assert state(invoice) == before
    assert InvoiceEvent.objects.filter(invoice=invoice).count() == 0


def test_the_wrong_side_is_refused_with_403_and_a_button_it_may_not_use_leads_back_to_the_invoice(client, invoice):
    client.force_login(invoice.freelancer)
    url = reverse("invoice-mark-paid", args=[invoice.pk])

    assert client.get(url)["Location"] == detail(invoice) + "#paiement"
    assert client.post(url, {"paid_on": days_ago(1).isoformat(), "confirmed": "1"}).status_code == 403
    assert state(invoice)["status"] == InvoiceStatus.ISSUED


def test_the_panel_reads_in_english(client, invoice):
    services.invoice_mark_paid(user=invoice.client, invoice_id=invoice.pk, paid_on=days_ago(2).isoformat())
    client.force_login(invoice.freelancer)
    client.cookies["django_language"] = "en"

    page = text(client.get(detail(invoice)))
    ask = text(client.post(reverse("invoice-dispute-payment", args=[invoice.pk]), {"note": "Nothing came."}))

    assert "Confirm receipt" in page
    assert "Payment not received? Tell the client" in page
    assert "The client says they paid on" in page
    assert "Confirmer la réception" not in page
    assert f"Report that the payment of invoice no. {invoice.number} didn't arrive?" in ask
    assert "Yes, report the payment as not received" in ask
