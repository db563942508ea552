"""Budgets and prices read the same on every page, in French and in English."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import BudgetType, Pricing, Project, Quote
from projects.templatetags.projects_tags import budget, quote_price
from tests.factories import ProjectFactory, QuoteFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

G = "\u202f"
S = "\xa0"


def _in_english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_english_project_list_shows_budgets_in_thousands_not_hundredths(client):
    ProjectFactory(title="Refonte du site", budget_min=Decimal("4000"), budget_max=Decimal("8000"))
    ProjectFactory(title="Logo", budget_min=Decimal("100"), budget_max=Decimal("5000"))

    page = _in_english(client).get(reverse("project-list")).content.decode()

    assert "$4,000 – $8,000" in page
    assert "$100 – $5,000" in page
    assert "$40 – $80" not in page and "$100 – $50" not in page


def test_the_french_project_list_shows_round_budgets(client):
    ProjectFactory(title="Refonte du site", budget_min=Decimal("4000"), budget_max=Decimal("8000"))

    page = client.get(reverse("project-list")).content.decode()

    assert f"4{G}000{S}$ – 8{G}000{S}$" in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr-ca", f"4{G}000{S}$ – 8{G}000{S}$"), ("en", "$4,000 – $8,000")],
)
def test_search_cards_and_the_project_list_write_a_budget_the_same_way(client, settings, language, expected):
    settings.ELASTICSEARCH_URL = ""  # the database backend: the cards come from the rows
    ProjectFactory(title="Refonte du site", budget_min=Decimal("4000"), budget_max=Decimal("8000"))
    client.cookies["django_language"] = language

    search_page = client.get(reverse("project-search")).content.decode()
    list_page = client.get(reverse("project-list")).content.decode()

    assert expected in search_page
    assert expected in list_page


@pytest.mark.parametrize(
    ("project", "french", "english"),
    [
        (
            Project(budget_type=BudgetType.FIXED, budget_min=Decimal("4000"), budget_max=Decimal("8000")),
            f"4{G}000{S}$ – 8{G}000{S}$",
            "$4,000 – $8,000",
        ),
        (
            Project(budget_type=BudgetType.HOURLY, budget_min=Decimal("65"), budget_max=Decimal("80.50")),
            f"65{S}$/h – 80,50{S}$/h",
            "$65/h – $80.50/h",
        ),
        (Project(budget_type=BudgetType.FIXED, budget_max=Decimal("10000000")), f"jusqu'à 10{G}000{G}000{S}$", None),
        (Project(budget_type=BudgetType.FIXED, budget_min=Decimal("0.50")), f"à partir de 0,50{S}$", None),
        (
            Project(budget_type=BudgetType.FIXED, budget_min=Decimal("1500"), budget_max=Decimal("1500")),
            f"1{G}500{S}$",
            "$1,500",
        ),
        (Project(budget_type=BudgetType.FIXED), "À discuter", "To be discussed"),
    ],
)
def test_a_budget_reads_well_in_both_languages(project, french, english):
    from django.utils import translation

    with translation.override("fr-ca"):
        assert budget(project) == french
    if english is not None:
        with translation.override("en"):
            assert budget(project) == english


def test_an_hourly_quote_writes_its_hours_in_the_reader_s_language():
    from django.utils import translation

    quote = Quote(pricing=Pricing.HOURLY, amount=Decimal("1065"), estimated_hours=Decimal("12.5"))
    with translation.override("fr-ca"):
        assert quote_price(quote) == f"1{G}065,00{S}$/h × 12,5 h"
    with translation.override("en"):
        assert quote_price(quote).startswith("$1,065.00/h × 12.5")


def test_the_owner_reads_quote_prices_in_english(client):
    project = ProjectFactory()
    QuoteFactory(project=project, amount=Decimal("4250.75"))
    client.force_login(project.owner)

    page = _in_english(client).get(reverse("project-detail", args=[project.pk])).content.decode()

    assert "$4,250.75" in page
    assert "4\u202f250,75" not in page
