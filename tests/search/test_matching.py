"""A new project reaches the right people: skill or category, place within radius or remote, free, unblocked; once."""

import datetime

import pytest
from django.core import mail
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from messaging.services import user_block
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from profiles import email_preferences
from profiles.models import Availability, BookedWeek, DigestFrequency
from profiles.selectors import week_of
from profiles.services import search_key
from projects.models import Invitation, Project
from projects.services import project_create, project_update
from search import matching
from search.models import ProjectMatch, SavedSearch, SavedSearchMatch, SearchOutboxEntry
from search.outbox import outbox_drain
from search.params import project_search_params
from search.privacy import export_data
from search.services import saved_search_create
from tests.factories import FreelancerProfileFactory, MrcFactory, MunicipalityFactory, SkillFactory, UserFactory

from .conftest import drain, sync_index
from .factories import place

SAINT_PASCAL = (47.5322, -69.8033)


@pytest.fixture
def database_backend(settings, db):
    settings.ELASTICSEARCH_URL = ""


@pytest.fixture
def saint_pascal(db):
    return place_at("Saint-Pascal", *SAINT_PASCAL, geonames_id=6_000_101)


def place_at(name, lat, lon, *, geonames_id):
    return MunicipalityFactory(
        geonames_id=geonames_id, name=name, search_name=search_key(name), latitude=lat, longitude=lon, mrc=MrcFactory()
    )


@pytest.fixture
def photography(db):
    return SkillFactory(name="Photographie")


def photographer(town, *, skill=None, radius=30, remote=False, name="Photographe", **fields):
    fields.setdefault("headline", "Photographe de mariage et d'entreprise")
    return FreelancerProfileFactory(
        display_name=name,
        municipality=town,
        travel_radius_km=radius,
        remote=remote,
        skills=[skill] if skill else [],
        **fields,
    )


def publish(owner, town, *, skills=("Photographie",), category="photo_video", **fields):
    """The client publishes through the real service; the outbox drain then tells whoever fits."""
    data = {
        "title": "Photos de notre fromagerie",
        "description": "Une séance photo pour notre nouveau site.",
        "category": category,
        "skills": list(skills),
        "budget_type": "to_discuss",
        "municipality": town.pk if town else None,
        **fields,
    }
    sync_index()  # The freelancers' "what I want to hear about" is stored (Elasticsearch) before the project comes.
    project = project_create(owner=owner, data=data, publish=True)
    drain()
    return project


def told(project):
    return sorted(
        Notification.objects.filter(kind=NotificationKind.PROJECT_MATCH, url=f"/projets/{project.pk}/").values_list(
            "recipient__freelancer_profile__display_name", flat=True
        )
    )


# --- The acceptance test, on both backends -------------------------------------------------------------


def test_a_project_in_saint_pascal_tells_the_free_unblocked_photographer_nearby_only(
    backend, saint_pascal, photography
):
    client = UserFactory(name="Fromagerie du Littoral")
    kamouraska = place("Kamouraska")
    montreal = place("Montréal")
    near = photographer(kamouraska, skill=photography, name="Near Kamouraska")
    photographer(montreal, skill=photography, name="Far Montréal")
    booked = photographer(kamouraska, skill=photography, name="Booked Kamouraska")
    BookedWeek.objects.create(profile=booked, week_start=week_of(timezone.localdate()))
    blocking = photographer(kamouraska, skill=photography, name="Blocking Kamouraska")
    user_block(user=blocking.user, blocked_user_id=client.pk)
    sync_index()  # Their "what I want to hear about" is stored before the project comes.

    project = publish(client, saint_pascal)

    assert told(project) == ["Near Kamouraska"]
    note = Notification.objects.get(recipient=near.user, kind=NotificationKind.PROJECT_MATCH)
    assert notification_text(note).title == (
        "Nouveau projet près de chez vous : « Photos de notre fromagerie » (Saint-Pascal)"
    )
    assert ProjectMatch.objects.filter(project=project).count() == 1


# --- The database backend (`make run`) -------------------------------------------------------------------


def test_nobody_is_told_twice_and_an_edit_reaches_the_newly_fitting(backend, saint_pascal, photography):
    client = UserFactory()
    kamouraska = place("Kamouraska")
    first = photographer(kamouraska, skill=photography, name="Premier")
    video = SkillFactory(name="Vidéo")
    photographer(kamouraska, skill=video, name="Vidéaste")
    project = publish(client, saint_pascal)
    assert told(project) == ["Premier"]

    project_update(
        user=client, project_id=project.pk, data={"title": "Photos et vidéo", "skills": ["Photographie", "Vidéo"]}
    )
    drain()
    project_update(user=client, project_id=project.pk, data={"title": "Photos et vidéo de la fromagerie"})
    drain()

    assert told(project) == ["Premier", "Vidéaste"]
    assert Notification.objects.filter(recipient=first.user).count() == 1
    assert ProjectMatch.objects.filter(project=project).count() == 2


def test_a_radius_of_zero_means_the_freelancers_own_municipality_only(backend, saint_pascal, photography):
    here = photographer(saint_pascal, skill=photography, radius=0, name="Sur place")
    photographer(place("Kamouraska"), skill=photography, radius=0, name="À six kilomètres")
    project = publish(UserFactory(), saint_pascal)
    assert told(project) == ["Sur place"]
    assert here.travel_radius_km == 0


def test_a_radius_of_500_km_reaches_saint_pascal_from_montreal(backend, saint_pascal, photography):
    photographer(place("Montréal"), skill=photography, radius=500, name="Grand voyageur")
    photographer(place("Québec"), skill=photography, radius=120, name="Trop court")  # 133 km away.
    project = publish(UserFactory(), saint_pascal)
    assert told(project) == ["Grand voyageur"]


def test_remote_work_reaches_far_away_only_when_both_accept_it(backend, saint_pascal, photography):
    photographer(place("Montréal"), skill=photography, remote=True, name="À distance")
    project = publish(UserFactory(), saint_pascal, remote=True)
    assert told(project) == ["À distance"]
    on_site = publish(UserFactory(), saint_pascal, title="Photos sur place")
    assert told(on_site) == []


def test_a_freelancer_without_skills_is_told_by_the_category_their_headline_points_to(
    backend, saint_pascal, photography
):
    kamouraska = place("Kamouraska")
    photographer(kamouraska, name="Sans compétence, photographe", headline="Photographe")
    photographer(kamouraska, name="Sans compétence, comptable", headline="Comptable agréée")
    by_category = publish(UserFactory(), saint_pascal, skills=())
    by_skill = publish(UserFactory(), saint_pascal, title="Photos du verger")
    assert told(by_category) == ["Sans compétence, photographe"]
    assert told(by_skill) == []  # The project names a skill they don't list.


def test_the_wished_start_decides_who_is_free_and_the_owner_is_never_told(backend, saint_pascal, photography):
    kamouraska = place("Kamouraska")
    start = timezone.localdate() + datetime.timedelta(weeks=3)
    busy_then = photographer(kamouraska, skill=photography, name="Pris dans trois semaines")
    BookedWeek.objects.create(profile=busy_then, week_start=week_of(start))
    photographer(kamouraska, skill=photography, name="Pris cette semaine").booked_weeks.create(
        week_start=week_of(timezone.localdate())
    )
    photographer(kamouraska, skill=photography, name="Non disponible", availability=Availability.UNAVAILABLE)
    owner = photographer(kamouraska, skill=photography, name="Propriétaire").user
    project = publish(owner, saint_pascal, starts_on=start.isoformat())
    assert told(project) == ["Pris cette semaine"]


def test_an_invite_only_project_is_announced_to_nobody(backend, saint_pascal, photography):
    photographer(place("Kamouraska"), skill=photography)
    project = publish(UserFactory(), saint_pascal, visibility="invited")
    assert told(project) == []


# --- E-mail: at once, in the daily digest (the default), or never ---------------------------------------


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("choice", "at_once", "in_digest"),
    [
        (DigestFrequency.IMMEDIATE, True, False),
        (None, False, True),  # Never chose: a daily digest.
        (DigestFrequency.DAILY, False, True),
        (DigestFrequency.NEVER, False, False),
    ],
)
def test_the_new_projects_email_follows_its_own_preference(
    database_backend, saint_pascal, photography, django_capture_on_commit_callbacks, choice, at_once, in_digest
):
    freelancer = photographer(place("Kamouraska"), skill=photography)
    if choice is not None:
        # The other e-mails stay immediate: the new projects' choice is their own.
        email_preferences.email_preferences_save(
            user=freelancer.user, enabled_kinds=[], frequency=DigestFrequency.IMMEDIATE, new_projects=choice
        )
    with django_capture_on_commit_callbacks(execute=True):
        publish(UserFactory(), saint_pascal)
    assert Notification.objects.filter(recipient=freelancer.user, kind="project_match").count() == 1
    sent_at_once = [m for m in mail.outbox if "Photos de notre fromagerie" in m.subject]
    assert bool(sent_at_once) == at_once

    with django_capture_on_commit_callbacks(execute=True):
        digests = email_preferences.email_digests_send()
    assert digests == (1 if in_digest else 0)
    if in_digest:
        digest = mail.outbox[-1]
        assert digest.to == [freelancer.user.email]
        assert "Photos de notre fromagerie" in digest.body
    with django_capture_on_commit_callbacks(execute=True):
        assert email_preferences.email_digests_send(now=timezone.now() + datetime.timedelta(days=1)) == 0


@pytest.mark.embedded
def test_the_email_preferences_page_and_api_show_and_save_the_new_projects_choice(client, db):
    member = UserFactory()
    client.force_login(member)
    page = client.get(reverse("email-preferences")).content.decode()
    assert "Nouveaux projets qui me correspondent" in page
    assert (
        'name="new_projects" value="daily"' in page
        and "checked" in page.split('name="new_projects" value="daily"')[1][:40]
    )

    response = client.post(
        reverse("email-preferences"), {"kinds": ["invitation"], "frequency": "immediate", "new_projects": "never"}
    )
    assert response.status_code == 302
    assert email_preferences.email_preferences_get(user=member).new_projects == "never"

    api = client.get("/api/v1/me/email-preferences/")
    assert api.json()["new_projects"] == "never"
    changed = client.put(
        "/api/v1/me/email-preferences/",
        {"kinds": [], "frequency": "daily", "new_projects": "immediate"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["new_projects"] == "immediate"
    refused = client.put(
        "/api/v1/me/email-preferences/",
        {"kinds": [], "frequency": "daily", "new_projects": "hourly"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert email_preferences.email_preferences_get(user=member).new_projects == "immediate"


# --- "Pigistes près de votre projet": the owner's page and the API ---------------------------------------


@pytest.fixture
def nearby_setup(database_backend, saint_pascal, photography):
    owner = UserFactory(name="Fromagerie du Littoral")
    kamouraska = place("Kamouraska")
    photographer(kamouraska, skill=photography, name="Kim Kamouraska")
    photographer(saint_pascal, skill=photography, name="Sam Saint-Pascal", radius=5)
    later = photographer(place("Rivière-du-Loup"), skill=photography, radius=60, name="Lou Rivière-du-Loup")
    BookedWeek.objects.create(profile=later, week_start=week_of(timezone.localdate()) + datetime.timedelta(weeks=1))
    photographer(place("Montréal"), skill=photography, name="Max Montréal")
    project = publish(owner, saint_pascal, starts_on=(timezone.localdate() + datetime.timedelta(days=1)).isoformat())
    return owner, project


@pytest.mark.embedded
def test_the_owner_sees_who_fits_nearest_first_with_distance_and_availability(client, nearby_setup):
    owner, project = nearby_setup
    client.force_login(owner)
    html = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    block = html.split('id="nearby-freelancers"')[1].split("</section>")[0]
    assert "Pigistes près de votre projet" in html
    names = [n for n in ("Sam Saint-Pascal", "Kim Kamouraska", "Lou Rivière-du-Loup") if n in block]
    assert names == ["Sam Saint-Pascal", "Kim Kamouraska", "Lou Rivière-du-Loup"]
    assert block.index("Sam Saint-Pascal") < block.index("Kim Kamouraska") < block.index("Lou Rivière-du-Loup")
    assert "Max Montréal" not in block
    assert "dans votre municipalité" in block and "à 6 km" in block and "à 39 km" in block
    assert "libre cette semaine" in block
    assert block.count('value="' + str(project.pk) + '"') == 3  # One invitation form each.


@pytest.mark.embedded
def test_one_click_invites_and_the_block_then_says_invited(client, nearby_setup):
    owner, project = nearby_setup
    profile = matching.nearby_freelancers(project=project)[1].profile
    client.force_login(owner)
    response = client.post(reverse("freelancer-invite", args=[profile.pk]), {"project": project.pk})
    assert response.status_code == 302
    assert Invitation.objects.filter(project=project, freelancer=profile.user).exists()
    html = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    block = html.split('id="nearby-freelancers"')[1].split("</section>")[0]
    assert "Invité·e" in block and block.count('value="' + str(project.pk) + '"') == 2


@pytest.mark.embedded
def test_only_the_owner_sees_the_block(client, nearby_setup):
    _owner, project = nearby_setup
    client.force_login(UserFactory())
    html = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert "Pigistes près de votre projet" not in html and "Kim Kamouraska" not in html


@pytest.mark.embedded
def test_the_owner_page_with_ten_nearby_freelancers_keeps_its_query_cap(
    client, nearby_setup, photography, django_assert_max_num_queries
):
    owner, project = nearby_setup
    for i in range(12):
        photographer(place("Kamouraska"), skill=photography, name=f"Pigiste {i}")
    client.force_login(owner)
    with django_assert_max_num_queries(14):  # The cap of tests/projects/test_selectors.py.
        response = client.get(reverse("project-detail", args=[project.pk]))
    assert len(response.context["nearby"]) == 10


@pytest.mark.embedded
def test_the_nearby_api_answers_the_owner_only(client, nearby_setup):
    owner, project = nearby_setup
    url = f"/api/v1/projects/{project.pk}/nearby-freelancers/"
    assert client.get(url).status_code in (401, 403)

    client.force_login(owner)
    body = client.get(url).json()
    assert [r["display_name"] for r in body["results"]] == ["Sam Saint-Pascal", "Kim Kamouraska", "Lou Rivière-du-Loup"]
    first, second, third = body["results"]
    assert first["distance_km"] == 0.0 and first["municipality"]["name"] == "Saint-Pascal"
    assert first["municipality"]["mrc_name"] == "Kamouraska"
    assert 5 < second["distance_km"] < 7 and 38 < third["distance_km"] < 39
    assert second["next_free_week"] == week_of(timezone.localdate()).isoformat()
    assert second["invited"] is False and second["url"] == f"/pigistes/{second['profile']}/"

    client.force_login(UserFactory())
    refused = client.get(url)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Seul l'auteur du projet peut faire cela."
    assert client.get("/api/v1/projects/999999/nearby-freelancers/").status_code == 404


# --- Elasticsearch down: the work waits in the outbox, and a later drain tells them ----------------------


@pytest.mark.elasticsearch
def test_elasticsearch_down_keeps_the_matching_in_the_outbox_until_it_is_back(es, settings, saint_pascal, photography):
    freelancer = photographer(place("Kamouraska"), skill=photography)
    sync_index()
    node = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # Nothing listens there: the node is "down".
    project = project_create(
        owner=UserFactory(),
        data={
            "title": "Photos de notre fromagerie",
            "description": "Une séance photo.",
            "category": "photo_video",
            "skills": ["Photographie"],
            "budget_type": "to_discuss",
            "municipality": saint_pascal.pk,
        },
        publish=True,
    )
    result = outbox_drain()
    assert not result.ok
    assert SearchOutboxEntry.objects.filter(kind="project", object_id=project.pk).exists()
    assert not Notification.objects.filter(recipient=freelancer.user).exists()

    settings.ELASTICSEARCH_URL = node
    drain()
    assert not SearchOutboxEntry.objects.exists()
    assert told(project) == [freelancer.display_name]


# --- "Début souhaité": in the form and the API; a past date is refused ----------------------------------


@pytest.mark.embedded
def test_a_wished_start_in_the_past_is_refused_by_the_form_and_the_api_and_nothing_is_saved(
    client, database_backend, saint_pascal
):
    owner = UserFactory()
    client.force_login(owner)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    form = {
        "title": "Photos de notre fromagerie",
        "description": "Une séance photo.",
        "category": "photo_video",
        "budget_type": "to_discuss",
        "municipality": saint_pascal.pk,
        "visibility": "public",
        "starts_on": yesterday,
    }
    page = client.get(reverse("project-create")).content.decode()
    assert "Début souhaité" in page and 'name="starts_on"' in page
    response = client.post(reverse("project-create"), form)
    assert response.status_code == 200  # The form again, with the error under the field.
    assert "Le début souhaité ne peut pas être dans le passé." in response.content.decode()

    api = client.post("/api/v1/projects/", {**form, "skills": [], "status": "open"}, content_type="application/json")
    assert api.status_code == 400
    assert "Le début souhaité ne peut pas être dans le passé." in str(api.json())
    assert not Project.objects.filter(owner=owner).exists()

    in_a_month = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    created = client.post(
        "/api/v1/projects/", {**form, "skills": [], "starts_on": in_a_month}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["starts_on"] == in_a_month


@pytest.mark.embedded
def test_the_notification_reads_in_english_and_the_data_export_lists_the_projects_told_about(
    database_backend, saint_pascal, photography
):
    freelancer = photographer(place("Kamouraska"), skill=photography)
    project = publish(UserFactory(), saint_pascal)
    note = Notification.objects.get(recipient=freelancer.user, kind=NotificationKind.PROJECT_MATCH)
    with translation.override("en"):
        assert notification_text(note).title == "New project near you: “Photos de notre fromagerie” (Saint-Pascal)"
    data, _files = export_data(user=freelancer.user)
    assert [(m["project_id"], m["title"]) for m in data["projects_told_about"]] == [(project.pk, project.title)]


@pytest.mark.embedded
def test_a_saved_search_matching_the_same_project_tells_nobody_a_second_time(
    database_backend, saint_pascal, photography
):
    freelancer = photographer(place("Kamouraska"), skill=photography)
    saved = saved_search_create(
        user=freelancer.user, params=project_search_params(QueryDict("q=photos")), frequency="immediate"
    )
    SavedSearch.objects.filter(pk=saved.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    publish(UserFactory(), saint_pascal)
    assert list(Notification.objects.filter(recipient=freelancer.user).values_list("kind", flat=True)) == [
        "project_match"
    ]
    # The saved search did match: recorded as told, so its daily digest won't list it either.
    assert SavedSearchMatch.objects.get(saved_search=saved).notified_at is not None


@pytest.mark.embedded
def test_an_invite_only_project_still_lists_who_fits_for_its_owner_to_invite(
    client, database_backend, saint_pascal, photography
):
    photographer(place("Kamouraska"), skill=photography, name="Kim Kamouraska")
    owner = UserFactory()
    project = publish(owner, saint_pascal, visibility="invited")
    client.force_login(owner)
    html = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    block = html.split('id="nearby-freelancers"')[1].split("</section>")[0]
    assert "Kim Kamouraska" in block
    assert "Votre projet est sur invitation : eux ne le voient que si vous les invitez." in block
    assert told(project) == []
