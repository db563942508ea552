"""Run daily (cron or a scheduler): remind clients of deliveries awaiting an answer, approve the 14-day-old ones."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engagements import services


class Command(BaseCommand):
    help = "Remind clients of deliveries waiting 7 and 13 days, and approve those left 14 days without an answer."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Run it as a background task instead.")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from engagements.tasks import engagements_follow_up_deliveries

            result = engagements_follow_up_deliveries.enqueue()
            self.stdout.write(_("Suivi des livraisons planifié (tâche %(id)s).") % {"id": result.id})
            return
        counts = services.deliveries_follow_up()
        self.stdout.write(
            ngettext("%(count)s rappel envoyé.", "%(count)s rappels envoyés.", counts["reminded"])
            % {"count": counts["reminded"]}
        )
        self.stdout.write(
            ngettext(
                "%(count)s livraison approuvée automatiquement.",
                "%(count)s livraisons approuvées automatiquement.",
                counts["approved"],
            )
            % {"count": counts["approved"]}
        )
