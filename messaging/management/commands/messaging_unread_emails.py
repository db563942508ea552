"""Enqueue the sweep that emails members about messages left unread for 10 minutes (run it from cron)."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from messaging.tasks import email_unread_messages


class Command(BaseCommand):
    help = "Enqueue the unread-messages email sweep (once, or every --every seconds with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep enqueuing every --every seconds.")
        parser.add_argument("--every", type=int, default=60)

    def handle(self, *args, loop=False, every=60, **options):
        while True:
            result = email_unread_messages.enqueue()
            self.stdout.write(_("Envoi des courriels de messages non lus planifié (tâche %(id)s).") % {"id": result.id})
            if not loop:
                return
            time.sleep(every)
