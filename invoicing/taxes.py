"""TPS and TVQ on an invoice: the one computation, used by the issuing service, the form's preview and the PDF."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

TPS_RATE = Decimal("0.05")
TVQ_RATE = Decimal("0.09975")
_CENT = Decimal("0.01")


class Totals(NamedTuple):
    subtotal: Decimal
    tps: Decimal
    tvq: Decimal
    total: Decimal


def cents(amount: Decimal) -> Decimal:
    """`amount` rounded to the cent, half up (0.005 → 0.01), as every amount on an invoice is."""
    return Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)


def invoice_totals(*, amounts: Iterable[Decimal], tax_registered: bool) -> Totals:
    """(subtotal, TPS, TVQ, total) of an invoice whose lines come to `amounts`.

    The rule: each tax is computed once, on the invoice's subtotal (not line by line), and rounded to the
    cent half up (ROUND_HALF_UP): TPS = 5 % of the subtotal, TVQ = 9.975 % of the subtotal (not of the
    subtotal plus TPS: no tax on tax since 2013); total = subtotal + TPS + TVQ. A small supplier (not
    registered) charges neither: both are 0. 1 000,00 $ → TPS 50,00 $, TVQ 99,75 $, total 1 149,75 $.
    """
    subtotal = cents(sum((cents(amount) for amount in amounts), Decimal("0")))
    if not tax_registered:
        return Totals(subtotal, Decimal("0.00"), Decimal("0.00"), subtotal)
    tps = cents(subtotal * TPS_RATE)
    tvq = cents(subtotal * TVQ_RATE)
    return Totals(subtotal, tps, tvq, subtotal + tps + tvq)
