"""Display helpers for projects and quotes: budgets, prices, taxes."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from marketplace.templatetags.marketplace_tags import format_money
from projects.models import BudgetType, Pricing

register = template.Library()


def _whole_money(amount) -> str:
    """Budgets are round figures: "1 500 $" reads faster than "1 500,00 $" (cents kept when there are some)."""
    text = format_money(amount)
    if Decimal(amount) == Decimal(amount).to_integral_value():
        text = text.replace(",00", "").replace(".00", "")
    return text


@register.filter
def budget(project) -> str:
    """ "2 000 $ – 5 000 $", "65 $/h – 80 $/h", "jusqu'à 900 $", or "À discuter": short enough not to wrap."""
    if project.budget_type == BudgetType.TO_DISCUSS or (project.budget_min is None and project.budget_max is None):
        return _("À discuter")
    suffix = _("/h") if project.budget_type == BudgetType.HOURLY else ""
    low = _whole_money(project.budget_min) + suffix if project.budget_min is not None else ""
    high = _whole_money(project.budget_max) + suffix if project.budget_max is not None else ""
    if low and high:
        return low if project.budget_min == project.budget_max else _("%(low)s – %(high)s") % {"low": low, "high": high}
    if high:
        return _("jusqu'à %(amount)s") % {"amount": high}
    return _("à partir de %(amount)s") % {"amount": low}


@register.filter
def quote_price(quote) -> str:
    """ "3 500,00 $" for a fixed price, "65,00 $/h × 20 h" for an hourly rate."""
    if quote.pricing == Pricing.HOURLY:
        hours = quote.estimated_hours
        if hours is None:
            return format_money(quote.amount) + _("/h")
        hours_text = f"{hours.normalize():f}".replace(".", ",")
        return _("%(rate)s/h × %(hours)s h") % {"rate": format_money(quote.amount), "hours": hours_text}
    return format_money(quote.amount)


@register.filter
def taxes_label(quote) -> str:
    """The value shown after a "Taxes" label: "TPS et TVQ en sus" or "non applicables (petit fournisseur)"."""
    if quote.charges_taxes:
        return _("TPS et TVQ en sus")
    return _("non applicables (petit fournisseur)")


@register.filter
def taxes_note(quote) -> str:
    """The same fact standing alone, without a label (under a price in the comparison table)."""
    if quote.charges_taxes:
        return _("TPS et TVQ en sus")
    return _("Sans taxes (petit fournisseur)")
