"""WebSocket routes (the consumer arrives with the messaging issue)."""

websocket_urlpatterns = []
