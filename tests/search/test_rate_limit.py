"""Search is rate limited per visitor: enough to page through results, not enough to scrape."""

import time

import pytest
from django.conf import settings as django_settings

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture(autouse=True)
def database_search(settings):
    settings.ELASTICSEARCH_URL = ""


def _allowed_per_minute() -> int:
    amount, period = django_settings.RATE_LIMITS["search"].split("/")
    assert period == "m"
    return int(amount)


@pytest.fixture
def fresh_window():
    """Start at the beginning of a one-minute counting window.

    Windows are fixed (see marketplace/common/ratelimit.py): a run of requests that crosses a boundary is
    counted in two windows, which on a loaded machine would let the request past the limit through.
    """
    left = 60 - time.time() % 60
    if left < 40:
        time.sleep(left + 0.05)


def test_a_person_paging_through_results_is_never_stopped(client):
    statuses = [client.get("/api/v1/search/projects/", {"page": page}).status_code for page in range(1, 31)]

    assert statuses == [200] * 30


def test_the_search_api_answers_429_with_retry_after_past_the_limit(client, fresh_window):
    allowed = _allowed_per_minute()
    statuses = [client.get("/api/v1/search/freelancers/", {"q": "graphiste"}).status_code for _ in range(allowed)]

    refused = client.get("/api/v1/search/freelancers/", {"q": "graphiste"})

    assert statuses == [200] * allowed
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["detail"].startswith("Trop de tentatives en peu de temps. Réessayez dans")


def test_the_search_pages_share_the_limit_and_show_a_friendly_page(client, fresh_window):
    allowed = _allowed_per_minute()
    for index in range(allowed):
        path = "/recherche/pigistes/" if index % 2 else "/api/v1/search/projects/"
        assert client.get(path, {"q": "web"}).status_code == 200

    refused = client.get("/recherche/projets/", {"q": "web"})

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Trop de tentatives en peu de temps" in refused.content.decode()
    assert "<html" in refused.content.decode().lower()
