"""The domain apps say what changed (marketplace.common.changes); search records it in their transaction.

Profiles and projects never import search: each change reaches the outbox through the follower
search registers, in the writer's own transaction, and the drain brings it to Elasticsearch.
"""

import pytest
from django.db import transaction
from django.http import QueryDict

from profiles.services import profile_save
from projects.models import Project
from projects.services import project_update
from search.models import SearchOutboxEntry
from search.params import freelancer_search_params, project_search_params
from search.selectors import freelancer_search, project_search
from tests.factories import FreelancerProfileFactory, ProjectFactory

from .conftest import drain, sync_index


def _entries():
    return sorted(SearchOutboxEntry.objects.values_list("kind", "object_id"))


@pytest.mark.elasticsearch
def test_an_edit_to_a_project_and_to_a_profile_reaches_elasticsearch_through_the_drain(es):
    project = ProjectFactory(title="Enseigne pour une boulangerie")
    profile = FreelancerProfileFactory(display_name="Mathilde", headline="Ébéniste")
    sync_index()

    project_update(user=project.owner, project_id=project.pk, data={"title": "Menu pour une crêperie"})
    profile_save(user=profile.user, data={"headline": "Céramiste"})

    assert _entries() == [("profile", profile.pk), ("project", project.pk)]
    drain()
    assert SearchOutboxEntry.objects.count() == 0
    projects = project_search(params=project_search_params(QueryDict("q=crêperie")), user=None, backend="elasticsearch")
    assert [p.title for p in projects.objects] == ["Menu pour une crêperie"]
    before = project_search(
        params=project_search_params(QueryDict("q=boulangerie")), user=None, backend="elasticsearch"
    )
    assert before.objects == []
    people = freelancer_search(params=freelancer_search_params(QueryDict("q=ceramiste")), backend="elasticsearch")
    assert [p.display_name for p in people.objects] == ["Mathilde"]


@pytest.mark.embedded
def test_a_change_rolled_back_leaves_no_outbox_entry(db):
    project = ProjectFactory(title="Enseigne pour une boulangerie")

    with pytest.raises(RuntimeError), transaction.atomic():
        project_update(user=project.owner, project_id=project.pk, data={"title": "Menu pour une crêperie"})
        assert _entries() == [("project", project.pk)]
        raise RuntimeError("the writer's transaction fails after the change")

    assert _entries() == []
    assert Project.objects.get(pk=project.pk).title == "Enseigne pour une boulangerie"
