"""Helpers shared by the projects services: parsing, per-field errors and after-commit pushes."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import MAX_AMOUNT


class FieldErrors:
    """Collects every field error of one input so the user sees them all at once."""

    def __init__(self):
        self.errors: dict[str, list] = {}

    def add(self, field: str, message) -> None:
        self.errors.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        from marketplace.errors import ValidationFailed

        if self.errors:
            first = next(iter(self.errors.values()))[0]
            raise ValidationFailed(first, errors=self.errors)


def parse_decimal(value, *, field: str, errors: FieldErrors, required: bool = False) -> Decimal | None:
    """A Decimal from a form, JSON or Python value; None when empty."""
    if value is None or value == "":
        if required:
            errors.add(field, _("Ce champ est obligatoire."))
        return None
    if isinstance(value, float):
        # Floats arrive from JSON; go through str so 0.1 stays 0.1.
        value = str(value)
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except (InvalidOperation, ValueError):
        errors.add(field, _("Entrez un nombre valide."))
        return None
    if not number.is_finite():
        errors.add(field, _("Entrez un nombre valide."))
        return None
    return number


def check_amount(value: Decimal | None, *, field: str, errors: FieldErrors) -> None:
    """Money is above zero and at most 10 000 000 $."""
    if value is None:
        return
    if value <= 0:
        errors.add(field, _("Le montant doit être supérieur à 0 $."))
    elif value > MAX_AMOUNT:
        errors.add(field, _("Le montant ne peut pas dépasser 10 000 000 $."))
    elif value != value.quantize(Decimal("0.01")):
        errors.add(field, _("Le montant a au plus deux décimales."))


def parse_date(value, *, field: str, errors: FieldErrors) -> datetime.date | None:
    """A date from a form, JSON (ISO) or Python value; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field, _("Entrez une date valide (AAAA-MM-JJ)."))
        return None


def parse_int(value, *, field: str, errors: FieldErrors) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors.add(field, _("Entrez un nombre entier."))
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(field, _("Entrez un nombre entier."))
        return None
    if not number.is_finite() or number != number.to_integral_value():
        errors.add(field, _("Entrez un nombre entier."))
        return None
    return int(number)


def parse_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "on", "yes", "oui"}
    return bool(value)


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


def today() -> datetime.date:
    return timezone.localdate()


def project_url(project_id: int) -> str:
    return reverse("project-detail", args=[project_id])


def after_commit_quote_changed(quote) -> None:
    """Tell the live layer a quote appeared or changed state, once the change is committed."""

    def push():
        from messaging import events

        events.quote_changed(quote)

    transaction.on_commit(push)
