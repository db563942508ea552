"""The client's payment record: facts from confirmed invoices over 24 months, by due date."""

import datetime

import pytest
from django.utils import timezone

from invoicing.models import InvoiceStatus
from invoicing.selectors import (
    PaymentRecord,
    client_payment_record,
    client_payment_records,
    invoice_unpaid_past_due,
    record_since,
)
from projects import services as project_services
from projects.hooks import payment_record
from tests.factories import InvoiceFactory, QuoteFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

TODAY = datetime.date(2026, 12, 1)
NOW = timezone.make_aware(datetime.datetime(2026, 12, 1, 12, 0))


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def invoice(client, *, due: int, status=InvoiceStatus.ISSUED, received: int | None = None, **extra):
    """An invoice of `client` due `due` days from TODAY, issued 30 days before."""
    due_on = days(due)
    return InvoiceFactory(
        client=client,
        issued_on=due_on - datetime.timedelta(days=30),
        due_on=due_on,
        status=status,
        received_on=days(received) if received is not None else None,
        **extra,
    )


def test_the_record_counts_received_on_time_late_unpaid_and_the_median_delay():
    client = UserFactory()
    invoice(client, due=-100, status=InvoiceStatus.CONFIRMED, received=-103)  # 3 days early
    invoice(client, due=-80, status=InvoiceStatus.CONFIRMED, received=-80)  # on the day
    invoice(client, due=-60, status=InvoiceStatus.CONFIRMED, received=-50)  # 10 days late
    invoice(client, due=-40, status=InvoiceStatus.CONFIRMED, received=-20)  # 20 days late
    invoice(client, due=-10)  # unpaid past due
    invoice(client, due=-5, status=InvoiceStatus.DISPUTED)  # the freelancer says it never arrived
    invoice(client, due=20)  # not yet due

    record = client_payment_record(client.pk, now=NOW)

    assert record == PaymentRecord(
        since=datetime.date(2024, 12, 1),
        received=7,
        paid_on_time=2,
        paid_late=2,
        unpaid_past_due=2,
        claimed_unconfirmed=0,
        not_yet_due=1,
        median_days=5,  # the median of -3, 0, 10 and 20: (0 + 10) / 2
    )


def test_the_median_is_the_middle_delay_rounded_away_from_zero():
    client = UserFactory()
    for late_by in (-5, -2, 1):
        invoice(client, due=-50, status=InvoiceStatus.CONFIRMED, received=-50 + late_by)
    assert client_payment_record(client.pk, now=NOW).median_days == -2
    invoice(client, due=-50, status=InvoiceStatus.CONFIRMED, received=-49)  # delays -5, -2, 1, 1: median -0.5
    assert client_payment_record(client.pk, now=NOW).median_days == -1


def test_a_paid_claim_without_the_freelancers_confirmation_is_not_paid():
    client = UserFactory()
    invoice(client, due=-15, status=InvoiceStatus.PAID)  # the client says paid, not confirmed
    invoice(client, due=10, status=InvoiceStatus.PAID)  # … not due yet

    record = client_payment_record(client.pk, now=NOW)

    assert (record.paid_on_time, record.paid_late, record.median_days) == (0, 0, None)
    assert (record.unpaid_past_due, record.claimed_unconfirmed, record.not_yet_due) == (1, 1, 1)


def test_invoices_that_dont_count_stay_out_of_the_record():
    client = UserFactory()
    invoice(client, due=-10, status=InvoiceStatus.CANCELLED)
    invoice(client, due=-10, excluded_from_record=True)  # staff upheld a contest
    invoice(client, due=-10, acknowledged_at=None)  # outside the engagement flow, never acknowledged
    invoice(client, due=-800, status=InvoiceStatus.CONFIRMED, received=-700)  # due more than 24 months ago
    invoice(UserFactory(), due=-10)  # another client's

    record = client_payment_record(client.pk, now=NOW)

    assert record.received == 0 and record.unpaid_past_due == 0


def test_the_window_starts_24_months_back_by_due_date():
    client = UserFactory()
    invoice(client, due=(datetime.date(2024, 12, 1) - TODAY).days)  # exactly 24 months back: counts
    invoice(client, due=(datetime.date(2024, 11, 30) - TODAY).days)  # one day more: out
    assert client_payment_record(client.pk, now=NOW).received == 1
    assert record_since(datetime.date(2028, 2, 29)) == datetime.date(2026, 2, 28)


def test_an_engagement_invoice_counts_without_acknowledgement():
    quote = QuoteFactory()
    project_services.quote_accept(user=quote.project.owner, quote_id=quote.pk)
    engagement = quote.engagement
    invoice(engagement.client, due=-3, acknowledged_at=None, engagement=engagement)
    assert client_payment_record(engagement.client_id, now=NOW).unpaid_past_due == 1


def test_many_clients_are_read_in_one_query(django_assert_num_queries):
    first, second, silent = UserFactory(), UserFactory(), UserFactory()
    invoice(first, due=-10, status=InvoiceStatus.CONFIRMED, received=-12)
    invoice(second, due=-10)
    invoice(second, due=-20)

    with django_assert_num_queries(1):
        records = client_payment_records(client_ids=[first.pk, second.pk, silent.pk], now=NOW)

    assert (records[first.pk].paid_on_time, records[first.pk].median_days) == (1, -2)
    assert records[second.pk].unpaid_past_due == 2
    assert records[silent.pk].received == 0


def test_projects_reads_the_record_through_its_hook():
    client = UserFactory()
    invoice(client, due=-10)
    record = payment_record(client_id=client.pk)
    assert isinstance(record, PaymentRecord) and record.unpaid_past_due == 1


def test_unpaid_past_due_is_the_mark_a_client_may_contest():
    client = UserFactory()
    assert invoice_unpaid_past_due(invoice(client, due=-1), today=TODAY)
    assert not invoice_unpaid_past_due(invoice(client, due=0), today=TODAY)
    assert not invoice_unpaid_past_due(
        invoice(client, due=-9, status=InvoiceStatus.CONFIRMED, received=-9), today=TODAY
    )
    assert invoice_unpaid_past_due(invoice(client, due=-9, status=InvoiceStatus.PAID), today=TODAY)
    assert not invoice_unpaid_past_due(invoice(client, due=-9, excluded_from_record=True), today=TODAY)
