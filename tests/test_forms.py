"""How forms are drawn: crispy-forms' Bootstrap 5 markup, errors beside their fields, the admin's widgets still
drawn."""

import re

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.urls import reverse


class SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As it appears on the ballot.")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"class": "notes", "rows": 2}))
    agrees = forms.BooleanField(label="I agree")
    stage = forms.ChoiceField(label="Stage", choices=[("a", "Research"), ("b", "Won")])
    sides = forms.MultipleChoiceField(
        label="Sides", choices=[("x", "Sheriff"), ("y", "Board")], widget=forms.CheckboxSelectMultiple, required=False
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def render(template, **context):
    return Template("{% load crispy_forms_tags %}" + template).render(Context(context))


def squeezed(html):
    """The markup with its runs of white space made one space, and none inside a tag's brackets."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<|>)\s*", r"\1", html)


def test_each_widget_gets_its_kind_of_markup():
    html = squeezed(render("{{ form|crispy }}", form=SampleForm()))
    assert '<div id="div_id_name" class="mb-3"><label for="id_name" class="form-label requiredField">' in html
    assert 'Name<span class="asteriskField">*</span></label>' in html  # required fields are marked
    assert 'class="textinput form-control"' in html
    assert 'class="notes textarea form-control"' in html  # the widget's own class is kept
    assert 'class="select form-select"' in html
    assert '<div id="div_id_agrees" class="form-check">' in html
    assert 'class="checkboxinput form-check-input"' in html
    assert '<legend class="form-label fs-6">Sides</legend>' in html
    assert '<input type="checkbox" class="form-check-input" name="sides" value="x" id="id_sides_0">' in html
    assert '<label for="id_sides_1" class="form-check-label">Board</label>' in html
    assert '<div id="id_name_helptext" class="form-text">As it appears on the ballot.</div>' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert '<input type="hidden" name="secret" id="id_secret">' in html
    assert "div_id_secret" not in html
    assert "Notes</label>" in html and "Notes<span" not in html  # optional fields are not marked


def test_errors_mark_the_widget_invalid_and_are_shown_under_it():
    html = squeezed(render("{{ form|crispy }}", form=SampleForm(data={"name": "", "stage": "z", "sides": ["q"]})))
    assert 'class="textinput form-control is-invalid"' in html
    assert 'aria-invalid="true"' in html
    assert re.search(
        r'id="id_name"><div id="id_name_error" class="invalid-feedback"><p id="error_1_id_name"><strong>'
        r"This field is required.</strong>",
        html,
    )
    assert 'class="select form-select is-invalid"' in html
    assert '<div id="id_stage_error" class="invalid-feedback">' in html
    assert 'class="form-check-input is-invalid"' in html  # each box of a list of check boxes
    assert '<div id="id_sides_error" class="invalid-feedback">' in html
    # A field's text is escaped like any other.
    assert "<script>" not in render("{{ form.name|as_crispy_field }}", form=SampleForm(data={"name": "<script>"}))


def test_errors_of_the_whole_form_come_first():
    class Form(SampleForm):
        def clean(self):
            raise forms.ValidationError("Choose either an official or a body.")

    html = squeezed(render("{{ form|crispy }}", form=Form(data={"name": "x", "agrees": "on", "stage": "a"})))
    assert html.index("Choose either an official or a body.") < html.index('id="div_id_name"')
    assert 'class="alert alert-block alert-danger"' in html


def test_one_field_renders_alone():
    html = render("{{ form.stage|as_crispy_field }}", form=SampleForm()).strip()
    assert html.startswith('<div id="div_id_stage" class="mb-3">')
    assert "Research" in html
    assert "div_id_name" not in html


@pytest.mark.django_db
def test_a_page_in_spanish_has_spanish_labels_marked_required(client, staff):
    client.force_login(staff)
    client.cookies["django_language"] = "es"
    html = squeezed(client.post(reverse("campaigns:new"), {"name": ""}).content.decode())
    assert 'class="form-label requiredField">Condado o ciudad<span class="asteriskField">*</span></label>' in html
    assert "Este campo es requerido." in html


@pytest.mark.django_db
def test_admin_change_form_with_related_widgets_renders(admin_client):
    user = get_user_model().objects.create_user("someone")
    response = admin_client.get(f"/admin/auth/user/{user.pk}/change/")
    assert response.status_code == 200
    assert b"related-widget-wrapper" in response.content
