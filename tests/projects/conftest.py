import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import FreelancerProfileFactory, MunicipalityFactory, ProjectFactory, UserFactory


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="Rivière-du-Loup")


@pytest.fixture
def owner(db):
    return UserFactory(name="Fromagerie du Littoral")


@pytest.fixture
def freelancer(db):
    return FreelancerProfileFactory(display_name="Julie Gagnon").user


@pytest.fixture
def other_freelancer(db):
    return FreelancerProfileFactory(display_name="Marc Pelletier").user


@pytest.fixture
def project(owner, municipality):
    return ProjectFactory(owner=owner, municipality=municipality, title="Site web pour la fromagerie")


@pytest.fixture
def invitation(project, freelancer):
    """The owner's « demande de soumission » to `freelancer` for `project`."""
    from projects.services import invitation_send

    return invitation_send(
        user=project.owner, project_id=project.pk, freelancer_profile_id=freelancer.freelancer_profile.pk
    )


@pytest.fixture
def colleague(db):
    """A freelancer someone recommends."""
    return FreelancerProfileFactory(display_name="Léa Bouchard", headline="Photographe culinaire")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def project_data(municipality, today):
    """A complete valid project input, as the services take it."""
    return {
        "title": "Logo pour une microbrasserie",
        "description": "Nous ouvrons une microbrasserie à Kamouraska et cherchons un logo.",
        "category": "design",
        "skills": ["Design graphique", "Illustration"],
        "budget_type": "fixed",
        "budget_min": Decimal("500"),
        "budget_max": Decimal("1500"),
        "deadline": today + datetime.timedelta(days=30),
        "municipality": municipality.pk,
        "remote": True,
        "quotes_due": today + datetime.timedelta(days=10),
        "visibility": "public",
    }


@pytest.fixture
def quote_data():
    return {
        "amount": Decimal("1200.00"),
        "pricing": "fixed",
        "delivery_days": 14,
        "charges_taxes": True,
        "message": "Bonjour, je suis graphiste à Rimouski depuis huit ans.",
        "line_items": [
            {"description": "Trois pistes de logo", "amount": Decimal("900")},
            {"description": "Déclinaisons", "amount": Decimal("300")},
        ],
    }


@pytest.fixture
def pushed_quotes(monkeypatch):
    """The quotes `projects.events.quote_changed` was called with (after commit)."""
    from projects import events

    calls = []
    monkeypatch.setattr(events, "quote_changed", lambda quote: calls.append((quote.pk, quote.status)))
    return calls


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate limits count in the shared cache (Redis between runs): each test starts from zero."""
    from django.core.cache import cache

    cache.clear()


# The real S3 servers of `make test` (moto, and s3rver for expiring links), with a fresh bucket: see tests/marketplace.
from tests.marketplace.conftest import expiring_s3_bucket, s3_bucket, s3_endpoint  # noqa: E402, F401
