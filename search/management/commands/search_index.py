"""Rebuild the search indices from the database (alias swap), upgrade those with an older mapping, or check them."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from search import indexing
from search.backends.base import BackendUnavailable
from search.client import index_name
from search.percolator import matching_index_name


def _bar(out, label):
    def progress(done, total):
        width = 30
        filled = width if not total else int(width * done / total)
        out.write(f"\r{label:9} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        if done >= total:
            out.write("")
        out.flush()

    return progress


_KIND_LABELS = {
    "profile": gettext_lazy("profils"),
    "project": gettext_lazy("projets"),
    "collective": gettext_lazy("collectifs"),
    "coworking": gettext_lazy("espaces de travail"),
}
_CHECK_LABELS = {
    "missing": gettext_lazy("manquants"),
    "stale": gettext_lazy("périmés"),
    "extra": gettext_lazy("en trop"),
}


class Command(BaseCommand):
    help = "search_index rebuild|upgrade|check [--kind profile|project|collective]"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "upgrade", "check"])
        parser.add_argument("--kind", choices=list(indexing.KINDS), help="Only this kind (default: all).")

    def handle(self, *args, action, kind=None, **options):
        kinds = [kind] if kind else list(indexing.KINDS)
        try:
            if action == "rebuild":
                indexing.ensure_indices()
                for k in kinds:
                    label = str(_KIND_LABELS.get(k, k))
                    name = indexing.rebuild(kind=k, progress=_bar(self.stdout, label))
                    self.stdout.write(self.style.SUCCESS(f"{label} : alias {index_name(k)} → {name}"))
                if kind in (None, "profile"):
                    # The percolator's stored queries: profiles' wishes and saved searches.
                    label = str(_("souhaits"))
                    name = indexing.rebuild_matching(progress=_bar(self.stdout, label))
                    self.stdout.write(self.style.SUCCESS(f"{label} : alias {matching_index_name()} → {name}"))
                return
            if action == "upgrade":
                # On every deployment: only the indices whose mapping is older than the code's are rebuilt.
                for k in kinds:
                    label = str(_KIND_LABELS.get(k, k))
                    name = indexing.upgrade(kind=k, progress=_bar(self.stdout, label))
                    if name:
                        self.stdout.write(self.style.SUCCESS(f"{label} : alias {index_name(k)} → {name}"))
                    else:
                        self.stdout.write(_("%(kind)s : index à jour.") % {"kind": label})
                return
            problems = 0
            for k in kinds:
                report = indexing.check(kind=k)
                for label in ("missing", "stale", "extra"):
                    ids = report[label]
                    problems += len(ids)
                    shown = ", ".join(str(i) for i in ids[:20]) + (" …" if len(ids) > 20 else "")
                    self.stdout.write(
                        f"{_KIND_LABELS.get(k, k)} {_CHECK_LABELS[label]} : {len(ids)}" + (f" ({shown})" if ids else "")
                    )
            if problems:
                raise CommandError(
                    ngettext(
                        "%(count)s document diffère de la base de données : lancez « search_index rebuild ».",
                        "%(count)s documents diffèrent de la base de données : lancez « search_index rebuild ».",
                        problems,
                    )
                    % {"count": problems}
                )
            self.stdout.write(self.style.SUCCESS(_("L'index correspond à la base de données.")))
        except BackendUnavailable as exc:
            raise CommandError(_("Elasticsearch est indisponible : %(error)s") % {"error": exc}) from exc
