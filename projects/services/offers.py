"""Counter-offers on a live quote: the client proposes a price and delay, the freelancer accepts, declines or
counters back, and so on; one offer is open at a time, and accepting one is the quote's one accept."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.common.inputs import FieldErrors, clean_text, parse_date, parse_decimal, parse_int
from notifications.models import NotificationKind
from notifications.services import notify
from projects.models import MAX_AMOUNT, OfferStatus, Pricing, Project, Quote, QuoteOffer
from projects.permissions import quote_is_visible_to

from ._common import after_commit_quote_changed, check_amount, today
from .quotes import MAX_DELIVERY_DAYS, _check_undecided, _lock_quote, accept_locked

OFFER_FIELDS = ("amount", "delivery_days", "delivery_date", "message")
MAX_OFFER_MESSAGE = 2000
_CENT = Decimal("0.01")


def quote_offers_url(quote_id: int) -> str:
    return reverse("quote-offers", args=[quote_id])


def _lock_for_party(*, user, quote_id: int) -> tuple[Project, Quote, bool]:
    """The project and quote, locked, and whether `user` is the client (else the quote's author).

    Anyone else who may read the quote (staff, a joint quote's members) is told why not; a stranger gets 404.
    """
    project, quote = _lock_quote(quote_id)
    quote.project = project
    if project.owner_id == user.pk:
        return project, quote, True
    if quote.freelancer_id == user.pk:
        return project, quote, False
    if quote_is_visible_to(user=user, quote=quote):
        raise PermissionDenied(_("Seuls le client et l'auteur de la soumission en négocient le prix."))
    raise NotFound(_("Cette soumission n'existe pas."))


def _clean_offer(data: Mapping, *, quote: Quote) -> dict:
    """The offer's terms, with every field error at once; the amount follows the quote's own rules."""
    errors = FieldErrors()
    amount = parse_decimal(data.get("amount"), field="amount", errors=errors, required=True)
    check_amount(amount, field="amount", errors=errors)
    if (
        amount is not None
        and "amount" not in errors
        and quote.pricing == Pricing.HOURLY
        and quote.estimated_hours is not None
        and amount * quote.estimated_hours > MAX_AMOUNT
    ):
        errors.add("amount", _("Le total estimé ne peut pas dépasser 10 000 000 $."))
    days = parse_int(data.get("delivery_days"), field="delivery_days", errors=errors)
    if days is not None and not (1 <= days <= MAX_DELIVERY_DAYS):
        errors.add("delivery_days", _("Le délai va de 1 à 3650 jours."))
    delivery_date = parse_date(data.get("delivery_date"), field="delivery_date", errors=errors)
    if delivery_date is not None and delivery_date < today():
        errors.add("delivery_date", _("La date de livraison ne peut pas être dans le passé."))
    message = clean_text(data.get("message"), field="message", errors=errors, max_length=MAX_OFFER_MESSAGE)
    errors.raise_if_any()
    return {"amount": amount, "delivery_days": days, "delivery_date": delivery_date, "message": message}


def _notify_offer(offer: QuoteOffer, *, project: Project, quote: Quote, counter: bool) -> None:
    recipient = quote.freelancer if offer.from_client else project.owner
    notify(
        recipient=recipient,
        kind=NotificationKind.COUNTER_OFFER,
        params={
            "title": project.title,
            "name": str(offer.author.public_name),
            "amount": str(offer.amount),
            "hourly": quote.pricing == Pricing.HOURLY,
            "counter": counter,
        },
        url=quote_offers_url(quote.pk),
    )


@transaction.atomic
def offer_make(*, user, quote_id: int, data: Mapping) -> QuoteOffer:
    """The client's counter-offer on a live quote, or either side's counter to the offer addressed to them.

    The freelancer starts no offer of their own: they change their quote instead (quote_update).
    """
    project, quote, from_client = _lock_for_party(user=user, quote_id=quote_id)
    _check_undecided(project, quote)
    # Under the quote's lock: no other offer can open or be answered meanwhile.
    open_offer = QuoteOffer.objects.select_for_update().filter(quote=quote, status=OfferStatus.OPEN).first()
    if open_offer is not None and open_offer.from_client == from_client:
        raise Conflict(_("Votre offre attend déjà une réponse : une seule offre est ouverte à la fois."))
    if open_offer is None and not from_client:
        raise Conflict(
            _("Seul le client fait une contre-offre ; pour changer votre prix, modifiez votre soumission."),
            code="no_offer_to_counter",
        )
    cleaned = _clean_offer(data, quote=quote)
    now = timezone.now()
    if open_offer is not None:
        open_offer.status = OfferStatus.COUNTERED
        open_offer.answered_at = now
        open_offer.save(update_fields=["status", "answered_at", "updated_at"])
    try:
        with transaction.atomic():
            offer = QuoteOffer.objects.create(
                quote=quote, author=user, from_client=from_client, quote_amount=quote.amount, **cleaned
            )
    except IntegrityError as exc:  # one_open_offer_per_quote backs the lock
        raise Conflict(_("Une autre offre vient d'être faite sur cette soumission : rechargez la page.")) from exc
    _notify_offer(offer, project=project, quote=quote, counter=open_offer is not None)
    after_commit_quote_changed(quote)
    return offer


def _lock_offer_for_answer(*, user, offer_id: int) -> tuple[Project, Quote, QuoteOffer]:
    """The offer, its quote and project locked, if it is open and addressed to `user`."""
    quote_id = QuoteOffer.objects.filter(pk=offer_id).values_list("quote_id", flat=True).first()
    if quote_id is None:
        raise NotFound(_("Cette offre n'existe pas."))
    try:
        project, quote, from_client = _lock_for_party(user=user, quote_id=quote_id)
    except NotFound:
        raise NotFound(_("Cette offre n'existe pas.")) from None
    offer = QuoteOffer.objects.select_for_update().select_related("author").get(pk=offer_id)
    if offer.from_client == from_client:
        raise PermissionDenied(_("Cette offre est la vôtre : c'est à l'autre partie d'y répondre."))
    # The offer's own answer first: of two racing answers, the second learns the offer was answered (which
    # may also have decided the quote).
    if offer.status != OfferStatus.OPEN:
        raise Conflict(
            _("Cette offre a déjà reçu une réponse (%(status)s).") % {"status": str(offer.get_status_display()).lower()}
        )
    _check_undecided(project, quote)
    return project, quote, offer


def _scale_line_items(quote: Quote, *, old_total: Decimal | None, new_total: Decimal | None) -> None:
    """Keep the detail of costs adding up to the agreed total: each line in proportion, the cents on the largest.

    The client countered a total, not lines; scaling keeps who does what on a joint quote, and the engagement
    and its invoices get lines that add up. The quote's original price stays in the offers' history.
    """
    items = list(quote.line_items.all())
    if not items or not old_total or new_total is None or old_total == new_total:
        return
    amounts = [max(_CENT, (item.amount * new_total / old_total).quantize(_CENT)) for item in items]
    largest = max(range(len(items)), key=lambda i: amounts[i])
    amounts[largest] += new_total - sum(amounts)
    if amounts[largest] <= 0:
        raise ValidationFailed(_("Ce montant est trop bas pour le détail des coûts de la soumission."), field="amount")
    for item, amount in zip(items, amounts, strict=True):
        item.amount = amount
        item.save(update_fields=["amount"])


def _agree_on(quote: Quote, offer: QuoteOffer) -> None:
    """The quote takes the offer's price and delay, which the accept then hands to the engagement."""
    old_total = quote.estimated_total
    quote.amount = offer.amount
    if offer.delivery_date is not None or offer.delivery_days is not None:
        quote.delivery_days = offer.delivery_days
        # Days agreed now count from today, not from when the quote was first sent.
        quote.delivery_date = offer.delivery_date or today() + datetime.timedelta(days=offer.delivery_days)
    quote.save(update_fields=["amount", "delivery_days", "delivery_date", "updated_at"])
    _scale_line_items(quote, old_total=old_total, new_total=quote.estimated_total)


def _notify_answer(offer: QuoteOffer, *, project: Project, quote: Quote) -> None:
    notify(
        recipient=offer.author,
        kind=NotificationKind.COUNTER_OFFER_ANSWERED,
        params={
            "title": project.title,
            "accepted": offer.status == OfferStatus.ACCEPTED,
            "reason": offer.decline_reason,
        },
        url=quote_offers_url(quote.pk),
    )


@transaction.atomic
def offer_accept(*, user, offer_id: int) -> QuoteOffer:
    """Agree to the offer addressed to you: the quote takes its terms and is accepted, as by « Accepter »."""
    project, quote, offer = _lock_offer_for_answer(user=user, offer_id=offer_id)
    offer.status = OfferStatus.ACCEPTED
    offer.answered_at = timezone.now()
    offer.save(update_fields=["status", "answered_at", "updated_at"])
    _agree_on(quote, offer)
    accept_locked(project, quote, actor=user)
    _notify_answer(offer, project=project, quote=quote)
    return offer


@transaction.atomic
def offer_decline(*, user, offer_id: int, reason: str = "") -> QuoteOffer:
    """Turn down the offer addressed to you; the quote stays live at its own terms."""
    project, quote, offer = _lock_offer_for_answer(user=user, offer_id=offer_id)
    errors = FieldErrors()
    reason = clean_text(reason, field="reason", errors=errors, max_length=1000)
    errors.raise_if_any()
    offer.status = OfferStatus.DECLINED
    offer.answered_at = timezone.now()
    offer.decline_reason = reason
    offer.save(update_fields=["status", "answered_at", "decline_reason", "updated_at"])
    _notify_answer(offer, project=project, quote=quote)
    after_commit_quote_changed(quote)
    return offer
