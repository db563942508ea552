"""Who sees which quotes, through the pages and the API alike: the owner and staff every one, a freelancer their own."""

from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from projects.models import ProjectStatus, QuoteStatus, Visibility
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded


def text(response) -> str:
    """The page as the user reads it (apostrophes unescaped)."""
    return unescape(response.content.decode())


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def bids(db):
    """A project with two freelancers' quotes, each with its own words."""
    project = ProjectFactory(title="Logo pour une microbrasserie")
    julie = QuoteFactory(project=project, amount=Decimal("900"), message="Julie propose trois pistes de logo.")
    marc = QuoteFactory(project=project, amount=Decimal("1400"), message="Marc livre en dix jours.")
    return project, julie, marc


def test_a_freelancer_reads_only_their_own_quote_through_the_api(bids):
    project, julie, marc = bids

    response = api_for(julie.freelancer).get(f"/api/v1/projects/{project.pk}/quotes/")

    assert response.status_code == 200
    assert [q["id"] for q in response.json()] == [julie.pk]
    assert "Marc livre en dix jours." not in response.content.decode()


def test_a_stranger_reads_no_quote_through_the_api(bids):
    project, _julie, _marc = bids

    response = api_for(FreelancerProfileFactory().user).get(f"/api/v1/projects/{project.pk}/quotes/")

    assert response.status_code == 200
    assert response.json() == []


def test_the_owner_and_staff_read_every_quote_through_the_api(bids):
    project, julie, marc = bids

    for reader in (project.owner, UserFactory(is_staff=True)):
        response = api_for(reader).get(f"/api/v1/projects/{project.pk}/quotes/?sort=price")
        assert [q["id"] for q in response.json()] == [julie.pk, marc.pk]


def test_a_freelancer_sees_only_their_own_quote_on_the_project_page(client, bids):
    project, _julie, marc = bids
    client.force_login(marc.freelancer)

    page = text(client.get(reverse("project-detail", args=[project.pk])))

    assert "Marc livre en dix jours." in page
    assert "Julie propose trois pistes de logo." not in page


def test_the_owner_sees_every_quote_on_the_project_page(client, bids):
    project, _julie, _marc = bids
    client.force_login(project.owner)

    page = text(client.get(reverse("project-detail", args=[project.pk])))

    assert "Marc livre en dix jours." in page and "Julie propose trois pistes de logo." in page


def test_a_stranger_gets_403_on_the_owner_pages_of_a_project_they_can_see(client, bids):
    project, julie, _marc = bids
    client.force_login(julie.freelancer)

    table = client.get(reverse("project-quotes-fragment", args=[project.pk]))
    accept = client.get(reverse("quote-accept", args=[julie.pk]))
    decline = client.get(reverse("quote-decline", args=[julie.pk]))

    assert table.status_code == accept.status_code == decline.status_code == 403
    assert "Seul l'auteur du projet peut faire cela." in text(table)
    assert "Seul l'auteur du projet peut décider des soumissions." in text(accept)
    assert "Seul l'auteur du projet peut décider des soumissions." in text(decline)
    assert "Marc livre en dix jours." not in text(table) + text(accept)


def test_only_the_owner_is_asked_to_confirm_a_completion(client, db):
    hired = QuoteFactory(status=QuoteStatus.ACCEPTED, project=ProjectFactory(status=ProjectStatus.AWARDED))
    client.force_login(hired.freelancer)

    response = client.get(reverse("project-complete", args=[hired.project_id]))

    assert response.status_code == 403
    assert "Seul l'auteur du projet peut le marquer comme terminé." in text(response)
    client.force_login(hired.project.owner)
    assert client.get(reverse("project-complete", args=[hired.project_id])).status_code == 200


def test_quotes_of_a_project_hidden_from_the_reader_are_404_through_the_api_and_the_pages(client, db):
    project = ProjectFactory(visibility=Visibility.INVITED)
    quote = QuoteFactory(project=project, message="Invitée seulement.")
    stranger = FreelancerProfileFactory().user
    client.force_login(stranger)

    assert api_for(stranger).get(f"/api/v1/projects/{project.pk}/quotes/").status_code == 404
    assert client.get(reverse("project-detail", args=[project.pk])).status_code == 404
    assert client.get(reverse("project-quotes-fragment", args=[project.pk])).status_code == 404
    assert client.get(reverse("quote-accept", args=[quote.pk])).status_code == 404


def test_an_unknown_quote_is_404_on_the_decision_pages(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("quote-accept", args=[999999])).status_code == 404
    assert client.get(reverse("quote-decline", args=[999999])).status_code == 404
