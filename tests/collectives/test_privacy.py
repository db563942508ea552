"""Loi 25: a member's collectives in their data export, and what erasing their account does to them."""

import pytest

from collectives import services
from collectives.models import CollectiveMembership, MemberRole, MembershipStatus
from privacy.services import account_purge, data_export_collect
from tests.factories import FreelancerProfileFactory

pytestmark = pytest.mark.embedded


def _world():
    admin, member = FreelancerProfileFactory(display_name="Anne"), FreelancerProfileFactory(display_name="Bruno")
    collective = services.collective_create(creator=admin.user, name="Atelier KC")
    invitation = services.member_invite(collective=collective, by=admin.user, member=member.user)
    services.invitation_answer(membership=invitation, by=member.user, accept=True)
    return collective, admin.user, member.user


def test_the_export_lists_memberships_and_created_collectives(db):
    collective, admin, member = _world()

    data, files = data_export_collect(user=member)

    [row] = data["collective_memberships"]
    assert (row["collective"], row["role"], row["status"], row["invited_by"]) == (
        "Atelier KC",
        "membre",
        "actif",
        "Anne",
    )
    assert row["joined_at"] is not None
    assert data["collectives_created"] == []
    admin_data, _files = data_export_collect(user=admin)
    assert [c["slug"] for c in admin_data["collectives_created"]] == [collective.slug]


def test_erasing_the_last_admin_hands_the_collective_to_the_next_member(db):
    collective, admin, member = _world()

    account_purge(user_id=admin.pk)

    rows = list(CollectiveMembership.objects.filter(collective=collective).order_by("pk").values_list("status", "role"))
    assert rows == [(MembershipStatus.LEFT, MemberRole.MEMBER), (MembershipStatus.ACTIVE, MemberRole.ADMIN)]
    collective.refresh_from_db()
    assert collective.created_by is None
    assert CollectiveMembership.objects.get(member=member).invited_by is None
