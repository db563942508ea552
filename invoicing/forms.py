"""Forms of the billing details and the issuing page: they read what was typed; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from profiles.forms import MunicipalityField


class BillingProfileForm(forms.Form):
    legal_name = forms.CharField(
        label=_("Nom légal"),
        help_text=_("Votre nom ou celui de votre entreprise, tel qu'il paraît sur vos factures."),
        widget=forms.TextInput(attrs={"maxlength": 200, "autocomplete": "name"}),
    )
    address = forms.CharField(
        label=_("Adresse"),
        widget=forms.TextInput(attrs={"maxlength": 300, "autocomplete": "street-address"}),
    )
    municipality = MunicipalityField(label=_("Municipalité"), required=False)
    postal_code = forms.CharField(
        label=_("Code postal"),
        widget=forms.TextInput(attrs={"maxlength": 7, "autocomplete": "postal-code", "size": 8}),
    )
    gst_number = forms.CharField(
        label=_("Numéro de TPS"),
        required=False,
        help_text=_("9 chiffres, RT, 4 chiffres (ex. 123456789 RT 0001)."),
        widget=forms.TextInput(attrs={"maxlength": 20}),
    )
    qst_number = forms.CharField(
        label=_("Numéro de TVQ"),
        required=False,
        help_text=_(
            "10 chiffres, TQ, 4 chiffres (ex. 1234567890 TQ 0001). Les deux vides : petit fournisseur, sans taxes."
        ),
        widget=forms.TextInput(attrs={"maxlength": 20}),
    )

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["municipality_id"] = data.pop("municipality", None)
        return data


class InvoiceLineForm(forms.Form):
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.TextInput(attrs={"maxlength": 300})
    )
    # Text, not numbers: the service reads "72,50" as a person types it and says what is wrong.
    quantity = forms.CharField(
        label=_("Quantité"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6})
    )
    unit_price = forms.CharField(
        label=_("Prix unitaire ($)"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10})
    )

    def is_typed(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return any((data.get(name) or "").strip() for name in ("description", "unit_price"))


InvoiceLineFormSet = forms.formset_factory(InvoiceLineForm, extra=2, max_num=50, validate_max=True)


class InvoiceForm(forms.Form):
    due_on = forms.DateField(
        label=_("Échéance"),
        help_text=_("30 jours par défaut ; pas avant la date de la facture."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Note (facultatif)"),
        required=False,
        help_text=_("Modalités de paiement, par exemple virement Interac à telle adresse."),
        widget=forms.Textarea(attrs={"maxlength": 2000, "rows": 3}),
    )


def lines_from(formset) -> list[dict]:
    """The typed lines of the formset, as the issuing service reads them; empty rows are left out."""
    return [
        {
            "description": form.cleaned_data.get("description", ""),
            "quantity": form.cleaned_data.get("quantity") or "1",
            "unit_price": form.cleaned_data.get("unit_price", ""),
        }
        for form in formset.forms
        if form.is_typed()
    ]
