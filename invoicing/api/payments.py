"""/api/v1/invoices/{id}/…: the payment of an invoice, through the same services as the invoice page (thin)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from invoicing import selectors
from invoicing.models import InvoiceEventKind, InvoiceStatus
from invoicing.services import payments as services
from marketplace.common.api import JSONParser, error_responses
from marketplace.common.api_input import JSONInputSerializer


class PaymentEventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InvoiceEventKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    actor = serializers.IntegerField(source="actor_id", allow_null=True, help_text="Null: the site itself.")
    note = serializers.CharField(help_text="The date paid or received (YYYY-MM-DD), a dispute's note, or empty.")
    created_at = serializers.DateTimeField()


class InvoicePaymentSerializer(serializers.Serializer):
    """Where an invoice's payment stands, what the caller may do next, and its history."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    issued_on = serializers.DateField()
    due_on = serializers.DateField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    counts_in_record = serializers.BooleanField(help_text="Agreed here, or acknowledged by the client.")
    paid_on = serializers.DateField(allow_null=True, help_text="The day the client says they paid.")
    paid_reported_at = serializers.DateTimeField(allow_null=True)
    received_on = serializers.DateField(allow_null=True, help_text="The day the freelancer confirmed receipt.")
    disputed_at = serializers.DateTimeField(allow_null=True)
    dispute_note = serializers.CharField()
    reminders_sent = serializers.IntegerField(help_text="Overdue reminders sent: due date, +7 and +30 days.")
    can_acknowledge = serializers.SerializerMethodField()
    can_mark_paid = serializers.SerializerMethodField()
    can_confirm_receipt = serializers.SerializerMethodField()
    can_dispute = serializers.SerializerMethodField()
    events = PaymentEventSerializer(many=True, source="events.all", help_text="The invoice's history, oldest first.")
    url = serializers.SerializerMethodField()

    def to_representation(self, invoice):
        # One panel per invoice for the four `can_*` fields: the same rules the page's buttons follow.
        self._panel_of = selectors.invoice_payment_panel(user=self.context["request"].user, invoice=invoice)
        return super().to_representation(invoice)

    def _panel(self, invoice):
        return self._panel_of

    def get_can_acknowledge(self, invoice) -> bool:
        return self._panel(invoice).can_acknowledge

    def get_can_mark_paid(self, invoice) -> bool:
        return self._panel(invoice).can_mark_paid

    def get_can_confirm_receipt(self, invoice) -> bool:
        return self._panel(invoice).can_confirm_receipt

    def get_can_dispute(self, invoice) -> bool:
        return self._panel(invoice).can_dispute

    def get_url(self, invoice) -> str:
        return reverse("invoice-detail", args=[invoice.pk])


class PaidOnInput(JSONInputSerializer):
    paid_on = serializers.CharField(allow_blank=True, trim_whitespace=False)


class ReceivedOnInput(JSONInputSerializer):
    received_on = serializers.CharField(allow_blank=True, trim_whitespace=False)


class NoteInput(JSONInputSerializer):
    note = serializers.CharField(allow_blank=True, trim_whitespace=False)


def _date_body(name: str, description: str) -> dict:
    return {
        "application/json": {
            "type": "object",
            "properties": {name: {"type": "string", "format": "date", "description": description}},
            "required": [name],
        }
    }


_PAID_ON = _date_body("paid_on", "The day the client paid: on or after the invoice date, today at the latest.")
_RECEIVED_ON = _date_body(
    "received_on", "The day the money arrived: on or after the invoice date, today at the latest."
)
# A character Python's strip() keeps: NOT_BLANK's `\S` lets the fuzzer send "\x1f", which the service strips to "".
_NOT_BLANK_NOTE = r"[^\s\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_NOTE = {
    "application/json": {
        "type": "object",
        "properties": {"note": {"type": "string", "maxLength": services.MAX_DISPUTE_NOTE, "pattern": _NOT_BLANK_NOTE}},
        "required": ["note"],
    }
}


def _payment_response(request, pk: int) -> Response:
    invoice = selectors.invoice_get_for_party(user=request.user, invoice_id=pk)
    return Response(InvoicePaymentSerializer(invoice, context={"request": request}).data)


class InvoiceAcknowledgeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="invoice_acknowledge",
        request=None,
        responses={200: InvoicePaymentSerializer, **error_responses(403, 404, 409)},
        summary="Reconnaître une facture",
        description="The client acknowledges an invoice for work agreed outside an engagement: from then on it "
        "counts in their payment record. 403 for the freelancer; 404 for anyone else; 409 for an engagement's "
        "invoice (nothing to acknowledge), a cancelled one, or one already acknowledged.",
    )
    def post(self, request, pk: int):
        services.invoice_acknowledge(user=request.user, invoice_id=pk)
        return _payment_response(request, pk)


class InvoiceMarkPaidApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="invoice_mark_paid",
        request=_PAID_ON,
        responses={200: InvoicePaymentSerializer, **error_responses(400, 403, 404, 409)},
        summary="Marquer une facture payée",
        description="The client says they paid, on `paid_on`; again after the freelancer said the money never "
        "came. 400 when the date is malformed, before the invoice date or in the future; 403 for the "
        "freelancer; 404 for anyone else; 409 when cancelled, already marked paid, or already confirmed.",
    )
    def post(self, request, pk: int):
        data = PaidOnInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.invoice_mark_paid(user=request.user, invoice_id=pk, paid_on=data.validated_data["paid_on"])
        return _payment_response(request, pk)


class InvoiceConfirmReceiptApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="invoice_confirm_receipt",
        request=_RECEIVED_ON,
        responses={200: InvoicePaymentSerializer, **error_responses(400, 403, 404, 409)},
        summary="Confirmer la réception du paiement",
        description="The freelancer confirms the money arrived on `received_on`, whether or not the client "
        "marked it paid; final. 400 when the date is malformed, before the invoice date or in the future; 403 "
        "for the client; 404 for anyone else; 409 when cancelled or already confirmed.",
    )
    def post(self, request, pk: int):
        data = ReceivedOnInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.invoice_confirm_receipt(
            user=request.user, invoice_id=pk, received_on=data.validated_data["received_on"]
        )
        return _payment_response(request, pk)


class InvoiceDisputePaymentApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="invoice_dispute_payment",
        request=_NOTE,
        responses={200: InvoicePaymentSerializer, **error_responses(400, 403, 404, 409)},
        summary="Signaler un paiement non reçu",
        description="The freelancer says the payment the client marked never came, with a note the client "
        "reads (400 when blank or too long). 403 for the client; 404 for anyone else; 409 unless the client "
        "marked it paid (not yet, already disputed, confirmed or cancelled).",
    )
    def post(self, request, pk: int):
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.invoice_dispute_payment(user=request.user, invoice_id=pk, note=data.validated_data["note"])
        return _payment_response(request, pk)
