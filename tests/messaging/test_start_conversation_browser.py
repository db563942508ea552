"""Starting a conversation in Chromium: from each "Écrire" button to a live chat, on the embedded settings too.

Marked `embedded`: `make run` (SQLite, in-memory channel layer) must let two people start and hold a
conversation from the site's own buttons, as PostgreSQL and Redis do.
"""

import os
import re

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from messaging.models import Conversation, Message
from messaging.templatetags.messaging_tags import chat_time
from projects.models import ProjectStatus, Visibility
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory
from tests.messaging.helpers import session_cookie_for
from tests.projects.factories import InvitationFactory

pytestmark = [pytest.mark.browser, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

ARRIVED_TO_WRITE = re.compile(r"/messages/(\d+)/\?ecrire=1$")


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


def sign_in(page, asgi_server, user, *, language=None):
    name, value = session_cookie_for(user).split("=", 1)
    cookies = [{"name": name, "value": value, "url": asgi_server.url}]
    if language:
        cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": asgi_server.url})
    page.context.add_cookies(cookies)
    return page


def signed_in_page(new_page, asgi_server, user, *, phone=False):
    return sign_in(new_page(phone=phone), asgi_server, user)


def connected(page):
    page.locator('html[data-live-connection="connected"]').wait_for(state="attached")


def mark_page(page):
    """Tag the loaded document: the tag survives live updates and is gone after any reload or navigation."""
    page.evaluate("window.__sameDocument = true")


def assert_not_reloaded(page):
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"


def arrive_ready_to_write(page) -> Conversation:
    """After an "Écrire" button: the conversation page, with the cursor in the message box."""
    page.wait_for_url(ARRIVED_TO_WRITE)
    expect(page.locator("[data-chat-input]")).to_be_focused()
    return Conversation.objects.get(pk=int(ARRIVED_TO_WRITE.search(page.url)[1]))


def test_the_client_starts_from_the_quote_row_and_both_chat_live_until_both_see_vu(asgi_server, new_page, screenshot):
    project = ProjectFactory(title="Affiche pour le festival du bleuet")
    freelancer = FreelancerProfileFactory(display_name="Mireille Gagnon").user
    quote = QuoteFactory(project=project, freelancer=freelancer)
    owner = project.owner
    client_page = signed_in_page(new_page, asgi_server, owner)
    freelancer_page = signed_in_page(new_page, asgi_server, freelancer)

    # The freelancer waits on their (empty) inbox.
    freelancer_page.goto(f"{asgi_server.url}/messages/")
    expect(freelancer_page.locator("[data-inbox-empty]")).to_contain_text("Écrire au client")
    connected(freelancer_page)
    mark_page(freelancer_page)

    # The client writes from the quote row: the cursor is already in the message box.
    client_page.goto(f"{asgi_server.url}/projets/{project.pk}/")
    client_page.locator(f"#quote-{quote.pk}").get_by_role("button", name="Écrire à Mireille Gagnon").click()
    conversation = arrive_ready_to_write(client_page)
    assert (conversation.project, conversation.client, conversation.freelancer) == (project, owner, freelancer)
    connected(client_page)
    mark_page(client_page)
    client_page.keyboard.type("Bonjour Mireille ! Pouvez-vous livrer l'affiche avant le 15 juillet ?")
    client_page.keyboard.press("Enter")
    first = client_page.locator(".chat-message.is-mine").last
    expect(first).to_have_attribute("data-id", re.compile(r"\d+"))

    # The freelancer's inbox shows it without a reload; they open the conversation.
    row = freelancer_page.locator(f'.inbox-item[data-conversation="{conversation.pk}"]')
    expect(row).to_contain_text("livrer l'affiche avant le 15 juillet")
    expect(freelancer_page.locator('[data-live-badge="messages"]')).to_have_attribute("data-count", "1")
    assert_not_reloaded(freelancer_page)
    row.click()
    freelancer_page.get_by_text("livrer l'affiche avant le 15 juillet").wait_for()
    connected(freelancer_page)
    mark_page(freelancer_page)

    # The client sees "Vu"; the freelancer answers, and the client reads the answer live.
    expect(first.locator("[data-seen]")).to_be_visible()
    freelancer_page.fill("[data-chat-input]", "Oui, sans problème : je vous envoie une esquisse lundi.")
    freelancer_page.keyboard.press("Enter")
    answer = client_page.locator(".chat-message.is-theirs").last
    expect(answer).to_contain_text("je vous envoie une esquisse lundi")
    reply = freelancer_page.locator(".chat-message.is-mine").last
    expect(reply.locator("[data-seen]")).to_be_visible()

    # And once more the other way, into the freelancer's open conversation.
    client_page.keyboard.type("Parfait, merci !")
    client_page.keyboard.press("Enter")
    expect(freelancer_page.locator(".chat-message.is-theirs").last).to_contain_text("Parfait, merci !")
    expect(client_page.locator(".chat-message.is-mine").last.locator("[data-seen]")).to_be_visible()
    assert_not_reloaded(client_page)
    assert_not_reloaded(freelancer_page)
    for page in (client_page, freelancer_page):
        expect(page.locator("[data-chat-log]")).not_to_contain_text("Envoi…")
        expect(page.locator("[data-chat-error]")).to_be_hidden()
    assert [m.body for m in Message.objects.filter(conversation=conversation).order_by("id")] == [
        "Bonjour Mireille ! Pouvez-vous livrer l'affiche avant le 15 juillet ?",
        "Oui, sans problème : je vous envoie une esquisse lundi.",
        "Parfait, merci !",
    ]

    screenshot(client_page, "start-conversation-client-desktop")
    screenshot(freelancer_page, "start-conversation-freelancer-desktop")
    for page in (client_page, freelancer_page):
        page.set_viewport_size({"width": 390, "height": 844})
    screenshot(client_page, "start-conversation-client-phone")
    screenshot(freelancer_page, "start-conversation-freelancer-phone")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_each_ecrire_button_opens_the_conversation_with_the_cursor_in_the_message_box(
    asgi_server, new_page, screenshot, phone
):
    width = "phone" if phone else "desktop"
    owner = UserFactory(name="Fromagerie du Littoral")
    project = ProjectFactory(owner=owner, title="Site web pour la fromagerie")
    second_project = ProjectFactory(owner=owner, title="Étiquettes de fromage", status=ProjectStatus.DRAFT)
    quoting = FreelancerProfileFactory(display_name="Mireille Gagnon").user
    quote = QuoteFactory(project=project, freelancer=quoting)
    invited = FreelancerProfileFactory(display_name="Léa Dubé").user
    InvitationFactory(project=project, freelancer=invited)
    profiled = FreelancerProfileFactory(display_name="Éric Côté").user
    invite_only = ProjectFactory(owner=owner, title="Plan d'affaires", visibility=Visibility.INVITED)
    InvitationFactory(project=invite_only, freelancer=invited)
    visitor = FreelancerProfileFactory(display_name="Marc Pelletier").user

    def opened(page) -> Conversation:
        conversation = arrive_ready_to_write(page)
        page.keyboard.type("Bonjour")  # the keys land in the message box
        expect(page.locator("[data-chat-input]")).to_have_value("Bonjour")
        return conversation

    client_page = signed_in_page(new_page, asgi_server, owner, phone=phone)

    # 1. The owner's quote row.
    client_page.goto(f"{asgi_server.url}/projets/{project.pk}/")
    screenshot(client_page, f"write-buttons-owner-project-{width}")
    client_page.locator(f"#quote-{quote.pk}").get_by_role("button", name="Écrire à Mireille Gagnon").click()
    conversation = opened(client_page)
    assert (conversation.project, conversation.freelancer) == (project, quoting)

    # 2. The owner's invited freelancers.
    client_page.goto(f"{asgi_server.url}/projets/{project.pk}/")
    client_page.locator("#invitations").get_by_role("button", name="Écrire à Léa Dubé").click()
    conversation = opened(client_page)
    assert (conversation.project, conversation.freelancer) == (project, invited)

    # 3. A freelancer's profile: the client picks which project to talk about.
    client_page.goto(f"{asgi_server.url}/pigistes/{profiled.freelancer_profile.pk}/")
    form = client_page.locator("[data-write-to-freelancer]")
    form.get_by_label("Au sujet de quel projet ?").select_option(label="Étiquettes de fromage (brouillon)")
    screenshot(client_page, f"write-buttons-profile-{width}")
    form.get_by_role("button", name="Écrire à Éric Côté").click()
    conversation = opened(client_page)
    assert (conversation.project, conversation.freelancer) == (second_project, profiled)
    screenshot(client_page, f"write-buttons-conversation-{width}")

    # 4. "Écrire au client" on a project page, for a freelancer who may write (open public project).
    freelancer_page = signed_in_page(new_page, asgi_server, visitor, phone=phone)
    freelancer_page.goto(f"{asgi_server.url}/messages/")
    screenshot(freelancer_page, f"write-buttons-empty-inbox-{width}")
    freelancer_page.goto(f"{asgi_server.url}/projets/{project.pk}/")
    screenshot(freelancer_page, f"write-buttons-freelancer-project-{width}")
    freelancer_page.get_by_role("button", name="Écrire au client").click()
    conversation = opened(freelancer_page)
    assert (conversation.project, conversation.client, conversation.freelancer) == (project, owner, visitor)

    # 5. An invitation on the invited freelancer's dashboard (an invite-only project).
    invited_page = signed_in_page(new_page, asgi_server, invited, phone=phone)
    invited_page.goto(f"{asgi_server.url}/tableau-de-bord/")
    screenshot(invited_page, f"write-buttons-dashboard-{width}")
    invitation = invited_page.locator(".invitation").filter(has_text="Plan d'affaires")
    invitation.get_by_role("button", name="Écrire au client").click()
    conversation = opened(invited_page)
    assert (conversation.project, conversation.client, conversation.freelancer) == (invite_only, owner, invited)

    assert Conversation.objects.count() == 5


def test_chat_times_read_the_same_live_and_after_a_reload_in_french_and_english(
    asgi_server, chromium, new_page, screenshot
):
    project = ProjectFactory(title="Logo pour une microbrasserie")
    freelancer = FreelancerProfileFactory(display_name="Mireille Gagnon").user
    QuoteFactory(project=project, freelancer=freelancer)
    owner = project.owner
    # Browsers far from Quebec: the times are still Toronto's, as the server writes them.
    contexts = [
        chromium.new_context(viewport={"width": 1280, "height": 900}, locale=locale, timezone_id=zone)
        for locale, zone in (("fr-CA", "Asia/Tokyo"), ("en-US", "Europe/Paris"))
    ]
    try:
        client_page = sign_in(contexts[0].new_page(), asgi_server, owner)
        freelancer_page = sign_in(contexts[1].new_page(), asgi_server, freelancer, language="en")
        client_page.goto(f"{asgi_server.url}/projets/{project.pk}/")
        client_page.get_by_role("button", name="Écrire à Mireille Gagnon").click()
        conversation = arrive_ready_to_write(client_page)
        freelancer_page.goto(f"{asgi_server.url}/messages/{conversation.pk}/")
        for page in (client_page, freelancer_page):
            connected(page)

        client_page.keyboard.type("Bonjour ! Quelle heure est-il chez vous ?")
        client_page.keyboard.press("Enter")
        mine = client_page.locator(".chat-message.is-mine[data-filled] time").last
        theirs = freelancer_page.locator(".chat-message.is-theirs time").last
        expect(mine).not_to_be_empty()
        expect(theirs).not_to_be_empty()
        live = (mine.text_content(), theirs.text_content())

        message = Message.objects.get(conversation=conversation)
        with translation.override("fr-ca"):
            french = chat_time(message.created_at)
        with translation.override("en"):
            english = chat_time(message.created_at)
        assert live == (french, english)
        assert re.fullmatch(r"\d{1,2} \S+, \d{1,2} h \d{2}", french)
        assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d{2} [AP]M", english)

        for page in (client_page, freelancer_page):
            page.reload()
        reloaded = (
            client_page.locator(".chat-message.is-mine time").last.text_content(),
            freelancer_page.locator(".chat-message.is-theirs time").last.text_content(),
        )
        assert reloaded == live
        screenshot(freelancer_page, "chat-times-english-desktop")
    finally:
        for context in contexts:
            context.close()
