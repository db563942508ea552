from django.urls import path

from notifications import api

urlpatterns = [
    path("notifications/", api.NotificationListApi.as_view(), name="api-notification-list"),
    path("notifications/read/", api.NotificationReadAllApi.as_view(), name="api-notification-read-all"),
    path("notifications/<int:pk>/read/", api.NotificationReadApi.as_view(), name="api-notification-read"),
]
