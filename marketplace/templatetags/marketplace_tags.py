"""Template filters shared by every page."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import get_language

register = template.Library()

NARROW_NBSP = "\u202f"


def format_money(amount, language: str | None = None) -> str:
    """CAD the Quebec way: `1 234,50 $` in French, `$1,234.50` in English."""
    if amount is None or amount == "":
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    language = (language or get_language() or "fr").lower()
    if language.startswith("en"):
        return f"{sign}${','.join(groups)}.{cents}"
    return f"{sign}{NARROW_NBSP.join(groups)},{cents}{NARROW_NBSP}$"


@register.filter
def money(amount):
    return format_money(amount)


@register.filter
def stars(rating):
    """ "★★★★☆" for a rating out of 5."""
    if rating is None:
        return ""
    # Round half down so 4,5 shows four stars next to its figure, never a flattering five.
    full = int((Decimal(rating) - Decimal("0.01")).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    full = max(0, min(5, full))
    return "★" * full + "☆" * (5 - full)
