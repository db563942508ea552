from django.urls import path

from messaging import api

urlpatterns = [
    path("conversations/", api.ConversationListApi.as_view(), name="api-conversation-list"),
    path("conversations/peers/", api.ConversationPeerOpenApi.as_view(), name="api-conversation-peer-open"),
    path("conversations/<int:pk>/messages/", api.MessageListApi.as_view(), name="api-conversation-messages"),
    path("conversations/<int:pk>/read/", api.ConversationReadApi.as_view(), name="api-conversation-read"),
    path("conversations/<int:pk>/block/", api.ConversationBlockApi.as_view(), name="api-conversation-block"),
]
