from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/<int:pk>/lire/", views.NotificationOpenView.as_view(), name="notification-read"),
]
