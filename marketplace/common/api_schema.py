"""The OpenAPI schema's AutoSchema: each operation also lists the refusals the plumbing can answer.

Views list the refusals of their own rules (`error_responses(403, 409)` in their `extend_schema`); the
ones that follow from how a view is built are added here, from the view itself, so none is forgotten:

- 400 and 415 where a request body is read: malformed JSON, a wrong type, a media type not parsed;
- 401 where a token or session is read: a wrong token is refused even where signing in is optional;
- 403 on unsafe methods where a session is read: a session without its CSRF token;
- 404 where the path names an object, or the list is paged (a page past the end);
- 429 where the method is rate limited (`marketplace.common.ratelimit.ratelimit`).
"""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.utils import extend_schema_field
from rest_framework.authentication import SessionAuthentication

from marketplace.common.api import error_responses

_UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        body = operation.get("requestBody")
        if body and any("required" in media.get("schema", {}) for media in body.get("content", {}).values()):
            # A body with required fields is itself required (drf-spectacular says so for serializers only).
            body["required"] = True
        codes = self._plumbing_statuses(operation)
        responses = operation["responses"]
        for code, response in error_responses(*sorted(codes)).items():
            responses.setdefault(
                str(code),
                {"description": response.description, "content": {"application/json": {"schema": response.response}}},
            )
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _plumbing_statuses(self, operation: dict) -> set[int]:
        codes: set[int] = set()
        # The view's own answer for this method: the generator gives it a request of that method.
        authenticators = self.view.get_authenticators()
        parameters = {parameter["name"]: parameter["in"] for parameter in operation.get("parameters", [])}
        if "requestBody" in operation:
            codes |= {400, 415}
        if authenticators:
            codes.add(401)
        if self.method in _UNSAFE and any(isinstance(a, SessionAuthentication) for a in authenticators):
            codes.add(403)
        paged = getattr(self.view, "pagination_class", None) is not None and parameters.get("page") == "query"
        if "path" in parameters.values() or paged:
            codes.add(404)
        handler = getattr(self.view, self.method.lower(), None)
        if getattr(handler, "ratelimit_scope", None):
            codes.add(429)
        return codes


# A text the service refuses when it holds only spaces ("Ce champ est obligatoire.").
NOT_BLANK = r"\S"
# An amount as DRF's DecimalField reads it: a JSON number, or a string holding one ("72.50"). The exponent
# has at most four digits: Python's decimals refuse the larger ones as no number at all.
DECIMAL = {
    "anyOf": [
        {"type": "number"},
        {"type": "string", "pattern": r"^\s*[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]{1,4})?\s*$"},
    ]
}


def documented(field, schema: dict):
    """`field` with `schema` as its OpenAPI schema: the rules its service checks, stated for clients.

    The serializer keeps checking types only, so users still read the service's message. The schema
    goes on a subclass: DRF copies a serializer's fields by calling their class again.
    """
    cls = type(field)
    field.__class__ = extend_schema_field(schema)(type(cls.__name__, (cls,), {"__module__": cls.__module__}))
    return field
