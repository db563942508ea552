"""Invitations: a client's "demande de soumission" to one freelancer."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common import changes
from marketplace.common.errors import Conflict, NotFound, PermissionDenied
from marketplace.common.inputs import FieldErrors, clean_text
from notifications.models import NotificationKind
from notifications.services import notify
from profiles.models import FreelancerProfile
from projects.models import Invitation, InvitationStatus, Project

from ._common import project_url


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


@transaction.atomic
def invitation_answer(*, user, invitation_id: int, accept: bool) -> Invitation:
    """The invited freelancer accepts (a quote will follow) or declines; one answer per invitation."""
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
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at", "updated_at"])
    return invitation
