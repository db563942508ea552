"""Invitations: a client's "demande de soumission" to one freelancer."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common import changes
from marketplace.common.errors import Conflict, NotFound, PermissionDenied
from marketplace.common.inputs import FieldErrors, clean_text
from notifications.models import NotificationKind
from notifications.services import notify
from profiles.models import FreelancerProfile
from projects.models import Invitation, InvitationStatus, Project, Recommendation

from ._common import project_url
from .recommendations import recommendations_create


@transaction.atomic
def invitation_send(*, user, project_id: int, freelancer_profile_id: int, message: str = "") -> Invitation:
    """Invite a freelancer to quote on one of the caller's open projects."""
    profile = FreelancerProfile.objects.select_related("user").filter(pk=freelancer_profile_id, is_hidden=False).first()
    if profile is None:
        raise NotFound(_("Ce profil de pigiste n'existe pas."))
    project = Project.objects.select_for_update().filter(pk=project_id).first()
    if project is None:
        raise NotFound(_("Ce projet n'existe pas."), field="project")
    if project.owner_id != user.pk:
        raise PermissionDenied(_("Vous ne pouvez inviter que sur vos propres projets."), field="project")
    if not project.takes_quotes:
        raise Conflict(_("Ce projet ne reçoit plus de soumissions : choisissez un projet ouvert."), field="project")
    if profile.user_id == user.pk:
        raise Conflict(_("Vous ne pouvez pas vous inviter vous-même."), field="project")
    errors = FieldErrors()
    message = clean_text(message, field="message", errors=errors, max_length=2000)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(project=project, freelancer=profile.user, message=message)
            # Invite-only projects are searchable by their invited freelancers: the document lists them.
            changes.project_changed(project_id=project.pk)
    except IntegrityError as exc:
        raise Conflict(_("Vous avez déjà invité ce pigiste sur ce projet."), field="project") from exc
    notify(
        recipient=profile.user,
        kind=NotificationKind.INVITATION,
        params={"title": project.title, "message": message},
        url=project_url(project.pk),
    )
    return invitation


def _invitation_locked_for_answer(*, user, invitation_id: int) -> tuple[Invitation, Project]:
    """The invitation and its project, locked, when `user` may still answer it; else a clear refusal."""
    project_id = Invitation.objects.filter(pk=invitation_id).values_list("project_id", flat=True).first()
    # The project's row lock first, as quote_submit takes it: a quote also answers the invitation.
    project = Project.objects.select_for_update().filter(pk=project_id).first() if project_id else None
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first() if project else None
    if invitation is None or user.pk not in (invitation.freelancer_id, project.owner_id) or project.is_hidden:
        # Someone else's invitation doesn't exist for you.
        raise NotFound(_("Cette invitation n'existe pas."))
    if invitation.freelancer_id != user.pk:
        raise PermissionDenied(_("Seul le pigiste invité peut répondre à cette invitation."))
    if invitation.status != InvitationStatus.PENDING:
        raise Conflict(_("Vous avez déjà répondu à cette invitation."))
    if not project.takes_quotes:
        raise Conflict(_("Ce projet ne reçoit plus de soumissions."))
    return invitation, project


def _answered(invitation: Invitation, project: Project, *, user, status: str, reason: str = "", names=()) -> None:
    """Save the answer and tell the client, who sees it on the project page."""
    invitation.status = status
    invitation.decline_reason = reason
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "decline_reason", "answered_at", "updated_at"])
    notify(
        recipient=project.owner,
        kind=NotificationKind.INVITATION_ANSWERED,
        params={
            "title": project.title,
            "name": str(user.public_name),
            "answer": status,
            "reason": reason,
            "colleagues": list(names),
        },
        url=project_url(project.pk) + "#invitations",
    )


@transaction.atomic
def invitation_accept(*, user, invitation_id: int) -> Invitation:
    """ "Je soumissionne": the invited freelancer will quote (sending the quote also marks it accepted)."""
    invitation, project = _invitation_locked_for_answer(user=user, invitation_id=invitation_id)
    _answered(invitation, project, user=user, status=InvitationStatus.ACCEPTED)
    return invitation


@transaction.atomic
def invitation_decline(*, user, invitation_id: int, reason: str = "") -> Invitation:
    """ "Non merci", with an optional reason the client reads on the project page."""
    errors = FieldErrors()
    reason = clean_text(reason, field="reason", errors=errors, max_length=1000)
    errors.raise_if_any()
    invitation, project = _invitation_locked_for_answer(user=user, invitation_id=invitation_id)
    _answered(invitation, project, user=user, status=InvitationStatus.DECLINED, reason=reason)
    return invitation


@transaction.atomic
def invitation_pass_on(*, user, invitation_id: int, colleague_profile_ids: Iterable[int], note: str = "") -> Invitation:
    """ "Pas disponible — je recommande…": the answer and the recommendations are saved together, or neither."""
    invitation, project = _invitation_locked_for_answer(user=user, invitation_id=invitation_id)
    made = recommendations_create(
        project=project, recommender=user, colleague_profile_ids=colleague_profile_ids, note=note
    )
    names = [str(r.colleague.public_name) for r in made]
    _answered(invitation, project, user=user, status=InvitationStatus.UNAVAILABLE, names=names)
    return invitation


def invitation_answer(*, user, invitation_id: int, accept: bool) -> Invitation:
    """The dashboard's two buttons: accept, or decline without a reason."""
    if accept:
        return invitation_accept(user=user, invitation_id=invitation_id)
    return invitation_decline(user=user, invitation_id=invitation_id)


@transaction.atomic
def invitation_from_recommendation(*, user, recommendation_id: int) -> Invitation:
    """The client invites a recommended colleague in one click; an existing invitation is simply reused."""
    project_id = Recommendation.objects.filter(pk=recommendation_id).values_list("project_id", flat=True).first()
    project = Project.objects.select_for_update().filter(pk=project_id).first() if project_id else None
    if project is None or project.owner_id != user.pk:
        raise NotFound(_("Cette recommandation n'existe pas."))
    recommendation = Recommendation.objects.select_related("colleague__freelancer_profile").get(pk=recommendation_id)
    invitation = Invitation.objects.filter(project=project, freelancer_id=recommendation.colleague_id).first()
    if invitation is None:
        profile = getattr(recommendation.colleague, "freelancer_profile", None)
        if profile is None:
            raise NotFound(_("Ce profil de pigiste n'existe pas."))
        invitation = invitation_send(user=user, project_id=project.pk, freelancer_profile_id=profile.pk)
    # Every recommendation of this colleague on the project led to this invitation.
    Recommendation.objects.filter(
        project=project, colleague_id=recommendation.colleague_id, invitation__isnull=True
    ).update(invitation=invitation)
    return invitation
