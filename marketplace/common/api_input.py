"""The base of the API's input serializers: a JSON value of the wrong type is refused, not coerced.

DRF's fields read `"12"` as 12, `12` as `"12"`, `"yes"` or `1` as true, an integer as a UUID. The schema says
integer, string, boolean: so does the API, and a client that sends the wrong type learns it at once.
Forms and uploads (multipart) carry only strings; their values keep DRF's reading.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

_EXPECTED = {
    "string": _("Un texte est attendu."),
    "integer": _("Un nombre entier est attendu."),
    "number": _("Un nombre est attendu."),
    "boolean": _("true ou false est attendu."),
    "array": _("Une liste est attendue."),
    "object": _("Un objet JSON est attendu."),
}


class AmountField(serializers.CharField):
    """An amount handed to its service as typed: a JSON number, or a string ("72,50" as a person writes it)."""

    def to_internal_value(self, data):
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            data = str(data)
        return super().to_internal_value(data)


def _json_type(field) -> str | None:
    """The JSON type a field reads (None: any, or checked by the field itself)."""
    if isinstance(field, AmountField):
        return "number"
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, serializers.IntegerField):
        return "integer"
    if isinstance(field, (serializers.DecimalField, serializers.FloatField)):
        return "number"  # a number, or a string holding one
    if isinstance(
        field, (serializers.CharField, serializers.ChoiceField, serializers.DateField, serializers.UUIDField)
    ):
        return "string"
    if isinstance(field, (serializers.ListField, serializers.ListSerializer)):
        return "array"
    if isinstance(field, serializers.Serializer):
        return "object"
    return None


def _has_type(value, json_type: str) -> bool:
    if json_type == "boolean":
        return isinstance(value, bool)
    if json_type == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if json_type == "number":
        return isinstance(value, (int, float, str)) and not isinstance(value, bool)
    if json_type == "string":
        return isinstance(value, str)
    if json_type == "array":
        return isinstance(value, list)
    if json_type == "object":
        return isinstance(value, Mapping)
    return True


class JSONInputSerializer(serializers.Serializer):
    """An input serializer whose JSON values must have the type the schema gives them."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and not isinstance(data, QueryDict):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or name not in data or (data[name] is None and field.allow_null):
                    continue
                message = _wrong_type(field, data[name])
                if message:
                    errors[name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _wrong_type(field, value) -> str | None:
    json_type = _json_type(field)
    if json_type and not _has_type(value, json_type):
        return str(_EXPECTED[json_type])
    child = getattr(field, "child", None)
    if json_type == "array" and isinstance(field, serializers.ListField) and child is not None:
        for item in value:
            item_type = _json_type(child)
            if item_type and not (item is None and child.allow_null) and not _has_type(item, item_type):
                return str(_EXPECTED[item_type])
    return None
