from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from marketplace.common.changes import changes_follow, places_follow


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Recherche")

    def ready(self):
        # Models are read by these modules: imported once the apps are loaded.
        from collectives.hooks import collective_changes_follow
        from projects.hooks import nearby_freelancers_set
        from search.fulltext import fulltext_refresh
        from search.matching import nearby_freelancers
        from search.outbox import outbox_listen, outbox_record, outbox_record_collective, outbox_record_places

        # Every change the domain apps say they made reaches the outbox, in their own transaction.
        changes_follow(outbox_record)
        # A place's MRC changed (profiles' municipality loader): its profiles and projects are reindexed.
        places_follow(outbox_record_places)
        # A collective created or changed, a member in or out: its document follows (search/collectives.py).
        collective_changes_follow(outbox_record_collective)
        # The database backend's full-text rows follow every change the outbox records.
        outbox_listen(fulltext_refresh)
        # The owner's project page lists the freelancers near it ("Pigistes près de votre projet").
        nearby_freelancers_set(nearby_freelancers)
