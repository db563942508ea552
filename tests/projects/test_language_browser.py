"""Budgets, decline reasons and notifications in English, as Chromium shows them, desktop and phone."""

from decimal import Decimal

import pytest

from notifications.models import Notification, NotificationKind
from projects.models import ProjectStatus, QuoteStatus, SystemDeclineReason
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
PASSWORD = "motdepasse-solide-123"


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    # Playwright's sync API keeps an event loop running in this thread; the test's ORM calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_an_english_reader_sees_budgets_in_thousands(asgi_server, new_page, screenshot, phone):
    ProjectFactory(title="Website redesign for the cheese shop", budget_min=Decimal("4000"), budget_max=Decimal("8000"))
    ProjectFactory(title="Logo", budget_min=Decimal("100"), budget_max=Decimal("5000"))
    page = new_page(phone=phone, locale="en-CA")

    page.goto(f"{asgi_server.url}/projets/")

    budgets = page.locator(".project-budget").all_inner_texts()
    assert sorted(text.replace("\u202f", " ").replace("\xa0", " ") for text in budgets) == [
        "$100 – $5,000",
        "$4,000 – $8,000",
    ]
    screenshot(page, f"language-project-list-en-{'phone' if phone else 'desktop'}")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_an_english_freelancer_reads_the_platform_s_words_in_english(asgi_server, new_page, screenshot, phone):
    profile = FreelancerProfileFactory(display_name="Julie Gagnon")
    freelancer = profile.user
    freelancer.set_password(PASSWORD)
    freelancer.language = "en"
    freelancer.save()
    project = ProjectFactory(title="Site web pour la fromagerie", status=ProjectStatus.AWARDED)
    # As quote_accept leaves them (the service itself pushes live events, which can't run beside Playwright's loop).
    QuoteFactory(
        project=project,
        freelancer=freelancer,
        status=QuoteStatus.DECLINED,
        decline_reason_kind=SystemDeclineReason.AWARDED_ELSEWHERE,
        decline_reason_by_system=True,
    )
    for kind, params in [
        (NotificationKind.PROJECT_AWARDED_ELSEWHERE, {"title": project.title}),
        (NotificationKind.DECISION_REMINDER, {"title": "Logo", "close_on": "2026-12-03"}),
    ]:
        Notification.objects.create(recipient=freelancer, kind=kind, params=params)
    page = new_page(phone=phone, locale="en-CA")
    page.goto(f"{asgi_server.url}/comptes/login/")
    page.fill("input[name=login]", freelancer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()

    page.goto(f"{asgi_server.url}/projets/{project.pk}/")
    assert page.locator("#my-quote .decline-reason").inner_text().strip() == "The client chose another quote."
    screenshot(page, f"language-declined-quote-en-{'phone' if phone else 'desktop'}")

    page.goto(f"{asgi_server.url}/notifications/")
    items = page.locator(".notification").all_inner_texts()
    assert any("Project awarded to another freelancer: “Site web pour la fromagerie”" in item for item in items)
    assert any("December 3, 2026" in item for item in items)
    assert not any("soumission" in item.lower() for item in items)
    screenshot(page, f"language-notifications-en-{'phone' if phone else 'desktop'}")
