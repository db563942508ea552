"""Invoices racing for numbers over HTTP on a live server: consecutive, unique, gap-free; one invoice per milestone.

Marked `embedded`: SQLite serialises writers (IMMEDIATE transactions); PostgreSQL locks the freelancer's
InvoiceSequence row (and the engagement's) with SELECT … FOR UPDATE. Both must give the same numbers.
"""

import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
from rest_framework.authtoken.models import Token

from invoicing.models import Invoice, InvoiceSequence
from tests.factories import BillingProfileFactory, FreelancerProfileFactory, QuoteFactory
from tests.invoicing.issuing_setup import approve_first_milestone, open_engagement

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

RACERS = 8


@dataclass
class Answer:
    status_code: int
    text: str

    def json(self):
        return json.loads(self.text)


def _post(url: str, headers: dict, body: dict) -> Answer:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 (our live server)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return Answer(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode())


def _race(url: str, headers: dict, bodies: list[dict]) -> list[Answer]:
    """Send every request at the same moment, each from its own thread and connection."""
    barrier = threading.Barrier(len(bodies))
    responses: list = [None] * len(bodies)

    def send(index, body):
        barrier.wait(timeout=30)
        try:
            responses[index] = _post(url + "/api/v1/invoices/", headers, body)
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            responses[index] = exc

    threads = [threading.Thread(target=send, args=(i, body)) for i, body in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(response, Answer) for response in responses), responses
    return responses


def _headers(user) -> dict:
    return {
        "Authorization": f"Token {Token.objects.create(user=user).key}",
        "Accept-Language": "fr-ca",
        "Content-Type": "application/json",
    }


LINES = [{"description": "Travail", "quantity": 1, "unit_price": 100}]


def test_racing_first_invoices_of_one_freelancer_get_numbers_one_to_n(asgi_server):
    freelancer = FreelancerProfileFactory().user
    BillingProfileFactory(user=freelancer)
    projects = [QuoteFactory(freelancer=freelancer).project for _ in range(RACERS)]

    responses = _race(asgi_server.url, _headers(freelancer), [{"project": p.pk, "lines": LINES} for p in projects])

    assert [r.status_code for r in responses] == [201] * RACERS, [(r.status_code, r.text[:300]) for r in responses]
    assert sorted(r.json()["number"] for r in responses) == list(range(1, RACERS + 1))
    assert sorted(Invoice.objects.filter(freelancer=freelancer).values_list("number", flat=True)) == list(
        range(1, RACERS + 1)
    )
    assert InvoiceSequence.objects.get(freelancer=freelancer).last_number == RACERS


def test_racing_invoices_of_the_same_milestone_one_wins_the_rest_are_refused_without_a_gap(asgi_server):
    engagement = open_engagement()
    BillingProfileFactory(user=engagement.freelancer)
    milestone = approve_first_milestone(engagement)
    other_project = QuoteFactory(freelancer=engagement.freelancer).project
    body = {"milestone": milestone.pk, "lines": LINES}
    headers = _headers(engagement.freelancer)

    responses = _race(asgi_server.url, headers, [body] * 5)

    assert sorted(r.status_code for r in responses) == [201] + [409] * 4, [(r.status_code, r.text) for r in responses]
    assert {r.json()["detail"] for r in responses if r.status_code == 409} == {
        "Ce jalon est déjà facturé. Annulez d'abord la facture émise pour en émettre une autre."
    }
    assert Invoice.objects.filter(milestone=milestone).count() == 1
    # The refused ones took no number: the next invoice is number 2.
    after = _post(asgi_server.url + "/api/v1/invoices/", headers, {"project": other_project.pk, "lines": LINES})
    assert (after.status_code, after.json()["number"]) == (201, 2)
