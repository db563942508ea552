"""Project-wide middleware: health probes, the request id, `?lang=` (refusals: marketplace.common.web_errors).

Each works in both sync and async stacks so the ASGI app never hops threads just for them.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.utils import translation
from django.utils.decorators import sync_and_async_middleware

from marketplace.common import health, seo
from marketplace.common.logging import bind_request_id

PROBES = {"/healthz": health.healthz, "/readyz": health.readyz}
REQUEST_ID_HEADER = "X-Request-ID"


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


def _language_from_query(request) -> None:
    language = seo.language_from_query(request.GET.get(seo.LANGUAGE_PARAM))
    if language is not None:
        translation.activate(language)
        request.LANGUAGE_CODE = language


@sync_and_async_middleware
def LanguageFromQueryMiddleware(get_response):  # noqa: N802
    """Serve `?lang=en` (or `?lang=fr-ca`) in that language, for this request only, after LocaleMiddleware.

    It makes each language of a page addressable for search engines and shared links; the choice a
    visitor keeps stays the language switch's (cookie), so such a link doesn't change it.
    """
    if iscoroutinefunction(get_response):

        async def middleware(request):
            _language_from_query(request)
            return await get_response(request)

    else:

        def middleware(request):
            _language_from_query(request)
            return get_response(request)

    return middleware
