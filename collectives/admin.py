from django.contrib import admin

from collectives.models import Collective, CollectiveMembership


class MembershipInline(admin.TabularInline):
    model = CollectiveMembership
    fk_name = "collective"
    extra = 0
    fields = ("member", "role", "status", "invited_by", "joined_at", "left_at")
    raw_id_fields = ("member", "invited_by")


@admin.register(Collective)
class CollectiveAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    raw_id_fields = ("municipality", "created_by")
    inlines = [MembershipInline]


@admin.register(CollectiveMembership)
class CollectiveMembershipAdmin(admin.ModelAdmin):
    list_display = ("collective", "member", "role", "status", "joined_at", "left_at")
    list_filter = ("role", "status")
    search_fields = ("collective__name", "member__email")
    raw_id_fields = ("collective", "member", "invited_by")
