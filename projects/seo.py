"""What search engines and link previews read on a project's page, and the sitemap section of open projects."""

from __future__ import annotations

import dataclasses

from django.db.models import Max
from django.urls import reverse

from marketplace.common import seo
from projects.models import BudgetType, Project
from projects.selectors import project_is_indexable, project_list_indexable

DESCRIPTION_LENGTH = 1000


def project_json_ld(*, project: Project, url: str) -> dict:
    """An open project as a schema.org Demand: the service sought, where, when, and for what budget."""
    category = project.get_category_display()
    service: dict = {"@type": "Service", "name": project.title, "serviceType": str(category)}
    skills = [skill.name for skill in project.skills.all()]  # prefetched by the page's selector
    if skills:
        service["category"] = skills
    demand: dict = {
        "@context": "https://schema.org",
        "@type": "Demand",
        "@id": seo.absolute_url(reverse("project-detail", args=[project.pk])) + "#demand",
        "name": project.title,
        "description": seo.plain_text(project.description, limit=DESCRIPTION_LENGTH),
        "url": url,
        "category": str(category),
        "itemOffered": service,
        # Quotes are taken until the end of that day.
        "validThrough": project.quotes_due.isoformat(),
    }
    if project.published_at:
        demand["validFrom"] = project.published_at.isoformat()
    if project.starts_on:
        demand["availabilityStarts"] = project.starts_on.isoformat()
    if project.deadline:
        demand["availabilityEnds"] = project.deadline.isoformat()
    area = []
    place = project.municipality
    if place is not None:
        area.append(
            seo.place_node(
                name=place.name, region=place.get_region_display(), latitude=place.latitude, longitude=place.longitude
            )
        )
    if project.remote:
        # Work that can be done remotely is open to freelancers anywhere in Quebec.
        area.append(
            {
                "@type": "State",
                "name": "Québec",
                "address": {"@type": "PostalAddress", "addressRegion": "QC", "addressCountry": "CA"},
            }
        )
    if area:
        demand["areaServed"] = area
    if project.budget_type != BudgetType.TO_DISCUSS:
        price = seo.price_range_node(
            minimum=project.budget_min,
            maximum=project.budget_max,
            hourly=project.budget_type == BudgetType.HOURLY,
        )
        if price is not None:
            demand["priceSpecification"] = price
    return demand


def project_seo(*, project: Project) -> seo.PageSeo:
    """Head tags of the project page; only an open public project is indexable (no query: all is loaded)."""
    page = seo.page_seo(
        path=reverse("project-detail", args=[project.pk]),
        title=project.title,
        description=project.description,
        indexable=project_is_indexable(project),
    )
    if not page.indexable:
        return page
    return dataclasses.replace(page, json_ld=project_json_ld(project=project, url=page.canonical))


class ProjectSitemap(seo.BilingualSitemap):
    """Open public projects still taking quotes."""

    changefreq = "daily"

    def items(self):
        return project_list_indexable()

    def path(self, item) -> str:
        return reverse("project-detail", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One query rather than Sitemap's loop over every item.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]
