"""The HTTP half of the ASGI application: Django's handler, with a cap on views running at once.

Under ASGI, Django runs each request's view in a thread of its own. Without a cap, a burst of
requests became hundreds of threads per worker, each with its own PostgreSQL connection, fighting
for one GIL (PostgreSQL ran out of connections and every page slowed down together). Here at most
`HTTP_MAX_IN_FLIGHT` requests of a process run their view at once; the others wait on the event
loop, which costs no thread and no connection. Reading the body and sending the response stay
outside the cap, so a slow client does not hold a place.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.db import DatabaseError, connections


def release_database_connections() -> None:
    """Close this thread's database connections (back to the pool when there is one).

    An HTTP request's thread ends with the request, so a connection it keeps could never serve
    another request: it would stay open until the garbage collector found it.
    """
    for connection in connections.all(initialized_only=True):
        # A connection that fails to close is gone anyway; the response is already built.
        with contextlib.suppress(DatabaseError):
            connection.close()


class MarketplaceASGIHandler(ASGIHandler):
    """Django's ASGI handler; at most HTTP_MAX_IN_FLIGHT views run at once per process (0: no cap)."""

    def __init__(self):
        super().__init__()
        # One semaphore per event loop: a semaphore that once waited belongs to its loop, and the
        # test suite runs the application in several loops.
        self._in_flight: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def _slots(self) -> asyncio.Semaphore | None:
        limit = settings.HTTP_MAX_IN_FLIGHT
        if not limit:
            return None
        loop = asyncio.get_running_loop()
        slots = self._in_flight.get(loop)
        if slots is None:
            slots = self._in_flight[loop] = asyncio.Semaphore(limit)
        return slots

    async def get_response_async(self, request):
        slots = self._slots()
        async with slots if slots is not None else contextlib.nullcontext():
            try:
                return await super().get_response_async(request)
            finally:
                # In the request's own thread (the request's thread-sensitive context), before the
                # next waiting request takes the place and a connection.
                await sync_to_async(release_database_connections)()
