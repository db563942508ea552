"""Run daily (cron or the worker's scheduler): erase accounts past their grace period, expire archives."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from privacy import services


class Command(BaseCommand):
    help = "Erase accounts whose 30-day deletion grace period is over and delete expired data-export archives."

    def handle(self, *args, **options):
        erased = services.account_deletions_purge_due()
        expired = services.data_exports_expire()
        self.stdout.write(
            ngettext("%(count)s compte effacé.", "%(count)s comptes effacés.", erased) % {"count": erased}
        )
        self.stdout.write(
            ngettext("%(count)s archive de données expirée.", "%(count)s archives de données expirées.", expired)
            % {"count": expired}
        )
