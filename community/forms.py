"""Forms of the community pages: they only parse what the browser sends; the rules live in the services.

Groups and their bulletin board first; events and cohorts may add theirs below.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import GroupAccess, OrganiserKind
from profiles.forms import MunicipalityField
from profiles.models import Mrc


class GroupForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du groupe"),
        required=False,
        widget=forms.TextInput(
            attrs={"maxlength": 120, "required": True, "placeholder": _("Ex. : Travailleurs autonomes du Kamouraska")}
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 5000}),
        help_text=_("À qui s'adresse le groupe, ce qu'on y fait, à quel rythme on se rencontre."),
    )
    organiser_kind = forms.ChoiceField(
        label=_("Organisé par"), choices=OrganiserKind.choices, initial=OrganiserKind.MEMBER, required=False
    )
    access = forms.ChoiceField(
        label=_("Qui peut entrer"),
        choices=[
            (GroupAccess.PUBLIC, _("Public : tout membre du site entre en un clic")),
            (GroupAccess.ON_REQUEST, _("Sur demande : les organisateurs acceptent ou refusent chaque demande")),
            (GroupAccess.INVITATION, _("Sur invitation : seuls les membres invités voient le groupe")),
        ],
        initial=GroupAccess.PUBLIC,
        widget=forms.RadioSelect,
        required=False,
    )
    mrc = forms.ModelChoiceField(
        label=_("MRC"), queryset=Mrc.objects.order_by("name"), required=False, empty_label=_("— Aucune MRC —")
    )
    municipality = MunicipalityField(label=_("Municipalité"), required=False)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["mrc"] = data["mrc"].pk if data.get("mrc") else None
        return data


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Votre message"),
        required=False,
        # No maxlength in the page: the service says how long the text is and how long it may be.
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Texte simple, 5 000 caractères au maximum ; les liens deviennent cliquables."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class InviteForm(forms.Form):
    invitee = forms.EmailField(
        label=_("Courriel du membre à inviter"), required=False, widget=forms.EmailInput(attrs={"required": True})
    )
