from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projets et soumissions")

    def ready(self):
        # A project written before sign-up is saved for the new account, and goes live on e-mail confirmation.
        from projects import receivers  # noqa: F401
