"""A project awaiting its owner's e-mail confirmation is in no search; confirmed, it is, through the outbox."""

import datetime

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import ProjectStatus
from projects.services import project_create
from search import indexing
from search.params import project_search_params
from search.selectors import project_search
from tests.factories import UserFactory

from .conftest import drain
from .factories import place


def _titles(query: str, backend: str) -> list[str]:
    result = project_search(params=project_search_params(QueryDict(query)), backend=backend)
    return sorted(p.title for p in result.objects)


def test_a_project_awaiting_the_e_mail_is_found_only_once_confirmed(backend):
    owner = UserFactory(email="cidrerie@exemple.qc.ca", email_confirmed=False)
    address = EmailAddress.objects.create(user=owner, email=owner.email, verified=False, primary=True)
    data = {
        "title": "Étiquettes pour une cidrerie",
        "description": "Nous voulons des étiquettes pour nos cidres de glace.",
        "category": "design",
        "budget_type": "to_discuss",
        "quotes_due": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        "municipality": place("Rivière-du-Loup").pk,
        "visibility": "public",
    }
    project = project_create(owner=owner, data=data, publish=True)
    drain()

    assert project.status == ProjectStatus.AWAITING_EMAIL
    assert _titles("q=cidrerie", backend) == []
    if backend == "elasticsearch":
        assert indexing.check(kind="project") == {"missing": [], "stale": [], "extra": []}

    Client().post(reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key]))
    drain()

    assert _titles("q=cidrerie", backend) == ["Étiquettes pour une cidrerie"]
