"""Send the daily digest of saved-search matches (run once a day)."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from search.services import saved_searches_send_digests


class Command(BaseCommand):
    help = "Notify freelancers with a daily saved search of the projects that matched since the last digest."

    def handle(self, *args, **options):
        sent = saved_searches_send_digests()
        self.stdout.write(
            ngettext(
                "%(count)s résumé de recherche sauvegardée envoyé.",
                "%(count)s résumés de recherches sauvegardées envoyés.",
                sent,
            )
            % {"count": sent}
        )
