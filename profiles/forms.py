"""Web forms of the profiles app: they parse and render; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import DomainError
from profiles.models import Availability, Municipality, Report
from profiles.selectors import municipality_resolve
from profiles.services import LANGUAGE_CHOICES, PROFILE_FIELDS, search_key


class MunicipalityWidget(forms.Widget):
    """A text box that suggests places as one types (static/js/autocomplete.js), and the chosen one's id.

    The box is `<name>_name`; the id, filled in when a suggestion is chosen, is `<name>`. Without
    script the typed name is enough: MunicipalityField resolves it.
    """

    template_name = "profiles/widgets/municipality.html"

    def __init__(self, attrs=None):
        super().__init__(
            {"autocomplete": "off", "placeholder": _("Commencez à taper, p. ex. Rimouski"), **(attrs or {})}
        )

    @property
    def media(self):
        return forms.Media(css={"all": ["css/autocomplete.css"]}, js=[forms.Script("js/autocomplete.js", defer=True)])

    def value_from_datadict(self, data, files, name):
        # "name" is None when only the id was sent (a form stashed before sign-up, a scripted post).
        return {"id": data.get(name) or "", "name": data.get(f"{name}_name")}

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_name" not in data

    def format_value(self, value):
        # MunicipalityField.prepare_value gives {"id", "name"}: both boxes are filled from it.
        return value if isinstance(value, dict) else {"id": value or "", "name": ""}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["url"] = reverse("api-municipality-search")
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine, where the site's templates live (the form renderer only
        # looks in Django's own and the apps' template folders).
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))  # noqa: S308


class MunicipalityField(forms.Field):
    """A Quebec place: the id of the suggestion chosen, else the name typed; cleans to an id or None.

    The id only stands when the box still holds that place's name: without script nothing clears it
    when the name is changed. An id sent alone goes to the service as it is, which checks it.
    """

    widget = MunicipalityWidget

    def prepare_value(self, value):
        """`{"id", "name"}` for the widget, from what was posted or from an initial id or place."""
        if isinstance(value, dict):
            return {"id": value.get("id") or "", "name": value.get("name") or ""}
        if value in (None, ""):
            return {"id": "", "name": ""}
        place = value if isinstance(value, Municipality) else _municipality_or_none(value)
        if place is None:
            return {"id": value, "name": ""}
        return {"id": place.pk, "name": _typeable_name(place)}

    def to_python(self, value):
        if not isinstance(value, dict):
            value = {"id": value, "name": None}
        given_id, typed = str(value.get("id") or "").strip(), value.get("name")
        if typed is None:
            return given_id or None
        typed = typed.strip()
        if not typed:
            return None
        chosen = _municipality_or_none(given_id) if given_id else None
        if chosen is not None and search_key(typed) in {search_key(chosen.name), search_key(chosen.full_label)}:
            return chosen.pk
        try:
            return municipality_resolve(text=typed).pk
        except DomainError as error:
            raise forms.ValidationError(str(error.message), code="municipality") from None


def _municipality_or_none(value) -> Municipality | None:
    try:
        return Municipality.objects.select_related("mrc").filter(pk=int(str(value).strip())).first()
    except ValueError:
        return None


def _typeable_name(place: Municipality) -> str:
    """The name shown in the box: with its MRC and region when namesakes exist, so sending it back without script works."""
    namesakes = Municipality.objects.filter(search_name=place.search_name).exclude(pk=place.pk).exists()
    return place.full_label if namesakes else place.name


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Nom affiché"), required=False, widget=forms.TextInput(attrs={"maxlength": 80, "autocomplete": "name"})
    )
    headline = forms.CharField(
        label=_("Titre"),
        required=False,
        help_text=_("Ce que vous faites, en une ligne. Ex. : Graphiste pour PME du Bas-Saint-Laurent"),
        widget=forms.TextInput(attrs={"maxlength": 140}),
    )
    bio = forms.CharField(
        label=_("Présentation"), required=False, widget=forms.Textarea(attrs={"maxlength": 5000, "rows": 6})
    )
    skills = forms.CharField(
        label=_("Compétences"),
        required=False,
        help_text=_("Séparées par des virgules. Ex. : Développement web, WordPress, Photo de produits"),
    )
    hourly_rate = forms.CharField(
        label=_("Taux horaire ($ CA)"),
        required=False,
        help_text=_("Laissez vide pour « à discuter »."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "65"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Langues de travail"), required=False, choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    availability = forms.ChoiceField(label=_("Disponibilité"), choices=Availability.choices, widget=forms.RadioSelect)
    available_from = forms.CharField(
        label=_("Disponible à partir du"),
        required=False,
        help_text=_("Seulement si vous choisissez « à partir d'une date »."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    remote = forms.BooleanField(label=_("J'accepte le travail à distance"), required=False)
    indexable_by_search_engines = forms.BooleanField(
        label=_("Mon profil peut apparaître dans les moteurs de recherche (Google, Bing…)"),
        required=False,
        help_text=_("Décochez pour que les moteurs de recherche ne l'indexent pas ; il reste visible sur le site."),
    )
    municipality = MunicipalityField(label=_("Municipalité"), required=False)
    travel_radius_km = forms.CharField(
        label=_("Je me déplace jusqu'à (km)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 1500, "step": 5}),
    )
    avatar = forms.FileField(
        label=_("Photo de profil"),
        required=False,
        help_text=_("JPEG, PNG ou WebP. Les métadonnées (position GPS, appareil) sont retirées."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_avatar = forms.BooleanField(label=_("Retirer ma photo"), required=False)

    def service_data(self) -> dict:
        """The cleaned values in the shape the profile service takes."""
        data = {name: self.cleaned_data.get(name) for name in PROFILE_FIELDS}
        data["skills"] = [s for s in (data["skills"] or "").split(",") if s.strip()]
        return data

    @staticmethod
    def initial_from(profile, user) -> dict:
        if profile is None:
            return {
                "display_name": user.name,
                "availability": Availability.NOW,
                "remote": True,
                "languages": ["fr"],
                "indexable_by_search_engines": True,
            }
        return {
            **{name: getattr(profile, name) for name in PROFILE_FIELDS},
            # Shown as typed: skills comma-separated, a French decimal comma, an ISO date for the date box.
            "skills": ", ".join(skill.name for skill in profile.skills.all()),
            "hourly_rate": "" if profile.hourly_rate is None else str(profile.hourly_rate).replace(".", ","),
            "available_from": profile.available_from.isoformat() if profile.available_from else "",
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once; each is judged later by the image pipeline."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class PortfolioItemForm(forms.Form):
    title = forms.CharField(label=_("Titre"), required=False, widget=forms.TextInput(attrs={"maxlength": 120}))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"maxlength": 3000, "rows": 4})
    )
    images = MultipleFileField(
        label=_("Images"), required=False, help_text=_("JPEG, PNG ou WebP, jusqu'à 8 images par réalisation.")
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Raison"), choices=Report.Reason.choices, widget=forms.RadioSelect)
    details = forms.CharField(
        label=_("Détails (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"maxlength": 2000, "rows": 4}),
        help_text=_("Ce qui s'est passé, en quelques mots. Seule l'équipe de modération le lira."),
    )


class SignupForm(forms.Form):
    """Extra sign-up field: without a name, other members would see part of the email address."""

    name = forms.CharField(
        label=_("Nom ou entreprise"),
        max_length=120,
        help_text=_("Affiché sur vos projets et vos évaluations."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user):
        from profiles.services import account_language_set, account_name_set

        account_name_set(user=user, name=self.cleaned_data["name"])
        # The language they signed up in is the one their e-mails start in (the confirmation included).
        account_language_set(user=user, language=getattr(request, "LANGUAGE_CODE", None) or get_language() or "fr-ca")


class PeerListingForm(forms.Form):
    """The profile page's "bottin" setting: listed or not, and what the freelancer looks for."""

    in_peer_directory = forms.BooleanField(
        label=_("Paraître dans le bottin des travailleurs autonomes"),
        required=False,
        help_text=_("Seuls les autres pigistes connectés voient le bottin ; les clients ne le voient pas."),
    )
    peer_looking_for = forms.CharField(
        label=_("Ce que je cherche"),
        required=False,
        help_text=_(
            "Ex. : un partenaire pour de gros contrats, un remplaçant pendant mes vacances, un local à partager."
        ),
        widget=forms.Textarea(attrs={"maxlength": 280, "rows": 2}),
    )
