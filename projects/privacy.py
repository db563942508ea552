"""The projects side of a member's privacy rights (Loi 25): what goes in their data export, and what
happens to their projects, quotes and invitations when their account is erased.

Called by privacy.services only (the Loi 25 app, above every app) through `export_data` and `erase`;
the writes that others rely on (cancelling a project, withdrawing a quote) go through the projects
services so everyone concerned is told, as with any cancellation.
"""

from __future__ import annotations

from django.db.models import Q

from projects.models import (
    LIVE_QUOTE_STATUSES,
    Invitation,
    Project,
    ProjectAttachment,
    ProjectStatus,
    Quote,
    QuoteOffer,
    Review,
)
from projects.services import project_cancel, quote_withdraw


def _quote_data(quote: Quote) -> dict:
    return {
        "id": quote.pk,
        "project": {"id": quote.project_id, "title": quote.project.title},
        "pricing": quote.pricing,
        "amount": quote.amount,
        "currency": quote.currency,
        "estimated_hours": quote.estimated_hours,
        "charges_taxes": quote.charges_taxes,
        "delivery_days": quote.delivery_days,
        "delivery_date": quote.delivery_date,
        "message": quote.message,
        "status": quote.status,
        "decline_reason": quote.decline_reason_text,
        "revision_note": quote.revision_note,
        "line_items": [{"description": item.description, "amount": item.amount} for item in quote.line_items.all()],
        "created_at": quote.created_at,
        "decided_at": quote.decided_at,
    }


def _review_data(review: Review, *, other) -> dict:
    return {
        "id": review.pk,
        "project": {"id": review.project_id, "title": review.project.title},
        other[0]: other[1].public_name,
        "rating": review.rating,
        "comment": review.comment,
        "paid_as_agreed": review.paid_as_agreed,
        "created_at": review.created_at,
        "published_at": review.published_at,
    }


def _document_path(attachment: ProjectAttachment) -> str:
    # The ids keep two documents with the same display name apart inside the archive.
    return f"fichiers/projets/{attachment.project_id}-{attachment.pk}-{attachment.name}"


def export_data(*, user) -> tuple[dict, list[tuple[str, object]]]:
    """The member's projects, quotes, invitations and reviews (written and received), as plain data, plus the
    documents they attached to their projects as `(path in the archive, FieldFile)` pairs."""
    projects = (
        Project.objects.filter(owner=user)
        .select_related("municipality")
        .prefetch_related(
            "skills",
            "invitations__freelancer__freelancer_profile",
            "quotes__freelancer__freelancer_profile",
            "attachments",
        )
        .order_by("created_at", "id")
    )
    quotes = (
        Quote.objects.filter(freelancer=user)
        .select_related("project")
        .prefetch_related("line_items")
        .order_by("created_at", "id")
    )
    invitations_received = (
        Invitation.objects.filter(freelancer=user)
        .select_related("project__owner__freelancer_profile")
        .order_by("created_at", "id")
    )
    reviews_written = (
        Review.objects.filter(author=user).select_related("project", "subject__freelancer_profile").order_by("id")
    )
    reviews_received = (
        # Blind reviews: one about them still unpublished is its author's, not yet theirs to read.
        Review.objects.filter(subject=user, published_at__isnull=False)
        .select_related("project", "author__freelancer_profile")
        .order_by("id")
    )
    files = [
        (_document_path(attachment), attachment.file)
        for project in projects
        for attachment in project.attachments.all()
        if attachment.file
    ]
    data = {
        "projects": [
            {
                "id": project.pk,
                "title": project.title,
                "description": project.description,
                "category": project.category,
                "skills": [skill.name for skill in project.skills.all()],
                "budget_type": project.budget_type,
                "budget_min": project.budget_min,
                "budget_max": project.budget_max,
                "deadline": project.deadline,
                "municipality": project.municipality.name if project.municipality else None,
                "remote": project.remote,
                "quotes_due": project.quotes_due,
                "visibility": project.visibility,
                "status": project.status,
                "created_at": project.created_at,
                "published_at": project.published_at,
                "awarded_at": project.awarded_at,
                "completed_at": project.completed_at,
                "invitations_sent": [
                    {
                        "freelancer": invitation.freelancer.public_name,
                        "message": invitation.message,
                        "status": invitation.status,
                        "created_at": invitation.created_at,
                    }
                    for invitation in project.invitations.all()
                ],
                # What the owner already sees on their project page: who offered what, and its state.
                "quotes_received": [
                    {
                        "freelancer": quote.freelancer.public_name,
                        "pricing": quote.pricing,
                        "amount": quote.amount,
                        "status": quote.status,
                        "created_at": quote.created_at,
                    }
                    for quote in project.quotes.all()
                ],
                "documents": [
                    {
                        "name": attachment.name,
                        "content_type": attachment.content_type,
                        "size": attachment.size,
                        "file": _document_path(attachment),
                    }
                    for attachment in project.attachments.all()
                ],
            }
            for project in projects
        ],
        "quotes": [_quote_data(quote) for quote in quotes],
        "invitations_received": [
            {
                "project": {"id": invitation.project_id, "title": invitation.project.title},
                "client": invitation.project.owner.public_name,
                "message": invitation.message,
                "status": invitation.status,
                "answered_at": invitation.answered_at,
                "created_at": invitation.created_at,
            }
            for invitation in invitations_received
        ],
        "reviews_written": [_review_data(r, other=("subject", r.subject)) for r in reviews_written],
        # Counter-offers they made, on their quotes or on others' quotes on their projects.
        "counter_offers": [
            {
                "quote": offer.quote_id,
                "project": {"id": offer.quote.project_id, "title": offer.quote.project.title},
                "from_client": offer.from_client,
                "amount": offer.amount,
                "delivery_days": offer.delivery_days,
                "delivery_date": offer.delivery_date,
                "message": offer.message,
                "status": offer.status,
                "decline_reason": offer.decline_reason,
                "created_at": offer.created_at,
                "answered_at": offer.answered_at,
            }
            for offer in QuoteOffer.objects.filter(author=user).select_related("quote__project").order_by("id")
        ],
        "reviews_received": [_review_data(r, other=("author", r.author)) for r in reviews_received],
    }
    return data, files


def projects_documents_erase_for_user(*, user) -> list[tuple[object, str]]:
    """Delete the documents the member attached to projects; returns their `(storage, name)` to delete after commit."""
    attachments = list(ProjectAttachment.objects.filter(uploaded_by=user))
    ProjectAttachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    return [(attachment.file.storage, attachment.file.name) for attachment in attachments]


def projects_release_for_user(*, user) -> dict:
    """Leave nobody waiting on a member who leaves: cancel their open projects, withdraw their live quotes.

    Goes through project_cancel and quote_withdraw so bidders are told and the search index follows.
    Drafts and projects awaiting the e-mail's confirmation were never seen by anyone: they are deleted outright.
    """
    drafts_deleted, _detail = Project.objects.filter(
        owner=user, status__in=[ProjectStatus.DRAFT, ProjectStatus.AWAITING_EMAIL]
    ).delete()
    open_ids = list(Project.objects.filter(owner=user, status=ProjectStatus.OPEN).values_list("pk", flat=True))
    for project_id in open_ids:
        project_cancel(user=user, project_id=project_id)
    quote_ids = list(Quote.objects.filter(freelancer=user, status__in=LIVE_QUOTE_STATUSES).values_list("pk", flat=True))
    for quote_id in quote_ids:
        quote_withdraw(user=user, quote_id=quote_id)
    return {"projects_cancelled": len(open_ids), "quotes_withdrawn": len(quote_ids), "drafts_deleted": drafts_deleted}


def projects_anonymise_for_user(*, user) -> None:
    """Blank the free text the member wrote to others (quote messages, invitation notes).

    Prices, dates and states stay: they are the other side's record of the deal too. Reviews stay
    as written, signed "Ancien membre" through User.public_name.
    """
    Quote.objects.filter(freelancer=user).update(message="")
    # Their counter-offers' messages, and the reasons they gave declining the other side's offers.
    QuoteOffer.objects.filter(author=user).update(message="")
    QuoteOffer.objects.filter(
        Q(from_client=True, quote__freelancer=user) | Q(from_client=False, quote__project__owner=user)
    ).update(decline_reason="")
    Invitation.objects.filter(Q(project__owner=user)).update(message="")


def erase(*, user) -> list[tuple[object, str]]:
    """Erase the member's side of projects; returns `(storage, name)` of files to delete once the caller commits."""
    # Before drafts are deleted with their rows, so no document file is left behind.
    files = projects_documents_erase_for_user(user=user)
    # While the member still has their name: bidders and clients are told as for any cancellation.
    projects_release_for_user(user=user)
    projects_anonymise_for_user(user=user)
    return files
