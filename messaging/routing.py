"""WebSocket routes: one socket per tab at /ws/."""

from django.urls import path

from messaging.consumers import LiveConsumer

websocket_urlpatterns = [path("ws/", LiveConsumer.as_asgi())]
