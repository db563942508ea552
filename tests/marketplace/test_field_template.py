"""One template renders a form field on every page: each kind of widget, its help text and its errors."""

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import FreelancerProfileFactory, UserFactory

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded

FIELD_TEMPLATE = "includes/_field.html"


class EveryKindForm(forms.Form):
    name = forms.CharField(label="Nom", help_text="Affiché sur vos projets.")
    remote = forms.BooleanField(label="À distance", required=False)
    languages = forms.MultipleChoiceField(
        label="Langues", choices=[("fr", "Français"), ("en", "Anglais")], widget=forms.CheckboxSelectMultiple
    )
    pricing = forms.ChoiceField(
        label="Tarification", choices=[("fixed", "Forfait"), ("hourly", "Taux horaire")], widget=forms.RadioSelect
    )


def _render(form, name: str) -> str:
    return render_to_string(FIELD_TEMPLATE, {"field": form[name]})


def test_a_text_box_sits_under_its_label_with_its_help_text():
    html = _render(EveryKindForm(), "name")
    assert '<div class="field">' in html
    assert '<label for="id_name">Nom</label>' in html
    assert '<span class="helptext">Affiché sur vos projets.</span>' in html


def test_a_lone_checkbox_sits_inside_its_label():
    html = _render(EveryKindForm(), "remote")
    assert '<label class="checkbox" for="id_remote"><input type="checkbox" name="remote"' in html
    assert "À distance</label>" in html
    assert "<fieldset" not in html


@pytest.mark.parametrize(
    ("name", "legend", "choices"),
    [("languages", "Langues", ["Français", "Anglais"]), ("pricing", "Tarification", ["Forfait", "Taux horaire"])],
)
def test_a_list_of_choices_is_a_fieldset_named_by_its_legend(name, legend, choices):
    html = _render(EveryKindForm(), name)
    assert f'<fieldset class="choices"><legend>{legend}</legend>' in html
    assert html.count('<label class="choice" for="id_') == len(choices)
    for label in choices:
        assert f"{label}</label>" in html


def test_a_refused_field_is_marked_and_says_why():
    form = EveryKindForm(data={"name": ""})
    assert not form.is_valid()
    html = _render(form, "name")
    assert '<div class="field has-error">' in html
    assert "Ce champ est obligatoire." in html


def test_the_profile_and_project_forms_use_the_one_field_template(client, db):
    member = UserFactory()
    FreelancerProfileFactory(user=member)
    client.force_login(member)

    for page in ("profile-edit", "project-create"):
        used = {template.name for template in client.get(reverse(page)).templates}
        assert FIELD_TEMPLATE in used, page
        assert not {"profiles/_field.html", "projects/_field.html"} & used, page
