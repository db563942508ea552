import subprocess
import sys

from django.conf import settings


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
