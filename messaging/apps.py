from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from collectives import hooks as collective_hooks
from community import hooks as community_hooks
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
        from messaging import events, selectors, services

        notification_hooks.unread_changed_listen(events.unread_changed)
        # The members a joint quote assigns join its author's conversation with the client.
        project_hooks.joint_quote_changed_listen(services.joint_quote_participants_add)
        # Nobody is invited into a collective across a block.
        collective_hooks.blocked_user_ids_provide(selectors.blocked_user_ids)
        # The "Écrire" buttons of the project pages follow this app's rules.
        project_hooks.writing_rules_set(
            project_hooks.WritingRules(
                blocked_user_ids=selectors.blocked_user_ids,
                blocked_between=selectors.blocked_between,
                conversation_with_owner=selectors.conversation_with_owner,
            )
        )
        # A block also hides posts and refuses replies between the two on a group's bulletin board.
        community_hooks.block_rules_set(
            community_hooks.BlockRules(
                blocked_user_ids=selectors.blocked_user_ids, blocked_between=selectors.blocked_between
            )
        )
