"""Reads of the projects app; each hot page runs a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collectives.models import Collective, CollectiveMembership, MemberRole, MembershipStatus
from collectives.selectors import active_members
from marketplace.common.errors import NotFound, PermissionDenied
from marketplace.common.replica import is_visitor, reads_from_replica, replica_bound
from profiles.models import FreelancerProfile, User
from projects.hooks import payment_record, writing_rules
from projects.models import (
    ATTACHABLE_STATUSES,
    LIVE_QUOTE_STATUSES,
    REVIEW_BLIND_DAYS,
    REVIEW_SHOWN,
    Category,
    Invitation,
    InvitationStatus,
    OfferStatus,
    PaidAsAgreed,
    Project,
    ProjectAttachment,
    ProjectStatus,
    Quote,
    QuoteLineItem,
    QuoteOffer,
    QuoteStatus,
    Recommendation,
    Review,
    Visibility,
    project_taking_quotes,
)
from projects.permissions import project_documents_readable_by, project_get_visible, quote_get_visible

# Quotes a freelancer counts as "received" on a project: everything but the withdrawn ones.
COUNTED_QUOTES = Q(
    quotes__status__in=[QuoteStatus.PENDING, QuoteStatus.SHORTLISTED, QuoteStatus.ACCEPTED, QuoteStatus.DECLINED]
)
QUOTE_SORTS = ("price", "-price", "delivery", "-delivery", "rating", "-rating", "date")
COUNTED_QUOTE_STATUSES = [QuoteStatus.PENDING, QuoteStatus.SHORTLISTED, QuoteStatus.ACCEPTED, QuoteStatus.DECLINED]


def _counted_quotes_subquery():
    """Quote count per project as a subquery: computed for the rows of the page only, and left out of
    the paginator's COUNT (a JOIN + GROUP BY over every project and quote took seconds at scale)."""
    return Coalesce(
        Subquery(
            Quote.objects.filter(project=OuterRef("pk"), status__in=COUNTED_QUOTE_STATUSES)
            .order_by()
            .values("project")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def project_list_open(*, category: str = "", remote: bool = False, viewer=None) -> QuerySet[Project]:
    """Open public projects still taking quotes, newest first, with their quote counts.

    Read for a visitor (`viewer` not signed in), the list may come from the read replica."""
    qs = (
        Project.objects.filter(project_taking_quotes(), visibility=Visibility.PUBLIC, is_hidden=False)
        .select_related("municipality__mrc")
        .prefetch_related("skills")
        .annotate(quote_count=_counted_quotes_subquery())
        .order_by("-published_at", "-id")
    )
    if category in Category.values:
        qs = qs.filter(category=category)
    if remote:
        qs = qs.filter(remote=True)
    # The page evaluates this queryset later (paginator, template): where it reads is decided now.
    return replica_bound(qs, enabled=is_visitor(viewer))


def project_queryset_for_api() -> QuerySet[Project]:
    """Projects as the API shows them: owner, skills and quote count (never null) in the same read."""
    return (
        Project.objects.select_related("owner__freelancer_profile")
        .prefetch_related("skills")
        .annotate(quote_count=_counted_quotes_subquery())
    )


def _line_items_with_assignees() -> Prefetch:
    """A quote's lines as a list, each with its assignee's public name at hand (joint quotes)."""
    return Prefetch(
        "line_items",
        queryset=QuoteLineItem.objects.select_related("assignee__freelancer_profile"),
        to_attr="line_item_list",
    )


def _quote_queryset() -> QuerySet[Quote]:
    return _with_offers(
        Quote.objects.select_related("freelancer__freelancer_profile", "collective").prefetch_related(
            Prefetch("line_items", queryset=QuoteLineItem.objects.select_related("assignee__freelancer_profile"))
        )
    )


def _with_offers(quotes: QuerySet[Quote]) -> QuerySet[Quote]:
    """Each quote's open counter-offer (id, amount, side) and whether it has any: subqueries, no query more."""
    open_offer = QuoteOffer.objects.filter(quote=OuterRef("pk"), status=OfferStatus.OPEN)
    return quotes.annotate(
        has_offers=Exists(QuoteOffer.objects.filter(quote=OuterRef("pk"))),
        open_offer_id=Subquery(open_offer.values("pk")[:1]),
        open_offer_amount=Subquery(open_offer.values("amount")[:1]),
        open_offer_from_client=Subquery(open_offer.values("from_client")[:1]),
    )


def _price_key(quote: Quote) -> Decimal:
    total = quote.estimated_total
    return total if total is not None else quote.amount


def quotes_sorted(quotes: list[Quote], *, sort: str) -> list[Quote]:
    """Sort for the comparison table; quotes without a value for the key go last."""
    if sort not in QUOTE_SORTS:
        sort = "price"
    reverse = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "price":
        ordered = sorted(quotes, key=_price_key, reverse=reverse)
    elif key == "delivery":
        with_eta = [q for q in quotes if q.delivery_eta is not None]
        ordered = sorted(with_eta, key=lambda q: q.delivery_eta, reverse=reverse) + [
            q for q in quotes if q.delivery_eta is None
        ]
    elif key == "rating":

        def rating(q):
            profile = getattr(q.freelancer, "freelancer_profile", None)
            return profile.rating_average if profile and profile.rating_average is not None else None

        rated = [q for q in quotes if rating(q) is not None]
        # Best first by default: that's what a client asks for when sorting by rating.
        ordered = sorted(
            rated, key=lambda q: (rating(q), q.freelancer.freelancer_profile.rating_count), reverse=not reverse
        )
        ordered += [q for q in quotes if rating(q) is None]
    else:
        ordered = sorted(quotes, key=lambda q: (q.created_at, q.pk))
    # Decided quotes sink below the live ones so the table reads as a to-do list.
    order = {
        QuoteStatus.ACCEPTED: 0,
        QuoteStatus.SHORTLISTED: 1,
        QuoteStatus.PENDING: 1,
        QuoteStatus.DECLINED: 2,
        QuoteStatus.WITHDRAWN: 3,
    }
    return sorted(ordered, key=lambda q: order.get(q.status, 9))


# What the comparison table shows of each quote's author: with 50 quotes, reading and building all the
# columns of 50 users and 50 profiles (passwords, bios, languages, avatars) took a third of the selector.
_QUOTE_AUTHOR_FIELDS = (
    "freelancer__id",
    "freelancer__name",
    "freelancer__email",
    "freelancer__erased_at",
    "freelancer__is_active",
    "freelancer__freelancer_profile__id",
    "freelancer__freelancer_profile__user",
    "freelancer__freelancer_profile__display_name",
    "freelancer__freelancer_profile__headline",
    "freelancer__freelancer_profile__rating_average",
    "freelancer__freelancer_profile__rating_count",
    "freelancer__freelancer_profile__completed_projects_count",
)


def quotes_for_owner(*, project: Project, sort: str = "price") -> list[Quote]:
    """Every quote of a project with its author's profile and line items, for its owner (or staff)."""
    quote_fields = [f.name for f in Quote._meta.concrete_fields]
    quotes = (
        _with_offers(Quote.objects.filter(project=project))
        .select_related("freelancer__freelancer_profile", "collective")
        .only(*quote_fields, *_QUOTE_AUTHOR_FIELDS, "collective__id", "collective__name", "collective__slug")
        # A plain list per quote: the table reads it on every row, where line_items.all() built a queryset.
        # The same query names each line's member on a joint quote ("Soumission commune").
        .prefetch_related(_line_items_with_assignees())
    )
    return quotes_sorted(list(quotes), sort=sort)


def _own_quotes(*, user, project: Project) -> list[Quote]:
    """The user's own quotes on the project, oldest first."""
    return list(_quote_queryset().filter(project=project, freelancer=user))


def quotes_for_viewer(*, user, project: Project, sort: str = "price") -> list[Quote]:
    """Who sees which quotes of a project: its owner and staff every one (sorted), anyone else only their own."""
    if not user.is_authenticated:
        return []
    if project.owner_id == user.pk or user.is_staff:
        return quotes_for_owner(project=project, sort=sort)
    # Their own, and the joint quotes that assign them a line.
    return list(
        _quote_queryset()
        .filter(Q(freelancer=user) | Q(collective__isnull=False, line_items__assignee=user), project=project)
        .distinct()
    )


@dataclass(frozen=True)
class PendingInvitation:
    """The viewer's invitation still waiting for an answer, read with the project page's own query."""

    pk: int
    message: str


@dataclass
class RecommendedColleague:
    """One colleague recommended for a project, with every recommendation of them (the client's view)."""

    colleague: User
    profile: FreelancerProfile | None
    recommendations: list[Recommendation]
    invited: bool

    @property
    def recommendation_id(self) -> int:
        return self.recommendations[0].pk


def recommended_colleagues(*, project: Project) -> list[RecommendedColleague]:
    """The colleagues recommended for the project, first recommended first, each once (one query)."""
    rows = (
        Recommendation.objects.filter(project=project)
        .select_related("recommender__freelancer_profile", "colleague__freelancer_profile__municipality__mrc")
        .annotate(
            colleague_invited=Exists(
                Invitation.objects.filter(project_id=OuterRef("project_id"), freelancer_id=OuterRef("colleague_id"))
            )
        )
        .order_by("created_at", "id")
    )
    grouped: dict[int, RecommendedColleague] = {}
    for row in rows:
        entry = grouped.get(row.colleague_id)
        if entry is None:
            profile = getattr(row.colleague, "freelancer_profile", None)
            entry = grouped[row.colleague_id] = RecommendedColleague(
                colleague=row.colleague,
                profile=profile if profile is not None and not profile.is_hidden else None,
                recommendations=[],
                invited=row.colleague_invited,
            )
        entry.recommendations.append(row)
    return list(grouped.values())


def recommendations_for_owner(*, user, project_id: int) -> list[Recommendation]:
    """Every recommendation made for one of the caller's projects (for the API), oldest first."""
    project = project_get_visible(user=user, project_id=project_id)
    if project.owner_id != user.pk:
        raise PermissionDenied(_("Seul l'auteur du projet voit les recommandations."))
    return list(
        Recommendation.objects.filter(project=project)
        .select_related("recommender__freelancer_profile", "colleague__freelancer_profile__municipality__mrc")
        .order_by("created_at", "id")
    )


def _led_to_a_quote(colleague_id) -> Q:
    """Recommendations after which their colleague quoted on that project (`colleague_id`: an id, F or OuterRef)."""
    return Q(
        recommender__is_active=True,
        project__quotes__freelancer_id=colleague_id,
        project__quotes__created_at__gte=F("created_at"),
    )


def recommended_by_counts(*, profile_ids) -> dict[int, int]:
    """How many colleagues recommended each freelancer (by profile id), as their profile page says (one query)."""
    rows = (
        Recommendation.objects.filter(
            _led_to_a_quote(F("colleague_id")), colleague__freelancer_profile__in=list(profile_ids)
        )
        .values("colleague__freelancer_profile")
        .annotate(n=Count("recommender_id", distinct=True))
    )
    return {row["colleague__freelancer_profile"]: row["n"] for row in rows}


_PROFILE_LINK = re.compile(r"(?:/pigistes/)?(\d+)/?$")


def colleague_profile_ids(*, references: list[str]) -> tuple[list[int], list[str]]:
    """Profile ids from what a freelancer typed: a profile's link or number, or a name only one profile has.

    Returns the ids and the messages for references that name nobody, or several people.
    """
    ids, problems = [], []
    for reference in (r.strip() for r in references):
        if not reference:
            continue
        link = _PROFILE_LINK.search(reference)
        if link:
            ids.append(int(link.group(1)))
            continue
        matches = list(
            FreelancerProfile.objects.filter(display_name__iexact=reference, is_hidden=False).values_list(
                "pk", flat=True
            )[:2]
        )
        if not matches:
            problems.append(_("Aucun pigiste ne s'appelle « %(name)s ».") % {"name": reference})
        elif len(matches) > 1:
            problems.append(
                _("Plusieurs pigistes s'appellent « %(name)s » : collez plutôt le lien de son profil.")
                % {"name": reference}
            )
        else:
            ids.append(matches[0])
    return ids, problems


@dataclass
class ProjectPage:
    """What one viewer may see of one project."""

    project: Project
    is_owner: bool
    quote_count: int
    quotes: list[Quote] = field(default_factory=list)  # owner and staff only
    my_quote: Quote | None = None
    joint_quote: Quote | None = None  # a member assigned lines of a collective's quote: that quote
    invited: bool = False
    can_quote: bool = False
    takes_quotes: bool = False
    hired_quote: Quote | None = None
    reviews: list[Review] = field(default_factory=list)
    my_review: Review | None = None
    can_review: bool = False
    can_edit_review: bool = False
    # Blind reviews: the other side wrote theirs, still hidden from this viewer (never its content or rating)…
    other_review_pending: bool = False
    # …and when the unpublished ones appear even if only one side writes (writing ends then too).
    reviews_due_at: datetime.datetime | None = None
    client_paid: PaidSummary | None = None  # non-owners: what freelancers say about paying this client
    client_record: object | None = None  # non-owners: the client's payment record (invoicing.selectors.PaymentRecord)
    invitations: list[Invitation] = field(default_factory=list)  # owner only: the freelancers they invited
    can_write_to_client: bool = False  # non-owners: whether "Écrire au client" opens a conversation
    needs_profile: bool = False  # signed in, may quote, but has no freelancer profile to quote with
    my_invitation: PendingInvitation | None = None  # the viewer's invitation, while it waits for their answer
    can_recommend: bool = False  # "Recommander à un collègue": a freelancer on a project taking quotes
    recommended: list[RecommendedColleague] = field(default_factory=list)  # owner only


def _project_detail_queryset(user) -> QuerySet[Project]:
    qs = Project.objects.select_related("owner__freelancer_profile", "municipality__mrc").prefetch_related("skills")
    # A subquery, not a JOIN + GROUP BY over the project, its owner, profile and municipality (slower to plan).
    qs = qs.annotate(quote_count=_counted_quotes_subquery())
    if user.is_authenticated:
        qs = qs.annotate(
            viewer_invited=Exists(Invitation.objects.filter(project=OuterRef("pk"), freelancer=user)),
            # The invitation waiting for the viewer's answer ("je soumissionne", "non merci", "je recommande…").
            viewer_pending_invitation_id=Subquery(
                Invitation.objects.filter(
                    project=OuterRef("pk"), freelancer=user, status=InvitationStatus.PENDING
                ).values("pk")[:1]
            ),
            viewer_pending_invitation_message=Subquery(
                Invitation.objects.filter(
                    project=OuterRef("pk"), freelancer=user, status=InvitationStatus.PENDING
                ).values("message")[:1]
            ),
            # The owner's list of recommended colleagues costs a query only when there is one.
            has_recommendations=Exists(Recommendation.objects.filter(project=OuterRef("pk"))),
            viewer_quoted=Exists(Quote.objects.filter(project=OuterRef("pk"), freelancer=user)),
            viewer_has_profile=Exists(FreelancerProfile.objects.filter(user=user)),
            # For "Écrire au client": in the same query rather than two more.
            viewer_has_conversation=writing_rules().conversation_with_owner(user=user),
            viewer_blocked=writing_rules().blocked_between(user_id=user.pk, other_id=OuterRef("owner_id")),
        )
    return qs


def project_detail_for_viewer(*, user, project_id: int, sort: str = "price") -> ProjectPage:
    """The project page for this viewer: the owner sees every quote, a freelancer only their own."""
    # Visitors may read it from the replica; a member reads their own writes back from the primary.
    with reads_from_replica(enabled=is_visitor(user)):
        return _project_page(user=user, project_id=project_id, sort=sort)


def _project_page(*, user, project_id: int, sort: str) -> ProjectPage:
    project = project_get_visible(user=user, project_id=project_id, queryset=_project_detail_queryset(user))
    is_owner = user.is_authenticated and project.owner_id == user.pk
    page = ProjectPage(project=project, is_owner=is_owner, quote_count=project.quote_count)
    page.takes_quotes = project.takes_quotes and not project.is_hidden
    if is_owner or (user.is_authenticated and user.is_staff):
        page.quotes = quotes_for_viewer(user=user, project=project, sort=sort)
        page.hired_quote = next((q for q in page.quotes if q.status == QuoteStatus.ACCEPTED), None)
    if is_owner:
        page.invitations = list(
            Invitation.objects.filter(project=project)
            .select_related("freelancer__freelancer_profile")
            .order_by("-created_at", "-id")
        )
        _mark_writable(user=user, project=project, rows=[*page.quotes, *page.invitations])
        page.recommended = recommended_colleagues(project=project) if project.has_recommendations else []
    if user.is_authenticated and not is_owner:
        page.invited = project.viewer_invited
        if project.viewer_quoted:
            # Their latest quote: a withdrawn one may be followed by a new live one.
            page.my_quote = next(reversed(_own_quotes(user=user, project=project)), None)
        page.can_quote = (
            page.takes_quotes
            and (page.my_quote is None or not page.my_quote.is_live)
            and (project.visibility == Visibility.PUBLIC or page.invited)
        )
        if page.can_quote and not project.viewer_has_profile:
            page.can_quote, page.needs_profile = False, True
        if page.my_quote is None:
            # Not its author but assigned lines of a joint quote: the member follows the collective's quote.
            page.joint_quote = joint_quote_for_member(user=user, project=project)
            if page.joint_quote is not None and page.joint_quote.is_live:
                page.can_quote = False
        if page.my_quote is not None and page.my_quote.status == QuoteStatus.ACCEPTED:
            page.hired_quote = page.my_quote
        page.can_write_to_client = _may_write_to_client(project=project, invited=page.invited)
        if page.takes_quotes and project.viewer_pending_invitation_id is not None:
            page.my_invitation = PendingInvitation(
                pk=project.viewer_pending_invitation_id, message=project.viewer_pending_invitation_message or ""
            )
        page.can_recommend = page.takes_quotes and project.viewer_has_profile
    elif not user.is_authenticated:
        page.can_quote = page.takes_quotes and project.visibility == Visibility.PUBLIC
    if not is_owner:
        # So a freelancer can check the client pays before quoting.
        page.client_paid = client_paid_summary(user_id=project.owner_id)
        page.client_record = payment_record(client_id=project.owner_id)
    if project.status == ProjectStatus.COMPLETED:
        # One query: the published reviews everybody sees, and the parties' unpublished ones (blind reviews).
        rows = list(
            Review.objects.filter(project=project, is_hidden=False).select_related("author__freelancer_profile")
        )
        page.reviews = [r for r in rows if r.is_published]
        page.reviews_due_at = project.reviews_due_at
        if user.is_authenticated:
            page.my_review = next((r for r in rows if r.author_id == user.pk), None)
            is_party = is_owner or (page.hired_quote is not None and page.hired_quote.freelancer_id == user.pk)
            window_open = page.reviews_due_at is None or timezone.now() < page.reviews_due_at
            page.can_review = is_party and page.my_review is None and window_open
            page.can_edit_review = page.my_review is not None and page.my_review.is_editable() and window_open
            page.other_review_pending = is_party and any(r.author_id != user.pk and not r.is_published for r in rows)
    return page


def joint_quote_for_member(*, user, project: Project) -> Quote | None:
    """The latest joint quote on the project that assigns `user` a line (not as its author), if any."""
    return (
        _quote_queryset()
        .filter(project=project, collective__isnull=False, line_items__assignee=user)
        .exclude(freelancer=user)
        .distinct()
        .order_by("-created_at", "-id")
        .first()
    )


def _project_detail_for_owner(*, user, project_id: int, sort: str, refusal) -> ProjectPage:
    """The project page for its owner only: NotFound when the user can't see the project, `refusal` when they can."""
    page = project_detail_for_viewer(user=user, project_id=project_id, sort=sort)
    if not page.is_owner:
        raise PermissionDenied(refusal)
    return page


def project_quotes_table(*, user, project_id: int, sort: str = "price") -> ProjectPage:
    """The owner's comparison table of the quotes, fetched again live when a quote changes."""
    return _project_detail_for_owner(
        user=user, project_id=project_id, sort=sort, refusal=_("Seul l'auteur du projet peut faire cela.")
    )


def project_completion_page(*, user, project_id: int) -> ProjectPage:
    """What the owner confirms before marking the project completed."""
    return _project_detail_for_owner(
        user=user,
        project_id=project_id,
        sort="price",
        refusal=_("Seul l'auteur du projet peut le marquer comme terminé."),
    )


def quote_project_id(*, quote_id: int) -> int:
    """The project a quote was sent on, to go back to its page; NotFound when there is no such quote."""
    project_id = Quote.objects.filter(pk=quote_id).values_list("project_id", flat=True).first()
    if project_id is None:
        raise NotFound(_("Cette soumission n'existe pas."))
    return project_id


def quote_decision_page(*, user, quote_id: int) -> tuple[ProjectPage, Quote]:
    """The owner's project page and the quote they are about to accept or decline."""
    page = _project_detail_for_owner(
        user=user,
        project_id=quote_project_id(quote_id=quote_id),
        sort="price",
        refusal=_("Seul l'auteur du projet peut décider des soumissions."),
    )
    quote = next((q for q in page.quotes if q.pk == quote_id), None)
    if quote is None:
        raise NotFound(_("Cette soumission n'existe pas."))
    return page, quote


def _mark_writable(*, user, project: Project, rows) -> None:
    """Set `writable` on the owner's quotes and invitations: whether "Écrire" opens a conversation with its freelancer.

    The owner may write to whoever quoted or was invited (messaging.services.conversation_open), unless
    the project is hidden by moderation, the freelancer's account is closed, or a block stands between them.
    """
    blocked = writing_rules().blocked_user_ids(user=user, among={row.freelancer_id for row in rows}) if rows else set()
    for row in rows:
        row.writable = not project.is_hidden and row.freelancer.is_active and row.freelancer_id not in blocked


def _may_write_to_client(*, project: Project, invited: bool) -> bool:
    """Whether the (signed-in, non-owner) viewer may write to the project's owner.

    The rule of messaging.services.conversation_open, on what the page's query already knows: a freelancer
    writes about an open public project, or one they were invited to or quoted on, or reopens their
    conversation; never on a project hidden by moderation, to a closed account, or across a block (a
    conversation that exists stays readable from the inbox). tests/projects/test_write_buttons.py checks
    both agree.
    """
    if project.is_hidden or not project.owner.is_active or project.viewer_blocked:
        return False
    visible = project.status == ProjectStatus.OPEN and project.visibility == Visibility.PUBLIC
    return project.viewer_has_conversation or project.viewer_quoted or invited or visible


def project_reviews(*, project: Project, user=None) -> list[Review]:
    """The published reviews of a project, and the caller's own unpublished one (blind reviews)."""
    mine = Q(author_id=user.pk, is_hidden=False) if user is not None and user.is_authenticated else Q(pk__in=[])
    return list(Review.objects.filter(REVIEW_SHOWN | mine, project=project).select_related("author", "subject"))


def client_dashboard(*, user, limit: int = 100, offset: int = 0) -> list[Project]:
    """The projects a client posted, newest first, with their quote counts."""
    return list(
        Project.objects.filter(owner=user)
        # Only what the dashboard shows: the descriptions are long.
        .only("id", "owner_id", "title", "status", "quotes_due", "created_at", "published_at")
        .annotate(
            quote_count=Count("quotes", filter=COUNTED_QUOTES),
            live_quote_count=Count("quotes", filter=Q(quotes__status__in=LIVE_QUOTE_STATUSES)),
            pending_quote_count=Count("quotes", filter=Q(quotes__status=QuoteStatus.PENDING)),
        )
        .order_by("-created_at", "-id")[offset : offset + limit]
    )


@dataclass
class FreelancerDashboard:
    quotes: list[Quote]
    invitations: list[Invitation]


def freelancer_dashboard(*, user, limit: int = 100) -> FreelancerDashboard:
    """A freelancer's quotes with their states, and the invitations they have not answered yet."""
    quotes = list(
        Quote.objects.filter(freelancer=user).select_related("project").order_by("-updated_at", "-id")[:limit]
    )
    invitations = list(
        Invitation.objects.filter(freelancer=user, project__status=ProjectStatus.OPEN, project__is_hidden=False)
        .exclude(project__quotes__freelancer=user)
        .exclude(status__in=[InvitationStatus.DECLINED, InvitationStatus.UNAVAILABLE])
        .select_related("project__owner__freelancer_profile")
        .order_by("-created_at")[:limit]
    )
    # "Écrire au client" on each invitation: an invited freelancer may write, unless a block stands between.
    owners = {i.project.owner_id for i in invitations}
    blocked = writing_rules().blocked_user_ids(user=user, among=owners) if invitations else set()
    for invitation in invitations:
        invitation.writable = invitation.project.owner.is_active and invitation.project.owner_id not in blocked
    return FreelancerDashboard(quotes=quotes, invitations=invitations)


def projects_for_owner(*, user, status: str = "") -> QuerySet[Project]:
    """Every project the member posted (drafts included), newest first, with quote counts: "Mes projets"."""
    qs = (
        Project.objects.filter(owner=user)
        .select_related("owner")
        .prefetch_related("skills")
        .annotate(quote_count=_counted_quotes_subquery())
        .order_by("-created_at", "-id")
    )
    return qs.filter(status=status) if status else qs


def quotes_for_freelancer(*, user, status: str = "") -> QuerySet[Quote]:
    """The member's own quotes on every project, last changed first: "Mes soumissions"."""
    qs = _quote_queryset().filter(freelancer=user).order_by("-updated_at", "-id")
    return qs.filter(status=status) if status else qs


INVITATION_ROLES = ("client", "freelancer")


def invitation_list_for_user(*, user, role: str = "", project_id: int | None = None) -> QuerySet[Invitation]:
    """Invitations the member sent (role "client"), received ("freelancer"), or both; newest first.

    A received invitation to a project hidden by moderation is left out, as the project itself is.
    """
    sent = Q(project__owner=user)
    received = Q(freelancer=user, project__is_hidden=False)
    qs = Invitation.objects.filter(sent if role == "client" else received if role == "freelancer" else sent | received)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    return qs.select_related("project__owner", "freelancer__freelancer_profile").order_by("-created_at", "-id")


def invitation_project_id(*, invitation_id: int) -> int:
    """The project an invitation is for, to go back to its page; NotFound when there is no such invitation."""
    project_id = Invitation.objects.filter(pk=invitation_id).values_list("project_id", flat=True).first()
    if project_id is None:
        raise NotFound(_("Cette invitation n'existe pas."))
    return project_id


def recommendation_project_id(*, recommendation_id: int) -> int:
    """The project a recommendation is for; NotFound when there is no such recommendation."""
    project_id = Recommendation.objects.filter(pk=recommendation_id).values_list("project_id", flat=True).first()
    if project_id is None:
        raise NotFound(_("Cette recommandation n'existe pas."))
    return project_id


def projects_open_for_invitation(*, user) -> list[Project]:
    """The caller's projects a freelancer can still be invited to."""
    return list(Project.objects.filter(project_taking_quotes(), owner=user).order_by("-published_at"))


# A client writes to a freelancer about a project still to be done; finished ones stay reachable from the inbox.
PROJECT_STATUSES_TO_WRITE_ABOUT = (ProjectStatus.DRAFT, ProjectStatus.OPEN, ProjectStatus.AWARDED)


def projects_to_write_about(*, user, freelancer, limit: int = 50) -> list[Project]:
    """The caller's projects they may write to this freelancer about, newest first (one query).

    Every one is a project messaging.services.conversation_open opens a conversation for (the owner may
    write to anyone with a freelancer profile about a project not hidden by moderation); none when the
    freelancer's account is closed or a block stands between them.
    """
    if not user.is_authenticated or freelancer.pk == user.pk or not freelancer.is_active:
        return []
    return list(
        Project.objects.filter(owner=user, is_hidden=False, status__in=PROJECT_STATUSES_TO_WRITE_ABOUT)
        .exclude(writing_rules().blocked_between(user_id=user.pk, other_id=freelancer.pk))
        .only("id", "title", "status")
        .order_by("-created_at", "-id")[:limit]
    )


def projects_to_review(*, user, limit: int = 20) -> list[Project]:
    """Completed projects where this user (client or hired freelancer) has not left their review yet (one query)."""
    reviewed = Review.objects.filter(project=OuterRef("pk"), author=user)
    # Reviews are written within REVIEW_BLIND_DAYS of completion (blind reviews).
    window_open = Q(completed_at__isnull=True) | Q(
        completed_at__gt=timezone.now() - datetime.timedelta(days=REVIEW_BLIND_DAYS)
    )
    not_reviewed = (
        Project.objects.filter(window_open, status=ProjectStatus.COMPLETED).exclude(Exists(reviewed)).order_by()
    )
    # A UNION of the two sides, each on its own index: "owner OR hired" in one WHERE made PostgreSQL read
    # every completed project on the site (12 ms at 11 000 of them).
    owned = not_reviewed.filter(owner=user)
    hired = not_reviewed.filter(
        pk__in=Quote.objects.filter(freelancer=user, status=QuoteStatus.ACCEPTED).values("project")
    )
    return list(owned.union(hired).order_by("-completed_at", "-id")[:limit])


@dataclass
class ProjectDocuments:
    """A project's documents as one viewer may see them: the files, or only how many there are."""

    readable: bool
    count: int
    can_add: bool  # the owner, while the project still takes documents
    attachments: list[ProjectAttachment] = field(default_factory=list)  # empty unless readable


def project_documents_for_viewer(*, user, project: Project) -> ProjectDocuments:
    """The project's documents for this viewer (one query); others learn only that documents exist."""
    # The project page's queryset already knows whether the viewer was invited or quoted.
    involved = (project.viewer_invited or project.viewer_quoted) if hasattr(project, "viewer_invited") else None
    readable = project_documents_readable_by(user=user, project=project, involved=involved)
    attachments = list(project.attachments.all())
    return ProjectDocuments(
        readable=readable,
        count=len(attachments),
        can_add=user.is_authenticated and project.owner_id == user.pk and project.status in ATTACHABLE_STATUSES,
        attachments=attachments if readable else [],
    )


def project_attachment_list(*, user, project_id: int) -> list[ProjectAttachment]:
    """The project's documents for a reader; 404 if the project is hidden from them, 403 if only its documents are."""
    project = project_get_visible(user=user, project_id=project_id)
    documents = project_documents_for_viewer(user=user, project=project)
    if not documents.readable:
        raise PermissionDenied(
            _("Les documents de ce projet sont réservés aux pigistes invités ou qui ont soumissionné.")
        )
    return documents.attachments


# --- Reputation: what reviews say about a member (their profile page and client page show it) --------

REVIEWS_SHOWN = 20


@dataclass
class ReviewSummary:
    reviews: list = field(default_factory=list)
    count: int = 0
    average: Decimal | None = None
    # A freelancer's page only: "recommandé·e par N collègues", never naming them.
    recommended_by: int = 0


def _summarise(reviews_qs) -> ReviewSummary:
    stats = reviews_qs.aggregate(average=Avg("rating"), count=Count("id"))
    average = stats["average"]
    return ReviewSummary(
        reviews=list(reviews_qs.select_related("author", "author__freelancer_profile", "project")[:REVIEWS_SHOWN]),
        count=stats["count"],
        average=Decimal(average).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if average is not None else None,
    )


def reviews_counting_for(user_id: int) -> Q:
    """The reviews that count for a freelancer: those of their own work, and those of the projects whose
    accepted joint quote assigned them a line — the client reviews the collective's work once, and it
    counts for each member who did it. Runs one query for those projects."""
    # The projects are listed rather than matched by a correlated EXISTS: OR-ed with it, PostgreSQL read
    # every review (0.4–1 s a profile at 100 000 projects); with ids, each side of the OR uses its index.
    joint_projects = list(
        QuoteLineItem.objects.filter(
            assignee_id=user_id, quote__status=QuoteStatus.ACCEPTED, quote__collective__isnull=False
        )
        .order_by()
        .values_list("quote__project_id", flat=True)
        .distinct()
    )
    own = Q(subject_id=user_id)
    return own | Q(project_id__in=joint_projects) if joint_projects else own


def collective_reviews_q(collective_id: int) -> Q:
    """The clients' reviews of a collective's accepted joint quotes: its rating is made of these alone."""
    accepted = Quote.objects.filter(status=QuoteStatus.ACCEPTED, collective_id=collective_id).values("project_id")
    return Q(project_id__in=accepted) & REVIEW_SHOWN & Q(author_is_client=True)


def collective_reviews(*, collective_id: int) -> ReviewSummary:
    """Visible reviews of a collective's joint work, newest first, and their average."""
    return _summarise(Review.objects.filter(collective_reviews_q(collective_id)))


def freelancer_reviews(*, user_id: int, viewer=None) -> ReviewSummary:
    """Visible reviews clients left a freelancer (with those of joint quotes that assigned them lines),
    newest first, their average, and how many colleagues recommended them (three queries: the page's cap
    counts them). Read for a visitor, they may come from the read replica."""
    with reads_from_replica(enabled=is_visitor(viewer)):
        return _freelancer_reviews(user_id=user_id)


def _freelancer_reviews(*, user_id: int) -> ReviewSummary:
    reviews_qs = Review.objects.filter(REVIEW_SHOWN, reviews_counting_for(user_id), author_is_client=True)
    # One group over every review that counts (a constant groups them all): their own and the joint ones.
    per_subject = reviews_qs.order_by().annotate(one=Value(1)).values("one")
    # Distinct recommenders whose recommendation led this freelancer to quote on that project.
    recommenders = (
        Recommendation.objects.filter(_led_to_a_quote(OuterRef("pk")), colleague_id=OuterRef("pk"))
        .order_by()
        .values("colleague_id")
        .annotate(n=Count("recommender_id", distinct=True))
        .values("n")
    )
    stats = (
        User.objects.filter(pk=user_id)
        .annotate(
            review_average=Subquery(per_subject.annotate(a=Avg("rating")).values("a")),
            review_count=Coalesce(Subquery(per_subject.annotate(c=Count("id")).values("c")), 0),
            recommended_by=Coalesce(Subquery(recommenders), 0),
        )
        .values("review_average", "review_count", "recommended_by")
        .first()
    ) or {"review_average": None, "review_count": 0, "recommended_by": 0}
    average = stats["review_average"]
    return ReviewSummary(
        reviews=list(reviews_qs.select_related("author", "author__freelancer_profile", "project")[:REVIEWS_SHOWN]),
        count=stats["review_count"],
        average=Decimal(average).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if average is not None else None,
        recommended_by=stats["recommended_by"],
    )


@dataclass
class PaidSummary:
    """What freelancers answered to "paid as agreed?" about one client."""

    answers: int = 0  # freelancers who answered
    yes: int = 0  # … and said "yes, as agreed"
    late: int = 0


def client_paid_summary(*, user_id: int) -> PaidSummary:
    """How many freelancers say this client paid them as agreed (one query), for the client page and project pages."""
    paid = (
        Review.objects.filter(REVIEW_SHOWN, subject_id=user_id, author_is_client=False)
        .exclude(paid_as_agreed="")
        .aggregate(
            answers=Count("id"),
            yes=Count("id", filter=Q(paid_as_agreed=PaidAsAgreed.YES)),
            late=Count("id", filter=Q(paid_as_agreed=PaidAsAgreed.LATE)),
        )
    )
    return PaidSummary(answers=paid["answers"], yes=paid["yes"], late=paid["late"])


@dataclass
class ClientReputation:
    user: User
    reviews: ReviewSummary
    paid_answers: int  # freelancers who answered "paid as agreed?"
    paid_as_agreed: int  # … and said yes
    paid_late: int
    projects_published: int
    # Facts from confirmed invoices (invoicing.selectors.PaymentRecord), the headline; None without invoicing.
    payment_record: object | None = None


def client_get(*, user_id: int) -> ClientReputation:
    """A client's public reputation: their payment record, reviews from freelancers, the old "paid as agreed?"
    answers. An erased account (Loi 25) keeps its page, as "Ancien membre", while invoices stay in its record."""
    user = (
        User.objects.select_related("freelancer_profile")
        .filter(Q(is_active=True) | Q(erased_at__isnull=False), pk=user_id)
        .first()
    )
    record = payment_record(client_id=user_id) if user is not None else None
    if user is None or (user.erased_at is not None and not (record is not None and record.received)):
        raise NotFound(_("Ce client n'existe pas."))
    reviews_qs = Review.objects.filter(REVIEW_SHOWN, subject_id=user_id, author_is_client=False)
    paid = client_paid_summary(user_id=user_id)
    published = (
        Project.objects.filter(owner_id=user_id, is_hidden=False)
        .exclude(status__in=[ProjectStatus.DRAFT, ProjectStatus.AWAITING_EMAIL])
        .count()
    )
    return ClientReputation(
        user=user,
        reviews=_summarise(reviews_qs),
        paid_answers=paid.answers,
        paid_as_agreed=paid.yes,
        paid_late=paid.late,
        projects_published=published,
        payment_record=record,
    )


def project_list_indexable() -> QuerySet[Project]:
    """Projects search engines may list: those of `project_list_open`, without the page's extras."""
    return (
        Project.objects.filter(project_taking_quotes(), visibility=Visibility.PUBLIC, is_hidden=False)
        .only("pk", "updated_at")
        .order_by("pk")
    )


def project_is_indexable(project: Project) -> bool:
    """The same rule as `project_list_indexable` for one project: open, public, not hidden, taking quotes."""
    return project.visibility == Visibility.PUBLIC and not project.is_hidden and project.takes_quotes


@dataclass
class JointQuoteFormPage:
    """What an admin needs to write a collective's quote on a project."""

    project: Project
    collectives: list  # the collectives the user administers
    collective: object  # the chosen one
    members: list[User]  # its active members, admins first


def joint_quote_form_page(*, user, project_id: int, collective_id=None) -> JointQuoteFormPage:
    """The joint-quote form's data: NotFound when the project is not visible, 403 without a collective to run."""
    project = project_get_visible(user=user, project_id=project_id)
    administered = list(_collectives_administered_by(user))
    if not administered:
        raise PermissionDenied(_("Seuls les administrateurs d'un collectif peuvent envoyer une soumission commune."))
    try:
        wanted = int(collective_id) if collective_id not in (None, "") else None
    except (TypeError, ValueError):
        wanted = None
    collective = next((c for c in administered if c.pk == wanted), administered[0])
    return JointQuoteFormPage(
        project=project, collectives=administered, collective=collective, members=list(active_members(collective))
    )


def _collectives_administered_by(user) -> QuerySet[Collective]:
    if not user.is_authenticated:
        return Collective.objects.none()
    return Collective.objects.filter(
        Exists(
            CollectiveMembership.objects.filter(
                collective=OuterRef("pk"), member=user, status=MembershipStatus.ACTIVE, role=MemberRole.ADMIN
            )
        )
    ).order_by("name")


def collectives_administered(*, user) -> list[Collective]:
    """The collectives `user` administers: the project page offers them a joint quote."""
    return list(_collectives_administered_by(user))


@dataclass
class QuoteOffersPage:
    """A quote's negotiation as one of its parties (or staff, a joint quote's members) reads it."""

    quote: Quote
    offers: list
    is_client: bool = False
    is_author: bool = False
    open_offer: object | None = None
    # Whether the reader may make an offer now (the client, or the side the open offer is addressed to)...
    can_offer: bool = False
    # ...and answer the open offer (accept, decline).
    can_answer: bool = False


def quote_offers_page(*, user, quote_id: int) -> QuoteOffersPage:
    """The quote and its offers, oldest first, with what the reader may do; NotFound when they can't see it."""
    quote = quote_get_visible(user=user, quote_id=quote_id)
    offers = list(QuoteOffer.objects.filter(quote=quote).select_related("author"))
    for offer in offers:
        offer.quote = quote
    page = QuoteOffersPage(quote=quote, offers=offers)
    page.is_client = quote.project.owner_id == user.pk
    page.is_author = quote.freelancer_id == user.pk
    live = quote.is_live and quote.project.status == ProjectStatus.OPEN
    page.open_offer = next((o for o in offers if o.status == OfferStatus.OPEN), None) if live else None
    if live and (page.is_client or page.is_author):
        addressed = page.open_offer is not None and page.open_offer.from_client != page.is_client
        page.can_answer = addressed
        page.can_offer = addressed or (page.is_client and page.open_offer is None)
    return page


def offer_answer_page(*, user, offer_id: int) -> tuple[QuoteOffersPage, QuoteOffer | None, int]:
    """The offer a party is about to accept or decline (None when it no longer waits for them), and how many
    other live quotes an acceptance would decline."""
    quote_id = QuoteOffer.objects.filter(pk=offer_id).values_list("quote_id", flat=True).first()
    if quote_id is None:
        raise NotFound(_("Cette offre n'existe pas."))
    page = quote_offers_page(user=user, quote_id=quote_id)
    offer = page.open_offer if page.can_answer and page.open_offer.pk == offer_id else None
    others = (
        Quote.objects.filter(project_id=page.quote.project_id, status__in=LIVE_QUOTE_STATUSES)
        .exclude(pk=quote_id)
        .count()
    )
    return page, offer, others


def offer_quote_id(*, offer_id: int) -> int:
    """The quote an offer was made on, to go back to its negotiation; NotFound when there is no such offer."""
    quote_id = QuoteOffer.objects.filter(pk=offer_id).values_list("quote_id", flat=True).first()
    if quote_id is None:
        raise NotFound(_("Cette offre n'existe pas."))
    return quote_id
