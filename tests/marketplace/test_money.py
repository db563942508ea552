"""One way to write money, in both languages: amounts from 0 to 10 000 000 $, whole and with cents."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from marketplace.common.money import format_money

pytestmark = pytest.mark.embedded

G = "\u202f"  # narrow no-break space, between thousands (French)
S = "\xa0"  # no-break space, before "$" (French)

AMOUNTS = [
    # amount, French, English, French as a round figure, English as a round figure
    ("0", f"0,00{S}$", "$0.00", f"0{S}$", "$0"),
    ("0.5", f"0,50{S}$", "$0.50", f"0,50{S}$", "$0.50"),
    ("1", f"1,00{S}$", "$1.00", f"1{S}$", "$1"),
    ("99.99", f"99,99{S}$", "$99.99", f"99,99{S}$", "$99.99"),
    ("100", f"100,00{S}$", "$100.00", f"100{S}$", "$100"),
    ("999", f"999,00{S}$", "$999.00", f"999{S}$", "$999"),
    ("1000", f"1{G}000,00{S}$", "$1,000.00", f"1{G}000{S}$", "$1,000"),
    ("1234.5", f"1{G}234,50{S}$", "$1,234.50", f"1{G}234,50{S}$", "$1,234.50"),
    ("4000", f"4{G}000,00{S}$", "$4,000.00", f"4{G}000{S}$", "$4,000"),
    ("8000.00", f"8{G}000,00{S}$", "$8,000.00", f"8{G}000{S}$", "$8,000"),
    ("65432.1", f"65{G}432,10{S}$", "$65,432.10", f"65{G}432,10{S}$", "$65,432.10"),
    ("100000", f"100{G}000,00{S}$", "$100,000.00", f"100{G}000{S}$", "$100,000"),
    ("999999.99", f"999{G}999,99{S}$", "$999,999.99", f"999{G}999,99{S}$", "$999,999.99"),
    ("1000000", f"1{G}000{G}000,00{S}$", "$1,000,000.00", f"1{G}000{G}000{S}$", "$1,000,000"),
    ("9999999.99", f"9{G}999{G}999,99{S}$", "$9,999,999.99", f"9{G}999{G}999,99{S}$", "$9,999,999.99"),
    ("10000000", f"10{G}000{G}000,00{S}$", "$10,000,000.00", f"10{G}000{G}000{S}$", "$10,000,000"),
]


@pytest.mark.parametrize(("amount", "french", "english", "french_whole", "english_whole"), AMOUNTS)
def test_every_amount_reads_the_same_way_in_each_language(amount, french, english, french_whole, english_whole):
    value = Decimal(amount)

    assert format_money(value, "fr-ca") == french
    assert format_money(value, "en") == english
    assert format_money(value, "fr-ca", whole=True) == french_whole
    assert format_money(value, "en", whole=True) == english_whole


@pytest.mark.parametrize("amount", [Decimal("4000"), 4000, "4000", "4000.00", 4000.0])
def test_an_amount_given_as_int_str_or_float_reads_like_a_decimal(amount):
    assert format_money(amount, "en", whole=True) == "$4,000"
    assert format_money(amount, "fr-ca") == f"4{G}000,00{S}$"


def test_floats_round_to_the_cent_without_binary_noise():
    assert format_money(0.1 + 0.2, "en") == "$0.30"
    assert format_money(Decimal("0.005"), "fr-ca") == f"0,01{S}$"  # half up, as a cashier would
    assert format_money(Decimal("1999.995"), "en") == "$2,000.00"
    assert format_money(Decimal("1999.995"), "en", whole=True) == "$2,000"


@pytest.mark.parametrize("nothing", [None, "", "abc", "1,5", "NaN", "Infinity", "-Infinity", True, [], {}])
def test_no_amount_or_a_bad_one_shows_nothing_rather_than_an_error(nothing):
    assert format_money(nothing, "fr-ca") == ""
    assert format_money(nothing, "en", whole=True) == ""


def test_a_negative_amount_keeps_its_sign_in_front():
    assert format_money(Decimal("-1234.5"), "fr-ca") == f"-1{G}234,50{S}$"
    assert format_money(Decimal("-1234.5"), "en") == "-$1,234.50"
    assert format_money(Decimal("-4000"), "en", whole=True) == "-$4,000"
    # Rounds to zero: no "-0,00 $".
    assert format_money(Decimal("-0.001"), "fr-ca") == f"0,00{S}$"


def test_amounts_far_beyond_the_limit_are_still_grouped_not_refused():
    assert format_money(Decimal("123456789012345.67"), "en") == "$123,456,789,012,345.67"
    assert format_money(Decimal("1E+30"), "fr-ca", whole=True) == G.join(["1"] + ["000"] * 10) + f"{S}$"


def test_without_a_language_the_reader_s_language_is_used():
    with translation.override("en"):
        assert format_money(Decimal("4000"), whole=True) == "$4,000"
    with translation.override("fr-ca"):
        assert format_money(Decimal("4000"), whole=True) == f"4{G}000{S}$"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr-ca", f"1{G}234,50{S}$ · 4{G}000{S}$ · "), ("en", "$1,234.50 · $4,000 · ")],
)
def test_the_template_filters_write_money_in_the_page_s_language(language, expected):
    template = Template("{% load marketplace_tags %}{{ a|money }} · {{ b|money_whole }} · {{ c|money }}")
    with translation.override(language):
        rendered = template.render(Context({"a": Decimal("1234.5"), "b": Decimal("4000"), "c": None}))
    assert rendered == expected
