"""The payment buttons of an invoice page: each asks to confirm on a page of its own, then calls its service (thin).

A button's form posts its fields (a date, a note) without `confirmed`: the confirmation page shows them again,
editable, with « Oui, … ». That post calls the service; a bad field comes back on the confirmation page, any
other refusal as a message on the invoice page (a stranger still gets the 404 page).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from invoicing import selectors
from invoicing.services import payments as services
from marketplace.common.errors import ValidationFailed
from marketplace.common.web_errors import catch_refusal

PANEL_ANCHOR = "#paiement"


class _PaymentActionView(LoginRequiredMixin, View):
    """GET or a first POST: the confirmation page; a POST with `confirmed`: the service, then the invoice page."""

    template_name = "invoicing/payment_confirm.html"
    # The PaymentPanel flag saying this viewer may do it now; the form field it sends, if any.
    allowed = ""
    field = ""

    def act(self, request, pk, value):
        raise NotImplementedError

    def texts(self, invoice) -> dict:
        raise NotImplementedError

    def initial(self, panel) -> str:
        return ""

    def _detail(self, pk):
        return HttpResponseRedirect(services.invoice_url(pk) + PANEL_ANCHOR)

    def _page(self, request, invoice, panel, value, *, errors=None, status=200):
        context = {
            "invoice": invoice,
            "panel": panel,
            "field": self.field,
            "value": value,
            # The field's own messages under it; any other (none expected) on top of the form.
            "field_errors": (errors or {}).get(self.field, []),
            "other_errors": [m for name, msgs in (errors or {}).items() if name != self.field for m in msgs],
            "max_note": services.MAX_DISPUTE_NOTE,
            **self.texts(invoice),
        }
        return render(request, self.template_name, context, status=status)

    def _open(self, request, pk):
        invoice = selectors.invoice_get_for_party(user=request.user, invoice_id=pk)
        return invoice, selectors.invoice_payment_panel(user=request.user, invoice=invoice)

    def get(self, request, pk):
        invoice, panel = self._open(request, pk)
        if not getattr(panel, self.allowed):
            # Already done, or not this side's to do: the invoice page says where it stands.
            return self._detail(pk)
        return self._page(request, invoice, panel, self.initial(panel))

    def post(self, request, pk):
        value = request.POST.get(self.field, "") if self.field else ""
        if request.POST.get("confirmed") != "1":
            invoice, panel = self._open(request, pk)
            if not getattr(panel, self.allowed):
                return self._detail(pk)
            return self._page(request, invoice, panel, value or self.initial(panel))
        with catch_refusal() as refusal:
            self.act(request, pk, value)
        if isinstance(refusal.error, ValidationFailed):
            invoice, panel = self._open(request, pk)
            return self._page(request, invoice, panel, value, errors=refusal.errors, status=400)
        if refusal:
            messages.error(request, str(refusal.error.message))
        else:
            messages.success(request, self.success_message)
        return self._detail(pk)


class InvoiceAcknowledgeView(_PaymentActionView):
    allowed = "can_acknowledge"

    def texts(self, invoice):
        return {
            "title": _("Reconnaître la facture n° %(number)s ?") % {"number": invoice.number},
            "explanation": _(
                "Vous confirmez avoir convenu de ce travail avec %(name)s en dehors d'un mandat du site. "
                "La facture comptera alors dans votre dossier de paiement, comme une facture de mandat."
            )
            % {"name": invoice.freelancer_name},
            "submit": _("Oui, reconnaître cette facture"),
        }

    def act(self, request, pk, value):
        self.success_message = _("Facture reconnue : elle compte maintenant dans votre dossier de paiement.")
        services.invoice_acknowledge(user=request.user, invoice_id=pk)


class InvoiceMarkPaidView(_PaymentActionView):
    allowed = "can_mark_paid"
    field = "paid_on"

    def initial(self, panel):
        return panel.today.isoformat()

    def texts(self, invoice):
        return {
            "title": _("Marquer la facture n° %(number)s comme payée ?") % {"number": invoice.number},
            "explanation": _(
                "%(name)s en sera avisé·e et confirmera la réception. Seul un paiement confirmé compte comme payé "
                "dans votre dossier."
            )
            % {"name": invoice.freelancer_name},
            "label": _("Date du paiement"),
            "submit": _("Oui, marquer comme payée"),
        }

    def act(self, request, pk, value):
        self.success_message = _("Facture marquée payée : le ou la pigiste en est avisé·e.")
        services.invoice_mark_paid(user=request.user, invoice_id=pk, paid_on=value)


class InvoiceConfirmReceiptView(_PaymentActionView):
    allowed = "can_confirm_receipt"
    field = "received_on"

    def initial(self, panel):
        return (panel.invoice.paid_on or panel.today).isoformat()

    def texts(self, invoice):
        return {
            "title": _("Confirmer la réception du paiement de la facture n° %(number)s ?") % {"number": invoice.number},
            "explanation": _(
                "C'est définitif : la facture sera réglée et comptera comme payée à cette date dans le dossier "
                "de paiement du client."
            ),
            "label": _("Date de réception"),
            "submit": _("Oui, confirmer la réception"),
        }

    def act(self, request, pk, value):
        self.success_message = _("Réception confirmée : le client en est avisé.")
        services.invoice_confirm_receipt(user=request.user, invoice_id=pk, received_on=value)


class InvoiceDisputePaymentView(_PaymentActionView):
    allowed = "can_dispute"
    field = "note"

    def texts(self, invoice):
        return {
            "title": _("Signaler que le paiement de la facture n° %(number)s n'est pas arrivé ?")
            % {"number": invoice.number},
            "explanation": _(
                "%(name)s sera avisé avec votre note et pourra marquer la facture payée de nouveau, avec une "
                "nouvelle date."
            )
            % {"name": invoice.client_name},
            "label": _("Note au client"),
            "submit": _("Oui, signaler le paiement non reçu"),
        }

    def act(self, request, pk, value):
        self.success_message = _("Paiement signalé comme non reçu : le client en est avisé.")
        services.invoice_dispute_payment(user=request.user, invoice_id=pk, note=value)
