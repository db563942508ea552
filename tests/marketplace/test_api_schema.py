import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from tests.messaging.servers import UvicornWorker, database_url_for_tests


def test_the_openapi_schema_is_valid_and_every_view_is_described(tmp_path):
    schema = tmp_path / "schema.yml"

    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(schema)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    text = schema.read_text()
    for path in (
        "/api/v1/projects/",
        "/api/v1/quotes/{id}/accept/",
        "/api/v1/conversations/{id}/messages/",
        "/api/v1/search/freelancers/",
        "/api/v1/me/profile/",
    ):
        assert f"  {path}:" in text


@pytest.mark.django_db(transaction=True)
def test_a_fresh_worker_answers_every_one_of_several_schema_requests_arriving_at_once(settings):
    # The first schemas a process builds are where drf-spectacular loads its extensions: built side by side,
    # one of them used to fail with a 500.
    worker = UvicornWorker(
        database_url=database_url_for_tests(settings),
        redis_url=settings.REDIS_URL,
        prefix=f"schema-{uuid.uuid4().hex[:8]}",
        start_timeout=60,
    )
    try:
        barrier = threading.Barrier(6)

        def fetch(_):
            barrier.wait(timeout=10)
            url = f"{worker.url}/api/schema/?format=json"
            try:
                with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (our own worker, over http)
                    return response.status, json.load(response)["info"]["title"]
            except urllib.error.HTTPError as error:
                return error.code, None

        with ThreadPoolExecutor(max_workers=6) as pool:
            answers = list(pool.map(fetch, range(6)))
    finally:
        worker.stop()

    assert {status for status, _title in answers} == {200}
    assert len({title for _status, title in answers}) == 1
