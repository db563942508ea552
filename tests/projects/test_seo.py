"""What search engines and link previews read on a project page: only open public projects are indexable."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from projects.models import BudgetType, ProjectStatus, Visibility
from tests.factories import MunicipalityFactory, ProjectFactory, SkillFactory, UserFactory
from tests.seo import read_head

pytestmark = pytest.mark.embedded


def _page(client, project, query=""):
    return client.get(reverse("project-detail", args=[project.pk]) + query)


def test_an_open_project_is_a_demand_with_its_place_dates_and_budget(client, db):
    today = timezone.localdate()
    project = ProjectFactory(
        title="Photos de nos fromages",
        description="Nous cherchons un <em>photographe</em> pour notre boutique.\nUne journée de prise de vue.",
        municipality=MunicipalityFactory(name="Kamouraska", latitude=47.5667, longitude=-69.8667),
        budget_type=BudgetType.FIXED,
        budget_min=Decimal("800.00"),
        budget_max=Decimal("1500.00"),
        starts_on=today + datetime.timedelta(days=21),
        deadline=today + datetime.timedelta(days=40),
        quotes_due=today + datetime.timedelta(days=10),
        skills=[SkillFactory(name="Photographie")],
    )

    head = read_head(_page(client, project).content.decode())

    (demand,) = head.json_ld
    assert demand["@context"] == "https://schema.org"
    assert demand["@type"] == "Demand"
    assert demand["name"] == "Photos de nos fromages"
    assert demand["url"] == f"{settings.SITE_URL}/projets/{project.pk}/"
    assert demand["description"] == "Nous cherchons un photographe pour notre boutique. Une journée de prise de vue."
    assert demand["itemOffered"] == {
        "@type": "Service",
        "name": "Photos de nos fromages",
        "serviceType": "Développement web et logiciel",
        "category": ["Photographie"],
    }
    assert demand["priceSpecification"] == {
        "@type": "PriceSpecification",
        "priceCurrency": "CAD",
        "minPrice": "800.00",
        "maxPrice": "1500.00",
    }
    assert demand["validThrough"] == project.quotes_due.isoformat()
    project.refresh_from_db()
    assert demand["validFrom"] == project.published_at.isoformat()
    assert demand["availabilityStarts"] == project.starts_on.isoformat()
    assert demand["availabilityEnds"] == project.deadline.isoformat()
    (place,) = demand["areaServed"]
    assert place["@type"] == "City" and place["name"] == "Kamouraska"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 47.5667, "longitude": -69.8667}


def test_an_hourly_budget_is_per_hour_and_a_budget_to_discuss_has_none(client, db):
    hourly = ProjectFactory(budget_type=BudgetType.HOURLY, budget_min=Decimal("50"), budget_max=Decimal("70"))
    to_discuss = ProjectFactory(budget_type=BudgetType.TO_DISCUSS, budget_min=None, budget_max=None, remote=True)

    (hourly_demand,) = read_head(_page(client, hourly).content.decode()).json_ld
    (open_demand,) = read_head(_page(client, to_discuss).content.decode()).json_ld

    assert hourly_demand["priceSpecification"]["@type"] == "UnitPriceSpecification"
    assert hourly_demand["priceSpecification"]["unitCode"] == "HUR"
    assert "priceSpecification" not in open_demand
    # Remote work is open to freelancers anywhere in Quebec.
    assert [area["@type"] for area in open_demand["areaServed"]] == ["City", "State"]


def test_an_open_project_has_canonical_alternates_and_sharing_tags(client, db):
    project = ProjectFactory(title="Refonte du site")
    path = f"/projets/{project.pk}/"

    response = _page(client, project, "?utm_campaign=infolettre")

    head = read_head(response.content.decode())
    assert "X-Robots-Tag" not in response
    assert "robots" not in head.meta
    assert head.link("canonical") == f"{settings.SITE_URL}{path}"
    assert head.hreflangs() == {
        "fr-CA": f"{settings.SITE_URL}{path}",
        "en": f"{settings.SITE_URL}{path}?lang=en",
        "x-default": f"{settings.SITE_URL}{path}",
    }
    assert head.meta["og:title"] == "Refonte du site"
    assert head.meta["og:type"] == "website"
    assert head.meta["og:image"].startswith(settings.SITE_URL + "/")
    assert head.meta["description"].startswith("Nous cherchons un pigiste")


@pytest.mark.parametrize(
    "change",
    [
        {"visibility": Visibility.INVITED},
        {"status": ProjectStatus.AWARDED},
        {"status": ProjectStatus.COMPLETED},
        {"status": ProjectStatus.CLOSED},
        {"status": ProjectStatus.CANCELLED},
        {"status": ProjectStatus.DRAFT},
        {"is_hidden": True},
        {"quotes_due": datetime.date(2020, 1, 1)},
    ],
    ids=["invite-only", "awarded", "completed", "closed", "cancelled", "draft", "hidden", "quotes-over"],
)
def test_a_project_that_is_not_open_and_public_says_noindex(client, db, change):
    owner = UserFactory()
    project = ProjectFactory(owner=owner, **change)
    # The owner sees every one of their projects; visitors only some of them.
    client.force_login(owner)

    response = _page(client, project)

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    head = read_head(response.content.decode())
    assert head.meta["robots"] == "noindex"
    assert head.json_ld == [] and head.link("canonical") is None


def test_a_closed_project_seen_by_a_visitor_says_noindex(client, db):
    project = ProjectFactory(status=ProjectStatus.AWARDED)
    response = _page(client, project)
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"


def test_a_script_end_tag_in_a_title_stays_inside_the_json(client, db):
    project = ProjectFactory(title="Affiche </script><script>alert(1)</script>")

    html = _page(client, project).content.decode()

    assert "</script><script>alert(1)" not in html
    (demand,) = read_head(html).json_ld
    assert demand["name"] == "Affiche </script><script>alert(1)</script>"
