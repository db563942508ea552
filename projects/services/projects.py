"""Writes on projects: create, update, publish, cancel, complete, and closing overdue ones.

Publishing opens a project only for an owner whose e-mail is confirmed; before that it waits, seen by its
owner alone, and opens when they confirm (project_publish_awaiting_email): a throwaway account can't post.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common import changes
from marketplace.common.errors import Conflict, NotFound, PermissionDenied
from marketplace.common.inputs import (
    FieldErrors,
    clean_text,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_list,
)
from notifications.models import NotificationKind
from notifications.services import notify
from profiles.models import FreelancerProfile, Municipality, Skill, skill_key
from profiles.selectors import account_email_confirmed
from projects.models import (
    BudgetType,
    Category,
    Project,
    ProjectStatus,
    Quote,
    QuoteStatus,
    SystemDeclineReason,
    Visibility,
)

from ._common import check_amount, decline_live_quotes, project_url, today

PROJECT_FIELDS = (
    "title",
    "description",
    "category",
    "skills",
    "budget_type",
    "budget_min",
    "budget_max",
    "deadline",
    "starts_on",
    "municipality",
    "remote",
    "quotes_due",
    "visibility",
)
MAX_SKILLS = 15
DEFAULT_QUOTES_DAYS = 14
# Days an owner has after the closing date to decide before the project closes by itself.
DECISION_GRACE_DAYS = 7


def _skill_names(value, *, errors: FieldErrors) -> list[str]:
    cleaned, seen = [], set()
    for raw in parse_list(value, field="skills", errors=errors, message=_("Donnez une liste de compétences.")):
        name = " ".join(str(raw).split())
        key = skill_key(name)
        if not name or not key or key in seen:
            continue
        if len(name) > 60:
            errors.add("skills", _("Une compétence a 60 caractères au maximum."))
            continue
        seen.add(key)
        cleaned.append(name)
    if len(cleaned) > MAX_SKILLS:
        errors.add("skills", _("15 compétences au maximum."))
    return cleaned


def _skills_from_names(names: list[str]) -> list[Skill]:
    """Existing skills by their normalised key, created when new."""
    skills = []
    for name in names:
        skill, _created = Skill.objects.get_or_create(slug=skill_key(name), defaults={"name": name})
        skills.append(skill)
    return skills


def _clean_project(data: Mapping, *, current: Project | None) -> dict:
    """Validate a whole project input (merged with the current values); raise every field error at once."""
    errors = FieldErrors()

    def given(field):
        return field in data

    def value(field, default=None):
        if given(field):
            return data[field]
        if current is None:
            return default
        if field == "municipality":
            return current.municipality_id
        if field == "skills":
            return None
        return getattr(current, field)

    out: dict = {}
    out["title"] = clean_text(value("title"), field="title", errors=errors, max_length=120, required=True)
    out["description"] = clean_text(
        value("description"), field="description", errors=errors, max_length=10000, required=True
    )
    category = value("category") or ""
    if category not in Category.values:
        errors.add("category", _("Choisissez une catégorie de la liste."))
    out["category"] = category

    budget_type = value("budget_type") or BudgetType.TO_DISCUSS
    if budget_type not in BudgetType.values:
        errors.add("budget_type", _("Choisissez un type de budget valide."))
    out["budget_type"] = budget_type
    budget_min = parse_decimal(value("budget_min"), field="budget_min", errors=errors)
    budget_max = parse_decimal(value("budget_max"), field="budget_max", errors=errors)
    if budget_type == BudgetType.TO_DISCUSS:
        # "À discuter" has no figures; keeping stale ones would mislead freelancers.
        budget_min = budget_max = None
    else:
        check_amount(budget_min, field="budget_min", errors=errors)
        check_amount(budget_max, field="budget_max", errors=errors)
        if (
            budget_min is None
            and budget_max is None
            and "budget_min" not in errors.errors
            and "budget_max" not in errors.errors
        ):
            errors.add("budget_max", _("Indiquez un budget, ou choisissez « À discuter »."))
        if (
            budget_min is not None
            and budget_max is not None
            and "budget_min" not in errors.errors
            and "budget_max" not in errors.errors
            and budget_min > budget_max
        ):
            errors.add("budget_min", _("Le budget minimum ne peut pas dépasser le budget maximum."))
    out["budget_min"], out["budget_max"] = budget_min, budget_max

    deadline = parse_date(value("deadline"), field="deadline", errors=errors)
    # A date already saved may lie in the past by now; only a newly given one is checked.
    deadline_changed = current is None or (given("deadline") and deadline != current.deadline)
    if deadline is not None and deadline_changed and deadline < today():
        errors.add("deadline", _("L'échéance ne peut pas être dans le passé."))
    out["deadline"] = deadline

    starts_on = parse_date(value("starts_on"), field="starts_on", errors=errors)
    starts_on_changed = current is None or (given("starts_on") and starts_on != current.starts_on)
    if starts_on is not None and starts_on_changed and starts_on < today():
        errors.add("starts_on", _("Le début souhaité ne peut pas être dans le passé."))
    out["starts_on"] = starts_on

    quotes_due = parse_date(value("quotes_due"), field="quotes_due", errors=errors)
    if quotes_due is None and "quotes_due" not in errors.errors:
        quotes_due = today() + datetime.timedelta(days=DEFAULT_QUOTES_DAYS)
    quotes_due_changed = current is None or (given("quotes_due") and quotes_due != current.quotes_due)
    if quotes_due is not None and quotes_due_changed and quotes_due < today():
        errors.add("quotes_due", _("La date limite des soumissions ne peut pas être dans le passé."))
    out["quotes_due"] = quotes_due

    municipality_id = parse_int(value("municipality"), field="municipality", errors=errors)
    if municipality_id is not None and not Municipality.objects.filter(pk=municipality_id).exists():
        errors.add("municipality", _("Cette municipalité n'existe pas. Choisissez-en une dans la liste."))
    out["municipality_id"] = municipality_id
    out["remote"] = parse_bool(value("remote", False))
    if municipality_id is None and not out["remote"] and "municipality" not in errors.errors:
        errors.add("municipality", _("Indiquez une municipalité, ou précisez que le travail peut se faire à distance."))

    visibility = value("visibility") or Visibility.PUBLIC
    if visibility not in Visibility.values:
        errors.add("visibility", _("Choisissez une visibilité valide."))
    out["visibility"] = visibility

    skills = value("skills")
    out["skills"] = None if skills is None and current is not None else _skill_names(skills, errors=errors)

    errors.raise_if_any()
    return out


def _apply(project: Project, cleaned: dict) -> None:
    for field, val in cleaned.items():
        if field != "skills":
            setattr(project, field, val)


def project_validate(*, data: Mapping) -> None:
    """Check a new project's fields without saving, e.g. before a visitor signs up to publish it."""
    _clean_project(data, current=None)


def _open_or_await_email(project: Project, *, owner) -> None:
    """Open the project to quotes, or keep it for its owner until they confirm their e-mail."""
    if account_email_confirmed(user=owner):
        project.status = ProjectStatus.OPEN
        project.published_at = timezone.now()
    else:
        project.status = ProjectStatus.AWAITING_EMAIL


@transaction.atomic
def project_create(*, owner, data: Mapping, publish: bool = False) -> Project:
    """Create a project from its fields, as a draft or published (awaiting the owner's e-mail if unconfirmed)."""
    cleaned = _clean_project(data, current=None)
    project = Project(owner=owner)
    _apply(project, cleaned)
    if publish:
        _open_or_await_email(project, owner=owner)
    project.save()
    project.skills.set(_skills_from_names(cleaned["skills"]))
    changes.project_changed(project_id=project.pk)
    return project


def _lock_project(project_id: int) -> Project:
    project = Project.objects.select_for_update().filter(pk=project_id).first()
    if project is None:
        raise NotFound(_("Ce projet n'existe pas."))
    return project


def _lock_owned_project(*, user, project_id: int) -> Project:
    project = _lock_project(project_id)
    if project.owner_id != user.pk:
        raise PermissionDenied(_("Seul l'auteur du projet peut faire cela."))
    return project


@transaction.atomic
def project_update(*, user, project_id: int, data: Mapping) -> Project:
    """Change some fields of a project; only its owner, and not once awarded."""
    project = _lock_owned_project(user=user, project_id=project_id)
    if project.status not in (ProjectStatus.DRAFT, ProjectStatus.AWAITING_EMAIL, ProjectStatus.OPEN):
        raise Conflict(
            _("Ce projet ne peut plus être modifié (statut : %(status)s).") % {"status": project.get_status_display()}
        )
    cleaned = _clean_project({k: v for k, v in data.items() if k in PROJECT_FIELDS}, current=project)
    _apply(project, cleaned)
    project.save()
    if cleaned["skills"] is not None:
        project.skills.set(_skills_from_names(cleaned["skills"]))
    changes.project_changed(project_id=project.pk)
    return project


@transaction.atomic
def project_publish(*, user, project_id: int) -> Project:
    """Open a draft to quotes (or have it await the owner's e-mail confirmation)."""
    project = _lock_owned_project(user=user, project_id=project_id)
    if project.status != ProjectStatus.DRAFT:
        raise Conflict(_("Seul un brouillon peut être publié."))
    if project.quotes_due < today():
        raise Conflict(
            _("La date limite des soumissions est passée : changez-la avant de publier."), field="quotes_due"
        )
    _open_or_await_email(project, owner=user)
    project.save(update_fields=["status", "published_at", "updated_at"])
    changes.project_changed(project_id=project.pk)
    return project


@transaction.atomic
def project_publish_awaiting_email(*, user) -> list[Project]:
    """Open what the owner published before confirming their e-mail, once it is confirmed; safe to run twice.

    One whose closing date passed while it waited becomes a draft: opening it would take no quote, and its
    owner publishes it again after choosing a new date.
    """
    if not account_email_confirmed(user=user):
        return []
    projects = list(
        Project.objects.select_for_update().filter(owner_id=user.pk, status=ProjectStatus.AWAITING_EMAIL).order_by("id")
    )
    now = timezone.now()
    for project in projects:
        if project.quotes_due < today():
            project.status = ProjectStatus.DRAFT
        else:
            project.status = ProjectStatus.OPEN
            project.published_at = now
        project.save(update_fields=["status", "published_at", "updated_at"])
        changes.project_changed(project_id=project.pk)
    return projects


def _close_and_tell_bidders(project: Project, *, status: str, reason: SystemDeclineReason, cause: str) -> None:
    """Close a locked project: its live quotes are declined for `reason`, and each author is told why (`cause`)."""
    project.status = status
    project.closed_at = timezone.now()
    project.save(update_fields=["status", "closed_at", "updated_at"])
    for quote in decline_live_quotes(project, reason=reason):
        notify(
            recipient=quote.freelancer,
            kind=NotificationKind.PROJECT_CLOSED,
            params={"title": project.title, "cause": cause},
            url=project_url(project.pk),
        )
    changes.project_changed(project_id=project.pk)


@transaction.atomic
def project_cancel(*, user, project_id: int) -> Project:
    """Cancel an open (or draft) project; live quotes are declined and their authors told."""
    project = _lock_owned_project(user=user, project_id=project_id)
    if project.status not in (ProjectStatus.DRAFT, ProjectStatus.AWAITING_EMAIL, ProjectStatus.OPEN):
        raise Conflict(_("Seul un projet ouvert peut être annulé."))
    _close_and_tell_bidders(
        project, status=ProjectStatus.CANCELLED, reason=SystemDeclineReason.PROJECT_CANCELLED, cause="cancelled"
    )
    return project


@transaction.atomic
def project_complete(*, user, project_id: int) -> Project:
    """Mark an awarded project as completed; the hired freelancer's count goes up."""
    project = _lock_owned_project(user=user, project_id=project_id)
    if project.status != ProjectStatus.AWARDED:
        raise Conflict(_("Seul un projet attribué peut être marqué comme terminé."))
    project.status = ProjectStatus.COMPLETED
    project.completed_at = timezone.now()
    project.save(update_fields=["status", "completed_at", "updated_at"])
    accepted = (
        Quote.objects.filter(project=project, status=QuoteStatus.ACCEPTED)
        .values_list("freelancer_id", flat=True)
        .first()
    )
    if accepted is not None:
        profile_id = FreelancerProfile.objects.filter(user_id=accepted).values_list("pk", flat=True).first()
        if profile_id is not None:
            FreelancerProfile.objects.filter(pk=profile_id).update(
                completed_projects_count=F("completed_projects_count") + 1
            )
            changes.profile_changed(profile_id=profile_id)
    changes.project_changed(project_id=project.pk)
    return project


def project_send_decision_reminders(*, on: datetime.date | None = None) -> int:
    """Remind owners whose project passed its closing date without a decision; once per project."""
    on = on or today()
    ids = list(
        Project.objects.filter(status=ProjectStatus.OPEN, quotes_due__lt=on, reminder_sent_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    sent = 0
    for project_id in ids:
        # One transaction per project: a failure on one doesn't undo the others' reminders.
        with transaction.atomic():
            project = Project.objects.select_for_update().select_related("owner").get(pk=project_id)
            if project.status != ProjectStatus.OPEN or project.reminder_sent_at is not None:
                continue
            project.reminder_sent_at = timezone.now()
            project.save(update_fields=["reminder_sent_at", "updated_at"])
            close_on = today() + datetime.timedelta(days=DECISION_GRACE_DAYS)
            notify(
                recipient=project.owner,
                kind=NotificationKind.DECISION_REMINDER,
                params={"title": project.title, "close_on": close_on.isoformat()},
                url=project_url(project.pk),
            )
            sent += 1
    return sent


def project_close_overdue(*, now: datetime.datetime | None = None) -> int:
    """Close projects still undecided a grace period after their owner was reminded, and tell every bidder."""
    now = now or timezone.now()
    # Counted from the reminder, not the closing date: the owner always gets the full grace period.
    limit = now - datetime.timedelta(days=DECISION_GRACE_DAYS)
    ids = list(
        Project.objects.filter(status=ProjectStatus.OPEN, reminder_sent_at__lte=limit).values_list("pk", flat=True)
    )
    closed = 0
    for project_id in ids:
        with transaction.atomic():
            project = Project.objects.select_for_update().get(pk=project_id)
            if project.status != ProjectStatus.OPEN:
                continue
            _close_and_tell_bidders(
                project, status=ProjectStatus.CLOSED, reason=SystemDeclineReason.PROJECT_CLOSED, cause="no_decision"
            )
            closed += 1
    return closed
