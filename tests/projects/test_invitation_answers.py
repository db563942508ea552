"""On the site: the invited freelancer accepts or declines from the dashboard; the client sees the answer."""

import pytest
from django.urls import reverse

from projects.models import Invitation, InvitationStatus
from tests.factories import FreelancerProfileFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_the_dashboard_offers_to_accept_or_decline_a_pending_invitation(client, freelancer, invitation):
    client.force_login(freelancer)

    page = client.get(reverse("dashboard")).content.decode()

    assert f'action="/invitations/{invitation.pk}/accepter/"' in page
    assert f'action="/invitations/{invitation.pk}/decliner/"' in page


def test_accepting_leads_to_the_quote_form_and_the_client_sees_it(client, freelancer, invitation, project):
    client.force_login(freelancer)

    response = client.post(reverse("invitation-accept", args=[invitation.pk]))

    assert response.status_code == 302
    assert response["Location"] == f"/projets/{project.pk}/#quote-form"
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED
    client.force_login(project.owner)
    assert (
        '<span class="status status-accepted">Acceptée</span>'
        in client.get(reverse("project-detail", args=[project.pk])).content.decode()
    )


def test_declining_removes_it_from_the_dashboard_and_the_client_sees_it(client, freelancer, invitation, project):
    client.force_login(freelancer)

    response = client.post(reverse("invitation-decline", args=[invitation.pk]), follow=True)

    page = response.content.decode()
    assert "Invitation déclinée." in page
    assert f"/invitations/{invitation.pk}/" not in page
    client.force_login(project.owner)
    assert (
        '<span class="status status-declined">Déclinée</span>'
        in client.get(reverse("project-detail", args=[project.pk])).content.decode()
    )


def test_a_second_answer_from_the_dashboard_is_refused_with_a_message(client, freelancer, invitation):
    client.force_login(freelancer)
    client.post(reverse("invitation-accept", args=[invitation.pk]))

    response = client.post(reverse("invitation-decline", args=[invitation.pk]), follow=True)

    assert "Vous avez déjà répondu à cette invitation." in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED


def test_only_the_invitee_answers_on_the_site(client, invitation, project):
    client.force_login(project.owner)
    assert client.post(reverse("invitation-decline", args=[invitation.pk])).status_code == 403
    client.force_login(UserFactory())
    assert client.post(reverse("invitation-decline", args=[invitation.pk])).status_code == 404
    assert client.get(reverse("invitation-decline", args=[invitation.pk])).status_code == 405
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_the_invitation_page_is_rate_limited_like_the_api(client, owner, project, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation-send": "1/h"}
    first, second = FreelancerProfileFactory(), FreelancerProfileFactory()
    client.force_login(owner)

    client.post(reverse("freelancer-invite", args=[first.pk]), {"project": project.pk})
    refused = client.post(reverse("freelancer-invite", args=[second.pk]), {"project": project.pk})

    assert refused.status_code == 429
    assert Invitation.objects.count() == 1
