"""The projects pages in Debian's Chromium, desktop and phone, against the live ASGI server."""

import datetime

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from projects.models import Project, ProjectStatus, Quote
from tests.emails import confirmation_path
from tests.factories import FreelancerProfileFactory, MunicipalityFactory, ProjectFactory, QuoteFactory, UserFactory

pytestmark = pytest.mark.browser
PASSWORD = "motdepasse-solide-123"


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch, settings):
    # Serve static files straight from static/ (no collectstatic in tests), else the screenshots show no CSS.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # allauth's sign-up and login limits count in the shared cache (Redis): start from zero.
    from django.core.cache import cache

    cache.clear()


def log_in(page, base, email):
    page.goto(f"{base}/comptes/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()


@pytest.mark.embedded
def test_visitor_publishes_a_project_by_signing_up_on_submit(asgi_server, new_page, screenshot):
    """Written before sign-up, saved at sign-up, waiting for the e-mail, live with every word once confirmed."""
    MunicipalityFactory(name="Kamouraska")
    base = asgi_server.url
    deadline = timezone.localdate() + datetime.timedelta(days=45)
    quotes_due = timezone.localdate() + datetime.timedelta(days=12)
    description = "Nous ouvrons une microbrasserie à Kamouraska et cherchons un logo qui nous ressemble."
    page = new_page()
    page.goto(f"{base}/projets/nouveau/")
    page.fill("#id_title", "Logo pour notre microbrasserie")
    page.fill("#id_description", description)
    page.select_option("#id_category", "design")
    page.fill("#id_skills", "Design graphique, Illustration")
    page.check("input[name=budget_type][value=fixed]")
    page.fill("#id_budget_min", "500")
    page.fill("#id_budget_max", "1500")
    page.fill("#id_deadline", deadline.isoformat())
    page.fill("#id_quotes_due", quotes_due.isoformat())
    page.fill("#id_municipality", "kamou")
    page.get_by_role("option", name="Kamouraska").click()
    page.check("#id_remote")
    screenshot(page, "projects-create-desktop")
    page.click("button[value=publish]")
    page.wait_for_url("**/comptes/signup/**")
    page.fill("input[name=email]", "brasserie@exemple.qc.ca")
    page.fill("input[name=name]", "Fromagerie du Littoral")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("form [type=submit]")

    # Saved, not published: the visitor is told it waits for the e-mail, and nobody else can see it.
    page.wait_for_url("**/comptes/confirm-email/")
    waiting = page.locator("#project-awaiting-email")
    expect(waiting).to_contain_text("En attente de confirmation de votre courriel.")
    expect(waiting).to_contain_text("Votre projet « Logo pour notre microbrasserie » est enregistré.")
    screenshot(page, "projects-after-signup-desktop")
    project = Project.objects.get()
    assert project.status == ProjectStatus.AWAITING_EMAIL and project.owner.email == "brasserie@exemple.qc.ca"
    other = new_page(phone=True)
    assert other.goto(f"{base}/projets/{project.pk}/").status == 404
    other.goto(f"{base}/projets/")
    expect(other.locator("body")).not_to_contain_text("Logo pour notre microbrasserie")

    # The link in the e-mail: confirmed, signed in, and on the project, now open with everything typed.
    page.goto(base + confirmation_path("brasserie@exemple.qc.ca"))
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(f"**/projets/{project.pk}/")
    assert page.locator("h1").inner_text() == "Logo pour notre microbrasserie"
    expect(page.locator(".project-summary .status")).to_have_text("Ouvert")
    expect(page.locator(".project-description")).to_have_text(description)
    summary = page.locator(".project-summary")
    for shown in ("Design graphique", "Illustration", "Kamouraska", "À distance possible"):
        expect(summary).to_contain_text(shown)
    facts = summary.locator(".facts").inner_text().replace("\u202f", " ").replace("\xa0", " ")
    assert "Budget forfaitaire\n500 $ – 1 500 $" in facts
    assert date_format(deadline, "j F Y") in facts and date_format(quotes_due, "j F Y") in facts
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN and project.published_at is not None
    screenshot(page, "projects-created-owner-desktop")
    other.goto(f"{base}/projets/")
    expect(other.get_by_role("link", name="Logo pour notre microbrasserie")).to_be_visible()


def test_pages_look_right_on_desktop_and_phone(asgi_server, new_page, screenshot):
    owner = UserFactory(email="client@exemple.qc.ca", name="Fromagerie du Littoral")
    project = ProjectFactory(
        owner=owner,
        title="Site web bilingue pour la fromagerie",
        description="Nous voulons un site vitrine en français et en anglais, avec nos produits et nos points de vente.\n\nHébergement à prévoir.",
        deadline=timezone.localdate() + datetime.timedelta(days=60),
    )
    names = ["Julie Gagnon", "Marc Pelletier", "Sophie Lévesque", "Étienne Bouchard"]
    for i, name in enumerate(names):
        profile = FreelancerProfileFactory(display_name=name, user=UserFactory(email=f"pigiste{i}@exemple.qc.ca"))
        QuoteFactory(
            project=project,
            freelancer=profile.user,
            amount=2500 + 700 * i,
            delivery_days=10 + 5 * i,
            charges_taxes=bool(i % 2),
        )
    for _ in range(3):
        ProjectFactory()
    base = asgi_server.url

    for phone in (False, True):
        suffix = "phone" if phone else "desktop"
        visitor = new_page(phone=phone)
        visitor.goto(f"{base}/projets/")
        assert visitor.locator(".project-card").count() == 4
        screenshot(visitor, f"projects-list-{suffix}")
        # Choosing a category filters at once (the home page links to the same ?categorie= address).
        visitor.select_option("#f-category", "design")
        visitor.wait_for_url("**/projets/?categorie=design")
        assert visitor.locator(".project-card").count() == 0
        assert "Aucun projet ouvert ne correspond à ces filtres" in visitor.locator(".empty").inner_text()
        screenshot(visitor, f"projects-list-filtered-{suffix}")

        client = new_page(phone=phone)
        log_in(client, base, "client@exemple.qc.ca")
        client.goto(f"{base}/projets/{project.pk}/")
        assert client.locator("#quotes .quote-row").count() == 4
        screenshot(client, f"projects-detail-owner-{suffix}")
        client.goto(f"{base}/tableau-de-bord/")
        screenshot(client, f"projects-dashboard-{suffix}")

        freelancer = new_page(phone=phone)
        log_in(freelancer, base, "pigiste1@exemple.qc.ca")
        freelancer.goto(f"{base}/projets/{project.pk}/")
        assert freelancer.locator("#my-quote").count() == 1
        assert freelancer.locator("#quotes").count() == 0
        assert freelancer.locator(f".client-card a[href='/clients/{owner.pk}/']").count() == 2
        screenshot(freelancer, f"projects-detail-freelancer-{suffix}")
        # A link to #my-quote lands with the section's top below the sticky header, not hidden under it.
        freelancer.goto(f"{base}/projets/{project.pk}/#my-quote")
        header_bottom = freelancer.locator(".site-header").bounding_box()["height"]
        assert freelancer.locator("#my-quote").bounding_box()["y"] >= header_bottom
        screenshot(freelancer, f"projects-detail-my-quote-anchor-{suffix}")
        freelancer.goto(f"{base}/tableau-de-bord/")
        assert freelancer.locator("#client-prompt").count() == 1
        screenshot(freelancer, f"projects-dashboard-freelancer-{suffix}")

    # The client accepts one quote through the confirmation page.
    page = new_page()
    log_in(page, base, "client@exemple.qc.ca")
    quote = Quote.objects.filter(project=project).order_by("amount").first()
    page.goto(f"{base}/soumissions/{quote.pk}/accepter/")
    screenshot(page, "projects-accept-confirm-desktop")
    page.click("form button[type=submit].button")
    page.wait_for_url(f"**/projets/{project.pk}/**")
    assert "Attribué" in page.locator(".project-summary .status").inner_text()
    screenshot(page, "projects-awarded-owner-desktop")

    # The others learn the platform's reason, not presented as the client's words.
    declined = new_page(phone=True)
    loser = Quote.objects.filter(project=project).exclude(pk=quote.pk).first()
    log_in(declined, base, loser.freelancer.email)
    declined.goto(f"{base}/projets/{project.pk}/#my-quote")
    assert "Le client a retenu une autre soumission." in declined.locator(".decline-reason").inner_text()
    assert "Raison donnée par le client" not in declined.locator(".decline-reason").inner_text()
    screenshot(declined, "projects-declined-by-award-phone")

    # Once completed, both dashboards list the project under "À évaluer".
    page.click("text=Marquer comme terminé")
    page.click("text=Oui, le projet est terminé")
    page.wait_for_url(f"**/projets/{project.pk}/")
    page.goto(f"{base}/tableau-de-bord/")
    assert page.locator("#to-review").count() == 1
    screenshot(page, "projects-dashboard-to-review-desktop")


def test_a_project_awaiting_the_e_mail_looks_right_to_its_author(asgi_server, new_page, screenshot):
    from allauth.account.models import EmailAddress

    from tests.browser.helpers import session_cookie_for

    owner = UserFactory(email="brasserie@exemple.qc.ca", name="Microbrasserie du Kamouraska", email_confirmed=False)
    EmailAddress.objects.create(user=owner, email=owner.email, verified=False, primary=True)
    project = ProjectFactory(
        owner=owner,
        title="Étiquettes pour nos trois bières de printemps",
        status=ProjectStatus.AWAITING_EMAIL,
        published_at=None,
    )
    name, value = session_cookie_for(owner).split("=", 1)
    for phone in (False, True):
        page = new_page(phone=phone)
        page.context.add_cookies([{"name": name, "value": value, "url": asgi_server.url}])
        viewport = "phone" if phone else "desktop"
        page.goto(f"{asgi_server.url}/projets/{project.pk}/")
        expect(page.locator("#awaiting-email")).to_contain_text("En attente de confirmation de votre courriel.")
        expect(page.locator(".project-summary .status")).to_have_text("En attente de confirmation de votre courriel")
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, f"projects-awaiting-email-owner-{viewport}")
        page.goto(f"{asgi_server.url}/tableau-de-bord/")
        expect(page.locator("#client-projects .status")).to_have_text("En attente de confirmation de votre courriel")
        screenshot(page, f"projects-awaiting-email-dashboard-{viewport}")
        # The "check your e-mail" page a visitor lands on after writing a project and signing up.
        page.context.clear_cookies()
        page.goto(f"{asgi_server.url}/projets/nouveau/")
        page.fill("#id_title", "Un titre de projet assez long pour passer à la ligne sur un téléphone")
        page.fill("#id_description", "Une description du besoin.")
        page.select_option("#id_category", "design")
        page.check("#id_remote")
        page.check("input[name=budget_type][value=to_discuss]")
        page.click("button[value=publish]")
        page.wait_for_url("**/comptes/signup/**")
        page.fill("input[name=email]", "brasserie@exemple.qc.ca")  # known: the same page as a new address
        page.fill("input[name=name]", "Microbrasserie")
        page.fill("input[name=password1]", PASSWORD)
        page.fill("input[name=password2]", PASSWORD)
        page.click("form [type=submit]")
        page.wait_for_url("**/comptes/confirm-email/")
        expect(page.locator("#project-awaiting-email")).to_contain_text("En attente de confirmation de votre courriel.")
        screenshot(page, f"projects-awaiting-email-check-your-e-mail-{viewport}")
