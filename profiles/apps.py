from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from marketplace.common.quota import storage_owner_register
from notifications import hooks as notification_hooks


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = _("Comptes et profils")

    def ready(self):
        # Avatars and portfolio images count against their member's storage quota.
        storage_owner_register(
            model=self.get_model("FreelancerProfile"), owner_lookup="user_id", size_field="avatar_size"
        )
        storage_owner_register(
            model=self.get_model("PortfolioImage"), owner_lookup="item__profile__user_id", size_field="size"
        )
        # Modules that read models, imported once the apps are loaded. `receivers`: what a sign-in does.
        from profiles import receivers  # noqa: F401
        from profiles.email_preferences import email_allowed

        # Notification e-mails follow each member's e-mail preferences, kept here.
        notification_hooks.email_allowed_set(email_allowed)
