"""Run daily (cron or a scheduler): publish the blind reviews whose 14 days after completion are over."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects import services


class Command(BaseCommand):
    help = "Publish the reviews of projects completed 14 days ago or more where only one side wrote theirs."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Run it as a background task instead.")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from projects.tasks import projects_publish_due_reviews

            result = projects_publish_due_reviews.enqueue()
            self.stdout.write(_("Publication des évaluations planifiée (tâche %(id)s).") % {"id": result.id})
            return
        published = services.reviews_publish_due()
        self.stdout.write(
            ngettext("%(count)s évaluation publiée.", "%(count)s évaluations publiées.", published)
            % {"count": published}
        )
