"""Run daily (cron or the worker's scheduler): erase accounts past their grace period, expire archives."""

from django.core.management.base import BaseCommand

from profiles import privacy


class Command(BaseCommand):
    help = "Erase accounts whose 30-day deletion grace period is over and delete expired data-export archives."

    def handle(self, *args, **options):
        erased = privacy.account_deletions_purge_due()
        expired = privacy.data_exports_expire()
        self.stdout.write(f"{erased} account(s) erased, {expired} export archive(s) expired.")
