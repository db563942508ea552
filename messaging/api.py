"""/api/v1/conversations/: the same shapes as the WebSocket frames (see PROTOCOL.md)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.common.api import JSONParser, error_responses
from marketplace.common.api_input import JSONInputSerializer
from messaging import selectors, services


def conversation_payload(conversation, *, user) -> dict:
    other = conversation.freelancer if conversation.client_id == user.pk else conversation.client
    last = getattr(conversation, "last_message", None)
    return {
        "id": conversation.pk,
        # Null for two freelancers talking without a project (a peer conversation).
        "project": {"id": conversation.project_id, "title": conversation.project.title}
        if conversation.project_id
        else None,
        "client": conversation.client_id,
        "freelancer": conversation.freelancer_id,
        "with_user": {"id": other.pk, "name": other.public_name},
        "last_message": selectors.message_payload(last) if last else None,
        "last_activity_at": conversation.last_activity_at.isoformat(),
        "unread": getattr(conversation, "unread", 0),
    }


# Response shapes, for the OpenAPI schema only: the payloads themselves are built by the selectors so
# that the API and the socket frames are the same dictionaries.
class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    is_image = serializers.BooleanField()
    url = serializers.CharField()


class MessageOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="Increases within the conversation.")
    conversation = serializers.IntegerField()
    client_id = serializers.UUIDField()
    sender = serializers.IntegerField(help_text="User id.")
    body = serializers.CharField()
    body_html = serializers.CharField(help_text="The body escaped, with links made clickable.")
    created_at = serializers.DateTimeField()
    attachments = AttachmentOut(many=True)


class ConversationOut(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.DictField(help_text='{"id", "title"}; null between two freelancers.', allow_null=True)
    client = serializers.IntegerField()
    freelancer = serializers.IntegerField()
    with_user = serializers.DictField()
    last_message = MessageOut(allow_null=True)
    last_activity_at = serializers.DateTimeField()
    unread = serializers.IntegerField()


class ConversationListOut(serializers.Serializer):
    results = ConversationOut(many=True)


class MessageListOut(serializers.Serializer):
    results = MessageOut(many=True)
    has_more = serializers.BooleanField()


class ReadIn(JSONInputSerializer):
    # A message id: a whole number (0.99999 is refused, not read as 0); past the last message reads up to it.
    up_to = serializers.IntegerField(
        required=False, min_value=0, max_value=2**63 - 1, help_text="A message id; omit it to mark everything read."
    )


class ReadOut(serializers.Serializer):
    conversation = serializers.IntegerField()
    up_to = serializers.IntegerField()


class BlockOut(serializers.Serializer):
    blocked_by_me = serializers.BooleanField()
    blocked = serializers.BooleanField()


class ConversationOpenSerializer(JSONInputSerializer):
    project = serializers.IntegerField(min_value=1)
    with_user = serializers.IntegerField(min_value=1)


class ConversationListApi(APIView):
    """GET: my conversations by last activity. POST {project, with_user}: open or return the existing one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ConversationListOut)
    def get(self, request):
        conversations = selectors.conversation_list_for_user(user=request.user)
        return Response({"results": [conversation_payload(c, user=request.user) for c in conversations]})

    @extend_schema(
        request=ConversationOpenSerializer,
        responses={200: ConversationOut, 201: ConversationOut, **error_responses(404)},
    )
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


class PeerConversationOpenSerializer(JSONInputSerializer):
    with_user = serializers.IntegerField(min_value=1, help_text="The other freelancer's user id.")


class ConversationPeerOpenApi(APIView):
    """POST {with_user}: open a conversation with another freelancer, without a project, or return yours."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=PeerConversationOpenSerializer,
        responses={200: ConversationOut, 201: ConversationOut, **error_responses(400, 403, 404, 429)},
        description=(
            "Both must be freelancers; refused across a block (403), to oneself (400), and past "
            f"{services.PEER_CONVERSATIONS_PER_DAY} new peer conversations a day (429)."
        ),
    )
    def post(self, request):
        data = PeerConversationOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation, created = services.peer_conversation_open(
            user=request.user, with_user_id=data.validated_data["with_user"]
        )
        conversation = selectors.conversation_get_for_reader(user=request.user, conversation_id=conversation.pk)
        return Response(
            conversation_payload(conversation, user=request.user),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MessageSendSerializer(JSONInputSerializer):
    client_id = serializers.UUIDField()
    body = serializers.CharField(allow_blank=True, required=False, default="", trim_whitespace=False)


class MessageListApi(APIView):
    """GET: history oldest first (`after`, `before`, `limit`). POST: send (201 first time, 200 on a resend)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("after", int, description="Only messages with a greater id (catch up)."),
            OpenApiParameter("before", int, description="Only messages with a smaller id (older history)."),
            OpenApiParameter("limit", int),
        ],
        responses={200: MessageListOut, **error_responses(400)},
    )
    def get(self, request, pk):
        conversation = selectors.conversation_get_for_reader(user=request.user, conversation_id=pk)
        messages, has_more = selectors.message_list(
            conversation=conversation,
            after=request.query_params.get("after"),
            before=request.query_params.get("before"),
            limit=request.query_params.get("limit", selectors.PAGE_SIZE),
        )
        return Response({"results": [selectors.message_payload(m) for m in messages], "has_more": has_more})

    @extend_schema(
        request=MessageSendSerializer, responses={200: MessageOut, 201: MessageOut, **error_responses(409, 429)}
    )
    def post(self, request, pk):
        # Staff read but don't write; strangers get the same 404 as a missing conversation.
        conversation = selectors.conversation_get_for_participant(user=request.user, conversation_id=pk)
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

    @extend_schema(request=ReadIn, responses=ReadOut)
    def post(self, request, pk):
        conversation = selectors.conversation_get_for_reader(user=request.user, conversation_id=pk)
        data = ReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        up_to = data.validated_data.get("up_to", conversation.last_message_id)
        mark = services.conversation_mark_read(user=request.user, conversation_id=conversation.pk, up_to=up_to)
        return Response({"conversation": conversation.pk, "up_to": mark})


class ConversationBlockApi(APIView):
    """POST: block the other person of this conversation; DELETE: lift my block."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=BlockOut)
    def post(self, request, pk):
        conversation = selectors.conversation_get_for_participant(user=request.user, conversation_id=pk)
        services.user_block(user=request.user, blocked_user_id=conversation.other_user_id(request.user.pk))
        return Response(selectors.block_state(user=request.user, conversation=conversation))

    @extend_schema(responses={200: BlockOut})
    def delete(self, request, pk):
        conversation = selectors.conversation_get_for_reader(user=request.user, conversation_id=pk)
        services.user_unblock(user=request.user, blocked_user_id=conversation.other_user_id(request.user.pk))
        return Response(selectors.block_state(user=request.user, conversation=conversation))
