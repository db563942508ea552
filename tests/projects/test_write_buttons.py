"""The "Écrire" buttons: on the owner's quote rows and invitations, on a freelancer's dashboard and on a
project page for freelancers, on a profile for clients; shown exactly when the conversation may open."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from marketplace.common.errors import DomainError
from messaging import services as messaging_services
from messaging.models import Block, Conversation
from projects.models import ProjectStatus, QuoteStatus, Visibility
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory
from tests.projects.factories import InvitationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

OPEN_URL = reverse("conversation-open")


class _WriteForms(HTMLParser):
    """The forms of a page that post to conversation-open: their fields, choices and button text."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._in_button = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("action") == OPEN_URL:
            self._form = {"fields": {}, "choices": [], "button": "", "aria_label": None}
        elif self._form is not None and tag == "input":
            self._form["fields"][attrs["name"]] = attrs.get("value")
        elif self._form is not None and tag == "option":
            self._form["choices"].append(int(attrs["value"]))
        elif self._form is not None and tag == "button":
            self._in_button = True
            self._form["aria_label"] = attrs.get("aria-label")

    def handle_data(self, data):
        if self._in_button:
            self._form["button"] += data

    def handle_endtag(self, tag):
        if tag == "button":
            self._in_button = False
        elif tag == "form" and self._form is not None:
            self._form["button"] = " ".join(self._form["button"].split())
            self.forms.append(self._form)
            self._form = None


def write_forms(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    parser = _WriteForms()
    parser.feed(response.content.decode())
    return parser.forms


def post_form(client, form, **choice):
    """Submit a write form as the browser would (the first choice of a select unless told)."""
    data = {name: value for name, value in form["fields"].items() if name != "csrfmiddlewaretoken"}
    if form["choices"]:
        data["project"] = choice.get("project", form["choices"][0])
    return client.post(OPEN_URL, data)


def may_open(*, user, project, with_user) -> bool:
    """What messaging.services.conversation_open answers (the conversation it opens is rolled back with the test)."""
    try:
        messaging_services.conversation_open(user=user, project_id=project.pk, with_user_id=with_user.pk)
    except DomainError:
        return False
    return True


def project_url(project) -> str:
    return reverse("project-detail", args=[project.pk])


# --- The owner's project page: quote rows and invited freelancers -------------------------------------------


def test_each_quote_row_of_the_owner_has_an_ecrire_button_that_opens_that_conversation(client, owner, project):
    julie = FreelancerProfileFactory(display_name="Julie Gagnon").user
    marc = FreelancerProfileFactory(display_name="Marc Pelletier").user
    QuoteFactory(project=project, freelancer=julie)
    QuoteFactory(project=project, freelancer=marc, status=QuoteStatus.DECLINED)
    client.force_login(owner)

    forms = write_forms(client, project_url(project))

    assert [(f["button"], f["aria_label"]) for f in forms] == [
        ("Écrire", "Écrire à Julie Gagnon"),
        ("Écrire", "Écrire à Marc Pelletier"),
    ]
    assert forms[1]["fields"]["project"] == str(project.pk)
    assert forms[1]["fields"]["with_user"] == str(marc.pk)
    assert forms[1]["fields"]["next"] == f"{project_url(project)}#quotes"
    response = post_form(client, forms[1])
    conversation = Conversation.objects.get()
    assert response["Location"] == f"/messages/{conversation.pk}/?ecrire=1"
    assert (conversation.project, conversation.client, conversation.freelancer) == (project, owner, marc)


def test_the_live_quote_table_has_the_same_buttons(client, owner, project, freelancer):
    QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(owner)

    forms = write_forms(client, reverse("project-quotes-fragment", args=[project.pk]))

    assert [f["fields"]["with_user"] for f in forms] == [str(freelancer.pk)]
    assert forms[0]["fields"]["next"] == f"{project_url(project)}#quotes"


def test_no_button_to_a_freelancer_across_a_block_or_with_a_closed_account(client, owner, project, freelancer):
    blocked_by_owner = QuoteFactory(project=project).freelancer
    blocking_owner = QuoteFactory(project=project).freelancer
    closed = QuoteFactory(project=project).freelancer
    QuoteFactory(project=project, freelancer=freelancer)
    Block.objects.create(blocker=owner, blocked=blocked_by_owner)
    Block.objects.create(blocker=blocking_owner, blocked=owner)
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    client.force_login(owner)

    forms = write_forms(client, project_url(project))

    assert [f["fields"]["with_user"] for f in forms] == [str(freelancer.pk)]
    for other in (blocked_by_owner, blocking_owner, closed):
        assert not may_open(user=owner, project=project, with_user=other)


def test_staff_see_the_quotes_without_ecrire_buttons(client, project, freelancer):
    QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(UserFactory(is_staff=True))
    page = client.get(project_url(project)).content.decode()
    assert "quotes-table" in page
    # Only the "Écrire au client" any member has on an open public project; none on the rows.
    assert [f["fields"]["with_user"] for f in write_forms(client, project_url(project))] == [str(project.owner_id)]


def test_no_button_on_a_project_hidden_by_moderation(client, owner):
    project = ProjectFactory(owner=owner, is_hidden=True)
    freelancer = QuoteFactory(project=project).freelancer
    InvitationFactory(project=project)
    client.force_login(owner)

    assert write_forms(client, project_url(project)) == []
    assert not may_open(user=owner, project=project, with_user=freelancer)


def test_the_owner_sees_the_freelancers_they_invited_with_an_ecrire_button(client, owner, project):
    invited = InvitationFactory(project=project, freelancer=FreelancerProfileFactory(display_name="Léa Dubé").user)
    client.force_login(owner)

    page = client.get(project_url(project)).content.decode()
    forms = write_forms(client, project_url(project))

    assert "Pigistes invités" in page and "Léa Dubé" in page
    assert [(f["fields"]["with_user"], f["aria_label"]) for f in forms] == [
        (str(invited.freelancer_id), "Écrire à Léa Dubé")
    ]
    post_form(client, forms[0])
    assert Conversation.objects.get().freelancer == invited.freelancer


def test_nobody_else_sees_whom_the_owner_invited(client, project, freelancer):
    InvitationFactory(project=project, freelancer=FreelancerProfileFactory(display_name="Léa Dubé").user)
    client.force_login(freelancer)
    page = client.get(project_url(project)).content.decode()
    assert "Pigistes invités" not in page and "Léa Dubé" not in page


# --- "Écrire au client" on the project page: shown exactly when the service lets the freelancer write -------


def _public_open(owner, freelancer):
    return ProjectFactory(owner=owner)


def _invite_only_invited(owner, freelancer):
    project = ProjectFactory(owner=owner, visibility=Visibility.INVITED)
    InvitationFactory(project=project, freelancer=freelancer)
    return project


def _awarded_with_my_quote(owner, freelancer):
    project = ProjectFactory(owner=owner, status=ProjectStatus.AWARDED)
    QuoteFactory(project=project, freelancer=freelancer, status=QuoteStatus.DECLINED)
    return project


def _cancelled_after_an_invitation(owner, freelancer):
    project = ProjectFactory(owner=owner, status=ProjectStatus.CANCELLED)
    InvitationFactory(project=project, freelancer=freelancer)
    return project


def _awarded_to_someone_else(owner, freelancer):
    project = ProjectFactory(owner=owner, status=ProjectStatus.AWARDED)
    QuoteFactory(project=project, status=QuoteStatus.ACCEPTED)
    return project


def _closed_without_me(owner, freelancer):
    return ProjectFactory(owner=owner, status=ProjectStatus.CLOSED)


def _completed_where_the_client_wrote_to_me(owner, freelancer):
    project = ProjectFactory(owner=owner, status=ProjectStatus.OPEN)
    messaging_services.conversation_open(user=owner, project_id=project.pk, with_user_id=freelancer.pk)
    project.status = ProjectStatus.COMPLETED
    project.save(update_fields=["status"])
    return project


def _public_open_across_a_block(owner, freelancer):
    Block.objects.create(blocker=owner, blocked=freelancer)
    return ProjectFactory(owner=owner)


def _public_open_of_a_closed_account(owner, freelancer):
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    return ProjectFactory(owner=owner)


@pytest.mark.parametrize(
    ("build", "shown"),
    [
        (_public_open, True),
        (_invite_only_invited, True),
        (_awarded_with_my_quote, True),
        (_cancelled_after_an_invitation, True),
        (_completed_where_the_client_wrote_to_me, True),
        (_awarded_to_someone_else, False),
        (_closed_without_me, False),
        (_public_open_across_a_block, False),
        (_public_open_of_a_closed_account, False),
    ],
)
def test_ecrire_au_client_shows_exactly_when_the_conversation_may_open(client, owner, freelancer, build, shown):
    project = build(owner, freelancer)
    client.force_login(freelancer)

    forms = write_forms(client, project_url(project))

    assert len(forms) == (1 if shown else 0)
    assert may_open(user=freelancer, project=project, with_user=owner) is shown
    if shown:
        assert forms[0]["button"] == "Écrire au client"
        assert forms[0]["fields"]["with_user"] == str(owner.pk)
        assert forms[0]["fields"]["next"] == project_url(project)
        response = post_form(client, forms[0])
        assert response["Location"].endswith("?ecrire=1")


def test_a_visitor_sees_no_ecrire_au_client(client, project):
    assert write_forms(client, project_url(project)) == []


def test_the_owner_sees_no_ecrire_au_client_on_their_own_project(client, owner, project):
    client.force_login(owner)
    assert write_forms(client, project_url(project)) == []


# --- The freelancer's dashboard: the invitations they received -----------------------------------------------


def test_each_invitation_on_the_dashboard_has_ecrire_au_client(client, freelancer):
    invitation = InvitationFactory(freelancer=freelancer)
    blocked_client = InvitationFactory(freelancer=freelancer).project.owner
    Block.objects.create(blocker=blocked_client, blocked=freelancer)
    client.force_login(freelancer)

    forms = write_forms(client, reverse("dashboard"))

    assert [(f["button"], f["fields"]["project"], f["fields"]["with_user"]) for f in forms] == [
        ("Écrire au client", str(invitation.project_id), str(invitation.project.owner_id))
    ]
    assert forms[0]["fields"]["next"] == reverse("dashboard")
    post_form(client, forms[0])
    conversation = Conversation.objects.get()
    assert (conversation.client, conversation.freelancer) == (invitation.project.owner, freelancer)


# --- A freelancer's profile: the client picks which of their projects to talk about -------------------------


def profile_url(user) -> str:
    return reverse("freelancer-detail", args=[user.freelancer_profile.pk])


def test_a_client_chooses_among_the_projects_the_conversation_may_be_about(client, owner, freelancer):
    open_project = ProjectFactory(owner=owner, title="Site web")
    draft = ProjectFactory(owner=owner, title="Brouillon d'affiche", status=ProjectStatus.DRAFT)
    awarded = ProjectFactory(owner=owner, title="Logo", status=ProjectStatus.AWARDED)
    # Finished projects are not offered: their conversations stay in the inbox.
    for status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED, ProjectStatus.CLOSED):
        ProjectFactory(owner=owner, status=status)
    hidden = ProjectFactory(owner=owner, is_hidden=True)
    ProjectFactory(title="Le projet de quelqu'un d'autre")
    client.force_login(owner)

    page = client.get(profile_url(freelancer)).content.decode()
    (form,) = write_forms(client, profile_url(freelancer))

    assert form["button"] == "Écrire à Julie Gagnon"
    assert form["choices"] == [awarded.pk, draft.pk, open_project.pk]  # newest first
    assert "Au sujet de quel projet ?" in page
    assert "Brouillon d&#x27;affiche (brouillon)" in page
    assert not may_open(user=owner, project=hidden, with_user=freelancer)
    for offered in (open_project, draft, awarded):
        assert may_open(user=owner, project=offered, with_user=freelancer)

    response = post_form(client, form, project=draft.pk)
    conversation = Conversation.objects.get(project=draft)
    assert response["Location"] == f"/messages/{conversation.pk}/?ecrire=1"
    assert conversation.freelancer == freelancer


def test_a_client_with_one_project_writes_about_it_without_choosing(client, owner, freelancer, project):
    client.force_login(owner)

    page = client.get(profile_url(freelancer)).content.decode()
    (form,) = write_forms(client, profile_url(freelancer))

    assert form["choices"] == []
    assert form["fields"]["project"] == str(project.pk)
    assert "Au sujet de votre projet « Site web pour la fromagerie »" in page
    post_form(client, form)
    assert Conversation.objects.get().project == project


@pytest.mark.parametrize("who", ["visitor", "member_without_project", "the_freelancer", "blocked", "blocking"])
def test_no_ecrire_on_a_profile_for_whoever_has_nothing_to_talk_about(client, owner, freelancer, project, who):
    if who == "member_without_project":
        client.force_login(UserFactory())
    elif who == "the_freelancer":
        client.force_login(freelancer)
    elif who in ("blocked", "blocking"):
        pair = (owner, freelancer) if who == "blocking" else (freelancer, owner)
        Block.objects.create(blocker=pair[0], blocked=pair[1])
        client.force_login(owner)

    assert write_forms(client, profile_url(freelancer)) == []
