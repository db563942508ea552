"""/api/v1/: a client contests an "unpaid past due" invoice, the freelancer answers, staff decide (thin)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from invoicing import selectors
from invoicing.models import ContestStatus
from invoicing.services import contests as contest_services
from marketplace.common.api import JSONParser, error_responses
from marketplace.common.api_input import JSONInputSerializer
from marketplace.common.api_schema import NOT_BLANK


class ContestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    invoice = serializers.IntegerField(source="invoice_id")
    invoice_number = serializers.IntegerField(source="invoice.number")
    status = serializers.ChoiceField(
        choices=ContestStatus.choices,
        help_text="ouverte: awaiting staff; retenue: the invoice left the client's record; rejetee: it stays unpaid.",
    )
    client_message = serializers.CharField(help_text="The client's explanation.")
    freelancer_message = serializers.CharField(help_text="The freelancer's one answer; empty until given.")
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField(help_text="Staff's reason; empty until decided.")
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, contest) -> str:
        return reverse("contest-detail", args=[contest.pk])


class MessageInput(JSONInputSerializer):
    message = serializers.CharField(allow_blank=True, trim_whitespace=False)


class DecisionInput(JSONInputSerializer):
    upheld = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True, trim_whitespace=False)


def _message_body(description: str) -> dict:
    return {
        "application/json": {
            "type": "object",
            "properties": {
                "message": {
                    "type": "string",
                    "maxLength": contest_services.MAX_MESSAGE,
                    "pattern": NOT_BLANK,
                    "description": description,
                }
            },
            "required": ["message"],
        }
    }


_DECISION = {
    "application/json": {
        "type": "object",
        "properties": {
            "upheld": {
                "type": "boolean",
                "description": "true: the invoice leaves the client's payment record; false: it stays unpaid.",
            },
            "note": {
                "type": "string",
                "maxLength": contest_services.MAX_MESSAGE,
                "pattern": NOT_BLANK,
                "description": "The reason, shown to both sides.",
            },
        },
        "required": ["upheld", "note"],
    }
}


def _contest_response(request, contest_id: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    contest = selectors.contest_get_for_party(user=request.user, contest_id=contest_id)
    return Response(ContestSerializer(contest).data, status=status_code)


class InvoiceContestApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="invoice_contest",
        request=_message_body('Why the "unpaid" mark is wrong; the freelancer and staff read it.'),
        responses={201: ContestSerializer, **error_responses(403, 409)},
        summary="Contester une facture impayée",
        description="The invoice's client only (403 for its freelancer; 404 for anyone else). 400 when the "
        "message is blank or longer than 3000 characters; 409 when the invoice is not unpaid past due in "
        "the client's record (paid, not yet due, cancelled, not counted or excluded) or a contest of it "
        "already awaits staff's decision.",
    )
    def post(self, request, pk: int):
        data = MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        contest = contest_services.invoice_contest(
            user=request.user, invoice_id=pk, message=data.validated_data["message"]
        )
        return _contest_response(request, contest.pk, status_code=status.HTTP_201_CREATED)


class ContestAnswerApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="contest_answer",
        request=_message_body("The freelancer's side, once."),
        responses={200: ContestSerializer, **error_responses(403, 409)},
        summary="Répondre à une contestation",
        description="The invoice's freelancer only, once (403 for the client; 404 for anyone else). 400 when "
        "the message is blank or longer than 3000 characters; 409 when already answered or decided.",
    )
    def post(self, request, pk: int):
        data = MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        contest_services.contest_answer(user=request.user, contest_id=pk, message=data.validated_data["message"])
        return _contest_response(request, pk)


class ContestDecideApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="contest_decide",
        request=_DECISION,
        responses={200: ContestSerializer, **error_responses(403, 409)},
        summary="Trancher une contestation (équipe)",
        description="Staff only (403 for anyone else). Upheld: the invoice leaves the client's payment record; "
        "rejected: it stays. Logged (who, when, the note) and both sides are told. 400 when the note is blank "
        "or longer than 3000 characters; 404 for an unknown contest; 409 when already decided.",
    )
    def post(self, request, pk: int):
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        contest_services.contest_decide(
            staff_user=request.user, contest_id=pk, upheld=values["upheld"], note=values["note"]
        )
        return _contest_response(request, pk)
