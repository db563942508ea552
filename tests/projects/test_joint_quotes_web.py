"""Joint quotes through the pages and the JSON API: the form, the owner's table, the members' access."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from collectives.models import MemberRole
from messaging.models import Conversation
from projects import services
from projects.models import Quote, QuoteStatus, Visibility
from tests.factories import (
    CollectiveFactory,
    CollectiveMembershipFactory,
    FreelancerProfileFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def team(db):
    """A collective of three: an admin and two members."""
    collective = CollectiveFactory(name="Coop des Îles créatives", slug="coop-des-iles-creatives")
    admin = FreelancerProfileFactory(display_name="Annie Admin").user
    CollectiveMembershipFactory(collective=collective, member=admin, role=MemberRole.ADMIN)
    members = [FreelancerProfileFactory(display_name=n).user for n in ("Béa Graphiste", "Carl Rédacteur")]
    for member in members:
        CollectiveMembershipFactory(collective=collective, member=member)
    return collective, admin, members


def joint_input(collective, members):
    return {
        "collective": collective.pk,
        "amount": "3000.00",
        "pricing": "fixed",
        "delivery_days": 30,
        "charges_taxes": True,
        "message": "Notre équipe s'occupe de tout.",
        "line_items": [
            {"description": "Design", "amount": "1500.00", "assignee": members[0].pk},
            {"description": "Textes", "amount": "1000.00", "assignee": members[1].pk},
            {"description": "Coordination", "amount": "500.00", "assignee": None},
        ],
    }


def send(project, team):
    collective, admin, members = team
    data = joint_input(collective, members)
    data["amount"] = Decimal(data["amount"])
    for item in data["line_items"]:
        item["amount"] = Decimal(item["amount"])
    return services.quote_submit(user=admin, project_id=project.pk, data=data)


# --- API -------------------------------------------------------------------------------------------


def test_api_sends_a_joint_quote_and_returns_collective_and_assignees(project, team):
    collective, admin, members = team
    api = APIClient()
    api.force_authenticate(admin)

    response = api.post(f"/api/v1/projects/{project.pk}/quotes/", joint_input(collective, members), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["collective"] == {"id": collective.pk, "name": "Coop des Îles créatives", "slug": collective.slug}
    assert body["freelancer"]["id"] == admin.pk
    assert [(i["description"], i["assignee"]) for i in body["line_items"]] == [
        ("Design", {"id": members[0].pk, "name": "Béa Graphiste"}),
        ("Textes", {"id": members[1].pk, "name": "Carl Rédacteur"}),
        ("Coordination", None),
    ]


def test_api_refuses_a_non_admin_with_403(project, team):
    collective, admin, members = team
    api = APIClient()
    api.force_authenticate(members[0])
    response = api.post(f"/api/v1/projects/{project.pk}/quotes/", joint_input(collective, members), format="json")
    assert response.status_code == 403
    assert response.json() == {
        "collective": ["Seuls les administrateurs du collectif peuvent envoyer une soumission commune."]
    }
    assert not Quote.objects.exists()


def test_api_refuses_an_assignee_outside_the_collective_with_400(project, team):
    collective, admin, members = team
    api = APIClient()
    api.force_authenticate(admin)
    data = joint_input(collective, members)
    data["line_items"][0]["assignee"] = UserFactory().pk
    response = api.post(f"/api/v1/projects/{project.pk}/quotes/", data, format="json")
    assert response.status_code == 400
    assert response.json()["line_items"] == [
        "Chaque poste est assigné à un membre actif du collectif, ou au collectif lui-même."
    ]
    assert not Quote.objects.exists()


def test_api_refuses_the_collective_quoting_twice_with_409(project, team):
    collective, admin, members = team
    send(project, team)
    api = APIClient()
    api.force_authenticate(admin)
    response = api.post(f"/api/v1/projects/{project.pk}/quotes/", joint_input(collective, members), format="json")
    assert response.status_code == 409
    assert Quote.objects.count() == 1


def test_api_an_assigned_member_reads_the_invite_only_project_and_the_joint_quote(team, owner):
    collective, admin, members = team
    project = ProjectFactory(owner=owner, visibility=Visibility.INVITED)
    services.invitation_send(user=owner, project_id=project.pk, freelancer_profile_id=admin.freelancer_profile.pk)
    quote = send(project, team)
    api = APIClient()
    api.force_authenticate(members[0])

    assert api.get(f"/api/v1/projects/{project.pk}/").status_code == 200
    quotes = api.get(f"/api/v1/projects/{project.pk}/quotes/").json()
    assert [q["id"] for q in quotes] == [quote.pk]
    assert api.get(f"/api/v1/quotes/{quote.pk}/").status_code == 200
    # …but may not change it: only its author does.
    assert api.patch(f"/api/v1/quotes/{quote.pk}/", {"message": "Moi"}, format="json").status_code == 403
    conversations = api.get("/api/v1/conversations/").json()
    conversation = Conversation.objects.get(project=project)
    listed = conversations["results"] if isinstance(conversations, dict) else conversations
    assert conversation.pk in [c["id"] for c in listed]
    stranger = APIClient()
    stranger.force_authenticate(FreelancerProfileFactory().user)
    assert stranger.get(f"/api/v1/projects/{project.pk}/").status_code == 404


def test_api_the_client_accepts_the_joint_quote_and_a_second_accept_is_409(project, team, freelancer, quote_data):
    single = services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    joint = send(project, team)
    api = APIClient()
    api.force_authenticate(project.owner)
    assert api.post(f"/api/v1/quotes/{joint.pk}/accept/").status_code == 200
    assert Quote.objects.get(pk=joint.pk).status == QuoteStatus.ACCEPTED
    assert api.post(f"/api/v1/quotes/{single.pk}/accept/").status_code == 409


# --- Pages -----------------------------------------------------------------------------------------


def test_the_owner_table_shows_the_collective_its_members_and_their_lines(
    client, project, team, freelancer, quote_data
):
    services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    send(project, team)
    client.force_login(project.owner)

    html = client.get(f"/projets/{project.pk}/").content.decode()

    assert "Coop des Îles créatives" in html
    assert "Soumission commune" in html
    assert "Envoyée par Annie Admin" in html
    assert (
        '<ul class="joint-members" aria-label="Membres assignés"><li>Béa Graphiste</li><li>Carl Rédacteur</li></ul>'
        in html
    )
    assert '<td>Design<div class="assignee">Béa Graphiste</div></td>' in html
    assert '<td>Coordination<div class="assignee">Coop des Îles créatives</div></td>' in html
    assert "Julie Gagnon" in html  # the single quote, beside it


def test_the_joint_quote_form_sends_a_joint_quote(client, project, team):
    collective, admin, members = team
    client.force_login(admin)
    page = client.get(f"/projets/{project.pk}/")
    assert f"/projets/{project.pk}/soumission-commune/?collectif={collective.pk}" in page.content.decode()
    form = client.get(f"/projets/{project.pk}/soumission-commune/?collectif={collective.pk}")
    assert form.status_code == 200
    assert "Béa Graphiste" in form.content.decode()

    post = {
        "collective": collective.pk,
        "pricing": "fixed",
        "amount": "2500",
        "delivery_days": "20",
        "charges_taxes": "1",
        "message": "Notre équipe.",
        "items-TOTAL_FORMS": "4",
        "items-INITIAL_FORMS": "0",
        "items-0-description": "Design",
        "items-0-amount": "2000",
        "items-0-assignee": str(members[0].pk),
        "items-1-description": "Gestion",
        "items-1-amount": "500",
        "items-1-assignee": "",
    }
    response = client.post(f"/projets/{project.pk}/soumission-commune/", post)
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert quote.collective == collective
    assert list(quote.line_items.values_list("assignee_id", flat=True)) == [members[0].pk, None]


def test_the_joint_quote_form_shows_the_refusal(client, project, team):
    collective, admin, members = team
    client.force_login(admin)
    post = {
        "collective": collective.pk,
        "pricing": "fixed",
        "amount": "2600",
        "delivery_days": "20",
        "charges_taxes": "1",
        "message": "Notre équipe.",
        "items-TOTAL_FORMS": "4",
        "items-INITIAL_FORMS": "0",
        "items-0-description": "Design",
        "items-0-amount": "2000",
        "items-0-assignee": str(members[0].pk),
    }
    response = client.post(f"/projets/{project.pk}/soumission-commune/", post)
    assert response.status_code == 400
    assert "Le détail des coûts totalise" in response.content.decode()
    assert not Quote.objects.exists()


def test_a_member_who_is_not_admin_gets_403_on_the_joint_quote_form(client, project, team):
    collective, admin, members = team
    client.force_login(members[0])
    assert client.get(f"/projets/{project.pk}/soumission-commune/").status_code == 403


def test_an_assigned_member_sees_the_invite_only_project_and_the_conversation_pages(client, team, owner):
    collective, admin, members = team
    project = ProjectFactory(owner=owner, visibility=Visibility.INVITED, title="Refonte du site du Musée")
    services.invitation_send(user=owner, project_id=project.pk, freelancer_profile_id=admin.freelancer_profile.pk)
    send(project, team)
    conversation = Conversation.objects.get(project=project)
    client.force_login(members[1])

    page = client.get(f"/projets/{project.pk}/")
    assert page.status_code == 200
    assert "Soumission commune de Coop des Îles créatives" in page.content.decode()
    assert "Modifier" not in page.content.decode().split('id="my-quote"')[1].split("</section>")[0]
    inbox = client.get("/messages/").content.decode()
    assert "Refonte du site du Musée" in inbox
    detail = client.get(f"/messages/{conversation.pk}/")
    assert detail.status_code == 200
    client.post(f"/messages/{conversation.pk}/", {"client_id": "0b0c9e0c-6f4b-4d0e-9d3e-1c2b3a4d5e6f", "body": "Salut"})
    assert conversation.messages.get().sender == members[1]
    # The client reads who wrote it: a third person in the conversation is named.
    client.force_login(owner)
    assert (
        '<span class="chat-sender">Carl Rédacteur</span>'
        in client.get(f"/messages/{conversation.pk}/").content.decode()
    )


def test_the_collective_page_shows_the_reviews_of_its_joint_work(client, project, team):
    collective, admin, members = team
    quote = send(project, team)
    services.quote_accept(user=project.owner, quote_id=quote.pk)
    services.project_complete(user=project.owner, project_id=project.pk)
    services.review_submit(user=project.owner, project_id=project.pk, data={"rating": 5, "comment": "Équipe au top"})
    # Blind reviews: the client's appears once the collective's side has reviewed them.
    assert "Équipe au top" not in client.get(f"/collectifs/{collective.slug}/").content.decode()
    services.review_submit(user=admin, project_id=project.pk, data={"rating": 5, "paid_as_agreed": "yes"})

    html = client.get(f"/collectifs/{collective.slug}/").content.decode()

    assert "Évaluations des clients" in html
    assert "Équipe au top" in html
    member_page = client.get(f"/pigistes/{members[0].freelancer_profile.pk}/").content.decode()
    assert "Équipe au top" in member_page
