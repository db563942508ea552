"""One ASGI application for HTTP and WebSocket; production runs it in uvicorn workers."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
# As django.core.asgi.get_asgi_application(), with the handler that caps the views running at once.
django.setup(set_prefix=False)

from marketplace.common.handlers import MarketplaceASGIHandler  # noqa: E402

django_asgi_app = MarketplaceASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from marketplace.common.live import ServerLoopMiddleware  # noqa: E402
from marketplace.common.runtime import garbage_collector_tune  # noqa: E402
from messaging.routing import websocket_urlpatterns  # noqa: E402


def build_application(http_app=None) -> ServerLoopMiddleware:
    """The HTTP and WebSocket routes; tests build a fresh one so middleware reads their settings.

    ServerLoopMiddleware lets the live pushes of ORM code running in worker threads (a chat message
    saved by a socket or a view) go out through the server's event loop without holding the thread.
    """
    return ServerLoopMiddleware(
        ProtocolTypeRouter(
            {
                "http": http_app or django_asgi_app,
                "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
            }
        )
    )


application = build_application()

# Last: what start-up loaded is frozen out of the collector's sight.
garbage_collector_tune()
