"""The marketplace's core loop, lived through the pages in Debian's Chromium against the live ASGI server.

A visitor writes a project, signs up on submit and confirms their e-mail; two freelancers quote; the client
compares, hires one; the other sees "Refusée"; the project is completed; both sides review each other, and
the reviews show on the freelancer's public profile and on the client's page. Only what a user cannot do in the UI
in reasonable time (the list of municipalities, the accounts of the two freelancers, the second
freelancer's profile) comes from factories.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.emails import confirmation_path
from tests.factories import FreelancerProfileFactory, MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

PASSWORD = "motdepasse-solide-123"
TITLE = "Étiquettes pour notre microbrasserie de Kamouraska"
DESCRIPTION = (
    "Nous lançons trois bières en canette au printemps et cherchons un ou une graphiste d'ici "
    "pour dessiner les étiquettes, en français et en anglais."
)


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    # Playwright's sync API keeps an event loop running in this thread; our few ORM calls are synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def snap(screenshot):
    """A full-page screenshot taken from the top, so the sticky header is not painted mid-page."""

    def take(page, name: str):
        page.evaluate("window.scrollTo(0, 0)")
        return screenshot(page, name)

    return take


def spaced(text: str) -> str:
    """Page text with the narrow and plain no-break spaces of French money made ordinary spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/comptes/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    # Wait for the redirect away from the login page, not for a timer.
    page.wait_for_url(lambda url: "/comptes/login/" not in url)
    expect(page.locator("form.nav-form")).to_have_count(1)  # the "Déconnexion" button: logged in


def send_quote(
    page, project_url: str, *, amount: str, days: str, message: str, taxes: bool, before_submit=None
) -> None:
    page.goto(project_url)
    form = page.locator("#quote-form")
    expect(form.get_by_role("heading", name="Envoyer une soumission")).to_be_visible()
    form.locator("input[name=pricing][value=fixed]").check()
    form.locator("#id_amount").fill(amount)
    form.locator("#id_delivery_days").fill(days)
    form.locator(f"input[name=charges_taxes][value='{1 if taxes else 0}']").check()
    form.locator("#id_message").fill(message)
    if before_submit is not None:
        before_submit(page)
    form.get_by_role("button", name="Envoyer ma soumission").click()
    page.wait_for_url(f"{project_url}#my-quote")


def leave_review(
    page, project_url: str, *, stars: int, comment: str, paid: str | None = None, before_submit=None, thanks: str
) -> None:
    page.goto(project_url)
    page.locator("#reviews").get_by_role("link", name="Laisser mon évaluation").click()
    page.wait_for_url("**/evaluer/")
    page.locator(f"input[name=rating][value='{stars}']").check()
    if paid is not None:
        page.locator(f"input[name=paid_as_agreed][value={paid}]").check()
    page.fill("textarea[name=comment]", comment)
    if before_submit is not None:
        before_submit(page)
    page.get_by_role("button", name="Envoyer mon évaluation").click()
    page.wait_for_url(f"{project_url}#reviews")
    expect(page.locator("body")).to_contain_text(thanks)


def test_visitor_to_reviews_the_whole_marketplace_loop(asgi_server, new_page, snap):
    # Given: Quebec places (loaded by a command in real life) and two freelancers' accounts.
    MunicipalityFactory(name="Kamouraska", latitude=47.5667, longitude=-69.8667)
    riviere_du_loup = MunicipalityFactory(name="Rivière-du-Loup")
    julie_user = UserFactory(email="julie@exemple.qc.ca", name="Julie Tremblay")
    FreelancerProfileFactory(
        user=UserFactory(email="marc@exemple.qc.ca", name="Marc Pelletier"),
        display_name="Marc Pelletier",
        headline="Designer graphique, emballages et étiquettes",
        municipality=riviere_du_loup,
    )
    base = asgi_server.url

    # A visitor lands on the home page and writes a project without an account.
    for phone in (False, True):
        visitor = new_page(phone=phone)
        visitor.goto(f"{base}/")
        expect(visitor.locator("h1")).to_have_text("Des pigistes d'ici pour vos projets")
        snap(visitor, f"loop-home-{'phone' if phone else 'desktop'}")

    visitor = new_page()
    visitor.goto(f"{base}/")
    visitor.get_by_role("link", name="Publier un projet gratuitement").click()
    visitor.wait_for_url("**/projets/nouveau/")
    expect(visitor.locator(".notice")).to_contain_text("sans rien retaper")
    visitor.fill("#id_title", TITLE)
    visitor.fill("#id_description", DESCRIPTION)
    visitor.select_option("#id_category", "design")
    visitor.fill("#id_skills", "Design graphique, Étiquettes")
    visitor.check("input[name=budget_type][value=fixed]")
    visitor.fill("#id_budget_min", "1500")
    visitor.fill("#id_budget_max", "3000")
    deadline = timezone.localdate() + datetime.timedelta(days=45)
    visitor.fill("#id_deadline", deadline.isoformat())
    visitor.fill("#id_municipality", "kamou")
    visitor.get_by_role("option", name="Kamouraska").click()
    visitor.check("#id_remote")
    snap(visitor, "loop-project-form-desktop")
    visitor.get_by_role("button", name="Continuer et créer mon compte").click()

    # Sign-up on submit: the project is created from what they typed, without retyping.
    visitor.wait_for_url("**/comptes/signup/**")
    expect(visitor.locator("body")).to_contain_text("Votre projet est prêt.")
    visitor.fill("input[name=email]", "brasserie@exemple.qc.ca")
    visitor.fill("input[name=name]", "Microbrasserie du Kamouraska")
    visitor.fill("input[name=password1]", PASSWORD)
    visitor.fill("input[name=password2]", PASSWORD)
    snap(visitor, "loop-signup-desktop")
    visitor.click("form [type=submit]")

    # The project is saved and waits for the e-mail's confirmation; the e-mail's link publishes it and signs in.
    visitor.wait_for_url("**/comptes/confirm-email/")
    waiting = visitor.locator("#project-awaiting-email")
    expect(waiting).to_contain_text("En attente de confirmation de votre courriel.")
    expect(waiting).to_contain_text(TITLE)
    visitor.goto(base + confirmation_path("brasserie@exemple.qc.ca"))
    visitor.get_by_role("button", name="Confirmer").click()
    visitor.wait_for_url(re.compile(r"/projets/\d+/$"))
    client = visitor
    project_url = client.url
    expect(client.locator("h1")).to_have_text(TITLE)
    expect(client.locator(".project-summary .status")).to_have_text("Ouvert")
    expect(client.locator(".project-description")).to_contain_text("trois bières en canette")
    expect(client.locator(".project-summary")).to_contain_text("Kamouraska")
    expect(client.locator(".project-summary")).to_contain_text("Design graphique")
    assert "Budget forfaitaire\n1 500 $ – 3 000 $" in spaced(client.locator(".project-summary .facts").inner_text())
    expect(client.locator("#quotes")).to_contain_text("Aucune soumission pour l'instant.")

    # Julie creates her freelancer profile through the profile page, then quotes.
    julie = new_page()
    log_in(julie, base, julie_user.email)
    julie.goto(f"{base}/mon-profil/")
    expect(julie.locator("h1")).to_have_text("Créer mon profil de pigiste")
    julie.fill("#id_display_name", "Julie Tremblay")
    julie.fill("#id_headline", "Graphiste et illustratrice pour les PME du Bas-Saint-Laurent")
    julie.fill("#id_bio", "Je crée des logos, des étiquettes et des affiches pour les producteurs de la région.")
    julie.fill("#id_skills", "Design graphique, Illustration, Étiquettes")
    julie.fill("#id_hourly_rate", "65")
    julie.fill("#id_municipality", "kamou")
    julie.get_by_role("option", name="Kamouraska").click()
    julie.fill("#id_travel_radius_km", "80")
    julie.get_by_role("button", name="Créer mon profil").click()
    julie.wait_for_url(re.compile(r"/pigistes/\d+/$"))
    profile_url = julie.url
    expect(julie.locator("h1")).to_have_text("Julie Tremblay")
    expect(julie.locator("body")).to_contain_text("Votre profil est enregistré.")

    # She finds the project in the list of open projects.
    julie.goto(f"{base}/projets/")
    julie.get_by_role("link", name=TITLE).click()
    julie.wait_for_url(project_url)
    send_quote(
        julie,
        project_url,
        amount="1850",
        days="21",
        message="Bonjour ! J'ai dessiné les étiquettes de deux fromageries du Kamouraska.",
        taxes=True,
        before_submit=lambda page: snap(page, "loop-quote-form-desktop"),
    )
    expect(julie.locator("#my-quote .status")).to_have_text("En attente")
    expect(julie.locator("body")).to_contain_text("Votre soumission est envoyée.")

    # Marc, in his own browser, quotes too.
    marc = new_page()
    marc.goto(f"{base}/comptes/login/")
    snap(marc, "loop-login-desktop")
    log_in(marc, base, "marc@exemple.qc.ca")
    send_quote(
        marc,
        project_url,
        amount="2400",
        days="14",
        message="Je propose trois pistes graphiques et deux séries de corrections.",
        taxes=False,
    )
    expect(marc.locator("#my-quote .status")).to_have_text("En attente")
    # A freelancer never sees the other quotes, only their count.
    expect(marc.locator("#quotes")).to_have_count(0)
    expect(
        marc.locator(".project-summary .facts div").filter(has_text="Soumissions reçues").locator("dd")
    ).to_have_text("2")

    # The client compares both quotes in the table.
    client.goto(project_url)
    rows = client.locator("#quotes .quote-row")
    expect(rows).to_have_count(2)
    expect(client.locator("#quotes h2")).to_have_text("2 soumissions reçues")
    julie_row = rows.filter(has_text="Julie Tremblay")
    marc_row = rows.filter(has_text="Marc Pelletier")
    assert "1 850,00 $" in spaced(julie_row.inner_text())
    assert "TPS et TVQ en sus" in julie_row.inner_text()
    assert "2 400,00 $" in spaced(marc_row.inner_text())
    assert "petit fournisseur" in marc_row.inner_text()
    expect(julie_row.locator(".status")).to_have_text("En attente")
    snap(client, "loop-project-owner-desktop")
    client_phone = new_page(phone=True)
    log_in(client_phone, base, "brasserie@exemple.qc.ca")
    client_phone.goto(project_url)
    expect(client_phone.locator("#quotes .quote-row")).to_have_count(2)
    snap(client_phone, "loop-project-owner-phone")
    client_phone.goto(f"{base}/tableau-de-bord/")
    snap(client_phone, "loop-dashboard-client-phone")

    # She hires Julie, through the confirmation page.
    julie_row.get_by_role("link", name="Accepter").click()
    client.wait_for_url("**/accepter/")
    expect(client.locator("h1")).to_have_text("Confier le projet à Julie Tremblay ?")
    expect(client.locator(".card")).to_contain_text("L'autre soumission en cours sera refusée")
    snap(client, "loop-accept-confirm-desktop")
    client.get_by_role("button", name="Oui, accepter cette soumission").click()
    client.wait_for_url(f"{project_url}#quotes")
    expect(client.locator(".project-summary .status")).to_have_text("Attribué")
    expect(client.locator("body")).to_contain_text("C'est conclu !")
    expect(client.locator("#quotes .quote-row").filter(has_text="Julie Tremblay").locator(".status")).to_have_text(
        "Acceptée"
    )
    expect(client.locator("#quotes .quote-row").filter(has_text="Marc Pelletier").locator(".status")).to_have_text(
        "Refusée"
    )

    # Marc sees "Refusée" on his dashboard and on the project page; Julie sees she got it.
    marc.goto(f"{base}/tableau-de-bord/")
    marc_quote = marc.locator("#freelancer-quotes li").filter(has_text=TITLE)
    expect(marc_quote.locator(".status")).to_have_text("Refusée")
    snap(marc, "loop-dashboard-freelancer-desktop")
    marc_quote.get_by_role("link", name=TITLE).click()
    expect(marc.locator("#my-quote .status")).to_have_text("Refusée")
    expect(marc.locator("#my-quote .decline-reason")).to_contain_text("Le client a retenu une autre soumission.")
    snap(marc, "loop-project-declined-freelancer-desktop")
    julie.goto(f"{base}/tableau-de-bord/")
    expect(julie.locator("#freelancer-quotes li").filter(has_text=TITLE).locator(".status")).to_have_text("Acceptée")

    # The work is done: the client marks the project completed and reviews Julie.
    client.goto(project_url)
    client.get_by_role("link", name="Marquer comme terminé").click()
    client.wait_for_url("**/terminer/")
    expect(client.locator("h1")).to_have_text("Le projet est-il terminé ?")
    client.get_by_role("button", name="Oui, le projet est terminé").click()
    client.wait_for_url(project_url)
    expect(client.locator(".project-summary .status")).to_have_text("Terminé")
    expect(client.locator("body")).to_contain_text("Projet terminé.")
    leave_review(
        client,
        project_url,
        stars=5,
        comment="Julie a compris notre image du premier coup. Étiquettes superbes, livrées en avance.",
        # Blind reviews: hidden until Julie writes hers.
        thanks="Merci ! Votre évaluation sera visible quand l'autre partie aura écrit la sienne.",
    )
    client.goto(f"{base}/tableau-de-bord/")
    expect(client.locator("#client-projects li").filter(has_text=TITLE).locator(".status")).to_have_text("Terminé")
    snap(client, "loop-dashboard-client-desktop")

    # Julie reviews the client and says she was paid as agreed.
    julie.goto(project_url)
    expect(julie.locator("#my-quote .status")).to_have_text("Acceptée")
    leave_review(
        julie,
        project_url,
        stars=5,
        paid="yes",
        comment="Brief clair, réponses rapides et paiement reçu le jour même.",
        before_submit=lambda page: snap(page, "loop-review-form-freelancer-desktop"),
        thanks="Merci ! Vos deux évaluations sont maintenant publiées.",
    )
    reviews = julie.locator("#reviews .review")
    expect(reviews).to_have_count(2)
    expect(julie.locator("#reviews")).to_contain_text("Payé comme convenu : Oui, comme convenu")

    # Anyone sees Julie's review on her public profile...
    for phone in (False, True):
        reader = new_page(phone=phone)
        reader.goto(profile_url)
        expect(reader.locator("h1")).to_have_text("Julie Tremblay")
        evaluations = reader.locator("#evaluations")
        expect(evaluations).to_contain_text("1 évaluation")
        expect(evaluations).to_contain_text("Étiquettes superbes, livrées en avance.")
        expect(evaluations.locator(".stars").first).to_have_text("★★★★★")
        expect(reader.locator(".profile-header")).to_contain_text("1 projet terminé")
        snap(reader, f"loop-profile-{'phone' if phone else 'desktop'}")

    # ...and, from the review's author link, the client's page with the paid-as-agreed count.
    reader.locator("#evaluations .review").get_by_role("link").first.click()
    reader.wait_for_url(re.compile(r"/clients/\d+/$"))
    expect(reader.locator("#evaluations")).to_contain_text("paiement reçu le jour même")
    expect(reader.locator("#evaluations")).to_contain_text("Payé : Oui, comme convenu")
    expect(reader.locator(".paid-card .record-history")).to_have_text(
        "Réponses déclarées par les pigistes (historique, non vérifiées) : 1 oui, 0 en retard, sur 1 réponse."
    )
    expect(reader.locator("#evaluations").get_by_role("link", name="Julie Tremblay")).to_have_attribute(
        "href", re.compile(re.escape(profile_url.removeprefix(base)) + "$")
    )
    snap(reader, "loop-client-phone")
    desk = new_page()
    desk.goto(reader.url)
    expect(desk.locator(".paid-card .record-history")).to_contain_text("1 oui, 0 en retard, sur 1 réponse.")
    snap(desk, "loop-client-desktop")
