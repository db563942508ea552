"""Stopping the node mid-test: pages and API fall back with a notice; once it is back the index catches up."""

import os
import socket
import subprocess
from pathlib import Path

import pytest

from profiles.services import profile_save
from search import client as search_client
from search import indexing
from search.models import SearchOutboxEntry
from search.outbox import outbox_drain
from tests.factories import FreelancerProfileFactory, UserFactory

from .conftest import drain, sync_index

pytestmark = pytest.mark.elasticsearch

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "elasticsearch.sh"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _node(action: str, *args: str, keep_data: bool = False) -> None:
    env = {**os.environ, "ES_TEST_KEEP_DATA": "1" if keep_data else "0"}
    subprocess.run(["bash", str(SCRIPT), action, *args], check=True, env=env, capture_output=True, timeout=240)  # noqa: S603, S607


@pytest.fixture
def own_node(tmp_path, settings, db):
    """A second node of this test's own, so stopping it disturbs nobody else."""
    port = str(_free_port())
    workdir = str(tmp_path / "es-node")
    _node("start", port, workdir)
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{port}"
    settings.ELASTICSEARCH_INDEX_PREFIX = "outage"
    search_client.mark_up()
    indexing.ensure_indices()
    yield {"port": port, "workdir": workdir}
    _node("stop", workdir)
    search_client.mark_up()


def test_node_stopped_gives_the_fallback_notice_and_restarted_catches_up(own_node, client):
    FreelancerProfileFactory(display_name="Avant Panne", headline="Graphiste")
    sync_index()
    body = client.get("/recherche/pigistes/", {"q": "graphiste"}).content.decode()
    assert "Avant Panne" in body and "data-search-fallback" not in body

    _node("stop", own_node["workdir"])
    page = client.get("/recherche/pigistes/", {"q": "graphiste"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-search-fallback" in html and "momentanément indisponible" in html
    assert "Avant Panne" in html
    api = client.get("/api/v1/search/freelancers/", {"q": "graphiste"})
    assert api.status_code == 200
    assert api.json()["backend"] == "database" and "momentanément indisponible" in api.json()["notice"]
    assert client.get("/recherche/projets/").status_code == 200

    # A change while the node is down waits in the outbox.
    profile_save(user=UserFactory(), data={"display_name": "Pendant Panne", "headline": "Graphiste"})
    assert not outbox_drain().ok
    assert SearchOutboxEntry.objects.count() == 1

    _node("start", own_node["port"], own_node["workdir"], keep_data=True)
    search_client.mark_up()
    drain()
    assert SearchOutboxEntry.objects.count() == 0
    api = client.get("/api/v1/search/freelancers/", {"q": "graphiste"}).json()
    assert api["backend"] == "elasticsearch" and api["notice"] == ""
    assert sorted(r["display_name"] for r in api["results"]) == ["Avant Panne", "Pendant Panne"]
