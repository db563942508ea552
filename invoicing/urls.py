from django.urls import path  # noqa: F401

from invoicing.views import books as books_views
from invoicing.views import issuing as issuing_views
from invoicing.views import payments as payment_views
from invoicing.views import record as record_views

urlpatterns = [
    # Billing details and issuing (helper 2).
    path("mon-compte/facturation/", issuing_views.BillingProfileView.as_view(), name="billing-profile"),
    path("factures/", issuing_views.InvoiceListView.as_view(), name="invoice-list"),
    path("factures/nouvelle/", issuing_views.InvoiceCreateView.as_view(), name="invoice-create"),
    path("factures/<int:pk>/", issuing_views.InvoiceDetailView.as_view(), name="invoice-detail"),
    path("factures/<int:pk>/pdf/", issuing_views.InvoicePdfView.as_view(), name="invoice-pdf"),
    path("factures/<int:pk>/annuler/", issuing_views.InvoiceCancelView.as_view(), name="invoice-cancel"),
    path("factures/livres/", books_views.BooksView.as_view(), name="books"),
    path("factures/livres/factures.csv", books_views.BooksCsvView.as_view(), name="books-csv"),
    path("factures/<int:pk>/contester/", record_views.InvoiceContestView.as_view(), name="invoice-contest"),
    path("contestations/<int:pk>/", record_views.ContestDetailView.as_view(), name="contest-detail"),
    # The payment buttons of an invoice page, each with its confirmation page (helper 3).
    path("factures/<int:pk>/reconnaitre/", payment_views.InvoiceAcknowledgeView.as_view(), name="invoice-acknowledge"),
    path("factures/<int:pk>/payee/", payment_views.InvoiceMarkPaidView.as_view(), name="invoice-mark-paid"),
    path(
        "factures/<int:pk>/reception/",
        payment_views.InvoiceConfirmReceiptView.as_view(),
        name="invoice-confirm-receipt",
    ),
    path(
        "factures/<int:pk>/paiement-non-recu/",
        payment_views.InvoiceDisputePaymentView.as_view(),
        name="invoice-dispute-payment",
    ),
]
