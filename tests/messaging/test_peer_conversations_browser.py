"""The bottin and a peer conversation in Chromium: a freelancer finds a colleague, writes, the other reads live.

Marked `embedded`: `make run` (SQLite, in-memory channel layer) must carry it as PostgreSQL and Redis do.
Screenshots at desktop and phone widths go to test-artifacts/ (and to /tmp/shots/h6/ when it exists).
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from messaging.models import Conversation, Message
from tests.factories import FreelancerProfileFactory, MrcFactory, MunicipalityFactory, SkillFactory
from tests.messaging.helpers import session_cookie_for

pytestmark = [pytest.mark.browser, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

ARRIVED_TO_WRITE = re.compile(r"/messages/(\d+)/\?ecrire=1$")
SHOTS = Path("/tmp/shots/h6")


@pytest.fixture(autouse=True, scope="module")
def _orm_beside_playwright():
    # Playwright's sync API keeps an event loop on this thread; the test's own ORM calls are plain sync code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def signed_in_page(new_page, asgi_server, user, *, phone=False):
    page = new_page(phone=phone)
    name, value = session_cookie_for(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": asgi_server.url}])
    return page


def shoot(screenshot, page, name):
    path = screenshot(page, name)
    if SHOTS.is_dir() and path:
        shutil.copy(path, SHOTS / f"{name}.png")


def test_a_freelancer_writes_to_a_colleague_from_the_bottin_and_the_colleague_reads_it_live(
    asgi_server, new_page, screenshot
):
    kamouraska = MrcFactory(code="14", name="Kamouraska")
    islet = MrcFactory(code="17", name="L'Islet")
    web, photo = SkillFactory(name="Développement web"), SkillFactory(name="Photographie")
    anne = FreelancerProfileFactory(
        display_name="Anne Dubé",
        headline="Développeuse web",
        municipality=MunicipalityFactory(name="Saint-Pascal", mrc=kamouraska),
        in_peer_directory=True,
        peer_looking_for="Un partenaire pour les gros contrats",
    )
    anne.skills.set([web])
    rose = FreelancerProfileFactory(
        display_name="Rose Ouellet",
        headline="Photographe",
        municipality=MunicipalityFactory(name="Saint-Jean-Port-Joli", mrc=islet),
        in_peer_directory=True,
        peer_looking_for="Une remplaçante pour l'été",
    )
    rose.skills.set([photo, web])
    for n in range(3):
        FreelancerProfileFactory(
            display_name=f"Pigiste {n}", municipality=MunicipalityFactory(mrc=kamouraska), in_peer_directory=True
        ).skills.set([photo])

    anne_page = signed_in_page(new_page, asgi_server, anne.user)
    rose_page = signed_in_page(new_page, asgi_server, rose.user)

    anne_page.goto(asgi_server.url + "/bottin/")
    expect(anne_page.locator("h1")).to_have_text("Bottin des travailleurs autonomes")
    shoot(screenshot, anne_page, "peer-directory-desktop")
    anne_page.select_option("#f-mrc", islet.slug)
    anne_page.get_by_role("button", name="Filtrer").click()
    expect(anne_page.locator(".peer-card")).to_have_count(1)
    card = anne_page.locator(".peer-card", has_text="Rose Ouellet")
    expect(card).to_contain_text("Une remplaçante pour l'été")
    card.get_by_role("button", name="Écrire à Rose Ouellet").click()

    anne_page.wait_for_url(ARRIVED_TO_WRITE)
    conversation = Conversation.objects.get(pk=int(ARRIVED_TO_WRITE.search(anne_page.url)[1]))
    assert conversation.project_id is None
    expect(anne_page.locator("[data-chat-input]")).to_be_focused()
    expect(anne_page.locator(".chat-head")).to_contain_text("Conversation entre pigistes")

    rose_page.goto(asgi_server.url + f"/messages/{conversation.pk}/")
    rose_page.locator('html[data-live-connection="connected"]').wait_for(state="attached")
    anne_page.locator('html[data-live-connection="connected"]').wait_for(state="attached")
    anne_page.fill("[data-chat-input]", "Bonjour Rose ! Je cherche une photographe pour un client à Kamouraska.")
    anne_page.click("[data-chat-send]")

    expect(rose_page.locator(".chat-message.is-theirs")).to_contain_text("Je cherche une photographe")
    rose_page.fill("[data-chat-input]", "Avec plaisir, écrivez-moi les dates.")
    rose_page.click("[data-chat-send]")
    expect(anne_page.locator(".chat-message.is-theirs")).to_contain_text("écrivez-moi les dates")
    assert Message.objects.filter(conversation=conversation).count() == 2
    shoot(screenshot, anne_page, "peer-conversation-desktop")

    rose_page.goto(asgi_server.url + "/messages/")
    expect(rose_page.locator(".inbox-item")).to_contain_text("Anne Dubé")
    expect(rose_page.locator(".inbox-item")).to_contain_text("Entre pigistes")
    shoot(screenshot, rose_page, "peer-inbox-desktop")

    # Phone width: the same pages.
    phone = signed_in_page(new_page, asgi_server, anne.user, phone=True)
    phone.goto(asgi_server.url + "/bottin/")
    expect(phone.locator(".peer-card")).to_have_count(5)
    shoot(screenshot, phone, "peer-directory-phone")
    phone.goto(asgi_server.url + f"/messages/{conversation.pk}/")
    expect(phone.locator(".chat-message")).to_have_count(2)
    shoot(screenshot, phone, "peer-conversation-phone")
    phone.goto(asgi_server.url + "/mon-profil/")
    shoot(screenshot, phone, "peer-listing-setting-phone")
