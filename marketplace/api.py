"""API plumbing shared by every app: one translation of domain errors into JSON."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, parsers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from marketplace.errors import DomainError
from marketplace.json_input import JSONInputError, json_input_loads


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
