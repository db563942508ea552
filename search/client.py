"""The one Elasticsearch client of this process, and whether the node is usable right now."""

import threading
import time

from django.conf import settings
from elasticsearch import Elasticsearch

from search.backends.base import BackendUnavailable

# After a failure, searches go straight to the database for this long instead of waiting on a dead node.
DOWN_FOR_SECONDS = 3.0

_lock = threading.Lock()
_clients: dict[str, Elasticsearch] = {}
_down_until = 0.0


def get_client() -> Elasticsearch | None:
    """The shared client for `ELASTICSEARCH_URL`, built once per process; None when search runs on the database."""
    url = settings.ELASTICSEARCH_URL
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        with _lock:
            client = _clients.get(url)
            if client is None:
                # Short timeouts: a page waits at most this long before falling back to the database.
                client = Elasticsearch(url, request_timeout=5, max_retries=0, retry_on_timeout=False)
                _clients[url] = client
    return client


def require_client() -> Elasticsearch:
    """The shared client, or BackendUnavailable when search runs on the database."""
    client = get_client()
    if client is None:
        raise BackendUnavailable("ELASTICSEARCH_URL is not set")
    return client


def index_name(kind: str) -> str:
    """The alias searches and writes go through, e.g. `marketplace_profiles`."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}_{kind}s"


def mark_down() -> None:
    """Remember that the node just failed, so the next searches skip it for a moment."""
    global _down_until
    _down_until = time.monotonic() + DOWN_FOR_SECONDS


def mark_up() -> None:
    """Forget a failure (the node answered, or a test restarted it)."""
    global _down_until
    _down_until = 0.0


def recently_down() -> bool:
    """True while a recent failure says not to bother the node."""
    return time.monotonic() < _down_until
