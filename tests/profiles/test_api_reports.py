"""POST /api/v1/reports/: a project, profile or review reported as the « Signaler » links do, same limit."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from profiles.models import Report
from tests.api import api_as
from tests.factories import FreelancerProfileFactory, ProjectFactory, ReviewFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

URL = "/api/v1/reports/"


def test_a_project_reported_through_the_api_is_one_the_page_won_t_take_again(client):
    member = UserFactory()
    project = ProjectFactory()

    response = api_as(member).post(
        URL, {"kind": "project", "id": project.pk, "reason": "scam", "details": "Demande une carte-cadeau."}
    )

    assert response.status_code == 201
    assert {k: v for k, v in response.json().items() if k != "created_at"} == {
        "kind": "project",
        "id": project.pk,
        "reason": "scam",
        "details": "Demande une carte-cadeau.",
    }
    report = Report.objects.get()
    assert (report.reporter, report.target, report.status) == (member, project, Report.Status.OPEN)
    client.force_login(member)
    again = client.post(reverse("report-create", args=["project", project.pk]), {"reason": "spam"})
    assert "Vous avez déjà signalé cet élément." in again.content.decode()
    assert Report.objects.count() == 1


def test_an_item_reported_on_the_page_is_a_conflict_through_the_api(client):
    member = UserFactory()
    profile = FreelancerProfileFactory()
    client.force_login(member)
    client.post(reverse("report-create", args=["profile", profile.pk]), {"reason": "scam"})

    response = api_as(member).post(URL, {"kind": "profile", "id": profile.pk, "reason": "spam"})

    assert response.status_code == 409
    assert response.json() == {"detail": "Vous avez déjà signalé cet élément. L'équipe s'en occupe."}
    assert Report.objects.count() == 1


def test_a_review_can_be_reported():
    review = ReviewFactory()

    response = api_as(UserFactory()).post(URL, {"kind": "review", "id": review.pk, "reason": "abuse"})

    assert response.status_code == 201
    assert Report.objects.get().target == review


@pytest.mark.parametrize("kind", ["project", "profile", "review"])
def test_reporting_one_s_own_content_is_refused(kind):
    project = ProjectFactory()
    targets = {
        "project": (project.owner, project.pk),
        "profile": (lambda p: (p.user, p.pk))(FreelancerProfileFactory()),
        "review": (lambda r: (r.author, r.pk))(ReviewFactory()),
    }
    author, target_id = targets[kind]

    response = api_as(author).post(URL, {"kind": kind, "id": target_id, "reason": "spam"})

    assert response.status_code == 403
    assert response.json() == {"detail": "Vous ne pouvez pas signaler votre propre contenu."}
    assert not Report.objects.exists()


def test_something_missing_or_already_hidden_is_not_found():
    hidden = ProjectFactory(is_hidden=True)
    api = api_as(UserFactory())

    missing = api.post(URL, {"kind": "review", "id": 999_999, "reason": "spam"})
    masked = api.post(URL, {"kind": "project", "id": hidden.pk, "reason": "spam"})

    assert missing.status_code == masked.status_code == 404
    assert missing.json() == {"detail": "Cet élément n'existe pas ou a déjà été masqué."}
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"kind": "project", "id": "5", "reason": "spam"}, "id", "Un nombre entier est attendu."),
        ({"kind": "project", "id": True, "reason": "spam"}, "id", "Un nombre entier est attendu."),
        ({"kind": "project", "id": 5, "reason": 3}, "reason", "Un texte est attendu."),
        ({"kind": "project", "id": 5, "reason": "spam", "details": 12}, "details", "Un texte est attendu."),
        ({"kind": 1, "id": 5, "reason": "spam"}, "kind", "Un texte est attendu."),
        ({"kind": "project", "id": 5, "reason": "pas-aimé"}, "reason", "Choisissez une raison dans la liste."),
        ({"kind": "project", "id": 5, "reason": "spam", "details": "x" * 2001}, "details", None),
        ({"kind": "project", "reason": "spam"}, "id", "Ce champ est obligatoire."),
        ({"kind": "message", "id": 5, "reason": "spam"}, "kind", None),
    ],
)
def test_bad_input_is_refused_with_a_message_for_the_field(body, field, message):
    body = {**body, "id": ProjectFactory().pk} if body.get("id") == 5 else body

    response = api_as(UserFactory()).post(URL, body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    if message:
        assert response.json()[field] == [message]
    assert not Report.objects.exists()


def test_the_limit_is_shared_with_the_page(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report-create": "2/h"}
    member = UserFactory()
    first, second, third = ProjectFactory(), ProjectFactory(), ProjectFactory()
    client.force_login(member)
    for project in (first, second):
        client.post(reverse("report-create", args=["project", project.pk]), {"reason": "spam"})

    response = api_as(member).post(URL, {"kind": "project", "id": third.pk, "reason": "spam"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"].startswith("Trop de tentatives en peu de temps.")
    assert Report.objects.count() == 2


def test_anonymous_callers_get_401():
    response = APIClient().post(URL, {"kind": "project", "id": ProjectFactory().pk, "reason": "spam"}, format="json")

    assert response.status_code == 401
    assert not Report.objects.exists()
