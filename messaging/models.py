"""Conversations, messages, their attachments, and blocks between members."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext_lazy as _

from marketplace.common.models import TimeStampedModel
from marketplace.common.storage import RandomKey, get_private_storage


class Conversation(TimeStampedModel):
    """One client and one freelancer talking about one project, or two freelancers talking (no project).

    A peer conversation (`project` NULL) keeps the same two columns: `client` is the freelancer who
    opened it, `freelancer` the one they wrote to. We chose this over a `kind` field or a second pair of
    columns because every rule of the chat (the send path's locked read, the participant checks, the
    unread counts, the blocks) reads "the two people" from `client_id` and `freelancer_id` and needs no
    change; only what names the conversation (its project's title) learns that it can be missing.
    """

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="conversations", null=True, blank=True
    )
    # Without a project: the freelancer who opened the conversation (counted by the peer rate limit).
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    freelancer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Denormalised under the conversation's row lock so the inbox sorts and pages cheaply.
    last_message_id = models.BigIntegerField(default=0)
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Members beyond the two sides take part (a joint quote's assigned members): only then does the send
    # path read the participants to know who else receives each message.
    has_added_members = models.BooleanField(default=False)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(fields=["project", "client", "freelancer"], name="one_conversation_per_pair"),
            models.CheckConstraint(condition=~models.Q(client=models.F("freelancer")), name="conversation_two_people"),
            # Two freelancers have one conversation, whoever opened it (NULL projects escape the one above).
            models.UniqueConstraint(
                Least("client", "freelancer"),
                Greatest("client", "freelancer"),
                condition=models.Q(project__isnull=True),
                name="one_peer_conversation_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.project or _('Entre pigistes')} — {self.client} / {self.freelancer}"

    @property
    def is_peer(self) -> bool:
        """Two freelancers talking, without a project."""
        return self.project_id is None

    def other_user_id(self, user_id: int) -> int:
        return self.freelancer_id if user_id == self.client_id else self.client_id

    def recipient_ids(self, sender_id: int) -> list[int]:
        """Who receives a message `sender_id` writes: the two sides and any added member, but the sender.

        The send path sets `member_ids` when the conversation has added members.
        """
        members = self.__dict__.get("member_ids") or (self.client_id, self.freelancer_id)
        return [user_id for user_id in members if user_id != sender_id]


class Participant(models.Model):
    """A member's side of a conversation: how far they read, and when we last emailed them about it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_memberships"
    )
    last_read_id = models.BigIntegerField(default=0)
    last_emailed_at = models.DateTimeField(null=True, blank=True)
    last_emailed_message_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="one_participant_per_user")]

    def __str__(self):
        return f"{self.user} @ {self.conversation_id}"


class Message(models.Model):
    """A message; its id is the server id and increases within a conversation (inserts lock the conversation)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The sender's own id for the message: a resend after a dropped connection finds the saved one.
    client_id = models.UUIDField()
    body = models.TextField(max_length=5000, blank=True)
    # Fingerprint of body + attachments, to refuse a reused client id carrying different content.
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [models.UniqueConstraint(fields=["sender", "client_id"], name="one_message_per_client_id")]
        indexes = [
            models.Index(fields=["conversation", "id"], name="message_conversation_idx"),
            models.Index(fields=["sender", "created_at"], name="message_sender_recent_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.body[:40]}"


def attachment_key(instance, filename):
    """Kept for migration 0003 only; attachments now use RandomKey("messaging") on the private storage."""
    return f"messaging/{uuid.uuid4().hex}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    # Private storage: reached only through the permission-checked download view, never by a public URL.
    file = models.FileField(upload_to=RandomKey("messaging"), storage=get_private_storage, max_length=200)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Block(TimeStampedModel):
    """`blocker` refuses any new message with `blocked`, both ways; history stays readable."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair")]
