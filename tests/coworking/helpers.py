"""Spaces made through the services, as members and staff make them (so the outbox hears of them)."""

from coworking.services import space_approve, space_propose
from tests.factories import UserFactory


def approved_space(*, name: str, place=None, staff=None, **data):
    """A space proposed by a new member and approved by staff."""
    staff = staff or UserFactory(is_staff=True)
    space = space_propose(user=UserFactory(), data={"name": name, "municipality": place.pk if place else None, **data})
    return space_approve(user=staff, space_id=space.pk)
