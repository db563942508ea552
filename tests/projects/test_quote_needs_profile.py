"""A member without a freelancer profile is asked to create one instead of sending a nameless quote."""

import html

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from projects.models import Quote
from tests.factories import FreelancerProfileFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

QUOTE = {"amount": "1500.00", "pricing": "fixed", "delivery_days": 10, "charges_taxes": True, "message": "Bonjour"}
MESSAGE = "Pour soumissionner, créez d'abord votre profil de pigiste."


def test_the_api_refuses_a_quote_from_a_client_account_with_a_link_to_create_the_profile():
    project = ProjectFactory()
    api = APIClient()
    api.force_authenticate(UserFactory())

    response = api.post(f"/api/v1/projects/{project.pk}/quotes/", QUOTE, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": MESSAGE, "action_url": reverse("profile-edit")}
    assert not Quote.objects.exists()


def test_the_project_page_offers_to_create_the_profile_instead_of_the_quote_form(client):
    project = ProjectFactory()
    client.force_login(UserFactory())

    page = html.unescape(client.get(reverse("project-detail", args=[project.pk])).content.decode())

    assert MESSAGE in page
    assert f'href="{reverse("profile-edit")}"' in page
    assert 'action="{}"'.format(reverse("quote-create", args=[project.pk])) not in page


def test_posting_the_quote_form_without_a_profile_is_refused_and_saves_nothing(client):
    project = ProjectFactory()
    client.force_login(UserFactory())

    form = {
        "pricing": "fixed",
        "amount": "1000",
        "delivery_days": "10",
        "charges_taxes": "1",
        "message": "Bonjour !",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("quote-create", args=[project.pk]), form)

    assert response.status_code == 403
    assert MESSAGE in html.unescape(response.content.decode())
    assert not Quote.objects.exists()


def test_a_freelancer_with_a_profile_still_sees_the_quote_form(client):
    project = ProjectFactory()
    client.force_login(FreelancerProfileFactory().user)

    page = html.unescape(client.get(reverse("project-detail", args=[project.pk])).content.decode())

    assert 'action="{}"'.format(reverse("quote-create", args=[project.pk])) in page
    assert MESSAGE not in page
