"""The one input toolkit of the services: per-field error collection and the parsing of text, numbers and dates.

Every parser takes the value first, then `field` and `errors` by keyword; it adds its message under `field`
and returns None (or the cleaned value) so a service can report every bad field at once.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import ValidationFailed

# Words a checkbox or a boolean parameter sends for "yes", in both languages.
TRUE_WORDS = frozenset({"1", "true", "on", "yes", "oui"})


class FieldErrors:
    """Collects every field error of one input so the user sees them all at once."""

    def __init__(self):
        self.errors: dict[str, list] = {}

    def add(self, field: str, message) -> None:
        self.errors.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __contains__(self, field: str) -> bool:
        return field in self.errors

    def raise_if_any(self) -> None:
        """ValidationFailed with every message, the first one as its summary."""
        if self.errors:
            first = next(iter(self.errors.values()))[0]
            raise ValidationFailed(first, errors=self.errors)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value, *, field: str, errors: FieldErrors, max_length: int, required: bool = False) -> str:
    """Stripped text within its length; HTML is kept as typed and escaped where it is shown."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors.add(field, _("Ce champ est obligatoire."))
    elif len(text) > max_length:
        errors.add(
            field,
            _("%(max)s caractères au maximum (vous en avez %(count)s).") % {"max": max_length, "count": len(text)},
        )
    return text


def parse_decimal(value, *, field: str, errors: FieldErrors, required: bool = False, message=None) -> Decimal | None:
    """A Decimal from a form ("72,50", "1 200"), JSON or Python value; None when empty or refused."""
    if _blank(value):
        if required:
            errors.add(field, _("Ce champ est obligatoire."))
        return None
    # Through str for floats from JSON, so 0.1 stays 0.1; a comma and French digit groups are accepted.
    text = str(value).strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        errors.add(field, message or _("Entrez un nombre valide."))
        return None
    return number


def parse_int(value, *, field: str, errors: FieldErrors, message=None) -> int | None:
    """A whole number ("12", 12, "12.0"); None when empty or refused (a boolean is refused)."""
    if _blank(value):
        return None
    number = None
    if not isinstance(value, bool):
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        errors.add(field, message or _("Entrez un nombre entier."))
        return None
    return int(number)


def iso_date(text: str) -> datetime.date | None:
    """The date written AAAA-MM-JJ, or None: what a date field and the API schema's `date` format send.

    fromisoformat alone would also take 20261101 or week dates (2026-W45), which the schema refuses.
    """
    text = text.strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def parse_date(value, *, field: str, errors: FieldErrors) -> datetime.date | None:
    """A date from a form, JSON (AAAA-MM-JJ) or Python value; None when empty or refused."""
    if _blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    day = iso_date(str(value))
    if day is None:
        errors.add(field, _("Entrez une date valide (AAAA-MM-JJ)."))
    return day


def parse_list(value, *, field: str, errors: FieldErrors, message) -> list:
    """A list from JSON or Python, or a comma-separated string from a form; [] when empty or refused."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return value.split(",")
    if not isinstance(value, list | tuple):
        errors.add(field, message)
        return []
    return list(value)


def parse_bool(value) -> bool:
    """A checkbox or a boolean: "1", "true", "on", "yes", "oui" (any case) are true, other words false."""
    if isinstance(value, str):
        return value.strip().lower() in TRUE_WORDS
    return bool(value)
