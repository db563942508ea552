from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    name = "engagements"
    verbose_name = _("Mandats")

    def ready(self):
        from engagements import selectors, services
        from engagements.models import DeliveryFile
        from marketplace.common.quota import storage_owner_register
        from projects import hooks

        storage_owner_register(
            model=DeliveryFile, owner_lookup="delivery__engagement__freelancer_id", size_field="size"
        )

        # projects can't import this app: it tells us about an accepted quote, inside its transaction.
        hooks.quote_accepted_listen(services.engagement_open)
        hooks.engagement_finder_set(selectors.engagement_of_project_for)
