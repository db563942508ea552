"""Opening authenticated sockets on the real ASGI application."""

import json

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from marketplace.asgi import application


def session_cookie_for(user) -> str:
    """A real session for `user`, as the browser's cookie header would carry it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def communicator(cookie: str | None = None, *, origin: str = "http://127.0.0.1:8000") -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode()), (b"host", b"127.0.0.1:8000")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, "/ws/", headers=headers)


async def receive_until(comm, frame_type: str, *, timeout: float = 3.0) -> dict:
    """Frames until one of `frame_type` (the others are dropped)."""
    while True:
        frame = json.loads(await comm.receive_from(timeout=timeout))
        if frame["type"] == frame_type:
            return frame


async def drain(comm, *, timeout: float = 0.3) -> list[dict]:
    """Every frame that arrives within `timeout` of the previous one."""
    frames = []
    # receive_nothing waits without cancelling the application (a timed-out receive_from would).
    while not await comm.receive_nothing(timeout=timeout):
        frames.append(json.loads(await comm.receive_from()))
    return frames
