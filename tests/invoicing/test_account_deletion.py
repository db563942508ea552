"""A client deleting their account with unpaid invoices: the invoices and the record survive, anonymised."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from invoicing.models import BillingProfile, Invoice, InvoiceStatus, PaymentContest
from invoicing.selectors import client_payment_record, invoices_issued_by
from privacy import services as privacy_services
from profiles.models import User
from tests.factories import BillingProfileFactory, InvoiceFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_the_invoices_and_the_record_of_a_deleted_client_stay_for_the_freelancer(
    client, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    member = UserFactory(name="Boulangerie Roy", email="roy@exemple.qc.ca")
    BillingProfileFactory(user=member, legal_name="Boulangerie Roy inc.")
    unpaid = InvoiceFactory(
        client=member,
        client_name="Boulangerie Roy inc.",
        issued_on=today - datetime.timedelta(days=50),
        due_on=today - datetime.timedelta(days=20),
    )
    paid = InvoiceFactory(
        client=member,
        freelancer=unpaid.freelancer,
        issued_on=today - datetime.timedelta(days=90),
        due_on=today - datetime.timedelta(days=60),
        status=InvoiceStatus.CONFIRMED,
        received_on=today - datetime.timedelta(days=55),
    )
    contest = PaymentContest.objects.create(
        invoice=unpaid, client_message="Travail jamais livré, voir nos courriels.", freelancer_message="Livré le 3."
    )
    privacy_services.account_deletion_request(user=member, confirmation=member.email)

    with django_capture_on_commit_callbacks(execute=True):
        assert privacy_services.account_deletions_purge_due(now=timezone.now() + datetime.timedelta(days=31)) == 1

    # The account row is anonymised and closed; the billing details are gone.
    member = User.objects.get(pk=member.pk)
    assert member.erased_at is not None and not member.is_active and member.public_name == "Ancien membre"
    assert "roy" not in member.email and member.name == ""
    assert not BillingProfile.objects.filter(user_id=member.pk).exists()
    # Their own words in the contest go; the freelancer's answer stays.
    contest.refresh_from_db()
    assert (contest.client_message, contest.freelancer_message) == ("", "Livré le 3.")
    # The invoices stay as issued: the freelancer's tax records (six years), the client's own copy untouched.
    unpaid.refresh_from_db()
    assert (unpaid.client_id, unpaid.client_name, unpaid.status) == (member.pk, "Boulangerie Roy inc.", "emise")
    assert set(invoices_issued_by(user=unpaid.freelancer)) == {unpaid, paid}
    client.force_login(unpaid.freelancer)
    listing = client.get(reverse("invoice-list")).content.decode()
    assert reverse("invoice-detail", args=[unpaid.pk]) in listing
    assert reverse("invoice-detail", args=[paid.pk]) in listing
    # The record survives, under "Ancien membre".
    record = client_payment_record(member.pk)
    assert (record.received, record.paid_late, record.unpaid_past_due) == (2, 1, 1)
    page = client.get(reverse("client-detail", args=[member.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ancien membre" in html and "Boulangerie Roy" not in html
    assert "Impayées après l'échéance" in html
    api = APIClient().get(f"/api/v1/clients/{member.pk}/").json()
    assert api["name"] == "Ancien membre"
    assert api["payment_record"]["unpaid_past_due"] == 1 and api["payment_record"]["paid_late"] == 1


def test_a_deleted_member_without_invoices_has_no_client_page(client, django_capture_on_commit_callbacks):
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.account_purge(user_id=member.pk)
    assert client.get(reverse("client-detail", args=[member.pk])).status_code == 404
    assert APIClient().get(f"/api/v1/clients/{member.pk}/").status_code == 404


def test_a_closed_but_not_erased_account_keeps_its_page_closed(client):
    closed = UserFactory(is_active=False)
    InvoiceFactory(client=closed)
    assert client.get(reverse("client-detail", args=[closed.pk])).status_code == 404
    assert Invoice.objects.filter(client=closed).exists()
