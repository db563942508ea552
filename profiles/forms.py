"""Web forms of the profiles app: they parse and render; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError
from profiles.models import Availability, Municipality, Region, Report
from profiles.services import LANGUAGE_CHOICES


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: under each field it names, else at the top."""
    errors = error.errors or {None: [error.message]}
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, str(message))


def municipality_choices() -> list:
    """Every place, grouped by region, for a native select that works on any phone without script."""
    groups: dict[str, list] = {}
    for pk, name, region in Municipality.objects.order_by("name").values_list("pk", "name", "region"):
        groups.setdefault(region, []).append((str(pk), name))
    labels = dict(Region.choices)
    return [("", _("— Choisir —"))] + [(labels[code], groups[code]) for code in sorted(groups, key=lambda c: labels[c])]


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
    municipality = forms.CharField(label=_("Municipalité"), required=False, widget=forms.Select)
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

    SERVICE_FIELDS = (
        "display_name",
        "headline",
        "bio",
        "skills",
        "hourly_rate",
        "languages",
        "availability",
        "available_from",
        "remote",
        "municipality",
        "travel_radius_km",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].widget.choices = municipality_choices()

    def service_data(self) -> dict:
        """The cleaned values in the shape the profile service takes."""
        data = {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}
        data["skills"] = [s for s in (data["skills"] or "").split(",") if s.strip()]
        return data

    @staticmethod
    def initial_from(profile, user) -> dict:
        if profile is None:
            return {"display_name": user.name, "availability": Availability.NOW, "remote": True, "languages": ["fr"]}
        return {
            "display_name": profile.display_name,
            "headline": profile.headline,
            "bio": profile.bio,
            "skills": ", ".join(skill.name for skill in profile.skills.all()),
            "hourly_rate": "" if profile.hourly_rate is None else str(profile.hourly_rate).replace(".", ","),
            "languages": profile.languages,
            "availability": profile.availability,
            "available_from": profile.available_from.isoformat() if profile.available_from else "",
            "remote": profile.remote,
            "municipality": str(profile.municipality_id or ""),
            "travel_radius_km": profile.travel_radius_km,
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
        from profiles.services import account_name_set

        account_name_set(user=user, name=self.cleaned_data["name"])
