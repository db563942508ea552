"""Admin for accounts, places, skills, profiles, portfolio and reports; moderation goes through the services."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import DomainError
from profiles import services
from profiles.models import (
    EmailPreferences,
    FreelancerProfile,
    Municipality,
    PortfolioImage,
    PortfolioItem,
    Report,
    Skill,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined", "erased_at"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "name"]
    readonly_fields = ["last_login", "date_joined", "erased_at"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("name", "language")}),
        (_("Droits"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "erased_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "population", "latitude", "longitude", "geonames_id"]
    list_filter = ["region"]
    search_fields = ["name", "search_name", "=geonames_id"]
    ordering = ["name"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


class PortfolioImageInline(admin.TabularInline):
    model = PortfolioImage
    extra = 0
    fields = ["image", "thumbnail", "width", "height", "position"]
    readonly_fields = ["image", "thumbnail", "width", "height"]


@admin.register(PortfolioItem)
class PortfolioItemAdmin(admin.ModelAdmin):
    list_display = ["title", "profile", "position", "created_at"]
    search_fields = ["title", "profile__display_name"]
    raw_id_fields = ["profile"]
    inlines = [PortfolioImageInline]


@admin.register(PortfolioImage)
class PortfolioImageAdmin(admin.ModelAdmin):
    list_display = ["id", "item", "width", "height", "created_at"]
    raw_id_fields = ["item"]


@admin.register(FreelancerProfile)
class FreelancerProfileAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "user",
        "municipality",
        "hourly_rate",
        "availability",
        "rating_average",
        "is_hidden",
    ]
    list_filter = ["is_hidden", "availability", "remote", "municipality__region"]
    search_fields = ["display_name", "headline", "user__email"]
    raw_id_fields = ["user", "municipality"]
    filter_horizontal = ["skills"]
    readonly_fields = ["rating_average", "rating_count", "completed_projects_count", "created_at", "updated_at"]


def _target_link(report: Report):
    kind_urls = {"freelancerprofile": "freelancer-detail", "project": "project-detail"}
    name = kind_urls.get(report.content_type.model)
    if name:
        return format_html('<a href="{}">{}</a>', reverse(name, args=[report.object_id]), report.target)
    return str(report.target) if report.target is not None else "—"


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "content_type", "target_display", "reason", "reporter", "status"]
    list_filter = ["status", "reason", "content_type"]
    search_fields = ["details", "reporter__email"]
    readonly_fields = [
        "reporter",
        "content_type",
        "object_id",
        "target_display",
        "reason",
        "details",
        "public_id",
        "created_at",
    ]
    fields = readonly_fields + ["status"]
    actions = ["hide_target", "dismiss"]

    @admin.display(description=_("Élément signalé"))
    def target_display(self, report):
        return _target_link(report)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reporter", "content_type")

    def has_add_permission(self, request):
        return False  # Reports come from members, through the site.

    @admin.action(description=_("Masquer l'élément signalé"))
    def hide_target(self, request, queryset):
        done = 0
        for report in queryset:
            try:
                services.report_hide_target(staff_user=request.user, report_id=report.pk)
                done += 1
            except DomainError as error:
                self.message_user(request, str(error.message), messages.ERROR)
        if done:
            self.message_user(request, _("%(count)s élément(s) masqué(s).") % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Rejeter le signalement"))
    def dismiss(self, request, queryset):
        for report in queryset:
            services.report_dismiss(staff_user=request.user, report_id=report.pk)
        self.message_user(request, _("Signalement(s) rejeté(s)."), messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Privacy records change only through their services; staff may look, not edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EmailPreferences)
class EmailPreferencesAdmin(ReadOnlyAdmin):
    list_display = ["user", "frequency", "updated_at"]
    list_filter = ["frequency"]
    search_fields = ["user__email"]
