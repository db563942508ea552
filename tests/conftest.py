"""Fixtures shared by the whole suite: real services only."""

import os
import socket
import threading
import time
from pathlib import Path

import pytest

ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts"


# `make test` runs the suite twice: the main pass on the real services, then the embedded pass on the
# settings `make run` uses (SQLite file, in-memory channel layer, database search, local media), which
# runs the tests marked `embedded`.
EMBEDDED_PASS = os.environ.get("MARKETPLACE_TEST_PASS") == "embedded"
_REAL_SERVICES = ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "AWS_STORAGE_BUCKET_NAME")


def pytest_configure(config):
    if EMBEDDED_PASS:
        given = [name for name in _REAL_SERVICES if os.environ.get(name)]
        if given:
            raise pytest.UsageError(f"The embedded pass runs without outside services; unset {', '.join(given)}.")
        return
    # The main pass runs against the real services `make test` starts; refuse to run silently on SQLite.
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise pytest.UsageError("DATABASE_URL must point at PostgreSQL: run the suite with `make test`.")


def pytest_collection_modifyitems(config, items):
    if not EMBEDDED_PASS:
        return
    kept = [item for item in items if item.get_closest_marker("embedded")]
    deselected = [item for item in items if not item.get_closest_marker("embedded")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "fr-ca"
    # No Internet in the tests: the map (/carte/) draws its markers without tiles.
    settings.MAP_TILE_URL = ""


@pytest.fixture(autouse=True)
def _fresh_reference_data():
    """Search keeps places, skills and MRCs per process by id; SQLite gives a rolled-back test's ids again."""
    from search import params

    params._municipalities.clear()
    params._known_skills.clear()
    params._known_mrcs.clear()


@pytest.fixture
def redis_url():
    """The real Redis of the main pass (channel layer, cache), for tests that start servers on it."""
    url = os.environ.get("REDIS_URL")
    if not url:
        raise pytest.UsageError("REDIS_URL must point at Redis for this test.")
    return url


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate limits count in the shared cache (Redis under `make test`): each test starts from zero."""
    from django.core.cache import cache

    cache.clear()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AsgiServer:
    """The project's ASGI application under uvicorn, in a thread of the test process."""

    def __init__(self):
        import uvicorn

        from marketplace.asgi import build_application
        from marketplace.common.handlers import MarketplaceASGIHandler

        # A fresh HTTP handler: its middleware (WhiteNoise serving static files) reads this test's settings.
        application = build_application(MarketplaceASGIHandler())

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(application, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("The ASGI server did not start.")
            time.sleep(0.05)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def asgi_server(transactional_db, settings):
    """A live ASGI server (HTTP and WebSocket) on the test database."""
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    # Serve static files from the source folders, as `make run` does, so pages are styled.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    server = AsgiServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def _playwright():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the main thread while it is open: Django would refuse
    # ORM calls from that thread, and pytest-asyncio could not start its own loop. So it lives for one
    # test module at a time, and the flag is lifted when it closes.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="module")
def chromium(_playwright):
    """Debian's Chromium; Playwright never downloads a browser here."""
    browser = _playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture
def new_page(chromium):
    """Open pages in fresh browser contexts (one per person); closes them at the end."""
    contexts = []

    def open_page(*, phone: bool = False, locale: str = "fr-CA"):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = chromium.new_context(viewport=viewport, locale=locale, timezone_id="America/Toronto")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/ (kept as a test artifact)."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)

    def take(page, name: str):
        path = ARTIFACTS_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
