"""The contest pages: the client contests an "unpaid past due" mark, the freelancer answers (thin: services decide).

Staff decide in the admin (invoicing.admin.PaymentContestAdmin), as reports are moderated in profiles.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from invoicing import selectors
from invoicing.models import ContestStatus
from invoicing.services import contests as contest_services
from marketplace.common.web_errors import catch_refusal


def _contest_page(request, invoice, *, message: str = "", errors: dict | None = None, status: int = 200):
    user = request.user
    has_open = any(contest.status == ContestStatus.OPEN for contest in invoice.contest_list)
    context = {
        "invoice": invoice,
        "contests": invoice.contest_list,
        "is_client": user.pk == invoice.client_id,
        "unpaid_past_due": selectors.invoice_unpaid_past_due(invoice),
        "has_open": has_open,
        "message": message,
        "errors": errors or {},
        "max_message": contest_services.MAX_MESSAGE,
    }
    context["can_contest"] = context["is_client"] and context["unpaid_past_due"] and not has_open
    return render(request, "invoicing/contest_form.html", context, status=status)


class InvoiceContestView(LoginRequiredMixin, View):
    """The client's form to contest an invoice's "unpaid past due" mark, and the contests already made."""

    def get(self, request, pk):
        invoice = selectors.invoice_get_for_contest(user=request.user, invoice_id=pk)
        return _contest_page(request, invoice)

    def post(self, request, pk):
        message = request.POST.get("message", "")
        with catch_refusal(every=True) as refusal:
            contest = contest_services.invoice_contest(user=request.user, invoice_id=pk, message=message)
        if not refusal:
            messages.success(request, _("Contestation envoyée : le pigiste en est avisé et l'équipe tranchera."))
            return HttpResponseRedirect(reverse("contest-detail", args=[contest.pk]))
        invoice = selectors.invoice_get_for_contest(user=request.user, invoice_id=pk)
        return _contest_page(request, invoice, message=message, errors=refusal.errors, status=400)


def _detail_page(request, contest, *, answer: str = "", errors: dict | None = None, status: int = 200):
    invoice = contest.invoice
    is_freelancer = request.user.pk == invoice.freelancer_id
    context = {
        "contest": contest,
        "invoice": invoice,
        "is_client": request.user.pk == invoice.client_id,
        "is_freelancer": is_freelancer,
        "can_answer": is_freelancer and contest.status == ContestStatus.OPEN and not contest.freelancer_message,
        "answer": answer,
        "errors": errors or {},
        "max_message": contest_services.MAX_MESSAGE,
    }
    return render(request, "invoicing/contest_detail.html", context, status=status)


class ContestDetailView(LoginRequiredMixin, View):
    """One contest with both sides' words and staff's decision; the freelancer's one answer."""

    def get(self, request, pk):
        return _detail_page(request, selectors.contest_get_for_party(user=request.user, contest_id=pk))

    def post(self, request, pk):
        answer = request.POST.get("message", "")
        with catch_refusal(every=True) as refusal:
            contest_services.contest_answer(user=request.user, contest_id=pk, message=answer)
        if not refusal:
            messages.success(request, _("Réponse envoyée : l'équipe la lira avant de trancher."))
            return HttpResponseRedirect(reverse("contest-detail", args=[pk]))
        contest = selectors.contest_get_for_party(user=request.user, contest_id=pk)
        return _detail_page(request, contest, answer=answer, errors=refusal.errors, status=400)
