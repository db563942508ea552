"""Project documents: files the client shares with the freelancers invited to quote."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from marketplace.common.documents import document_check
from marketplace.common.errors import Conflict, NotFound, ValidationFailed
from marketplace.common.quota import storage_quota_check
from marketplace.common.storage import stored_files_delete
from projects.models import ATTACHABLE_STATUSES, Project, ProjectAttachment
from projects.permissions import project_get_for_owner

MAX_ATTACHMENTS_PER_PROJECT = 10


def project_attachments_add(*, user, project_id: int, uploads) -> list[ProjectAttachment]:
    """Add images or PDFs to the caller's project, all or none; only the owner, staff and involved freelancers read them."""
    uploads = list(uploads)
    if not uploads:
        raise ValidationFailed(_("Choisissez un fichier à joindre."), field="file")
    if len(uploads) > MAX_ATTACHMENTS_PER_PROJECT:
        raise _too_many()
    checked = [document_check(upload=upload, field="file") for upload in uploads]
    attachments = [
        ProjectAttachment(
            uploaded_by=user,
            name=document.name,
            content_type=document.content_type,
            size=document.size,
            sha256=document.sha256,
        )
        for document in checked
    ]
    try:
        # Stored before the transaction so no lock is held during an upload to S3; removed if anything refuses.
        for attachment, document in zip(attachments, checked, strict=True):
            attachment.file.save(document.file.name, document.file, save=False)
        with transaction.atomic():
            project = project_get_for_owner(
                user=user, project_id=project_id, queryset=Project.objects.select_for_update()
            )
            if project.status not in ATTACHABLE_STATUSES:
                raise Conflict(
                    _("On ne peut plus ajouter de documents à un projet terminé, annulé ou fermé."), field="file"
                )
            if project.attachments.count() + len(attachments) > MAX_ATTACHMENTS_PER_PROJECT:
                raise _too_many()
            storage_quota_check(user_id=user.pk, incoming=sum(d.size for d in checked), field="file")
            for attachment in attachments:
                attachment.project = project
            ProjectAttachment.objects.bulk_create(attachments)
    except Exception:
        stored_files_delete((a.file.storage, a.file.name) for a in attachments)
        raise
    return attachments


def _too_many() -> ValidationFailed:
    return ValidationFailed(
        _("%(max)s documents au maximum par projet : retirez-en d'abord.") % {"max": MAX_ATTACHMENTS_PER_PROJECT},
        field="file",
    )


def project_attachment_delete(*, user, project_id: int, attachment_id: int) -> None:
    """Remove a document from the caller's project; its file is deleted once the change is committed."""
    with transaction.atomic():
        project = project_get_for_owner(user=user, project_id=project_id)
        attachment = ProjectAttachment.objects.filter(pk=attachment_id, project=project).first()
        if attachment is None:
            raise NotFound(_("Ce document n'existe pas."))
        storage, name = attachment.file.storage, attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: stored_files_delete([(storage, name)]))
