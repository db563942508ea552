"""/api/v1/invoices/ and /api/v1/me/billing-profile/: issue, read, download and cancel invoices (thin: services decide)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from invoicing import selectors
from invoicing.models import InvoiceStatus
from invoicing.services import issuing
from marketplace.common.api import error_responses
from marketplace.common.api_input import AmountField, JSONInputSerializer
from marketplace.common.api_schema import NOT_BLANK
from marketplace.common.errors import Conflict, NotFound, ValidationFailed
from marketplace.common.storage import private_file_response

MAX_ID = 2**63 - 1
_AMOUNT = {"max_digits": 12, "decimal_places": 2}


class _PartyOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="public_name")


class InvoiceLineOut(serializers.Serializer):
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2)
    unit_price = serializers.DecimalField(**_AMOUNT)
    amount = serializers.DecimalField(**_AMOUNT, help_text="Quantity × unit price, to the cent.")


class InvoiceOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text="From the freelancer's own gap-free sequence.")
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    freelancer = _PartyOut()
    client = _PartyOut()
    engagement = serializers.IntegerField(source="engagement_id", allow_null=True)
    milestone = serializers.IntegerField(source="milestone_id", allow_null=True)
    project = serializers.IntegerField(source="project_id", allow_null=True)
    acknowledged_at = serializers.DateTimeField(
        allow_null=True, help_text="Outside the engagement flow: when the client acknowledged the invoice."
    )
    issued_on = serializers.DateField()
    due_on = serializers.DateField()
    language = serializers.CharField(help_text="The PDF's language (the client's): fr or en.")
    currency = serializers.CharField()
    freelancer_name = serializers.CharField()
    freelancer_address = serializers.CharField()
    gst_number = serializers.CharField(help_text="Empty: a small supplier, no taxes.")
    qst_number = serializers.CharField()
    client_name = serializers.CharField()
    client_address = serializers.CharField()
    lines = InvoiceLineOut(many=True, source="lines.all")
    subtotal = serializers.DecimalField(**_AMOUNT)
    tps = serializers.DecimalField(**_AMOUNT, help_text="5 % of the subtotal, rounded to the cent half up.")
    tvq = serializers.DecimalField(**_AMOUNT, help_text="9.975 % of the subtotal, rounded to the cent half up.")
    total = serializers.DecimalField(**_AMOUNT)
    note = serializers.CharField()
    paid_on = serializers.DateField(allow_null=True)
    received_on = serializers.DateField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    def get_url(self, invoice) -> str:
        return reverse("invoice-detail", args=[invoice.pk])

    def get_pdf_url(self, invoice) -> str:
        return reverse("api-invoice-pdf", args=[invoice.pk])


class InvoiceLineIn(JSONInputSerializer):
    description = serializers.CharField(allow_blank=True, trim_whitespace=False)
    quantity = AmountField(required=False)
    unit_price = AmountField()


class InvoiceIssueIn(JSONInputSerializer):
    milestone = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    engagement = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    project = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    lines = InvoiceLineIn(many=True)
    due_on = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)

    def to_internal_value(self, data):
        # The schema names one source per body and nothing else: an unknown key is a client's mistake, said.
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: [_("Champ inconnu.")] for key in unknown})
        return super().to_internal_value(data)


class BillingProfileOut(serializers.Serializer):
    legal_name = serializers.CharField()
    address = serializers.CharField()
    municipality = serializers.IntegerField(source="municipality_id", allow_null=True)
    municipality_name = serializers.SerializerMethodField()
    postal_code = serializers.CharField()
    gst_number = serializers.CharField()
    qst_number = serializers.CharField()
    is_tax_registered = serializers.BooleanField(help_text="Both numbers given: invoices add TPS and TVQ.")

    def get_municipality_name(self, profile) -> str:
        return profile.municipality.name if profile.municipality_id else ""


class BillingProfileIn(JSONInputSerializer):
    legal_name = serializers.CharField(allow_blank=True, trim_whitespace=False)
    address = serializers.CharField(allow_blank=True, trim_whitespace=False)
    municipality = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    postal_code = serializers.CharField(allow_blank=True)
    gst_number = serializers.CharField(required=False, allow_blank=True)
    qst_number = serializers.CharField(required=False, allow_blank=True)


_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
_LINE = {
    "type": "object",
    "properties": {
        "description": {"type": "string", "maxLength": issuing.MAX_DESCRIPTION, "pattern": NOT_BLANK},
        "quantity": {
            "type": "number",
            "minimum": 0.01,
            "maximum": float(issuing.MAX_QUANTITY),
            "multipleOf": 0.01,
            "description": "1 when left out; two decimals at most.",
        },
        "unit_price": {
            "type": "number",
            "minimum": 0.01,
            "maximum": float(issuing.MAX_AMOUNT),
            "multipleOf": 0.01,
            "description": "Before taxes, to the cent.",
        },
    },
    "required": ["description", "unit_price"],
}
_ISSUE_FIELDS = {
    "lines": {"type": "array", "minItems": 1, "maxItems": issuing.MAX_LINES, "items": _LINE},
    "due_on": {
        "type": "string",
        "format": "date",
        "description": "Today to a year from today; 30 days from today when left out.",
    },
    "note": {"type": "string", "maxLength": issuing.MAX_NOTE},
}
_ISSUE = {
    "application/json": {
        # Exactly one source: an approved milestone, an approved/completed engagement, or a project. The body
        # itself is required (the top-level `required` says so to the schema's AutoSchema).
        "type": "object",
        "required": ["lines"],
        "oneOf": [
            {
                "type": "object",
                "properties": {"milestone": _ID, **_ISSUE_FIELDS},
                "required": ["milestone", "lines"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"engagement": _ID, **_ISSUE_FIELDS},
                "required": ["engagement", "lines"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"project": _ID, **_ISSUE_FIELDS},
                "required": ["project", "lines"],
                "additionalProperties": False,
            },
        ],
    }
}
_BILLING = {
    "application/json": {
        "type": "object",
        "properties": {
            "legal_name": {"type": "string", "maxLength": 200, "pattern": NOT_BLANK},
            "address": {"type": "string", "maxLength": 300, "pattern": NOT_BLANK},
            "municipality": {**_ID, "nullable": True, "description": "A municipality's id (see the search)."},
            # Canadian: no D, F, I, O, Q, U, nor W or Z first; any case, one space or none in the middle.
            "postal_code": {
                "type": "string",
                "pattern": r"^[ABCEGHJ-NPRSTVXYabceghj-nprstvxy][0-9][ABCEGHJ-NPRSTV-Zabceghj-nprstv-z] ?"
                r"[0-9][ABCEGHJ-NPRSTV-Zabceghj-nprstv-z][0-9]$",
            },
            "gst_number": {
                "type": "string",
                "pattern": r"^(|[0-9]{9}\s*[Rr][Tt]\s*[0-9]{4})$",
                "description": "9 digits, RT, 4 digits; empty with qst_number empty: a small supplier.",
            },
            "qst_number": {
                "type": "string",
                "pattern": r"^(|[0-9]{10}\s*[Tt][Qq]\s*[0-9]{4})$",
                "description": "10 digits, TQ, 4 digits; given together with gst_number.",
            },
        },
        "required": ["legal_name", "address", "postal_code"],
    }
}


def _invoice_response(request, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    invoice = selectors.invoice_get_for_party(user=request.user, invoice_id=pk)
    return Response(InvoiceOut(invoice, context={"request": request}).data, status=status_code)


class InvoiceListApi(generics.ListCreateAPIView):
    """My invoices, issued as freelancer and received as client, newest first; POST issues one."""

    permission_classes = [IsAuthenticated]
    serializer_class = InvoiceOut

    def get_queryset(self):
        role = self.request.query_params.get("role")
        if role is not None and role not in ("freelancer", "client"):
            raise ValidationFailed(_("role vaut freelancer ou client."), field="role")
        return selectors.invoices_for_user(user=self.request.user, role=role)

    @extend_schema(
        operation_id="invoice_list",
        summary="Mes factures",
        responses={200: InvoiceOut(many=True), **error_responses(400)},
        description="400 when `role` is neither freelancer nor client.",
        parameters=[
            OpenApiParameter(
                "role",
                str,
                enum=["freelancer", "client"],
                description="freelancer: the invoices I issued; client: the ones I received; left out: both.",
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="invoice_issue",
        request=_ISSUE,
        responses={201: InvoiceOut, **error_responses(403, 404, 409)},
        summary="Émettre une facture",
        description="The freelancer of an approved milestone, of an approved or completed engagement, or of a "
        "project they quoted on or were invited to (client: the project's owner). Numbered from the freelancer's "
        "gap-free sequence; TPS and TVQ added when the freelancer's billing details hold both tax numbers. "
        "400 when the billing details are missing (`action_url` says where to fill them), a line is zero or "
        "negative, there is no line, or the due date is before today; 403 for the client of the engagement or "
        "a freelancer who neither quoted on nor was invited to the project; 409 when the milestone is not "
        "approved or already invoiced, or the engagement is not finished, cancelled or already invoiced.",
    )
    def post(self, request, *args, **kwargs):
        data = InvoiceIssueIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        invoice = issuing.invoice_issue(
            user=request.user,
            milestone_id=values.get("milestone"),
            engagement_id=values.get("engagement"),
            project_id=values.get("project"),
            lines=[dict(line) for line in values["lines"]],
            due_on=values.get("due_on") or None,
            note=values.get("note", ""),
        )
        return _invoice_response(request, invoice.pk, status_code=status.HTTP_201_CREATED)


class InvoiceDetailApi(APIView):
    """One invoice, for its freelancer and its client (404 for anyone else)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="invoice_detail", responses={200: InvoiceOut}, summary="Une facture")
    def get(self, request, pk: int):
        return _invoice_response(request, pk)


class InvoicePdfApi(APIView):
    """The invoice's PDF, for its two parties (404 for anyone else)."""

    permission_classes = [IsAuthenticated]

    def perform_content_negotiation(self, request, force=False):
        # The file is a PDF whatever the Accept header says; refusals stay JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="invoice_pdf",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
            302: OpenApiResponse(description="A signed, short-lived link to the PDF (S3 storage)."),
            **error_responses(409),
        },
        summary="Le PDF d'une facture",
        description="409 when the invoice has no PDF.",
    )
    def get(self, request, pk: int):
        invoice = selectors.invoice_get_for_party(user=request.user, invoice_id=pk)
        if not invoice.pdf:
            raise Conflict(_("Le PDF de cette facture n'est pas disponible."))
        return private_file_response(
            name=invoice.pdf.name,
            download_name=f"facture-{invoice.number}.pdf",
            content_type="application/pdf",
            as_attachment=True,
        )


class InvoiceCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="invoice_cancel",
        request=None,
        responses={200: InvoiceOut, **error_responses(403, 409)},
        summary="Annuler une facture",
        description="The freelancer who issued it (403 for the client), while nobody has marked it paid (409 "
        "once paid or already cancelled). It keeps its number: numbers are never reused.",
    )
    def post(self, request, pk: int):
        issuing.invoice_cancel(user=request.user, invoice_id=pk)
        return _invoice_response(request, pk)


class BillingProfileApi(APIView):
    """My billing details: the name and address on invoices, and the tax numbers."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="billing_profile_get",
        responses={200: BillingProfileOut, **error_responses(404)},
        summary="Mes coordonnées de facturation",
        description="404 until they are filled.",
    )
    def get(self, request):
        profile = selectors.billing_profile_get(user=request.user)
        if profile is None:
            raise NotFound(_("Aucune coordonnée de facturation : remplissez-les d'abord."))
        return Response(BillingProfileOut(profile).data)

    @extend_schema(
        operation_id="billing_profile_update",
        request=_BILLING,
        responses={200: BillingProfileOut},
        summary="Enregistrer mes coordonnées de facturation",
        description="Replaces them whole. 400 when the legal name or address is blank, the postal code is not "
        "Canadian, a tax number is malformed, or one tax number is given without the other (both empty: a "
        "small supplier). Numbers are stored without spaces, in capitals (123456789RT0001).",
    )
    def put(self, request):
        data = BillingProfileIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        profile = issuing.billing_profile_save(
            user=request.user,
            legal_name=values["legal_name"],
            address=values["address"],
            postal_code=values["postal_code"],
            municipality_id=values.get("municipality"),
            gst_number=values.get("gst_number", ""),
            qst_number=values.get("qst_number", ""),
        )
        return Response(BillingProfileOut(profile).data)
