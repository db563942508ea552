from django.urls import path

from messaging import api

urlpatterns = [
    path("conversations/", api.ConversationListApi.as_view(), name="api-conversation-list"),
    path("conversations/<int:pk>/messages/", api.MessageListApi.as_view(), name="api-conversation-messages"),
    path("conversations/<int:pk>/read/", api.ConversationReadApi.as_view(), name="api-conversation-read"),
    path("conversations/<int:pk>/block/", api.ConversationBlockApi.as_view(), name="api-conversation-block"),
    path("notifications/", api.NotificationListApi.as_view(), name="api-notification-list"),
    path("notifications/read/", api.NotificationReadAllApi.as_view(), name="api-notification-read-all"),
    path("notifications/<int:pk>/read/", api.NotificationReadApi.as_view(), name="api-notification-read"),
]
