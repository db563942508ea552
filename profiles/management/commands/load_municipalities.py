"""Load Quebec's places with their MRC and region from the extract in profiles/data (run by `make run`)."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from profiles.services import municipalities_load


class Command(BaseCommand):
    help = (
        "Charge les municipalités du Québec avec leur MRC et leur région (Répertoire des municipalités, "
        "CC BY 4.0 ; Statistique Canada, Licence ouverte)."
    )

    def handle(self, *args, **options):
        count = municipalities_load()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext("%(count)s municipalité chargée.", "%(count)s municipalités chargées.", count)
                % {"count": count}
            )
        )
