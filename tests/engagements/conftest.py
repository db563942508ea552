import pytest

from projects import services as project_services
from tests.factories import QuoteFactory


@pytest.fixture
def engagement():
    """An engagement just opened by the client accepting a 3 500 $ quote with two lines."""
    quote = QuoteFactory()
    quote.line_items.create(description="Maquettes", amount="1500.00", position=0)
    quote.line_items.create(description="Intégration", amount="2000.00", position=1)
    project_services.quote_accept(user=quote.project.owner, quote_id=quote.pk)
    return quote.engagement


@pytest.fixture
def client_user(engagement):
    return engagement.client


@pytest.fixture
def freelancer(engagement):
    return engagement.freelancer
