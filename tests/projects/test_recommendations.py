"""Passing work on, through the services: the three answers to an invitation, recommending colleagues, inviting them."""

import pytest
from django.utils import translation

from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from messaging.services import user_block
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from projects import selectors
from projects.models import Invitation, InvitationStatus, ProjectStatus, Recommendation, Visibility
from projects.services import (
    invitation_accept,
    invitation_decline,
    invitation_from_recommendation,
    invitation_pass_on,
    invitation_send,
    quote_submit,
    recommendation_send,
)
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def _texts(user, kind):
    return [tuple(notification_text(n)) for n in Notification.objects.filter(recipient=user, kind=kind)]


# --- The three answers -----------------------------------------------------------------------------


def test_je_soumissionne_accepts_and_tells_the_client(invitation, freelancer, owner):
    invitation_accept(user=freelancer, invitation_id=invitation.pk)

    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED
    assert _texts(owner, NotificationKind.INVITATION_ANSWERED) == [
        (
            "Julie Gagnon va soumissionner : « Site web pour la fromagerie »",
            "Julie Gagnon a accepté votre demande de soumission.",
        )
    ]


def test_sending_the_quote_also_counts_as_accepting(invitation, freelancer, project, quote_data):
    quote_submit(user=freelancer, project_id=project.pk, data=quote_data)

    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED


def test_non_merci_keeps_the_reason_for_the_client(invitation, freelancer, owner):
    invitation_decline(user=freelancer, invitation_id=invitation.pk, reason="  Hors de mon domaine.  ")

    saved = Invitation.objects.get(pk=invitation.pk)
    assert (saved.status, saved.decline_reason) == (InvitationStatus.DECLINED, "Hors de mon domaine.")
    assert _texts(owner, NotificationKind.INVITATION_ANSWERED) == [
        ("Julie Gagnon décline : « Site web pour la fromagerie »", "Raison donnée : Hors de mon domaine.")
    ]


def test_non_merci_without_a_reason_says_so(invitation, freelancer, owner):
    invitation_decline(user=freelancer, invitation_id=invitation.pk)

    assert _texts(owner, NotificationKind.INVITATION_ANSWERED)[0][1] == "Aucune raison donnée."


def test_a_reason_too_long_is_refused_and_nothing_is_saved(invitation, freelancer, owner):
    with pytest.raises(ValidationFailed) as refused:
        invitation_decline(user=freelancer, invitation_id=invitation.pk, reason="x" * 1001)

    assert refused.value.errors == {"reason": ["1000 caractères au maximum (vous en avez 1001)."]}
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING
    assert not Notification.objects.filter(recipient=owner, kind=NotificationKind.INVITATION_ANSWERED).exists()


def test_pas_disponible_recommends_colleagues_and_tells_everyone(invitation, freelancer, owner, colleague):
    second = FreelancerProfileFactory(display_name="Annie Roy")

    invitation_pass_on(
        user=freelancer,
        invitation_id=invitation.pk,
        colleague_profile_ids=[colleague.pk, second.pk],
        note="Léa et Annie font ça très bien.",
    )

    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.UNAVAILABLE
    assert list(
        Recommendation.objects.filter(project=invitation.project)
        .order_by("id")
        .values_list("recommender_id", "colleague_id", "note")
    ) == [
        (freelancer.pk, colleague.user_id, "Léa et Annie font ça très bien."),
        (freelancer.pk, second.user_id, "Léa et Annie font ça très bien."),
    ]
    assert _texts(owner, NotificationKind.INVITATION_ANSWERED) == [
        (
            "Julie Gagnon n'est pas disponible : « Site web pour la fromagerie »",
            "Julie Gagnon vous recommande des collègues : Léa Bouchard, Annie Roy. "
            "Vous pouvez les inviter en un clic depuis votre projet.",
        )
    ]
    assert _texts(colleague.user, NotificationKind.RECOMMENDED) == [
        (
            "Un·e collègue vous recommande : « Site web pour la fromagerie »",
            "Julie Gagnon vous recommande pour ce projet : « Léa et Annie font ça très bien. »",
        )
    ]
    notification = Notification.objects.get(recipient=colleague.user, kind=NotificationKind.RECOMMENDED)
    assert notification.url == f"/projets/{invitation.project_id}/"


def test_the_notifications_read_in_english_too(invitation, freelancer, owner, colleague):
    invitation_pass_on(user=freelancer, invitation_id=invitation.pk, colleague_profile_ids=[colleague.pk], note="")

    with translation.override("en"):
        assert _texts(colleague.user, NotificationKind.RECOMMENDED) == [
            (
                "A colleague recommends you: “Site web pour la fromagerie”",
                "Julie Gagnon recommends you for this project.",
            )
        ]
        assert _texts(owner, NotificationKind.INVITATION_ANSWERED)[0][0] == (
            "Julie Gagnon is not available: “Site web pour la fromagerie”"
        )


@pytest.mark.parametrize(
    "first",
    [
        lambda user, inv, colleague: invitation_accept(user=user, invitation_id=inv.pk),
        lambda user, inv, colleague: invitation_decline(user=user, invitation_id=inv.pk, reason="Non"),
        lambda user, inv, colleague: invitation_pass_on(
            user=user, invitation_id=inv.pk, colleague_profile_ids=[colleague.pk]
        ),
    ],
    ids=["accepted", "declined", "unavailable"],
)
def test_answering_twice_is_refused_and_changes_nothing(invitation, freelancer, colleague, first):
    first(freelancer, invitation, colleague)
    before = Invitation.objects.get(pk=invitation.pk)
    other = FreelancerProfileFactory()

    for again in (
        lambda: invitation_accept(user=freelancer, invitation_id=invitation.pk),
        lambda: invitation_decline(user=freelancer, invitation_id=invitation.pk, reason="Finalement non"),
        lambda: invitation_pass_on(user=freelancer, invitation_id=invitation.pk, colleague_profile_ids=[other.pk]),
    ):
        with pytest.raises(Conflict, match="Vous avez déjà répondu à cette invitation."):
            again()

    after = Invitation.objects.get(pk=invitation.pk)
    assert (after.status, after.decline_reason, after.answered_at) == (
        before.status,
        before.decline_reason,
        before.answered_at,
    )
    assert not Recommendation.objects.filter(colleague=other.user).exists()


@pytest.mark.parametrize("status", [ProjectStatus.AWARDED, ProjectStatus.CLOSED, ProjectStatus.CANCELLED])
def test_answering_after_the_project_closed_is_refused(invitation, freelancer, colleague, project, status):
    project.status = status
    project.save()

    with pytest.raises(Conflict, match="Ce projet ne reçoit plus de soumissions."):
        invitation_pass_on(user=freelancer, invitation_id=invitation.pk, colleague_profile_ids=[colleague.pk])
    with pytest.raises(Conflict, match="Ce projet ne reçoit plus de soumissions."):
        invitation_decline(user=freelancer, invitation_id=invitation.pk)

    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING
    assert not Recommendation.objects.exists()
    assert not Notification.objects.filter(kind=NotificationKind.RECOMMENDED).exists()


def test_only_the_invited_freelancer_answers(invitation, owner, colleague):
    with pytest.raises(PermissionDenied):
        invitation_decline(user=owner, invitation_id=invitation.pk)
    with pytest.raises(NotFound):
        invitation_decline(user=colleague.user, invitation_id=invitation.pk)
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


# --- Who can't be recommended ---------------------------------------------------------------------------


def _refused_pass_on(invitation, freelancer, ids):
    with pytest.raises(ValidationFailed) as refused:
        invitation_pass_on(user=freelancer, invitation_id=invitation.pk, colleague_profile_ids=ids, note="Voir")
    # Nothing half-saved: the invitation waits, no recommendation, nobody told.
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING
    assert not Recommendation.objects.exists()
    assert not Notification.objects.filter(
        kind__in=[NotificationKind.RECOMMENDED, NotificationKind.INVITATION_ANSWERED]
    ).exists()
    return refused.value.errors["colleagues"][0]


def test_recommending_oneself_is_refused(invitation, freelancer, colleague):
    message = _refused_pass_on(invitation, freelancer, [colleague.pk, freelancer.freelancer_profile.pk])
    assert message == "Vous ne pouvez pas vous recommander vous-même."


def test_recommending_the_client_is_refused(invitation, freelancer, owner):
    owner_profile = FreelancerProfileFactory(user=owner, display_name="Fromagerie du Littoral")
    message = _refused_pass_on(invitation, freelancer, [owner_profile.pk])
    assert message == "Fromagerie du Littoral est le client de ce projet : on ne peut pas le lui recommander."


@pytest.mark.parametrize("who_blocks", ["recommender", "colleague"])
def test_recommending_someone_blocked_either_way_is_refused(invitation, freelancer, colleague, who_blocks):
    if who_blocks == "recommender":
        user_block(user=freelancer, blocked_user_id=colleague.user_id)
    else:
        user_block(user=colleague.user, blocked_user_id=freelancer.pk)
    message = _refused_pass_on(invitation, freelancer, [colleague.pk])
    assert message == "Vous ne pouvez pas recommander Léa Bouchard : un blocage existe entre vous."


def test_recommending_someone_without_a_public_profile_is_refused(invitation, freelancer):
    hidden = FreelancerProfileFactory(is_hidden=True)
    expected = "Ce collègue n'a pas de profil de pigiste public : on ne peut pas le recommander."
    assert _refused_pass_on(invitation, freelancer, [hidden.pk]) == expected
    assert _refused_pass_on(invitation, freelancer, [999999]) == expected


def test_an_empty_or_too_long_list_is_refused(invitation, freelancer):
    assert _refused_pass_on(invitation, freelancer, []) == "Choisissez au moins un collègue à recommander."
    many = [FreelancerProfileFactory().pk for _ in range(6)]
    assert _refused_pass_on(invitation, freelancer, many) == "Vous pouvez recommander au plus 5 collègues à la fois."


def test_the_same_colleague_twice_in_one_list_counts_once(invitation, freelancer, colleague):
    invitation_pass_on(user=freelancer, invitation_id=invitation.pk, colleague_profile_ids=[colleague.pk, colleague.pk])

    assert Recommendation.objects.filter(colleague=colleague.user).count() == 1
    assert Notification.objects.filter(recipient=colleague.user, kind=NotificationKind.RECOMMENDED).count() == 1


def test_recommending_the_same_colleague_again_is_refused(invitation, freelancer, colleague, project):
    invitation_pass_on(user=freelancer, invitation_id=invitation.pk, colleague_profile_ids=[colleague.pk])
    other = FreelancerProfileFactory()

    with pytest.raises(ValidationFailed) as refused:
        recommendation_send(user=freelancer, project_id=project.pk, colleague_profile_ids=[other.pk, colleague.pk])

    assert refused.value.errors == {"colleagues": ["Vous avez déjà recommandé Léa Bouchard pour ce projet."]}
    assert Recommendation.objects.count() == 1
    assert Notification.objects.filter(kind=NotificationKind.RECOMMENDED).count() == 1


# --- "Recommander à un collègue" -------------------------------------------------------------------------


def test_any_freelancer_sends_an_open_public_project_to_a_colleague(project, other_freelancer, colleague):
    made = recommendation_send(
        user=other_freelancer, project_id=project.pk, colleague_profile_ids=[colleague.pk], note="Pour toi !"
    )

    assert [(r.recommender, r.colleague, r.note, r.invitation) for r in made] == [
        (other_freelancer, colleague.user, "Pour toi !", None)
    ]
    assert _texts(colleague.user, NotificationKind.RECOMMENDED)[0][1] == (
        "Marc Pelletier vous recommande pour ce projet : « Pour toi ! »"
    )


def test_an_invite_only_project_is_sent_on_only_by_an_invited_freelancer(
    owner, freelancer, other_freelancer, colleague
):
    project = ProjectFactory(owner=owner, visibility=Visibility.INVITED, title="Photos du menu")
    with pytest.raises(NotFound):
        recommendation_send(user=other_freelancer, project_id=project.pk, colleague_profile_ids=[colleague.pk])
    invitation_send(user=owner, project_id=project.pk, freelancer_profile_id=freelancer.freelancer_profile.pk)

    recommendation_send(user=freelancer, project_id=project.pk, colleague_profile_ids=[colleague.pk])

    assert _texts(colleague.user, NotificationKind.RECOMMENDED) == [
        (
            "Un·e collègue vous recommande : « Photos du menu »",
            "Julie Gagnon vous recommande pour ce projet. Le projet est sur invitation : "
            "vous pourrez soumissionner quand le client vous invitera.",
        )
    ]


def test_the_client_and_members_without_a_profile_cannot_send_it_on(project, owner, colleague):
    with pytest.raises(PermissionDenied, match="C'est votre projet"):
        recommendation_send(user=owner, project_id=project.pk, colleague_profile_ids=[colleague.pk])
    with pytest.raises(PermissionDenied, match="créez d'abord votre profil de pigiste"):
        recommendation_send(user=UserFactory(), project_id=project.pk, colleague_profile_ids=[colleague.pk])
    assert not Recommendation.objects.exists()


def test_a_project_no_longer_taking_quotes_is_not_sent_on(project, other_freelancer, colleague):
    project.status = ProjectStatus.AWARDED
    project.save()

    with pytest.raises(Conflict, match="Ce projet ne reçoit plus de soumissions"):
        recommendation_send(user=other_freelancer, project_id=project.pk, colleague_profile_ids=[colleague.pk])
    assert not Recommendation.objects.exists()


# --- The client invites in one click ------------------------------------------------------------------


def test_the_client_invites_a_recommended_colleague_on_an_invite_only_project(owner, freelancer, colleague, quote_data):
    project = ProjectFactory(owner=owner, visibility=Visibility.INVITED)
    first = invitation_send(user=owner, project_id=project.pk, freelancer_profile_id=freelancer.freelancer_profile.pk)
    invitation_pass_on(user=freelancer, invitation_id=first.pk, colleague_profile_ids=[colleague.pk])
    recommendation = Recommendation.objects.get()

    invitation = invitation_from_recommendation(user=owner, recommendation_id=recommendation.pk)

    assert (invitation.project, invitation.freelancer) == (project, colleague.user)
    assert Recommendation.objects.get().invitation == invitation
    assert Notification.objects.filter(recipient=colleague.user, kind=NotificationKind.INVITATION).count() == 1
    # Invited, the colleague can now quote on the invite-only project.
    quote_submit(user=colleague.user, project_id=project.pk, data=quote_data)


def test_inviting_someone_already_invited_reuses_the_invitation(invitation, freelancer, colleague, owner, project):
    existing = invitation_send(user=owner, project_id=project.pk, freelancer_profile_id=colleague.pk)
    invitation_pass_on(user=freelancer, invitation_id=invitation.pk, colleague_profile_ids=[colleague.pk])

    again = invitation_from_recommendation(user=owner, recommendation_id=Recommendation.objects.get().pk)
    twice = invitation_from_recommendation(user=owner, recommendation_id=Recommendation.objects.get().pk)

    assert again == twice == existing
    assert Invitation.objects.filter(freelancer=colleague.user).count() == 1
    assert Notification.objects.filter(recipient=colleague.user, kind=NotificationKind.INVITATION).count() == 1


def test_only_the_client_invites_from_a_recommendation(invitation, freelancer, colleague):
    invitation_pass_on(user=freelancer, invitation_id=invitation.pk, colleague_profile_ids=[colleague.pk])
    recommendation = Recommendation.objects.get()

    for someone in (freelancer, colleague.user, UserFactory()):
        with pytest.raises(NotFound, match="Cette recommandation n'existe pas."):
            invitation_from_recommendation(user=someone, recommendation_id=recommendation.pk)
    assert not Invitation.objects.filter(freelancer=colleague.user).exists()


# --- "recommandé·e par N collègues" ------------------------------------------------------------------------


def test_the_count_is_distinct_recommenders_whose_recommendation_led_to_a_quote(owner, colleague):
    colleague_user = colleague.user
    recommenders = [FreelancerProfileFactory().user for _ in range(3)]
    quoted, not_quoted = ProjectFactory(owner=owner), ProjectFactory(owner=owner)
    for recommender in recommenders[:2]:
        recommendation_send(user=recommender, project_id=quoted.pk, colleague_profile_ids=[colleague.pk])
    recommendation_send(user=recommenders[2], project_id=not_quoted.pk, colleague_profile_ids=[colleague.pk])
    # The same recommender again on another project the colleague quoted on: still one colleague.
    second_quoted = ProjectFactory(owner=owner)
    recommendation_send(user=recommenders[0], project_id=second_quoted.pk, colleague_profile_ids=[colleague.pk])
    assert selectors.freelancer_reviews(user_id=colleague_user.pk).recommended_by == 0

    QuoteFactory(project=quoted, freelancer=colleague_user)
    QuoteFactory(project=second_quoted, freelancer=colleague_user)

    assert selectors.freelancer_reviews(user_id=colleague_user.pk).recommended_by == 2
    assert selectors.recommended_by_counts(profile_ids=[colleague.pk, recommenders[0].freelancer_profile.pk]) == {
        colleague.pk: 2
    }
