"""Project-wide middleware: health probes, the request id, and the 429 answer for rate limits.

Each works in both sync and async stacks so the ASGI app never hops threads just for them.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.utils.decorators import sync_and_async_middleware

from marketplace import health
from marketplace.errors import RateLimited
from marketplace.logging import bind_request_id
from marketplace.ratelimit import ratelimited_response

PROBES = {"/healthz": health.healthz, "/readyz": health.readyz}
REQUEST_ID_HEADER = "X-Request-ID"
# allauth's own limits (login, sign-up, password reset) answer 429 without saying when to retry.
DEFAULT_RETRY_AFTER = 60


@sync_and_async_middleware
def HealthCheckMiddleware(get_response):  # noqa: N802 (middleware are named like classes in settings)
    """Answer /healthz and /readyz before Host validation, the HTTPS redirect, sessions and CSRF."""
    if iscoroutinefunction(get_response):

        async def middleware(request):
            probe = PROBES.get(request.path.rstrip("/"))
            if probe is not None:
                # The checks do blocking I/O (database, Redis): run them in a worker thread.
                return await sync_to_async(probe)(request)
            return await get_response(request)

    else:

        def middleware(request):
            probe = PROBES.get(request.path.rstrip("/"))
            if probe is not None:
                return probe(request)
            return get_response(request)

    return middleware


@sync_and_async_middleware
def RequestIdMiddleware(get_response):  # noqa: N802
    """Take X-Request-ID from the proxy (or make one), bind it for logs, and send it back."""
    if iscoroutinefunction(get_response):

        async def middleware(request):
            with bind_request_id(request.headers.get(REQUEST_ID_HEADER)) as request_id:
                request.request_id = request_id
                response = await get_response(request)
                response[REQUEST_ID_HEADER] = request_id
                return response

    else:

        def middleware(request):
            with bind_request_id(request.headers.get(REQUEST_ID_HEADER)) as request_id:
                request.request_id = request_id
                response = get_response(request)
                response[REQUEST_ID_HEADER] = request_id
                return response

    return middleware


def _ratelimit_process_exception(request, exception):
    if isinstance(exception, RateLimited):
        return ratelimited_response(
            request, retry_after=getattr(exception, "retry_after", None), message=str(exception.message)
        )
    return None


def _ratelimit_process_response(request, response):
    if response.status_code == 429 and not response.has_header("Retry-After"):
        response["Retry-After"] = str(getattr(request, "ratelimit_retry_after", None) or DEFAULT_RETRY_AFTER)
    return response


@sync_and_async_middleware
def RateLimitMiddleware(get_response):  # noqa: N802
    """Turn a RateLimited raised in a view into the 429 page; make sure every 429 says when to retry."""
    if iscoroutinefunction(get_response):

        async def middleware(request):
            return _ratelimit_process_response(request, await get_response(request))

    else:

        def middleware(request):
            return _ratelimit_process_response(request, get_response(request))

    middleware.process_exception = _ratelimit_process_exception
    return middleware
