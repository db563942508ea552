"""/api/v1/ for projects, quotes and reviews: thin DRF views over the same services and selectors."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, permissions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from marketplace.common.api import error_responses
from marketplace.common.api_input import JSONInputSerializer
from marketplace.common.api_schema import DECIMAL, NOT_BLANK, documented
from marketplace.common.ratelimit import ratelimit
from projects import selectors, services
from projects.models import (
    BudgetType,
    Category,
    Invitation,
    InvitationStatus,
    OfferStatus,
    PaidAsAgreed,
    Pricing,
    Project,
    ProjectStatus,
    Quote,
    QuoteOffer,
    QuoteStatus,
    Review,
    SystemDeclineReason,
    Visibility,
)
from projects.permissions import invitation_get_visible, project_get_visible, quote_get_visible
from projects.services.projects import MAX_SKILLS, PROJECT_FIELDS
from projects.services.quotes import QUOTE_FIELDS
from projects.services.recommendations import MAX_COLLEAGUES

# --- Serializers: output shapes, and input types only (the rules live in the services) ---------------


class ProjectSerializer(serializers.ModelSerializer):
    skills = serializers.SerializerMethodField()
    municipality = serializers.IntegerField(source="municipality_id", allow_null=True)
    owner = serializers.CharField(source="owner.public_name")
    # Quotes received (withdrawn ones aside); every view reads projects with it annotated.
    quote_count = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            *PROJECT_FIELDS,
            "status",
            "owner",
            "quote_count",
            "published_at",
            "url",
        ]
        read_only_fields = fields

    def get_skills(self, project) -> list[str]:
        return [skill.name for skill in project.skills.all()]

    def get_url(self, project) -> str:
        return reverse("project-detail", args=[project.pk])


class ProjectInputSerializer(JSONInputSerializer):
    title = documented(
        serializers.CharField(required=False, trim_whitespace=False),
        {"type": "string", "maxLength": 120, "pattern": NOT_BLANK},
    )
    description = documented(
        serializers.CharField(required=False, trim_whitespace=False),
        {"type": "string", "maxLength": 10000, "pattern": NOT_BLANK},
    )
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    skills = documented(
        serializers.ListField(child=serializers.CharField(allow_blank=True), required=False),
        {"type": "array", "maxItems": MAX_SKILLS, "items": {"type": "string", "maxLength": 60}},
    )
    budget_type = serializers.ChoiceField(choices=BudgetType.choices, required=False)
    budget_min = documented(
        serializers.DecimalField(max_digits=None, decimal_places=None, required=False, allow_null=True), DECIMAL
    )
    budget_max = documented(
        serializers.DecimalField(max_digits=None, decimal_places=None, required=False, allow_null=True), DECIMAL
    )
    deadline = serializers.DateField(required=False, allow_null=True)
    starts_on = serializers.DateField(
        required=False, allow_null=True, help_text="Début souhaité: freelancers told must be free from then."
    )
    municipality = serializers.IntegerField(required=False, allow_null=True, help_text="A municipality id.")
    remote = serializers.BooleanField(required=False)
    quotes_due = serializers.DateField(required=False, allow_null=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    status = serializers.ChoiceField(
        choices=[ProjectStatus.DRAFT, ProjectStatus.OPEN],
        required=False,
        help_text="On creation: draft, or open to publish.",
    )


class ProjectCreateInputSerializer(ProjectInputSerializer):
    """A new project: a title, a description and a category at least (the service says which is missing)."""

    title = documented(
        serializers.CharField(trim_whitespace=False), {"type": "string", "maxLength": 120, "pattern": NOT_BLANK}
    )
    description = documented(
        serializers.CharField(trim_whitespace=False), {"type": "string", "maxLength": 10000, "pattern": NOT_BLANK}
    )
    category = serializers.ChoiceField(choices=Category.choices)


class LineItemSerializer(JSONInputSerializer):
    description = documented(serializers.CharField(), {"type": "string", "maxLength": 200, "pattern": NOT_BLANK})
    amount = documented(serializers.DecimalField(max_digits=None, decimal_places=None), DECIMAL)
    assignee = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Joint quotes only: the user id of the active member doing this line; null: the collective.",
    )


class LineItemOutputSerializer(serializers.Serializer):
    description = serializers.CharField(read_only=True)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    assignee = serializers.SerializerMethodField(
        help_text="Joint quotes: the member doing this line; null when the collective itself does it."
    )

    @extend_schema_field(
        inline_serializer(
            "LineItemAssignee", {"id": serializers.IntegerField(), "name": serializers.CharField()}, allow_null=True
        )
    )
    def get_assignee(self, item) -> dict | None:
        if item.assignee_id is None:
            return None
        return {"id": item.assignee_id, "name": item.assignee.public_name}


class QuoteSerializer(serializers.ModelSerializer):
    freelancer = serializers.SerializerMethodField()
    # A joint quote ("soumission commune"): the collective it was sent for by `freelancer`, an admin; else null.
    collective = serializers.SerializerMethodField()
    line_items = LineItemOutputSerializer(many=True, read_only=True)
    estimated_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    # The reason in the reader's language: the platform's worded now, the client's as they wrote it.
    decline_reason = serializers.CharField(source="decline_reason_text", read_only=True)
    # Empty unless the platform declined it (the client's own words, or not declined).
    decline_reason_kind = serializers.ChoiceField(choices=SystemDeclineReason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Quote
        fields = [
            "id",
            "project",
            "freelancer",
            "collective",
            *QUOTE_FIELDS,
            "estimated_total",
            "currency",
            "status",
            "decline_reason",
            "decline_reason_kind",
            "decline_reason_by_system",
            "revision_requested_at",
            "revision_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema(
        responses=inline_serializer(
            "QuoteFreelancer",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "profile_id": serializers.IntegerField(allow_null=True),
            },
        )
    )
    @extend_schema_field(
        inline_serializer(
            "QuoteCollective",
            {"id": serializers.IntegerField(), "name": serializers.CharField(), "slug": serializers.CharField()},
            allow_null=True,
        )
    )
    def get_collective(self, quote) -> dict | None:
        if quote.collective_id is None:
            return None
        return {"id": quote.collective_id, "name": quote.collective.name, "slug": quote.collective.slug}

    def get_freelancer(self, quote) -> dict:
        profile = getattr(quote.freelancer, "freelancer_profile", None)
        return {
            "id": quote.freelancer_id,
            "name": quote.freelancer.public_name,
            "profile_id": profile.pk if profile else None,
        }


class QuoteInputSerializer(JSONInputSerializer):
    amount = documented(serializers.DecimalField(max_digits=None, decimal_places=None, required=False), DECIMAL)
    pricing = serializers.ChoiceField(choices=Pricing.choices, required=False)
    estimated_hours = documented(
        serializers.DecimalField(max_digits=None, decimal_places=None, required=False, allow_null=True), DECIMAL
    )
    delivery_days = documented(
        serializers.IntegerField(required=False, allow_null=True), {"type": "integer", "minimum": 1, "maximum": 3650}
    )
    delivery_date = serializers.DateField(required=False, allow_null=True)
    charges_taxes = serializers.BooleanField(required=False)
    message = documented(
        serializers.CharField(required=False, trim_whitespace=False),
        {"type": "string", "maxLength": 5000, "pattern": NOT_BLANK},
    )
    line_items = LineItemSerializer(many=True, required=False, max_length=30)


class QuoteCreateInputSerializer(QuoteInputSerializer):
    """A new quote: an amount and a message at least (the service says which is missing).

    With `collective`, a joint quote: sent by an admin of that collective, with line items each assigned
    to an active member (`assignee`) or to the collective (null), adding up to the total.
    """

    collective = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="A collective the caller administers: sends a joint quote for it (line items required).",
    )

    amount = documented(serializers.DecimalField(max_digits=None, decimal_places=None), DECIMAL)
    message = documented(
        serializers.CharField(trim_whitespace=False), {"type": "string", "maxLength": 5000, "pattern": NOT_BLANK}
    )


class DeclineInputSerializer(JSONInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RevisionInputSerializer(JSONInputSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.public_name")
    subject = serializers.CharField(source="subject.public_name")
    paid_as_agreed = serializers.ChoiceField(
        choices=PaidAsAgreed.choices, allow_blank=True, read_only=True, help_text="Empty in a client's review."
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "project",
            "author",
            "subject",
            "author_is_client",
            "rating",
            "comment",
            "paid_as_agreed",
            "created_at",
            "published_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "published_at": {
                "help_text": "Null while blind: only its author sees it, until both sides wrote theirs or 14 days "
                "after completion."
            }
        }


class ReviewInputSerializer(JSONInputSerializer):
    rating = documented(serializers.IntegerField(), {"type": "integer", "minimum": 1, "maximum": 5})
    comment = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    paid_as_agreed = serializers.ChoiceField(
        choices=PaidAsAgreed.choices, required=False, help_text="Required in a freelancer's review of the client."
    )


def _project_response(request, project_id: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    """The project as the caller now sees it, read back with its quote count."""
    project = project_get_visible(
        user=request.user, project_id=project_id, queryset=selectors.project_queryset_for_api()
    )
    return Response(ProjectSerializer(project).data, status=status_code)


def _input(serializer_class, request, *, partial=True) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- Views ---------------------------------------------------------------------------------------


class ProjectListCreateApi(mixins.ListModelMixin, GenericAPIView):
    """Open public projects (paged); POST creates a project (status "open" publishes it at once)."""

    serializer_class = ProjectSerializer

    def get_queryset(self):
        return selectors.project_list_open(category=self.request.query_params.get("category", ""))

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(request=ProjectCreateInputSerializer, responses={201: ProjectSerializer})
    @ratelimit(scope="project-create")
    def post(self, request):
        # Partial: a missing field gets the service's message, like every other rule.
        data = _input(ProjectCreateInputSerializer, request)
        publish = data.pop("status", ProjectStatus.DRAFT) == ProjectStatus.OPEN
        project = services.project_create(owner=request.user, data=data, publish=publish)
        return _project_response(request, project.pk, status_code=status.HTTP_201_CREATED)


class ProjectDetailApi(GenericAPIView):
    """One project as the caller may see it; its owner updates it (PATCH or PUT)."""

    serializer_class = ProjectSerializer
    queryset = Project.objects.none()

    def get(self, request, pk):
        return _project_response(request, pk)

    @extend_schema(request=ProjectInputSerializer, responses={200: ProjectSerializer, **error_responses(409)})
    def patch(self, request, pk):
        project_get_visible(user=request.user, project_id=pk)
        data = _input(ProjectInputSerializer, request)
        data.pop("status", None)
        services.project_update(user=request.user, project_id=pk, data=data)
        return _project_response(request, pk)

    @extend_schema(request=ProjectInputSerializer, responses={200: ProjectSerializer, **error_responses(409)})
    def put(self, request, pk):
        return self.patch(request, pk)


class ProjectQuotesApi(GenericAPIView):
    """The owner sees every quote; a freelancer only their own. POST sends a quote."""

    serializer_class = QuoteSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Quote.objects.none()
    pagination_class = None

    @extend_schema(responses=QuoteSerializer(many=True))
    def get(self, request, pk):
        project = project_get_visible(user=request.user, project_id=pk)
        quotes = selectors.quotes_for_viewer(
            user=request.user, project=project, sort=request.query_params.get("sort", "price")
        )
        return Response(QuoteSerializer(quotes, many=True).data)

    @extend_schema(
        request=QuoteCreateInputSerializer,
        responses={201: QuoteSerializer, **error_responses(400, 403, 404, 409)},
        description=(
            "400: invalid fields (a line's `assignee` not an active member of the collective, lines not adding up, "
            "`collective` not one of yours). 403: not an admin of `collective`, or your own project. 404: project "
            "not visible. 409: you, an assigned member or the collective already has a live quote on the project, "
            "or the project no longer takes quotes."
        ),
    )
    @ratelimit(scope="quote-submit")
    def post(self, request, pk):
        data = _input(QuoteCreateInputSerializer, request)
        quote = services.quote_submit(user=request.user, project_id=pk, data=data)
        return Response(QuoteSerializer(quote_get_visible(user=request.user, quote_id=quote.pk)).data, status=201)


class QuoteDetailApi(GenericAPIView):
    """One quote, for its author, the project's owner and staff; its author updates it while undecided."""

    serializer_class = QuoteSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Quote.objects.none()

    def get(self, request, pk):
        return Response(QuoteSerializer(quote_get_visible(user=request.user, quote_id=pk)).data)

    @extend_schema(request=QuoteInputSerializer, responses={200: QuoteSerializer, **error_responses(409)})
    def patch(self, request, pk):
        quote_get_visible(user=request.user, quote_id=pk)
        data = _input(QuoteInputSerializer, request)
        services.quote_update(user=request.user, quote_id=pk, data=data)
        return Response(QuoteSerializer(quote_get_visible(user=request.user, quote_id=pk)).data)


class _QuoteActionApi(GenericAPIView):
    serializer_class = QuoteSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Quote.objects.none()

    def act(self, request, pk):
        raise NotImplementedError

    def post(self, request, pk):
        quote_get_visible(user=request.user, quote_id=pk)
        self.act(request, pk)
        return Response(QuoteSerializer(quote_get_visible(user=request.user, quote_id=pk)).data)


class QuoteAcceptApi(_QuoteActionApi):
    """The project's owner hires this quote's author; 409 when the project is already awarded."""

    @extend_schema(request=None, responses={200: QuoteSerializer, **error_responses(409)})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, pk):
        services.quote_accept(user=request.user, quote_id=pk)


class QuoteDeclineApi(_QuoteActionApi):
    """The project's owner declines a quote, with an optional reason its author sees."""

    @extend_schema(request=DeclineInputSerializer, responses={200: QuoteSerializer, **error_responses(409)})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, pk):
        data = _input(DeclineInputSerializer, request, partial=False)
        services.quote_decline(user=request.user, quote_id=pk, reason=data["reason"])


class QuoteWithdrawApi(_QuoteActionApi):
    """The author withdraws their quote before the client decides."""

    @extend_schema(request=None, responses={200: QuoteSerializer, **error_responses(409)})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, pk):
        services.quote_withdraw(user=request.user, quote_id=pk)


class QuoteShortlistApi(_QuoteActionApi):
    """The project's owner shortlists a quote."""

    @extend_schema(request=None, responses={200: QuoteSerializer, **error_responses(409)})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, pk):
        services.quote_shortlist(user=request.user, quote_id=pk)


class QuoteRequestRevisionApi(_QuoteActionApi):
    """The project's owner asks the author to revise the quote."""

    @extend_schema(request=RevisionInputSerializer, responses={200: QuoteSerializer, **error_responses(409)})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, pk):
        data = _input(RevisionInputSerializer, request, partial=False)
        services.quote_request_revision(user=request.user, quote_id=pk, note=data["note"])


class ProjectCompleteApi(GenericAPIView):
    """The owner marks an awarded project as completed."""

    serializer_class = ProjectSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Project.objects.none()

    @extend_schema(request=None, responses={200: ProjectSerializer, **error_responses(409)})
    def post(self, request, pk):
        project_get_visible(user=request.user, project_id=pk)
        services.project_complete(user=request.user, project_id=pk)
        return _project_response(request, pk)


class ProjectReviewsApi(GenericAPIView):
    """The published reviews of a project (and the caller's own while blind); POST leaves the caller's review.

    Blind reviews: a review stays hidden from everyone but its author until both sides wrote theirs or 14 days
    after completion; then both appear together.
    """

    serializer_class = ReviewSerializer
    queryset = Review.objects.none()
    pagination_class = None

    @extend_schema(responses=ReviewSerializer(many=True))
    def get(self, request, pk):
        project = project_get_visible(user=request.user, project_id=pk)
        return Response(ReviewSerializer(selectors.project_reviews(project=project, user=request.user), many=True).data)

    @extend_schema(request=ReviewInputSerializer, responses={201: ReviewSerializer, **error_responses(409)})
    def post(self, request, pk):
        project_get_visible(user=request.user, project_id=pk)
        data = _input(ReviewInputSerializer, request)
        review = services.review_submit(user=request.user, project_id=pk, data=data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ReviewDetailApi(GenericAPIView):
    """The caller's own review: PATCH changes it until it is published (409 after)."""

    serializer_class = ReviewSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Review.objects.none()

    @extend_schema(
        operation_id="reviews_update",
        request=ReviewInputSerializer,
        responses={200: ReviewSerializer, **error_responses(403, 404, 409)},
    )
    def patch(self, request, pk):
        data = _input(ReviewInputSerializer, request)
        review = services.review_update(user=request.user, review_id=pk, data=data)
        return Response(ReviewSerializer(review).data)


class ProjectAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return reverse("project-attachment", args=[attachment.project_id, attachment.pk])


class ProjectAttachmentsApi(GenericAPIView):
    """A project's documents: the owner, staff and involved freelancers list them; the owner POSTs `file` (one or more)."""

    serializer_class = ProjectAttachmentSerializer
    queryset = Project.objects.none()
    pagination_class = None
    parser_classes = [MultiPartParser]

    @extend_schema(responses={200: ProjectAttachmentSerializer(many=True), **error_responses(403)})
    def get(self, request, pk):
        attachments = selectors.project_attachment_list(user=request.user, project_id=pk)
        return Response(ProjectAttachmentSerializer(attachments, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "minItems": 1,
                        "description": "Images (JPEG, PNG, WebP) or PDF.",
                    }
                },
                "required": ["file"],
            }
        },
        responses={201: ProjectAttachmentSerializer(many=True), **error_responses(409)},
    )
    def post(self, request, pk):
        attachments = services.project_attachments_add(
            user=request.user, project_id=pk, uploads=request.FILES.getlist("file")
        )
        return Response(ProjectAttachmentSerializer(attachments, many=True).data, status=status.HTTP_201_CREATED)


class ProjectAttachmentDetailApi(GenericAPIView):
    """DELETE removes one of the caller's project documents."""

    serializer_class = ProjectAttachmentSerializer
    queryset = Project.objects.none()

    @extend_schema(responses={204: None})
    def delete(self, request, pk, attachment_pk):
        services.project_attachment_delete(user=request.user, project_id=pk, attachment_id=attachment_pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Actions of the project page and the dashboard -------------------------------------------------


class ProjectPublishApi(GenericAPIView):
    """The owner opens a draft to quotes ("Publier" on the project page)."""

    serializer_class = ProjectSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Project.objects.none()

    @extend_schema(request=None, responses={200: ProjectSerializer, **error_responses(401, 403, 404, 409)})
    def post(self, request, pk):
        project_get_visible(user=request.user, project_id=pk)
        services.project_publish(user=request.user, project_id=pk)
        return _project_response(request, pk)


class ProjectCancelApi(GenericAPIView):
    """The owner cancels a draft or open project; live quotes are declined and their authors told."""

    serializer_class = ProjectSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Project.objects.none()

    @extend_schema(request=None, responses={200: ProjectSerializer, **error_responses(401, 403, 404, 409)})
    def post(self, request, pk):
        project_get_visible(user=request.user, project_id=pk)
        services.project_cancel(user=request.user, project_id=pk)
        return _project_response(request, pk)


class ProjectStatusFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False)


class QuoteStatusFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=QuoteStatus.choices, required=False)


def _status_param(choices) -> OpenApiParameter:
    return OpenApiParameter("status", OpenApiTypes.STR, enum=[value for value, _label in choices])


class MyProjectListApi(GenericAPIView):
    """The caller's projects in every state, drafts included, newest first (the dashboard's "Mes projets")."""

    serializer_class = ProjectSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Project.objects.none()

    @extend_schema(
        parameters=[_status_param(ProjectStatus.choices)],
        responses={200: ProjectSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request):
        params = ProjectStatusFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        projects = selectors.projects_for_owner(user=request.user, status=params.validated_data.get("status", ""))
        page = self.paginate_queryset(projects)
        return self.get_paginated_response(ProjectSerializer(page, many=True).data)


class MyQuoteListApi(GenericAPIView):
    """The caller's own quotes, last changed first (the dashboard's "Mes soumissions")."""

    serializer_class = QuoteSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Quote.objects.none()

    @extend_schema(
        parameters=[_status_param(QuoteStatus.choices)],
        responses={200: QuoteSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request):
        params = QuoteStatusFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        quotes = selectors.quotes_for_freelancer(user=request.user, status=params.validated_data.get("status", ""))
        page = self.paginate_queryset(quotes)
        return self.get_paginated_response(QuoteSerializer(page, many=True).data)


# --- Invitations ("demandes de soumission") ----------------------------------------------------------

# Ids are 64-bit: a larger number is a bad input (400), not a lookup.
MAX_ID = 2**63 - 1


class InvitationProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    quotes_due = serializers.DateField()
    url = serializers.CharField()


class InvitationPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="User id.")
    name = serializers.CharField()


class InvitationFreelancerSerializer(InvitationPersonSerializer):
    profile_id = serializers.IntegerField(allow_null=True, help_text="Freelancer profile id; null once it is deleted.")


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.SerializerMethodField()
    client = serializers.SerializerMethodField()
    freelancer = serializers.SerializerMethodField()
    message = serializers.CharField(help_text="The client's note to the freelancer (may be empty).")
    status = serializers.ChoiceField(choices=InvitationStatus.choices)
    decline_reason = serializers.CharField(help_text="The freelancer's reason for «non merci» (may be empty).")
    answered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    @extend_schema_field(InvitationProjectSerializer)
    def get_project(self, invitation) -> dict:
        project = invitation.project
        return {
            "id": project.pk,
            "title": project.title,
            "status": project.status,
            "quotes_due": project.quotes_due.isoformat(),
            "url": reverse("project-detail", args=[project.pk]),
        }

    @extend_schema_field(InvitationPersonSerializer)
    def get_client(self, invitation) -> dict:
        return {"id": invitation.project.owner_id, "name": invitation.project.owner.public_name}

    @extend_schema_field(InvitationFreelancerSerializer)
    def get_freelancer(self, invitation) -> dict:
        profile = getattr(invitation.freelancer, "freelancer_profile", None)
        return {
            "id": invitation.freelancer_id,
            "name": invitation.freelancer.public_name,
            "profile_id": profile.pk if profile else None,
        }


class InvitationInputSerializer(JSONInputSerializer):
    project = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="One of your open projects.")
    freelancer_profile = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The freelancer's profile id (as in /api/v1/freelancers/{id}/)."
    )
    message = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class InvitationListFilter(serializers.Serializer):
    role = serializers.ChoiceField(choices=selectors.INVITATION_ROLES, required=False)
    project = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class InvitationListCreateApi(GenericAPIView):
    """GET: the invitations I sent (`role=client`), received (`role=freelancer`), or both. POST: invite."""

    serializer_class = InvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Invitation.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("role", OpenApiTypes.STR, enum=list(selectors.INVITATION_ROLES)),
            OpenApiParameter(
                "project",
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                description="Only the invitations of this project.",
            ),
        ],
        responses={200: InvitationSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request):
        params = InvitationListFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        invitations = selectors.invitation_list_for_user(
            user=request.user,
            role=params.validated_data.get("role", ""),
            project_id=params.validated_data.get("project"),
        )
        page = self.paginate_queryset(invitations)
        return self.get_paginated_response(InvitationSerializer(page, many=True).data)

    @extend_schema(
        request=InvitationInputSerializer,
        responses={201: InvitationSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
        description="Invite a freelancer to quote on one of your open projects; they are notified.",
    )
    @ratelimit(scope="invitation-send")
    def post(self, request):
        data = _input(InvitationInputSerializer, request, partial=False)
        invitation = services.invitation_send(
            user=request.user,
            project_id=data["project"],
            freelancer_profile_id=data["freelancer_profile"],
            message=data["message"],
        )
        invitation = invitation_get_visible(user=request.user, invitation_id=invitation.pk)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailApi(GenericAPIView):
    """One invitation, for the client who sent it and the freelancer invited."""

    serializer_class = InvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Invitation.objects.none()

    @extend_schema(responses={200: InvitationSerializer, **error_responses(401, 404)})
    def get(self, request, pk):
        return Response(InvitationSerializer(invitation_get_visible(user=request.user, invitation_id=pk)).data)


class _InvitationAnswerApi(GenericAPIView):
    serializer_class = InvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Invitation.objects.none()
    accept = True

    def post(self, request, pk):
        services.invitation_answer(user=request.user, invitation_id=pk, accept=self.accept)
        return Response(InvitationSerializer(invitation_get_visible(user=request.user, invitation_id=pk)).data)


class InvitationAcceptApi(_InvitationAnswerApi):
    """The invited freelancer accepts (a quote will follow); 409 once answered or when the project is closed."""

    accept = True

    @extend_schema(request=None, responses={200: InvitationSerializer, **error_responses(401, 403, 404, 409)})
    def post(self, request, pk):
        return super().post(request, pk)


class InvitationDeclineApi(_InvitationAnswerApi):
    """The invited freelancer declines; the client sees it on the project. 409 once answered."""

    accept = False

    @extend_schema(request=None, responses={200: InvitationSerializer, **error_responses(401, 403, 404, 409)})
    def post(self, request, pk):
        return super().post(request, pk)


class InvitationAnswerInputSerializer(JSONInputSerializer):
    answer = serializers.ChoiceField(
        choices=[("quote", "quote"), ("decline", "decline"), ("unavailable", "unavailable")],
        help_text="quote: «je soumissionne» (send the quote next); decline: «non merci»; "
        "unavailable: «pas disponible — je recommande…» with `colleagues`.",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False, help_text="decline: shown to the client."
    )
    colleagues = documented(
        serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list
        ),
        {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False, help_text="unavailable: why them."
    )


class InvitationAnswerApi(GenericAPIView):
    """The invited freelancer answers: quote, decline (with a reason) or recommend colleagues; 409 once answered."""

    serializer_class = InvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Invitation.objects.none()

    @extend_schema(
        request=InvitationAnswerInputSerializer,
        responses={200: InvitationSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk):
        data = _input(InvitationAnswerInputSerializer, request, partial=False)
        if data["answer"] == "quote":
            services.invitation_accept(user=request.user, invitation_id=pk)
        elif data["answer"] == "decline":
            services.invitation_decline(user=request.user, invitation_id=pk, reason=data["reason"])
        else:
            services.invitation_pass_on(
                user=request.user, invitation_id=pk, colleague_profile_ids=data["colleagues"], note=data["note"]
            )
        return Response(InvitationSerializer(invitation_get_visible(user=request.user, invitation_id=pk)).data)


# --- Recommendations: passing a project on to colleagues ---------------------------------------------


class RecommendedColleagueSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="User id.")
    name = serializers.CharField()
    profile_id = serializers.IntegerField(allow_null=True, help_text="Public freelancer profile id, if any.")
    headline = serializers.CharField()
    municipality = serializers.CharField(allow_null=True)
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    rating_count = serializers.IntegerField()


class RecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    recommender = serializers.SerializerMethodField()
    colleague = serializers.SerializerMethodField()
    note = serializers.CharField()
    invitation = serializers.IntegerField(
        source="invitation_id", allow_null=True, help_text="The invitation the client sent from it, if any."
    )
    created_at = serializers.DateTimeField()

    @extend_schema_field(InvitationPersonSerializer)
    def get_recommender(self, recommendation) -> dict:
        return {"id": recommendation.recommender_id, "name": recommendation.recommender.public_name}

    @extend_schema_field(RecommendedColleagueSerializer)
    def get_colleague(self, recommendation) -> dict:
        user = recommendation.colleague
        profile = getattr(user, "freelancer_profile", None)
        if profile is not None and profile.is_hidden:
            profile = None
        return {
            "id": user.pk,
            "name": user.public_name,
            "profile_id": profile.pk if profile else None,
            "headline": profile.headline if profile else "",
            "municipality": str(profile.municipality) if profile and profile.municipality else None,
            "rating_average": profile.rating_average if profile else None,
            "rating_count": profile.rating_count if profile else 0,
        }


class RecommendationInputSerializer(JSONInputSerializer):
    colleagues = documented(
        serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID)),
        {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            "minItems": 1,
            "maxItems": MAX_COLLEAGUES,
        },
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class ProjectRecommendationsApi(GenericAPIView):
    """GET: the colleagues recommended for one of your projects. POST: recommend an open project to colleagues."""

    serializer_class = RecommendationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Project.objects.none()
    pagination_class = None

    @extend_schema(responses={200: RecommendationSerializer(many=True), **error_responses(401, 403, 404)})
    def get(self, request, pk):
        recommendations = selectors.recommendations_for_owner(user=request.user, project_id=pk)
        return Response(RecommendationSerializer(recommendations, many=True).data)

    @extend_schema(
        request=RecommendationInputSerializer,
        responses={201: RecommendationSerializer(many=True), **error_responses(400, 401, 403, 404, 409, 429)},
        description="Colleagues are freelancer profile ids; each is notified with your note.",
    )
    @ratelimit(scope="invitation-send")
    def post(self, request, pk):
        data = _input(RecommendationInputSerializer, request, partial=False)
        made = services.recommendation_send(
            user=request.user, project_id=pk, colleague_profile_ids=data["colleagues"], note=data["note"]
        )
        return Response(RecommendationSerializer(made, many=True).data, status=status.HTTP_201_CREATED)


class RecommendationInviteApi(GenericAPIView):
    """The client invites a recommended colleague; inviting someone already invited returns that invitation."""

    serializer_class = InvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Invitation.objects.none()

    @extend_schema(request=None, responses={200: InvitationSerializer, **error_responses(401, 403, 404, 409)})
    @ratelimit(scope="invitation-send")
    def post(self, request, pk):
        invitation = services.invitation_from_recommendation(user=request.user, recommendation_id=pk)
        return Response(
            InvitationSerializer(invitation_get_visible(user=request.user, invitation_id=invitation.pk)).data
        )


# --- The public client page ----------------------------------------------------------------------


class ClientReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    project_title = serializers.CharField(source="project.title")
    author = serializers.CharField(source="author.public_name")
    author_profile = serializers.SerializerMethodField(help_text="The author's public freelancer profile id, if any.")
    rating = serializers.IntegerField()
    comment = serializers.CharField()
    paid_as_agreed = serializers.CharField(help_text="yes, late, no, or empty when not answered.")
    created_at = serializers.DateTimeField()

    def get_author_profile(self, review) -> int | None:
        profile = getattr(review.author, "freelancer_profile", None)
        return profile.pk if profile is not None and not profile.is_hidden else None


class ClientPaidSerializer(serializers.Serializer):
    answers = serializers.IntegerField(help_text="Freelancers who said whether they were paid as agreed.")
    as_agreed = serializers.IntegerField()
    late = serializers.IntegerField()


class PaymentRecordSerializer(serializers.Serializer):
    """Facts from invoices, not opinions: only a receipt the freelancer confirmed makes an invoice paid."""

    since = serializers.DateField(help_text="The first due date counted: 24 months ago.")
    received = serializers.IntegerField(
        help_text="Invoices that count (agreed through an engagement or acknowledged by the client; not cancelled, "
        "not excluded by staff after a contest) due since `since`, paid or not, due or not."
    )
    paid_on_time = serializers.IntegerField(help_text="Receipt confirmed by the freelancer on or before the due date.")
    paid_late = serializers.IntegerField(help_text="Receipt confirmed after the due date.")
    unpaid_past_due = serializers.IntegerField(help_text="Receipt not confirmed and the due date passed.")
    claimed_unconfirmed = serializers.IntegerField(
        help_text="Of `unpaid_past_due`: marked paid by the client, receipt not confirmed by the freelancer."
    )
    not_yet_due = serializers.IntegerField(help_text="Receipt not confirmed, due date not passed yet.")
    median_days = serializers.FloatField(
        allow_null=True,
        help_text="Median days from the due date to the confirmed receipt date; negative: before the due "
        "date. Null when no receipt is confirmed.",
    )


class ClientSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk")
    name = serializers.CharField(source="user.public_name")
    member_since = serializers.DateTimeField(source="user.date_joined")
    projects_published = serializers.IntegerField()
    freelancer_profile = serializers.SerializerMethodField(help_text="Their public freelancer profile id, if any.")
    rating_average = serializers.DecimalField(
        source="reviews.average", max_digits=2, decimal_places=1, allow_null=True, help_text="Out of 5."
    )
    review_count = serializers.IntegerField(source="reviews.count")
    reviews = ClientReviewSerializer(
        source="reviews.reviews", many=True, help_text="The latest reviews by freelancers."
    )
    payment_record = PaymentRecordSerializer(
        allow_null=True, help_text="The headline: how this client paid invoices over the last 24 months."
    )
    paid = serializers.SerializerMethodField(
        help_text='History: freelancers\' own answers to "paid as agreed?" in their reviews (self-reported).'
    )

    def get_freelancer_profile(self, client) -> int | None:
        profile = getattr(client.user, "freelancer_profile", None)
        return profile.pk if profile is not None and not profile.is_hidden else None

    @extend_schema_field(ClientPaidSerializer)
    def get_paid(self, client) -> dict:
        return {"answers": client.paid_answers, "as_agreed": client.paid_as_agreed, "late": client.paid_late}


class ClientDetailApi(GenericAPIView):
    """A client's public page: their payment record, reviews by freelancers, projects published."""

    serializer_class = ClientSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None

    @extend_schema(responses=ClientSerializer, summary="Page publique d'un client")
    def get(self, request, pk: int):
        return Response(ClientSerializer(selectors.client_get(user_id=pk)).data)


# --- Counter-offers ------------------------------------------------------------------------------


class OfferSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    # "lapsed": still open when its quote was accepted, declined or withdrawn otherwise.
    status = serializers.ChoiceField(choices=OfferStatus.choices, source="shown_status", read_only=True)

    class Meta:
        model = QuoteOffer
        fields = [
            "id",
            "quote",
            "author",
            "from_client",
            "amount",
            "delivery_days",
            "delivery_date",
            "message",
            "quote_amount",
            "status",
            "answered_at",
            "decline_reason",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        inline_serializer("QuoteOfferAuthor", {"id": serializers.IntegerField(), "name": serializers.CharField()})
    )
    def get_author(self, offer) -> dict:
        return {"id": offer.author_id, "name": str(offer.author.public_name)}


class OfferInputSerializer(JSONInputSerializer):
    """A counter-offer: `amount` means what the quote's amount means (fixed: the total; hourly: the rate).

    Without a delay the quote's stays. The freelancer may only counter the client's open offer.
    """

    amount = documented(serializers.DecimalField(max_digits=None, decimal_places=None), DECIMAL)
    delivery_days = documented(
        serializers.IntegerField(required=False, allow_null=True), {"type": "integer", "minimum": 1, "maximum": 3650}
    )
    delivery_date = serializers.DateField(required=False, allow_null=True)
    message = documented(
        serializers.CharField(required=False, allow_blank=True, trim_whitespace=False),
        {"type": "string", "maxLength": 2000},
    )


class QuoteOffersApi(GenericAPIView):
    """A quote's counter-offers, oldest first; POST makes one (the client, or either side countering)."""

    serializer_class = OfferSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = QuoteOffer.objects.none()
    pagination_class = None

    @extend_schema(operation_id="quote_offers_list", responses={200: OfferSerializer(many=True)})
    def get(self, request, pk):
        page = selectors.quote_offers_page(user=request.user, quote_id=pk)
        return Response(OfferSerializer(page.offers, many=True).data)

    @extend_schema(
        operation_id="quote_offers_create",
        request=OfferInputSerializer,
        responses={201: OfferSerializer, **error_responses(403, 409)},
    )
    def post(self, request, pk):
        data = _input(OfferInputSerializer, request, partial=False)
        offer = services.offer_make(user=request.user, quote_id=pk, data=data)
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class _OfferAnswerApi(GenericAPIView):
    serializer_class = OfferSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = QuoteOffer.objects.none()

    def answered(self, offer) -> Response:
        # Read back through the page, so the status is what both parties now see.
        page = selectors.quote_offers_page(user=self.request.user, quote_id=offer.quote_id)
        return Response(OfferSerializer(next(o for o in page.offers if o.pk == offer.pk)).data)


class OfferAcceptApi(_OfferAnswerApi):
    """Accept the open offer addressed to you: the quote takes its price and delay and is accepted."""

    @extend_schema(
        operation_id="offer_accept", request=None, responses={200: OfferSerializer, **error_responses(403, 409)}
    )
    def post(self, request, pk):
        return self.answered(services.offer_accept(user=request.user, offer_id=pk))


class OfferDeclineApi(_OfferAnswerApi):
    """Decline the open offer addressed to you, with an optional reason; the quote stays live."""

    @extend_schema(
        operation_id="offer_decline",
        request=DeclineInputSerializer,
        responses={200: OfferSerializer, **error_responses(403, 409)},
    )
    def post(self, request, pk):
        data = _input(DeclineInputSerializer, request, partial=False)
        return self.answered(services.offer_decline(user=request.user, offer_id=pk, reason=data["reason"]))
