"""Forms only parse what the browser sends; the rules and their messages live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from profiles.forms import MunicipalityField
from projects.models import BudgetType, Category, PaidAsAgreed, Pricing, Visibility


class ProjectForm(forms.Form):
    title = forms.CharField(
        label=_("Titre du projet"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "maxlength": 120,
                "required": True,
                "placeholder": _("Ex. : Refaire le site web de notre fromagerie"),
            }
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        help_text=_(
            "Décrivez le besoin, le contexte et ce que vous attendez. Plus c'est clair, meilleures sont les soumissions."
        ),
        widget=forms.Textarea(attrs={"maxlength": 10000, "required": True, "rows": 8}),
    )
    category = forms.ChoiceField(label=_("Catégorie"), required=False, choices=[("", "—")] + list(Category.choices))
    skills = forms.CharField(
        label=_("Compétences recherchées"),
        required=False,
        help_text=_("Séparées par des virgules, ex. : WordPress, rédaction web"),
    )
    budget_type = forms.ChoiceField(
        label=_("Budget"),
        required=False,
        choices=BudgetType.choices,
        initial=BudgetType.FIXED,
        widget=forms.RadioSelect,
    )
    budget_min = forms.DecimalField(
        label=_("Minimum ($ CA)"), required=False, widget=forms.NumberInput(attrs={"min": "0", "step": "0.01"})
    )
    budget_max = forms.DecimalField(
        label=_("Maximum ($ CA)"), required=False, widget=forms.NumberInput(attrs={"min": "0", "step": "0.01"})
    )
    deadline = forms.DateField(
        label=_("Échéance souhaitée"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    starts_on = forms.DateField(
        label=_("Début souhaité"),
        required=False,
        help_text=_("Nous prévenons les pigistes libres à cette date."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    municipality = MunicipalityField(label=_("Municipalité"), required=False)
    remote = forms.BooleanField(label=_("Le travail peut se faire à distance"), required=False)
    quotes_due = forms.DateField(
        label=_("Soumissions acceptées jusqu'au"),
        required=False,
        help_text=_("Par défaut : dans deux semaines."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    visibility = forms.ChoiceField(
        label=_("Visibilité"),
        required=False,
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class LineItemForm(forms.Form):
    description = forms.CharField(label=_("Poste"), required=False, widget=forms.TextInput(attrs={"maxlength": 200}))
    amount = forms.DecimalField(
        label=_("Montant ($)"), required=False, widget=forms.NumberInput(attrs={"min": "0", "step": "0.01"})
    )


LineItemFormSet = forms.formset_factory(LineItemForm, extra=3, max_num=30, validate_max=True)


class QuoteForm(forms.Form):
    pricing = forms.ChoiceField(
        label=_("Tarification"), choices=Pricing.choices, initial=Pricing.FIXED, widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=_("Montant ($ CA, avant taxes)"),
        required=False,
        help_text=_("Prix total pour un forfait, ou taux par heure."),
        widget=forms.NumberInput(attrs={"min": "0.01", "step": "0.01", "required": True}),
    )
    estimated_hours = forms.DecimalField(
        label=_("Heures estimées"),
        required=False,
        help_text=_("Pour un taux horaire."),
        widget=forms.NumberInput(attrs={"min": "0.5", "step": "0.5"}),
    )
    delivery_days = forms.IntegerField(
        label=_("Livraison en (jours)"), required=False, widget=forms.NumberInput(attrs={"min": "1"})
    )
    delivery_date = forms.DateField(
        label=_("… ou livraison le"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    charges_taxes = forms.TypedChoiceField(
        label=_("Taxes"),
        choices=[
            ("1", _("Je facture la TPS et la TVQ en sus")),
            ("0", _("Je ne facture pas de taxes (petit fournisseur)")),
        ],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message au client"),
        required=False,
        help_text=_("Présentez votre approche, vos réalisations semblables et ce qui est inclus."),
        widget=forms.Textarea(attrs={"maxlength": 5000, "required": True, "rows": 6}),
    )

    def service_data(self, line_items_formset=None) -> dict:
        data = dict(self.cleaned_data)
        if line_items_formset is not None:
            data["line_items"] = [
                {"description": f.cleaned_data.get("description") or "", "amount": f.cleaned_data.get("amount")}
                for f in line_items_formset.forms
                if f.cleaned_data.get("description") or f.cleaned_data.get("amount") is not None
            ]
        return data


class JointLineItemForm(LineItemForm):
    """A line of a joint quote: who does it, among the collective's active members (empty: the collective)."""

    assignee = forms.TypedChoiceField(label=_("Fait par"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", _("Le collectif")),
            *((member.pk, member.public_name) for member in members),
        ]


JointLineItemFormSet = forms.formset_factory(JointLineItemForm, extra=4, max_num=30, validate_max=True)


class JointQuoteForm(QuoteForm):
    """A collective's quote: the quote's fields, sent by an admin for one of their collectives."""

    collective = forms.TypedChoiceField(label=_("Collectif"), coerce=int)

    def __init__(self, *args, collectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collective"].choices = [(c.pk, c.name) for c in collectives]
        self.fields["message"].help_text = _(
            "Présentez votre équipe, qui fait quoi et ce qui est inclus. Chaque membre assigné verra le projet "
            "et la conversation avec le client."
        )

    def service_data(self, line_items_formset=None) -> dict:
        data = super().service_data()
        if line_items_formset is not None:
            data["line_items"] = [
                {
                    "description": f.cleaned_data.get("description") or "",
                    "amount": f.cleaned_data.get("amount"),
                    "assignee": f.cleaned_data.get("assignee"),
                }
                for f in line_items_formset.forms
                if f.cleaned_data.get("description") or f.cleaned_data.get("amount") is not None
            ]
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Raison (facultative, le pigiste la verra)"),
        required=False,
        widget=forms.Textarea(attrs={"maxlength": 1000, "rows": 2}),
    )


class RevisionForm(forms.Form):
    note = forms.CharField(
        label=_("Ce que vous aimeriez voir changer"),
        required=False,
        widget=forms.Textarea(attrs={"maxlength": 1000, "rows": 2, "required": True}),
    )


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Note"),
        coerce=int,
        choices=[(5, "★★★★★"), (4, "★★★★☆"), (3, "★★★☆☆"), (2, "★★☆☆☆"), (1, "★☆☆☆☆")],
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"maxlength": 3000, "rows": 5})
    )
    paid_as_agreed = forms.ChoiceField(
        label=_("Le client vous a-t-il payé comme convenu ?"),
        choices=PaidAsAgreed.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, author_is_client: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if author_is_client:
            del self.fields["paid_as_agreed"]


class InviteForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Projet"), coerce=int, choices=())
    message = forms.CharField(
        label=_("Message (facultatif)"), required=False, widget=forms.Textarea(attrs={"maxlength": 2000, "rows": 4})
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(p.pk, p.title) for p in projects]


class OfferForm(forms.Form):
    """A counter-offer; the service checks the amount and the delay by the quote's own rules."""

    amount = forms.CharField(
        label=_("Montant proposé ($ CA, avant taxes)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "required": True, "autocomplete": "off"}),
    )
    delivery_days = forms.IntegerField(
        label=_("Livraison en (jours)"), required=False, widget=forms.NumberInput(attrs={"min": "1"})
    )
    delivery_date = forms.DateField(
        label=_("… ou livraison le"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    message = forms.CharField(
        label=_("Message (facultatif)"), required=False, widget=forms.Textarea(attrs={"maxlength": 2000, "rows": 3})
    )


class OfferDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Raison (facultative, l'autre partie la verra)"),
        required=False,
        widget=forms.Textarea(attrs={"maxlength": 1000, "rows": 2}),
    )
