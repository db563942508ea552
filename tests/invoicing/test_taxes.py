"""TPS and TVQ against worked examples: each tax on the subtotal, rounded to the cent half up."""

from decimal import Decimal

import pytest

from invoicing.taxes import invoice_totals

pytestmark = pytest.mark.embedded


def D(value):  # noqa: N802
    return Decimal(value)


@pytest.mark.parametrize(
    ("amounts", "subtotal", "tps", "tvq", "total"),
    [
        (["100.00"], "100.00", "5.00", "9.98", "114.98"),  # TVQ 9.975 → 9.98 (half up)
        (["1000.00"], "1000.00", "50.00", "99.75", "1149.75"),
        (["0.10"], "0.10", "0.01", "0.01", "0.12"),  # 0.005 → 0.01 and 0.009975 → 0.01
        (["11.11", "11.11", "11.11"], "33.33", "1.67", "3.32", "38.32"),  # on the subtotal, not per line
        (["2499.99"], "2499.99", "125.00", "249.37", "2874.36"),
        (["9999999.99"], "9999999.99", "500000.00", "997500.00", "11497499.99"),
        (["0.01"], "0.01", "0.00", "0.00", "0.01"),
        (["10.10"], "10.10", "0.51", "1.01", "11.62"),  # 0.505 → 0.51: half up, not half even
    ],
)
def test_taxes_of_worked_examples(amounts, subtotal, tps, tvq, total):
    totals = invoice_totals(amounts=[D(a) for a in amounts], tax_registered=True)

    assert totals == (D(subtotal), D(tps), D(tvq), D(total))
    assert totals.total == totals.subtotal + totals.tps + totals.tvq


def test_three_lines_of_11_11_are_taxed_on_their_sum_not_line_by_line():
    per_line_tvq = 3 * invoice_totals(amounts=[D("11.11")], tax_registered=True).tvq  # 3 × 1.11 = 3.33

    assert invoice_totals(amounts=[D("11.11")] * 3, tax_registered=True).tvq == D("3.32") != per_line_tvq


def test_a_small_supplier_charges_no_tax():
    assert invoice_totals(amounts=[D("1000.00")], tax_registered=False) == (
        D("1000.00"),
        D("0.00"),
        D("0.00"),
        D("1000.00"),
    )
