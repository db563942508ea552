"""The invoice pages: billing details, the issuing form, my invoices, one invoice and its PDF; refusals on the page."""

import datetime
import html as html_lib

import pytest
from django.urls import reverse
from django.utils import timezone

from invoicing.models import BillingProfile, Invoice, InvoiceStatus
from invoicing.services import issuing
from tests.factories import BillingProfileFactory, MunicipalityFactory, UserFactory
from tests.invoicing.issuing_setup import approve_first_milestone, approve_whole, open_engagement

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def text(response) -> str:
    return html_lib.unescape(response.content.decode()).replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture
def milestone():
    engagement = open_engagement()
    return approve_first_milestone(engagement)


def _form_data(milestone, **overrides):
    data = {
        "milestone": str(milestone.pk),
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "1",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-description": "Maquettes",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "1500,00",
        "lines-1-description": "Révisions",
        "lines-1-quantity": "2",
        "lines-1-unit_price": "50",
        "lines-2-description": "",
        "lines-2-quantity": "",
        "lines-2-unit_price": "",
        "due_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "note": "",
    }
    data.update(overrides)
    return data


def test_the_billing_page_saves_normalised_details_and_goes_back_where_it_came_from(client):
    user = UserFactory()
    place = MunicipalityFactory()
    client.force_login(user)
    back = reverse("invoice-create") + "?milestone=1"

    assert "Coordonnées de facturation" in text(client.get(reverse("billing-profile")))
    response = client.post(
        reverse("billing-profile"),
        {
            "legal_name": "Élise Côté",
            "address": "12, rue Principale",
            "municipality": str(place.pk),
            "municipality_name": place.name,
            "postal_code": "g0r1a0",
            "gst_number": "123456789 rt 0001",
            "qst_number": "1234567890 TQ 0001",
            "next": back,
        },
    )

    assert response.status_code == 302 and response["Location"] == back
    profile = BillingProfile.objects.get(user=user)
    assert (profile.postal_code, profile.gst_number, profile.municipality) == ("G0R 1A0", "123456789RT0001", place)


def test_the_billing_page_shows_a_lone_tax_number_refusal_under_its_field(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("billing-profile"),
        {"legal_name": "Luc", "address": "1, rang 2", "postal_code": "G0L 1B0", "gst_number": "123456789RT0001"},
    )

    assert response.status_code == 400
    assert "entrez aussi votre numéro de TVQ" in text(response)
    assert not BillingProfile.objects.filter(user=user).exists()


def test_the_billing_page_refuses_an_outside_next(client):
    client.force_login(UserFactory())
    data = {"legal_name": "Luc", "address": "1, rang 2", "postal_code": "G0L 1B0", "next": "https://evil.example/"}

    response = client.post(reverse("billing-profile"), data)

    assert response["Location"] == reverse("billing-profile")


def test_the_engagement_page_offers_the_freelancer_to_invoice_an_approved_milestone(client, milestone):
    engagement = milestone.engagement
    client.force_login(engagement.freelancer)

    html = client.get(reverse("engagement-detail", args=[engagement.pk])).content.decode()

    assert f"{reverse('invoice-create')}?milestone={milestone.pk}" in html
    client.force_login(engagement.client)
    assert "?milestone=" not in client.get(reverse("engagement-detail", args=[engagement.pk])).content.decode()


def test_a_finished_engagement_offers_to_invoice_it_whole(client):
    engagement = approve_whole(open_engagement())
    client.force_login(engagement.freelancer)

    html = client.get(reverse("engagement-detail", args=[engagement.pk])).content.decode()

    assert f"{reverse('invoice-create')}?engagement={engagement.pk}" in html


def test_the_form_without_billing_details_says_where_to_fill_them(client, milestone):
    client.force_login(milestone.engagement.freelancer)

    page = text(client.get(reverse("invoice-create"), {"milestone": milestone.pk}))

    assert "entrez vos coordonnées de facturation" in page
    assert reverse("billing-profile") + "?next=" in page


def test_the_form_is_prefilled_from_the_milestone_and_issues_the_invoice(client, milestone):
    engagement = milestone.engagement
    BillingProfileFactory(user=engagement.freelancer, legal_name="Élise Côté")
    client.force_login(engagement.freelancer)

    page = text(client.get(reverse("invoice-create"), {"milestone": milestone.pk}))
    assert 'value="Maquettes"' in page and 'value="1500.00"' in page
    assert (timezone.localdate() + datetime.timedelta(days=30)).isoformat() in page
    assert "avec la TPS (5 %) et la TVQ (9,975 %)" in page

    response = client.post(reverse("invoice-create"), _form_data(milestone))

    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("invoice-detail", args=[invoice.pk])
    assert (invoice.number, invoice.subtotal, invoice.total) == (1, 1600, invoice.subtotal + invoice.tps + invoice.tvq)
    detail = text(client.get(response["Location"]))
    assert "Facture n° 1 émise : le client en est avisé." in detail
    assert "1 600,00 $" in detail and "80,00 $" in detail and "159,60 $" in detail and "1 839,60 $" in detail
    assert "Télécharger le PDF" in detail and "Annuler la facture" in detail


def test_a_zero_line_is_refused_on_the_form_and_nothing_is_saved(client, milestone):
    BillingProfileFactory(user=milestone.engagement.freelancer)
    client.force_login(milestone.engagement.freelancer)

    response = client.post(reverse("invoice-create"), _form_data(milestone, **{"lines-0-unit_price": "0"}))

    assert response.status_code == 400
    assert "Ligne 1 : Le prix doit être plus grand que zéro." in text(response)
    assert not Invoice.objects.exists()


def test_a_due_date_before_today_is_refused_on_the_form(client, milestone):
    BillingProfileFactory(user=milestone.engagement.freelancer)
    client.force_login(milestone.engagement.freelancer)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

    response = client.post(reverse("invoice-create"), _form_data(milestone, due_on=yesterday))

    assert response.status_code == 400
    assert "L'échéance ne peut pas précéder la date de la facture." in text(response)
    assert not Invoice.objects.exists()


def test_a_milestone_already_invoiced_is_said_on_the_form(client, milestone):
    BillingProfileFactory(user=milestone.engagement.freelancer)
    issuing.invoice_issue(
        user=milestone.engagement.freelancer,
        milestone_id=milestone.pk,
        lines=[{"description": "M", "quantity": "1", "unit_price": "10"}],
    )
    client.force_login(milestone.engagement.freelancer)

    response = client.get(reverse("invoice-create"), {"milestone": milestone.pk})

    assert response.status_code == 409
    assert "Ce jalon est déjà facturé." in text(response)


def test_the_client_gets_403_and_a_stranger_404_on_the_form(client, milestone):
    client.force_login(milestone.engagement.client)
    assert client.get(reverse("invoice-create"), {"milestone": milestone.pk}).status_code == 403
    client.force_login(UserFactory())
    assert client.get(reverse("invoice-create"), {"milestone": milestone.pk}).status_code == 404


@pytest.fixture
def invoice(milestone):
    BillingProfileFactory(user=milestone.engagement.freelancer, legal_name="Élise Côté")
    return issuing.invoice_issue(
        user=milestone.engagement.freelancer,
        milestone_id=milestone.pk,
        lines=[{"description": "Maquettes", "quantity": "1", "unit_price": "1000"}],
    )


def test_both_parties_list_read_and_download_the_invoice_and_others_get_404(client, invoice):
    client.force_login(invoice.freelancer)
    listing = text(client.get(reverse("invoice-list")))
    assert "Émises (comme pigiste)" in listing and "n° 1" in listing and "1 149,75 $" in listing

    client.force_login(invoice.client)
    listing = text(client.get(reverse("invoice-list")))
    assert "Reçues (comme client)" in listing and "Élise Côté" in listing
    detail = text(client.get(reverse("invoice-detail", args=[invoice.pk])))
    assert "Facture n° 1" in detail and "Annuler la facture" not in detail
    pdf = client.get(reverse("invoice-pdf", args=[invoice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    client.force_login(UserFactory())
    assert client.get(reverse("invoice-detail", args=[invoice.pk])).status_code == 404
    assert client.get(reverse("invoice-pdf", args=[invoice.pk])).status_code == 404


def test_the_freelancer_cancels_from_the_page_and_the_number_stays(client, invoice):
    client.force_login(invoice.freelancer)

    response = client.post(reverse("invoice-cancel", args=[invoice.pk]), follow=True)

    assert "Facture n° 1 annulée. Son numéro n'est pas réutilisé." in text(response)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == (InvoiceStatus.CANCELLED, 1)


def test_the_header_links_members_to_their_invoices(client):
    client.force_login(UserFactory())

    assert f'href="{reverse("invoice-list")}"' in client.get(reverse("invoice-list")).content.decode()


def test_my_invoices_page_holds_its_queries(client, invoice, django_assert_max_num_queries):
    client.force_login(invoice.freelancer)

    with django_assert_max_num_queries(20):
        client.get(reverse("invoice-list"))
