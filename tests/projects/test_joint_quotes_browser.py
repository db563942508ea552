"""Acceptance, in Chromium: a collective of three sends a joint quote, the client accepts it, and each assigned
member sees the project and the conversation."""

import pathlib

import pytest
from playwright.sync_api import expect

from collectives.models import MemberRole
from messaging.models import Conversation
from projects.models import ProjectStatus, Quote, QuoteStatus, Visibility
from tests.browser.helpers import session_cookie_for
from tests.browser.test_accessibility import AXE_JS, AXE_RUN, FAILING_IMPACTS, FAILING_RULES
from tests.factories import (
    CollectiveFactory,
    CollectiveMembershipFactory,
    FreelancerProfileFactory,
    ProjectFactory,
    QuoteFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

SHOTS = pathlib.Path("/tmp/shots/h2")


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def signed_in(page, server, user):
    name, value = session_cookie_for(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": server.url}])
    # axe-core in every document, to check the new pages as the accessibility walk does.
    page.context.add_init_script(path=str(AXE_JS))
    return page


def assert_accessible(page):
    violations = page.evaluate(AXE_RUN, [list(FAILING_IMPACTS), list(FAILING_RULES)])
    assert violations == [], f"{page.url}: {violations}"


def shot(page, name, *, element=None):
    SHOTS.mkdir(parents=True, exist_ok=True)
    # From the top: a full-page shot taken scrolled down draws the sticky header mid-page.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if element is not None:
        element.screenshot(path=str(SHOTS / f"{name}-detail.png"))


def test_a_collective_of_three_quotes_together_and_is_hired_as_one(asgi_server, new_page):
    base = asgi_server.url
    owner = UserFactory(name="Musée de la mer de Pointe-au-Père", email="musee@exemple.qc.ca")
    # Invite-only: the members see it only through the joint quote.
    project = ProjectFactory(owner=owner, title="Exposition virtuelle sur le Empress", visibility=Visibility.INVITED)
    collective = CollectiveFactory(name="Coop des Îles créatives", slug="coop-des-iles-creatives")
    admin = FreelancerProfileFactory(display_name="Annie Admin").user
    CollectiveMembershipFactory(collective=collective, member=admin, role=MemberRole.ADMIN)
    members = [FreelancerProfileFactory(display_name=n).user for n in ("Béa Graphiste", "Carl Rédacteur")]
    for member in members:
        CollectiveMembershipFactory(collective=collective, member=member)
    from projects.models import Invitation

    Invitation.objects.create(project=project, freelancer=admin)
    rival = QuoteFactory(project=project, freelancer=FreelancerProfileFactory(display_name="Julie Gagnon").user)
    Invitation.objects.create(project=project, freelancer=rival.freelancer)

    for phone in (False, True):
        suffix = "phone" if phone else "desktop"
        page = signed_in(new_page(phone=phone), asgi_server, admin)
        page.goto(f"{base}/projets/{project.pk}/")
        page.get_by_role("link", name="Soumission commune avec Coop des Îles créatives").click()
        page.wait_for_url(f"**/projets/{project.pk}/soumission-commune/**")
        expect(page.get_by_role("heading", name="Soumission commune")).to_be_visible()
        assert_accessible(page)
        if phone:
            # The admin sends it from the phone; the desktop run only looks at the empty form.
            page.locator("#id_items-0-description").fill("Design de l'exposition")
            page.locator("#id_items-0-amount").fill("2000")
            page.locator("#id_items-0-assignee").select_option(label="Béa Graphiste")
            page.locator("#id_items-1-description").fill("Textes et recherche")
            page.locator("#id_items-1-amount").fill("1500")
            page.locator("#id_items-1-assignee").select_option(label="Carl Rédacteur")
            page.locator("#id_items-2-description").fill("Coordination")
            page.locator("#id_items-2-amount").fill("500")
            page.locator("input[name=pricing][value=fixed]").check()
            page.locator("#id_amount").fill("4000")
            page.locator("#id_delivery_days").fill("45")
            page.locator("#id_message").fill("Trois membres de la coop : design, textes et coordination.")
        shot(page, f"joint-quote-form-{suffix}")
        if phone:
            page.get_by_role("button", name="Envoyer la soumission commune").click()
            page.wait_for_url(f"**/projets/{project.pk}/#my-quote")
            expect(page.locator("#my-quote h2")).to_have_text("Soumission commune de Coop des Îles créatives")

    joint = Quote.objects.get(collective=collective)
    assert sorted(joint.line_items.exclude(assignee=None).values_list("assignee_id", flat=True)) == sorted(
        m.pk for m in members
    )

    # The client compares it beside the single quote, then accepts it as one.
    for phone in (False, True):
        client = signed_in(new_page(phone=phone), asgi_server, owner)
        client.goto(f"{base}/projets/{project.pk}/#quotes")
        row = client.locator(f"#quote-{joint.pk}")
        expect(row).to_contain_text("Coop des Îles créatives")
        expect(row).to_contain_text("Soumission commune")
        expect(row.locator(".joint-members li")).to_have_text(["Béa Graphiste", "Carl Rédacteur"])
        expect(client.locator(f"#quote-{rival.pk}")).to_contain_text("Julie Gagnon")
        assert_accessible(client)
        shot(client, f"owner-quotes-table-joint-{'phone' if phone else 'desktop'}", element=client.locator("#quotes"))
    client.goto(f"{base}/soumissions/{joint.pk}/accepter/")
    client.get_by_role("button", name="Oui, accepter cette soumission").click()
    client.wait_for_url(f"**/projets/{project.pk}/**")
    joint.refresh_from_db()
    rival.refresh_from_db()
    project.refresh_from_db()
    assert joint.status == QuoteStatus.ACCEPTED
    assert rival.status == QuoteStatus.DECLINED
    assert project.status == ProjectStatus.AWARDED

    # Each assigned member sees the invite-only project and the conversation, and writes in it.
    conversation = Conversation.objects.get(project=project, freelancer=admin)
    # The client keeps the conversation open: each member's message arrives live, signed with their name.
    client.goto(f"{base}/messages/{conversation.pk}/")
    for i, member in enumerate(members):
        page = signed_in(new_page(phone=i == 1), asgi_server, member)
        page.goto(f"{base}/projets/{project.pk}/")
        expect(page.locator("#my-quote h2")).to_have_text("Soumission commune de Coop des Îles créatives")
        expect(page.locator("#my-quote")).to_contain_text("Le client a retenu votre soumission.")
        assert_accessible(page)
        page.goto(f"{base}/messages/")
        page.get_by_text("Exposition virtuelle sur le Empress").first.click()
        page.wait_for_url(f"**/messages/{conversation.pk}/**")
        box = page.locator("textarea[name=body]")
        box.fill(f"Bonjour, ici {member.public_name}.")
        page.locator("form.chat-form [data-chat-send]").click()
        expect(page.get_by_text(f"Bonjour, ici {member.public_name}.")).to_be_visible()
        shot(page, f"member-conversation-{'phone' if i == 1 else 'desktop'}")
        live_message = client.locator(".chat-message.is-theirs", has_text=f"Bonjour, ici {member.public_name}.")
        expect(live_message.locator(".chat-sender")).to_have_text(member.public_name)
    shot(client, "owner-conversation-live-senders")
    assert conversation.messages.count() == 2
