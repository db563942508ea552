"""Members' reports and staff moderation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common import changes
from marketplace.common.errors import Conflict, NotFound, PermissionDenied
from marketplace.common.inputs import FieldErrors, clean_text
from profiles.models import (
    FreelancerProfile,
    Report,
    User,
)

REPORT_KINDS = ("project", "profile", "review")


@dataclass(frozen=True)
class ReportTarget:
    """A kind of item members can report: its model, who wrote it, and what hiding it changes besides."""

    model: type[models.Model]
    author_field: str  # who wrote or owns the item: they can't report themselves
    on_hidden: Callable[[Any], None]  # called in the hiding transaction, once `is_hidden` is saved


def _profile_hidden(profile: FreelancerProfile) -> None:
    changes.profile_changed(profile_id=profile.pk)


# Projects and reviews belong to the projects app, above this one: it registers them (ProjectsConfig.ready).
_TARGETS: dict[str, ReportTarget] = {
    "profile": ReportTarget(model=FreelancerProfile, author_field="user_id", on_hidden=_profile_hidden),
}


def report_target_register(*, kind: str, model: type[models.Model], author_field: str, on_hidden) -> None:
    """Let members report items of `kind` (one of REPORT_KINDS) to staff; `on_hidden(item)` follows a hide."""
    if kind not in REPORT_KINDS:
        raise ValueError(f"Unknown report kind {kind!r}: add it to REPORT_KINDS and the report page.")
    _TARGETS[kind] = ReportTarget(model=model, author_field=author_field, on_hidden=on_hidden)


def report_create(*, reporter: User, kind: str, object_id: int, reason: str, details: str = "") -> Report:
    """Report a project, profile or review to staff; one open report per reporter and item."""
    spec = _TARGETS.get(kind)
    if spec is None:
        raise NotFound(_("On ne peut pas signaler ce type d'élément."))
    model = spec.model
    target = model.objects.filter(pk=object_id, is_hidden=False).first()
    if target is None:
        raise NotFound(_("Cet élément n'existe pas ou a déjà été masqué."))
    if getattr(target, spec.author_field) == reporter.pk:
        raise PermissionDenied(_("Vous ne pouvez pas signaler votre propre contenu."))
    errors = FieldErrors()
    if reason not in Report.Reason.values:
        errors.add("reason", _("Choisissez une raison dans la liste."))
    details = clean_text(details, field="details", errors=errors, max_length=2000)
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
            for spec in _TARGETS.values():
                if spec.model is model:
                    spec.on_hidden(target)
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
