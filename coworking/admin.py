"""Staff's admin for coworking spaces: approving goes through the service (index, notification)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from coworking import services
from coworking.models import CoworkingPhoto, CoworkingSpace, SpaceStatus
from marketplace.common import changes
from marketplace.common.errors import DomainError


class CoworkingPhotoInline(admin.TabularInline):
    model = CoworkingPhoto
    extra = 0
    fields = ("image", "position", "uploaded_by")
    readonly_fields = ("image", "uploaded_by")


@admin.register(CoworkingSpace)
class CoworkingSpaceAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality", "status", "internet_mbps", "price_day", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "address", "municipality__name")
    autocomplete_fields = ("municipality",)
    raw_id_fields = ("proposed_by", "managers")
    # Status changes go through the actions: they reindex the space and tell the proposer.
    readonly_fields = ("status", "reviewed_at", "slug", "proposed_by")
    inlines = [CoworkingPhotoInline]
    actions = ["approve", "refuse"]

    def _decide(self, request, queryset, decide, done_message):
        done = 0
        for space in queryset:
            try:
                decide(user=request.user, space_id=space.pk)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{space.name} : {error.message}", messages.WARNING)
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Approuver les espaces choisis"))
    def approve(self, request, queryset):
        self._decide(
            request,
            queryset.exclude(status=SpaceStatus.APPROVED),
            services.space_approve,
            _("%(count)s espace(s) approuvé(s)."),
        )

    @admin.action(description=_("Refuser les espaces choisis"))
    def refuse(self, request, queryset):
        self._decide(
            request,
            queryset.exclude(status=SpaceStatus.REFUSED),
            services.space_refuse,
            _("%(count)s espace(s) refusé(s)."),
        )

    def save_model(self, request, obj, form, change):
        # Edits made here reach the search index like any other change.
        super().save_model(request, obj, form, change)
        changes.coworking_space_changed(space_id=obj.pk)
