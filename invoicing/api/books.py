"""/api/v1/me/books/: the freelancer's books as JSON, and the invoices as CSV (thin: invoicing.books decides)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from invoicing import books
from invoicing.models import InvoiceStatus
from marketplace.common.api import error_responses

_AMOUNT = {"max_digits": 14, "decimal_places": 2}


class BooksMonthOut(serializers.Serializer):
    month = serializers.DateField(help_text="The month's first day.")
    invoiced_count = serializers.IntegerField(help_text="Invoices dated this month (cancelled ones left out).")
    invoiced_subtotal = serializers.DecimalField(**_AMOUNT, help_text="Before taxes.")
    invoiced_total = serializers.DecimalField(**_AMOUNT, help_text="Taxes included.")
    paid_count = serializers.IntegerField(help_text="Invoices whose receipt the freelancer confirmed this month.")
    paid_subtotal = serializers.DecimalField(**_AMOUNT)
    paid_total = serializers.DecimalField(**_AMOUNT)


class BooksUnpaidInvoiceOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    client_name = serializers.CharField()
    issued_on = serializers.DateField()
    due_on = serializers.DateField()
    days_late = serializers.IntegerField(help_text="Days past the due date; zero or less: not due yet.")
    total = serializers.DecimalField(**_AMOUNT)
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)


class BooksAgeOut(serializers.Serializer):
    key = serializers.ChoiceField(choices=[key for key, *_rest in books.AGES])
    label = serializers.CharField()
    count = serializers.IntegerField()
    total = serializers.DecimalField(**_AMOUNT)
    invoices = BooksUnpaidInvoiceOut(
        many=True, help_text=f"Oldest due first; the {books.UNPAID_LISTED} oldest across every age at most."
    )


class BooksQuarterOut(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField(source="number", min_value=1, max_value=4)
    start = serializers.DateField()
    end = serializers.DateField()
    count = serializers.IntegerField()
    subtotal = serializers.DecimalField(**_AMOUNT, help_text="Sales before taxes.")
    tps = serializers.DecimalField(**_AMOUNT)
    tvq = serializers.DecimalField(**_AMOUNT)
    total = serializers.DecimalField(**_AMOUNT)


class BooksOut(serializers.Serializer):
    today = serializers.DateField(help_text="The day the ages are counted from (Quebec time).")
    months = BooksMonthOut(many=True, help_text=f"The last {books.MONTHS} months, oldest first.")
    unpaid_count = serializers.IntegerField()
    unpaid_total = serializers.DecimalField(**_AMOUNT)
    ages = BooksAgeOut(many=True, help_text="Unpaid invoices (not confirmed received) by days past due.")
    quarters = BooksQuarterOut(
        many=True,
        help_text=f"The last {books.QUARTERS} calendar quarters, newest first; taxes by the invoice's date (accrual).",
    )


class BooksApi(APIView):
    """« Mes livres »: the same figures as the page."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_books",
        responses={200: BooksOut, **error_responses(403)},
        summary="Mes livres",
        description="For a freelancer (403 otherwise): invoiced and paid per month, unpaid invoices by age, TPS "
        "and TVQ per calendar quarter by the invoice's date. Cancelled invoices count in no figure; an invoice "
        "is paid once its receipt is confirmed. Amounts are decimal strings (CAD).",
    )
    def get(self, request):
        return Response(BooksOut(books.books_summary(user=request.user)).data)


# The page's form sends its empty date boxes: empty means no bound, as on the page.
_DATE_OR_EMPTY = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]}
_PERIOD = [
    OpenApiParameter(
        "from", _DATE_OR_EMPTY, description="Invoices dated from this day (YYYY-MM-DD), included.", required=False
    ),
    OpenApiParameter(
        "to",
        _DATE_OR_EMPTY,
        description="Invoices dated up to this day (YYYY-MM-DD), included; not before `from`.",
        required=False,
    ),
]


class BooksCsvApi(APIView):
    """The invoices as CSV, as the page's « Télécharger le CSV »."""

    permission_classes = [IsAuthenticated]

    def perform_content_negotiation(self, request, force=False):
        # The export is CSV whatever the Accept header says; refusals stay JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="me_books_invoices_csv",
        parameters=_PERIOD,
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="UTF-8 with a byte-order mark; one row per invoice, cancelled ones included: number, "
                "date, due date, client, subtotal, TPS, TVQ, total (dot decimal), status, paid on (client's "
                "word), received on.",
            ),
            **error_responses(400, 403),
        },
        summary="Exporter mes factures (CSV)",
        description="For a freelancer (403 otherwise). 400 when `from` or `to` is not a date written YYYY-MM-DD, "
        "or `to` comes before `from`.",
    )
    def get(self, request):
        books.books_access(user=request.user)
        date_from, date_to = books.books_csv_period(
            date_from=request.query_params.get("from"), date_to=request.query_params.get("to")
        )
        response = HttpResponse(
            books.books_csv(user=request.user, date_from=date_from, date_to=date_to),
            content_type="text/csv; charset=utf-8",
        )
        filename = books.books_csv_filename(date_from=date_from, date_to=date_to)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
