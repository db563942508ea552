"""Reads of the collectives app: the directory, a collective's page, its members, skills and portfolio.

projects (joint quotes) and search import `active_members`, `is_admin`, `collective_skills` and
`collectives_of`: they take a Collective or a User, never ids.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from collectives.models import Collective, CollectiveKind, CollectiveMembership, MemberRole, MembershipStatus
from marketplace.common.errors import NotFound
from profiles.models import Mrc, PortfolioImage, PortfolioItem, Skill, User
from profiles.services import search_key

MAX_QUERY_LENGTH = 100


def collectives_of(user) -> QuerySet[Collective]:
    """The collectives `user` is an active member of, by name."""
    if not getattr(user, "is_authenticated", False):
        return Collective.objects.none()
    return Collective.objects.filter(
        Exists(
            CollectiveMembership.objects.filter(collective=OuterRef("pk"), member=user, status=MembershipStatus.ACTIVE)
        )
    ).order_by("name")


def is_admin(collective: Collective, user) -> bool:
    """Whether `user` is an active admin of the collective."""
    if not getattr(user, "is_authenticated", False):
        return False
    return CollectiveMembership.objects.filter(
        collective=collective, member=user, status=MembershipStatus.ACTIVE, role=MemberRole.ADMIN
    ).exists()


def active_memberships(collective: Collective) -> QuerySet[CollectiveMembership]:
    """The active memberships with each member and their profile: admins first, then by arrival."""
    return (
        CollectiveMembership.objects.filter(collective=collective, status=MembershipStatus.ACTIVE)
        .select_related("member__freelancer_profile__municipality__mrc")
        .order_by("role", "joined_at", "pk")
    )


def active_members(collective: Collective) -> QuerySet[User]:
    """The collective's active members (Users, with their freelancer profile selected), admins first.

    Each carries `collective_role` ("admin" or "membre"); one row per member, so callers may filter further.
    """
    active = CollectiveMembership.objects.filter(
        collective=collective, member=OuterRef("pk"), status=MembershipStatus.ACTIVE
    )
    return (
        User.objects.filter(Exists(active))
        .annotate(collective_role=Subquery(active.values("role")[:1]), joined=Subquery(active.values("joined_at")[:1]))
        .select_related("freelancer_profile")
        .order_by("collective_role", "joined", "pk")
    )


def collective_skills(collective: Collective) -> QuerySet[Skill]:
    """The union of the active members' profile skills, each once, by name."""
    return (
        Skill.objects.filter(
            profiles__user__collective_memberships__collective=collective,
            profiles__user__collective_memberships__status=MembershipStatus.ACTIVE,
        )
        .distinct()
        .order_by("name")
    )


def collective_portfolio(collective: Collective, *, limit: int = 24) -> list[PortfolioItem]:
    """The active members' portfolio items with their images and author, newest first."""
    return list(
        PortfolioItem.objects.filter(
            profile__user__collective_memberships__collective=collective,
            profile__user__collective_memberships__status=MembershipStatus.ACTIVE,
            profile__is_hidden=False,
        )
        .select_related("profile")
        .prefetch_related(Prefetch("images", queryset=PortfolioImage.objects.order_by("position", "id")))
        .order_by("-created_at", "-pk")[:limit]
    )


def collective_detail(*, slug: str) -> Collective:
    """The collective at `slug` with its place, or NotFound."""
    collective = Collective.objects.select_related("municipality__mrc").filter(slug=slug).first()
    if collective is None:
        raise NotFound(_("Ce collectif n'existe pas."))
    return collective


def collectives_list(*, mrc=None, kind: str | None = None, q: str | None = None) -> QuerySet[Collective]:
    """The directory: collectives with at least one active member, by name; filtered by MRC (an Mrc or its
    slug), kind and words of the name or description (accents and case don't matter on the name)."""
    collectives = (
        Collective.objects.annotate(
            active_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
        )
        .filter(active_count__gt=0)
        .select_related("municipality__mrc")
        .order_by("name", "pk")
    )
    # Query strings reach here as typed: a NUL byte would make PostgreSQL refuse the whole query.
    mrc = mrc.replace("\x00", "") if isinstance(mrc, str) else mrc
    q = (q or "").replace("\x00", "")
    if isinstance(mrc, Mrc):
        collectives = collectives.filter(municipality__mrc=mrc)
    elif mrc:
        collectives = collectives.filter(municipality__mrc__slug=str(mrc))
    if kind:
        collectives = collectives.filter(kind=kind if kind in CollectiveKind.values else "")
    words = (q or "").strip()[:MAX_QUERY_LENGTH]
    if words:
        key = search_key(words)
        collectives = collectives.filter(
            Q(name__icontains=words) | Q(description__icontains=words) | Q(slug__icontains=key.replace(" ", "-"))
        )
    return collectives


def directory_mrcs() -> QuerySet[Mrc]:
    """The MRCs that have at least one collective, for the directory's filter."""
    return Mrc.objects.filter(Exists(Collective.objects.filter(municipality__mrc=OuterRef("pk")))).order_by("name")


def membership_of(collective: Collective, user) -> CollectiveMembership | None:
    """The user's current membership (active or invited) in the collective, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        CollectiveMembership.objects.filter(
            collective=collective, member=user, status__in=[MembershipStatus.ACTIVE, MembershipStatus.INVITED]
        )
        .select_related("collective")
        .first()
    )


def invitations_for(user) -> list[CollectiveMembership]:
    """The user's pending invitations, newest first, with who invited them."""
    return list(
        CollectiveMembership.objects.filter(member=user, status=MembershipStatus.INVITED)
        .select_related("collective__municipality__mrc", "invited_by__freelancer_profile")
        .order_by("-created_at", "-pk")
    )


def invitation_get_own(*, user, membership_id: int) -> CollectiveMembership:
    """One of the user's invitations (answered or not); anyone else's is "not found"."""
    membership = CollectiveMembership.objects.select_related("collective").filter(pk=membership_id, member=user).first()
    if membership is None:
        raise NotFound(_("Cette invitation n'existe pas."))
    return membership


def my_memberships(user) -> list[CollectiveMembership]:
    """The user's active memberships with their collective; an admin's also carry the members and invitations
    (`members`, `invited`) for the management forms."""
    memberships = list(
        CollectiveMembership.objects.filter(member=user, status=MembershipStatus.ACTIVE)
        .select_related("collective__municipality__mrc")
        .order_by("collective__name", "pk")
    )
    managed = [m.collective_id for m in memberships if m.role == MemberRole.ADMIN]
    if managed:
        rows = (
            CollectiveMembership.objects.filter(
                collective_id__in=managed, status__in=[MembershipStatus.ACTIVE, MembershipStatus.INVITED]
            )
            .select_related("member__freelancer_profile")
            .order_by("role", "joined_at", "pk")
        )
        by_collective: dict[int, list[CollectiveMembership]] = {}
        for row in rows:
            by_collective.setdefault(row.collective_id, []).append(row)
        for membership in memberships:
            rows_here = by_collective.get(membership.collective_id, [])
            membership.members = [row for row in rows_here if row.status == MembershipStatus.ACTIVE]
            membership.invited = [row for row in rows_here if row.status == MembershipStatus.INVITED]
    return memberships


def member_get(*, collective: Collective, user_id: int) -> User:
    """A user with a current membership (active or invited) in the collective, or NotFound."""
    user = (
        User.objects.filter(
            pk=user_id,
            collective_memberships__collective=collective,
            collective_memberships__status__in=[MembershipStatus.ACTIVE, MembershipStatus.INVITED],
        )
        .distinct()
        .first()
    )
    if user is None:
        raise NotFound(_("Cette personne ne fait pas partie du collectif."))
    return user


def invitee_find(*, text: str) -> User | None:
    """The freelancer an admin means by an e-mail address, a profile's number or its page address, or None."""
    text = (text or "").replace("\x00", "").strip()[:254]
    if not text:
        return None
    # Only freelancers can join: anyone else is "nobody", so an address tells nothing about its owner.
    freelancers = User.objects.filter(is_active=True, freelancer_profile__isnull=False)
    if "@" in text and "/" not in text:
        return freelancers.filter(email__iexact=text).first()
    # "12", "/pigistes/12/" or "https://…/pigistes/12/": the profile's number is the last number in it.
    digits = [part for part in text.rstrip("/").split("/") if part.isdigit()]
    if not digits or len(digits[-1]) > 9:  # beyond any profile number (and the database's integers)
        return None
    return freelancers.filter(freelancer_profile__pk=int(digits[-1])).first()
