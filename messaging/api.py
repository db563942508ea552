"""/api/v1/conversations/: the same shapes as the WebSocket frames (see PROTOCOL.md)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.errors import PermissionDenied
from messaging import selectors, services


def conversation_payload(conversation, *, user) -> dict:
    other = conversation.freelancer if conversation.client_id == user.pk else conversation.client
    last = getattr(conversation, "last_message", None)
    return {
        "id": conversation.pk,
        "project": {"id": conversation.project_id, "title": conversation.project.title},
        "client": conversation.client_id,
        "freelancer": conversation.freelancer_id,
        "with_user": {"id": other.pk, "name": other.public_name},
        "last_message": selectors.message_payload(last) if last else None,
        "last_activity_at": conversation.last_activity_at.isoformat(),
        "unread": getattr(conversation, "unread", 0),
    }


class ConversationOpenSerializer(serializers.Serializer):
    project = serializers.IntegerField(min_value=1)
    with_user = serializers.IntegerField(min_value=1)


class ConversationListApi(APIView):
    """GET: my conversations by last activity. POST {project, with_user}: open or return the existing one."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        conversations = selectors.conversation_list_for_user(user=request.user)
        return Response({"results": [conversation_payload(c, user=request.user) for c in conversations]})

    def post(self, request):
        data = ConversationOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation, created = services.conversation_open(
            user=request.user, project_id=data.validated_data["project"], with_user_id=data.validated_data["with_user"]
        )
        conversation = selectors.conversation_get_for_reader(user=request.user, conversation_id=conversation.pk)
        return Response(
            conversation_payload(conversation, user=request.user),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MessageSendSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    body = serializers.CharField(allow_blank=True, required=False, default="", trim_whitespace=False)


class MessageListApi(APIView):
    """GET: history oldest first (`after`, `before`, `limit`). POST: send (201 first time, 200 on a resend)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get(self, request, pk):
        conversation = selectors.conversation_get_for_reader(user=request.user, conversation_id=pk)
        messages, has_more = selectors.message_list(
            conversation=conversation,
            after=request.query_params.get("after"),
            before=request.query_params.get("before"),
            limit=request.query_params.get("limit", selectors.PAGE_SIZE),
        )
        return Response({"results": [selectors.message_payload(m) for m in messages], "has_more": has_more})

    def post(self, request, pk):
        # Staff read but don't write; strangers get the same 404 as a missing conversation.
        conversation = selectors.conversation_get_for_reader(user=request.user, conversation_id=pk)
        if not selectors.conversation_is_participant(user=request.user, conversation=conversation):
            raise PermissionDenied(_("Lecture seule : vous ne participez pas à cette conversation."))
        data = MessageSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message, created = services.message_send(
            user=request.user,
            conversation_id=conversation.pk,
            client_id=data.validated_data["client_id"],
            body=data.validated_data["body"],
            uploads=request.FILES.getlist("attachments"),
        )
        return Response(
            selectors.message_payload(message), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class ConversationReadApi(APIView):
    """POST {up_to}: mark read up to a message id (omit it to read everything)."""

    permission_classes = [IsAuthenticated]

    def post(self, request, pk):
        conversation = selectors.conversation_get_for_reader(user=request.user, conversation_id=pk)
        up_to = request.data.get("up_to", conversation.last_message_id)
        mark = services.conversation_mark_read(user=request.user, conversation_id=conversation.pk, up_to=up_to)
        return Response({"conversation": conversation.pk, "up_to": mark})


class ConversationBlockApi(APIView):
    """POST: block the other person of this conversation; DELETE: lift my block."""

    permission_classes = [IsAuthenticated]

    def post(self, request, pk):
        conversation = selectors.conversation_get_for_reader(user=request.user, conversation_id=pk)
        if not selectors.conversation_is_participant(user=request.user, conversation=conversation):
            raise PermissionDenied(_("Lecture seule : vous ne participez pas à cette conversation."))
        services.user_block(user=request.user, blocked_user_id=conversation.other_user_id(request.user.pk))
        return Response(selectors.block_state(user=request.user, conversation=conversation))

    def delete(self, request, pk):
        conversation = selectors.conversation_get_for_reader(user=request.user, conversation_id=pk)
        services.user_unblock(user=request.user, blocked_user_id=conversation.other_user_id(request.user.pk))
        return Response(selectors.block_state(user=request.user, conversation=conversation))
