"""Settings of a uvicorn worker that serves pages to Chromium: production's, with static files found
in the source folders (as the in-process `asgi_server` fixture does) instead of a collectstatic folder."""

from marketplace.settings import *  # noqa: F403

WHITENOISE_USE_FINDERS = True
