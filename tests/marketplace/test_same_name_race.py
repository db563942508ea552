"""A space or a group named like one another member is creating at that very moment still gets its own address.

The other member's row is held uncommitted in a second connection: the slug looks free, the insert waits on
the unique index, then collides once that row commits. PostgreSQL lets both writers in at once; SQLite
serialises them (immediate transactions), so this race exists only in the main pass.
"""

import threading

import pytest
from django.db import connection, transaction

from community import services as community_services
from coworking import services as coworking_services
from tests.factories import CoworkingSpaceFactory, GroupFactory, UserFactory


@pytest.fixture(scope="module")
def _sync_after_playwright():
    """After a browser test, Playwright's session event loop lingers in this thread and trips Django's
    async guard when the database is flushed at teardown; this module is plain synchronous code."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def _held_uncommitted(create, *, release_after: float):
    """Run `create` in a transaction of another connection, committed `release_after` seconds after it is in."""
    inserted = threading.Event()

    def hold():
        try:
            with transaction.atomic():
                create()
                inserted.set()
                threading.Event().wait(release_after)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert inserted.wait(timeout=10)
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_space_proposed_while_another_of_the_same_name_commits_takes_the_next_address(_sync_after_playwright):
    proposer = UserFactory()
    other = _held_uncommitted(lambda: CoworkingSpaceFactory(name="La Station", slug="la-station"), release_after=0.5)

    space = coworking_services.space_propose(user=proposer, data={"name": "La Station"})
    other.join(timeout=10)

    assert space.slug == "la-station-2"
    assert list(space.managers.all()) == [proposer]


@pytest.mark.django_db(transaction=True)
def test_a_group_created_while_another_of_the_same_name_commits_takes_the_next_address(_sync_after_playwright):
    organiser = UserFactory()
    other = _held_uncommitted(lambda: GroupFactory(name="Pigistes du Bas", slug="pigistes-du-bas"), release_after=0.5)

    group = community_services.group_create(user=organiser, data={"name": "Pigistes du Bas", "access": "public"})
    other.join(timeout=10)

    assert group.slug == "pigistes-du-bas-2"
    assert group.memberships.get().member == organiser
