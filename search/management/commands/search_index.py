"""Rebuild the search indices from the database (alias swap), or check them against it."""

from django.core.management.base import BaseCommand, CommandError

from search import indexing
from search.backends.base import BackendUnavailable
from search.client import index_name


def _bar(out, label):
    def progress(done, total):
        width = 30
        filled = width if not total else int(width * done / total)
        out.write(f"\r{label:9} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        if done >= total:
            out.write("")
        out.flush()

    return progress


class Command(BaseCommand):
    help = "search_index rebuild|check [--kind profile|project]"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument("--kind", choices=list(indexing.KINDS), help="Only this kind (default: both).")

    def handle(self, *args, action, kind=None, **options):
        kinds = [kind] if kind else list(indexing.KINDS)
        try:
            if action == "rebuild":
                indexing.ensure_indices()
                for k in kinds:
                    name = indexing.rebuild(kind=k, progress=_bar(self.stdout, k + "s"))
                    self.stdout.write(self.style.SUCCESS(f"{k}s: alias {index_name(k)} → {name}"))
                return
            problems = 0
            for k in kinds:
                report = indexing.check(kind=k)
                for label in ("missing", "stale", "extra"):
                    ids = report[label]
                    problems += len(ids)
                    shown = ", ".join(str(i) for i in ids[:20]) + (" …" if len(ids) > 20 else "")
                    self.stdout.write(f"{k}s {label}: {len(ids)}" + (f" ({shown})" if ids else ""))
            if problems:
                raise CommandError(f"{problems} documents differ from the database: run `search_index rebuild`.")
            self.stdout.write(self.style.SUCCESS("The index matches the database."))
        except BackendUnavailable as exc:
            raise CommandError(f"Elasticsearch is unavailable: {exc}") from exc
