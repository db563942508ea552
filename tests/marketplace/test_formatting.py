from decimal import Decimal

import pytest
from django.utils import translation

from marketplace.common.templatetags.marketplace_tags import format_money

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded


def test_money_is_shown_the_quebec_way_in_french():
    assert format_money(Decimal("1234.5"), "fr-ca") == "1\u202f234,50\xa0$"


def test_money_is_shown_the_english_way_in_english():
    assert format_money(Decimal("1234.5"), "en") == "$1,234.50"


def test_large_amounts_are_grouped_by_thousands():
    assert format_money(Decimal("10000000"), "fr-ca") == "10\u202f000\u202f000,00\xa0$"


def test_dates_are_written_out_in_french():
    import datetime

    from django.utils.formats import date_format

    with translation.override("fr-ca"):
        assert date_format(datetime.date(2026, 11, 25)) == "25 novembre 2026"


def test_a_four_and_a_half_rating_shows_four_stars_not_five():
    from marketplace.common.templatetags.marketplace_tags import stars

    assert stars("4.5") == "★★★★☆"
    assert stars("4.8") == "★★★★★"
    assert stars(5) == "★★★★★"
    assert stars(1) == "★☆☆☆☆"
