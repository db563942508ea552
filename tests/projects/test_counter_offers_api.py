"""Counter-offers through /api/v1/: make, list, accept, decline; the refusals' statuses; two answers racing."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from engagements.models import Engagement
from projects.models import OfferStatus, ProjectStatus, Quote, QuoteOffer, QuoteStatus
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def quote(project, freelancer):
    return QuoteFactory(project=project, freelancer=freelancer, amount=Decimal("3500.00"), delivery_days=21)


@pytest.mark.django_db
@pytest.mark.embedded
def test_make_list_counter_and_accept_through_the_api(quote, owner, freelancer):
    made = client_for(owner).post(
        f"/api/v1/quotes/{quote.pk}/offers/",
        {"amount": "3000", "delivery_days": 30, "message": "Budget"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    offer = made.json()
    assert {k: offer[k] for k in ("quote", "from_client", "amount", "delivery_days", "quote_amount", "status")} == {
        "quote": quote.pk,
        "from_client": True,
        "amount": "3000.00",
        "delivery_days": 30,
        "quote_amount": "3500.00",
        "status": "open",
    }
    assert offer["author"] == {"id": owner.pk, "name": "Fromagerie du Littoral"}

    countered = client_for(freelancer).post(f"/api/v1/quotes/{quote.pk}/offers/", {"amount": 3200}, format="json")
    assert countered.status_code == 201, countered.json()

    accepted = client_for(owner).post(f"/api/v1/offers/{countered.json()['id']}/accept/")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"

    history = client_for(freelancer).get(f"/api/v1/quotes/{quote.pk}/offers/")
    assert history.status_code == 200
    assert [(o["from_client"], o["amount"], o["status"]) for o in history.json()] == [
        (True, "3000.00", "countered"),
        (False, "3200.00", "accepted"),
    ]
    quote.refresh_from_db()
    assert (quote.status, quote.amount) == (QuoteStatus.ACCEPTED, Decimal("3200.00"))
    assert Engagement.objects.get(quote=quote).amount == Decimal("3200.00")


@pytest.mark.django_db
@pytest.mark.embedded
def test_decline_with_a_reason(quote, owner, freelancer):
    offer = QuoteOffer.objects.create(quote=quote, author=owner, from_client=True, amount=3000, quote_amount=3500)

    response = client_for(freelancer).post(f"/api/v1/offers/{offer.pk}/decline/", {"reason": "Trop bas"}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["decline_reason"]) == ("declined", "Trop bas")
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.PENDING


@pytest.mark.django_db
@pytest.mark.embedded
def test_refusals_answer_their_status_and_save_nothing(quote, owner, freelancer, project):
    url = f"/api/v1/quotes/{quote.pk}/offers/"
    bad = client_for(owner).post(url, {"amount": "-5"}, format="json")
    assert (bad.status_code, bad.json()) == (400, {"amount": ["Le montant doit être supérieur à 0 $."]})

    stranger = client_for(UserFactory()).post(url, {"amount": "10"}, format="json")
    assert (stranger.status_code, stranger.json()) == (404, {"detail": "Cette soumission n'existe pas."})
    assert client_for(UserFactory()).get(url).status_code == 404

    own = client_for(freelancer).post(url, {"amount": "10"}, format="json")
    assert own.status_code == 409

    anonymous = APIClient().post(url, {"amount": "10"}, format="json")
    assert anonymous.status_code in (401, 403)

    offer = client_for(owner).post(url, {"amount": "3000"}, format="json").json()
    mine = client_for(owner).post(f"/api/v1/offers/{offer['id']}/accept/")
    assert (mine.status_code, mine.json()) == (
        403,
        {"detail": "Cette offre est la vôtre : c'est à l'autre partie d'y répondre."},
    )
    assert client_for(UserFactory()).post(f"/api/v1/offers/{offer['id']}/decline/").status_code == 404

    Quote.objects.filter(pk=quote.pk).update(status=QuoteStatus.DECLINED)
    declined = client_for(freelancer).post(f"/api/v1/offers/{offer['id']}/accept/")
    assert (declined.status_code, declined.json()) == (
        409,
        {"detail": "Cette soumission est refusée : elle ne peut plus changer."},
    )
    again = client_for(owner).post(url, {"amount": "2000"}, format="json")
    assert again.status_code == 409
    assert QuoteOffer.objects.count() == 1
    assert not Engagement.objects.exists()
    assert type(project).objects.get(pk=project.pk).status == ProjectStatus.OPEN


@pytest.fixture(scope="module")
def _sync_after_playwright():
    """Plain synchronous threads: lift Django's async guard a browser test of the session may leave armed."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.mark.django_db(transaction=True)
def test_two_answers_racing_one_wins_the_other_gets_409(_sync_after_playwright, transactional_db):
    """PostgreSQL only: the quote's row lock orders the two answers, the second finds the offer answered."""
    project = ProjectFactory()
    freelancer = FreelancerProfileFactory().user
    quote = QuoteFactory(project=project, freelancer=freelancer)
    offer = QuoteOffer.objects.create(
        quote=quote, author=project.owner, from_client=True, amount=3000, quote_amount=quote.amount
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def answer(action):
        try:
            barrier.wait(timeout=10)
            response = client_for(freelancer).post(f"/api/v1/offers/{offer.pk}/{action}/")
            outcomes.append((response.status_code, response.json().get("status") or response.json().get("detail")))
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(a,)) for a in ("accept", "decline")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(code for code, _ in outcomes)
    assert statuses == [200, 409]
    [conflict] = [text for code, text in outcomes if code == 409]
    assert conflict.startswith("Cette offre a déjà reçu une réponse")
    final = QuoteOffer.objects.get(pk=offer.pk).status
    assert final in (OfferStatus.ACCEPTED, OfferStatus.DECLINED)
    quote.refresh_from_db()
    assert quote.status == (QuoteStatus.ACCEPTED if final == OfferStatus.ACCEPTED else QuoteStatus.PENDING)
    assert Engagement.objects.filter(quote=quote).count() == (1 if final == OfferStatus.ACCEPTED else 0)
