"""The invoice pages: billing details, my invoices, one invoice, its PDF, the issuing form (thin: services decide)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from invoicing import selectors
from invoicing.forms import BillingProfileForm, InvoiceForm, InvoiceLineFormSet, lines_from
from invoicing.models import InvoiceStatus
from invoicing.services import issuing
from marketplace.common.errors import Conflict, ValidationFailed
from marketplace.common.storage import private_file_response
from marketplace.common.web_errors import catch_refusal


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return ""


class BillingProfileView(LoginRequiredMixin, View):
    """The member's billing details: the name and address on their invoices, and their tax numbers."""

    template_name = "invoicing/billing_profile.html"

    def get(self, request):
        profile = selectors.billing_profile_get(user=request.user)
        initial = {}
        if profile is not None:
            initial = {
                "legal_name": profile.legal_name,
                "address": profile.address,
                "municipality": profile.municipality,
                "postal_code": profile.postal_code,
                "gst_number": profile.gst_number,
                "qst_number": profile.qst_number,
            }
        return self._render(request, BillingProfileForm(initial=initial), profile=profile)

    def post(self, request):
        form = BillingProfileForm(request.POST)
        if form.is_valid():
            with catch_refusal(form=form) as refused:
                issuing.billing_profile_save(user=request.user, **form.service_data())
            if not refused:
                messages.success(request, _("Coordonnées de facturation enregistrées."))
                return HttpResponseRedirect(_safe_next(request) or reverse("billing-profile"))
        return self._render(request, form, profile=selectors.billing_profile_get(user=request.user), status=400)

    def _render(self, request, form, *, profile, status=200):
        context = {"form": form, "profile": profile, "next": _safe_next(request)}
        return render(request, self.template_name, context, status=status)


class InvoiceListView(LoginRequiredMixin, View):
    def get(self, request):
        invoices = list(selectors.invoices_for_user(user=request.user))
        context = {
            "issued": [i for i in invoices if i.freelancer_id == request.user.pk],
            "received": [i for i in invoices if i.client_id == request.user.pk],
        }
        return render(request, "invoicing/invoice_list.html", context)


class InvoiceDetailView(LoginRequiredMixin, View):
    """One invoice, for its freelancer and its client (404 for anyone else)."""

    def get(self, request, pk):
        invoice = selectors.invoice_get_for_party(user=request.user, invoice_id=pk)
        is_freelancer = request.user.pk == invoice.freelancer_id
        context = {
            "invoice": invoice,
            "lines": list(invoice.lines.all()),
            "is_freelancer": is_freelancer,
            "is_client": request.user.pk == invoice.client_id,
            "tax_registered": bool(invoice.gst_number and invoice.qst_number),
            "can_cancel": is_freelancer and invoice.status == InvoiceStatus.ISSUED and invoice.paid_on is None,
        }
        return render(request, "invoicing/invoice_detail.html", context)


class InvoicePdfView(LoginRequiredMixin, View):
    """The invoice's PDF, for its two parties only."""

    def get(self, request, pk):
        invoice = selectors.invoice_get_for_party(user=request.user, invoice_id=pk)
        if not invoice.pdf:
            raise Conflict(_("Le PDF de cette facture n'est pas disponible."))
        return private_file_response(
            name=invoice.pdf.name,
            download_name=_("facture-%(number)s.pdf") % {"number": invoice.number},
            content_type="application/pdf",
            as_attachment=False,
        )


def _source_ids(query) -> dict:
    ids = {}
    for name in ("milestone", "engagement", "project"):
        raw = (query.get(name) or "").strip()
        if raw.isdigit() and len(raw) < 19:
            ids[f"{name}_id"] = int(raw)
    return ids


class InvoiceCreateView(LoginRequiredMixin, View):
    """The issuing form, lines prefilled from the milestone, engagement or project named in the query."""

    template_name = "invoicing/invoice_form.html"

    def get(self, request):
        ids = _source_ids(request.GET)
        with catch_refusal() as refused:
            source = selectors.invoice_source_get(user=request.user, **ids)
        if refused:
            return self._refused(request, ids, refused.error)
        initial_lines = [
            {
                "description": line["description"],
                "quantity": "1",
                "unit_price": "" if line["unit_price"] is None else str(line["unit_price"]),
            }
            for line in source.lines
        ]
        formset = InvoiceLineFormSet(prefix="lines", initial=initial_lines)
        form = InvoiceForm(initial={"due_on": source.default_due_on})
        return self._render(request, source=source, ids=ids, form=form, formset=formset)

    def post(self, request):
        ids = _source_ids(request.POST)
        form = InvoiceForm(request.POST)
        formset = InvoiceLineFormSet(request.POST, prefix="lines")
        source = None
        with catch_refusal() as refused:
            source = selectors.invoice_source_get(user=request.user, **ids)
        if refused:
            return self._refused(request, ids, refused.error)
        if form.is_valid() and formset.is_valid():
            with catch_refusal(form=form) as refused:
                invoice = issuing.invoice_issue(
                    user=request.user,
                    lines=lines_from(formset),
                    due_on=form.cleaned_data["due_on"],
                    note=form.cleaned_data["note"],
                    **ids,
                )
            if not refused:
                messages.success(
                    request, _("Facture n° %(number)s émise : le client en est avisé.") % {"number": invoice.number}
                )
                return HttpResponseRedirect(reverse("invoice-detail", args=[invoice.pk]))
        return self._render(request, source=source, ids=ids, form=form, formset=formset, status=400)

    def _refused(self, request, ids, error):
        """A source that can't be invoiced (already invoiced, not approved, none chosen): said on the page."""
        if not isinstance(error, Conflict | ValidationFailed):
            raise error
        return self._render(request, source=None, ids=ids, refusal=error.message, status=error.status_code)

    def _render(self, request, *, source, ids, form=None, formset=None, refusal=None, status=200):
        profile = selectors.billing_profile_get(user=request.user)
        context = {
            "source": source,
            "source_fields": [(key.removesuffix("_id"), value) for key, value in ids.items()],
            "form": form,
            "formset": formset,
            "refusal": refusal,
            "profile": profile,
            "tax_registered": profile is not None and profile.is_tax_registered,
            "here": request.get_full_path(),
        }
        return render(request, self.template_name, context, status=status)


class InvoiceCancelView(LoginRequiredMixin, View):
    def post(self, request, pk):
        with catch_refusal(request, every=True) as refused:
            invoice = issuing.invoice_cancel(user=request.user, invoice_id=pk)
        if not refused:
            messages.success(
                request,
                _("Facture n° %(number)s annulée. Son numéro n'est pas réutilisé.") % {"number": invoice.number},
            )
        return HttpResponseRedirect(reverse("invoice-detail", args=[pk]))
