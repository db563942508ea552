"""The percolator on the real node: each profile's and saved search's stored query, and a new project against them."""

import pytest
from django.http import QueryDict
from elasticsearch import BadRequestError

from profiles.models import FreelancerProfile
from projects.models import Category
from search import indexing
from search.backends.base import BackendUnavailable
from search.client import require_client
from search.models import SearchOutboxEntry
from search.outbox import outbox_drain, outbox_record_project
from search.params import project_search_params
from search.percolator import matching_index_name
from search.services import saved_search_create, saved_search_delete
from tests.factories import FreelancerProfileFactory, MunicipalityFactory, ProjectFactory, SkillFactory, UserFactory

from .conftest import drain, sync_index
from .factories import place

pytestmark = pytest.mark.elasticsearch


@pytest.fixture
def saint_pascal(db):
    return MunicipalityFactory(geonames_id=6_000_201, name="Saint-Pascal", latitude=47.5322, longitude=-69.8033)


@pytest.fixture
def photography(db):
    return SkillFactory(name="Photographie")


def photographer(where, skill, *, radius=30, remote=False, **kwargs):
    profile = FreelancerProfileFactory(
        municipality=where, travel_radius_km=radius, remote=remote, headline="Photographe", **kwargs
    )
    profile.skills.set([skill])
    return profile


def photo_project(where, skill=None, **kwargs):
    project = ProjectFactory(
        municipality=where, category=Category.PHOTO_VIDEO, title="Photos d'une érablière", **kwargs
    )
    if skill is not None:
        project.skills.set([skill])
    return project


def test_kamouraska_photographer_within_30_km_matches_saint_pascal_project_not_montreal(es, saint_pascal, photography):
    near = photographer(place("Kamouraska"), photography)
    far = photographer(place("Montréal"), photography)
    project = photo_project(saint_pascal, photography)
    sync_index()

    profiles, searches = indexing.percolate_project_wishes(project)

    assert near.pk in profiles
    assert far.pk not in profiles
    assert searches == []


def test_both_accepting_remote_work_match_whatever_the_distance(es, saint_pascal, photography):
    remote_far = photographer(place("Montréal"), photography, remote=True)
    remote_project = photo_project(saint_pascal, photography, remote=True)
    on_site_project = photo_project(saint_pascal, photography, remote=False)
    sync_index()

    assert indexing.percolate_project(remote_project) == [remote_far.pk]
    assert indexing.percolate_project(on_site_project) == []


def test_a_shared_skill_matches_and_a_project_without_skills_matches_by_category(es, saint_pascal, photography):
    kamouraska = place("Kamouraska")
    accountant = FreelancerProfileFactory(municipality=kamouraska, headline="Comptable", remote=False)
    accountant.skills.set([SkillFactory(name="Tenue de livres")])
    shooter = photographer(kamouraska, photography)
    with_other_skill = photo_project(saint_pascal, SkillFactory(name="Montage vidéo"))
    without_skills = photo_project(saint_pascal)
    sync_index()

    # The project names a skill the photographer lacks: its category alone is not enough.
    assert indexing.percolate_project(with_other_skill) == []
    # Without skills, the category decides (the headline files the photographer under photo_video).
    assert indexing.percolate_project(without_skills) == [shooter.pk]


def test_hidden_or_deleted_profile_leaves_the_matching_index(es, saint_pascal, photography):
    kamouraska = place("Kamouraska")
    hidden = photographer(kamouraska, photography)
    deleted = photographer(kamouraska, photography)
    kept = photographer(kamouraska, photography)
    project = photo_project(saint_pascal, photography)
    sync_index()
    assert sorted(indexing.percolate_project(project)) == sorted([hidden.pk, deleted.pk, kept.pk])

    FreelancerProfile.objects.filter(pk=hidden.pk).update(is_hidden=True)
    deleted_id = deleted.pk
    deleted.delete()
    SearchOutboxEntry.objects.bulk_create(
        [
            SearchOutboxEntry(kind="profile", object_id=hidden.pk),
            SearchOutboxEntry(kind="profile", object_id=deleted_id),
        ]
    )
    drain()

    assert indexing.percolate_project(project) == [kept.pk]
    stored = require_client().count(index=matching_index_name(), query={"term": {"wish_kind": "profile"}})["count"]
    assert stored == 1


def _save(user, query):
    return saved_search_create(user=user, params=project_search_params(QueryDict(query)), frequency="immediate")


def test_saved_searches_are_stored_queries_and_match_a_new_project(es, saint_pascal, photography):
    kamouraska = place("Kamouraska")
    montreal = place("Montréal")
    member = UserFactory()
    words = _save(member, "q=érablière")
    nearby = _save(member, f"category=photo_video&near={kamouraska.pk}&radius_km=30")
    elsewhere = _save(member, f"near={montreal.pk}&radius_km=30")
    other_words = _save(member, "q=comptabilité")
    gone = _save(member, "skills=photographie")
    saved_search_delete(user=member, saved_search_id=gone.pk)
    project = photo_project(saint_pascal, photography)
    sync_index()

    _profiles, searches = indexing.percolate_project_wishes(project)

    assert sorted(searches) == sorted([words.pk, nearby.pk])
    assert elsewhere.pk not in searches and other_words.pk not in searches


def test_search_index_rebuild_stores_every_wish_again(es, saint_pascal, photography):
    shooter = photographer(place("Kamouraska"), photography)
    saved = _save(UserFactory(), "q=érablière")
    project = photo_project(saint_pascal, photography)
    sync_index()
    require_client().indices.delete(index=f"{matching_index_name()}_*")

    indexing.rebuild_matching()

    assert indexing.percolate_project_wishes(project) == ([shooter.pk], [saved.pk])


def test_missing_matching_index_keeps_the_project_in_the_outbox_until_it_is_back(es, saint_pascal, photography):
    photographer(place("Kamouraska"), photography)
    sync_index()
    require_client().indices.delete(index=f"{matching_index_name()}_*")
    project = photo_project(saint_pascal, photography)
    outbox_record_project(project_id=project.pk)

    with pytest.raises(BackendUnavailable):
        indexing.percolate_project(project)
    result = outbox_drain()

    assert not result.ok
    assert SearchOutboxEntry.objects.filter(kind="project", object_id=project.pk).exists()

    indexing.rebuild_matching()
    drain()
    assert not SearchOutboxEntry.objects.exists()


def test_the_node_refuses_a_stored_query_it_cannot_percolate(es):
    with pytest.raises(BadRequestError) as refused:
        require_client().index(
            index=matching_index_name(), id="x", document={"query": {"range": {"budget_low": {"gte": 100}}}}
        )

    assert "query type [range] is not supported" in str(refused.value)
