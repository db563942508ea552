"""The JSON API through HTTP: shapes, per-field errors, 403/404 without leaks, 409 on conflicts, tokens."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from projects.models import Project, ProjectStatus, Quote, QuoteStatus, Review
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def api():
    return APIClient()


def as_json(project_data):
    data = dict(project_data)
    for key in ("budget_min", "budget_max"):
        data[key] = str(data[key])
    for key in ("deadline", "quotes_due"):
        data[key] = data[key].isoformat()
    return data


QUOTE = {"amount": "1500.00", "pricing": "fixed", "delivery_days": 10, "charges_taxes": True, "message": "Bonjour"}


def test_list_is_public_and_paged(api, project):
    ProjectFactory(status=ProjectStatus.DRAFT)
    body = api.get("/api/v1/projects/").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == project.pk and item["quote_count"] == 0
    assert set(item) >= {
        "title",
        "description",
        "category",
        "skills",
        "budget_type",
        "budget_min",
        "budget_max",
        "deadline",
        "municipality",
        "remote",
        "quotes_due",
        "visibility",
        "status",
    }


def test_create_with_a_token(api, owner, project_data):
    token = Token.objects.create(user=owner)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post("/api/v1/projects/", {**as_json(project_data), "status": "open"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "open" and body["skills"] == ["Design graphique", "Illustration"]
    assert body["municipality"] == project_data["municipality"]


def test_create_anonymously_is_refused(api, project_data):
    assert api.post("/api/v1/projects/", as_json(project_data), format="json").status_code in (401, 403)
    assert Project.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"budget_min": "-1"}, {"budget_min": ["Le montant doit être supérieur à 0 $."]}),
        ({"budget_max": "99999999"}, {"budget_max": ["Le montant ne peut pas dépasser 10 000 000 $."]}),
        (
            {"budget_min": "2000", "budget_max": "100"},
            {"budget_min": ["Le budget minimum ne peut pas dépasser le budget maximum."]},
        ),
        ({"deadline": "2001-01-01"}, {"deadline": ["L'échéance ne peut pas être dans le passé."]}),
        ({"title": "t" * 10_000}, {"title": ["120 caractères au maximum (vous en avez 10000)."]}),
        (
            {"municipality": 424242},
            {"municipality": ["Cette municipalité n'existe pas. Choisissez-en une dans la liste."]},
        ),
    ],
)
def test_create_errors_are_json_per_field_and_nothing_is_saved(api, owner, project_data, changes, errors):
    api.force_authenticate(owner)
    response = api.post("/api/v1/projects/", {**as_json(project_data), **changes}, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert Project.objects.count() == 0


def test_patch_by_owner_and_by_others(api, owner, project):
    api.force_authenticate(owner)
    assert (
        api.patch(f"/api/v1/projects/{project.pk}/", {"title": "Nouveau"}, format="json").json()["title"] == "Nouveau"
    )
    api.force_authenticate(UserFactory())
    response = api.patch(f"/api/v1/projects/{project.pk}/", {"title": "Piraté"}, format="json")
    assert response.status_code == 403
    assert Project.objects.get(pk=project.pk).title == "Nouveau"


def test_draft_is_404_for_others(api, owner):
    draft = ProjectFactory(owner=owner, status=ProjectStatus.DRAFT, title="Projet secret")
    api.force_authenticate(UserFactory())
    response = api.get(f"/api/v1/projects/{draft.pk}/")
    assert response.status_code == 404 and "Projet secret" not in response.content.decode()


def test_quote_post_and_listing_by_role(api, owner, project, freelancer, other_freelancer):
    api.force_authenticate(freelancer)
    created = api.post(f"/api/v1/projects/{project.pk}/quotes/", QUOTE, format="json")
    assert created.status_code == 201
    assert created.json()["status"] == "pending" and created.json()["amount"] == "1500.00"
    QuoteFactory(project=project, freelancer=other_freelancer)

    assert [q["freelancer"]["id"] for q in api.get(f"/api/v1/projects/{project.pk}/quotes/").json()] == [freelancer.pk]
    api.force_authenticate(owner)
    assert len(api.get(f"/api/v1/projects/{project.pk}/quotes/").json()) == 2


def test_reading_another_freelancers_quote_is_404(api, project, freelancer, other_freelancer):
    quote = QuoteFactory(project=project, freelancer=other_freelancer, message="Mon prix secret")
    api.force_authenticate(freelancer)
    response = api.get(f"/api/v1/quotes/{quote.pk}/")
    assert response.status_code == 404
    assert "secret" not in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "-10"}, "amount", "Le montant doit être supérieur à 0 $."),
        ({"amount": "0"}, "amount", "Le montant doit être supérieur à 0 $."),
        ({"amount": "20000000"}, "amount", "Le montant ne peut pas dépasser 10 000 000 $."),
    ],
)
def test_quote_with_bad_price_is_refused(api, project, freelancer, changes, field, message):
    api.force_authenticate(freelancer)
    response = api.post(f"/api/v1/projects/{project.pk}/quotes/", {**QUOTE, **changes}, format="json")
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert Quote.objects.count() == 0


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (
            [{"description": "Maquettes", "amount": "600"}],
            "Le détail des coûts totalise 600,00\xa0$, mais le total de la soumission est de 1\u202f500,00\xa0$ : "
            "corrigez les postes ou le montant (écart de 900,00\xa0$).",
        ),
        (
            [{"description": "Maquettes", "amount": "1499.99"}],
            "Le détail des coûts totalise 1\u202f499,99\xa0$, mais le total de la soumission est de "
            "1\u202f500,00\xa0$ : corrigez les postes ou le montant (écart de 0,01\xa0$).",
        ),
        (
            [{"description": "Maquettes", "amount": "-100"}, {"description": "Site", "amount": "1600"}],
            "Le montant d'un poste doit être supérieur à 0 $.",
        ),
        (
            [{"description": "Maquettes", "amount": "0"}, {"description": "Site", "amount": "1500"}],
            "Le montant d'un poste doit être supérieur à 0 $.",
        ),
    ],
)
def test_quote_whose_line_items_do_not_add_up_is_refused_by_the_api(api, project, freelancer, items, message):
    api.force_authenticate(freelancer)

    response = api.post(f"/api/v1/projects/{project.pk}/quotes/", {**QUOTE, "line_items": items}, format="json")

    assert response.status_code == 400
    assert response.json() == {"line_items": [message]}
    assert Quote.objects.count() == 0


def test_line_item_amount_that_is_no_number_is_refused_by_the_api(api, project, freelancer):
    api.force_authenticate(freelancer)
    items = [{"description": "Maquettes", "amount": "beaucoup"}]

    response = api.post(f"/api/v1/projects/{project.pk}/quotes/", {**QUOTE, "line_items": items}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["line_items"]
    assert Quote.objects.count() == 0


def test_patching_the_price_away_from_its_line_items_is_refused(api, project, freelancer):
    api.force_authenticate(freelancer)
    items = [{"description": "Maquettes", "amount": "500"}, {"description": "Site", "amount": "1000"}]
    quote_id = api.post(f"/api/v1/projects/{project.pk}/quotes/", {**QUOTE, "line_items": items}, format="json").json()[
        "id"
    ]

    response = api.patch(f"/api/v1/quotes/{quote_id}/", {"amount": "1800"}, format="json")

    assert response.status_code == 400
    assert "(écart de 300,00\xa0$)" in response.json()["line_items"][0]
    assert Quote.objects.get(pk=quote_id).amount == 1500


def test_second_live_quote_is_409(api, project, freelancer):
    api.force_authenticate(freelancer)
    api.post(f"/api/v1/projects/{project.pk}/quotes/", QUOTE, format="json")
    response = api.post(f"/api/v1/projects/{project.pk}/quotes/", QUOTE, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Vous avez déjà une soumission en cours")
    assert Quote.objects.count() == 1


def test_patch_quote_while_pending_then_409_once_accepted(api, owner, project, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    api.force_authenticate(freelancer)
    assert api.patch(f"/api/v1/quotes/{quote.pk}/", {"amount": "3000"}, format="json").json()["amount"] == "3000.00"
    api.force_authenticate(owner)
    assert api.post(f"/api/v1/quotes/{quote.pk}/accept/").json()["status"] == "accepted"
    api.force_authenticate(freelancer)
    response = api.patch(f"/api/v1/quotes/{quote.pk}/", {"amount": "1"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "Cette soumission est acceptée : elle ne peut plus changer."}
    assert Quote.objects.get(pk=quote.pk).amount == 3000


def test_accept_on_awarded_project_is_409(api, owner, project, freelancer, other_freelancer):
    first = QuoteFactory(project=project, freelancer=freelancer)
    second = QuoteFactory(project=project, freelancer=other_freelancer)
    api.force_authenticate(owner)
    api.post(f"/api/v1/quotes/{first.pk}/accept/")
    response = api.post(f"/api/v1/quotes/{second.pk}/accept/")
    assert response.status_code == 409
    assert response.json() == {"detail": "Ce projet a déjà été attribué : une seule soumission peut être acceptée."}
    assert Quote.objects.get(pk=first.pk).status == QuoteStatus.ACCEPTED


def test_accept_and_decline_by_the_author_are_403(api, project, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    api.force_authenticate(freelancer)
    assert api.post(f"/api/v1/quotes/{quote.pk}/accept/").status_code == 403
    assert api.post(f"/api/v1/quotes/{quote.pk}/decline/", {"reason": "x"}, format="json").status_code == 403
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.PENDING


def test_decline_with_reason_and_withdraw(api, owner, project, freelancer, other_freelancer):
    declined = QuoteFactory(project=project, freelancer=freelancer)
    withdrawn = QuoteFactory(project=project, freelancer=other_freelancer)
    api.force_authenticate(owner)
    body = api.post(f"/api/v1/quotes/{declined.pk}/decline/", {"reason": "Trop loin"}, format="json").json()
    assert (body["status"], body["decline_reason"]) == ("declined", "Trop loin")
    api.force_authenticate(other_freelancer)
    assert api.post(f"/api/v1/quotes/{withdrawn.pk}/withdraw/").json()["status"] == "withdrawn"


def test_complete_and_reviews(api, owner, project, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    api.force_authenticate(owner)
    api.post(f"/api/v1/quotes/{quote.pk}/accept/")
    assert api.post(f"/api/v1/projects/{project.pk}/complete/").json()["status"] == "completed"
    assert (
        api.post(
            f"/api/v1/projects/{project.pk}/reviews/", {"rating": 5, "comment": "Bravo"}, format="json"
        ).status_code
        == 201
    )
    second = api.post(f"/api/v1/projects/{project.pk}/reviews/", {"rating": 1}, format="json")
    assert second.status_code == 409
    api.force_authenticate(FreelancerProfileFactory().user)
    stranger = api.post(f"/api/v1/projects/{project.pk}/reviews/", {"rating": 1, "paid_as_agreed": "no"}, format="json")
    assert stranger.status_code == 403
    # Blind reviews: nobody else reads the client's until the freelancer writes theirs; then both appear.
    assert api.get(f"/api/v1/projects/{project.pk}/reviews/").json() == []
    assert Review.objects.count() == 1
    api.force_authenticate(freelancer)
    reply = {"rating": 4, "paid_as_agreed": "yes"}
    assert api.post(f"/api/v1/projects/{project.pk}/reviews/", reply, format="json").status_code == 201
    api.force_authenticate(FreelancerProfileFactory().user)
    assert sorted(r["rating"] for r in api.get(f"/api/v1/projects/{project.pk}/reviews/").json()) == [4, 5]


def test_quote_on_past_due_project_is_409(api, project, freelancer):
    Project.objects.filter(pk=project.pk).update(quotes_due=timezone.localdate() - datetime.timedelta(days=2))
    api.force_authenticate(freelancer)
    response = api.post(f"/api/v1/projects/{project.pk}/quotes/", QUOTE, format="json")
    assert response.status_code == 409
    assert Quote.objects.count() == 0


def test_schema_of_projects_and_quotes_is_clean(api, capsys):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    output = capsys.readouterr()
    ours = [line for line in (output.err + output.out).splitlines() if "projects/" in line or "/api/v1/quotes" in line]
    assert ours == []
    assert "/api/v1/projects/{id}/quotes/" in schema["paths"]
    listing = schema["paths"]["/api/v1/projects/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listing["$ref"].endswith("PaginatedProjectList")
    assert api.get("/api/schema/").status_code == 200
