"""The propose and edit forms: the service checks every value, the form only carries them (and the photos)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coworking.services import MAX_PHOTOS
from profiles.forms import MultipleFileField, MunicipalityField


def _text(label, max_length, *, rows=None, help_text="", **attrs):
    widget = forms.Textarea(attrs={"maxlength": max_length, "rows": rows, **attrs}) if rows else None
    widget = widget or forms.TextInput(attrs={"maxlength": max_length, **attrs})
    return forms.CharField(label=label, required=False, widget=widget, help_text=help_text)


def _number(label, *, help_text="", step="1", **attrs):
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal" if step != "1" else "numeric", **attrs}),
    )


class SpaceForm(forms.Form):
    name = _text(_("Nom de l'espace"), 120, autocomplete="organization")
    description = _text(_("Description"), 3000, rows=4)
    municipality = MunicipalityField(label=_("Municipalité"), required=False)
    address = _text(_("Adresse"), 200, autocomplete="street-address")
    # Without them the space stands at its municipality's centre (said under the pair, on the page).
    latitude = _number(_("Latitude (facultatif)"), step="any")
    longitude = _number(_("Longitude (facultatif)"), step="any")
    desks = _number(_("Postes de travail"))
    closed_offices = _number(_("Bureaux fermés"))
    meeting_rooms = _number(_("Salles de réunion"))
    has_studio = forms.BooleanField(label=_("Studio (photo, vidéo ou balado)"), required=False)
    internet_mbps = _number(_("Vitesse Internet (Mbit/s)"), help_text=_("En téléchargement, par exemple 100."))
    price_hour = _number(_("Prix à l'heure ($)"), step="any")
    price_day = _number(_("Prix à la journée ($)"), step="any")
    price_month = _number(_("Prix au mois ($)"), step="any")
    opening_hours = _text(
        _("Heures d'ouverture"), 500, rows=3, help_text=_("Par exemple : lundi au vendredi, 8 h à 18 h.")
    )
    email = _text(_("Courriel"), 254, autocomplete="email", type="email")
    phone = _text(_("Téléphone"), 30, autocomplete="tel", inputmode="tel")
    website = _text(_("Site web"), 300, autocomplete="url", type="url")
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        help_text=_("JPEG, PNG ou WebP, jusqu'à %(max)s photos.") % {"max": MAX_PHOTOS},
    )

    @staticmethod
    def initial_for(space) -> dict:
        """The form filled from a space, amounts with a French decimal comma."""

        def amount(value):
            return "" if value is None else str(value).replace(".", ",")

        return {
            "name": space.name,
            "description": space.description,
            "municipality": space.municipality,
            "address": space.address,
            "latitude": "" if space.latitude is None else space.latitude,
            "longitude": "" if space.longitude is None else space.longitude,
            "desks": space.desks,
            "closed_offices": space.closed_offices,
            "meeting_rooms": space.meeting_rooms,
            "has_studio": space.has_studio,
            "internet_mbps": space.internet_mbps or "",
            "price_hour": amount(space.price_hour),
            "price_day": amount(space.price_day),
            "price_month": amount(space.price_month),
            "opening_hours": space.opening_hours,
            "email": space.email,
            "phone": space.phone,
            "website": space.website,
        }


class ManagerAddForm(forms.Form):
    """Another member to manage the space with, named by the e-mail of their account."""

    email = forms.CharField(
        label=_("Courriel de la personne"),
        max_length=254,
        help_text=_("L'adresse de son compte sur le site : elle doit déjà y être inscrite."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
