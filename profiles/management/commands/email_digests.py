"""Run hourly: enqueue the sending of the daily email digests to members who chose them (one a day each)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from profiles.tasks import send_email_digests


class Command(BaseCommand):
    help = "Enqueue the sending of the daily notification digests that are due."

    def handle(self, *args, **options):
        # Through the task queue like every e-mail: the worker sends them, after the commit that claims them.
        result = send_email_digests.enqueue()
        self.stdout.write(_("Envoi des résumés quotidiens planifié (tâche %(id)s).") % {"id": result.id})
