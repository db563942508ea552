"""API plumbing shared by every app: one translation of domain errors into JSON."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, parsers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from marketplace.common.errors import DomainError
from marketplace.common.json_input import JSONInputError, json_input_loads


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the project's one rule for outside JSON (bounded nesting)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json_input_loads(stream.read().decode(encoding))
        except UnicodeDecodeError:
            raise exceptions.ParseError(f"JSON parse error - not {encoding}") from None
        except JSONInputError as exc:
            raise exceptions.ParseError(str(exc.message)) from None


def exception_handler(exc, context):
    """Turn a `DomainError` into its status with a message per field; defer the rest to DRF."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


# The bodies `exception_handler` writes, for the schema: `detail` (and `action_url`, where the user can fix
# it), or a list of messages per field. Inline schemas rather than components: no name to collide.
_ERROR_BODY = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "action_url": {"type": "string"}},
    # Messages per field: a list of strings, or per item or subfield for lists and objects ({"0": [...]}).
    "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"}]},
}
_RATE_LIMITED_BODY = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "retry_after": {"type": "integer", "nullable": True}},
    "required": ["detail"],
}
_ERROR_DESCRIPTIONS = {
    400: "Invalid input: messages per field, or `detail`.",
    401: "No valid token or session.",
    403: "Signed in, but not allowed to do this.",
    404: "Not found, or not visible to the caller.",
    409: "Not possible in the object's current state.",
    410: "No longer available (e.g. an expired download link).",
    415: "The body's media type is not one this operation reads.",
    429: "Too many attempts; `Retry-After` says when to try again.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the refusals an operation can answer, e.g. `error_responses(400, 401, 404)`."""
    return {
        code: OpenApiResponse(
            response=_RATE_LIMITED_BODY if code == 429 else _ERROR_BODY, description=_ERROR_DESCRIPTIONS[code]
        )
        for code in codes
    }
