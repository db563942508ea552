"""The one input toolkit every service cleans its input with: value first, then field and errors by keyword."""

import datetime
from decimal import Decimal

import pytest

from marketplace.common import inputs
from marketplace.common.errors import ValidationFailed

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded


def _messages(errors: inputs.FieldErrors) -> dict:
    return {field: [str(m) for m in messages] for field, messages in errors.errors.items()}


def test_every_bad_field_is_reported_at_once_and_the_first_one_sums_up():
    errors = inputs.FieldErrors()
    inputs.clean_text("", field="title", errors=errors, max_length=120, required=True)
    inputs.parse_decimal("beaucoup", field="budget_min", errors=errors)

    with pytest.raises(ValidationFailed) as refused:
        errors.raise_if_any()

    assert str(refused.value.message) == "Ce champ est obligatoire."
    assert _messages(errors) == {"title": ["Ce champ est obligatoire."], "budget_min": ["Entrez un nombre valide."]}
    assert "title" in errors and "deadline" not in errors


def test_an_input_without_errors_raises_nothing():
    errors = inputs.FieldErrors()
    assert inputs.clean_text("  Logo  ", field="title", errors=errors, max_length=120, required=True) == "Logo"
    assert not errors
    errors.raise_if_any()


def test_text_longer_than_allowed_says_how_long_it_is():
    errors = inputs.FieldErrors()
    assert inputs.clean_text("x" * 12, field="bio", errors=errors, max_length=10) == "x" * 12
    assert _messages(errors) == {"bio": ["10 caractères au maximum (vous en avez 12)."]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("72,50", Decimal("72.50")),
        ("1 234,5", Decimal("1234.5")),
        ("1\u202f234", Decimal("1234")),
        (0.1, Decimal("0.1")),  # A float from JSON keeps its written digits.
        (12, Decimal("12")),
        (Decimal("3.25"), Decimal("3.25")),
    ],
)
def test_decimals_are_read_as_quebecers_write_them(value, expected):
    errors = inputs.FieldErrors()
    assert inputs.parse_decimal(value, field="amount", errors=errors) == expected
    assert not errors


@pytest.mark.parametrize("value", ["beaucoup", "NaN", "Infinity", "1,2,3"])
def test_a_decimal_that_is_no_number_is_refused_with_the_callers_words(value):
    errors = inputs.FieldErrors()
    assert inputs.parse_decimal(value, field="amount", errors=errors) is None
    assert inputs.parse_decimal(value, field="hourly_rate", errors=errors, message="Entrez un montant.") is None
    assert _messages(errors) == {"amount": ["Entrez un nombre valide."], "hourly_rate": ["Entrez un montant."]}


@pytest.mark.parametrize("value", [None, "", "   "])
def test_an_empty_value_is_none_and_an_error_only_when_required(value):
    errors = inputs.FieldErrors()
    assert inputs.parse_decimal(value, field="budget_min", errors=errors) is None
    assert inputs.parse_int(value, field="delivery_days", errors=errors) is None
    assert inputs.parse_date(value, field="deadline", errors=errors) is None
    assert not errors
    assert inputs.parse_decimal(value, field="amount", errors=errors, required=True) is None
    assert _messages(errors) == {"amount": ["Ce champ est obligatoire."]}


@pytest.mark.parametrize(("value", "expected"), [("12", 12), (12, 12), (" 7 ", 7), ("12.0", 12)])
def test_whole_numbers(value, expected):
    errors = inputs.FieldErrors()
    assert inputs.parse_int(value, field="delivery_days", errors=errors) == expected
    assert not errors


@pytest.mark.parametrize("value", ["12,5", "12.5", "douze", True, "NaN"])
def test_a_number_that_is_not_whole_is_refused(value):
    errors = inputs.FieldErrors()
    assert inputs.parse_int(value, field="rating", errors=errors) is None
    assert inputs.parse_int(value, field="travel_radius_km", errors=errors, message="Entrez des kilomètres.") is None
    assert _messages(errors) == {"rating": ["Entrez un nombre entier."], "travel_radius_km": ["Entrez des kilomètres."]}


def test_dates_from_a_form_json_or_python():
    errors = inputs.FieldErrors()
    day = datetime.date(2026, 11, 25)
    assert inputs.parse_date("2026-11-25", field="deadline", errors=errors) == day
    assert inputs.parse_date(day, field="deadline", errors=errors) == day
    assert inputs.parse_date(datetime.datetime(2026, 11, 25, 14, 30), field="deadline", errors=errors) == day
    assert not errors
    assert inputs.parse_date("demain", field="deadline", errors=errors) is None
    assert _messages(errors) == {"deadline": ["Entrez une date valide (AAAA-MM-JJ)."]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("on", True), ("Oui", True), ("1", True), ("true", True), (True, True), ("", False), ("non", False), (0, False)],
)
def test_a_checkbox_or_a_boolean(value, expected):
    assert inputs.parse_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a,b", ["a", "b"]), (["a", "b"], ["a", "b"]), (("a",), ["a"]), ("", []), (None, []), ([], [])],
)
def test_a_list_from_json_or_a_comma_separated_form_value(value, expected):
    errors = inputs.FieldErrors()
    assert inputs.parse_list(value, field="skills", errors=errors, message="Donnez une liste.") == expected
    assert not errors


@pytest.mark.parametrize("value", [42, {"a": 1}, True])
def test_a_value_that_is_no_list_is_refused_with_the_callers_words(value):
    errors = inputs.FieldErrors()
    assert inputs.parse_list(value, field="skills", errors=errors, message="Donnez une liste.") == []
    assert _messages(errors) == {"skills": ["Donnez une liste."]}
