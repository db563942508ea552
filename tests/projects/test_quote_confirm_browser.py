"""In Chromium: the quote form's live total of line items, and decisions that ask before they act (with and
without JavaScript)."""

import pytest
from playwright.sync_api import expect

from projects.models import Project, ProjectStatus, Quote, QuoteStatus
from tests.browser.helpers import session_cookie_for
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls are synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def signed_in(page, server, user):
    name, value = session_cookie_for(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": server.url}])
    return page


def spaced(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_quote_form_shows_the_line_items_total_live_and_the_server_refuses_a_gap(
    asgi_server, new_page, screenshot, phone
):
    project = ProjectFactory(title="Site web pour la fromagerie")
    freelancer = FreelancerProfileFactory().user
    page = signed_in(new_page(phone=phone), asgi_server, freelancer)
    page.goto(f"{asgi_server.url}/projets/{project.pk}/")
    form = page.locator("#quote-form")
    total = form.locator("[data-line-items-total]")

    form.locator("input[name=pricing][value=fixed]").check()
    form.locator("#id_amount").fill("1000")
    form.locator("#id_delivery_days").fill("14")
    form.locator("#id_message").fill("Bonjour, voici le détail de mon prix.")
    form.get_by_text("Détailler les coûts (facultatif)").click()
    expect(total).to_be_hidden()  # nothing typed yet
    form.locator("#id_items-0-description").fill("Maquettes")
    form.locator("#id_items-0-amount").fill("400")
    form.locator("#id_items-1-description").fill("Intégration")
    form.locator("#id_items-1-amount").fill("200")

    # 600 $ of items on a 1 000 $ quote: said as it is typed.
    expect(total).to_be_visible()
    assert spaced(total.inner_text()) == (
        "Total des postes : 600,00 $. Le total de la soumission est de 1 000,00 $ : écart de 400,00 $."
    )
    screenshot(page, f"quote-line-items-gap-{'phone' if phone else 'desktop'}")

    # Sent anyway, the server refuses it with the same figures, and nothing is saved.
    form.get_by_role("button", name="Envoyer ma soumission").click()
    page.wait_for_load_state()
    expect(page.locator("#quote-form .errorlist").first).to_contain_text("Le détail des coûts totalise 600,00")
    assert "(écart de 400,00 $)" in spaced(page.locator("#quote-form .errorlist").first.inner_text())
    assert Quote.objects.count() == 0

    # One cent short is still a gap; the exact sum is confirmed in green, and the quote goes through.
    form = page.locator("#quote-form")
    form.locator("#id_items-1-amount").fill("599.99")
    expect(form.locator("[data-line-items-total]")).to_contain_text("écart de 0,01")
    form.locator("#id_items-1-amount").fill("600")
    expect(form.locator("[data-line-items-total]")).to_have_text(
        "Total des postes : 1\u202f000,00\xa0$, égal au total de la soumission."
    )
    form.get_by_role("button", name="Envoyer ma soumission").click()
    page.wait_for_url(f"**/projets/{project.pk}/#my-quote")
    quote = Quote.objects.get()
    assert sorted(i.amount for i in quote.line_items.all()) == [400, 600]


def test_hourly_quote_total_is_rate_times_hours_and_reads_in_english(asgi_server, new_page):
    project = ProjectFactory()
    freelancer = FreelancerProfileFactory().user
    page = signed_in(new_page(locale="en-CA"), asgi_server, freelancer)
    page.goto(f"{asgi_server.url}/projets/{project.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # from the browser's language
    form = page.locator("#quote-form")
    form.locator("input[name=pricing][value=hourly]").check()
    form.locator("#id_amount").fill("65")
    form.locator("#id_estimated_hours").fill("20")
    form.locator("summary").filter(has_text="Break down the costs").click()
    form.locator("#id_items-0-description").fill("Design")
    form.locator("#id_items-0-amount").fill("1000")

    expect(form.locator("[data-line-items-total]")).to_have_text(
        "Line items total: $1,000.00. The quote's total is $1,300.00: a gap of $300.00."
    )
    form.locator("#id_estimated_hours").fill("15.5")  # 65 × 15.5 = 1 007.50
    expect(form.locator("[data-line-items-total]")).to_contain_text("a gap of $7.50")
    # Half a cent rounds to even, as the server counts: 65.15 × 1.5 = 97.725 → $97.72.
    form.locator("#id_amount").fill("65.15")
    form.locator("#id_estimated_hours").fill("1.5")
    form.locator("#id_items-0-amount").fill("97.72")
    expect(form.locator("[data-line-items-total]")).to_have_text(
        "Line items total: $97.72, equal to the quote's total."
    )


@pytest.fixture
def owner_with_quotes():
    owner = UserFactory(email="fromagerie@exemple.qc.ca", name="Fromagerie du Fleuve")
    project = ProjectFactory(owner=owner, title="Site web pour la fromagerie")
    julie = FreelancerProfileFactory(display_name="Julie Gagnon", user=UserFactory(name="Julie Gagnon")).user
    marc = FreelancerProfileFactory(display_name="Marc Roy", user=UserFactory(name="Marc Roy")).user
    return (
        owner,
        project,
        QuoteFactory(project=project, freelancer=julie),
        QuoteFactory(project=project, freelancer=marc),
    )


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_refuser_asks_first_then_declines_with_the_reason(asgi_server, new_page, screenshot, owner_with_quotes, phone):
    owner, project, julie_quote, _marc_quote = owner_with_quotes
    page = signed_in(new_page(phone=phone), asgi_server, owner)
    page.goto(f"{asgi_server.url}/projets/{project.pk}/")
    row = page.locator(f"#quote-{julie_quote.pk}")

    row.get_by_role("link", name="Refuser").click()

    page.wait_for_url(f"**/soumissions/{julie_quote.pk}/refuser/")
    expect(page.locator("h1")).to_have_text("Refuser la soumission de Julie Gagnon ?")
    screenshot(page, f"quote-decline-confirm-{'phone' if phone else 'desktop'}")
    assert Quote.objects.get(pk=julie_quote.pk).status == QuoteStatus.PENDING
    # Changing one's mind leads back to the table, nothing decided.
    page.get_by_role("link", name="Revenir aux soumissions").click()
    page.wait_for_url(f"**/projets/{project.pk}/#quotes")
    assert Quote.objects.get(pk=julie_quote.pk).status == QuoteStatus.PENDING

    row.get_by_role("link", name="Refuser").click()
    page.fill("textarea[name=reason]", "Nous cherchons quelqu'un de plus proche.")
    page.get_by_role("button", name="Oui, refuser cette soumission").click()

    page.wait_for_url(f"**/projets/{project.pk}/#quotes")
    expect(page.locator("body")).to_contain_text("Soumission refusée ; le pigiste en est avisé.")
    expect(page.locator(f"#quote-{julie_quote.pk} .status")).to_have_text("Refusée")
    assert Quote.objects.get(pk=julie_quote.pk).decline_reason == "Nous cherchons quelqu'un de plus proche."


def test_every_decision_asks_first_without_javascript(asgi_server, chromium, owner_with_quotes):
    owner, project, julie_quote, marc_quote = owner_with_quotes
    context = chromium.new_context(java_script_enabled=False, locale="fr-CA")
    try:
        page = signed_in(context.new_page(), asgi_server, owner)
        base = f"{asgi_server.url}/projets/{project.pk}/"

        # Refuser: a link to a page with a form; no script needed at either step.
        page.goto(base)
        page.locator(f"#quote-{marc_quote.pk}").get_by_role("link", name="Refuser").click()
        page.wait_for_url(f"**/soumissions/{marc_quote.pk}/refuser/")
        assert Quote.objects.get(pk=marc_quote.pk).status == QuoteStatus.PENDING
        page.get_by_role("button", name="Oui, refuser cette soumission").click()
        page.wait_for_url(f"{base}#quotes")
        assert Quote.objects.get(pk=marc_quote.pk).status == QuoteStatus.DECLINED

        # Accepter: the same way.
        page.locator(f"#quote-{julie_quote.pk}").get_by_role("link", name="Accepter").click()
        page.wait_for_url(f"**/soumissions/{julie_quote.pk}/accepter/")
        assert Project.objects.get(pk=project.pk).status == ProjectStatus.OPEN
        page.get_by_role("button", name="Oui, accepter cette soumission").click()
        page.wait_for_url(f"{base}#quotes")

        # Marquer comme terminé: the same way again.
        page.get_by_role("link", name="Marquer comme terminé").click()
        page.wait_for_url(f"**/projets/{project.pk}/terminer/")
        expect(page.locator("h1")).to_have_text("Le projet est-il terminé ?")
        assert Project.objects.get(pk=project.pk).status == ProjectStatus.AWARDED
        page.get_by_role("button", name="Oui, le projet est terminé").click()
        page.wait_for_url(base)
        assert Project.objects.get(pk=project.pk).status == ProjectStatus.COMPLETED
        expect(page.locator(".project-summary .status")).to_have_text("Terminé")
    finally:
        context.close()
