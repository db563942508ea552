"""The profiles API through HTTP: same services as the web, JSON errors with a message per field."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from profiles.models import FreelancerProfile, Skill
from tests.factories import FreelancerProfileFactory, MunicipalityFactory, ReviewFactory, SkillFactory, UserFactory

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded


@pytest.fixture
def api():
    return APIClient()


def test_anyone_reads_a_freelancers_public_profile(db, api):
    profile = FreelancerProfileFactory(
        display_name="Julie Tremblay", hourly_rate=Decimal("72.50"), skills=[SkillFactory(name="Photo de produits")]
    )
    ReviewFactory(subject=profile.user, rating=4)

    response = api.get(f"/api/v1/freelancers/{profile.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "Julie Tremblay"
    assert body["skills"] == ["Photo de produits"]
    assert body["hourly_rate"] == "72.50"
    assert body["municipality"] == profile.municipality_id
    assert body["municipality_detail"]["region_name"] == "Bas-Saint-Laurent"
    assert set(body) >= {
        "rating_average",
        "rating_count",
        "completed_projects_count",
        "available_from",
        "travel_radius_km",
    }


def test_a_hidden_or_missing_profile_is_404(db, api):
    hidden = FreelancerProfileFactory(is_hidden=True)
    assert api.get(f"/api/v1/freelancers/{hidden.pk}/").status_code == 404
    assert api.get("/api/v1/freelancers/999999/").status_code == 404


def test_post_me_profile_creates_the_callers_profile(db, api):
    user = UserFactory()
    place = MunicipalityFactory(name="Kamouraska")
    api.force_authenticate(user)
    assert api.get("/api/v1/me/profile/").status_code == 404

    response = api.post(
        "/api/v1/me/profile/",
        {
            "display_name": "Marc Ouellet",
            "skills": ["Comptabilité", "comptabilite"],
            "hourly_rate": "55",
            "languages": ["fr"],
            "municipality": place.pk,
            "travel_radius_km": 40,
            "remote": False,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["skills"] == ["Comptabilité"]
    profile = FreelancerProfile.objects.get(user=user)
    assert (profile.display_name, profile.hourly_rate, profile.municipality, profile.remote) == (
        "Marc Ouellet",
        Decimal("55.00"),
        place,
        False,
    )
    assert api.get("/api/v1/me/profile/").json()["id"] == profile.pk


def test_patch_changes_only_what_is_sent_and_null_rate_means_to_discuss(db, api):
    profile = FreelancerProfileFactory(headline="Graphiste", hourly_rate=Decimal("65"))
    api.force_authenticate(profile.user)
    response = api.patch("/api/v1/me/profile/", {"hourly_rate": None}, format="json")
    assert response.status_code == 200
    assert response.json()["hourly_rate"] is None and response.json()["headline"] == "Graphiste"


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"hourly_rate": -10},
            {"hourly_rate": ["Le taux horaire doit être plus grand que 0 $ (laissez vide pour « à discuter »)."]},
        ),
        ({"hourly_rate": "50000"}, {"hourly_rate": ["Le taux horaire ne peut pas dépasser 1 000 $ de l'heure."]}),
        (
            {"municipality": 99999999},
            {"municipality": ["Cette municipalité n'existe pas. Choisissez-la dans la liste."]},
        ),
        ({"headline": "é" * 10_000}, {"headline": ["140 caractères au maximum (vous en avez 10000)."]}),
        (
            {"hourly_rate": "-1", "municipality": 99999999},
            {
                "hourly_rate": ["Le taux horaire doit être plus grand que 0 $ (laissez vide pour « à discuter »)."],
                "municipality": ["Cette municipalité n'existe pas. Choisissez-la dans la liste."],
            },
        ),
    ],
)
def test_bad_values_get_a_message_per_field_and_nothing_changes(db, api, payload, errors):
    profile = FreelancerProfileFactory(headline="Graphiste", hourly_rate=Decimal("65.00"))
    before = FreelancerProfile.objects.values().get(pk=profile.pk)
    api.force_authenticate(profile.user)

    response = api.patch("/api/v1/me/profile/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert FreelancerProfile.objects.values().get(pk=profile.pk) == before


def test_a_wrong_type_gets_a_field_message_too(db, api):
    profile = FreelancerProfileFactory()
    api.force_authenticate(profile.user)
    response = api.patch("/api/v1/me/profile/", {"travel_radius_km": "loin"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["travel_radius_km"]


def test_creating_a_profile_without_a_name_is_refused(db, api):
    api.force_authenticate(UserFactory())
    response = api.post("/api/v1/me/profile/", {"headline": "Graphiste", "skills": ["Logo"]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"display_name": ["Ce champ est obligatoire."]}
    assert not FreelancerProfile.objects.exists() and not Skill.objects.exists()


def test_patch_without_a_profile_is_404_and_creates_nothing(db, api):
    api.force_authenticate(UserFactory())

    for payload in ({}, {"headline": "Graphiste"}, {"display_name": "Marc Ouellet"}):
        response = api.patch("/api/v1/me/profile/", payload, format="json")
        assert response.status_code == 404
        assert response.json() == {"detail": "Vous n'avez pas encore de profil de pigiste."}
    assert not FreelancerProfile.objects.exists()


def test_a_second_profile_is_refused_with_409(db, api):
    profile = FreelancerProfileFactory(display_name="Marc Ouellet")
    api.force_authenticate(profile.user)

    response = api.post("/api/v1/me/profile/", {"display_name": "Autre nom"}, format="json")

    assert response.status_code == 409
    profile.refresh_from_db()
    assert profile.display_name == "Marc Ouellet" and FreelancerProfile.objects.count() == 1


def test_the_schema_says_what_creating_and_changing_a_profile_require(db, api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    operations = schema["paths"]["/api/v1/me/profile/"]
    components = schema["components"]["schemas"]

    def body(method):
        ref = operations[method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return components[ref.rsplit("/", 1)[1]]

    assert body("post")["required"] == ["display_name"]
    assert "required" not in body("patch")
    assert "404" in operations["patch"]["responses"] and "409" in operations["post"]["responses"]


def test_my_profile_needs_a_login(db, api):
    assert api.get("/api/v1/me/profile/").status_code in (401, 403)
    assert api.patch("/api/v1/me/profile/", {"display_name": "X"}, format="json").status_code in (401, 403)
    assert api.post("/api/v1/me/profile/", {"display_name": "X"}, format="json").status_code == 401
    assert not FreelancerProfile.objects.exists()


def test_municipality_autocomplete_is_accent_insensitive(places, api):
    response = api.get("/api/v1/municipalities/", {"q": "riviere-du-l"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["name"] == "Rivière-du-Loup"
    assert results[0]["region_name"] == "Bas-Saint-Laurent"
    assert len(api.get("/api/v1/municipalities/", {"q": "saint"}).json()["results"]) == 10


def test_the_schema_documents_the_profile_endpoints(db, api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/freelancers/{id}/", "/api/v1/me/profile/", "/api/v1/municipalities/"} <= set(paths)
    assert "patch" in paths["/api/v1/me/profile/"]


def test_an_unsupported_method_on_the_token_endpoint_is_405_not_401(db, api):
    assert api.generic("TRACE", "/api/v1/auth/token/").status_code == 405
    assert api.put("/api/v1/auth/token/", {}, format="json").status_code == 405
