"""Rate limits for our own views and API, counted in the Django cache (Redis when REDIS_URL is set).

Two ways to use it, both per user and per IP by default:

    from marketplace.common.ratelimit import ratelimit, ratelimit_consume

    @ratelimit(scope="project-create", rate="10/h")          # a function view, a CBV method, a DRF method
    def project_create(request): ...

    ratelimit_consume(request=request, scope="quote-submit", rate="20/h")   # inside a view: raises

Over the limit, the decorator answers 429 itself: a French page (templates/429.html) or, for the API
and JSON requests, `{"detail": "...", "retry_after": N}`; both with a `Retry-After` header.
`ratelimit_consume` raises `RateLimitExceeded` (a `marketplace.common.errors.RateLimited`), which the API's
exception handler turns into the same JSON and `DomainErrorMiddleware` into the page; the middleware
also adds the Retry-After header.

Counting uses fixed windows (one cache counter per window, atomic `add` + `incr`): cheap and shared by
every worker. A burst can reach twice the rate across a window boundary, which is fine for abuse
control. Only unsafe methods (POST, PUT, PATCH, DELETE) count unless `methods` says otherwise.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.common.errors import RateLimited

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int

    @classmethod
    def parse(cls, rate: str) -> Rate:
        """'5/m', '100/h', '3/10m' → Rate(amount, seconds)."""
        match = _RATE_RE.match(rate)
        if not match:
            raise ValueError(f"Invalid rate {rate!r}: expected 'N/unit' or 'N/<count><unit>' (s, m, h, d).")
        amount, count, unit = match.groups()
        return cls(amount=int(amount), seconds=int(count or 1) * _UNITS[unit])


class RateLimitExceeded(RateLimited):
    """Too many requests for this scope; `retry_after` is in seconds."""

    def __init__(self, *, retry_after: int, scope: str):
        super().__init__(retry_message(retry_after))
        self.retry_after = retry_after
        self.scope = scope

    def as_dict(self) -> dict:
        return {"detail": str(self.message), "retry_after": self.retry_after}


def retry_message(retry_after: int) -> str:
    """'Trop de tentatives. Réessayez dans N minutes.' with the right unit."""
    if retry_after >= 90:
        minutes = math.ceil(retry_after / 60)
        when = ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    else:
        when = ngettext("%(n)d seconde", "%(n)d secondes", retry_after) % {"n": retry_after}
    return str(_("Trop de tentatives en peu de temps. Réessayez dans %(when)s.") % {"when": when})


def client_ip(request: HttpRequest) -> str:
    """The client's IP, with the same proxy rules as allauth (ALLAUTH_TRUSTED_PROXY_COUNT)."""
    from allauth.core.internal.httpkit import get_client_ip

    return get_client_ip(getattr(request, "_request", request)) or "unknown"


def _identities(request: HttpRequest, per: tuple[str, ...]) -> list[str]:
    identities = []
    user = getattr(request, "user", None)
    for kind in per:
        if kind == "user":
            # Anonymous visitors are limited by IP only; "user" counts signed-in people across IPs.
            if user is not None and user.is_authenticated:
                identities.append(f"user:{user.pk}")
        elif kind == "ip":
            identities.append(f"ip:{client_ip(request)}")
        else:
            raise ValueError(f"Unknown rate-limit key {kind!r}: use 'user' or 'ip'.")
    return identities


def ratelimit_hit(*, scope: str, identity: str, rate: str | Rate, now: float | None = None) -> int:
    """Count one hit for `identity` in `scope`; return 0 if allowed, else the seconds until it is."""
    rate = rate if isinstance(rate, Rate) else Rate.parse(rate)
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"rl:{scope}:{rate.amount}/{rate.seconds}:{digest}:{window}"
    # `add` creates the counter only if missing (atomic), `incr` is atomic in Redis and locmem.
    if cache.add(key, 1, timeout=rate.seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=rate.seconds + 1)
            count = 1
    if count <= rate.amount:
        return 0
    return max(1, math.ceil((window + 1) * rate.seconds - now))


def scope_rate(scope: str) -> str:
    """The rate of a named scope from settings.RATE_LIMITS: one table for the web pages and the API."""
    try:
        return settings.RATE_LIMITS[scope]
    except KeyError:
        raise ValueError(f"No rate for scope {scope!r} in settings.RATE_LIMITS.") from None


def ratelimit_consume(
    *,
    request: HttpRequest,
    scope: str,
    rate: str | None = None,
    per: tuple[str, ...] = ("user", "ip"),
    methods: tuple[str, ...] = UNSAFE_METHODS,
) -> None:
    """Count this request against `rate` (default: the scope's) for each of `per`; raise when one is over."""
    if not getattr(settings, "RATELIMIT_ENABLED", True) or request.method not in methods:
        return
    rate = rate or scope_rate(scope)
    retry_after = 0
    for identity in _identities(request, per):
        retry_after = max(retry_after, ratelimit_hit(scope=scope, identity=identity, rate=rate))
    if retry_after:
        # Read by DomainErrorMiddleware to add Retry-After to whatever 429 the view or API produces.
        getattr(request, "_request", request).ratelimit_retry_after = retry_after
        raise RateLimitExceeded(retry_after=retry_after, scope=scope)


def wants_json(request: HttpRequest) -> bool:
    """API calls and fetch() requests get JSON; pages get the HTML page."""
    path = getattr(request, "path", "")
    accept = request.headers.get("Accept", "")
    return path.startswith("/api/") or ("application/json" in accept and "text/html" not in accept)


def ratelimited_response(request: HttpRequest, *, retry_after: int | None, message: str | None = None) -> HttpResponse:
    """The 429 answer: JSON for the API, the French page otherwise, with Retry-After when known."""
    request = getattr(request, "_request", request)
    message = message or (retry_message(retry_after) if retry_after else str(_("Trop de tentatives en peu de temps.")))
    if wants_json(request):
        response = JsonResponse({"detail": message, "retry_after": retry_after}, status=429)
    else:
        html = render_to_string("429.html", {"message": message, "retry_after": retry_after}, request=request)
        response = HttpResponse(html, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def ratelimit(
    *,
    scope: str,
    rate: str | None = None,
    per: tuple[str, ...] = ("user", "ip"),
    methods: tuple[str, ...] = UNSAFE_METHODS,
):
    """Decorate a view (function, CBV method or DRF method) with a limit; over it, answer 429.

    Without `rate`, the scope's rate is read from settings.RATE_LIMITS at each request.
    """
    if rate is not None:
        Rate.parse(rate)  # fail at import time on a typo, not on the first request

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            request = args[0] if hasattr(args[0], "META") else args[1]
            try:
                ratelimit_consume(request=request, scope=scope, rate=rate, per=per, methods=methods)
            except RateLimitExceeded as exc:
                return ratelimited_response(request, retry_after=exc.retry_after, message=str(exc.message))
            return view(*args, **kwargs)

        # Read by the OpenAPI schema (marketplace/common/api_schema.py): a limited operation documents its 429.
        wrapped.ratelimit_scope = scope
        return wrapped

    return decorator
