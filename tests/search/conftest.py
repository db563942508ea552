"""Search fixtures: a fresh set of indices per test on the real node, or the database backend."""

import contextlib
import os
import uuid

import pytest

from profiles.models import FreelancerProfile
from projects.models import Project
from search import client as search_client
from search import indexing
from search.outbox import outbox_drain, outbox_record_profile, outbox_record_project


def _use_elasticsearch(settings):
    url = os.environ.get("ELASTICSEARCH_URL", "")
    if not url:
        # Never skip: the ES tests need the node `make test` starts (or an ELASTICSEARCH_URL).
        pytest.fail("ELASTICSEARCH_URL is not set: run the suite with `make test` or start a node.")
    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_INDEX_PREFIX = f"test_search_{uuid.uuid4().hex[:10]}"
    search_client.mark_up()
    indexing.ensure_indices()


@pytest.fixture
def es(settings, db):
    """A real Elasticsearch node with this test's own indices (deleted afterwards)."""
    _use_elasticsearch(settings)
    yield settings.ELASTICSEARCH_URL
    search_client.mark_up()
    # A test that stopped the node must not fail its teardown.
    with contextlib.suppress(Exception):
        indexing.delete_all_indices()


@pytest.fixture(
    params=[
        pytest.param("database", marks=pytest.mark.embedded),
        pytest.param("elasticsearch", marks=pytest.mark.elasticsearch),
    ]
)
def backend(request, settings, db):
    """Run a contract test on both backends: the same searches must give the same answers.

    The database case runs on PostgreSQL in the main pass and on SQLite (FTS5) in the embedded pass.
    """
    if request.param == "elasticsearch":
        _use_elasticsearch(settings)
        request.addfinalizer(indexing.delete_all_indices)
    else:
        settings.ELASTICSEARCH_URL = ""
    return request.param


def sync_index() -> None:
    """Queue every profile and project, drain the outbox, and make the writes searchable."""
    for pk in FreelancerProfile.objects.values_list("pk", flat=True):
        outbox_record_profile(profile_id=pk)
    for pk in Project.objects.values_list("pk", flat=True):
        outbox_record_project(project_id=pk)
    drain()


def drain() -> None:
    from django.conf import settings

    result = outbox_drain()
    assert result.ok, result.error
    if settings.ELASTICSEARCH_URL:
        indexing.refresh()
