"""Joint quotes ("soumissions communes"): a collective's admin sends one quote whose lines its members share."""

from decimal import Decimal

import pytest

from collectives.models import MemberRole, MembershipStatus
from marketplace.common.errors import Conflict, PermissionDenied, ValidationFailed
from messaging.models import Conversation, Participant
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from projects import services
from projects.models import ProjectStatus, Quote, QuoteLineItem, QuoteStatus, Visibility
from projects.permissions import project_is_visible_to
from projects.selectors import collective_reviews, freelancer_reviews
from tests.factories import (
    CollectiveFactory,
    CollectiveMembershipFactory,
    FreelancerProfileFactory,
    ProjectFactory,
    QuoteFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def collective(db):
    return CollectiveFactory(name="Coop des Îles créatives")


@pytest.fixture
def admin(collective):
    user = FreelancerProfileFactory(display_name="Annie Admin").user
    CollectiveMembershipFactory(collective=collective, member=user, role=MemberRole.ADMIN)
    return user


@pytest.fixture
def members(collective):
    people = [FreelancerProfileFactory(display_name=name).user for name in ("Béa Graphiste", "Carl Rédacteur")]
    for person in people:
        CollectiveMembershipFactory(collective=collective, member=person)
    return people


def joint_data(collective, admin, members, **overrides):
    data = {
        "collective": collective.pk,
        "amount": Decimal("3000.00"),
        "pricing": "fixed",
        "delivery_days": 30,
        "charges_taxes": True,
        "message": "Notre équipe de trois s'occupe de tout : design, textes et mise en ligne.",
        "line_items": [
            {"description": "Design", "amount": Decimal("1500"), "assignee": members[0].pk},
            {"description": "Textes", "amount": Decimal("1000"), "assignee": members[1].pk},
            {"description": "Coordination", "amount": Decimal("500"), "assignee": None},
        ],
    }
    data.update(overrides)
    return data


def test_an_admin_sends_a_joint_quote_with_lines_assigned_to_members(project, collective, admin, members):
    quote = services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))

    assert quote.collective == collective
    assert quote.freelancer == admin
    lines = list(quote.line_items.values_list("description", "amount", "assignee_id"))
    assert lines == [
        ("Design", Decimal("1500.00"), members[0].pk),
        ("Textes", Decimal("1000.00"), members[1].pk),
        ("Coordination", Decimal("500.00"), None),
    ]
    # Each assigned member is told, in French and English.
    for member in members:
        notification = Notification.objects.get(recipient=member, kind=NotificationKind.JOINT_QUOTE_ASSIGNED)
        text = notification_text(notification)
        assert text.title == f"Soumission commune : « {project.title} »"
        assert "Coop des Îles créatives vous assigne des postes" in text.body
    assert not Notification.objects.filter(recipient=admin, kind=NotificationKind.JOINT_QUOTE_ASSIGNED).exists()
    assert Notification.objects.filter(recipient=project.owner, kind=NotificationKind.QUOTE_RECEIVED).exists()


def test_joint_quote_assigned_text_in_english(project, collective, admin, members):
    from django.utils import translation

    services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    notification = Notification.objects.get(recipient=members[0], kind=NotificationKind.JOINT_QUOTE_ASSIGNED)
    with translation.override("en"):
        text = notification_text(notification)
    assert text.title == f"Joint quote: “{project.title}”"
    assert text.body == "Coop des Îles créatives assigned you items in its joint quote on this project."


def _refused_and_nothing_saved(exc_info, message, project):
    assert message in str(exc_info.value.message) or message in str(exc_info.value.errors)
    assert not Quote.objects.filter(project=project, collective__isnull=False).exists()


def test_a_member_who_is_not_admin_cannot_send_a_joint_quote(project, collective, admin, members):
    with pytest.raises(PermissionDenied) as exc_info:
        services.quote_submit(user=members[0], project_id=project.pk, data=joint_data(collective, admin, members))
    _refused_and_nothing_saved(
        exc_info, "Seuls les administrateurs du collectif peuvent envoyer une soumission commune.", project
    )


def test_a_stranger_cannot_quote_for_a_collective(project, collective, admin, members):
    stranger = FreelancerProfileFactory().user
    with pytest.raises(ValidationFailed) as exc_info:
        services.quote_submit(user=stranger, project_id=project.pk, data=joint_data(collective, admin, members))
    _refused_and_nothing_saved(exc_info, "Choisissez un collectif dont vous êtes membre.", project)


@pytest.mark.parametrize("status", [MembershipStatus.INVITED, MembershipStatus.LEFT, MembershipStatus.REMOVED])
def test_a_line_for_someone_not_an_active_member_is_refused(project, collective, admin, members, status):
    outsider = FreelancerProfileFactory().user
    CollectiveMembershipFactory(collective=collective, member=outsider, status=status)
    data = joint_data(collective, admin, members)
    data["line_items"][0]["assignee"] = outsider.pk
    with pytest.raises(ValidationFailed) as exc_info:
        services.quote_submit(user=admin, project_id=project.pk, data=data)
    assert exc_info.value.errors == {
        "line_items": ["Chaque poste est assigné à un membre actif du collectif, ou au collectif lui-même."]
    }
    assert not Quote.objects.filter(project=project).exists()
    assert not Notification.objects.filter(kind=NotificationKind.JOINT_QUOTE_ASSIGNED).exists()


def test_lines_of_a_joint_quote_must_add_up(project, collective, admin, members):
    with pytest.raises(ValidationFailed) as exc_info:
        services.quote_submit(
            user=admin, project_id=project.pk, data=joint_data(collective, admin, members, amount=Decimal("3100"))
        )
    assert "Le détail des coûts totalise" in str(exc_info.value.errors["line_items"][0])
    assert not Quote.objects.filter(project=project).exists()


def test_a_joint_quote_needs_its_lines(project, collective, admin, members):
    with pytest.raises(ValidationFailed) as exc_info:
        services.quote_submit(
            user=admin, project_id=project.pk, data=joint_data(collective, admin, members, line_items=[])
        )
    assert exc_info.value.errors["line_items"] == ["Une soumission commune détaille ses postes et qui fait chacun."]
    assert not Quote.objects.filter(project=project).exists()


def test_a_single_quote_cannot_assign_lines(project, freelancer, quote_data, members):
    quote_data["line_items"][0]["assignee"] = members[0].pk
    with pytest.raises(ValidationFailed) as exc_info:
        services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    assert exc_info.value.errors["line_items"] == [
        "Seule une soumission commune d'un collectif assigne ses postes à des membres."
    ]
    assert not Quote.objects.filter(project=project).exists()


def test_a_member_who_quoted_alone_cannot_be_assigned_a_line(project, collective, admin, members):
    QuoteFactory(project=project, freelancer=members[0])
    with pytest.raises(Conflict) as exc_info:
        services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    assert str(exc_info.value.message) == (
        "Béa Graphiste participe déjà à sa propre soumission sur ce projet : une personne ne peut être que dans "
        "une soumission en cours par projet."
    )
    assert not Quote.objects.filter(project=project, collective=collective).exists()


def test_an_admin_who_quoted_alone_cannot_also_send_a_joint_quote(project, collective, admin, members):
    QuoteFactory(project=project, freelancer=admin)
    with pytest.raises(Conflict):
        services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    assert not Quote.objects.filter(project=project, collective=collective).exists()


def test_a_collective_cannot_quote_twice_on_one_project(project, collective, admin, members):
    services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    other_admin = FreelancerProfileFactory().user
    CollectiveMembershipFactory(collective=collective, member=other_admin, role=MemberRole.ADMIN)
    data = joint_data(collective, admin, members)
    data["line_items"] = [{"description": "Tout", "amount": Decimal("3000"), "assignee": None}]
    with pytest.raises(Conflict) as exc_info:
        services.quote_submit(user=other_admin, project_id=project.pk, data=data)
    assert str(exc_info.value.message) == (
        "Coop des Îles créatives a déjà une soumission commune en cours sur ce projet : modifiez-la plutôt."
    )
    assert Quote.objects.filter(project=project, collective=collective).count() == 1


def test_a_member_of_two_collectives_cannot_be_in_two_joint_quotes_on_one_project(project, collective, admin, members):
    services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    other = CollectiveFactory(name="Agence du Fleuve")
    other_admin = FreelancerProfileFactory().user
    CollectiveMembershipFactory(collective=other, member=other_admin, role=MemberRole.ADMIN)
    CollectiveMembershipFactory(collective=other, member=members[1])
    data = joint_data(other, other_admin, members)
    data["line_items"] = [
        {"description": "Textes", "amount": Decimal("2000"), "assignee": members[1].pk},
        {"description": "Gestion", "amount": Decimal("1000"), "assignee": None},
    ]
    with pytest.raises(Conflict) as exc_info:
        services.quote_submit(user=other_admin, project_id=project.pk, data=data)
    assert str(exc_info.value.message) == (
        "Carl Rédacteur participe déjà à la soumission commune de Coop des Îles créatives sur ce projet : une "
        "personne ne peut être que dans une soumission en cours par projet."
    )
    assert not Quote.objects.filter(project=project, collective=other).exists()


def test_an_assigned_member_cannot_then_quote_alone(project, collective, admin, members, quote_data):
    services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    with pytest.raises(Conflict) as exc_info:
        services.quote_submit(user=members[0], project_id=project.pk, data=quote_data)
    assert "participe déjà à la soumission commune de Coop des Îles créatives" in str(exc_info.value.message)
    assert not Quote.objects.filter(project=project, freelancer=members[0]).exists()


def test_a_collective_of_one_member_may_quote(project, collective, admin):
    data = joint_data(collective, admin, [admin, admin])
    data["line_items"] = [{"description": "Tout le projet", "amount": Decimal("3000"), "assignee": admin.pk}]
    quote = services.quote_submit(user=admin, project_id=project.pk, data=data)
    assert quote.collective == collective


def test_a_withdrawn_joint_quote_frees_its_members(project, collective, admin, members, quote_data):
    quote = services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    services.quote_withdraw(user=admin, quote_id=quote.pk)
    own = services.quote_submit(user=members[0], project_id=project.pk, data=quote_data)
    assert own.collective is None


def test_the_client_accepts_a_joint_quote_as_one(project, collective, admin, members, freelancer, quote_data):
    single = services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    joint = services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))

    services.quote_accept(user=project.owner, quote_id=joint.pk)

    joint.refresh_from_db()
    single.refresh_from_db()
    project.refresh_from_db()
    assert joint.status == QuoteStatus.ACCEPTED
    assert single.status == QuoteStatus.DECLINED
    assert project.status == ProjectStatus.AWARDED
    for person in [admin, *members]:
        assert Notification.objects.filter(recipient=person, kind=NotificationKind.QUOTE_ACCEPTED).count() == 1


def test_a_second_accept_on_a_project_won_by_a_joint_quote_is_refused(
    project, collective, admin, members, freelancer, quote_data
):
    single = services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    joint = services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    services.quote_accept(user=project.owner, quote_id=joint.pk)
    with pytest.raises(Conflict) as exc_info:
        services.quote_accept(user=project.owner, quote_id=single.pk)
    assert exc_info.value.status_code == 409
    assert Quote.objects.get(pk=joint.pk).status == QuoteStatus.ACCEPTED


def test_assigned_members_see_the_invite_only_project_and_its_conversation(collective, admin, members, owner):
    project = ProjectFactory(owner=owner, visibility=Visibility.INVITED)
    from projects.services import invitation_send

    invitation_send(user=owner, project_id=project.pk, freelancer_profile_id=admin.freelancer_profile.pk)
    assert not project_is_visible_to(user=members[0], project=project)

    quote = services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))

    for member in members:
        assert project_is_visible_to(user=member, project=project)
    conversation = Conversation.objects.get(project=project, client=owner, freelancer=admin)
    assert set(Participant.objects.filter(conversation=conversation).values_list("user_id", flat=True)) == {
        owner.pk,
        admin.pk,
        *(m.pk for m in members),
    }
    # A member who was not assigned a line sees nothing.
    bystander = FreelancerProfileFactory().user
    CollectiveMembershipFactory(collective=collective, member=bystander)
    assert not project_is_visible_to(user=bystander, project=project)
    assert quote.pk


def test_an_assigned_member_writes_in_the_conversation(project, collective, admin, members):
    from messaging import selectors as chat_selectors
    from messaging import services as chat

    services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    conversation = Conversation.objects.get(project=project, freelancer=admin)

    message, created = chat.message_send(
        user=members[0],
        conversation_id=conversation.pk,
        client_id="3b0c9e0c-6f4b-4d0e-9d3e-1c2b3a4d5e6f",
        body="Bonjour !",
    )

    assert created and message.sender == members[0]
    assert (
        chat_selectors.conversation_get_for_participant(user=members[1], conversation_id=conversation.pk)
        == conversation
    )
    stranger = FreelancerProfileFactory().user
    with pytest.raises(Exception) as exc_info:
        chat.message_send(
            user=stranger, conversation_id=conversation.pk, client_id="9b0c9e0c-6f4b-4d0e-9d3e-1c2b3a4d5e6f", body="Hé"
        )
    assert str(exc_info.value.message) == "Cette conversation n'existe pas."


def test_removing_a_member_with_lines_on_a_live_joint_quote_is_refused(project, collective, admin, members):
    from collectives.hooks import member_removal_checks

    services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    with pytest.raises(Conflict) as exc_info:
        member_removal_checks(collective, members[0])
    assert str(exc_info.value.message) == (
        f"Béa Graphiste a des postes dans une soumission commune en cours ({project.title}) : réassignez ces "
        "postes ou retirez la soumission d'abord."
    )
    # Nobody else is held back: a member with no line may go.
    free = FreelancerProfileFactory().user
    CollectiveMembershipFactory(collective=collective, member=free)
    member_removal_checks(collective, free)


def test_removal_is_allowed_once_the_joint_quote_is_decided(project, collective, admin, members):
    from collectives.hooks import member_removal_checks

    quote = services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    services.quote_decline(user=project.owner, quote_id=quote.pk, reason="Trop cher")
    member_removal_checks(collective, members[0])


def test_a_review_of_joint_work_counts_for_the_collective_and_each_assigned_member(project, collective, admin, members):
    quote = services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    services.quote_accept(user=project.owner, quote_id=quote.pk)
    services.project_complete(user=project.owner, project_id=project.pk)

    review = services.review_submit(
        user=project.owner, project_id=project.pk, data={"rating": 4, "comment": "Belle équipe"}
    )
    # Blind until the collective's side reviews the client: then it counts everywhere.
    assert collective_reviews(collective_id=collective.pk).count == 0
    services.review_submit(user=admin, project_id=project.pk, data={"rating": 5, "paid_as_agreed": "yes"})

    assert review.subject == admin
    for person in [admin, *members]:
        person.freelancer_profile.refresh_from_db()
        assert person.freelancer_profile.rating_count == 1
        assert person.freelancer_profile.rating_average == Decimal("4.00")
        summary = freelancer_reviews(user_id=person.pk)
        assert summary.count == 1 and summary.average == Decimal("4.0")
        assert [r.comment for r in summary.reviews] == ["Belle équipe"]
    collective_summary = collective_reviews(collective_id=collective.pk)
    assert collective_summary.count == 1
    assert collective_summary.average == Decimal("4.0")
    # Moderation hides it: out of every rating it counted in.
    services.review_hide(review_ids=[review.pk])
    for person in [admin, *members]:
        person.freelancer_profile.refresh_from_db()
        assert person.freelancer_profile.rating_count == 0
    assert collective_reviews(collective_id=collective.pk).count == 0


def test_a_single_quote_review_does_not_count_for_a_collective(project, freelancer, collective, quote_data):
    CollectiveMembershipFactory(collective=collective, member=freelancer, role=MemberRole.ADMIN)
    quote = services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    services.quote_accept(user=project.owner, quote_id=quote.pk)
    services.project_complete(user=project.owner, project_id=project.pk)
    services.review_submit(user=project.owner, project_id=project.pk, data={"rating": 5})
    services.review_submit(user=freelancer, project_id=project.pk, data={"rating": 5, "paid_as_agreed": "yes"})
    assert collective_reviews(collective_id=collective.pk).count == 0
    assert freelancer_reviews(user_id=freelancer.pk).count == 1


def test_the_admin_reassigns_lines_and_the_new_member_is_told(project, collective, admin, members):
    quote = services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    newcomer = FreelancerProfileFactory(display_name="Dora Photo").user
    CollectiveMembershipFactory(collective=collective, member=newcomer)
    data = joint_data(collective, admin, members)
    data["line_items"][1]["assignee"] = newcomer.pk
    del data["collective"]

    services.quote_update(user=admin, quote_id=quote.pk, data=data)

    assert set(
        QuoteLineItem.objects.filter(quote=quote).exclude(assignee=None).values_list("assignee_id", flat=True)
    ) == {
        members[0].pk,
        newcomer.pk,
    }
    assert Notification.objects.filter(recipient=newcomer, kind=NotificationKind.JOINT_QUOTE_ASSIGNED).count() == 1
    assert Notification.objects.filter(recipient=members[0], kind=NotificationKind.JOINT_QUOTE_ASSIGNED).count() == 1
    assert Participant.objects.filter(user=newcomer, conversation__project=project).exists()


def _joint_conversation(project, collective, admin, members):
    services.quote_submit(user=admin, project_id=project.pk, data=joint_data(collective, admin, members))
    return Conversation.objects.get(project=project, freelancer=admin)


def test_a_message_in_a_joint_conversation_reaches_every_other_member(
    project, collective, admin, members, monkeypatch, django_capture_on_commit_callbacks
):
    from marketplace.common import live
    from messaging import events
    from messaging import selectors as chat_selectors
    from messaging import services as chat

    conversation = _joint_conversation(project, collective, admin, members)
    assert conversation.has_added_members
    pushes = []
    monkeypatch.setattr(live, "push_all", pushes.extend)

    with django_capture_on_commit_callbacks(execute=True):
        chat.message_send(
            user=members[0],
            conversation_id=conversation.pk,
            client_id="4b0c9e0c-6f4b-4d0e-9d3e-1c2b3a4d5e6f",
            body="Maquettes prêtes",
        )

    # The client, the collective's admin and the other member each have one unread message and hear about it.
    for reader in (project.owner, admin, members[1]):
        counts = chat_selectors.unread_counts(user_id=reader.pk, conversation_id=conversation.pk)
        assert counts["conversations"] == {str(conversation.pk): 1}
        assert (events.user_group(reader.pk), {"type": "messaging.unread", **counts}) in pushes
    assert chat_selectors.unread_counts(user_id=members[0].pk, conversation_id=conversation.pk)["total"] == 0
    assert not any(group == events.user_group(members[0].pk) for group, _event in pushes)


def test_an_added_member_is_held_to_the_same_message_rate(project, collective, admin, members):
    from marketplace.common.errors import RateLimited
    from messaging import services as chat

    conversation = _joint_conversation(project, collective, admin, members)
    for n in range(chat.RATE_LIMIT_MESSAGES):
        chat.message_send(
            user=members[1],
            conversation_id=conversation.pk,
            client_id=f"00000000-0000-4000-8000-{n:012d}",
            body=f"n° {n}",
        )

    with pytest.raises(RateLimited):
        chat.message_send(
            user=members[1],
            conversation_id=conversation.pk,
            client_id="00000000-0000-4000-8000-999999999999",
            body="encore",
        )
