"""Choosing a place on the profile and project forms: a text box with suggestions, not 512 options.

Accents, case, hyphens and Saint/St don't matter; without script the typed name is enough; a name
that is unknown or shared by several places gets a message saying what to type.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.common.errors import ValidationFailed
from profiles.models import FreelancerProfile, Region
from profiles.selectors import municipality_resolve, municipality_search
from profiles.services import search_key
from projects.models import Project
from tests.factories import FreelancerProfileFactory, MrcFactory, MunicipalityFactory, ProjectFactory, UserFactory

# Also on SQLite (`make run`): the lookups must behave the same there.
pytestmark = pytest.mark.embedded


def make_place(name: str, region=Region.CHAUDIERE_APPALACHES, population: int = 1_000, mrc=None):
    return MunicipalityFactory(name=name, search_name=search_key(name), region=region, population=population, mrc=mrc)


@pytest.fixture
def towns(db):
    """Both spellings Quebec uses (Saint-/St-), and two places called Saint-Louis in two MRCs."""
    kamouraska = MrcFactory()
    maskoutains = MrcFactory(code="54", name="Les Maskoutains", region=Region.MONTEREGIE)
    return {
        "sjpj": make_place("Saint-Jean-Port-Joli", population=3_300),
        "sjsr": make_place("St-Jean-sur-Richelieu", Region.MONTEREGIE, population=95_000),
        "ste_catherine": make_place("Ste-Catherine", Region.MONTEREGIE, population=17_000),
        "levis": make_place("Lévis", population=150_000),
        "riviere": make_place("Rivière-du-Loup", Region.BAS_SAINT_LAURENT, population=20_000),
        "louis_bsl": make_place("Saint-Louis", Region.BAS_SAINT_LAURENT, population=600, mrc=kamouraska),
        "louis_mont": make_place("Saint-Louis", Region.MONTEREGIE, population=750, mrc=maskoutains),
    }


def names(q: str) -> list[str]:
    return [place.name for place in municipality_search(q=q)]


# --- Suggestions (the autocomplete API) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("st-jean", ["St-Jean-sur-Richelieu", "Saint-Jean-Port-Joli"]),
        ("saint-jean", ["St-Jean-sur-Richelieu", "Saint-Jean-Port-Joli"]),
        ("ST JEAN PORT", ["Saint-Jean-Port-Joli"]),
        ("saint jean sur", ["St-Jean-sur-Richelieu"]),
        ("sainte-cath", ["Ste-Catherine"]),
        ("ste cath", ["Ste-Catherine"]),
        ("levis", ["Lévis"]),
        ("LÉVIS", ["Lévis"]),
        ("riviere du", ["Rivière-du-Loup"]),
        ("loup", ["Rivière-du-Loup"]),  # a later word of the name
        ("", []),
        ("!!!", []),
        ("x" * 5_000, []),
        ("st " * 40, []),
    ],
)
def test_suggestions_ignore_accents_case_hyphens_and_saint_or_st(towns, q, expected):
    assert names(q) == expected


def test_the_autocomplete_api_answers_st_with_saint(client, towns):
    body = client.get(reverse("api-municipality-search"), {"q": "st-jean-port"}).json()
    assert [(r["name"], r["region_name"]) for r in body["results"]] == [
        ("Saint-Jean-Port-Joli", "Chaudière-Appalaches")
    ]


def test_the_autocomplete_tells_namesakes_apart_by_their_mrc(client, towns):
    body = client.get(reverse("api-municipality-search"), {"q": "saint-louis"}).json()
    assert [(r["label"], r["mrc"]) for r in body["results"]] == [
        (
            "Saint-Louis — Les Maskoutains, Montérégie",
            {"code": "54", "name": "Les Maskoutains", "slug": "les-maskoutains"},
        ),
        ("Saint-Louis — Kamouraska, Bas-Saint-Laurent", {"code": "14", "name": "Kamouraska", "slug": "kamouraska"}),
    ]
    body = client.get(reverse("api-municipality-search"), {"q": "levis"}).json()
    assert [(r["label"], r["mrc"]) for r in body["results"]] == [("Lévis — Chaudière-Appalaches", None)]


# --- A typed name, resolved --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Saint-Jean-Port-Joli", "sjpj"),
        ("st-jean-port-joli", "sjpj"),
        ("  ST JEAN   PORT JOLI ", "sjpj"),
        ("saint-jean-sur-richelieu", "sjsr"),
        ("sainte-catherine", "ste_catherine"),
        ("levis", "levis"),
        ("Saint-Louis (Montérégie)", "louis_mont"),  # As places were written before they had an MRC.
        ("saint louis (bas-saint-laurent)", "louis_bsl"),
        ("Saint-Louis — Les Maskoutains, Montérégie", "louis_mont"),
        ("st-louis - kamouraska, bas-saint-laurent", "louis_bsl"),
        ("Saint-Louis — Kamouraska", "louis_bsl"),
        ("Lévis — Chaudière-Appalaches", "levis"),
    ],
)
def test_a_typed_name_stands_for_one_place(towns, typed, key):
    assert municipality_resolve(text=typed) == towns[key]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "Saint-Louis",
            "Il y a plusieurs « Saint-Louis » au Québec : choisissez-en une dans les suggestions, ou écrivez "
            "« Saint-Louis — Kamouraska, Bas-Saint-Laurent » ou « Saint-Louis — Les Maskoutains, Montérégie ».",
        ),
        (
            "st-louis",
            "Il y a plusieurs « st-louis » au Québec : choisissez-en une dans les suggestions, ou écrivez "
            "« Saint-Louis — Kamouraska, Bas-Saint-Laurent » ou « Saint-Louis — Les Maskoutains, Montérégie ».",
        ),
        ("Atlantide", "Aucune municipalité du Québec ne s'appelle « Atlantide ». Vérifiez l'orthographe."),
        (
            "Lév",
            "Aucune municipalité du Québec ne s'appelle « Lév ». Vouliez-vous dire « Lévis — Chaudière-Appalaches » ?",
        ),
        (
            "Saint-Louis (Mars)",
            "Aucune municipalité du Québec ne s'appelle « Saint-Louis (Mars) ». Vouliez-vous dire "
            "« Saint-Louis — Les Maskoutains, Montérégie » ou « Saint-Louis — Kamouraska, Bas-Saint-Laurent » ?",
        ),
        (
            "Saint-Louis — Témiscouata, Bas-Saint-Laurent",
            "Aucune municipalité du Québec ne s'appelle « Saint-Louis — Témiscouata, Bas-Saint-Laurent ». "
            "Vouliez-vous dire « Saint-Louis — Les Maskoutains, Montérégie » ou "
            "« Saint-Louis — Kamouraska, Bas-Saint-Laurent » ?",
        ),
        ("!!!", "Aucune municipalité du Québec ne s'appelle « !!! ». Vérifiez l'orthographe."),
        ("x" * 5_000, f"Aucune municipalité du Québec ne s'appelle « {'x' * 200} ». Vérifiez l'orthographe."),
    ],
)
def test_an_unknown_or_shared_name_says_what_to_type(towns, typed, message):
    with pytest.raises(ValidationFailed) as caught:
        municipality_resolve(text=typed)
    assert str(caught.value.message) == message
    assert caught.value.errors == {"municipality": [caught.value.message]}


def test_the_message_reads_in_english_too(towns):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        municipality_resolve(text="Saint-Louis")
    assert str(caught.value.message) == (
        "There is more than one “Saint-Louis” in Quebec: choose one from the suggestions, or type "
        "“Saint-Louis — Kamouraska, Bas-Saint-Laurent” or “Saint-Louis — Les Maskoutains, Montérégie”."
    )


# --- The profile form --------------------------------------------------------------------------


def profile_post(**fields) -> dict:
    return {"display_name": "Marc Ouellet", "availability": "now", "languages": ["fr"], **fields}


def test_the_profile_form_offers_a_text_box_with_suggestions_not_a_long_list(client, towns):
    user = FreelancerProfileFactory(municipality=towns["sjpj"]).user
    client.force_login(user)
    html = client.get(reverse("profile-edit")).content.decode()
    assert '<select name="municipality"' not in html and html.count("<option") < 20
    assert 'data-autocomplete="municipalities"' in html
    assert 'name="municipality_name" value="Saint-Jean-Port-Joli"' in html
    assert f'name="municipality" value="{towns["sjpj"].pk}"' in html
    assert "js/autocomplete.js" in html and "css/autocomplete.css" in html


def test_a_name_typed_without_script_is_saved(client, towns):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("profile-edit"), profile_post(municipality="", municipality_name="st-jean-port-joli")
    )
    assert response.status_code == 302
    assert FreelancerProfile.objects.get(user=user).municipality == towns["sjpj"]


def test_a_chosen_suggestion_tells_namesakes_apart(client, towns):
    user = UserFactory()
    client.force_login(user)
    chosen = towns["louis_mont"]
    client.post(reverse("profile-edit"), profile_post(municipality=str(chosen.pk), municipality_name="Saint-Louis"))
    assert FreelancerProfile.objects.get(user=user).municipality == chosen
    # Shown back with its MRC and region, so that sending the page again without script keeps it.
    html = client.get(reverse("profile-edit")).content.decode()
    assert 'name="municipality_name" value="Saint-Louis — Les Maskoutains, Montérégie"' in html


def test_a_name_changed_after_choosing_wins_over_the_old_choice(client, towns):
    # Without script nothing empties the hidden id when the name is retyped.
    user = FreelancerProfileFactory(municipality=towns["sjpj"]).user
    client.force_login(user)
    client.post(reverse("profile-edit"), profile_post(municipality=str(towns["sjpj"].pk), municipality_name="Lévis"))
    assert FreelancerProfile.objects.get(user=user).municipality == towns["levis"]


def test_emptying_the_box_removes_the_place(client, towns):
    user = FreelancerProfileFactory(municipality=towns["sjpj"]).user
    client.force_login(user)
    client.post(reverse("profile-edit"), profile_post(municipality=str(towns["sjpj"].pk), municipality_name=" "))
    assert FreelancerProfile.objects.get(user=user).municipality is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Saint-Louis", "Il y a plusieurs « Saint-Louis » au Québec"),
        ("Atlantide", "Aucune municipalité du Québec ne s&#x27;appelle « Atlantide »."),
    ],
)
def test_an_unknown_or_shared_name_is_refused_and_the_typed_text_kept(client, towns, typed, message):
    profile = FreelancerProfileFactory(municipality=towns["levis"], headline="Comptable")
    client.force_login(profile.user)
    response = client.post(
        reverse("profile-edit"), profile_post(municipality="", municipality_name=typed, headline="Changé")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'name="municipality_name" value="{typed}"' in html
    profile.refresh_from_db()
    assert (profile.municipality, profile.headline) == (towns["levis"], "Comptable")


# --- The project form --------------------------------------------------------------------------


def project_post(**fields) -> dict:
    today = timezone.localdate()
    return {
        "title": "Logo pour une microbrasserie",
        "description": "Nous ouvrons une microbrasserie et cherchons un logo.",
        "category": "design",
        "budget_type": "to_discuss",
        "quotes_due": (today + datetime.timedelta(days=10)).isoformat(),
        "visibility": "public",
        "action": "publish",
        **fields,
    }


def test_a_project_gets_the_place_typed_with_st_for_saint(client, towns):
    client.force_login(UserFactory())
    response = client.post(
        reverse("project-create"), project_post(municipality="", municipality_name="st-jean-port-joli")
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert project.municipality == towns["sjpj"]


def test_the_project_form_keeps_the_chosen_place_when_it_comes_back_with_errors(client, towns):
    client.force_login(UserFactory())
    chosen = towns["louis_bsl"]
    response = client.post(
        reverse("project-create"),
        project_post(title="", municipality=str(chosen.pk), municipality_name="Saint-Louis"),
    )
    html = response.content.decode()
    assert response.status_code == 200 and Project.objects.count() == 0
    assert 'name="municipality_name" value="Saint-Louis"' in html
    assert f'name="municipality" value="{chosen.pk}"' in html


def test_an_ambiguous_place_is_refused_on_the_project_form(client, towns):
    client.force_login(UserFactory())
    response = client.post(reverse("project-create"), project_post(municipality="", municipality_name="saint-louis"))
    assert "Il y a plusieurs « saint-louis » au Québec" in response.content.decode()
    assert Project.objects.count() == 0


def test_the_project_edit_page_shows_the_current_place_by_name(client, towns):
    project = ProjectFactory(municipality=towns["riviere"])
    client.force_login(project.owner)
    html = client.get(reverse("project-update", args=[project.pk])).content.decode()
    assert 'name="municipality_name" value="Rivière-du-Loup"' in html


def test_a_visitor_types_a_place_signs_up_and_the_project_has_it(client, towns):
    response = client.post(reverse("project-create"), project_post(municipality="", municipality_name="Levis"))
    assert response.status_code == 302 and Project.objects.count() == 0
    client.force_login(UserFactory())
    created = client.get(reverse("project-create-resume"))
    project = Project.objects.get()
    assert created["Location"] == f"/projets/{project.pk}/"
    assert project.municipality == towns["levis"]
