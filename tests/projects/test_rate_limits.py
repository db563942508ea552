"""Creating projects and sending quotes are limited per user and per IP, on the pages and the API alike."""

import pytest
from rest_framework.test import APIClient

from profiles.models import Report
from projects.models import Project, Quote
from tests.factories import FreelancerProfileFactory, ProjectFactory

from .test_api import QUOTE, as_json

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture(autouse=True)
def tight_limits(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "project-create": "2/h",
        "quote-submit": "2/h",
        "report-create": "2/h",
    }


def test_a_third_project_within_the_hour_through_the_api_is_refused_with_when_to_retry(owner, project_data):
    api = APIClient()
    api.force_authenticate(owner)
    for _ in range(2):
        assert api.post("/api/v1/projects/", as_json(project_data), format="json").status_code == 201

    response = api.post("/api/v1/projects/", as_json(project_data), format="json")

    assert response.status_code == 429
    assert response.json()["detail"].startswith("Trop de tentatives en peu de temps. Réessayez dans")
    assert int(response["Retry-After"]) > 0
    assert Project.objects.filter(owner=owner).count() == 2


def test_the_project_form_shares_the_same_limit_and_shows_a_french_page(client, owner, project_data):
    client.force_login(owner)
    form = {**as_json(project_data), "skills": "Design graphique"}
    for _ in range(2):
        client.post("/projets/nouveau/", form)

    response = client.post("/projets/nouveau/", form)

    assert response.status_code == 429
    assert "Trop de tentatives en peu de temps" in response.content.decode()
    assert Project.objects.filter(owner=owner).count() == 2


def test_a_third_quote_within_the_hour_is_refused_and_not_saved():
    freelancer = FreelancerProfileFactory().user
    projects = ProjectFactory.create_batch(3)
    api = APIClient()
    api.force_authenticate(freelancer)
    for project in projects[:2]:
        assert api.post(f"/api/v1/projects/{project.pk}/quotes/", QUOTE, format="json").status_code == 201

    response = api.post(f"/api/v1/projects/{projects[2].pk}/quotes/", QUOTE, format="json")

    assert response.status_code == 429
    assert not Quote.objects.filter(project=projects[2]).exists()


def test_reports_are_limited_too(client):
    reporter = FreelancerProfileFactory().user
    client.force_login(reporter)
    projects = ProjectFactory.create_batch(3)
    for project in projects[:2]:
        client.post(f"/signaler/project/{project.pk}/", {"reason": "scam", "details": "Annonce douteuse"})

    response = client.post(f"/signaler/project/{projects[2].pk}/", {"reason": "scam", "details": "Annonce douteuse"})

    assert response.status_code == 429
    assert Report.objects.filter(reporter=reporter).count() == 2
