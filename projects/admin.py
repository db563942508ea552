from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from marketplace.common.storage import stored_files_delete
from projects.models import Invitation, Project, ProjectAttachment, Quote, QuoteLineItem, Review
from projects.services import review_hide, review_show


class QuoteInline(admin.TabularInline):
    model = Quote
    extra = 0
    fields = ["freelancer", "pricing", "amount", "estimated_hours", "delivery_days", "delivery_date", "status"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "category", "status", "visibility", "quotes_due", "is_hidden", "created_at"]
    list_filter = ["status", "visibility", "category", "is_hidden", "remote"]
    search_fields = ["title", "description", "owner__email"]
    raw_id_fields = ["owner", "municipality"]
    filter_horizontal = ["skills"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "published_at",
        "awarded_at",
        "completed_at",
        "closed_at",
        "reminder_sent_at",
        "created_at",
        "updated_at",
    ]
    inlines = [QuoteInline]
    list_select_related = ["owner"]


@admin.register(ProjectAttachment)
class ProjectAttachmentAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "content_type", "size", "project", "created_at"]
    raw_id_fields = ["project", "uploaded_by"]
    # The file has no public URL: staff open it through the same permission-checked view as members.
    fields = ["project", "uploaded_by", "name", "content_type", "size", "sha256", "download"]
    readonly_fields = ["download"]
    list_select_related = ["project"]

    @admin.display(description=_("fichier"))
    def download(self, attachment):
        url = reverse("project-attachment", args=[attachment.project_id, attachment.pk])
        return format_html('<a href="{}">{}</a>', url, attachment.name)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    # Moderation may remove a document: its file goes with the row.
    def delete_model(self, request, obj):
        self.delete_queryset(request, ProjectAttachment.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        files = [(attachment.file.storage, attachment.file.name) for attachment in queryset]
        super().delete_queryset(request, queryset)
        transaction.on_commit(lambda: stored_files_delete(files))


class QuoteLineItemInline(admin.TabularInline):
    model = QuoteLineItem
    extra = 0


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["project", "freelancer", "pricing", "amount", "status", "charges_taxes", "created_at"]
    list_filter = ["status", "pricing", "charges_taxes"]
    search_fields = ["project__title", "freelancer__email", "message"]
    raw_id_fields = ["project", "freelancer"]
    readonly_fields = ["decided_at", "revision_requested_at", "created_at", "updated_at"]
    inlines = [QuoteLineItemInline]
    list_select_related = ["project", "freelancer"]


@admin.register(QuoteLineItem)
class QuoteLineItemAdmin(admin.ModelAdmin):
    list_display = ["quote", "description", "amount", "position"]
    raw_id_fields = ["quote"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["project", "freelancer", "created_at"]
    search_fields = ["project__title", "freelancer__email"]
    raw_id_fields = ["project", "freelancer"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Hiding a review here changes what the ratings count: use the action, which recomputes them."""

    list_display = [
        "project",
        "author",
        "subject",
        "rating",
        "paid_as_agreed",
        "is_hidden",
        "created_at",
        "published_at",
    ]
    list_filter = ["rating", "paid_as_agreed", "is_hidden", "author_is_client"]
    search_fields = ["project__title", "author__email", "subject__email", "comment"]
    raw_id_fields = ["project", "author", "subject"]
    # Publication goes through the services (both sides together, ratings and notifications with it).
    readonly_fields = ["is_hidden", "published_at"]
    actions = ["hide_reviews", "show_reviews"]

    @admin.action(description="Masquer les évaluations choisies")
    def hide_reviews(self, request, queryset):
        review_hide(review_ids=queryset.values_list("pk", flat=True))

    @admin.action(description="Afficher les évaluations choisies")
    def show_reviews(self, request, queryset):
        review_show(review_ids=queryset.values_list("pk", flat=True))
