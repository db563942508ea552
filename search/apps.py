from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Recherche")

    def ready(self):
        from search.fulltext import fulltext_refresh
        from search.outbox import outbox_listen

        # The database backend's full-text rows follow every change the outbox records.
        outbox_listen(fulltext_refresh)
