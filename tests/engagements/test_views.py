"""The engagement pages: what each side sees and the forms they use; refusals shown on the page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from engagements.models import Delivery, DeliveryStatus, Milestone
from projects.models import ProjectStatus
from tests.factories import UserFactory
from tests.privacy.factories import PDF_BYTES

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def page(engagement):
    return reverse("engagement-detail", args=[engagement.pk])


def test_both_sides_see_what_was_agreed_and_a_stranger_gets_404(client, engagement):
    client.force_login(engagement.client)
    html = client.get(page(engagement)).content.decode()
    assert engagement.project.title in html
    assert "Maquettes" in html and "Intégration" in html
    assert "3\u00a0500,00\u00a0$" in html or "3\u202f500,00\u00a0$" in html or "3 500,00 $" in html
    assert "Marquer comme livré" not in html  # the client doesn't deliver

    client.force_login(engagement.freelancer)
    html = client.get(page(engagement)).content.decode()
    assert "Marquer comme livré" in html

    client.force_login(UserFactory())
    assert client.get(page(engagement)).status_code == 404


def test_the_project_page_links_both_sides_to_the_engagement_and_nobody_else(client, engagement):
    project_page = reverse("project-detail", args=[engagement.project_id])
    for party in (engagement.client, engagement.freelancer):
        client.force_login(party)
        assert f'href="{page(engagement)}"' in client.get(project_page).content.decode()

    client.force_login(UserFactory())
    assert page(engagement) not in client.get(project_page).content.decode()


def test_the_whole_path_through_the_page(client, engagement):
    client.force_login(engagement.freelancer)
    response = client.post(
        reverse("engagement-deliver", args=[engagement.pk]),
        {"message": "Le site est en ligne.", "files": [SimpleUploadedFile("guide.pdf", PDF_BYTES)]},
        follow=True,
    )
    assert "Livraison envoyée : le client en est avisé." in response.content.decode()
    delivery = Delivery.objects.get()
    file_url = reverse("engagement-file", args=[engagement.pk, delivery.files.get().pk])

    client.force_login(engagement.client)
    html = client.get(page(engagement)).content.decode()
    assert "Le site est en ligne." in html and "Approuver la livraison" in html
    assert client.get(file_url).status_code == 200
    client.post(
        reverse("engagement-delivery-changes", args=[engagement.pk, delivery.pk]), {"reason": "Le menu est brisé."}
    )
    assert Delivery.objects.get().status == DeliveryStatus.CHANGES_REQUESTED

    client.force_login(engagement.freelancer)
    client.post(reverse("engagement-deliver", args=[engagement.pk]), {"message": "Menu réparé."})
    second = Delivery.objects.get(status=DeliveryStatus.PENDING)

    client.force_login(engagement.client)
    response = client.post(reverse("engagement-delivery-approve", args=[engagement.pk, second.pk]), follow=True)
    html = response.content.decode()
    assert "Livraison approuvée." in html and "Terminé" in html and "Le menu est brisé." in html
    engagement.project.refresh_from_db()
    assert engagement.project.status == ProjectStatus.COMPLETED

    client.force_login(UserFactory())
    assert client.get(file_url).status_code == 404


def test_milestone_form_errors_come_back_on_the_page_and_nothing_is_saved(client, engagement):
    client.force_login(engagement.client)
    past = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("engagement-milestones-propose", args=[engagement.pk]),
        {"title": ["Tout", ""], "amount": ["3500", ""], "due_on": [past, ""]},
        follow=True,
    )
    assert "L&#x27;échéance d&#x27;un jalon ne peut pas être dans le passé." in response.content.decode()
    assert not Milestone.objects.exists()

    soon = (timezone.localdate() + datetime.timedelta(days=9)).isoformat()
    client.post(
        reverse("engagement-milestones-propose", args=[engagement.pk]),
        {"title": ["Maquettes", "Site"], "amount": ["1 500,00", "2000"], "due_on": [soon, soon]},
    )
    assert Milestone.objects.count() == 2
    client.force_login(engagement.freelancer)
    html = client.get(page(engagement)).content.decode()
    assert "Accepter cette répartition" in html
    client.post(reverse("engagement-milestones-accept", args=[engagement.pk]))
    assert set(Milestone.objects.values_list("status", flat=True)) == {"accepte"}


def test_the_list_shows_the_members_engagements(client, engagement):
    client.force_login(engagement.freelancer)
    html = client.get(reverse("engagement-list")).content.decode()
    assert engagement.project.title in html
    client.force_login(UserFactory())
    assert engagement.project.title not in client.get(reverse("engagement-list")).content.decode()
