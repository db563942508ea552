"""Blind reviews in Debian's Chromium, desktop and phone: waiting, then both published together."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from projects import services
from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
SHOTS = Path("/tmp/shots/blind-reviews")


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # Playwright's sync API keeps an event loop running in this thread; the test's ORM calls are synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _signed_in(new_page, server, user, *, phone):
    page = new_page(phone=phone)
    name, value = session_cookie_for(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": server.url}])
    return page


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _completed_with_the_clients_review():
    owner = UserFactory(name="Fromagerie du Littoral")
    freelancer = FreelancerProfileFactory(display_name="Julie Gagnon").user
    project = ProjectFactory(owner=owner, title="Site web pour la fromagerie")
    services.quote_accept(user=owner, quote_id=QuoteFactory(project=project, freelancer=freelancer).pk)
    services.project_complete(user=owner, project_id=project.pk)
    services.review_submit(
        user=owner, project_id=project.pk, data={"rating": 4, "comment": "Julie a livré un site superbe."}
    )
    return owner, freelancer, project


def test_a_review_waits_for_the_other_side_then_both_appear(asgi_server, new_page):
    owner, freelancer, project = off_the_browser_thread(_completed_with_the_clients_review)
    url = f"{asgi_server.url}/projets/{project.pk}/"

    for phone in (False, True):
        size = "phone" if phone else "desktop"
        mine = _signed_in(new_page, asgi_server, owner, phone=phone)
        mine.goto(url)
        expect(mine.locator("#my-review")).to_contain_text("Julie a livré un site superbe.")
        expect(mine.locator("#my-review")).to_contain_text("Visible quand l'autre partie aura écrit la sienne, ou le")
        mine.locator("#reviews").scroll_into_view_if_needed()
        _shot(mine, f"project-own-review-waiting-{size}")

        theirs = _signed_in(new_page, asgi_server, freelancer, phone=phone)
        theirs.goto(url)
        reviews = theirs.locator("#reviews")
        expect(reviews).to_contain_text("L'autre partie a écrit son évaluation.")
        expect(reviews).not_to_contain_text("Julie a livré un site superbe.")
        _shot(theirs, f"project-other-review-waiting-{size}")
        reviews.get_by_role("link", name="Laisser mon évaluation").click()
        theirs.wait_for_url("**/evaluer/")
        expect(theirs.locator(".review-waiting")).to_contain_text("L'autre partie a écrit son évaluation.")
        _shot(theirs, f"review-form-other-written-{size}")

    theirs.locator("input[name=rating][value='5']").check()
    theirs.locator("input[name=paid_as_agreed][value=yes]").check()
    theirs.fill("textarea[name=comment]", "Client clair, paiement rapide.")
    theirs.get_by_role("button", name="Envoyer mon évaluation").click()
    theirs.wait_for_url(f"{url}#reviews")
    expect(theirs.locator("body")).to_contain_text("Merci ! Vos deux évaluations sont maintenant publiées.")
    expect(theirs.locator("#reviews .review")).to_have_count(2)
    _shot(theirs, "project-both-published-phone")
    desktop = _signed_in(new_page, asgi_server, owner, phone=False)
    desktop.goto(url)
    expect(desktop.locator("#reviews")).to_contain_text("Client clair, paiement rapide.")
    expect(desktop.locator("#reviews")).not_to_contain_text("Modifier mon évaluation")
    _shot(desktop, "project-both-published-desktop")
