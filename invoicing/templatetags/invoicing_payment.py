"""`{% invoice_payment_panel invoice as payment %}`: what the viewer may do about an invoice's payment now."""

from django import template

from invoicing import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def invoice_payment_panel(context, invoice):
    """The PaymentPanel of `invoice` for the page's member (the invoice page includes invoicing/_payment.html)."""
    return selectors.invoice_payment_panel(user=context["request"].user, invoice=invoice)
