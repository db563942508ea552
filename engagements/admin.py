from django.contrib import admin

from engagements.models import Delivery, Engagement, EngagementEvent, Milestone


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    fields = ["milestone", "status", "delivered_at", "decided_at", "change_reason"]
    readonly_fields = fields


class EventInline(admin.TabularInline):
    model = EngagementEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "milestone", "note"]
    readonly_fields = fields


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    """Read-only for staff: changes go through the services so both sides are told."""

    list_display = ["project", "client", "freelancer", "amount", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["quote", "project", "client", "freelancer", "milestones_proposed_by"]
    inlines = [MilestoneInline, DeliveryInline, EventInline]

    def has_change_permission(self, request, obj=None):
        return False
