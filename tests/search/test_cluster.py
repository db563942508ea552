"""Two nodes, one replica: stopping a node loses no document, and searches still find every one."""

import os
import socket
import subprocess
import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.http import QueryDict
from rest_framework.test import APIClient

from search import client as search_client
from search import indexing
from search.client import get_client
from search.params import freelancer_search_params, project_search_params
from search.selectors import freelancer_search, project_search
from tests.factories import FreelancerProfileFactory, ProjectFactory

from .conftest import sync_index

pytestmark = pytest.mark.elasticsearch

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "elasticsearch.sh"
PROFILES = 8
PROJECTS = 8


def _free_ports(count: int) -> list[int]:
    """`count` distinct free ports (all held open together while picked, so none repeats)."""
    with ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]


def _script(*args: str) -> str:
    env = {**os.environ, "ES_START_TIMEOUT": "150"}
    done = subprocess.run(  # noqa: S603 - our own script
        ["bash", str(SCRIPT), *args],  # noqa: S607 - bash from PATH, as the other node tests
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=220,
    )
    assert done.returncode == 0, f"elasticsearch.sh {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A cluster of two nodes of its own (not the suite's node), stopped at the end whatever happens."""
    workdir = str(tmp_path_factory.mktemp("es-cluster"))
    http1, http2, transport1, transport2 = _free_ports(4)
    try:
        urls = _script("start-cluster", str(http1), str(http2), workdir, str(transport1), str(transport2)).split()
        assert urls == [f"http://127.0.0.1:{http1}", f"http://127.0.0.1:{http2}"]
        yield {
            "workdir": workdir,
            "urls": dict(zip(("marketplace-test-node-1", "marketplace-test-node-2"), urls, strict=True)),
        }
    finally:
        _script("stop-cluster", workdir)


def test_with_one_replica_a_stopped_node_loses_no_document(cluster, settings, db):
    # Given the product's search on the cluster, through the node that is the elected master: two
    # master-eligible nodes keep only the master in the voting configuration, so it is the other node
    # that the cluster can lose (scripts/elasticsearch.sh).
    settings.ELASTICSEARCH_URL = cluster["urls"]["marketplace-test-node-1"]
    master = get_client().cat.master(format="json")[0]["node"]
    other = next(name for name in cluster["urls"] if name != master)
    settings.ELASTICSEARCH_URL = cluster["urls"][master]
    settings.ELASTICSEARCH_INDEX_PREFIX = f"test_cluster_{uuid.uuid4().hex[:10]}"
    settings.ELASTICSEARCH_SHARDS = 2
    settings.ELASTICSEARCH_REPLICAS = 1
    search_client.mark_up()
    # Waiting for a colour takes longer than the product client's 5 s timeout, meant for searches.
    es = get_client().options(request_timeout=90)
    assert es.cluster.health()["number_of_nodes"] == 2

    # When the indices are created and real profiles and projects indexed the product's way (outbox, drain)
    indexing.ensure_indices()
    profile_ids = {FreelancerProfileFactory().pk for _ in range(PROFILES)}
    project_ids = {ProjectFactory().pk for _ in range(PROJECTS)}
    sync_index()
    pattern = f"{settings.ELASTICSEARCH_INDEX_PREFIX}_*"
    health = es.cluster.health(index=pattern, wait_for_status="green", timeout="60s")
    assert health["status"] == "green" and not health["timed_out"]

    # Then every index has the shard and replica counts of the settings
    index_settings = es.indices.get_settings(index=pattern)
    assert len(index_settings) == len(indexing.KINDS) + 1  # and the percolator's matching index
    for body in index_settings.values():
        assert body["settings"]["index"]["number_of_shards"] == "2"
        assert body["settings"]["index"]["number_of_replicas"] == "1"
    # and every shard has a started primary and a started replica, on different nodes
    shards = es.cat.shards(index=pattern, format="json", h="index,shard,prirep,state,node,docs")
    copies: dict[tuple[str, str], dict[str, str]] = {}
    for shard in shards:
        assert shard["state"] == "STARTED", shard
        copies.setdefault((shard["index"], shard["shard"]), {})[shard["prirep"]] = shard["node"]
    assert len(copies) == 2 * len(index_settings)
    assert all(set(c) == {"p", "r"} and c["p"] != c["r"] for c in copies.values()), copies
    # and the node about to go holds primaries with documents in them: their replicas must take over
    lost_primary_docs = sum(int(s["docs"]) for s in shards if s["prirep"] == "p" and s["node"] == other)
    assert lost_primary_docs > 0, shards

    # When the other node stops
    _script("stop", f"{cluster['workdir']}/node-{other[-1]}")

    # Then the cluster is yellow on one node (replicas unassigned, none lost) and search finds everything
    health = es.cluster.health(index=pattern, wait_for_status="yellow", timeout="30s")
    assert (health["status"], health["number_of_nodes"]) == ("yellow", 1)
    assert health["unassigned_shards"] == len(copies) and health["active_primary_shards"] == len(copies)
    profiles = freelancer_search(params=freelancer_search_params(QueryDict("")), backend="elasticsearch")
    assert profiles.total == PROFILES and {hit.id for hit in profiles.hits} == profile_ids
    projects = project_search(params=project_search_params(QueryDict("")), backend="elasticsearch")
    assert projects.total == PROJECTS and {hit.id for hit in projects.hits} == project_ids
    # and so does the API, from Elasticsearch and without the fallback notice
    api = APIClient()
    for path, count in (("/api/v1/search/freelancers/", PROFILES), ("/api/v1/search/projects/", PROJECTS)):
        body = api.get(path).json()
        assert (body["count"], body["backend"], body["notice"]) == (count, "elasticsearch", "")
