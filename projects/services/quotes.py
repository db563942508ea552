"""Writes on quotes: submit, update, withdraw, and the owner's decisions (shortlist, decline, revise, accept)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collectives.models import Collective
from collectives.selectors import active_members, is_admin
from marketplace.common import changes
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.common.inputs import FieldErrors, clean_text, parse_bool, parse_date, parse_decimal, parse_int
from marketplace.common.money import format_money
from notifications.models import NotificationKind
from notifications.services import notify
from profiles.models import FreelancerProfile, User
from projects import hooks
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


def _clean_assignee(item: Mapping, *, members: set[int] | None, errors: FieldErrors) -> tuple[bool, int | None]:
    """A line's member on a joint quote (`members`: the collective's active members); (ok, user id or None)."""
    raw = item.get("assignee")
    if raw in (None, ""):
        return True, None
    if members is None:
        errors.add("line_items", _("Seule une soumission commune d'un collectif assigne ses postes à des membres."))
        return False, None
    try:
        assignee = int(raw)
    except (TypeError, ValueError):
        assignee = None
    if assignee is None or assignee not in members:
        errors.add(
            "line_items", _("Chaque poste est assigné à un membre actif du collectif, ou au collectif lui-même.")
        )
        return False, None
    return True, assignee


def _clean_line_items(value, *, errors: FieldErrors, members: set[int] | None = None) -> list[dict]:
    if not value:
        if members is not None:
            errors.add("line_items", _("Une soumission commune détaille ses postes et qui fait chacun."))
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
        ok, assignee = _clean_assignee(item, members=members, errors=errors)
        if not ok:
            continue
        items.append({"description": description, "amount": amount, "assignee": assignee})
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


def _clean_quote(data: Mapping, *, current: Quote | None, members: set[int] | None = None) -> dict:
    """Validate a whole quote input (merged with the current values); raise every field error at once.

    `members`: on a joint quote, the ids of the collective's active members, who may be assigned lines.
    """
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
        None
        if line_items is None and current is not None
        else _clean_line_items(line_items, errors=errors, members=members)
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
        QuoteLineItem(
            quote=quote,
            description=item["description"],
            amount=item["amount"],
            assignee_id=item.get("assignee"),
            position=i,
        )
        for i, item in enumerate(items)
    )


def _check_project_takes_quotes(project: Project, *, user, members: set[int] | None = None) -> None:
    if project.owner_id == user.pk:
        raise PermissionDenied(_("Vous ne pouvez pas soumissionner sur votre propre projet."))
    if project.is_hidden:
        raise NotFound(_("Ce projet n'existe pas."))
    if project.status in (ProjectStatus.DRAFT, ProjectStatus.AWAITING_EMAIL):
        raise NotFound(_("Ce projet n'existe pas."))
    # A collective answers an invitation sent to any of its active members.
    invited = Invitation.objects.filter(project=project, freelancer_id__in=members or {user.pk}).exists()
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


def _active_member_ids(collective: Collective) -> set[int]:
    return set(active_members(collective).values_list("pk", flat=True))


def _collective_for_quote(data: Mapping, *, user) -> tuple[Collective | None, set[int] | None]:
    """The collective a joint quote is sent for, and its active members; (None, None) for one's own quote."""
    raw = data.get("collective")
    if raw in (None, ""):
        return None, None
    try:
        collective_id = int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Choisissez un collectif dont vous êtes membre."), field="collective") from None
    collective = Collective.objects.filter(pk=collective_id).first()
    members = _active_member_ids(collective) if collective is not None else set()
    if collective is None or user.pk not in members:
        raise ValidationFailed(_("Choisissez un collectif dont vous êtes membre."), field="collective")
    if not is_admin(collective, user):
        raise PermissionDenied(
            _("Seuls les administrateurs du collectif peuvent envoyer une soumission commune."), field="collective"
        )
    return collective, members


def _live_quotes_involving(project: Project, user_ids: set[int]):
    """The project's live quotes in which one of these people works: as author or assigned a line."""
    return Quote.objects.filter(project=project, status__in=LIVE_QUOTE_STATUSES).filter(
        Q(freelancer_id__in=user_ids) | Q(line_items__assignee_id__in=user_ids)
    )


def _check_one_live_quote(project: Project, *, user, collective, items: list[dict], exclude_id=None) -> None:
    """One live quote per person and project, alone or in a collective, and one per collective.

    A person in two live quotes on one project (alone and in a collective, or in two collectives) would
    compete with themself and could be hired twice for the same hours: the client could not tell who
    stands behind which price.
    """
    if collective is not None:
        same_collective = Quote.objects.filter(project=project, collective=collective, status__in=LIVE_QUOTE_STATUSES)
        if same_collective.exclude(pk=exclude_id).exists():
            raise Conflict(
                _("%(collective)s a déjà une soumission commune en cours sur ce projet : modifiez-la plutôt.")
                % {"collective": collective.name},
                field="collective",
            )
    people = {user.pk} | {item["assignee"] for item in items if item.get("assignee")}
    taken = _live_quotes_involving(project, people).exclude(pk=exclude_id).select_related("collective").first()
    if taken is None:
        return
    if collective is None and taken.collective_id is None:
        raise Conflict(
            _("Vous avez déjà une soumission en cours sur ce projet : modifiez-la plutôt que d'en envoyer une autre.")
        )
    busy = people & (
        {taken.freelancer_id} | set(taken.line_items.exclude(assignee=None).values_list("assignee_id", flat=True))
    )
    names = ", ".join(sorted(str(u.public_name) for u in User.objects.filter(pk__in=busy)))
    where = (
        _("la soumission commune de %(collective)s") % {"collective": taken.collective.name}
        if taken.collective_id
        else _("sa propre soumission")
    )
    raise Conflict(
        _(
            "%(names)s participe déjà à %(where)s sur ce projet : une personne ne peut être que dans une "
            "soumission en cours par projet."
        )
        % {"names": names, "where": where}
    )


def _tell_assigned_members(quote: Quote, *, project: Project, already: set[int] = frozenset()) -> None:
    """Each member newly assigned a line hears of it; messaging adds them to the client's conversation."""
    assigned = set(quote.line_items.exclude(assignee=None).values_list("assignee_id", flat=True))
    for member in User.objects.filter(pk__in=assigned - set(already) - {quote.freelancer_id}):
        notify(
            recipient=member,
            kind=NotificationKind.JOINT_QUOTE_ASSIGNED,
            params={"title": project.title, "collective": quote.collective.name},
            url=project_url(project.pk),
        )
    hooks.joint_quote_changed(quote=quote)


@transaction.atomic
def quote_submit(*, user, project_id: int, data: Mapping) -> Quote:
    """Send a quote on an open project: one's own, or a joint quote for a collective (`data["collective"]`).

    One live quote per person and project, whether alone or in a collective (see `_check_one_live_quote`).
    """
    # The project row lock serialises submissions and decisions on one project.
    project = _lock_project(project_id)
    collective, members = _collective_for_quote(data, user=user)
    _check_project_takes_quotes(project, user=user, members=members)
    if not FreelancerProfile.objects.filter(user=user).exists():
        # A quote is judged on its author's profile: without one the client would see a nameless bid.
        raise PermissionDenied(
            _("Pour soumissionner, créez d'abord votre profil de pigiste."),
            code="profile_required",
            action_url=reverse("profile-edit"),
        )
    _check_one_live_quote(project, user=user, collective=collective, items=[])
    cleaned = _clean_quote(data, current=None, members=members)
    items = cleaned.pop("line_items")
    _check_one_live_quote(project, user=user, collective=collective, items=items)
    try:
        with transaction.atomic():
            quote = Quote.objects.create(project=project, freelancer=user, collective=collective, **cleaned)
    except IntegrityError as exc:
        raise Conflict(_("Vous avez déjà une soumission en cours sur ce projet.")) from exc
    _save_line_items(quote, items)
    if collective is not None:
        _tell_assigned_members(quote, project=project)
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
        # The members a joint quote assigns read it (permissions.quote_is_visible_to): they are told why not.
        assigned = quote.collective_id is not None and quote.line_items.filter(assignee=user).exists()
        if project.owner_id == user.pk or user.is_staff or assigned:
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
    members = None
    if quote.collective_id is not None:
        members = _active_member_ids(quote.collective)
        if user.pk not in members:
            raise PermissionDenied(_("Vous n'êtes plus membre actif de ce collectif."))
    cleaned = _clean_quote({k: v for k, v in data.items() if k in QUOTE_FIELDS}, current=quote, members=members)
    items = cleaned.pop("line_items")
    assigned_before = set(quote.line_items.exclude(assignee=None).values_list("assignee_id", flat=True))
    if items is not None and members is not None:
        _check_one_live_quote(project, user=user, collective=quote.collective, items=items, exclude_id=quote.pk)
    was_revision = quote.revision_requested_at is not None
    for field, val in cleaned.items():
        setattr(quote, field, val)
    quote.revision_requested_at = None
    quote.revision_note = ""
    quote.save()
    if items is not None:
        _save_line_items(quote, items)
        if quote.collective_id is not None:
            _tell_assigned_members(quote, project=project, already=assigned_before)
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
    return accept_locked(project, quote, actor=user)


def accept_locked(project: Project, quote: Quote, *, actor) -> Quote:
    """The one accept: the caller holds the project and quote row locks (`_lock_quote`) inside its transaction.

    `quote_accept` (the client hires) and an accepted counter-offer (either side agrees) both end here;
    whoever acts is not told of their own action.
    """
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
    # A joint quote is accepted as one: its author and every member assigned a line are hired.
    hired = [quote.freelancer, *User.objects.filter(pk__in=_assignee_ids(quote)).exclude(pk=quote.freelancer_id)]
    for person in hired:
        if person.pk == actor.pk:
            continue
        notify(
            recipient=person,
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
    hooks.quote_accepted(quote=quote)
    return quote


def _decline_others(project: Project, *, accepted: Quote) -> list[Quote]:
    return decline_live_quotes(project, reason=SystemDeclineReason.AWARDED_ELSEWHERE, exclude_id=accepted.pk)


def _assignee_ids(quote: Quote) -> set[int]:
    if quote.collective_id is None:
        return set()
    return set(quote.line_items.exclude(assignee=None).values_list("assignee_id", flat=True))


def joint_quote_member_removal_check(collective, member) -> None:
    """Refuse a member's departure from a collective while they have lines on one of its live joint quotes.

    The client would be left with a quote naming someone who no longer answers for that work; the admin
    first reassigns the lines (or withdraws the quote).
    """
    live = Quote.objects.filter(collective=collective, status__in=LIVE_QUOTE_STATUSES)
    titles = sorted(
        set(live.filter(Q(line_items__assignee=member) | Q(freelancer=member)).values_list("project__title", flat=True))
    )
    if titles:
        raise Conflict(
            _(
                "%(name)s a des postes dans une soumission commune en cours (%(projects)s) : "
                "réassignez ces postes ou retirez la soumission d'abord."
            )
            % {"name": str(member.public_name), "projects": ", ".join(titles)}
        )
