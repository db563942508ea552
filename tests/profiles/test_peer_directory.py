"""The peer directory ("bottin des travailleurs autonomes"): listing oneself, filters, who sees it, its API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.common.errors import NotFound, PermissionDenied, ValidationFailed
from messaging.services import user_block
from profiles import selectors, services
from profiles.models import FreelancerProfile
from tests.api import api_as
from tests.factories import (
    FreelancerProfileFactory,
    MrcFactory,
    MunicipalityFactory,
    SkillFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def region():
    """Two MRCs of the Bas-Saint-Laurent, a place in each, two skills."""
    kamouraska = MrcFactory(code="14", name="Kamouraska")
    islet = MrcFactory(code="17", name="L'Islet")
    return {
        "kamouraska": kamouraska,
        "islet": islet,
        "saint_pascal": MunicipalityFactory(name="Saint-Pascal", mrc=kamouraska),
        "saint_jean": MunicipalityFactory(name="Saint-Jean-Port-Joli", mrc=islet),
        "web": SkillFactory(name="Développement web"),
        "photo": SkillFactory(name="Photographie"),
    }


def listed(place, skills, **kwargs):
    profile = FreelancerProfileFactory(municipality=place, in_peer_directory=True, **kwargs)
    profile.skills.set(skills)
    return profile


# --- Listing oneself ---------------------------------------------------------------------------------------


def test_a_new_profile_is_not_listed_until_its_freelancer_says_so():
    profile = FreelancerProfileFactory()
    assert profile.in_peer_directory is False
    assert list(selectors.peer_directory_list()) == []

    services.peer_listing_set(user=profile.user, listed=True, looking_for="  Un remplaçant pour l'été  ")

    profile.refresh_from_db()
    assert profile.in_peer_directory is True
    assert profile.peer_looking_for == "Un remplaçant pour l'été"
    assert list(selectors.peer_directory_list()) == [profile]


def test_leaving_the_directory_keeps_the_text_for_next_time():
    profile = FreelancerProfileFactory(in_peer_directory=True, peer_looking_for="Des partenaires")

    services.peer_listing_set(user=profile.user, listed=False)

    profile.refresh_from_db()
    assert (profile.in_peer_directory, profile.peer_looking_for) == (False, "Des partenaires")
    assert list(selectors.peer_directory_list()) == []


def test_a_too_long_looking_for_is_refused_and_nothing_changes():
    profile = FreelancerProfileFactory(in_peer_directory=False, peer_looking_for="")

    with pytest.raises(ValidationFailed) as refusal:
        services.peer_listing_set(user=profile.user, listed=True, looking_for="x" * 281)

    assert refusal.value.errors == {"looking_for": ["280 caractères au maximum (vous en avez 281)."]}
    profile.refresh_from_db()
    assert (profile.in_peer_directory, profile.peer_looking_for) == (False, "")


def test_someone_without_a_profile_cannot_list_themself():
    member = UserFactory()
    with pytest.raises(NotFound):
        services.peer_listing_set(user=member, listed=True, looking_for="")
    assert not FreelancerProfile.objects.filter(user=member).exists()


def test_hidden_and_closed_profiles_leave_the_directory(region):
    shown = listed(region["saint_pascal"], [])
    listed(region["saint_pascal"], [], is_hidden=True)
    closed = listed(region["saint_pascal"], [])
    closed.user.is_active = False
    closed.user.save(update_fields=["is_active"])

    assert list(selectors.peer_directory_list()) == [shown]


# --- Filters -----------------------------------------------------------------------------------------------


def test_the_directory_filters_by_mrc_and_by_skill(region):
    web_kamouraska = listed(region["saint_pascal"], [region["web"]], display_name="Anne Dubé")
    photo_kamouraska = listed(region["saint_pascal"], [region["photo"]], display_name="Benoît Caron")
    web_islet = listed(region["saint_jean"], [region["web"], region["photo"]], display_name="Claire Fortin")
    FreelancerProfileFactory(municipality=region["saint_pascal"])  # not listed

    assert list(selectors.peer_directory_list()) == [web_kamouraska, photo_kamouraska, web_islet]
    assert list(selectors.peer_directory_list(mrc="kamouraska")) == [web_kamouraska, photo_kamouraska]
    assert list(selectors.peer_directory_list(skill="developpement-web")) == [web_kamouraska, web_islet]
    assert list(selectors.peer_directory_list(mrc=region["islet"].slug, skill="photographie")) == [web_islet]
    assert list(selectors.peer_directory_list(mrc="nulle-part")) == []


def test_the_filters_offer_only_the_mrcs_and_skills_of_listed_freelancers(region):
    listed(region["saint_pascal"], [region["web"]])
    listed(region["saint_pascal"], [region["web"]])
    unlisted = FreelancerProfileFactory(municipality=region["saint_jean"])
    unlisted.skills.set([region["photo"]])

    filters = selectors.peer_directory_filters()

    assert [(m.name, m.n) for m in filters["mrcs"]] == [("Kamouraska", 2)]
    assert [(s.name, s.n) for s in filters["skills"]] == [("Développement web", 2)]


# --- Who sees it -------------------------------------------------------------------------------------------


def test_a_client_cannot_see_the_directory(client, region):
    listed(region["saint_pascal"], [region["web"]], display_name="Anne Dubé")
    client.force_login(UserFactory())

    response = client.get(reverse("peer-directory"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "réservé aux pigistes" in page
    assert "Anne Dubé" not in page
    with pytest.raises(PermissionDenied):
        selectors.peer_directory_access(user=UserFactory())


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("peer-directory"))
    assert response.status_code == 302
    assert "/connexion/" in response["Location"] or "login" in response["Location"]


def test_a_freelancer_sees_listed_colleagues_with_their_place_and_what_they_look_for(client, region):
    anne = listed(
        region["saint_pascal"], [region["web"]], display_name="Anne Dubé", peer_looking_for="Un <b>associé</b>"
    )
    listed(region["saint_jean"], [region["photo"]], display_name="Claire Fortin")
    viewer = FreelancerProfileFactory()
    client.force_login(viewer.user)

    page = client.get(reverse("peer-directory")).content.decode()

    assert "Anne Dubé" in page and "Claire Fortin" in page
    assert "Un &lt;b&gt;associé&lt;/b&gt;" in page
    assert "Saint-Pascal" in page and reverse("mrc-detail", args=["kamouraska"]) in page
    assert f'name="with_user" value="{anne.user_id}"' in page  # its « Écrire » button

    filtered = client.get(reverse("peer-directory"), {"mrc": region["islet"].slug}).content.decode()
    assert "Claire Fortin" in filtered and "Anne Dubé" not in filtered
    by_skill = client.get(reverse("peer-directory"), {"competence": "developpement-web"}).content.decode()
    assert "Anne Dubé" in by_skill and "Claire Fortin" not in by_skill


def test_no_write_button_across_a_block_nor_to_oneself(client, region):
    anne = listed(region["saint_pascal"], [], display_name="Anne Dubé")
    viewer = listed(region["saint_pascal"], [], display_name="Zoé Viewer")
    user_block(user=anne.user, blocked_user_id=viewer.user_id)
    client.force_login(viewer.user)

    page = client.get(reverse("peer-directory")).content.decode()

    assert "Anne Dubé" in page
    assert f'name="with_user" value="{anne.user_id}"' not in page
    assert f'name="with_user" value="{viewer.user_id}"' not in page


def test_the_directory_page_runs_a_fixed_number_of_queries(client, region):
    viewer = FreelancerProfileFactory()
    client.force_login(viewer.user)
    for _ in range(3):
        listed(region["saint_pascal"], [region["web"], region["photo"]])

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("peer-directory")).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    few = queries()
    for _ in range(10):
        listed(region["saint_jean"], [region["web"]])
    assert len(queries()) == len(few) <= 14, "\n".join(few)


# --- The profile page's setting ----------------------------------------------------------------------------


def test_the_profile_edit_page_lists_and_unlists(client):
    profile = FreelancerProfileFactory()
    client.force_login(profile.user)
    assert "Bottin des travailleurs autonomes" in client.get(reverse("profile-edit")).content.decode()

    response = client.post(
        reverse("peer-listing-update"), {"in_peer_directory": "on", "peer_looking_for": "Des collaborateurs"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("profile-edit") + "#bottin"
    profile.refresh_from_db()
    assert (profile.in_peer_directory, profile.peer_looking_for) == (True, "Des collaborateurs")
    page = client.get(response["Location"]).content.decode()
    assert "Vous paraissez dans le bottin des travailleurs autonomes." in page

    client.post(reverse("peer-listing-update"), {"peer_looking_for": "Des collaborateurs"})
    profile.refresh_from_db()
    assert profile.in_peer_directory is False


def test_the_profile_page_tells_why_a_too_long_text_is_refused(client):
    profile = FreelancerProfileFactory()
    client.force_login(profile.user)

    response = client.post(
        reverse("peer-listing-update"), {"in_peer_directory": "on", "peer_looking_for": "x" * 300}, follow=True
    )

    assert "280 caractères au maximum (vous en avez 300)." in response.content.decode()
    profile.refresh_from_db()
    assert profile.in_peer_directory is False


# --- API ---------------------------------------------------------------------------------------------------


def test_the_api_lists_the_directory_with_filters(region):
    anne = listed(region["saint_pascal"], [region["web"]], display_name="Anne Dubé", peer_looking_for="Un associé")
    listed(region["saint_jean"], [region["photo"]], display_name="Claire Fortin")
    viewer = FreelancerProfileFactory()

    response = api_as(viewer.user).get("/api/v1/peers/", {"mrc": "kamouraska"})

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "page": 1,
        "has_more": False,
        "results": [
            {
                "id": anne.pk,
                "user": anne.user_id,
                "display_name": "Anne Dubé",
                "headline": anne.headline,
                "place": "Saint-Pascal — Kamouraska, Bas-Saint-Laurent",
                "mrc": "kamouraska",
                "skills": ["Développement web"],
                "looking_for": "Un associé",
                "url": reverse("freelancer-detail", args=[anne.pk]),
            }
        ],
    }
    by_skill = api_as(viewer.user).get("/api/v1/peers/", {"skill": "photographie"}).json()
    assert [p["display_name"] for p in by_skill["results"]] == ["Claire Fortin"]


def test_the_api_refuses_the_directory_to_a_client_and_a_bad_page():
    assert api_as(UserFactory()).get("/api/v1/peers/").status_code == 403
    viewer = FreelancerProfileFactory()
    response = api_as(viewer.user).get("/api/v1/peers/", {"page": "zéro"})
    assert response.status_code == 400
    assert response.json() == {"page": ["« page » doit être un nombre entier à partir de 1."]}


def test_the_api_sets_my_listing():
    profile = FreelancerProfileFactory()
    api = api_as(profile.user)

    assert api.get("/api/v1/me/peer-listing/").json() == {"listed": False, "looking_for": ""}
    response = api.put("/api/v1/me/peer-listing/", {"listed": True, "looking_for": "Un remplaçant"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"listed": True, "looking_for": "Un remplaçant"}
    profile.refresh_from_db()
    assert (profile.in_peer_directory, profile.peer_looking_for) == (True, "Un remplaçant")

    refused = api.put("/api/v1/me/peer-listing/", {"listed": False, "looking_for": "x" * 281}, format="json")
    assert refused.status_code == 400
    profile.refresh_from_db()
    assert profile.in_peer_directory is True
    assert api_as(UserFactory()).put("/api/v1/me/peer-listing/", {"listed": True}, format="json").status_code == 404
