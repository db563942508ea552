"""Display helpers for projects and quotes: budgets, prices, taxes."""

from django import template
from django.utils.translation import gettext as _

from marketplace.templatetags.marketplace_tags import format_money
from projects.models import BudgetType, Pricing

register = template.Library()


@register.filter
def budget(project) -> str:
    """ "2 000,00 $ à 5 000,00 $", "65,00 $/h au plus", or "À discuter"."""
    if project.budget_type == BudgetType.TO_DISCUSS or (project.budget_min is None and project.budget_max is None):
        return _("À discuter")
    suffix = _("/h") if project.budget_type == BudgetType.HOURLY else ""
    low = format_money(project.budget_min) + suffix if project.budget_min is not None else ""
    high = format_money(project.budget_max) + suffix if project.budget_max is not None else ""
    if low and high:
        return low if project.budget_min == project.budget_max else _("%(low)s à %(high)s") % {"low": low, "high": high}
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
    if quote.charges_taxes:
        return _("TPS et TVQ en sus")
    return _("Taxes non applicables (petit fournisseur)")
