"""/api/v1/ for projects, quotes and reviews: thin DRF views over the same services and selectors."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from marketplace.ratelimit import ratelimit
from projects import selectors, services
from projects.models import (
    BudgetType,
    Category,
    PaidAsAgreed,
    Pricing,
    Project,
    ProjectStatus,
    Quote,
    Review,
    Visibility,
)
from projects.permissions import project_get_visible, quote_get_visible
from projects.services.projects import PROJECT_FIELDS

# --- Serializers: output shapes, and input types only (the rules live in the services) ---------------


class ProjectSerializer(serializers.ModelSerializer):
    skills = serializers.SerializerMethodField()
    municipality = serializers.IntegerField(source="municipality_id", allow_null=True)
    owner = serializers.CharField(source="owner.public_name")
    quote_count = serializers.IntegerField(read_only=True, default=None)
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


class ProjectInputSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    skills = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)
    budget_type = serializers.ChoiceField(choices=BudgetType.choices, required=False)
    budget_min = serializers.DecimalField(max_digits=None, decimal_places=None, required=False, allow_null=True)
    budget_max = serializers.DecimalField(max_digits=None, decimal_places=None, required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    municipality = serializers.IntegerField(required=False, allow_null=True, help_text="A municipality id.")
    remote = serializers.BooleanField(required=False)
    quotes_due = serializers.DateField(required=False, allow_null=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    status = serializers.ChoiceField(
        choices=[ProjectStatus.DRAFT, ProjectStatus.OPEN],
        required=False,
        help_text="On creation: draft, or open to publish.",
    )


class LineItemSerializer(serializers.Serializer):
    description = serializers.CharField(allow_blank=True)
    amount = serializers.DecimalField(max_digits=None, decimal_places=None)


class QuoteSerializer(serializers.ModelSerializer):
    freelancer = serializers.SerializerMethodField()
    line_items = LineItemSerializer(many=True, read_only=True)
    estimated_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    # The reason in the reader's language: the platform's worded now, the client's as they wrote it.
    decline_reason = serializers.CharField(source="decline_reason_text", read_only=True)

    class Meta:
        model = Quote
        fields = [
            "id",
            "project",
            "freelancer",
            "amount",
            "pricing",
            "estimated_hours",
            "estimated_total",
            "currency",
            "delivery_days",
            "delivery_date",
            "charges_taxes",
            "message",
            "line_items",
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
    def get_freelancer(self, quote) -> dict:
        profile = getattr(quote.freelancer, "freelancer_profile", None)
        return {
            "id": quote.freelancer_id,
            "name": quote.freelancer.public_name,
            "profile_id": profile.pk if profile else None,
        }


class QuoteInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=None, decimal_places=None, required=False)
    pricing = serializers.ChoiceField(choices=Pricing.choices, required=False)
    estimated_hours = serializers.DecimalField(max_digits=None, decimal_places=None, required=False, allow_null=True)
    delivery_days = serializers.IntegerField(required=False, allow_null=True)
    delivery_date = serializers.DateField(required=False, allow_null=True)
    charges_taxes = serializers.BooleanField(required=False)
    message = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    line_items = LineItemSerializer(many=True, required=False)


class DeclineInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RevisionInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.public_name")
    subject = serializers.CharField(source="subject.public_name")

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
        ]
        read_only_fields = fields


class ReviewInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(required=False)
    comment = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    paid_as_agreed = serializers.ChoiceField(
        choices=PaidAsAgreed.choices, required=False, help_text="Required in a freelancer's review of the client."
    )


def _input(serializer_class, request, *, partial=True) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- Views ---------------------------------------------------------------------------------------


class ProjectListCreateAPI(mixins.ListModelMixin, GenericAPIView):
    """Open public projects (paged); POST creates a project (status "open" publishes it at once)."""

    serializer_class = ProjectSerializer

    def get_queryset(self):
        return selectors.project_list_open(category=self.request.query_params.get("category", ""))

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(request=ProjectInputSerializer, responses={201: ProjectSerializer})
    @ratelimit(scope="project-create")
    def post(self, request):
        data = _input(ProjectInputSerializer, request)
        publish = data.pop("status", ProjectStatus.DRAFT) == ProjectStatus.OPEN
        project = services.project_create(owner=request.user, data=data, publish=publish)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailAPI(GenericAPIView):
    """One project as the caller may see it; its owner updates it (PATCH or PUT)."""

    serializer_class = ProjectSerializer
    queryset = Project.objects.none()

    def _get(self, request, pk):
        return project_get_visible(
            user=request.user, project_id=pk, queryset=Project.objects.prefetch_related("skills")
        )

    def get(self, request, pk):
        return Response(ProjectSerializer(self._get(request, pk)).data)

    @extend_schema(request=ProjectInputSerializer, responses=ProjectSerializer)
    def patch(self, request, pk):
        self._get(request, pk)
        data = _input(ProjectInputSerializer, request)
        data.pop("status", None)
        project = services.project_update(user=request.user, project_id=pk, data=data)
        return Response(ProjectSerializer(project).data)

    @extend_schema(request=ProjectInputSerializer, responses=ProjectSerializer)
    def put(self, request, pk):
        return self.patch(request, pk)


class ProjectQuotesAPI(GenericAPIView):
    """The owner sees every quote; a freelancer only their own. POST sends a quote."""

    serializer_class = QuoteSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Quote.objects.none()
    pagination_class = None

    @extend_schema(responses=QuoteSerializer(many=True))
    def get(self, request, pk):
        project = project_get_visible(user=request.user, project_id=pk)
        if project.owner_id == request.user.pk or request.user.is_staff:
            quotes = selectors.quotes_for_owner(project=project, sort=request.query_params.get("sort", "price"))
        else:
            quotes = list(
                Quote.objects.filter(project=project, freelancer=request.user)
                .select_related("freelancer__freelancer_profile")
                .prefetch_related("line_items")
            )
        return Response(QuoteSerializer(quotes, many=True).data)

    @extend_schema(request=QuoteInputSerializer, responses={201: QuoteSerializer})
    @ratelimit(scope="quote-submit")
    def post(self, request, pk):
        data = _input(QuoteInputSerializer, request)
        quote = services.quote_submit(user=request.user, project_id=pk, data=data)
        return Response(QuoteSerializer(quote_get_visible(user=request.user, quote_id=quote.pk)).data, status=201)


class QuoteDetailAPI(GenericAPIView):
    """One quote, for its author, the project's owner and staff; its author updates it while undecided."""

    serializer_class = QuoteSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Quote.objects.none()

    def get(self, request, pk):
        return Response(QuoteSerializer(quote_get_visible(user=request.user, quote_id=pk)).data)

    @extend_schema(request=QuoteInputSerializer, responses=QuoteSerializer)
    def patch(self, request, pk):
        quote_get_visible(user=request.user, quote_id=pk)
        data = _input(QuoteInputSerializer, request)
        services.quote_update(user=request.user, quote_id=pk, data=data)
        return Response(QuoteSerializer(quote_get_visible(user=request.user, quote_id=pk)).data)


class _QuoteActionAPI(GenericAPIView):
    serializer_class = QuoteSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Quote.objects.none()

    def act(self, request, pk):
        raise NotImplementedError

    def post(self, request, pk):
        quote_get_visible(user=request.user, quote_id=pk)
        self.act(request, pk)
        return Response(QuoteSerializer(quote_get_visible(user=request.user, quote_id=pk)).data)


class QuoteAcceptAPI(_QuoteActionAPI):
    """The project's owner hires this quote's author; 409 when the project is already awarded."""

    @extend_schema(request=None, responses=QuoteSerializer)
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, pk):
        services.quote_accept(user=request.user, quote_id=pk)


class QuoteDeclineAPI(_QuoteActionAPI):
    """The project's owner declines a quote, with an optional reason its author sees."""

    @extend_schema(request=DeclineInputSerializer, responses=QuoteSerializer)
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, pk):
        data = _input(DeclineInputSerializer, request, partial=False)
        services.quote_decline(user=request.user, quote_id=pk, reason=data["reason"])


class QuoteWithdrawAPI(_QuoteActionAPI):
    """The author withdraws their quote before the client decides."""

    @extend_schema(request=None, responses=QuoteSerializer)
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, pk):
        services.quote_withdraw(user=request.user, quote_id=pk)


class QuoteShortlistAPI(_QuoteActionAPI):
    """The project's owner shortlists a quote."""

    @extend_schema(request=None, responses=QuoteSerializer)
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, pk):
        services.quote_shortlist(user=request.user, quote_id=pk)


class QuoteRequestRevisionAPI(_QuoteActionAPI):
    """The project's owner asks the author to revise the quote."""

    @extend_schema(request=RevisionInputSerializer, responses=QuoteSerializer)
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, pk):
        data = _input(RevisionInputSerializer, request, partial=False)
        services.quote_request_revision(user=request.user, quote_id=pk, note=data["note"])


class ProjectCompleteAPI(GenericAPIView):
    """The owner marks an awarded project as completed."""

    serializer_class = ProjectSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Project.objects.none()

    @extend_schema(request=None, responses=ProjectSerializer)
    def post(self, request, pk):
        project_get_visible(user=request.user, project_id=pk)
        project = services.project_complete(user=request.user, project_id=pk)
        return Response(ProjectSerializer(project).data)


class ProjectReviewsAPI(GenericAPIView):
    """The visible reviews of a project; POST leaves the caller's review once it is completed."""

    serializer_class = ReviewSerializer
    queryset = Review.objects.none()
    pagination_class = None

    @extend_schema(responses=ReviewSerializer(many=True))
    def get(self, request, pk):
        project = project_get_visible(user=request.user, project_id=pk)
        return Response(ReviewSerializer(selectors.project_reviews(project=project), many=True).data)

    @extend_schema(request=ReviewInputSerializer, responses={201: ReviewSerializer})
    def post(self, request, pk):
        project_get_visible(user=request.user, project_id=pk)
        data = _input(ReviewInputSerializer, request)
        review = services.review_submit(user=request.user, project_id=pk, data=data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ProjectAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return reverse("project-attachment", args=[attachment.project_id, attachment.pk])


class ProjectAttachmentsAPI(GenericAPIView):
    """A project's documents: the owner, staff and involved freelancers list them; the owner POSTs `file` (one or more)."""

    serializer_class = ProjectAttachmentSerializer
    queryset = Project.objects.none()
    pagination_class = None
    parser_classes = [MultiPartParser]

    @extend_schema(responses=ProjectAttachmentSerializer(many=True))
    def get(self, request, pk):
        attachments = selectors.project_attachment_list(user=request.user, project_id=pk)
        return Response(ProjectAttachmentSerializer(attachments, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}}},
            }
        },
        responses={201: ProjectAttachmentSerializer(many=True)},
    )
    def post(self, request, pk):
        attachments = services.project_attachments_add(
            user=request.user, project_id=pk, uploads=request.FILES.getlist("file")
        )
        return Response(ProjectAttachmentSerializer(attachments, many=True).data, status=status.HTTP_201_CREATED)


class ProjectAttachmentDetailAPI(GenericAPIView):
    """DELETE removes one of the caller's project documents."""

    serializer_class = ProjectAttachmentSerializer
    queryset = Project.objects.none()

    @extend_schema(responses={204: None})
    def delete(self, request, pk, attachment_pk):
        services.project_attachment_delete(user=request.user, project_id=pk, attachment_id=attachment_pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
