"""Blind reviews: both sides' reviews stay hidden until both are written or 14 days after completion.

Then they appear together, and editing ends. Nobody can answer a bad review with one of their own.
"""

import datetime
import importlib
import json
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.common.errors import Conflict
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from profiles.models import FreelancerProfile
from projects import services
from projects.models import Project, Review
from search.models import SearchOutboxEntry
from search.params import freelancer_search_params
from search.selectors import freelancer_search
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory
from tests.race import race

pytestmark = pytest.mark.embedded

CLIENT_WORDS = "Julie a livré un site superbe, à temps."
FREELANCER_WORDS = "Client clair, paiement rapide."


@pytest.fixture
def owner(db):
    return UserFactory(name="Fromagerie du Littoral")


@pytest.fixture
def freelancer(db):
    return FreelancerProfileFactory(display_name="Julie Gagnon").user


@pytest.fixture
def completed(owner, freelancer):
    project = ProjectFactory(owner=owner, title="Site web pour la fromagerie")
    quote = QuoteFactory(project=project, freelancer=freelancer)
    services.quote_accept(user=owner, quote_id=quote.pk)
    services.project_complete(user=owner, project_id=project.pk)
    project.refresh_from_db()
    return project


def client_review(project, *, rating=4, **kwargs):
    return services.review_submit(
        user=project.owner, project_id=project.pk, data={"rating": rating, "comment": CLIENT_WORDS}, **kwargs
    )


def freelancer_review(project, user, *, rating=5, **kwargs):
    data = {"rating": rating, "comment": FREELANCER_WORDS, "paid_as_agreed": "yes"}
    return services.review_submit(user=user, project_id=project.pk, data=data, **kwargs)


def api_for(user=None):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def _rating(user) -> tuple[Decimal | None, int]:
    profile = FreelancerProfile.objects.get(user=user)
    return profile.rating_average, profile.rating_count


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def _text(notification, language):
    with translation.override(language):
        return notification_text(notification)


# --- The first review stays hidden ---------------------------------------------------------------------


def test_the_first_review_is_invisible_on_the_subjects_profile_the_api_and_to_the_other_side(
    client, completed, owner, freelancer
):
    review = client_review(completed)

    assert review.published_at is None
    # The freelancer's profile page and its rating: nothing yet.
    profile_page = client.get(reverse("freelancer-detail", args=[freelancer.freelancer_profile.pk]))
    assert CLIENT_WORDS not in profile_page.content.decode()
    assert _rating(freelancer) == (None, 0)
    assert NotificationKind.REVIEW_RECEIVED not in _kinds(freelancer)
    # The API: nothing for a stranger nor for the subject; its author sees it, unpublished.
    url = f"/api/v1/projects/{completed.pk}/reviews/"
    assert api_for(FreelancerProfileFactory().user).get(url).json() == []
    assert api_for(freelancer).get(url).json() == []
    mine = api_for(owner).get(url).json()
    assert [(r["comment"], r["published_at"]) for r in mine] == [(CLIENT_WORDS, None)]
    # The other side's project page says it exists, never what it says.
    client.force_login(freelancer)
    page = client.get(reverse("project-detail", args=[completed.pk])).content.decode()
    assert "L'autre partie a écrit son évaluation." in page
    assert CLIENT_WORDS not in page
    assert "4 sur 5" not in page


def test_the_author_sees_their_own_review_waiting_with_the_date_it_appears(client, completed, owner):
    client_review(completed)
    client.force_login(owner)

    page = client.get(reverse("project-detail", args=[completed.pk])).content.decode()

    due = timezone.localtime(completed.completed_at + datetime.timedelta(days=14))
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre"]
    months += ["novembre", "décembre"]
    assert CLIENT_WORDS in page
    assert (
        f"Visible quand l'autre partie aura écrit la sienne, ou le {due.day} {months[due.month - 1]} {due.year}."
        in page
    )
    assert "Modifier mon évaluation" in page


def test_a_freelancers_first_review_is_invisible_on_the_client_page_and_api(client, completed, owner, freelancer):
    freelancer_review(completed, freelancer)

    page = client.get(reverse("client-detail", args=[owner.pk])).content.decode()
    assert FREELANCER_WORDS not in page
    body = api_for().get(f"/api/v1/clients/{owner.pk}/").json()
    assert body["review_count"] == 0
    assert body["reviews"] == []


# --- The second makes both appear together ---------------------------------------------------------------


def test_the_second_review_makes_both_appear_together_and_tells_both_sides(client, completed, owner, freelancer):
    first = client_review(completed)
    second = freelancer_review(completed, freelancer)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.published_at is not None
    assert first.published_at == second.published_at
    assert _rating(freelancer) == (Decimal("4.00"), 1)
    assert (
        CLIENT_WORDS
        in client.get(reverse("freelancer-detail", args=[freelancer.freelancer_profile.pk])).content.decode()
    )
    assert FREELANCER_WORDS in client.get(reverse("client-detail", args=[owner.pk])).content.decode()
    comments = {r["comment"] for r in api_for().get(f"/api/v1/projects/{completed.pk}/reviews/").json()}
    assert comments == {CLIENT_WORDS, FREELANCER_WORDS}
    # Each side is told once, with the rating they received; nobody was told when the first was written.
    assert _kinds(owner).count(NotificationKind.REVIEWS_PUBLISHED) == 1
    assert _kinds(freelancer).count(NotificationKind.REVIEWS_PUBLISHED) == 1
    assert NotificationKind.REVIEW_RECEIVED not in _kinds(owner) + _kinds(freelancer)
    told = Notification.objects.get(recipient=freelancer, kind=NotificationKind.REVIEWS_PUBLISHED)
    assert _text(told, "fr-ca") == (
        "Évaluations publiées : « Site web pour la fromagerie »",
        "Vos deux évaluations sont maintenant visibles. Fromagerie du Littoral vous a donné 4/5.",
    )
    assert _text(told, "en") == (
        "Reviews published: “Site web pour la fromagerie”",
        "Both your reviews are now visible. Fromagerie du Littoral gave you 4/5.",
    )


def test_reviews_published_text_without_a_rating_when_moderation_hid_the_review_received():
    notification = Notification(kind=NotificationKind.REVIEWS_PUBLISHED, params={"title": "Logo", "name": "Luc"})
    assert _text(notification, "fr-ca").body == "Vos deux évaluations sont maintenant visibles."
    assert _text(notification, "en").body == "Both your reviews are now visible."


def test_a_review_moderation_hid_before_publication_stays_hidden_when_both_appear(completed, owner, freelancer):
    first = client_review(completed, rating=1)
    services.review_hide(review_ids=[first.pk])
    freelancer_review(completed, freelancer)

    assert Review.objects.get(pk=first.pk).is_hidden
    assert _rating(freelancer) == (None, 0)
    comments = [r["comment"] for r in api_for().get(f"/api/v1/projects/{completed.pk}/reviews/").json()]
    assert comments == [FREELANCER_WORDS]
    services.review_show(review_ids=[first.pk])
    assert _rating(freelancer) == (Decimal("1.00"), 1)


# --- 14 days with one side: it appears alone --------------------------------------------------------------


def test_a_lone_review_appears_alone_14_days_after_completion(completed, owner, freelancer):
    review = client_review(completed)
    done = completed.completed_at

    assert services.reviews_publish_due(now=done + datetime.timedelta(days=13, hours=23)) == 0
    review.refresh_from_db()
    assert review.published_at is None

    assert services.reviews_publish_due(now=done + datetime.timedelta(days=14)) == 1
    review.refresh_from_db()
    assert review.published_at == done + datetime.timedelta(days=14)
    assert _rating(freelancer) == (Decimal("4.00"), 1)
    received = Notification.objects.get(recipient=freelancer, kind=NotificationKind.REVIEW_RECEIVED)
    assert _text(received, "fr-ca").body == "Fromagerie du Littoral vous a donné 4/5."
    assert NotificationKind.REVIEWS_PUBLISHED not in _kinds(owner)
    # Idempotent: a second run tells nobody again.
    assert services.reviews_publish_due(now=done + datetime.timedelta(days=15)) == 0
    assert Notification.objects.filter(kind=NotificationKind.REVIEW_RECEIVED).count() == 1


def test_the_daily_command_publishes_the_due_reviews(completed, freelancer, capsys):
    review = freelancer_review(completed, freelancer)
    Project.objects.filter(pk=completed.pk).update(completed_at=timezone.now() - datetime.timedelta(days=15))

    with translation.override("fr-ca"):
        call_command("publish_due_reviews")

    assert capsys.readouterr().out.strip() == "1 évaluation publiée."
    review.refresh_from_db()
    assert review.published_at is not None


def test_writing_a_review_after_the_14_days_is_refused(completed, owner, freelancer):
    client_review(completed)
    later = completed.completed_at + datetime.timedelta(days=14, minutes=1)

    with pytest.raises(Conflict) as exc:
        freelancer_review(completed, freelancer, now=later)

    assert str(exc.value.message) == (
        "Les évaluations de ce projet sont closes : on évalue dans les 14 jours qui suivent la fin."
    )
    assert Review.objects.filter(author=freelancer).count() == 0


# --- Editing until published, refused after --------------------------------------------------------------


def test_the_author_edits_until_published_then_the_page_and_the_api_refuse(client, completed, owner, freelancer):
    review = client_review(completed, rating=2)
    client.force_login(owner)
    url = reverse("review-create", args=[completed.pk])

    assert client.post(url, {"rating": "3", "comment": "Corrigé."}).status_code == 302
    patched = api_for(owner).patch(f"/api/v1/reviews/{review.pk}/", {"rating": 4}, format="json")
    assert patched.status_code == 200
    assert (patched.json()["rating"], patched.json()["comment"]) == (4, "Corrigé.")

    freelancer_review(completed, freelancer)

    refused = api_for(owner).patch(f"/api/v1/reviews/{review.pk}/", {"rating": 1}, format="json")
    assert refused.status_code == 409
    assert "Cette évaluation est publiée : elle ne peut plus être modifiée." in refused.content.decode()
    followed = client.get(url, follow=True).content.decode()
    assert "Votre évaluation est publiée : elle ne peut plus être modifiée." in followed
    response = client.post(url, {"rating": "1", "comment": "Vengeance."})
    assert response.status_code == 400
    assert "Cette évaluation est publiée : elle ne peut plus être modifiée." in response.content.decode()
    review.refresh_from_db()
    assert (review.rating, review.comment) == (4, "Corrigé.")
    assert _rating(freelancer) == (Decimal("4.00"), 1)


def test_only_the_author_may_edit_a_review_through_the_api(completed, owner, freelancer):
    review = client_review(completed)
    assert api_for(freelancer).patch(f"/api/v1/reviews/{review.pk}/", {"rating": 1}, format="json").status_code == 404
    assert Review.objects.get(pk=review.pk).rating == 4


# --- The search rating changes only at publication ---------------------------------------------------------


def _found_with_four_stars(settings) -> list[str]:
    settings.ELASTICSEARCH_URL = ""  # the database backend: it reads the stored rating the index copies
    result = freelancer_search(params=freelancer_search_params(QueryDict("min_rating=4")), backend="database")
    return [card.display_name for card in result.objects]


def test_the_search_rating_changes_only_at_publication(settings, completed, freelancer):
    profile = freelancer.freelancer_profile
    SearchOutboxEntry.objects.all().delete()

    client_review(completed)
    # Nothing for the index to follow: the rating it copies has not moved.
    assert not SearchOutboxEntry.objects.filter(kind="profile", object_id=profile.pk).exists()
    assert _rating(freelancer) == (None, 0)
    assert _found_with_four_stars(settings) == []

    freelancer_review(completed, freelancer)
    assert SearchOutboxEntry.objects.filter(kind="profile", object_id=profile.pk).exists()
    assert _rating(freelancer) == (Decimal("4.00"), 1)
    assert _found_with_four_stars(settings) == ["Julie Gagnon"]


# --- The data migration ----------------------------------------------------------------------------------


def test_the_data_migration_publishes_every_review_written_before_the_rule(completed, freelancer):
    waiting = client_review(completed)
    migration = importlib.import_module("projects.migrations.0011_review_publication")

    migration.publish_existing(django_apps, None)

    waiting.refresh_from_db()
    assert waiting.published_at == waiting.created_at


# --- Racing second submissions ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_both_sides_submitting_at_once_both_end_published(asgi_server):
    owner = UserFactory(name="Fromagerie du Littoral")
    freelancer = FreelancerProfileFactory(display_name="Julie Gagnon").user
    project = ProjectFactory(owner=owner)
    services.quote_accept(user=owner, quote_id=QuoteFactory(project=project, freelancer=freelancer).pk)
    services.project_complete(user=owner, project_id=project.pk)
    path = f"/api/v1/projects/{project.pk}/reviews/"
    requests = [
        (path, {"Authorization": f"Token {Token.objects.create(user=user).key}", "Content-Type": "application/json"})
        for user in (owner, freelancer)
    ]

    # The same words from both sides, at the same moment (a client's "paid as agreed?" is ignored).
    answers = race(asgi_server.url, requests, body=json.dumps({"rating": 4, "paid_as_agreed": "yes"}).encode())

    assert [answer.status_code for answer in answers] == [201, 201], [answer.text[:200] for answer in answers]
    published = list(Review.objects.filter(project=project).values_list("published_at", flat=True))
    assert len(published) == 2
    assert None not in published
    assert Notification.objects.filter(kind=NotificationKind.REVIEWS_PUBLISHED).count() == 2
    assert _rating(freelancer) == (Decimal("4.00"), 1)
