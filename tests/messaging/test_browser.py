"""Two people chat live in Chromium: typing, message, "Vu", unread badge and a new quote, all without reload."""

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from messaging import services
from notifications.models import NotificationKind
from notifications.services import notify
from projects.models import Quote
from tests.factories import FreelancerProfileFactory
from tests.messaging.factories import conversation_with_quote
from tests.messaging.helpers import session_cookie_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True, scope="module")
def _orm_beside_playwright():
    # Playwright's sync API keeps an event loop on this thread; the test's own ORM calls (and the
    # database flush after each test) are still plain sync code. Module scope: outlives that flush.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def off_the_browser_thread(func, **kwargs):
    """Call a service from a plain thread: Playwright's loop runs on this one, and pushes use async_to_sync."""

    def run():
        try:
            return func(**kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def signed_in_page(new_page, asgi_server, user, *, phone=False):
    page = new_page(phone=phone)
    name, value = session_cookie_for(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": asgi_server.url}])
    return page


def test_client_and_freelancer_chat_live_with_typing_read_receipt_and_badges(asgi_server, new_page, screenshot):
    conversation, client, freelancer = conversation_with_quote(title="Affiche pour le festival du bleuet")
    detail = f"{asgi_server.url}/messages/{conversation.pk}/"
    client_page = signed_in_page(new_page, asgi_server, client)
    freelancer_page = signed_in_page(new_page, asgi_server, freelancer)

    # The client waits on the inbox; the freelancer opens the conversation.
    client_page.goto(f"{asgi_server.url}/messages/")
    freelancer_page.goto(detail)
    for page in (client_page, freelancer_page):
        page.locator('[data-live-state][data-state="connected"]').first.wait_for()
    header_badge = client_page.locator('[data-live-badge="messages"]')
    assert header_badge.get_attribute("data-count") == "0"

    freelancer_page.fill("[data-chat-input]", "Bonjour ! Avez-vous une date limite pour l'affiche ?")
    freelancer_page.click("[data-chat-send]")

    # The client's header badge and inbox row change without reload.
    client_page.locator('[data-live-badge="messages"][data-count="1"]').wait_for(state="attached")
    client_page.locator("[data-inbox]").get_by_text("Avez-vous une date limite").wait_for()
    row_badge = client_page.locator(f'[data-live-conversation-badge="{conversation.pk}"]')
    assert row_badge.text_content().strip() == "1"
    screenshot(client_page, "messaging-inbox-unread-desktop")

    # The freelancer's message is not seen yet.
    mine = freelancer_page.locator(".chat-message.is-mine").last
    mine.locator("[data-seen]").wait_for(state="hidden")

    # The client opens the conversation: the freelancer sees "Vu", the client's badge drops to 0.
    client_page.goto(detail)
    client_page.get_by_text("Avez-vous une date limite").wait_for()
    mine.locator("[data-seen]").wait_for(state="visible")
    assert "Vu" in mine.text_content()
    client_page.locator('[data-live-badge="messages"][data-count="0"]').wait_for(state="attached")

    # The client types: the freelancer's tab says so, then shows the message.
    client_page.type(
        "[data-chat-input]", "Oui, le 15 juillet. Voir https://festivaldubleuet.example <b>merci</b>", delay=5
    )
    typing = freelancer_page.locator("[data-chat-typing]")
    typing.wait_for(state="visible")
    assert "écrit…" in typing.text_content()
    screenshot(freelancer_page, "messaging-typing-desktop")
    client_page.keyboard.press("Enter")
    reply = freelancer_page.locator(".chat-message.is-theirs").last
    reply.get_by_text("Oui, le 15 juillet.").wait_for()
    assert reply.locator("a[href='https://festivaldubleuet.example']").count() == 1
    assert "<b>merci</b>" in reply.text_content()  # shown as text, not bold
    assert reply.locator("b").count() == 0
    typing.wait_for(state="hidden")
    # The freelancer has the page open: the client sees "Vu" on the reply.
    sent = client_page.locator(".chat-message.is-mine").last
    sent.locator("[data-seen]").wait_for(state="visible")
    assert sent.locator("a[href='https://festivaldubleuet.example']").count() == 1
    assert "Envoi…" not in sent.text_content()
    screenshot(client_page, "messaging-conversation-client-desktop")
    screenshot(freelancer_page, "messaging-conversation-freelancer-desktop")


def test_new_quote_appears_on_the_owners_project_page_without_reload(asgi_server, new_page, screenshot):
    from projects.services import quote_submit

    conversation, client, _freelancer = conversation_with_quote(title="Comptabilité d'une érablière")
    project = conversation.project
    owner_page = signed_in_page(new_page, asgi_server, client)
    owner_page.goto(f"{asgi_server.url}/projets/{project.pk}/")
    owner_page.locator("#quotes[data-live-quotes-url]").wait_for()
    owner_page.locator('html[data-live-connection="connected"]').wait_for(state="attached")
    newcomer = FreelancerProfileFactory(display_name="Mireille Gagnon").user

    off_the_browser_thread(
        quote_submit,
        user=newcomer,
        project_id=project.pk,
        data={
            "amount": "1800.00",
            "delivery_days": "10",
            "message": "Je connais bien les érablières.",
            "pricing": "fixed",
        },
    )

    owner_page.locator("#quotes").get_by_text("Mireille Gagnon").first.wait_for()
    owner_page.locator('[data-live-badge="notifications"][data-count="1"]').wait_for(state="attached")
    assert Quote.objects.filter(project=project).count() == 2
    assert Quote.objects.get(freelancer=newcomer).amount == Decimal("1800.00")
    screenshot(owner_page, "messaging-live-quote-desktop")


def test_messaging_pages_on_a_phone(asgi_server, new_page, screenshot):
    conversation, client, freelancer = conversation_with_quote(title="Photos d'un gîte à Kamouraska")
    for sender, body in [
        (client, "Bonjour, êtes-vous disponible en juin pour une séance au gîte ?"),
        (freelancer, "Oui ! Je suis à Rivière-du-Loup, à 30 minutes. Mon portfolio : https://photos.example/gites"),
        (client, "Parfait. Pouvez-vous m'envoyer un devis pour 40 photos ?"),
    ]:
        off_the_browser_thread(
            services.message_send, user=sender, conversation_id=conversation.pk, client_id=uuid.uuid4(), body=body
        )
    off_the_browser_thread(
        notify,
        recipient=freelancer,
        kind=NotificationKind.QUOTE_ACCEPTED,
        params={"title": "Photos d'un gîte à Kamouraska"},
        url=f"/messages/{conversation.pk}/",
    )
    page = signed_in_page(new_page, asgi_server, freelancer, phone=True)
    page.goto(f"{asgi_server.url}/messages/")
    page.locator('[data-live-state][data-state="connected"]').first.wait_for()
    screenshot(page, "messaging-inbox-phone")
    page.goto(f"{asgi_server.url}/messages/{conversation.pk}/")
    page.locator('[data-live-state][data-state="connected"]').first.wait_for()
    page.fill("[data-chat-input]", "Je vous l'envoie ce soir.")
    page.click("[data-chat-send]")
    page.locator(".chat-message.is-mine[data-id]").last.get_by_text("Je vous l'envoie ce soir.").wait_for()
    screenshot(page, "messaging-conversation-phone")
    page.goto(f"{asgi_server.url}/notifications/")
    page.get_by_text("Votre soumission est acceptée : « Photos d'un gîte à Kamouraska »").wait_for()
    screenshot(page, "messaging-notifications-phone")
