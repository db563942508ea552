"""The invoicing side of a member's privacy rights (Loi 25): their invoices and billing details in a data
export; what erasing their account does to them.

Called by privacy.services only (the Loi 25 app, above every app) through `export_data` and `erase`.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db.models import Q

from invoicing.models import BillingProfile, Invoice, PaymentContest


def export_data(*, user) -> tuple[dict, list[tuple[str, object]]]:
    """The member's billing details and every invoice they issued or received, with its PDF."""
    files: list[tuple[str, object]] = []
    billing = BillingProfile.objects.filter(user=user).first()
    invoices = []
    queryset = (
        Invoice.objects.filter(Q(freelancer_id=user.pk) | Q(client_id=user.pk))
        .prefetch_related("lines")
        .order_by("issued_on", "pk")
    )
    for invoice in queryset:
        pdf = None
        if invoice.pdf:
            pdf = f"fichiers/factures/{invoice.pk}-{PurePosixPath(invoice.pdf.name).name}"
            files.append((pdf, invoice.pdf))
        invoices.append(
            {
                "role": "freelancer" if invoice.freelancer_id == user.pk else "client",
                "number": invoice.number,
                "issued_on": invoice.issued_on,
                "due_on": invoice.due_on,
                "freelancer": invoice.freelancer_name,
                "client": invoice.client_name,
                "lines": [
                    {"description": line.description, "quantity": line.quantity, "amount": line.amount}
                    for line in invoice.lines.all()
                ],
                "subtotal": invoice.subtotal,
                "tps": invoice.tps,
                "tvq": invoice.tvq,
                "total": invoice.total,
                "status": invoice.status,
                "paid_on": invoice.paid_on,
                "received_on": invoice.received_on,
                "pdf": pdf,
            }
        )
    contests = [
        {
            "invoice": contest.invoice.number,
            "freelancer": contest.invoice.freelancer_name,
            "client": contest.invoice.client_name,
            "client_message": contest.client_message,
            "freelancer_message": contest.freelancer_message,
            "status": contest.status,
            "decided_at": contest.decided_at,
            "decision_note": contest.decision_note,
            "created_at": contest.created_at,
        }
        for contest in PaymentContest.objects.filter(Q(invoice__client_id=user.pk) | Q(invoice__freelancer_id=user.pk))
        .select_related("invoice")
        .order_by("created_at", "pk")
    ]
    return {
        "payment_contests": contests,
        "billing_profile": (
            {
                "legal_name": billing.legal_name,
                "address": billing.address,
                "postal_code": billing.postal_code,
                "gst_number": billing.gst_number,
                "qst_number": billing.qst_number,
            }
            if billing
            else None
        ),
        "invoices": invoices,
    }, files


def erase(*, user) -> list[tuple[object, str]]:
    """Delete the member's billing details; the invoices stay as issued.

    An invoice is the freelancer's tax record, which the law has them keep six years (Loi sur
    l'administration fiscale, art. 35; Income Tax Act, s. 230), and a fact of the client's payment record:
    the account row behind it is anonymised by the profiles hook, the invoice's own copy is not rewritten.
    """
    BillingProfile.objects.filter(user=user).delete()
    # Their own words in contests go; the decision and its reason (staff's) stay with the invoice.
    PaymentContest.objects.filter(invoice__client_id=user.pk).update(client_message="")
    PaymentContest.objects.filter(invoice__freelancer_id=user.pk).update(freelancer_message="")
    return []
