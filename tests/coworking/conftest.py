"""The search fixtures (a per-test index on the real node, or the database backend) for the spaces' search."""

from tests.search.conftest import backend, es  # noqa: F401
