"""/api/v1/notifications/: a member's notifications, worded in their language."""

from django.conf import settings
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.common.api import error_responses
from notifications import selectors, services
from notifications.models import NotificationKind
from notifications.texts import notification_text


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
    text = notification_text(notification)
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
            selectors.notification_list_for_recipient(user=request.user, unread_only=params.validated_data["unread"])
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
        selectors.notification_get_for_recipient(user=request.user, notification_id=pk)
        services.notification_mark_read(user=request.user, notification_id=pk)
        notification = selectors.notification_get_for_recipient(user=request.user, notification_id=pk)
        with translation.override(_reader_language(request)):
            return Response(notification_payload(notification))
