"""The uvicorn worker gunicorn runs in production."""

from uvicorn.workers import UvicornWorker


class MarketplaceUvicornWorker(UvicornWorker):
    """Uvicorn with WebSocket compression off and a frame size cap.

    Per-message deflate keeps a compression context per socket (hundreds of KB each): with thousands
    of open chats that is gigabytes. Frames are small JSON; the cap refuses anything absurd early.
    """

    CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, "ws_per_message_deflate": False, "ws_max_size": 262_144}
