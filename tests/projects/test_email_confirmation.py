"""A project published by an account whose e-mail is not confirmed waits, seen by its author alone, and
opens when the e-mail is confirmed: a throwaway account can't post a scam."""

import datetime
import re
import time

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.common.errors import NotFound
from projects import selectors, services
from projects.models import Project, ProjectStatus
from projects.privacy import projects_release_for_user
from projects.selectors import client_get
from search.models import SearchOutboxEntry
from search.querysets import searchable_projects
from tests.emails import confirmation_path, sent_to
from tests.factories import FreelancerProfileFactory, UserFactory
from tests.projects.test_views import form_post

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

AWAITING = "En attente de confirmation de votre courriel"
PASSWORD = "motdepasse-solide-123"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
INVALID_LINK = "Ce lien de confirmation a déjà servi, a expiré ou n'est pas valide."


@pytest.fixture
def newcomer(db):
    """A member who signed up and has not clicked the confirmation link yet."""
    user = UserFactory(email="nouvelle@exemple.qc.ca", name="Ferme Les Trois Sœurs", email_confirmed=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return user


@pytest.fixture
def waiting(newcomer, project_data):
    return services.project_create(owner=newcomer, data=project_data, publish=True)


def _key(user, *, days_ago: int = 0) -> str:
    """The key of the link allauth e-mails (signed, timestamped), as if sent `days_ago` days ago."""
    address = EmailAddress.objects.get(user=user)
    if not days_ago:
        return EmailConfirmationHMAC(address).key
    stamp = signing.b62_encode(int(time.time()) - days_ago * 86_400)
    original = signing.TimestampSigner.timestamp
    signing.TimestampSigner.timestamp = lambda self: stamp
    try:
        return EmailConfirmationHMAC(address).key
    finally:
        signing.TimestampSigner.timestamp = original


def _confirm_url(key: str) -> str:
    return reverse("account_confirm_email", args=[key])


def test_a_project_published_before_the_e_mail_is_confirmed_waits_unseen(client, newcomer, waiting, project_data):
    freelancer = FreelancerProfileFactory().user

    assert (waiting.status, waiting.published_at) == (ProjectStatus.AWAITING_EMAIL, None)
    # Nowhere for anyone else: list, search, API, page, quotes, the client's public count.
    assert list(selectors.project_list_open()) == []
    assert not searchable_projects().filter(pk=waiting.pk).exists()
    assert APIClient().get("/api/v1/projects/").json()["count"] == 0
    for viewer in (None, freelancer):
        browser, api = Client(), APIClient()
        if viewer is not None:
            browser.force_login(viewer)
            api.force_authenticate(viewer)
        assert browser.get(reverse("project-detail", args=[waiting.pk])).status_code == 404
        assert api.get(f"/api/v1/projects/{waiting.pk}/").status_code == 404
    with pytest.raises(NotFound):
        services.quote_submit(
            user=freelancer,
            project_id=waiting.pk,
            data={"amount": "1500", "pricing": "fixed", "delivery_days": 10, "charges_taxes": True, "message": "Allô"},
        )
    assert waiting.quotes.count() == 0
    assert client_get(user_id=newcomer.pk).projects_published == 0

    # Its author sees it, and why it waits.
    client.force_login(newcomer)
    page = client.get(reverse("project-detail", args=[waiting.pk])).content.decode()
    assert AWAITING in page
    assert "Il sera publié dès que vous aurez cliqué sur le lien de confirmation" in page
    assert project_data["description"] in page
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert f'<span class="status status-awaiting_email">{AWAITING}</span>' in dashboard


def test_confirming_the_e_mail_opens_the_waiting_project_and_queues_it_for_search(newcomer, waiting, project_data):
    other_browser = Client()  # Confirmed from the phone's mail app: the project opens all the same.
    SearchOutboxEntry.objects.all().delete()

    confirmed = other_browser.post(_confirm_url(_key(newcomer)))

    assert confirmed.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == ProjectStatus.OPEN and waiting.published_at is not None
    assert (waiting.title, waiting.description) == (project_data["title"], project_data["description"])
    assert sorted(s.name for s in waiting.skills.all()) == ["Design graphique", "Illustration"]
    # Through the one path to the search indices: the outbox.
    assert list(SearchOutboxEntry.objects.values_list("kind", "object_id")) == [("project", waiting.pk)]
    assert searchable_projects().filter(pk=waiting.pk).exists()
    assert [p.pk for p in selectors.project_list_open()] == [waiting.pk]
    assert Client().get(reverse("project-detail", args=[waiting.pk])).status_code == 200


def test_a_confirmation_link_used_twice_says_so_and_changes_nothing(newcomer, waiting):
    key = _key(newcomer)
    Client().post(_confirm_url(key))
    waiting.refresh_from_db()
    published_at = waiting.published_at
    SearchOutboxEntry.objects.all().delete()

    again = Client().get(_confirm_url(key))
    posted_again = Client().post(_confirm_url(key))

    assert again.status_code == 200 and INVALID_LINK in again.content.decode()
    assert posted_again.status_code == 404
    waiting.refresh_from_db()
    assert (waiting.status, waiting.published_at) == (ProjectStatus.OPEN, published_at)
    assert not SearchOutboxEntry.objects.exists()


@pytest.mark.parametrize("link", ["invalid", "expired"])
def test_an_invalid_or_expired_link_says_so_and_the_project_keeps_waiting(newcomer, waiting, link):
    # A link lasts 3 days; the invalid one is a real key with its signature changed.
    key = _key(newcomer, days_ago=4) if link == "expired" else _key(newcomer)[:-4] + "abcd"

    shown = Client().get(_confirm_url(key))
    posted = Client().post(_confirm_url(key))

    assert shown.status_code == 200 and INVALID_LINK in shown.content.decode()
    assert posted.status_code == 404
    waiting.refresh_from_db()
    assert (waiting.status, waiting.published_at) == (ProjectStatus.AWAITING_EMAIL, None)
    assert not EmailAddress.objects.get(user=newcomer).verified


def test_publishing_a_draft_before_confirming_waits_too(client, newcomer, project_data):
    draft = services.project_create(owner=newcomer, data=project_data, publish=False)
    client.force_login(newcomer)

    response = client.post(reverse("project-publish", args=[draft.pk]), follow=True)

    draft.refresh_from_db()
    assert draft.status == ProjectStatus.AWAITING_EMAIL
    assert "Il sera publié dès que vous aurez confirmé votre courriel." in response.content.decode()
    assert list(selectors.project_list_open()) == []


def test_a_project_whose_closing_date_passed_while_waiting_comes_back_as_a_draft(newcomer, waiting):
    Project.objects.filter(pk=waiting.pk).update(quotes_due=timezone.localdate() - datetime.timedelta(days=1))

    Client().post(_confirm_url(_key(newcomer)))

    waiting.refresh_from_db()
    assert (waiting.status, waiting.published_at) == (ProjectStatus.DRAFT, None)
    assert list(selectors.project_list_open()) == []


def test_opening_waits_for_a_confirmed_address_and_runs_once(newcomer, waiting):
    assert services.project_publish_awaiting_email(user=newcomer) == []
    waiting.refresh_from_db()
    assert waiting.status == ProjectStatus.AWAITING_EMAIL

    EmailAddress.objects.filter(user=newcomer).update(verified=True)
    assert services.project_publish_awaiting_email(user=newcomer) == [waiting]
    assert services.project_publish_awaiting_email(user=newcomer) == []


def test_a_confirmed_member_publishes_at_once(owner, project_data):
    project = services.project_create(owner=owner, data=project_data, publish=True)

    assert project.status == ProjectStatus.OPEN and project.published_at is not None


def test_a_member_who_leaves_before_confirming_leaves_no_waiting_project(newcomer, waiting):
    projects_release_for_user(user=newcomer)

    assert not Project.objects.filter(pk=waiting.pk).exists()


def _write_project_and_sign_up(browser, project_data, *, email: str):
    """A visitor writes a project, then signs up on submit; the sign-up's answer and the page it leads to."""
    written = browser.post(reverse("project-create"), form_post(project_data))
    assert written["Location"] == "/comptes/signup/?next=%2Fprojets%2Fnouveau%2Freprendre%2F"
    signed_up = browser.post(
        written["Location"], {"email": email, "name": "Microbrasserie", "password1": PASSWORD, "password2": PASSWORD}
    )
    page = browser.get(signed_up["Location"]).content.decode()
    return signed_up, CSRF_RE.sub("csrf", page).replace(email, "ADDRESS")


def test_a_visitor_s_project_is_saved_at_sign_up_and_goes_live_on_confirmation(project_data):
    visitor = Client()

    signed_up, page = _write_project_and_sign_up(visitor, project_data, email="brasserie@exemple.qc.ca")

    project = Project.objects.get()
    assert (project.owner.email, project.status) == ("brasserie@exemple.qc.ca", ProjectStatus.AWAITING_EMAIL)
    assert signed_up["Location"] == "/comptes/confirm-email/"
    assert AWAITING in page and f"Votre projet « {project_data['title']} » est enregistré." in page
    assert Client().get(reverse("project-detail", args=[project.pk])).status_code == 404

    # Confirmed from another device: live at once; back in the first browser, nothing is created twice.
    Client().post(confirmation_path("brasserie@exemple.qc.ca"))
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN
    assert Client().get(reverse("project-detail", args=[project.pk])).status_code == 200
    visitor.force_login(project.owner)
    assert visitor.get("/projets/nouveau/reprendre/")["Location"] == f"/projets/{project.pk}/"
    assert Project.objects.count() == 1


def test_a_project_written_before_signing_up_with_a_known_address_is_kept_and_the_page_is_the_same(project_data):
    owner = UserFactory(email="brasserie@exemple.qc.ca")
    known_browser = Client()

    known = _write_project_and_sign_up(known_browser, project_data, email="brasserie@exemple.qc.ca")
    new = _write_project_and_sign_up(Client(), project_data, email="nouvelle@exemple.qc.ca")

    assert (known[0].status_code, known[0]["Location"], known[1]) == (new[0].status_code, new[0]["Location"], new[1])
    assert [p.owner.email for p in Project.objects.all()] == ["nouvelle@exemple.qc.ca"]
    assert "un compte existe déjà avec cette adresse" in sent_to("brasserie@exemple.qc.ca")[0].body

    # The address's owner signs in in that browser: what was typed is still there, then published.
    known_browser.force_login(owner)
    form = known_browser.get(reverse("project-create")).content.decode()
    assert f'value="{project_data["title"]}"' in form and project_data["description"] in form
    created = known_browser.get("/projets/nouveau/reprendre/")
    project = Project.objects.get(owner=owner)
    assert created["Location"] == f"/projets/{project.pk}/"
    assert (project.title, project.status) == (project_data["title"], ProjectStatus.OPEN)
