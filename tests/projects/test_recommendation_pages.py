"""Passing work on, on the site: the answer form, "Recommander à un collègue", the client's recommended colleagues."""

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationKind
from projects.models import Invitation, InvitationStatus, Recommendation, Visibility
from projects.services import invitation_pass_on, invitation_send, recommendation_send
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def _page(client, user, project) -> str:
    client.force_login(user)
    return client.get(reverse("project-detail", args=[project.pk])).content.decode()


def test_the_invited_freelancer_sees_the_three_answers_on_the_project_page(client, invitation, freelancer, project):
    page = _page(client, freelancer, project)

    assert f'action="/invitations/{invitation.pk}/accepter/"' in page
    assert f'action="/invitations/{invitation.pk}/decliner/"' in page
    assert f'action="/invitations/{invitation.pk}/recommander/"' in page
    assert "Pas disponible — je recommande…" in page


def test_once_answered_the_answers_are_gone(client, invitation, freelancer, project):
    client.force_login(freelancer)
    client.post(reverse("invitation-decline", args=[invitation.pk]), {"reason": "Pas mon domaine", "from": "project"})

    assert f"/invitations/{invitation.pk}/" not in _page(client, freelancer, project)


def test_non_merci_with_a_reason_goes_back_to_the_project_and_the_client_reads_it(
    client, invitation, freelancer, project
):
    client.force_login(freelancer)

    response = client.post(
        reverse("invitation-decline", args=[invitation.pk]),
        {"reason": "Je suis à Gaspé ce mois-ci.", "from": "project"},
    )

    assert response["Location"] == f"/projets/{project.pk}/"
    page = _page(client, project.owner, project)
    assert '<span class="status status-declined">Déclinée</span>' in page
    assert "« Je suis à Gaspé ce mois-ci. »" in page


def test_pas_disponible_by_name_recommends_and_the_client_sees_the_card(
    client, invitation, freelancer, project, colleague
):
    client.force_login(freelancer)

    response = client.post(
        reverse("invitation-pass-on", args=[invitation.pk]),
        {"colleague": ["léa bouchard", ""], "note": "Elle connaît bien les fromageries."},
        follow=True,
    )

    assert "Merci ! Le client voit votre recommandation" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.UNAVAILABLE
    page = _page(client, project.owner, project)
    recommendation = Recommendation.objects.get()
    assert '<span class="status status-declined">Pas disponible</span>' in page
    assert f'<a href="/pigistes/{colleague.pk}/">Léa Bouchard</a>' in page
    assert "Photographe culinaire" in page
    assert "Recommandé·e par Julie Gagnon" in page
    assert "<q>Elle connaît bien les fromageries.</q>" in page
    assert f'action="/recommandations/{recommendation.pk}/inviter/"' in page


def test_a_profile_link_works_as_well_as_a_name(client, invitation, freelancer, colleague):
    client.force_login(freelancer)

    client.post(
        reverse("invitation-pass-on", args=[invitation.pk]),
        {"colleague": [f"https://pigiste.example/pigistes/{colleague.pk}/"]},
    )

    assert Recommendation.objects.get().colleague == colleague.user


@pytest.mark.parametrize(
    "typed, message",
    [
        ("Personne Inconnue", "Aucun pigiste ne s&#x27;appelle « Personne Inconnue »."),
        ("Homonyme", "Plusieurs pigistes s&#x27;appellent « Homonyme » : collez plutôt le lien de son profil."),
        ("Julie Gagnon", "Vous ne pouvez pas vous recommander vous-même."),
    ],
)
def test_a_colleague_who_cant_be_recommended_comes_back_as_a_message(client, invitation, freelancer, typed, message):
    FreelancerProfileFactory(display_name="Homonyme")
    FreelancerProfileFactory(display_name="Homonyme")
    client.force_login(freelancer)

    response = client.post(reverse("invitation-pass-on", args=[invitation.pk]), {"colleague": [typed]}, follow=True)

    assert message in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING
    assert not Recommendation.objects.exists()


def test_the_client_invites_in_one_click_and_then_sees_invitee(client, invitation, freelancer, project, colleague):
    invitation_pass_on(user=freelancer, invitation_id=invitation.pk, colleague_profile_ids=[colleague.pk])
    recommendation = Recommendation.objects.get()
    client.force_login(project.owner)

    response = client.post(reverse("recommendation-invite", args=[recommendation.pk]), follow=True)

    page = response.content.decode()
    assert "Invitation envoyée à Léa Bouchard." in page
    assert '<span class="status status-accepted">Invité·e</span>' in page
    assert f'action="/recommandations/{recommendation.pk}/inviter/"' not in page
    # Clicking again (an old tab) is not an error.
    again = client.post(reverse("recommendation-invite", args=[recommendation.pk]), follow=True)
    assert "Invitation envoyée à Léa Bouchard." in again.content.decode()
    assert Invitation.objects.filter(freelancer=colleague.user).count() == 1


def test_nobody_else_sees_the_recommendations_or_invites_from_them(client, invitation, freelancer, project, colleague):
    invitation_pass_on(
        user=freelancer, invitation_id=invitation.pk, colleague_profile_ids=[colleague.pk], note="Note privée"
    )
    recommendation = Recommendation.objects.get()

    for someone in (freelancer, colleague.user, UserFactory()):
        assert "Note privée" not in _page(client, someone, project)
        assert client.post(reverse("recommendation-invite", args=[recommendation.pk])).status_code == 404
    assert not Invitation.objects.filter(freelancer=colleague.user).exists()


def test_any_freelancer_recommends_an_open_project_from_its_page(client, project, other_freelancer, colleague):
    page = _page(client, other_freelancer, project)
    assert f'action="/projets/{project.pk}/recommander/"' in page

    response = client.post(
        reverse("project-recommend", args=[project.pk]),
        {"colleague": ["Léa Bouchard"], "note": "Pour toi"},
        follow=True,
    )

    assert "Projet recommandé à Léa Bouchard." in response.content.decode()
    assert Notification.objects.filter(recipient=colleague.user, kind=NotificationKind.RECOMMENDED).count() == 1
    # Twice is refused with a message, nothing more is sent.
    again = client.post(reverse("project-recommend", args=[project.pk]), {"colleague": ["Léa Bouchard"]}, follow=True)
    assert "Vous avez déjà recommandé Léa Bouchard pour ce projet." in again.content.decode()
    assert Notification.objects.filter(recipient=colleague.user, kind=NotificationKind.RECOMMENDED).count() == 1


def test_the_recommend_form_is_not_offered_to_the_client_visitors_or_on_closed_projects(
    client, project, other_freelancer
):
    assert "/recommander/" not in _page(client, project.owner, project)
    client.logout()
    assert "/recommander/" not in client.get(reverse("project-detail", args=[project.pk])).content.decode()
    project.status = "awarded"
    project.save()
    assert "/recommander/" not in _page(client, other_freelancer, project)


def test_an_invite_only_project_is_offered_to_its_invited_freelancer_only(client, owner, freelancer, other_freelancer):
    project = ProjectFactory(owner=owner, visibility=Visibility.INVITED)
    invitation_send(user=owner, project_id=project.pk, freelancer_profile_id=freelancer.freelancer_profile.pk)

    assert f'action="/projets/{project.pk}/recommander/"' in _page(client, freelancer, project)
    client.force_login(other_freelancer)
    assert client.get(reverse("project-detail", args=[project.pk])).status_code == 404


def test_the_profile_says_how_many_colleagues_recommended_them_without_naming_them(client, owner, colleague):
    recommenders = [FreelancerProfileFactory(display_name=f"Recommande {i}").user for i in range(2)]
    project = ProjectFactory(owner=owner)
    for recommender in recommenders:
        recommendation_send(user=recommender, project_id=project.pk, colleague_profile_ids=[colleague.pk])
    url = reverse("freelancer-detail", args=[colleague.pk])
    assert "recommandé·e par" not in client.get(url).content.decode()

    QuoteFactory(project=project, freelancer=colleague.user)

    page = client.get(url).content.decode()
    assert "recommandé·e par 2 collègues" in page
    assert "Recommande 0" not in page and "Recommande 1" not in page
    shown = client.get(f"/api/v1/freelancers/{colleague.pk}/").json()
    assert shown["recommended_by"] == 2
    assert "Recommande" not in str(shown)


def test_the_search_card_says_it_too(client, owner, colleague, settings):
    from tests.search.conftest import sync_index

    settings.ELASTICSEARCH_URL = ""  # the database backend (the Elasticsearch one renders the same card)
    project = ProjectFactory(owner=owner)
    recommendation_send(
        user=FreelancerProfileFactory().user, project_id=project.pk, colleague_profile_ids=[colleague.pk]
    )
    QuoteFactory(project=project, freelancer=colleague.user)
    sync_index()

    page = client.get(reverse("freelancer-search"), {"q": "Bouchard"}).content.decode()

    assert "Léa Bouchard" in page
    assert "recommandé·e par 1 collègue" in page


def test_the_dashboard_leads_to_the_answers_and_drops_the_invitation_once_passed_on(
    client, invitation, freelancer, colleague
):
    client.force_login(freelancer)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert f'href="/projets/{invitation.project_id}/#invitation-answer"' in dashboard

    invitation_pass_on(user=freelancer, invitation_id=invitation.pk, colleague_profile_ids=[colleague.pk])

    assert f"/invitations/{invitation.pk}/" not in client.get(reverse("dashboard")).content.decode()
