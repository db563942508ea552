from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from marketplace.common.quota import storage_owner_register
from notifications import hooks as notification_hooks
from projects import hooks as project_hooks


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messagerie")

    def ready(self):
        # Chat attachments count against their sender's storage quota.
        storage_owner_register(model=self.get_model("Attachment"), owner_lookup="message__sender_id", size_field="size")
        # Modules that read models, imported once the apps are loaded. The socket's "unread" frame counts
        # messages and notifications together.
        from messaging import events, selectors

        notification_hooks.unread_changed_listen(events.unread_changed)
        # The "Écrire" buttons of the project pages follow this app's rules.
        project_hooks.writing_rules_set(
            project_hooks.WritingRules(
                blocked_user_ids=selectors.blocked_user_ids,
                blocked_between=selectors.blocked_between,
                conversation_with_owner=selectors.conversation_with_owner,
            )
        )
