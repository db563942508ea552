"""Twenty accepts racing over HTTP on a live server: one wins, the others get a clear 409, never a 500.

Marked `embedded`: under `make run` SQLite lets one writer in at a time, and a race there used to answer
"database is locked" (500) to most of the requests.
"""

import pytest
from rest_framework.authtoken.models import Token

from projects.models import Project, ProjectStatus, Quote, QuoteStatus
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory
from tests.race import race

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

RACERS = 20
ALREADY_AWARDED = "Ce projet a déjà été attribué : une seule soumission peut être acceptée."


def test_twenty_accepts_of_different_quotes_racing_one_wins_the_rest_get_409(asgi_server):
    project = ProjectFactory()
    quotes = [QuoteFactory(project=project, freelancer=FreelancerProfileFactory().user) for _ in range(RACERS)]
    headers = {"Authorization": f"Token {Token.objects.create(user=project.owner).key}", "Accept-Language": "fr-ca"}

    responses = race(asgi_server.url, [(f"/api/v1/quotes/{quote.pk}/accept/", headers) for quote in quotes])

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [409] * (RACERS - 1), [(r.status_code, r.text[:200]) for r in responses]
    assert {response.json()["detail"] for response in responses if response.status_code == 409} == {ALREADY_AWARDED}
    winner_id = next(response.json()["id"] for response in responses if response.status_code == 200)
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.AWARDED
    assert dict(Quote.objects.filter(project=project).values_list("pk", "status")) == {
        quote.pk: QuoteStatus.ACCEPTED if quote.pk == winner_id else QuoteStatus.DECLINED for quote in quotes
    }


def test_twenty_accepts_of_one_quote_racing_one_wins_the_rest_get_409(asgi_server):
    project = ProjectFactory()
    quote = QuoteFactory(project=project, freelancer=FreelancerProfileFactory().user)
    headers = {"Authorization": f"Token {Token.objects.create(user=project.owner).key}", "Accept-Language": "fr-ca"}

    responses = race(asgi_server.url, [(f"/api/v1/quotes/{quote.pk}/accept/", headers)] * RACERS)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [409] * (RACERS - 1), [(r.status_code, r.text[:200]) for r in responses]
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.ACCEPTED
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.AWARDED
