"""Collective reads: members, skills, portfolio, the directory; what projects and search import."""

import pytest

from collectives import selectors, services
from collectives.models import CollectiveKind, CollectiveMembership, MembershipStatus
from profiles.services import portfolio_item_create
from tests.factories import FreelancerProfileFactory, MrcFactory, MunicipalityFactory, SkillFactory

pytestmark = pytest.mark.embedded


def _join(collective, admin, profile):
    invitation = services.member_invite(collective=collective, by=admin, member=profile.user)
    services.invitation_answer(membership=invitation, by=profile.user, accept=True)


def test_skills_are_the_union_of_the_active_members_skills(db):
    design, web, photo = SkillFactory(name="Design"), SkillFactory(name="Web"), SkillFactory(name="Photo")
    admin = FreelancerProfileFactory(skills=[design, web])
    member = FreelancerProfileFactory(skills=[web, photo])
    gone = FreelancerProfileFactory(skills=[SkillFactory(name="Vidéo")])
    collective = services.collective_create(creator=admin.user, name="Atelier")
    _join(collective, admin.user, member)
    _join(collective, admin.user, gone)
    services.member_leave(membership=CollectiveMembership.objects.get(member=gone.user, status=MembershipStatus.ACTIVE))

    assert [skill.name for skill in selectors.collective_skills(collective)] == ["Design", "Photo", "Web"]
    assert list(selectors.active_members(collective)) == [admin.user, member.user]
    assert [user.collective_role for user in selectors.active_members(collective)] == ["admin", "membre"]
    assert selectors.is_admin(collective, admin.user) and not selectors.is_admin(collective, member.user)
    assert list(selectors.collectives_of(member.user)) == [collective]
    assert list(selectors.collectives_of(gone.user)) == []


def test_the_portfolio_holds_the_active_members_items(db):
    admin, member = FreelancerProfileFactory(), FreelancerProfileFactory()
    collective = services.collective_create(creator=admin.user, name="Atelier")
    _join(collective, admin.user, member)
    portfolio_item_create(user=admin.user, data={"title": "Logo de la fromagerie"})
    portfolio_item_create(user=member.user, data={"title": "Site du gîte"})
    portfolio_item_create(user=FreelancerProfileFactory().user, data={"title": "Pas à nous"})

    titles = {item.title for item in selectors.collective_portfolio(collective)}

    assert titles == {"Logo de la fromagerie", "Site du gîte"}


def test_the_directory_filters_by_mrc_kind_and_words_and_leaves_out_empty_collectives(db):
    kamouraska = MunicipalityFactory(name="Saint-Pascal", mrc=MrcFactory(code="14", name="Kamouraska"))
    lislet = MunicipalityFactory(name="L'Islet", mrc=MrcFactory(code="17", name="L'Islet", slug="l-islet"))
    coop = services.collective_create(
        creator=FreelancerProfileFactory().user,
        name="Coop Fleuve",
        kind=CollectiveKind.COOPERATIVE,
        municipality=kamouraska,
    )
    agency = services.collective_create(
        creator=FreelancerProfileFactory().user, name="Agence Marée", kind=CollectiveKind.AGENCY, municipality=lislet
    )
    empty = services.collective_create(creator=FreelancerProfileFactory().user, name="Coop Vide")
    services.member_leave(membership=CollectiveMembership.objects.get(collective=empty))

    assert list(selectors.collectives_list()) == [agency, coop]
    assert list(selectors.collectives_list(mrc="kamouraska")) == [coop]
    assert list(selectors.collectives_list(kind=CollectiveKind.AGENCY)) == [agency]
    assert list(selectors.collectives_list(kind="inconnu")) == []
    assert list(selectors.collectives_list(q="marée")) == [agency]
    assert list(selectors.directory_mrcs()) == [kamouraska.mrc, lislet.mrc]


def test_an_invitee_is_found_by_email_or_profile_but_only_if_a_freelancer(db):
    profile = FreelancerProfileFactory(user__email="julie@exemple.qc.ca")

    assert selectors.invitee_find(text="JULIE@exemple.qc.ca") == profile.user
    assert selectors.invitee_find(text=str(profile.pk)) == profile.user
    assert selectors.invitee_find(text=f"https://pigiste.qc.ca/pigistes/{profile.pk}/") == profile.user
    assert selectors.invitee_find(text="personne@exemple.qc.ca") is None
    assert selectors.invitee_find(text="99999999999999999999") is None
    assert selectors.invitee_find(text="") is None
