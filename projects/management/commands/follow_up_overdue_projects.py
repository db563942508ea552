"""Run daily (cron or a scheduler): remind owners of undecided projects, then close the forgotten ones."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects import services


class Command(BaseCommand):
    help = "Remind owners of projects past their closing date, then close those still undecided after a grace period."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Run it as a background task instead.")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from projects.tasks import projects_follow_up_overdue

            result = projects_follow_up_overdue.enqueue()
            self.stdout.write(_("Suivi des projets planifié (tâche %(id)s).") % {"id": result.id})
            return
        reminded = services.project_send_decision_reminders()
        closed = services.project_close_overdue()
        self.stdout.write(
            ngettext("%(count)s rappel envoyé.", "%(count)s rappels envoyés.", reminded) % {"count": reminded}
        )
        self.stdout.write(ngettext("%(count)s projet fermé.", "%(count)s projets fermés.", closed) % {"count": closed})
