"""The web pages' one translation of domain errors into what the user sees.

Two pieces, so no view writes its own `except DomainError`:

- `DomainErrorMiddleware` answers the refusals that have a page of their own, wherever a view raises them:
  NotFound → the 404 page, PermissionDenied → the 403 page (with the rule's message), Gone → the 410 page,
  RateLimited → the 429 page with Retry-After. Any other refusal a view didn't expect stays a server error.
- `catch_refusal` shows the other refusals where the user is: on the form's fields (the rest on top of
  it), or as a message on the page the view goes back to. The API (`marketplace.common.api.exception_handler`)
  and the socket (`messaging.consumers`) have their own one place each.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from asgiref.sync import iscoroutinefunction
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.decorators import sync_and_async_middleware

from marketplace.common.errors import DomainError, Gone, NotFound, PermissionDenied, RateLimited
from marketplace.common.ratelimit import ratelimited_response

# allauth's own limits (login, sign-up, password reset) answer 429 without saying when to retry.
DEFAULT_RETRY_AFTER = 60
# The refusals that leave the page for one of their own, unless the view shows every refusal in place.
PAGE_REFUSALS = (NotFound, PermissionDenied, Gone, RateLimited)


def _process_exception(request, exception):
    if not isinstance(exception, PAGE_REFUSALS):
        return None
    if isinstance(exception, RateLimited):
        return ratelimited_response(
            request, retry_after=getattr(exception, "retry_after", None), message=str(exception.message)
        )
    if isinstance(exception, Gone):
        context = {
            "message": exception.message,
            "action_url": exception.action_url,
            "action_label": exception.action_label,
        }
        return HttpResponse(render_to_string("410.html", context, request=request), status=410)
    # Raised, not answered: Django then gives its 404 or 403 page (handler404/403, the debug page, the log line)
    # exactly as for a view that raises Http404 itself.
    if isinstance(exception, NotFound):
        raise Http404(str(exception.message)) from None
    raise DjangoPermissionDenied(str(exception.message)) from None


def _process_response(request, response):
    if response.status_code == 429 and not response.has_header("Retry-After"):
        response["Retry-After"] = str(getattr(request, "ratelimit_retry_after", None) or DEFAULT_RETRY_AFTER)
    return response


@sync_and_async_middleware
def DomainErrorMiddleware(get_response):  # noqa: N802 (middleware are named like classes in settings)
    """Turn the refusals with a page of their own into that page; make sure every 429 says when to retry."""
    if iscoroutinefunction(get_response):

        async def middleware(request):
            return _process_response(request, await get_response(request))

    else:

        def middleware(request):
            return _process_response(request, get_response(request))

    middleware.process_exception = _process_exception
    return middleware


@dataclass
class Refusal:
    """What `catch_refusal` caught, if anything: falsy when the block ran through."""

    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def errors(self) -> dict:
        """The refusal as `{field: [messages]}` (or `{"detail": message}`), for a page that lists them itself."""
        return self.error.as_dict() if self.error is not None else {}


@contextmanager
def catch_refusal(request=None, *, form=None, every: bool = False) -> Iterator[Refusal]:
    """Catch a service's refusal in the block and show it where the user is; the code after the block runs on.

    With `form`: under each field the refusal names, the rest on top of the form (the view re-renders it).
    With only `request`: as messages on the next page, one per field message, else the refusal's own.
    With neither: only caught, for the view to read from the `Refusal` yielded.
    Not found, forbidden, gone and too many requests leave for their own page (DomainErrorMiddleware), unless
    `every`: the user pressed a button on a page that still stands, and reads there why it didn't work.
    """
    refusal = Refusal()
    try:
        yield refusal
    except DomainError as error:
        if isinstance(error, PAGE_REFUSALS) and not every:
            raise
        refusal.error = error
        field_messages = error.errors or {None: [error.message]}
        if form is not None:
            for field, field_errors in field_messages.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, str(message))
        elif request is not None:
            for field_errors in field_messages.values():
                for message in field_errors:
                    messages.error(request, str(message))
