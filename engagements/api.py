"""/api/v1/engagements/: one's engagements, milestones to agree, deliveries to hand over and answer (thin)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from engagements import selectors, services
from engagements.models import DeliveryStatus, EngagementStatus, MilestoneStatus
from marketplace.common.api import JSONParser, error_responses
from marketplace.common.api_input import AmountField, JSONInputSerializer
from marketplace.common.api_schema import NOT_BLANK

MAX_ID = 2**63 - 1


class _PartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="public_name")


class MilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=MilestoneStatus.choices)
    order = serializers.IntegerField()


class DeliveryFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, row) -> str:
        return reverse("engagement-file", args=[row.delivery.engagement_id, row.pk])


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    milestone = serializers.IntegerField(source="milestone_id", allow_null=True, help_text="Null: the whole work.")
    message = serializers.CharField()
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    delivered_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    change_reason = serializers.CharField()
    files = DeliveryFileSerializer(many=True, source="files.all")


class LineSerializer(serializers.Serializer):
    description = serializers.CharField()
    amount = serializers.CharField(help_text="Decimal amount, as a string.")
    position = serializers.IntegerField()


class EngagementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    project_title = serializers.CharField(source="project.title")
    quote = serializers.IntegerField(source="quote_id")
    client = _PartySerializer()
    freelancer = _PartySerializer()
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, help_text="Before taxes; null: hourly without estimate."
    )
    currency = serializers.CharField()
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    charges_taxes = serializers.BooleanField()
    delivery_days = serializers.IntegerField(allow_null=True)
    delivery_date = serializers.DateField(allow_null=True)
    lines = LineSerializer(many=True)
    status = serializers.ChoiceField(choices=EngagementStatus.choices)
    milestones_proposed_by = serializers.IntegerField(
        source="milestones_proposed_by_id", allow_null=True, help_text="Who proposed the split awaiting an answer."
    )
    milestones = MilestoneSerializer(many=True, source="milestones.all")
    deliveries = DeliverySerializer(many=True, source="deliveries.all")
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, engagement) -> str:
        return reverse("engagement-detail", args=[engagement.pk])


class MilestoneInput(JSONInputSerializer):
    title = serializers.CharField(allow_blank=True, trim_whitespace=False)
    amount = AmountField()
    due_on = serializers.CharField(help_text="YYYY-MM-DD, today or later.")


class MilestonesInput(JSONInputSerializer):
    milestones = MilestoneInput(many=True)


class DeliverInput(JSONInputSerializer):
    milestone = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    message = serializers.CharField(allow_blank=True, trim_whitespace=False)
    files = serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False)


class ReasonInput(JSONInputSerializer):
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False)


_MILESTONES = {
    "application/json": {
        "type": "object",
        "properties": {
            "milestones": {
                "type": "array",
                "minItems": 1,
                "maxItems": services.MAX_MILESTONES,
                "items": {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string", "maxLength": 200, "pattern": NOT_BLANK},
                        "amount": {"type": "number", "minimum": 0.01, "multipleOf": 0.01},
                        "due_on": {"type": "string", "format": "date", "description": "Today or later."},
                    },
                    "required": ["title", "amount", "due_on"],
                },
                "description": "The whole split; the amounts must add up to the engagement's amount.",
            }
        },
        "required": ["milestones"],
    }
}
_DELIVER_FIELDS = {
    "milestone": {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_ID,
        "nullable": True,
        "description": "An agreed milestone's id; omitted or null: the whole work (only without agreed milestones).",
    },
    "message": {"type": "string", "maxLength": services.MAX_MESSAGE, "pattern": NOT_BLANK},
}
_DELIVER = {
    "application/json": {"type": "object", "properties": _DELIVER_FIELDS, "required": ["message"]},
    "multipart/form-data": {
        "type": "object",
        "properties": {
            # A form has no null: the whole work is the milestone left out.
            "milestone": {key: value for key, value in _DELIVER_FIELDS["milestone"].items() if key != "nullable"},
            "message": _DELIVER_FIELDS["message"],
            "files": {
                "type": "array",
                "maxItems": services.MAX_FILES_PER_DELIVERY,
                "items": {
                    "type": "string",
                    "format": "binary",
                    "description": "JPEG, PNG, WebP or PDF, 10 MB at most.",
                },
            },
        },
        "required": ["message"],
    },
}
_REASON = {
    "application/json": {
        "type": "object",
        "properties": {"reason": {"type": "string", "maxLength": services.MAX_REASON, "pattern": NOT_BLANK}},
        "required": ["reason"],
    }
}


def _engagement_response(request, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    engagement = selectors.engagement_get_for_party(user=request.user, engagement_id=pk)
    return Response(EngagementSerializer(engagement, context={"request": request}).data, status=status_code)


class EngagementListApi(generics.ListAPIView):
    """The caller's engagements, as client or freelancer, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = EngagementSerializer

    def get_queryset(self):
        return selectors.engagements_for_user(user=self.request.user)

    @extend_schema(operation_id="engagement_list", summary="Mes mandats")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EngagementDetailApi(APIView):
    """One engagement, for its client, its freelancer and staff (404 for anyone else)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="engagement_detail", responses={200: EngagementSerializer}, summary="Un mandat")
    def get(self, request, pk: int):
        return _engagement_response(request, pk)


class MilestonesProposeApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="engagement_milestones_propose",
        request=_MILESTONES,
        responses={200: EngagementSerializer, **error_responses(409)},
        summary="Proposer une répartition en jalons",
        description="Either side; replaces a split still awaiting an answer. 400 when the amounts don't add up "
        "to the engagement's amount, a due date is past, or the engagement is hourly without an estimate; "
        "409 once milestones are agreed, the work delivered whole, or the engagement finished.",
    )
    def post(self, request, pk: int):
        data = MilestonesInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.milestones_propose(user=request.user, engagement_id=pk, items=data.validated_data["milestones"])
        return _engagement_response(request, pk)


class MilestonesAcceptApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="engagement_milestones_accept",
        request=None,
        responses={200: EngagementSerializer, **error_responses(403, 409)},
        summary="Accepter la répartition en jalons",
        description="By the side that did not propose it (403 for the proposer); 409 when none awaits an answer.",
    )
    def post(self, request, pk: int):
        services.milestones_accept(user=request.user, engagement_id=pk)
        return _engagement_response(request, pk)


class DeliverApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="engagement_deliver",
        request=_DELIVER,
        responses={201: EngagementSerializer, **error_responses(403, 409)},
        summary="Livrer un jalon ou le travail complet",
        description="The freelancer only (403 for the client). Files go through the private-document pipeline "
        "(400 when too large, empty or not an image/PDF) and are all stored or none. 409 when that work "
        "already awaits the client's answer, is approved, or the engagement is finished.",
    )
    def post(self, request, pk: int):
        data = DeliverInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.delivery_submit(
            user=request.user,
            engagement_id=pk,
            milestone_id=values.get("milestone"),
            message=values["message"],
            uploads=values.get("files", []),
        )
        return _engagement_response(request, pk, status_code=status.HTTP_201_CREATED)


class DeliveryApproveApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="engagement_delivery_approve",
        request=None,
        responses={200: EngagementSerializer, **error_responses(403, 409)},
        summary="Approuver une livraison",
        description="The client only (403 for the freelancer). When all the work is approved the project is "
        "completed and reviews open. 409 when already answered or approved automatically.",
    )
    def post(self, request, pk: int, delivery_pk: int):
        services.delivery_approve(user=request.user, engagement_id=pk, delivery_id=delivery_pk)
        return _engagement_response(request, pk)


class DeliveryRequestChangesApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="engagement_delivery_request_changes",
        request=_REASON,
        responses={200: EngagementSerializer, **error_responses(403, 409)},
        summary="Demander des modifications",
        description="The client only, with a reason (400 when blank); 409 when already answered or approved "
        "automatically.",
    )
    def post(self, request, pk: int, delivery_pk: int):
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.delivery_request_changes(
            user=request.user, engagement_id=pk, delivery_id=delivery_pk, reason=data.validated_data["reason"]
        )
        return _engagement_response(request, pk)
