"""Run hourly: send the daily email digest to members who chose it (at most one a day each)."""

from django.core.management.base import BaseCommand

from profiles import privacy


class Command(BaseCommand):
    help = "Send the daily notification digests that are due."

    def handle(self, *args, **options):
        sent = privacy.email_digests_send()
        self.stdout.write(f"{sent} digest(s) sent.")
