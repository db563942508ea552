"""Two people keep chatting in Chromium through a Redis outage and a killed server: every message ends up
on both screens once, in order."""

import time

import pytest

from messaging.models import Message
from tests.messaging.factories import conversation_with_quote
from tests.messaging.helpers import session_cookie_for
from tests.messaging.servers import RedisServer, UvicornWorker, database_url_for_tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reconnections back off up to 15 s (live.js): waits that span one are longer than the page default.
RECONNECT_TIMEOUT_MS = 45_000


@pytest.fixture
def redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker(settings, redis):
    """A uvicorn process (so it can be killed) on the test database and the private Redis."""
    workers = []

    def start(port=None):
        workers.append(
            UvicornWorker(
                database_url=database_url_for_tests(settings),
                redis_url=redis.url,
                prefix="browser-outage",
                port=port,
                settings_module="tests.messaging.browser_worker_settings",
            )
        )
        return workers[-1]

    yield start
    for process in workers:
        if process.process.poll() is None:
            process.stop()


def signed_in_page(new_page, server, user):
    page = new_page()
    name, value = session_cookie_for(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": server.url}])
    return page


def write(page, body):
    page.fill("[data-chat-input]", body)
    page.click("[data-chat-send]")


def acknowledged(page, body):
    """The sender's bubble got its server id (the ack): the message is saved."""
    page.locator(".chat-message.is-mine[data-id]", has_text=body).wait_for(state="attached")


def on_screen(page):
    """(id, text, filled) of every bubble of the conversation, top to bottom."""
    rows = page.eval_on_selector_all(
        "[data-chat-log] .chat-message",
        """items => items.map(li => [
            Number(li.dataset.id || 0), li.querySelector('.chat-body').textContent.trim(), li.dataset.filled === '1'
        ])""",
    )
    return [tuple(row) for row in rows]


def screen_once_settled(page, expected, *, timeout=30.0):
    """What the page shows once it matches `expected`, or after `timeout` (for the assertion's diff)."""
    deadline = time.monotonic() + timeout
    shown = on_screen(page)
    while shown != expected and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        shown = on_screen(page)
    return shown


def test_every_message_is_shown_once_in_order_after_redis_stops_and_the_server_is_killed(
    redis, worker, new_page, screenshot
):
    conversation, client, freelancer = conversation_with_quote(title="Enseigne pour la fromagerie de Kamouraska")
    server = worker()
    detail = f"{server.url}/messages/{conversation.pk}/"
    client_page = signed_in_page(new_page, server, client)
    freelancer_page = signed_in_page(new_page, server, freelancer)
    for page in (client_page, freelancer_page):
        page.goto(detail)
        page.locator('html[data-live-connection="connected"]').wait_for(state="attached")

    # Live, both ways.
    write(client_page, "Bonjour, l'enseigne peut-elle être en bois ?")
    freelancer_page.get_by_text("l'enseigne peut-elle être en bois").wait_for()
    write(freelancer_page, "Oui, en cèdre.")
    client_page.get_by_text("Oui, en cèdre.").wait_for()

    # Redis stops: the freelancer's two messages are saved, but their pushes are lost.
    redis.stop()
    write(freelancer_page, "Je peux graver le logo.")
    acknowledged(freelancer_page, "Je peux graver le logo.")
    write(freelancer_page, "Prix : 450 $ avec la pose.")
    acknowledged(freelancer_page, "Prix : 450 $ avec la pose.")
    # The client's answer is saved after them; the server dies right after acknowledging it, before
    # the client's socket read the freelancer's two messages from the database.
    write(client_page, "D'accord pour 450 $.")
    acknowledged(client_page, "D'accord pour 450 $.")
    server.kill()

    # Written while no server runs: both wait in their tabs.
    client_page.locator('html[data-live-connection="reconnecting"]').wait_for(state="attached")
    write(client_page, "Quand pouvez-vous la poser ?")
    write(freelancer_page, "Je vous envoie une esquisse demain.")

    # A new server on the same address, Redis still down: the sockets wait for Redis, then resume.
    server = worker(port=server.port)
    time.sleep(1)
    redis.start()
    for page in (client_page, freelancer_page):
        page.locator('html[data-live-connection="connected"]').wait_for(state="attached", timeout=RECONNECT_TIMEOUT_MS)
        page.locator(".chat-message.is-pending").first.wait_for(state="detached", timeout=RECONNECT_TIMEOUT_MS)

    # Live again, both ways.
    write(freelancer_page, "La pose pourrait se faire jeudi.")
    client_page.get_by_text("La pose pourrait se faire jeudi.").wait_for(timeout=RECONNECT_TIMEOUT_MS)
    write(client_page, "Jeudi me convient.")
    freelancer_page.get_by_text("Jeudi me convient.").wait_for(timeout=RECONNECT_TIMEOUT_MS)

    saved = [
        (pk, body, True)
        for pk, body in Message.objects.filter(conversation=conversation).order_by("id").values_list("id", "body")
    ]
    assert len(saved) == 9
    assert screen_once_settled(client_page, saved) == saved
    assert screen_once_settled(freelancer_page, saved) == saved
    screenshot(client_page, "messaging-after-outage-client-desktop")
