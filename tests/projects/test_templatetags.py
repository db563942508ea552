"""How budgets, prices and taxes read on the pages."""

from decimal import Decimal

from projects.models import BudgetType, Project, Quote
from projects.templatetags.projects_tags import budget, taxes_label, taxes_note

NNBSP = "\u202f"


def test_budgets_are_short_round_figures_so_they_dont_wrap():
    fixed = Project(budget_type=BudgetType.FIXED, budget_min=Decimal("1500"), budget_max=Decimal("3000"))
    hourly = Project(budget_type=BudgetType.HOURLY, budget_min=Decimal("65"), budget_max=Decimal("80.50"))
    up_to = Project(budget_type=BudgetType.FIXED, budget_max=Decimal("900"))
    assert budget(fixed) == f"1{NNBSP}500{NNBSP}$ – 3{NNBSP}000{NNBSP}$"
    assert budget(hourly) == f"65{NNBSP}$/h – 80,50{NNBSP}$/h"  # cents are kept when there are some
    assert budget(up_to) == f"jusqu'à 900{NNBSP}$"
    assert budget(Project(budget_type=BudgetType.TO_DISCUSS)) == "À discuter"


def test_taxes_read_well_after_their_label_and_alone():
    small_supplier = Quote(charges_taxes=False)
    assert taxes_label(small_supplier) == "non applicables (petit fournisseur)"
    assert taxes_note(small_supplier) == "Sans taxes (petit fournisseur)"
    assert taxes_label(Quote(charges_taxes=True)) == taxes_note(Quote(charges_taxes=True)) == "TPS et TVQ en sus"
