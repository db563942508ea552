"""Run daily (the scheduler runs it hourly): remind clients of unpaid invoices at the due date, +7 and +30 days."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from invoicing.services import payments
from invoicing.tasks import invoicing_remind_overdue


class Command(BaseCommand):
    help = "Remind clients of unpaid invoices at the due date, 7 days and 30 days after; never twice."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Run it as a background task instead.")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = invoicing_remind_overdue.enqueue()
            self.stdout.write(_("Rappels de factures planifiés (tâche %(id)s).") % {"id": result.id})
            return
        sent = payments.invoices_remind_overdue()
        self.stdout.write(
            ngettext("%(count)s rappel de facture envoyé.", "%(count)s rappels de factures envoyés.", sent)
            % {"count": sent}
        )
