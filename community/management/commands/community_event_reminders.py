"""Enqueue the sweep that reminds registered members of the events happening tomorrow (run it from cron)."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from community.tasks import send_due_event_reminders


class Command(BaseCommand):
    help = "Enqueue the event-reminder sweep (once, or every --every seconds with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep enqueuing every --every seconds.")
        parser.add_argument("--every", type=int, default=600)

    def handle(self, *args, loop=False, every=600, **options):
        while True:
            result = send_due_event_reminders.enqueue()
            self.stdout.write(_("Envoi des rappels d'événements planifié (tâche %(id)s).") % {"id": result.id})
            if not loop:
                return
            time.sleep(every)
