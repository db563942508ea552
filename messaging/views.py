"""Pages of the messaging app: inbox, conversation, attachment downloads."""

import uuid

from django.contrib import messages as flash
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.common.storage import private_file_response
from marketplace.common.web_errors import catch_refusal
from messaging import selectors, services

# "?ecrire=1" on a conversation's address: put the cursor in the message box (after an "Écrire" button).
WRITE_PARAM = "ecrire"


class ConversationListView(LoginRequiredMixin, TemplateView):
    template_name = "messaging/conversation_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conversations"] = selectors.conversation_list_for_user(user=self.request.user)
        if not context["conversations"]:
            context["roles"] = selectors.inbox_roles(user=self.request.user)
        return context


class ConversationDetailView(LoginRequiredMixin, TemplateView):
    """The conversation; live through static/js/chat.js, and a plain form post without JavaScript."""

    template_name = "messaging/conversation_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.conversation = selectors.conversation_get_for_reader(user=request.user, conversation_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        conversation = self.conversation
        messages, has_more = selectors.message_list(conversation=conversation, before=self.request.GET.get("before"))
        is_participant = selectors.conversation_is_participant(user=user, conversation=conversation)
        other = conversation.freelancer if conversation.client_id == user.pk else conversation.client
        marks = selectors.read_marks(conversation=conversation)
        context.update(
            conversation=conversation,
            chat_messages=messages,
            has_older=has_more,
            is_participant=is_participant,
            other=other,
            other_read_up_to=marks.get(str(other.pk), 0),
            member_names=selectors.added_member_names(conversation=conversation),
            blocking=selectors.block_state(user=user, conversation=conversation) if is_participant else None,
            new_client_id=uuid.uuid4(),
            # Arriving from an "Écrire" button (ConversationOpenView): the cursor waits in the message box.
            focus_input=self.request.GET.get(WRITE_PARAM) == "1",
        )
        return context

    def post(self, request, pk):
        # Whatever refused the message (blocked, too long, too fast…) is said above the conversation.
        with catch_refusal(request, every=True):
            services.message_send(
                user=request.user,
                conversation_id=self.conversation.pk,
                client_id=request.POST.get("client_id"),
                body=request.POST.get("body", ""),
                uploads=request.FILES.getlist("attachments"),
            )
        return redirect("conversation-detail", pk=self.conversation.pk)


class ConversationOpenView(LoginRequiredMixin, View):
    """POST project + with_user (the "Écrire" buttons): open (or find) the conversation and go write in it.

    POST only: opening a conversation writes a row, so a link or a prefetch must not do it. A refusal
    goes back to the page of the button (`next`) with the service's reason.
    """

    def post(self, request):
        try:
            project_id = int(request.POST.get("project", ""))
            with_user_id = int(request.POST.get("with_user", ""))
        except (ValueError, TypeError):
            flash.error(request, _("Choisissez un projet et une personne."))
            return self.back(request)
        with catch_refusal(request, every=True):
            conversation, _created = services.conversation_open(
                user=request.user, project_id=project_id, with_user_id=with_user_id
            )
            return HttpResponseRedirect(f"{reverse('conversation-detail', args=[conversation.pk])}?{WRITE_PARAM}=1")
        return self.back(request)

    def back(self, request):
        back = request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(back)
        return redirect("conversation-list")


class ConversationPeerOpenView(ConversationOpenView):
    """POST with_user (the "Écrire" buttons between freelancers): open (or find) the peer conversation."""

    def post(self, request):
        try:
            with_user_id = int(request.POST.get("with_user", ""))
        except (ValueError, TypeError):
            flash.error(request, _("Choisissez une personne."))
            return self.back(request)
        with catch_refusal(request, every=True):
            conversation, _created = services.peer_conversation_open(user=request.user, with_user_id=with_user_id)
            return HttpResponseRedirect(f"{reverse('conversation-detail', args=[conversation.pk])}?{WRITE_PARAM}=1")
        return self.back(request)


class ConversationBlockView(LoginRequiredMixin, View):
    """POST: block or unblock the other person of a conversation."""

    def post(self, request, pk):
        conversation = selectors.conversation_get_for_participant(user=request.user, conversation_id=pk)
        other_id = conversation.other_user_id(request.user.pk)
        if request.POST.get("action") == "unblock":
            services.user_unblock(user=request.user, blocked_user_id=other_id)
            flash.success(request, _("Vous avez débloqué cette personne."))
        else:
            services.user_block(user=request.user, blocked_user_id=other_id)
            flash.success(request, _("Vous avez bloqué cette personne : plus aucun message ne peut être échangé."))
        return redirect("conversation-detail", pk=pk)


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Serve an attachment to the conversation's participants (and staff) only, always as a download."""

    def get(self, request, pk):
        attachment = selectors.attachment_get_for_reader(user=request.user, attachment_id=pk)
        return private_file_response(
            name=attachment.file.name, download_name=attachment.name, content_type=attachment.content_type
        )
