"""Forms of the event and cohort pages: they parse what was typed; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from profiles.forms import MunicipalityField

_DATETIME = {"type": "datetime-local"}
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label, *, required: bool, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=[_DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs=_DATETIME, format=_DATETIME_FORMAT),
    )


class EventForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=160, widget=forms.TextInput(attrs={"maxlength": 160}))
    theme = forms.CharField(
        label=_("Thème"),
        required=False,
        max_length=160,
        help_text=_("Par exemple : solitude, équilibre, limites, partenariats, réseau."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    starts_at = _datetime_field(_("Début"), required=True)
    ends_at = _datetime_field(_("Fin"), required=True)
    municipality = MunicipalityField(label=_("Municipalité"), required=False)
    address = forms.CharField(label=_("Adresse"), required=False, max_length=200)
    online_url = forms.CharField(
        label=_("Lien en ligne"),
        required=False,
        max_length=200,
        help_text=_("Pour une rencontre à distance (Zoom, Teams, Meet…)."),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    capacity = forms.IntegerField(
        label=_("Capacité (places)"),
        required=False,
        min_value=1,
        help_text=_("Vide : sans limite. Complet, les inscriptions suivantes vont sur la liste d'attente."),
    )
    registration_deadline = _datetime_field(_("Date limite d'inscription"), required=False)

    def __init__(self, *args, cohort: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if cohort:
            # A cohort's seats and deadline are the cohort's, for its whole series.
            del self.fields["capacity"]
            del self.fields["registration_deadline"]

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class CohortForm(forms.Form):
    seats = forms.IntegerField(
        label=_("Places"),
        min_value=6,
        max_value=12,
        help_text=_("De 6 à 12 personnes, inscrites ensemble à toute la série de rencontres."),
    )
    registration_deadline = _datetime_field(_("Date limite d'inscription"), required=False)
