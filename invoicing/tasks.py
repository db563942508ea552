"""Background work of the invoicing app: idempotent, safe to run twice or at the same time."""

from django_tasks import task

from invoicing.services import payments


@task()
def invoicing_remind_overdue() -> int:
    """Remind clients of unpaid invoices at the due date, +7 and +30 days.

    At least once: each reminder is decided again under the invoice's row lock (`reminders_sent`), so a rerun
    after a worker died, or two runs at once, send nothing twice.
    """
    return payments.invoices_remind_overdue()
