"""Reviews once a project is completed, and the ratings they feed.

Blind reviews (Sharetribe's rule): each side's review stays hidden until both are written or
REVIEW_BLIND_DAYS after completion, then both appear together; so nobody can answer a bad review with one.
Writing one ends at that date, and editing ends when it appears.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common import changes
from marketplace.common.errors import Conflict, NotFound, PermissionDenied
from marketplace.common.inputs import FieldErrors, clean_text, parse_int
from notifications.models import NotificationKind
from notifications.services import notify
from profiles.models import FreelancerProfile
from projects.models import (
    REVIEW_BLIND_DAYS,
    REVIEW_SHOWN,
    PaidAsAgreed,
    Project,
    ProjectStatus,
    Quote,
    QuoteLineItem,
    QuoteStatus,
    Review,
)
from projects.selectors import reviews_counting_for

from ._common import project_url


def _clean_review(data, *, author_is_client: bool) -> dict:
    errors = FieldErrors()
    rating = parse_int(data.get("rating"), field="rating", errors=errors)
    if rating is None and "rating" not in errors.errors:
        errors.add("rating", _("Choisissez une note de 1 à 5 étoiles."))
    elif rating is not None and not 1 <= rating <= 5:
        errors.add("rating", _("La note va de 1 à 5 étoiles."))
    comment = clean_text(data.get("comment"), field="comment", errors=errors, max_length=3000)
    paid = data.get("paid_as_agreed") or ""
    if author_is_client:
        paid = ""
    elif paid not in PaidAsAgreed.values:
        errors.add("paid_as_agreed", _("Dites si le client vous a payé comme convenu (oui, en retard ou non)."))
    errors.raise_if_any()
    return {"rating": rating, "comment": comment, "paid_as_agreed": paid}


def freelancer_rating_refresh(*, user_id: int) -> None:
    """Recompute a freelancer's average and count from the published, visible reviews clients left them.

    Call inside the write transaction of any change to those reviews (published, hidden, shown again).
    """
    profile = FreelancerProfile.objects.select_for_update().filter(user_id=user_id).first()
    if profile is None:
        return
    stats = Review.objects.filter(REVIEW_SHOWN, reviews_counting_for(user_id), author_is_client=True).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    average = stats["average"]
    profile.rating_average = (
        Decimal(average).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if average is not None else None
    )
    profile.rating_count = stats["count"]
    profile.save(update_fields=["rating_average", "rating_count", "updated_at"])
    changes.profile_changed(profile_id=profile.pk)


def _joint_members_of(project_ids) -> set[int]:
    """The members assigned lines of the accepted joint quotes of these projects: the review counts for them."""
    return set(
        QuoteLineItem.objects.filter(
            quote__project_id__in=project_ids, quote__status=QuoteStatus.ACCEPTED, quote__collective__isnull=False
        )
        .exclude(assignee=None)
        .values_list("assignee_id", flat=True)
    )


def review_ratings_refresh(*, review: Review) -> None:
    """Recompute every rating a client's review counts in: its subject's and the joint quote's members'."""
    if not review.author_is_client:
        return
    for rated_id in sorted({review.subject_id} | _joint_members_of([review.project_id])):
        freelancer_rating_refresh(user_id=rated_id)


def _refresh_ratings_of(reviews: list[Review]) -> None:
    """Recompute the ratings the clients' reviews among `reviews` count in, in id order (no lock-order deadlock)."""
    client_reviews = [r for r in reviews if r.author_is_client]
    if not client_reviews:
        return
    rated = {r.subject_id for r in client_reviews} | _joint_members_of({r.project_id for r in client_reviews})
    for rated_id in sorted(rated):
        freelancer_rating_refresh(user_id=rated_id)


def _publish(*, project: Project, reviews: list[Review], now: datetime.datetime) -> None:
    """Make these unpublished reviews of one project appear, and tell the members they concern.

    Call under the project's lock, with every unpublished review of the project: both sides' appear
    together. Ratings and the search documents (through `freelancer_rating_refresh`) change here only.
    """
    for review in reviews:
        review.published_at = now
    Review.objects.filter(pk__in=[r.pk for r in reviews]).update(published_at=now)
    _refresh_ratings_of(reviews)
    shown = [r for r in reviews if not r.is_hidden]
    url = project_url(project.pk)
    if len(reviews) == 2:
        # Both appear together: each side is told, with the rating they received (unless moderation hid it).
        for review in reviews:
            other = next(r for r in reviews if r is not review)
            params = {"title": project.title, "name": str(other.author.public_name)}
            if not other.is_hidden:
                params["rating"] = other.rating
            notify(recipient=review.author, kind=NotificationKind.REVIEWS_PUBLISHED, params=params, url=url)
        return
    for review in shown:
        # Alone, after the blind period: its subject learns of it now, not when it was written.
        notify(
            recipient=review.subject,
            kind=NotificationKind.REVIEW_RECEIVED,
            params={"title": project.title, "name": str(review.author.public_name), "rating": review.rating},
            url=url,
        )


@transaction.atomic
def review_submit(*, user, project_id: int, data, now: datetime.datetime | None = None) -> Review:
    """Leave one's review of the other side of a completed project, once, before the blind period ends.

    It stays hidden until the other side writes theirs (both appear then) or the period ends. The project's
    row lock orders two sides submitting at once: the second sees the first, and both end published.
    """
    now = now or timezone.now()
    project = Project.objects.select_for_update().filter(pk=project_id).first()
    if project is None:
        raise NotFound(_("Ce projet n'existe pas."))
    hired_id = (
        Quote.objects.filter(project=project, status=QuoteStatus.ACCEPTED)
        .values_list("freelancer_id", flat=True)
        .first()
    )
    if user.pk == project.owner_id:
        author_is_client, subject_id = True, hired_id
    elif hired_id is not None and user.pk == hired_id:
        author_is_client, subject_id = False, project.owner_id
    else:
        raise PermissionDenied(_("Seuls le client et le pigiste retenu peuvent évaluer ce projet."))
    if project.status != ProjectStatus.COMPLETED or subject_id is None:
        raise Conflict(_("Vous pourrez évaluer une fois le projet terminé."))
    if Review.objects.filter(project=project, author=user).exists():
        raise Conflict(_("Vous avez déjà évalué ce projet ; vous pouvez modifier votre évaluation."))
    # After the period, the other side's review may be public: writing one then would be answering it.
    if project.reviews_due_at is not None and now >= project.reviews_due_at:
        raise Conflict(
            _("Les évaluations de ce projet sont closes : on évalue dans les %(days)s jours qui suivent la fin.")
            % {"days": REVIEW_BLIND_DAYS}
        )
    cleaned = _clean_review(data, author_is_client=author_is_client)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                project=project, author=user, subject_id=subject_id, author_is_client=author_is_client, **cleaned
            )
    except IntegrityError as exc:
        raise Conflict(_("Vous avez déjà évalué ce projet.")) from exc
    if Review.objects.filter(project=project).exclude(pk=review.pk).exists():
        # The second side: both appear now (the first alone already, on a project completed before the rule).
        waiting = list(
            Review.objects.select_for_update()
            .filter(project=project, published_at__isnull=True)
            .select_related("author", "subject")
            .order_by("pk")
        )
        _publish(project=project, reviews=waiting, now=now)
        review.published_at = now
    return review


@transaction.atomic
def review_update(*, user, review_id: int, data) -> Review:
    """Change one's own review until it is published (after that, the other side may have read it)."""
    review = Review.objects.select_for_update().filter(pk=review_id).first()
    if review is None or (review.author_id != user.pk and not user.is_staff):
        raise NotFound(_("Cette évaluation n'existe pas."))
    if review.author_id != user.pk:
        raise PermissionDenied(_("Seul l'auteur peut modifier son évaluation."))
    if not review.is_editable():
        raise Conflict(_("Cette évaluation est publiée : elle ne peut plus être modifiée."))
    merged = {
        "rating": data.get("rating", review.rating),
        "comment": data.get("comment", review.comment),
        "paid_as_agreed": data.get("paid_as_agreed", review.paid_as_agreed),
    }
    cleaned = _clean_review(merged, author_is_client=review.author_is_client)
    for field, val in cleaned.items():
        setattr(review, field, val)
    # Unpublished, it counts in no rating yet: nothing to recompute.
    review.save()
    return review


def reviews_publish_due(*, now: datetime.datetime | None = None) -> int:
    """Publish the lone reviews of projects completed REVIEW_BLIND_DAYS ago or more; returns how many; idempotent.

    One transaction per project, checked again under its lock: a review published meanwhile is not told twice.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=REVIEW_BLIND_DAYS)
    project_ids = list(
        Review.objects.filter(
            published_at__isnull=True,
            project__status=ProjectStatus.COMPLETED,
            project__completed_at__lte=cutoff,
        )
        .order_by("project_id")
        .values_list("project_id", flat=True)
        .distinct()
    )
    published = 0
    for project_id in project_ids:
        with transaction.atomic():
            project = Project.objects.select_for_update().filter(pk=project_id).first()
            if project is None or project.reviews_due_at is None or project.reviews_due_at > now:
                continue
            waiting = list(
                Review.objects.select_for_update()
                .filter(project=project, published_at__isnull=True)
                .select_related("author", "subject")
                .order_by("pk")
            )
            if waiting:
                _publish(project=project, reviews=waiting, now=now)
                published += len(waiting)
    return published


@transaction.atomic
def _reviews_set_hidden(*, review_ids: Iterable[int], hidden: bool) -> int:
    reviews = Review.objects.filter(pk__in=list(review_ids))
    # A client's review counts in its freelancer's stored rating: recompute those. A freelancer's review of a
    # client is counted live on the client's pages.
    subjects = set(reviews.filter(author_is_client=True).values_list("subject_id", flat=True))
    # …and the members a joint quote assigned lines, for whom it counts too.
    subjects |= _joint_members_of(reviews.filter(author_is_client=True).values_list("project_id", flat=True))
    changed = reviews.exclude(is_hidden=hidden).update(is_hidden=hidden)
    # In id order, so two moderators never lock the same profiles in opposite orders. (An unpublished review
    # counts nowhere yet: recomputing changes nothing, and it stays hidden once published.)
    for subject_id in sorted(subjects):
        freelancer_rating_refresh(user_id=subject_id)
    return changed


def review_hide(*, review_ids: Iterable[int]) -> int:
    """Moderation hides reviews: gone from every page, out of the ratings; returns how many changed."""
    return _reviews_set_hidden(review_ids=review_ids, hidden=True)


def review_show(*, review_ids: Iterable[int]) -> int:
    """Moderation shows hidden reviews again, back in the ratings; returns how many changed."""
    return _reviews_set_hidden(review_ids=review_ids, hidden=False)
