"""Admin for notifications: staff see who was told what, and whether it was read and e-mailed."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.texts import notification_text


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["text", "recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__email"]
    raw_id_fields = ["recipient"]

    @admin.display(description=_("notification"))
    def text(self, notification) -> str:
        # Worded in the staff member's language, like any reader's.
        return notification_text(notification).title
