from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "invoicing"
    verbose_name = _("Facturation")

    def ready(self):
        from invoicing import selectors
        from projects import hooks

        # projects can't import this app: the client page and the project page ask it for the payment record.
        hooks.payment_record_set(selectors.client_payment_record)
