from django.contrib import admin

from search.models import SavedSearch, SavedSearchMatch, SearchOutboxEntry


@admin.register(SearchOutboxEntry)
class SearchOutboxEntryAdmin(admin.ModelAdmin):
    list_display = ["kind", "object_id", "created_at", "attempts"]
    list_filter = ["kind"]


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "frequency", "created_at", "last_digest_at"]
    list_filter = ["frequency"]
    raw_id_fields = ["user"]


@admin.register(SavedSearchMatch)
class SavedSearchMatchAdmin(admin.ModelAdmin):
    list_display = ["saved_search", "project", "created_at", "notified_at"]
    raw_id_fields = ["saved_search", "project"]
