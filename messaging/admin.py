"""Admin for messaging: staff read conversations (never write in them) and manage blocks."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from messaging.models import Attachment, Block, Conversation, Message, Participant


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = ["user", "last_read_id", "last_emailed_at"]
    readonly_fields = fields


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ["id", "sender", "body", "created_at"]
    readonly_fields = fields


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "client", "freelancer", "last_activity_at"]
    list_select_related = ["project", "client", "freelancer"]
    search_fields = ["project__title", "client__email", "freelancer__email"]
    raw_id_fields = ["project", "client", "freelancer"]
    readonly_fields = ["last_message_id", "last_activity_at"]
    inlines = [ParticipantInline, MessageInline]

    def has_change_permission(self, request, obj=None):
        # Staff read conversations for moderation; messages are only written by participants.
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "conversation", "sender", "created_at"]
    list_select_related = ["sender"]
    search_fields = ["body", "sender__email"]
    raw_id_fields = ["conversation", "sender"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "content_type", "size", "message"]
    raw_id_fields = ["message"]
    # The file has no public URL: staff open it through the same permission-checked view as members.
    fields = ["message", "name", "content_type", "size", "sha256", "width", "height", "download"]
    readonly_fields = ["download"]

    @admin.display(description=_("fichier"))
    def download(self, attachment):
        return format_html('<a href="{}">{}</a>', reverse("message-attachment", args=[attachment.pk]), attachment.name)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    raw_id_fields = ["blocker", "blocked"]
