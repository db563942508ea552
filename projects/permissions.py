"""Access helpers: fetch and check in one call, so no view can forget the check."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import NotFound, PermissionDenied
from projects.models import Invitation, Project, ProjectAttachment, ProjectStatus, Quote, QuoteLineItem, Visibility


def project_is_visible_to(*, user, project: Project, invited: bool | None = None) -> bool:
    """Drafts and projects awaiting their owner's e-mail show to the owner, invite-only ones to the invited,
    hidden ones to staff and owner."""
    is_owner = user.is_authenticated and project.owner_id == user.pk
    if is_owner or (user.is_authenticated and user.is_staff):
        return True
    if project.is_hidden or project.status in (ProjectStatus.DRAFT, ProjectStatus.AWAITING_EMAIL):
        return False
    if project.visibility == Visibility.INVITED:
        if not user.is_authenticated:
            return False
        return _is_involved(user, project) if invited is None else invited
    return True


def _is_involved(user, project: Project) -> bool:
    """Whether a freelancer was invited to the project, quoted on it, or was assigned a line of a joint quote."""
    return (
        Invitation.objects.filter(project=project, freelancer=user).exists()
        or Quote.objects.filter(project=project, freelancer=user).exists()
        or QuoteLineItem.objects.filter(quote__project=project, assignee=user).exists()
    )


def project_get_visible(*, user, project_id: int, queryset=None) -> Project:
    """The project if the user may see it, else NotFound (never a hint it exists)."""
    qs = queryset if queryset is not None else Project.objects.all()
    project = qs.filter(pk=project_id).first()
    if project is None or not project_is_visible_to(user=user, project=project):
        raise NotFound(_("Ce projet n'existe pas."))
    return project


def project_get_for_owner(*, user, project_id: int, queryset=None) -> Project:
    """The project if the user owns it; 404 when they can't even see it, 403 when they can."""
    project = project_get_visible(user=user, project_id=project_id, queryset=queryset)
    if project.owner_id != user.pk:
        raise PermissionDenied(_("Seul l'auteur du projet peut faire cela."))
    return project


def project_documents_readable_by(*, user, project: Project, involved: bool | None = None) -> bool:
    """A project's documents show to its owner, staff, and the freelancers invited to it or who quoted on it."""
    if not user.is_authenticated:
        return False
    if user.is_staff or project.owner_id == user.pk:
        return True
    return _is_involved(user, project) if involved is None else involved


def project_attachment_get_readable(*, user, project_id: int, attachment_id: int) -> ProjectAttachment:
    """The document if the user may download it, else NotFound (never a hint it exists)."""
    attachment = (
        ProjectAttachment.objects.select_related("project").filter(pk=attachment_id, project_id=project_id).first()
    )
    if (
        attachment is None
        or not project_is_visible_to(user=user, project=attachment.project)
        or not project_documents_readable_by(user=user, project=attachment.project)
    ):
        raise NotFound(_("Ce document n'existe pas."))
    return attachment


def quote_is_visible_to(*, user, quote: Quote) -> bool:
    """A quote shows to its author, the project's owner, staff, and the members a joint quote assigns lines."""
    if not user.is_authenticated:
        return False
    if user.is_staff or quote.freelancer_id == user.pk or quote.project.owner_id == user.pk:
        return True
    return quote.collective_id is not None and quote.line_items.filter(assignee=user).exists()


def quote_get_visible(*, user, quote_id: int) -> Quote:
    """The quote if the user may read it, else NotFound (another freelancer's quote doesn't exist for you)."""
    quote = (
        Quote.objects.select_related("project", "freelancer__freelancer_profile", "collective")
        .prefetch_related(
            Prefetch("line_items", queryset=QuoteLineItem.objects.select_related("assignee__freelancer_profile"))
        )
        .filter(pk=quote_id)
        .first()
    )
    if quote is None or not quote_is_visible_to(user=user, quote=quote):
        raise NotFound(_("Cette soumission n'existe pas."))
    return quote


def quote_get_for_author(*, user, quote_id: int) -> Quote:
    """The caller's own quote."""
    quote = quote_get_visible(user=user, quote_id=quote_id)
    if quote.freelancer_id != user.pk:
        raise PermissionDenied(_("Seul l'auteur de la soumission peut faire cela."))
    return quote


def invitation_get_visible(*, user, invitation_id: int) -> Invitation:
    """The invitation for its client and its invited freelancer, else NotFound."""
    invitation = (
        Invitation.objects.select_related("project__owner", "freelancer__freelancer_profile")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not user.is_authenticated:
        raise NotFound(_("Cette invitation n'existe pas."))
    is_owner = invitation.project.owner_id == user.pk
    if not is_owner and (invitation.freelancer_id != user.pk or invitation.project.is_hidden):
        raise NotFound(_("Cette invitation n'existe pas."))
    return invitation
