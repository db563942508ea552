"""Send pending search changes to Elasticsearch; with --loop, keep doing it (the search worker)."""

import logging
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.common.db_outage import DATABASE_ERRORS, database_wait
from search.outbox import outbox_drain

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Drain the search outbox into Elasticsearch (in bulk, retried while Elasticsearch is down)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Keep draining; wait while Elasticsearch or the database is down."
        )
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between drains when idle.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, loop=False, interval=1.0, batch_size=500, **options):
        delay = interval
        while True:
            try:
                result = outbox_drain(batch_size=batch_size)
            except DATABASE_ERRORS as error:
                if not loop:
                    raise
                # The entries wait in the database: drain them once it is back.
                database_wait(error=error, log=logger)
                continue
            if result.entries or result.error:
                line = ngettext(
                    "%(count)s changement envoyé (écrits : %(indexed)s, déjà à jour : %(skipped)s)",
                    "%(count)s changements envoyés (écrits : %(indexed)s, déjà à jour : %(skipped)s)",
                    result.entries,
                ) % {"count": result.entries, "indexed": result.indexed, "skipped": result.skipped}
                if result.error:
                    line += _(" ; Elasticsearch indisponible, nouvel essai plus tard : %(error)s") % {
                        "error": result.error[:200]
                    }
                self.stdout.write(line)
            if not loop:
                return
            # Back off up to a minute while Elasticsearch is down; the entries wait in the database.
            delay = min(delay * 2, 60.0) if result.error else interval
            time.sleep(delay)
