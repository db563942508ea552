from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from profiles import hooks as profile_hooks


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Confidentialité")

    def ready(self):
        # Signing in during the grace period keeps the account, on the site and through the API alike
        # (services reads models: imported once the apps are loaded).
        from privacy.services import account_deletion_cancel_on_login

        profile_hooks.sign_in_listen(account_deletion_cancel_on_login)
