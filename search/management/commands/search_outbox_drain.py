"""Send pending search changes to Elasticsearch; with --loop, keep doing it (the search worker)."""

import time

from django.core.management.base import BaseCommand

from search.outbox import outbox_drain


class Command(BaseCommand):
    help = "Drain the search outbox into Elasticsearch (in bulk, retried while Elasticsearch is down)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep draining; back off while Elasticsearch is down.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between drains when idle.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, loop=False, interval=1.0, batch_size=500, **options):
        delay = interval
        while True:
            result = outbox_drain(batch_size=batch_size)
            if result.entries or result.error:
                self.stdout.write(
                    f"{result.entries} changes sent ({result.indexed} written, {result.skipped} already newer)"
                    + (f"; Elasticsearch unavailable, will retry: {result.error[:200]}" if result.error else "")
                )
            if not loop:
                return
            # Back off up to a minute while Elasticsearch is down; the entries wait in the database.
            delay = min(delay * 2, 60.0) if result.error else interval
            time.sleep(delay)
