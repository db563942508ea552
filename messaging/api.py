"""/api/v1/conversations/: the same shapes as the WebSocket frames (see PROTOCOL.md)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api import JSONParser, error_responses
from marketplace.api_input import JSONInputSerializer
from marketplace.errors import PermissionDenied
from messaging import notifications, selectors, services
from messaging.models import NotificationKind


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
    project = serializers.DictField(help_text='{"id", "title"}')
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
        conversation = selectors.conversation_get_for_reader(user=request.user, conversation_id=pk)
        if not selectors.conversation_is_participant(user=request.user, conversation=conversation):
            raise PermissionDenied(_("Lecture seule : vous ne participez pas à cette conversation."))
        services.user_block(user=request.user, blocked_user_id=conversation.other_user_id(request.user.pk))
        return Response(selectors.block_state(user=request.user, conversation=conversation))

    @extend_schema(responses={200: BlockOut})
    def delete(self, request, pk):
        conversation = selectors.conversation_get_for_reader(user=request.user, conversation_id=pk)
        services.user_unblock(user=request.user, blocked_user_id=conversation.other_user_id(request.user.pk))
        return Response(selectors.block_state(user=request.user, conversation=conversation))


# --- Notifications ---------------------------------------------------------------------------------


class NotificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    title = serializers.CharField()
    body = serializers.CharField(help_text="May be empty.")
    url = serializers.CharField(help_text="The site page it is about (may be empty).")
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class NotificationListFilter(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)


class NotificationsReadOut(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread.")


def _reader_language(request) -> str:
    """The language the client asks for (Accept-Language), else the member's own, as in their e-mails."""
    if request.headers.get("Accept-Language"):
        return translation.get_language()
    return request.user.language or settings.LANGUAGE_CODE


def notification_payload(notification) -> dict:
    """One notification worded in the active language, by the one function that words them."""
    text = notifications.notification_text(notification)
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": str(text.title),
        "body": str(text.body),
        "url": notification.url,
        "read_at": notification.read_at.isoformat() if notification.read_at else None,
        "created_at": notification.created_at.isoformat(),
    }


class NotificationListApi(GenericAPIView):
    """My notifications, newest first, in my language (`unread=true`: only the unread ones)."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationOut

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only the unread ones.")],
        responses={200: NotificationOut(many=True), **error_responses(400, 401)},
    )
    def get(self, request):
        params = NotificationListFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = self.paginate_queryset(
            notifications.notification_list_for_recipient(
                user=request.user, unread_only=params.validated_data["unread"]
            )
        )
        with translation.override(_reader_language(request)):
            return self.get_paginated_response([notification_payload(n) for n in page])


class NotificationReadAllApi(APIView):
    """POST: mark every notification of mine as read ("Tout marquer comme lu")."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: NotificationsReadOut, **error_responses(401)},
        operation_id="notifications_read_all",
    )
    def post(self, request):
        return Response({"marked": services.notification_mark_read(user=request.user)})


class NotificationReadApi(APIView):
    """POST: mark one notification of mine as read (as opening it on the site does)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: NotificationOut, **error_responses(401, 404)})
    def post(self, request, pk):
        notifications.notification_get_for_recipient(user=request.user, notification_id=pk)
        services.notification_mark_read(user=request.user, notification_id=pk)
        notification = notifications.notification_get_for_recipient(user=request.user, notification_id=pk)
        with translation.override(_reader_language(request)):
            return Response(notification_payload(notification))
