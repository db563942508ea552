"""How budgets, prices and taxes read on the pages."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from projects.models import BudgetType, Project, Quote
from projects.templatetags.projects_tags import budget, delivery_days, taxes_label, taxes_note, until_date

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded

NNBSP = "\u202f"  # between thousands
NBSP = "\xa0"  # before "$"


def test_budgets_are_short_round_figures_so_they_dont_wrap():
    fixed = Project(budget_type=BudgetType.FIXED, budget_min=Decimal("1500"), budget_max=Decimal("3000"))
    hourly = Project(budget_type=BudgetType.HOURLY, budget_min=Decimal("65"), budget_max=Decimal("80.50"))
    up_to = Project(budget_type=BudgetType.FIXED, budget_max=Decimal("900"))
    assert budget(fixed) == f"1{NNBSP}500{NBSP}$ – 3{NNBSP}000{NBSP}$"
    assert budget(hourly) == f"65{NBSP}$/h – 80,50{NBSP}$/h"  # cents are kept when there are some
    assert budget(up_to) == f"jusqu'à 900{NBSP}$"
    assert budget(Project(budget_type=BudgetType.TO_DISCUSS)) == "À discuter"


def test_taxes_read_well_after_their_label_and_alone():
    small_supplier = Quote(charges_taxes=False)
    assert taxes_label(small_supplier) == "non applicables (petit fournisseur)"
    assert taxes_note(small_supplier) == "Sans taxes (petit fournisseur)"
    assert taxes_label(Quote(charges_taxes=True)) == taxes_note(Quote(charges_taxes=True)) == "TPS et TVQ en sus"


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_row_phrases_read_exactly_as_their_blocktranslate_did(language):
    """The filters that replaced {% blocktranslate %} on long lists keep its message ids, so its translations."""
    pairs = [
        (
            "{{ n|delivery_days }}",
            "{% blocktranslate count counter=n %}{{ counter }} jour{% plural %}{{ counter }} jours{% endblocktranslate %}",
        ),
        (
            "{{ n|completed_projects }}",
            "{% blocktranslate count counter=n %}{{ counter }} projet terminé{% plural %}{{ counter }} projets terminés{% endblocktranslate %}",
        ),
        (
            "{{ n|quote_count }}",
            "{% blocktranslate count counter=n %}{{ counter }} soumission{% plural %}{{ counter }} soumissions{% endblocktranslate %}",
        ),
        (
            "{{ n|to_review_count }}",
            "{% blocktranslate count counter=n %}{{ counter }} à examiner{% plural %}{{ counter }} à examiner{% endblocktranslate %}",
        ),
        ("{{ r|rating_out_of_5 }}", "{% blocktranslate with r=r %}{{ r }} sur 5{% endblocktranslate %}"),
        (
            "{{ day|until_date }}",
            "{% blocktranslate with date=day|date:'j F Y' %}jusqu'au {{ date }}{% endblocktranslate %}",
        ),
        (
            "{{ day|quotes_until }}",
            "{% blocktranslate with date=day|date:'j F Y' %}Soumissions jusqu'au {{ date }}{% endblocktranslate %}",
        ),
        ("{{ status|project_status_label }}", "{{ project.get_status_display }}"),
        ("{{ category|category_label }}", "{{ project.get_category_display }}"),
    ]
    with translation.override(language):
        for n in (1, 2):
            context = Context(
                {
                    "n": n,
                    "r": Decimal("4.50"),
                    "day": datetime.date(2026, 11, 25),
                    "status": "awarded",
                    "category": "legal",
                    "project": Project(status="awarded", category="legal"),
                }
            )
            for ours, theirs in pairs:
                load = "{% load i18n projects_tags %}"
                assert Template(load + ours).render(context) == Template(load + theirs).render(context), ours
    with translation.override("en"):
        assert delivery_days(2) == "2 days" and until_date(datetime.date(2026, 11, 25)) == "until 25 November 2026"


def test_pk_url_is_the_url_tag_for_every_row():
    template = Template("{% load projects_tags %}{% for pk in pks %}{% pk_url 'quote-decline' pk %} {% endfor %}")
    rendered = template.render(Context({"pks": [7, 1234]}))
    assert rendered == f"{reverse('quote-decline', args=[7])} {reverse('quote-decline', args=[1234])} "
