"""The messaging side of a member's privacy rights (Loi 25): their conversations, notifications and
attachments in a data export, and what erasing their account does to them.

Called by privacy.services only (the Loi 25 app, above every app). A conversation belongs to two people: erasing one of them blanks
that person's messages and removes their attachments, and keeps the other side's messages.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils import translation

from messaging.models import Attachment, Block, Conversation, Message
from notifications.models import Notification
from notifications.texts import notification_text


def _attachment_path(attachment: Attachment) -> str:
    # The message id keeps two files with the same display name apart inside the archive.
    return f"fichiers/messages/{attachment.message_id}-{attachment.pk}-{attachment.name}"


def export_data(*, user) -> tuple[dict, list[tuple[str, object]]]:
    """The member's conversations (both sides, as they read them), notifications and blocks, plus the
    attachments they sent as `(path in the archive, FieldFile)` pairs."""
    conversations = (
        Conversation.objects.filter(Q(client=user) | Q(freelancer=user))
        .select_related("project", "client__freelancer_profile", "freelancer__freelancer_profile")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.order_by("id").prefetch_related("attachments"),
            )
        )
        .order_by("created_at", "id")
    )
    files: list[tuple[str, object]] = []
    conversation_data = []
    for conversation in conversations:
        other = conversation.freelancer if conversation.client_id == user.pk else conversation.client
        messages = []
        for message in conversation.messages.all():
            mine = message.sender_id == user.pk
            attachments = []
            for attachment in message.attachments.all():
                entry = {"name": attachment.name, "content_type": attachment.content_type, "size": attachment.size}
                # Files the other person sent are theirs: listed, not copied.
                if mine and attachment.file:
                    entry["file"] = _attachment_path(attachment)
                    files.append((entry["file"], attachment.file))
                attachments.append(entry)
            messages.append(
                {
                    "id": message.pk,
                    "from": "me" if mine else other.public_name,
                    "body": message.body,
                    "created_at": message.created_at,
                    "attachments": attachments,
                }
            )
        conversation_data.append(
            {
                "id": conversation.pk,
                # None between two freelancers (a peer conversation has no project).
                "project": {"id": conversation.project_id, "title": conversation.project.title}
                if conversation.project_id
                else None,
                "with": other.public_name,
                "my_role": "client" if conversation.client_id == user.pk else "freelancer",
                "created_at": conversation.created_at,
                "messages": messages,
            }
        )
    notifications = []
    # Worded as the member reads them on the site: in their language.
    with translation.override(user.language or "fr-ca"):
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "id"):
            text = notification_text(n)
            notifications.append(
                {
                    "kind": n.kind,
                    "title": text.title,
                    "body": text.body,
                    "url": n.url,
                    "created_at": n.created_at,
                    "read_at": n.read_at,
                    "emailed_at": n.emailed_at,
                }
            )
    blocks = [
        {"blocked": block.blocked.public_name, "created_at": block.created_at}
        for block in Block.objects.filter(blocker=user).select_related("blocked__freelancer_profile").order_by("id")
    ]
    return {"conversations": conversation_data, "notifications": notifications, "blocks": blocks}, files


def erase(*, user) -> list[tuple[object, str]]:
    """Blank the member's messages, drop their attachments, notifications and blocks.

    Returns `(storage, key)` of the attachment files, for the caller to delete once its transaction
    commits (a rollback must not leave rows pointing at deleted files).
    """
    attachments = list(Attachment.objects.filter(message__sender=user))
    files = [(attachment.file.storage, attachment.file.name) for attachment in attachments if attachment.file]
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    # The row stays so ids, order and read marks of the conversation still hold; the text goes.
    Message.objects.filter(sender=user).update(body="")
    Notification.objects.filter(recipient=user).delete()
    Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()
    return files
