from django.urls import path  # noqa: F401

from invoicing.api import books as books_api
from invoicing.api import issuing as issuing_api
from invoicing.api import payments as payments_api
from invoicing.api import record as record_api

urlpatterns = [
    path("invoices/", issuing_api.InvoiceListApi.as_view(), name="api-invoice-list"),
    path("invoices/<int:pk>/", issuing_api.InvoiceDetailApi.as_view(), name="api-invoice-detail"),
    path("invoices/<int:pk>/pdf/", issuing_api.InvoicePdfApi.as_view(), name="api-invoice-pdf"),
    path("invoices/<int:pk>/cancel/", issuing_api.InvoiceCancelApi.as_view(), name="api-invoice-cancel"),
    path("me/billing-profile/", issuing_api.BillingProfileApi.as_view(), name="api-billing-profile"),
    path("me/books/", books_api.BooksApi.as_view(), name="api-me-books"),
    path("me/books/invoices.csv", books_api.BooksCsvApi.as_view(), name="api-me-books-csv"),
    # The payment of an invoice (helper 3).
    path(
        "invoices/<int:pk>/acknowledge/", payments_api.InvoiceAcknowledgeApi.as_view(), name="api-invoice-acknowledge"
    ),
    path("invoices/<int:pk>/mark-paid/", payments_api.InvoiceMarkPaidApi.as_view(), name="api-invoice-mark-paid"),
    path(
        "invoices/<int:pk>/confirm-receipt/",
        payments_api.InvoiceConfirmReceiptApi.as_view(),
        name="api-invoice-confirm-receipt",
    ),
    path(
        "invoices/<int:pk>/dispute-payment/",
        payments_api.InvoiceDisputePaymentApi.as_view(),
        name="api-invoice-dispute-payment",
    ),
    # The client's payment record: contests (helper 4).
    path("invoices/<int:pk>/contest/", record_api.InvoiceContestApi.as_view(), name="api-invoice-contest"),
    path("contests/<int:pk>/answer/", record_api.ContestAnswerApi.as_view(), name="api-contest-answer"),
    path("contests/<int:pk>/decide/", record_api.ContestDecideApi.as_view(), name="api-contest-decide"),
]
