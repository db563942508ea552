from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from marketplace.common.changes import changes_follow


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Recherche")

    def ready(self):
        # Models are read by these modules: imported once the apps are loaded.
        from search.fulltext import fulltext_refresh
        from search.outbox import outbox_listen, outbox_record

        # Every change the domain apps say they made reaches the outbox, in their own transaction.
        changes_follow(outbox_record)
        # The database backend's full-text rows follow every change the outbox records.
        outbox_listen(fulltext_refresh)
