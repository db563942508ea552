"""Writes on quotes: submit, update, withdraw, and the owner's decisions (shortlist, decline, revise, accept)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common import changes
from marketplace.common.errors import Conflict, NotFound, PermissionDenied
from marketplace.common.inputs import FieldErrors, clean_text, parse_bool, parse_date, parse_decimal, parse_int
from marketplace.common.money import format_money
from notifications.models import NotificationKind
from notifications.services import notify
from profiles.models import FreelancerProfile
from projects.models import (
    LIVE_QUOTE_STATUSES,
    MAX_AMOUNT,
    Invitation,
    InvitationStatus,
    Pricing,
    Project,
    ProjectStatus,
    Quote,
    QuoteLineItem,
    QuoteStatus,
    SystemDeclineReason,
    Visibility,
)

from ._common import after_commit_quote_changed, check_amount, decline_live_quotes, project_url, today

QUOTE_FIELDS = (
    "amount",
    "pricing",
    "estimated_hours",
    "delivery_days",
    "delivery_date",
    "charges_taxes",
    "message",
    "line_items",
)
MAX_LINE_ITEMS = 30
MAX_HOURS = Decimal("10000")
MAX_DELIVERY_DAYS = 3650


def _clean_line_items(value, *, errors: FieldErrors) -> list[dict]:
    if not value:
        return []
    if not isinstance(value, list | tuple):
        errors.add("line_items", _("Le détail des coûts doit être une liste de postes."))
        return []
    if len(value) > MAX_LINE_ITEMS:
        errors.add("line_items", _("30 postes au maximum."))
        return []
    items = []
    for item in value:
        if not isinstance(item, Mapping):
            errors.add("line_items", _("Chaque poste a une description et un montant."))
            return []
        description = " ".join(str(item.get("description") or "").split())
        if not description:
            errors.add("line_items", _("Chaque poste a une description."))
            continue
        if len(description) > 200:
            errors.add("line_items", _("La description d'un poste a 200 caractères au maximum."))
            continue
        amount = parse_decimal(item.get("amount"), field="line_items", errors=errors, required=True)
        if amount is None:
            continue
        # A line at 0 $ is a typo or an empty row more often than a gift, and it would not change the sum.
        if amount <= 0:
            errors.add("line_items", _("Le montant d'un poste doit être supérieur à 0 $."))
            continue
        if amount > MAX_AMOUNT:
            errors.add("line_items", _("Le montant d'un poste ne peut pas dépasser 10 000 000 $."))
            continue
        if amount != amount.quantize(Decimal("0.01")):
            errors.add("line_items", _("Le montant d'un poste a au plus deux décimales."))
            continue
        items.append({"description": description, "amount": amount})
    return items


def _check_line_items_total(items: list, *, total: Decimal | None, errors: FieldErrors) -> None:
    """The detail of the costs adds up to the quote's total before taxes, to the cent.

    We refuse the whole quote rather than save a detail that contradicts its price: the client would not
    know which figure the freelancer stands behind.
    """
    if not items or total is None:
        return
    items_total = sum((Decimal(item["amount"]) for item in items), Decimal("0"))
    if items_total != total:
        errors.add(
            "line_items",
            _(
                "Le détail des coûts totalise %(items)s, mais le total de la soumission est de %(total)s : "
                "corrigez les postes ou le montant (écart de %(gap)s)."
            )
            % {
                "items": format_money(items_total),
                "total": format_money(total),
                "gap": format_money(abs(total - items_total)),
            },
        )


def _clean_quote(data: Mapping, *, current: Quote | None) -> dict:
    """Validate a whole quote input (merged with the current values); raise every field error at once."""
    errors = FieldErrors()

    def value(field, default=None):
        if field in data:
            return data[field]
        if current is None:
            return default
        if field == "line_items":
            return None
        return getattr(current, field)

    out: dict = {}
    pricing = value("pricing") or Pricing.FIXED
    if pricing not in Pricing.values:
        errors.add("pricing", _("Choisissez un prix forfaitaire ou un taux horaire."))
    out["pricing"] = pricing
    amount = parse_decimal(value("amount"), field="amount", errors=errors, required=True)
    check_amount(amount, field="amount", errors=errors)
    out["amount"] = amount
    hours = parse_decimal(value("estimated_hours"), field="estimated_hours", errors=errors)
    if pricing == Pricing.HOURLY:
        if hours is None and "estimated_hours" not in errors.errors:
            errors.add("estimated_hours", _("Indiquez le nombre d'heures estimé pour un taux horaire."))
        elif hours is not None and (hours <= 0 or hours > MAX_HOURS):
            errors.add("estimated_hours", _("Le nombre d'heures va de 0,5 à 10 000."))
        elif hours is not None and amount is not None and "amount" not in errors.errors and amount * hours > MAX_AMOUNT:
            errors.add("amount", _("Le total estimé ne peut pas dépasser 10 000 000 $."))
    else:
        hours = None
    out["estimated_hours"] = hours

    days = parse_int(value("delivery_days"), field="delivery_days", errors=errors)
    if days is not None and not (1 <= days <= MAX_DELIVERY_DAYS):
        errors.add("delivery_days", _("Le délai va de 1 à 3650 jours."))
    delivery_date = parse_date(value("delivery_date"), field="delivery_date", errors=errors)
    date_changed = current is None or ("delivery_date" in data and delivery_date != current.delivery_date)
    if delivery_date is not None and date_changed and delivery_date < today():
        errors.add("delivery_date", _("La date de livraison ne peut pas être dans le passé."))
    if days is None and delivery_date is None and not {"delivery_days", "delivery_date"} & errors.errors.keys():
        errors.add("delivery_days", _("Indiquez un délai de livraison en jours ou une date."))
    out["delivery_days"], out["delivery_date"] = days, delivery_date

    out["charges_taxes"] = parse_bool(value("charges_taxes", True))
    out["message"] = clean_text(value("message"), field="message", errors=errors, max_length=5000, required=True)
    line_items = value("line_items")
    out["line_items"] = (
        None if line_items is None and current is not None else _clean_line_items(line_items, errors=errors)
    )
    if not {"amount", "estimated_hours", "line_items"} & errors.errors.keys():
        total = _total_before_taxes(pricing, amount, hours)
        if out["line_items"] is not None:
            _check_line_items_total(out["line_items"], total=total, errors=errors)
        elif total != current.estimated_total:
            # A new price with the detail left as it was: the stored detail must still add up.
            stored = list(current.line_items.values("amount"))
            _check_line_items_total(stored, total=total, errors=errors)
    errors.raise_if_any()
    return out


def _total_before_taxes(pricing: str, amount: Decimal | None, hours: Decimal | None) -> Decimal | None:
    """The figure the detail of costs must add up to: the fixed price, or rate × estimated hours."""
    if amount is None:
        return None
    if pricing == Pricing.HOURLY:
        return None if hours is None else (amount * hours).quantize(Decimal("0.01"))
    return amount


def _save_line_items(quote: Quote, items: list[dict]) -> None:
    quote.line_items.all().delete()
    QuoteLineItem.objects.bulk_create(
        QuoteLineItem(quote=quote, description=item["description"], amount=item["amount"], position=i)
        for i, item in enumerate(items)
    )


def _check_project_takes_quotes(project: Project, *, user) -> None:
    if project.owner_id == user.pk:
        raise PermissionDenied(_("Vous ne pouvez pas soumissionner sur votre propre projet."))
    if project.is_hidden:
        raise NotFound(_("Ce projet n'existe pas."))
    if project.status in (ProjectStatus.DRAFT, ProjectStatus.AWAITING_EMAIL):
        raise NotFound(_("Ce projet n'existe pas."))
    invited = Invitation.objects.filter(project=project, freelancer=user).exists()
    if project.visibility == Visibility.INVITED and not invited:
        # Same answer as a project that doesn't exist: an invite-only project is not public.
        raise NotFound(_("Ce projet n'existe pas."))
    if project.status == ProjectStatus.AWARDED or project.status == ProjectStatus.COMPLETED:
        raise Conflict(_("Ce projet a déjà été attribué : il ne reçoit plus de soumissions."))
    if project.status == ProjectStatus.CANCELLED:
        raise Conflict(_("Ce projet a été annulé : il ne reçoit plus de soumissions."))
    if project.status == ProjectStatus.CLOSED:
        raise Conflict(_("Ce projet est fermé : il ne reçoit plus de soumissions."))
    if not project.takes_quotes:
        raise Conflict(_("La période de soumissions de ce projet est terminée."))


def _lock_project(project_id: int) -> Project:
    project = Project.objects.select_for_update().select_related("owner").filter(pk=project_id).first()
    if project is None:
        raise NotFound(_("Ce projet n'existe pas."))
    return project


@transaction.atomic
def quote_submit(*, user, project_id: int, data: Mapping) -> Quote:
    """Send a quote on an open project; one live quote per freelancer and project."""
    # The project row lock serialises submissions and decisions on one project.
    project = _lock_project(project_id)
    _check_project_takes_quotes(project, user=user)
    if not FreelancerProfile.objects.filter(user=user).exists():
        # A quote is judged on its author's profile: without one the client would see a nameless bid.
        raise PermissionDenied(
            _("Pour soumissionner, créez d'abord votre profil de pigiste."),
            code="profile_required",
            action_url=reverse("profile-edit"),
        )
    if Quote.objects.filter(project=project, freelancer=user, status__in=LIVE_QUOTE_STATUSES).exists():
        raise Conflict(
            _("Vous avez déjà une soumission en cours sur ce projet : modifiez-la plutôt que d'en envoyer une autre.")
        )
    cleaned = _clean_quote(data, current=None)
    items = cleaned.pop("line_items")
    try:
        with transaction.atomic():
            quote = Quote.objects.create(project=project, freelancer=user, **cleaned)
    except IntegrityError as exc:
        raise Conflict(_("Vous avez déjà une soumission en cours sur ce projet.")) from exc
    _save_line_items(quote, items)
    # A quote answers the invitation, even one declined before: the client sees who is in.
    Invitation.objects.filter(project=project, freelancer=user).exclude(status=InvitationStatus.ACCEPTED).update(
        status=InvitationStatus.ACCEPTED, answered_at=timezone.now()
    )
    notify(
        recipient=project.owner,
        kind=NotificationKind.QUOTE_RECEIVED,
        params={"title": project.title, "name": str(user.public_name)},
        url=project_url(project.pk) + "#quotes",
    )
    changes.project_changed(project_id=project.pk)
    after_commit_quote_changed(quote)
    return quote


def _lock_quote(quote_id: int) -> tuple[Project, Quote]:
    """Lock the project first, then the quote: every writer takes them in that order."""
    project_id = Quote.objects.filter(pk=quote_id).values_list("project_id", flat=True).first()
    if project_id is None:
        raise NotFound(_("Cette soumission n'existe pas."))
    project = _lock_project(project_id)
    quote = Quote.objects.select_for_update().select_related("freelancer").get(pk=quote_id)
    return project, quote


def _lock_own_quote(*, user, quote_id: int) -> tuple[Project, Quote]:
    project, quote = _lock_quote(quote_id)
    if quote.freelancer_id != user.pk:
        if project.owner_id == user.pk or user.is_staff:
            raise PermissionDenied(_("Seul l'auteur de la soumission peut faire cela."))
        raise NotFound(_("Cette soumission n'existe pas."))
    return project, quote


def _lock_quote_for_owner(*, user, quote_id: int) -> tuple[Project, Quote]:
    project, quote = _lock_quote(quote_id)
    if project.owner_id != user.pk:
        if quote.freelancer_id == user.pk or user.is_staff:
            raise PermissionDenied(_("Seul l'auteur du projet peut décider des soumissions."))
        raise NotFound(_("Cette soumission n'existe pas."))
    return project, quote


def _check_undecided(project: Project, quote: Quote) -> None:
    if quote.status not in LIVE_QUOTE_STATUSES:
        raise Conflict(
            _("Cette soumission est %(status)s : elle ne peut plus changer.")
            % {"status": str(quote.get_status_display()).lower()}
        )
    if project.status != ProjectStatus.OPEN:
        raise Conflict(
            _("Ce projet n'est plus ouvert (statut : %(status)s).") % {"status": project.get_status_display()}
        )


@transaction.atomic
def quote_update(*, user, quote_id: int, data: Mapping) -> Quote:
    """Change one's own quote while the client hasn't decided; answers a revision request."""
    project, quote = _lock_own_quote(user=user, quote_id=quote_id)
    _check_undecided(project, quote)
    cleaned = _clean_quote({k: v for k, v in data.items() if k in QUOTE_FIELDS}, current=quote)
    items = cleaned.pop("line_items")
    was_revision = quote.revision_requested_at is not None
    for field, val in cleaned.items():
        setattr(quote, field, val)
    quote.revision_requested_at = None
    quote.revision_note = ""
    quote.save()
    if items is not None:
        _save_line_items(quote, items)
    if was_revision:
        notify(
            recipient=project.owner,
            kind=NotificationKind.QUOTE_RECEIVED,
            params={"title": project.title, "name": str(user.public_name), "revised": True},
            url=project_url(project.pk) + "#quotes",
        )
    after_commit_quote_changed(quote)
    return quote


@transaction.atomic
def quote_withdraw(*, user, quote_id: int) -> Quote:
    """Withdraw one's own quote before the client decides."""
    project, quote = _lock_own_quote(user=user, quote_id=quote_id)
    if quote.status not in LIVE_QUOTE_STATUSES:
        raise Conflict(_("Seule une soumission en attente peut être retirée."))
    quote.status = QuoteStatus.WITHDRAWN
    quote.decided_at = timezone.now()
    quote.save(update_fields=["status", "decided_at", "updated_at"])
    changes.project_changed(project_id=project.pk)
    after_commit_quote_changed(quote)
    return quote


@transaction.atomic
def quote_shortlist(*, user, quote_id: int) -> Quote:
    """Put a pending quote on the owner's shortlist."""
    project, quote = _lock_quote_for_owner(user=user, quote_id=quote_id)
    _check_undecided(project, quote)
    if quote.status == QuoteStatus.SHORTLISTED:
        return quote
    quote.status = QuoteStatus.SHORTLISTED
    quote.save(update_fields=["status", "updated_at"])
    after_commit_quote_changed(quote)
    return quote


@transaction.atomic
def quote_decline(*, user, quote_id: int, reason: str = "") -> Quote:
    """Decline a quote, with an optional reason its author will see."""
    project, quote = _lock_quote_for_owner(user=user, quote_id=quote_id)
    _check_undecided(project, quote)
    errors = FieldErrors()
    reason = clean_text(reason, field="reason", errors=errors, max_length=1000)
    errors.raise_if_any()
    quote.status = QuoteStatus.DECLINED
    quote.decline_reason = reason
    quote.decided_at = timezone.now()
    quote.save(update_fields=["status", "decline_reason", "decided_at", "updated_at"])
    notify(
        recipient=quote.freelancer,
        kind=NotificationKind.QUOTE_DECLINED,
        params={"title": project.title, "reason": reason},
        url=project_url(project.pk),
    )
    changes.project_changed(project_id=project.pk)
    after_commit_quote_changed(quote)
    return quote


@transaction.atomic
def quote_request_revision(*, user, quote_id: int, note: str) -> Quote:
    """Ask the author to revise a quote instead of declining it."""
    project, quote = _lock_quote_for_owner(user=user, quote_id=quote_id)
    _check_undecided(project, quote)
    errors = FieldErrors()
    note = clean_text(note, field="note", errors=errors, max_length=1000, required=True)
    errors.raise_if_any()
    quote.revision_requested_at = timezone.now()
    quote.revision_note = note
    quote.save(update_fields=["revision_requested_at", "revision_note", "updated_at"])
    notify(
        recipient=quote.freelancer,
        kind=NotificationKind.REVISION_REQUESTED,
        params={"title": project.title, "note": note},
        url=project_url(project.pk),
    )
    after_commit_quote_changed(quote)
    return quote


@transaction.atomic
def quote_accept(*, user, quote_id: int) -> Quote:
    """Hire the author of a quote: the project becomes awarded and every other live quote is declined."""
    project, quote = _lock_quote_for_owner(user=user, quote_id=quote_id)
    if project.status != ProjectStatus.OPEN:
        if project.status in (ProjectStatus.AWARDED, ProjectStatus.COMPLETED):
            raise Conflict(_("Ce projet a déjà été attribué : une seule soumission peut être acceptée."))
        raise Conflict(
            _("Ce projet n'est plus ouvert (statut : %(status)s).") % {"status": project.get_status_display()}
        )
    if quote.status not in LIVE_QUOTE_STATUSES:
        raise Conflict(_("Seule une soumission en attente ou présélectionnée peut être acceptée."))
    now = timezone.now()
    quote.status = QuoteStatus.ACCEPTED
    quote.decided_at = now
    quote.revision_requested_at = None
    quote.revision_note = ""
    try:
        # The constraint one_accepted_quote_per_project backs the row lock.
        with transaction.atomic():
            quote.save(update_fields=["status", "decided_at", "revision_requested_at", "revision_note", "updated_at"])
    except IntegrityError as exc:
        raise Conflict(_("Ce projet a déjà été attribué : une seule soumission peut être acceptée.")) from exc
    project.status = ProjectStatus.AWARDED
    project.awarded_at = now
    project.save(update_fields=["status", "awarded_at", "updated_at"])
    others = _decline_others(project, accepted=quote)
    notify(
        recipient=quote.freelancer,
        kind=NotificationKind.QUOTE_ACCEPTED,
        params={"title": project.title},
        url=project_url(project.pk),
    )
    for other in others:
        notify(
            recipient=other.freelancer,
            kind=NotificationKind.PROJECT_AWARDED_ELSEWHERE,
            params={"title": project.title},
            url=project_url(project.pk),
        )
    changes.project_changed(project_id=project.pk)
    after_commit_quote_changed(quote)
    return quote


def _decline_others(project: Project, *, accepted: Quote) -> list[Quote]:
    return decline_live_quotes(project, reason=SystemDeclineReason.AWARDED_ELSEWHERE, exclude_id=accepted.pk)
