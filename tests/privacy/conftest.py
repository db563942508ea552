"""Privacy fixtures: private files under the test's own folder, and a way to check what storage holds."""

import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # The suite moves MEDIA_ROOT per test; private files (archives, attachments) follow it here.
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run a call and then its after-commit work (tasks, file deletions), as a real request would."""

    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


# The real S3 server of `make test` (moto's server mode), with a fresh bucket: see tests/marketplace.
from tests.marketplace.conftest import s3_bucket, s3_endpoint  # noqa: E402, F401
