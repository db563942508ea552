"""In Chromium: the client counters a quote, the freelancer counters back, the client accepts; both read the history."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from engagements.models import Engagement
from projects.models import OfferStatus, ProjectStatus, Quote, QuoteOffer, QuoteStatus
from tests.browser.helpers import session_cookie_for
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

SHOTS = Path("/tmp/shots/counter-offers")


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


def shot(page, name: str, size: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_client_counters_freelancer_counters_back_client_accepts(asgi_server, new_page, phone):
    size = "390" if phone else "1280"
    client = UserFactory(name="Fromagerie du Littoral")
    project = ProjectFactory(owner=client, title="Site web pour la fromagerie")
    freelancer = FreelancerProfileFactory(display_name="Julie Gagnon").user
    quote = QuoteFactory(project=project, freelancer=freelancer, amount=Decimal("3500.00"), delivery_days=21)
    other = QuoteFactory(project=project, amount=Decimal("4000.00"))

    # The client answers the quote from the comparison table with a counter-offer.
    as_client = signed_in(new_page(phone=phone), asgi_server, client)
    as_client.goto(f"{asgi_server.url}/projets/{project.pk}/#quotes")
    as_client.locator(f"#quote-{quote.pk}").get_by_role("link", name="Contre-offre").click()
    as_client.wait_for_url(f"**/soumissions/{quote.pk}/offres/")
    form = as_client.locator("#offer-form")
    form.get_by_label("Montant proposé ($ CA, avant taxes)").fill("3000")
    form.get_by_label("Message (facultatif)").fill("Notre budget est de 3 000 $.")
    shot(as_client, "client-form", size)
    form.get_by_role("button", name="Envoyer l'offre").click()
    expect(as_client.locator(".flash")).to_contain_text("Votre offre est envoyée")
    expect(as_client.locator(".offer-list")).to_contain_text("Contre-offre du client")
    expect(as_client.locator("#offer-form")).to_have_count(0)  # one open offer at a time: theirs waits
    as_client.goto(f"{asgi_server.url}/projets/{project.pk}/#quotes")
    row = as_client.locator(f"#quote-{quote.pk}")
    assert spaced(row.locator(".open-offer").inner_text()) == "Votre contre-offre : 3 000,00 $"
    shot(as_client, "client-table", size)

    # The freelancer sees it on their quote, with its three answers, and counters back.
    as_freelancer = signed_in(new_page(phone=phone), asgi_server, freelancer)
    as_freelancer.goto(f"{asgi_server.url}/projets/{project.pk}/")
    box = as_freelancer.locator("#open-offer")
    assert spaced(box.locator("p").first.inner_text()) == "Le client vous fait une contre-offre : 3 000,00 $"
    for name in ("Accepter", "Refuser", "Contre-proposer"):
        expect(box.get_by_role("link", name=name, exact=True)).to_be_visible()
    shot(as_freelancer, "freelancer-quote", size)
    box.get_by_role("link", name="Contre-proposer").click()
    form = as_freelancer.locator("#offer-form")
    form.get_by_label("Montant proposé ($ CA, avant taxes)").fill("3250")
    form.get_by_label("Livraison en (jours)").fill("25")
    form.get_by_role("button", name="Envoyer l'offre").click()
    expect(as_freelancer.locator(".flash")).to_contain_text("Votre offre est envoyée")

    # The client accepts the counter, after confirming.
    as_client.goto(f"{asgi_server.url}/soumissions/{quote.pk}/offres/")
    answer = as_client.locator(".open-offer")
    assert "3 250,00 $ · livraison en 25 jours" in spaced(answer.inner_text())
    shot(as_client, "client-answer", size)
    answer.get_by_role("link", name="Accepter").click()
    expect(as_client.locator("h1")).to_have_text("Confier le projet à Julie Gagnon à ce prix ?")
    shot(as_client, "client-confirm", size)
    as_client.get_by_role("button", name="Oui, accepter cette offre").click()
    expect(as_client.locator(".flash")).to_contain_text("C'est conclu au prix de l'offre !")

    quote.refresh_from_db()
    assert (quote.status, quote.amount, quote.delivery_days) == (QuoteStatus.ACCEPTED, Decimal("3250.00"), 25)
    assert Quote.objects.get(pk=other.pk).status == QuoteStatus.DECLINED
    assert type(project).objects.get(pk=project.pk).status == ProjectStatus.AWARDED
    assert Engagement.objects.get(quote=quote).amount == Decimal("3250.00")
    assert list(QuoteOffer.objects.order_by("pk").values_list("status", flat=True)) == [
        OfferStatus.COUNTERED,
        OfferStatus.ACCEPTED,
    ]

    # Both read the same history: the original price, the two offers and their answers.
    expected = [
        "Soumission initiale 3 500,00 $",
        "Contre-offre du client 3 000,00 $ Contre-proposée",
        "Contre-proposition de Julie Gagnon 3 250,00 $ · livraison en 25 jours Acceptée",
    ]
    for page in (as_client, as_freelancer):
        page.goto(f"{asgi_server.url}/soumissions/{quote.pk}/offres/")
        items = page.locator(".offer-list > li")
        expect(items).to_have_count(3)
        texts = [" ".join(spaced(t).split()) for t in items.all_inner_texts()]
        for text, start in zip(texts, expected, strict=True):
            words = start.split()
            assert all(word in text for word in words), (text, start)
        expect(page.locator("#offer-form")).to_have_count(0)
    shot(as_client, "history-client", size)
    shot(as_freelancer, "history-freelancer", size)
