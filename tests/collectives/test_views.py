"""Collective pages as a visitor, a member and an admin see them."""

import pytest
from django.urls import reverse

from collectives import hooks, services
from collectives.models import Collective, CollectiveKind, CollectiveMembership, MemberRole, MembershipStatus
from tests.factories import FreelancerProfileFactory, MrcFactory, MunicipalityFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.embedded

SCRIPT = '<script>alert("pirate")</script>'


def _world():
    place = MunicipalityFactory(name="Saint-Pascal", mrc=MrcFactory(code="14", name="Kamouraska"))
    admin = FreelancerProfileFactory(display_name="Anne Admin", skills=[SkillFactory(name="Design")])
    member = FreelancerProfileFactory(display_name="Bruno Membre", skills=[SkillFactory(name="Rédaction")])
    collective = services.collective_create(
        creator=admin.user,
        name="Collectif Kamouraska Créatif",
        kind=CollectiveKind.COLLECTIVE,
        description=f"Design et rédaction. {SCRIPT}",
        municipality=place,
    )
    invitation = services.member_invite(collective=collective, by=admin.user, member=member.user)
    services.invitation_answer(membership=invitation, by=member.user, accept=True)
    return collective, admin, member


def test_the_public_page_shows_the_collective_its_members_and_skills(client, db):
    collective, admin, member = _world()

    page = client.get(reverse("collective-detail", args=[collective.slug])).content.decode()

    assert "<h1>Collectif Kamouraska Créatif</h1>" in page
    assert 'Saint-Pascal — <a href="/mrc/kamouraska/">Kamouraska</a>, Bas-Saint-Laurent' in page
    assert "Design" in page and "Rédaction" in page
    assert f'href="/pigistes/{admin.pk}/"' in page and f'href="/pigistes/{member.pk}/"' in page
    assert "2 membres" in page
    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_the_page_shows_the_sections_other_apps_register(client, db):
    collective, _admin, _member = _world()

    def reviews(c):
        return f'<section class="card" id="avis"><h2>Évaluations de {c.name}</h2></section>'

    hooks.collective_page_section_register(reviews)
    try:
        page = client.get(reverse("collective-detail", args=[collective.slug])).content.decode()
    finally:
        hooks._page_sections.remove(reviews)

    assert '<section class="card" id="avis"><h2>Évaluations de Collectif Kamouraska Créatif</h2></section>' in page


def test_an_unknown_collective_is_a_404(client, db):
    assert client.get(reverse("collective-detail", args=["personne"])).status_code == 404


def test_the_directory_filters_by_mrc_and_kind(client, db):
    collective, _admin, _member = _world()
    services.collective_create(creator=FreelancerProfileFactory().user, name="Agence Ailleurs", kind="agence")

    page = client.get(reverse("collective-list"), {"mrc": "kamouraska"}).content.decode()
    assert "Collectif Kamouraska Créatif" in page and "Agence Ailleurs" not in page
    assert '<option value="kamouraska" selected>Kamouraska</option>' in page

    page = client.get(reverse("collective-list"), {"type": "agence"}).content.decode()
    assert "Agence Ailleurs" in page and "Collectif Kamouraska Créatif" not in page
    assert "1 collectif" in page


def test_creating_a_collective_from_the_page(client, db):
    profile = FreelancerProfileFactory()
    client.force_login(profile.user)
    place = MunicipalityFactory(name="Kamouraska")

    response = client.post(
        reverse("collective-create"),
        {
            "name": "Les Affûtés",
            "kind": "cooperative",
            "description": "",
            "municipality": place.pk,
            "municipality_name": "Kamouraska",
        },
    )

    collective = Collective.objects.get()
    assert response.status_code == 302 and response["Location"] == "/mon-profil/collectifs/#collectif-les-affutes"
    assert (collective.name, collective.kind, collective.municipality) == ("Les Affûtés", "cooperative", place)


def test_the_create_page_refuses_a_member_without_profile_and_an_empty_name(client, db):
    client.force_login(UserFactory())
    page = client.post(reverse("collective-create"), {"name": "Atelier", "kind": "collectif"}).content.decode()
    assert "Créez d&#x27;abord votre profil de pigiste" in page

    client.force_login(FreelancerProfileFactory().user)
    response = client.post(reverse("collective-create"), {"name": " ", "kind": "collectif"})
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.content.decode()
    assert not Collective.objects.exists()


def test_only_admins_open_the_edit_page(client, db):
    collective, admin, member = _world()

    client.force_login(member.user)
    assert client.get(reverse("collective-update", args=[collective.slug])).status_code == 403
    client.force_login(admin.user)
    response = client.post(
        reverse("collective-update", args=[collective.slug]),
        {"name": "Collectif KC", "kind": "agence", "description": "Nouveau texte"},
    )
    assert response.status_code == 302
    collective.refresh_from_db()
    assert (collective.name, collective.kind, collective.description) == ("Collectif KC", "agence", "Nouveau texte")


def test_my_collectives_lists_invitations_and_lets_the_invitee_accept(client, db):
    collective, admin, _member = _world()
    invitee = FreelancerProfileFactory(display_name="Carole Invitée", user__email="carole@exemple.qc.ca")
    client.force_login(admin.user)

    response = client.post(
        reverse("collective-invite", args=[collective.slug]), {"member": "carole@exemple.qc.ca"}, follow=True
    )
    assert "Carole Invitée est invité·e." in response.content.decode()

    client.force_login(invitee.user)
    page = client.get(reverse("my-collectives")).content.decode()
    assert "Invitations" in page and "Collectif Kamouraska Créatif" in page
    invitation = CollectiveMembership.objects.get(member=invitee.user)
    response = client.post(
        reverse("collective-invitation-answer", args=[invitation.pk]), {"answer": "accept"}, follow=True
    )

    assert "Bienvenue dans « Collectif Kamouraska Créatif » !" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.ACTIVE


def test_a_refused_invitation_says_why_on_the_page(client, db):
    collective, admin, member = _world()
    client.force_login(admin.user)

    response = client.post(
        reverse("collective-invite", args=[collective.slug]), {"member": member.user.email}, follow=True
    )
    assert "Bruno Membre est déjà membre de ce collectif." in response.content.decode()

    response = client.post(
        reverse("collective-invite", args=[collective.slug]), {"member": "inconnu@exemple.qc.ca"}, follow=True
    )
    assert "Aucun pigiste ne correspond à « inconnu@exemple.qc.ca »." in response.content.decode()
    assert CollectiveMembership.objects.filter(collective=collective).count() == 2


def test_admins_manage_roles_and_members_from_my_collectives(client, db):
    collective, admin, member = _world()
    client.force_login(admin.user)
    page = client.get(reverse("my-collectives")).content.decode()
    assert f'action="/collectifs/{collective.slug}/membres/{member.user_id}/role/"' in page

    client.post(reverse("collective-member-role", args=[collective.slug, member.user_id]), {"role": "admin"})
    assert CollectiveMembership.objects.get(member=member.user).role == MemberRole.ADMIN

    client.post(reverse("collective-member-remove", args=[collective.slug, member.user_id]))
    assert CollectiveMembership.objects.get(member=member.user).status == MembershipStatus.REMOVED


def test_the_last_admin_reads_why_they_cannot_leave(client, db):
    collective, admin, _member = _world()
    client.force_login(admin.user)

    response = client.post(reverse("collective-leave", args=[collective.slug]), follow=True)

    assert "nommez d&#x27;abord un autre membre administrateur" in response.content.decode()
    assert CollectiveMembership.objects.get(member=admin.user).status == MembershipStatus.ACTIVE


def test_a_member_leaves_from_the_page(client, db):
    collective, _admin, member = _world()
    client.force_login(member.user)

    response = client.post(reverse("collective-leave", args=[collective.slug]), follow=True)

    assert "Vous avez quitté « Collectif Kamouraska Créatif »." in response.content.decode()
    assert CollectiveMembership.objects.get(member=member.user).status == MembershipStatus.LEFT


def test_the_dashboard_profile_and_footer_link_to_collectives(client, db):
    profile = FreelancerProfileFactory()
    client.force_login(profile.user)

    assert 'href="/mon-profil/collectifs/"' in client.get(reverse("profile-edit")).content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'href="/mon-profil/collectifs/"' in dashboard and 'href="/collectifs/"' in dashboard
