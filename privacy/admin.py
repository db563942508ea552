from django.contrib import admin

from privacy.models import AccountDeletion, DataExport
from profiles.admin import ReadOnlyAdmin


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    list_display = ["user", "status", "created_at", "ready_at", "expires_at", "size"]
    list_filter = ["status"]
    search_fields = ["user__email"]


@admin.register(AccountDeletion)
class AccountDeletionAdmin(ReadOnlyAdmin):
    list_display = ["user", "status", "created_at", "purge_after", "cancelled_at", "completed_at"]
    list_filter = ["status"]
    search_fields = ["user__email"]
