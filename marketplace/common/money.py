"""The one way an amount of money is written, on every page, e-mail and API label.

French (Quebec): `1 234,50 $`: a narrow no-break space between thousands, a decimal comma, and the
dollar sign after a no-break space, so neither the figure nor its sign is ever split across lines.
English: `$1,234.50`. Budgets are round figures and read faster without cents (`whole=True`):
`4 000 $`, `$4,000`, while `80,50 $` keeps the cents it has.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from django.utils.translation import get_language

NARROW_NBSP = "\u202f"  # between groups of thousands (French)
NBSP = "\u00a0"  # between the figure and "$" (French)
_CENT = Decimal("0.01")


def _as_decimal(amount) -> Decimal | None:
    """The amount as a Decimal, or None when it is no amount at all (None, "", "abc", NaN, infinity)."""
    if amount is None or amount == "" or isinstance(amount, bool):
        return None
    try:
        # Through str for floats: Decimal(0.1) would carry the binary error into the cents.
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not value.is_finite():
        return None
    # Enough precision for any figure we are given: the default 28 digits would refuse to round 1E+30.
    return value.quantize(_CENT, rounding=ROUND_HALF_UP, context=Context(prec=max(28, value.adjusted() + 4)))


def _is_english(language: str | None) -> bool:
    return (language or get_language() or "fr").lower().startswith("en")


def format_money(amount, language: str | None = None, *, whole: bool = False) -> str:
    """CAD the Quebec way: `1 234,50 $` in French, `$1,234.50` in English; "" when there is no amount.

    `language` defaults to the active one (the reader's, on a page or in an e-mail written for them).
    With `whole`, an amount without cents is written without them (`4 000 $`, `$4,000`).
    """
    value = _as_decimal(amount)
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    whole_part, cents = f"{value.copy_abs():f}".split(".")  # copy_abs: abs() would round to 28 digits
    groups = []
    while whole_part:
        groups.insert(0, whole_part[-3:])
        whole_part = whole_part[:-3]
    show_cents = not (whole and cents == "00")
    if _is_english(language):
        return f"{sign}${','.join(groups)}" + (f".{cents}" if show_cents else "")
    return f"{sign}{NARROW_NBSP.join(groups)}" + (f",{cents}" if show_cents else "") + f"{NBSP}$"
