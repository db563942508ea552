import pytest
from django.db import IntegrityError

from tests.factories import BillingProfileFactory, InvoiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_an_invoice_number_serves_once_per_freelancer():
    invoice = InvoiceFactory(number=7)
    InvoiceFactory(number=7)  # another freelancer's 7
    with pytest.raises(IntegrityError):
        InvoiceFactory(number=7, freelancer=invoice.freelancer)


def test_a_billing_profile_needs_both_numbers_to_charge_taxes():
    assert BillingProfileFactory().is_tax_registered
    assert not BillingProfileFactory(qst_number="").is_tax_registered
