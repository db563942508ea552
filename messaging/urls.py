from django.urls import path

from messaging import views

urlpatterns = [
    path("messages/", views.ConversationListView.as_view(), name="conversation-list"),
    path("messages/ouvrir/", views.ConversationOpenView.as_view(), name="conversation-open"),
    path("messages/ouvrir/pigiste/", views.ConversationPeerOpenView.as_view(), name="conversation-open-peer"),
    path("messages/<int:pk>/", views.ConversationDetailView.as_view(), name="conversation-detail"),
    path("messages/<int:pk>/bloquer/", views.ConversationBlockView.as_view(), name="conversation-block"),
    path("messages/pieces-jointes/<int:pk>/", views.AttachmentDownloadView.as_view(), name="message-attachment"),
]
