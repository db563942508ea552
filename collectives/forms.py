"""Web forms of the collectives app: they parse and render; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from collectives.models import CollectiveKind
from collectives.services import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH
from profiles.forms import MunicipalityField


class CollectiveForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du collectif"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": MAX_NAME_LENGTH, "autocomplete": "organization"}),
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=CollectiveKind.choices, initial=CollectiveKind.COLLECTIVE, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Présentation"),
        required=False,
        help_text=_("Ce que vous faites ensemble, pour qui, et comment vous travaillez."),
        widget=forms.Textarea(attrs={"maxlength": MAX_DESCRIPTION_LENGTH, "rows": 6}),
    )
    municipality = MunicipalityField(label=_("Municipalité"), required=False)

    def service_data(self) -> dict:
        return {field: self.cleaned_data.get(field) for field in ("name", "kind", "description", "municipality")}


class InviteForm(forms.Form):
    member = forms.CharField(
        label=_("Courriel ou profil du pigiste"),
        help_text=_("Son adresse courriel, ou l'adresse de sa page de profil (…/pigistes/12/)."),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
