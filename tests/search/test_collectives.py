"""Collectives in the freelancer search (the "collectifs" filter) and in the matching of new projects."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.http import QueryDict
from django.utils import translation

from collectives.hooks import collective_changed
from collectives.models import CollectiveKind, MemberRole, MembershipStatus
from collectives.selectors import collective_skills
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from profiles.services import search_key
from projects.services import project_create
from search.collectives import collective_facts
from search.models import ProjectMatch, SearchOutboxEntry
from search.outbox import outbox_record_profile
from search.params import freelancer_search_params
from search.selectors import freelancer_search
from tests.factories import (
    CollectiveFactory,
    CollectiveMembershipFactory,
    FreelancerProfileFactory,
    MrcFactory,
    MunicipalityFactory,
    SkillFactory,
    UserFactory,
)

from .conftest import drain, sync_index
from .factories import place


def find(query: str):
    return freelancer_search(params=freelancer_search_params(QueryDict(query)))


def names(result):
    return [card.name if card.is_collective else card.display_name for card in result.objects]


def sync_all(*collectives):
    """Every profile and project, and these collectives (as collectives.services tells search), reach the index."""
    with transaction.atomic():
        for collective in collectives:
            collective_changed(collective_id=collective.pk)
    sync_index()


def member(collective, *, skills=(), radius=30, role=MemberRole.MEMBER, status=MembershipStatus.ACTIVE, **fields):
    profile = FreelancerProfileFactory(
        municipality=fields.pop("municipality", collective.municipality),
        travel_radius_km=radius,
        skills=list(skills),
        **fields,
    )
    CollectiveMembershipFactory(collective=collective, member=profile.user, role=role, status=status)
    return profile


@pytest.fixture
def skills(db):
    return {
        "design": SkillFactory(name="Design graphique"),
        "photo": SkillFactory(name="Photographie"),
        "compta": SkillFactory(name="Comptabilité"),
    }


@pytest.fixture
def atelier(backend, skills):
    """A cooperative in Rivière-du-Loup: two active members, one invited (not counted), and Alice, a freelancer."""
    rdl = place("Rivière-du-Loup")
    coop = CollectiveFactory(
        name="Atelier du Fleuve",
        slug="atelier-du-fleuve",
        kind=CollectiveKind.COOPERATIVE,
        municipality=rdl,
        description="Coopérative de graphistes et de photographes au bord du fleuve.",
    )
    member(coop, skills=[skills["design"]], radius=40, role=MemberRole.ADMIN, display_name="Gaëlle")
    member(coop, skills=[skills["photo"], skills["design"]], radius=120, display_name="Hugo")
    member(coop, skills=[skills["compta"]], status=MembershipStatus.INVITED, display_name="Invitée")
    FreelancerProfileFactory(
        display_name="Alice",
        municipality=rdl,
        skills=[skills["design"]],
        hourly_rate=Decimal("55"),
        headline="Graphiste",
    )
    sync_all(coop)
    return coop


# --- Search, on both backends ------------------------------------------------------------------------


def test_the_collectifs_filter_adds_a_collective_with_its_members_skills_place_and_count(atelier):
    assert sorted(names(find("skills=design-graphique"))) == ["Alice", "Gaëlle", "Hugo"]

    result = find("skills=design-graphique&collectives=include")

    assert sorted(names(result)) == ["Alice", "Atelier du Fleuve", "Gaëlle", "Hugo"]
    assert result.total == 4
    card = next(card for card in result.objects if card.is_collective)
    assert card.kind_label == "Coopérative"
    assert card.skills == ["Design graphique", "Photographie"]  # the invited member's skill is not there
    assert card.member_count == 2
    assert card.travel_radius_km == 120  # the longest radius among the members
    assert card.municipality.name == "Rivière-du-Loup"
    assert card.url == "/collectifs/atelier-du-fleuve/"


def test_only_collectives_lists_the_collectives_alone(atelier):
    result = find("collectives=only")
    assert names(result) == ["Atelier du Fleuve"]
    assert result.total == 1


def test_a_collective_is_found_by_its_members_skills_words_and_place(atelier):
    assert names(find("collectives=only&q=photographie")) == ["Atelier du Fleuve"]
    assert names(find("collectives=only&q=fleuve")) == ["Atelier du Fleuve"]
    assert names(find("collectives=only&q=comptabilite")) == []
    assert names(find("collectives=only&skills=comptabilite")) == []
    kamouraska, montreal = place("Kamouraska"), place("Montréal")
    near = find(f"collectives=only&near={kamouraska.pk}&radius_km=50&sort=distance")
    assert names(near) == ["Atelier du Fleuve"]
    assert round(near.objects[0].hit.distance_km) == 38
    assert names(find(f"collectives=only&near={montreal.pk}&radius_km=50")) == []


def test_a_filter_only_a_person_can_meet_lists_freelancers_only(atelier):
    with_rate = find("collectives=include&rate_min=10")
    assert "Alice" in names(with_rate)
    assert names(with_rate) == names(find("rate_min=10"))
    assert not any(card.is_collective for card in with_rate.objects)
    assert names(find("collectives=only&language=fr")) == []


def test_a_member_who_leaves_takes_their_skills_and_a_collective_without_members_is_not_found(atelier):
    hugo = atelier.memberships.get(member__freelancer_profile__display_name="Hugo")
    hugo.status = MembershipStatus.LEFT
    hugo.save()
    sync_all(atelier)
    card = find("collectives=only").objects[0]
    assert (card.skills, card.member_count) == (["Design graphique"], 1)

    atelier.memberships.update(status=MembershipStatus.LEFT)
    sync_all(atelier)
    assert find("collectives=only").total == 0


@pytest.mark.embedded
def test_a_members_profile_change_reindexes_their_collectives(database_backend_db, skills):
    coop = CollectiveFactory()
    profile = member(coop, skills=[skills["design"]])
    outsider = FreelancerProfileFactory()
    SearchOutboxEntry.objects.all().delete()

    with transaction.atomic():
        outbox_record_profile(profile_id=profile.pk)
        outbox_record_profile(profile_id=outsider.pk)

    assert sorted(SearchOutboxEntry.objects.values_list("kind", "object_id")) == sorted(
        [("collective", coop.pk), ("profile", profile.pk), ("profile", outsider.pk)]
    )


@pytest.mark.embedded
def test_every_change_made_by_the_collectives_services_reaches_the_search_outbox(database_backend_db, skills):
    from collectives import services as collective_services

    founder = FreelancerProfileFactory(skills=[skills["design"]]).user
    colleague = FreelancerProfileFactory(skills=[skills["photo"]]).user

    def queued(collective):
        queued = SearchOutboxEntry.objects.filter(kind="collective", object_id=collective.pk).exists()
        SearchOutboxEntry.objects.all().delete()
        return queued

    coop = collective_services.collective_create(creator=founder, name="Atelier du Kamouraska")
    assert queued(coop)
    collective_services.collective_update(collective=coop, by=founder, data={"description": "Design et photo."})
    assert queued(coop)
    membership = collective_services.member_invite(collective=coop, by=founder, member=colleague)
    collective_services.invitation_answer(membership=membership, by=colleague, accept=True)
    assert queued(coop)
    collective_services.member_role_set(collective=coop, by=founder, member=colleague, role=MemberRole.ADMIN)
    assert queued(coop)
    collective_services.member_remove(collective=coop, by=founder, member=colleague)
    assert queued(coop)


@pytest.mark.embedded
def test_the_skills_of_many_collectives_are_the_selectors_union(database_backend_db, skills):
    first, second = CollectiveFactory(), CollectiveFactory()
    member(first, skills=[skills["photo"], skills["design"]])
    member(first, skills=[skills["design"]])
    member(second, skills=[skills["compta"]], status=MembershipStatus.LEFT)
    facts = collective_facts([first.pk, second.pk])
    assert facts[first.pk].skill_names == [s.name for s in collective_skills(first)]
    assert facts[second.pk].skill_names == [s.name for s in collective_skills(second)] == []


@pytest.fixture
def database_backend_db(settings, db):
    settings.ELASTICSEARCH_URL = ""


# --- Matching of new projects ----------------------------------------------------------------------


@pytest.fixture
def saint_pascal(db):
    return MunicipalityFactory(
        geonames_id=6_000_201,
        name="Saint-Pascal",
        search_name=search_key("Saint-Pascal"),
        latitude=47.5322,
        longitude=-69.8033,
        mrc=MrcFactory(),
    )


def publish(owner, town, *, skills=("Photographie",)):
    data = {
        "title": "Photos de notre fromagerie",
        "description": "Une séance photo pour notre nouveau site.",
        "category": "photo_video",
        "skills": list(skills),
        "budget_type": "to_discuss",
        "municipality": town.pk,
    }
    project = project_create(owner=owner, data=data, publish=True)
    drain()
    return project


def test_a_collective_that_fits_tells_its_admins_once(backend, saint_pascal, skills):
    kamouraska = place("Kamouraska")
    coop = CollectiveFactory(name="Collectif Kamouraska", municipality=kamouraska)
    # The admin does no photography and lives far: only the collective's skills and reach bring the project.
    admin = member(coop, skills=[skills["design"]], radius=0, role=MemberRole.ADMIN, municipality=place("Montréal"))
    photographer = member(coop, skills=[skills["photo"]], radius=30, display_name="Photographe membre")
    far = CollectiveFactory(name="Collectif Lévis", municipality=place("Lévis"))
    member(far, skills=[skills["photo"]], radius=20, role=MemberRole.ADMIN)
    sync_all(coop, far)

    project = publish(UserFactory(), saint_pascal)

    notes = Notification.objects.filter(kind=NotificationKind.PROJECT_MATCH, url=f"/projets/{project.pk}/")
    by_user = {note.recipient_id: note for note in notes}
    # The photographer hears as a freelancer; the admin as the collective's admin; Lévis' admin not at all.
    assert sorted(by_user) == sorted([admin.user_id, photographer.user_id])
    text = notification_text(by_user[admin.user_id])
    assert text.title == "Nouveau projet pour votre collectif « Collectif Kamouraska » : « Photos de notre fromagerie »"
    with translation.override("en"):
        assert notification_text(by_user[admin.user_id]).title == (
            "New project for your collective “Collectif Kamouraska”: “Photos de notre fromagerie”"
        )

    # Reindexing the project (an edit, another drain) tells nobody again.
    sync_index()
    assert Notification.objects.filter(kind=NotificationKind.PROJECT_MATCH).count() == 2
    assert ProjectMatch.objects.filter(project=project).count() == 2


def test_an_admin_already_told_as_a_freelancer_is_not_told_again_and_the_owners_collective_hears_nothing(
    backend, saint_pascal, skills
):
    kamouraska = place("Kamouraska")
    coop = CollectiveFactory(municipality=kamouraska)
    admin = member(coop, skills=[skills["photo"]], radius=30, role=MemberRole.ADMIN)
    owners = CollectiveFactory(municipality=kamouraska)
    owner = member(owners, skills=[skills["photo"]], radius=0, role=MemberRole.ADMIN, municipality=place("Montréal"))
    other_admin = member(owners, skills=[], radius=0, role=MemberRole.ADMIN, municipality=place("Montréal"))
    sync_all(coop, owners)

    project = publish(owner.user, saint_pascal)

    recipients = list(
        Notification.objects.filter(kind=NotificationKind.PROJECT_MATCH, url=f"/projets/{project.pk}/").values_list(
            "recipient_id", flat=True
        )
    )
    assert recipients == [admin.user_id]
    assert other_admin.user_id not in recipients


# --- The page and the API ----------------------------------------------------------------------------


def test_the_search_page_shows_the_collective_card_linking_to_its_page(client, atelier):
    html = client.get("/recherche/pigistes/", {"collectives": "include"}).content.decode()

    assert '<a href="/collectifs/atelier-du-fleuve/">Atelier du Fleuve</a>' in html
    assert "2 membres" in html
    assert '<span class="collective-kind">Coopérative</span>' in html
    assert '<option value="include" selected>' in html


def test_the_api_lists_a_collective_as_such(client, atelier):
    response = client.get("/api/v1/search/freelancers/", {"collectives": "only"})

    assert response.status_code == 200
    [hit] = response.json()["results"]
    assert (hit["type"], hit["display_name"], hit["collective_kind"], hit["member_count"]) == (
        "collective",
        "Atelier du Fleuve",
        "cooperative",
        2,
    )
    assert hit["skills"] == ["Design graphique", "Photographie"]
    assert hit["url"] == "/collectifs/atelier-du-fleuve/"
    freelancer = client.get("/api/v1/search/freelancers/", {"q": "Alice"}).json()["results"][0]
    assert (freelancer["type"], freelancer["member_count"]) == ("freelancer", None)


@pytest.mark.embedded
def test_an_unknown_collectifs_choice_is_refused(client, db):
    response = client.get("/api/v1/search/freelancers/", {"collectives": "tous"})
    assert response.status_code == 400
    assert list(response.json()) == ["collectives"]
    assert client.get("/recherche/pigistes/", {"collectives": "tous"}).status_code == 400
