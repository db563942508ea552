"""Overdue invoices remind the client at the due date, +7 and +30 days, each once, with a moved clock."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from invoicing.models import Invoice, InvoiceEvent, InvoiceEventKind, InvoiceStatus
from invoicing.services import payments as services
from invoicing.tasks import invoicing_remind_overdue
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from tests.factories import InvoiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

DUE = datetime.date(2026, 12, 1)


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    """A moment of that day in Quebec: the clock the reminders run with."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def after_due(days: int, hour: int = 9) -> datetime.datetime:
    return at(DUE + datetime.timedelta(days=days), hour)


@pytest.fixture
def invoice():
    return InvoiceFactory(issued_on=DUE - datetime.timedelta(days=30), due_on=DUE)


def reminders(invoice):
    return list(
        Notification.objects.filter(recipient=invoice.client, kind=NotificationKind.INVOICE_OVERDUE).order_by("pk")
    )


def sent(invoice) -> int:
    return Invoice.objects.get(pk=invoice.pk).reminders_sent


def test_nothing_is_sent_before_the_due_date(invoice):
    assert services.invoices_remind_overdue(now=after_due(-1, hour=23)) == 0
    assert (sent(invoice), reminders(invoice)) == (0, [])


def test_reminders_go_out_at_the_due_date_then_7_and_30_days_later_each_exactly_once(invoice):
    timeline = [
        (0, 1, 1),  # the due date, early morning
        (0, 0, 1),  # the same day again
        (1, 0, 1),
        (6, 0, 1),
        (7, 1, 2),
        (7, 0, 2),
        (29, 0, 2),
        (30, 1, 3),
        (31, 0, 3),
        (400, 0, 3),
    ]
    for days, sent_now, count in timeline:
        assert services.invoices_remind_overdue(now=after_due(days, hour=0)) == sent_now, days
        assert sent(invoice) == count, days

    assert len(reminders(invoice)) == 3
    assert [row.note for row in InvoiceEvent.objects.filter(invoice=invoice, kind=InvoiceEventKind.REMINDED)] == [
        "1",
        "2",
        "3",
    ]
    assert [n.params["days_late"] for n in reminders(invoice)] == [0, 7, 30]
    assert Notification.objects.exclude(recipient=invoice.client).count() == 0


def test_a_run_that_missed_stages_sends_one_reminder_not_a_burst(invoice):
    assert services.invoices_remind_overdue(now=after_due(12)) == 1

    assert sent(invoice) == 2
    assert len(reminders(invoice)) == 1
    assert services.invoices_remind_overdue(now=after_due(29)) == 0
    assert services.invoices_remind_overdue(now=after_due(30)) == 1
    assert sent(invoice) == 3


@pytest.mark.parametrize(
    "change",
    [
        {"status": InvoiceStatus.PAID, "paid_on": DUE},
        {"status": InvoiceStatus.CONFIRMED, "received_on": DUE},
        {"status": InvoiceStatus.CANCELLED},
        {"excluded_from_record": True},
        {"acknowledged_at": None},  # outside the engagement flow and not acknowledged: not the client's debt here
    ],
)
def test_paid_cancelled_excluded_or_unacknowledged_invoices_are_not_chased(invoice, change):
    Invoice.objects.filter(pk=invoice.pk).update(**change)

    assert services.invoices_remind_overdue(now=after_due(30)) == 0
    assert (sent(invoice), reminders(invoice)) == (0, [])


def test_a_disputed_payment_is_chased_again(invoice):
    services.invoices_remind_overdue(now=after_due(0))
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.DISPUTED, paid_on=DUE)

    assert services.invoices_remind_overdue(now=after_due(7)) == 1
    assert sent(invoice) == 2


def test_the_overdue_reminder_reads_in_french_and_in_english(invoice):
    Invoice.objects.filter(pk=invoice.pk).update(freelancer_name="Émile Ébert")
    services.invoices_remind_overdue(now=after_due(0))
    services.invoices_remind_overdue(now=after_due(7))
    first, second = reminders(invoice)
    number = invoice.number

    with translation.override("fr"):
        assert notification_text(first) == (
            f"Facture n° {number} à payer aujourd'hui",
            "Émile Ébert attend le paiement de cette facture (1\u202f149,75\u00a0$), qui arrive à échéance "
            "aujourd'hui, le 1 décembre 2026. Une fois payée, marquez-la payée sur sa page.",
        )
        assert notification_text(second) == (
            f"Facture n° {number} en retard de 7 jours",
            "Émile Ébert attend toujours le paiement de cette facture (1\u202f149,75\u00a0$), due le 1 décembre "
            "2026. Une fois payée, marquez-la payée sur sa page.",
        )
    with translation.override("en"):
        assert notification_text(first) == (
            f"Invoice no. {number} due today",
            "Émile Ébert is waiting for the payment of this invoice ($1,149.75), due today, December 1, 2026. "
            "Once you've paid it, mark it paid on its page.",
        )
        assert notification_text(second) == (
            f"Invoice no. {number} 7 days overdue",
            "Émile Ébert is still waiting for the payment of this invoice ($1,149.75), due on December 1, 2026. "
            "Once you've paid it, mark it paid on its page.",
        )


def test_the_command_and_the_task_remind_once_with_the_real_clock(capsys):
    today = timezone.localdate()
    invoice = InvoiceFactory(issued_on=today - datetime.timedelta(days=40), due_on=today - datetime.timedelta(days=8))

    call_command("invoice_reminders")
    assert capsys.readouterr().out == "1 rappel de facture envoyé.\n"
    call_command("invoice_reminders")
    assert capsys.readouterr().out == "0 rappels de factures envoyés.\n"
    assert sent(invoice) == 2

    Invoice.objects.filter(pk=invoice.pk).update(due_on=today - datetime.timedelta(days=30))
    assert invoicing_remind_overdue.call() == 1
    assert invoicing_remind_overdue.call() == 0
    assert sent(invoice) == 3
    assert len(reminders(invoice)) == 2


def test_the_command_can_enqueue_the_task_instead(capsys, invoice):
    Invoice.objects.filter(pk=invoice.pk).update(due_on=timezone.localdate())

    call_command("invoice_reminders", "--enqueue")

    assert capsys.readouterr().out.startswith("Rappels de factures planifiés (tâche ")
    assert sent(invoice) == 1  # the test settings run tasks at once


@pytest.fixture(scope="module")
def _sync_after_playwright():
    """After a browser test, Playwright's event loop lingers in this thread and trips Django's async guard."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_reminder_once(_sync_after_playwright, transactional_db):
    invoices = [InvoiceFactory(issued_on=DUE - datetime.timedelta(days=30), due_on=DUE) for _ in range(5)]
    barrier = threading.Barrier(2)
    counts = []
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            counts.append(services.invoices_remind_overdue(now=after_due(7)))
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(counts) == 5
    assert Notification.objects.filter(kind=NotificationKind.INVOICE_OVERDUE).count() == 5
    assert [sent(invoice) for invoice in invoices] == [2] * 5
