"""Members' reports and staff moderation."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.errors import Conflict, NotFound, PermissionDenied
from profiles.models import (
    FreelancerProfile,
    Report,
    User,
)
from search.outbox import outbox_record_profile, outbox_record_project

from ._common import Errors, clean_text

REPORT_KINDS = ("project", "profile", "review")


def _report_target_model(kind: str):
    from projects.models import Project, Review

    return {"project": Project, "profile": FreelancerProfile, "review": Review}.get(kind)


# Who wrote or owns each kind of item: they can't report themselves.
_AUTHOR_FIELD = {"project": "owner_id", "profile": "user_id", "review": "author_id"}


def report_create(*, reporter: User, kind: str, object_id: int, reason: str, details: str = "") -> Report:
    """Report a project, profile or review to staff; one open report per reporter and item."""
    model = _report_target_model(kind)
    if model is None:
        raise NotFound(_("On ne peut pas signaler ce type d'élément."))
    target = model.objects.filter(pk=object_id, is_hidden=False).first()
    if target is None:
        raise NotFound(_("Cet élément n'existe pas ou a déjà été masqué."))
    if getattr(target, _AUTHOR_FIELD[kind]) == reporter.pk:
        raise PermissionDenied(_("Vous ne pouvez pas signaler votre propre contenu."))
    errors = Errors()
    if reason not in Report.Reason.values:
        errors.add("reason", _("Choisissez une raison dans la liste."))
    details = clean_text(errors, "details", details, max_length=2000)
    errors.raise_if_any()
    content_type = ContentType.objects.get_for_model(model)
    already = _("Vous avez déjà signalé cet élément. L'équipe s'en occupe.")
    if Report.objects.filter(
        reporter=reporter, content_type=content_type, object_id=target.pk, status=Report.Status.OPEN
    ).exists():
        raise Conflict(already)
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, content_type=content_type, object_id=target.pk, reason=reason, details=details
            )
    except IntegrityError:
        # Two submissions racing: the partial unique constraint lets only one through.
        raise Conflict(already) from None


def report_hide_target(*, staff_user: User, report_id: int) -> Report:
    """Hide the reported item (staff only) and close every open report about it."""
    from projects.models import Project, Review
    from projects.services import freelancer_rating_refresh

    if not staff_user.is_staff:
        raise PermissionDenied(_("Réservé à l'équipe de modération."))
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("content_type").filter(pk=report_id).first()
        if report is None:
            raise NotFound(_("Ce signalement n'existe pas."))
        model = report.content_type.model_class()
        target = model.objects.select_for_update().filter(pk=report.object_id).first()
        if target is not None and not target.is_hidden:
            target.is_hidden = True
            target.save(update_fields=["is_hidden", "updated_at"])
            if model is FreelancerProfile:
                outbox_record_profile(profile_id=target.pk)
            elif model is Project:
                outbox_record_project(project_id=target.pk)
            elif model is Review:
                # The subject's average must no longer count the hidden review.
                freelancer_rating_refresh(user_id=target.subject_id)
                subject_profile = (
                    FreelancerProfile.objects.filter(user_id=target.subject_id).values_list("pk", flat=True).first()
                )
                if subject_profile:
                    outbox_record_profile(profile_id=subject_profile)
        Report.objects.filter(
            content_type=report.content_type, object_id=report.object_id, status=Report.Status.OPEN
        ).update(status=Report.Status.HIDDEN, updated_at=timezone.now())
        report.refresh_from_db()
    return report


def report_dismiss(*, staff_user: User, report_id: int) -> Report:
    """Close a report without action (staff only)."""
    if not staff_user.is_staff:
        raise PermissionDenied(_("Réservé à l'équipe de modération."))
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise NotFound(_("Ce signalement n'existe pas."))
        if report.status == Report.Status.OPEN:
            report.status = Report.Status.DISMISSED
            report.save(update_fields=["status", "updated_at"])
    return report
